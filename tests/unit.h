/* unit.h — the one main() every check unit test shares. */
#ifndef BT386_TESTS_UNIT_H
#define BT386_TESTS_UNIT_H

#include <check.h>
#include <stdlib.h>

/* UNIT_MAIN(make_suite): run the suite built by make_suite(); exit 0 iff all pass.
 * Output is TAP when CK_TAP_LOG_FILE_NAME=- (set by make check). */
#define UNIT_MAIN(make_suite)                                                                      \
    int main(void)                                                                                 \
    {                                                                                              \
        SRunner *sr = srunner_create(make_suite());                                                \
        srunner_run_all(sr, CK_NORMAL);                                                            \
        int failed = srunner_ntests_failed(sr);                                                    \
        srunner_free(sr);                                                                          \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                                          \
    }

#endif
