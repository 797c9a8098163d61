/* test_console.c — Ctrl-A escapes and the input queue (no terminal needed). */
#include "monitor/console.h"
#include "tests/unit.h"

#include <string.h>

static struct console c;

static void setup(void)
{
    memset(&c, 0, sizeof(c));
    c.tty = true; /* escapes are a terminal's */
}

START_TEST(plain_bytes_reach_the_guest)
{
    ck_assert_int_eq(console_feed(&c, (const uint8_t *)"ls\r", 3), CONSOLE_CONTINUE);
    uint8_t b;
    ck_assert(console_take(&c, &b) && b == 'l');
    ck_assert(console_take(&c, &b) && b == 's');
    ck_assert(console_take(&c, &b) && b == '\r');
    ck_assert(!console_take(&c, &b));
}
END_TEST

START_TEST(ctrl_a_x_quits)
{
    const uint8_t in[] = {'a', 0x01, 'x', 'b'};
    ck_assert_int_eq(console_feed(&c, in, sizeof(in)), CONSOLE_QUIT);
    uint8_t b;
    ck_assert(console_take(&c, &b) && b == 'a');
    ck_assert(!console_take(&c, &b));
}
END_TEST

START_TEST(ctrl_a_twice_sends_one_and_ctrl_c_passes)
{
    const uint8_t in[] = {0x01, 0x01, 0x03};
    ck_assert_int_eq(console_feed(&c, in, sizeof(in)), CONSOLE_CONTINUE);
    uint8_t b;
    ck_assert(console_take(&c, &b) && b == 0x01);
    ck_assert(console_take(&c, &b) && b == 0x03);
}
END_TEST

START_TEST(escape_split_across_reads)
{
    const uint8_t a[] = {0x01}, x[] = {'x'};
    ck_assert_int_eq(console_feed(&c, a, 1), CONSOLE_CONTINUE);
    ck_assert_int_eq(console_feed(&c, x, 1), CONSOLE_QUIT);
}
END_TEST

START_TEST(not_a_terminal_has_no_escapes)
{
    c.tty = false;
    const uint8_t in[] = {0x01, 'x'};
    ck_assert_int_eq(console_feed(&c, in, sizeof(in)), CONSOLE_CONTINUE);
    uint8_t b;
    ck_assert(console_take(&c, &b) && b == 0x01);
}
END_TEST

static Suite *console_suite(void)
{
    Suite *s = suite_create("console");
    TCase *tc = tcase_create("input");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, plain_bytes_reach_the_guest);
    tcase_add_test(tc, ctrl_a_x_quits);
    tcase_add_test(tc, ctrl_a_twice_sends_one_and_ctrl_c_passes);
    tcase_add_test(tc, escape_split_across_reads);
    tcase_add_test(tc, not_a_terminal_has_no_escapes);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(console_suite)
