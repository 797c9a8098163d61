/* test_dev_port80.c — the POST code port. */
#include "devices/port80.h"
#include "tests/unit.h"

START_TEST(remembers_last_code)
{
    struct port80 p;
    struct io_bus bus;
    port80_init(&p);
    io_bus_init(&bus);
    io_bus_register(&bus, 0x80, 1, 1, &port80_io_ops, &p, "post");
    io_bus_write(&bus, 0x80, 1, 0x12);
    io_bus_write(&bus, 0x80, 1, 0x34);
    ck_assert_uint_eq(p.last, 0x34);
    ck_assert_uint_eq(p.writes, 2);
    ck_assert_uint_eq(bus.unclaimed_writes, 0);
}
END_TEST

START_TEST(reads_float)
{
    struct port80 p;
    struct io_bus bus;
    port80_init(&p);
    io_bus_init(&bus);
    io_bus_register(&bus, 0x80, 1, 1, &port80_io_ops, &p, "post");
    io_bus_write(&bus, 0x80, 1, 0x55);
    ck_assert_uint_eq(io_bus_read(&bus, 0x80, 1), 0xFF);
    ck_assert_uint_eq(p.last, 0x55);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("dev_port80");
    TCase *tc = tcase_create("post");
    tcase_add_test(tc, remembers_last_code);
    tcase_add_test(tc, reads_float);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
