/* test_options.c — the command line: sizes, errors, defaults. */
#include "monitor/options.h"
#include "tests/unit.h"

#include <string.h>

static bool parse(struct options *o, char *err, int argc, char **argv)
{
    return options_parse(o, argc, argv, err, 256);
}

START_TEST(sizes)
{
    uint64_t b;
    ck_assert(options_parse_size("256", &b) && b == 256ull << 20);
    ck_assert(options_parse_size("1G", &b) && b == 1ull << 30);
    ck_assert(options_parse_size("65536K", &b) && b == 64ull << 20);
    ck_assert(options_parse_size("64MB", &b) && b == 64ull << 20);
    ck_assert(!options_parse_size("", &b));
    ck_assert(!options_parse_size("-5", &b));
    ck_assert(!options_parse_size("12X", &b));
    ck_assert(!options_parse_size("99999999999999999999", &b));
    ck_assert(!options_parse_size("18446744073709551615G", &b));
}
END_TEST

START_TEST(defaults_and_values)
{
    struct options o;
    char err[256];
    char *argv[] = {"bt386", "-kernel", "k.elf",   "-append", "console=ttyS0",
                    "-m",    "64",      "--stats", "s.json",  "--no-reservetop"};
    ck_assert(parse(&o, err, 10, argv));
    ck_assert_str_eq(o.kernel, "k.elf");
    ck_assert_str_eq(o.append, "console=ttyS0");
    ck_assert_str_eq(o.stats_file, "s.json");
    ck_assert(o.no_reservetop);
    ck_assert_uint_eq(o.ram_bytes, 64ull << 20);
    char *argv2[] = {"bt386", "-kernel", "k"};
    ck_assert(parse(&o, err, 3, argv2));
    ck_assert_uint_eq(o.ram_bytes, OPT_RAM_DEFAULT);
}
END_TEST

START_TEST(absurd_memory_is_refused)
{
    struct options o;
    char err[256];
    char *big[] = {"bt386", "-kernel", "k", "-m", "100G"};
    ck_assert(!parse(&o, err, 5, big));
    ck_assert_ptr_nonnull(strstr(err, "between 2M and 3584M"));
    char *small[] = {"bt386", "-kernel", "k", "-m", "1"};
    ck_assert(!parse(&o, err, 5, small));
    char *junk[] = {"bt386", "-kernel", "k", "-m", "lots"};
    ck_assert(!parse(&o, err, 5, junk));
    ck_assert_ptr_nonnull(strstr(err, "not a size"));
}
END_TEST

START_TEST(missing_pieces_are_named)
{
    struct options o;
    char err[256];
    char *nokernel[] = {"bt386", "-m", "64"};
    ck_assert(!parse(&o, err, 3, nokernel));
    ck_assert_ptr_nonnull(strstr(err, "no kernel"));
    char *dangling[] = {"bt386", "-kernel"};
    ck_assert(!parse(&o, err, 2, dangling));
    ck_assert_ptr_nonnull(strstr(err, "needs an argument"));
    char *unknown[] = {"bt386", "-kernel", "k", "-frobnicate"};
    ck_assert(!parse(&o, err, 4, unknown));
    ck_assert_ptr_nonnull(strstr(err, "-frobnicate"));
    char *help[] = {"bt386", "--help"};
    ck_assert(parse(&o, err, 2, help) && o.help);
}
END_TEST

static Suite *options_suite(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, sizes);
    tcase_add_test(tc, defaults_and_values);
    tcase_add_test(tc, absurd_memory_is_refused);
    tcase_add_test(tc, missing_pieces_are_named);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(options_suite)
