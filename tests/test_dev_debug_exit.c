/* test_dev_debug_exit.c — QEMU's isa-debug-exit convention. */
#include "devices/debug_exit.h"
#include "tests/unit.h"

struct rig {
    struct debug_exit d;
    struct io_bus bus;
    uint32_t status;
    unsigned calls;
};

static void on_exit_request(void *ctx, uint32_t status)
{
    struct rig *r = ctx;
    r->status = status;
    r->calls++;
}

static void setup(struct rig *r)
{
    r->status = 0;
    r->calls = 0;
    debug_exit_init(&r->d, on_exit_request, r);
    io_bus_init(&r->bus);
    io_bus_register(&r->bus, 0xF4, 4, 4, &debug_exit_io_ops, &r->d, "debug-exit");
}

START_TEST(status_is_value_shifted_with_low_bit_set)
{
    ck_assert_uint_eq(debug_exit_status(0), 1);
    ck_assert_uint_eq(debug_exit_status(0x10), 0x21);
    ck_assert_uint_eq(debug_exit_status(0x7F), 0xFF);
}
END_TEST

START_TEST(dword_write_requests_exit)
{
    struct rig r;
    setup(&r);
    io_bus_write(&r.bus, 0xF4, 4, 0x31);
    ck_assert_uint_eq(r.calls, 1);
    ck_assert_uint_eq(r.status, 0x63);
}
END_TEST

START_TEST(byte_write_and_reads)
{
    struct rig r;
    setup(&r);
    io_bus_write(&r.bus, 0xF4, 1, 0x00);
    ck_assert_uint_eq(r.calls, 1);
    ck_assert_uint_eq(r.status, 1);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xF4, 4), 0xFFFFFFFF);
    ck_assert_uint_eq(r.calls, 1);
    ck_assert_uint_eq(r.d.requests, 1);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("dev_debug_exit");
    TCase *tc = tcase_create("isa-debug-exit");
    tcase_add_test(tc, status_is_value_shifted_with_low_bit_set);
    tcase_add_test(tc, dword_write_requests_exit);
    tcase_add_test(tc, byte_write_and_reads);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
