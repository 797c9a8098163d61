/* test_dev_pci.c — configuration mechanism #1 with no devices. */
#include "devices/pci_none.h"
#include "tests/unit.h"

struct rig {
    struct pci_none pci;
    struct io_bus bus;
    unsigned resets;
};

static void on_reset(void *ctx)
{
    ((struct rig *)ctx)->resets++;
}

static void setup(struct rig *r)
{
    r->resets = 0;
    pci_none_init(&r->pci, on_reset, r);
    io_bus_init(&r->bus);
    io_bus_register(&r->bus, 0xCF8, 8, 4, &pci_none_io_ops, &r->pci, "pci");
}

START_TEST(config_reads_are_all_ones_of_their_size)
{
    struct rig r;
    setup(&r);
    io_bus_write(&r.bus, 0xCF8, 4, 0x80000000); /* bus 0, device 0, vendor ID */
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xCFC, 4), 0xFFFFFFFF);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xCFC, 2), 0xFFFF);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xCFE, 2), 0xFFFF);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xCFF, 1), 0xFF);
    io_bus_write(&r.bus, 0xCFC, 4, 0x12345678);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xCFC, 4), 0xFFFFFFFF);
    ck_assert_uint_eq(r.pci.config_reads, 5);
    ck_assert_uint_eq(r.pci.config_writes, 1);
}
END_TEST

START_TEST(address_register_reads_back)
{
    struct rig r;
    setup(&r);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xCF8, 4), 0);
    io_bus_write(&r.bus, 0xCF8, 4, 0x80001804);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xCF8, 4), 0x80001804);
    /* Narrow accesses are not the address register. */
    io_bus_write(&r.bus, 0xCF8, 2, 0);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xCF8, 4), 0x80001804);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xCF8, 2), 0xFFFF);
}
END_TEST

START_TEST(reset_control_register)
{
    struct rig r;
    setup(&r);
    io_bus_write(&r.bus, 0xCF9, 1, 0x02); /* select hard reset */
    ck_assert_uint_eq(r.resets, 0);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0xCF9, 1), 0x02);
    io_bus_write(&r.bus, 0xCF9, 1, 0x06); /* reset CPU */
    ck_assert_uint_eq(r.resets, 1);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("dev_pci");
    TCase *tc = tcase_create("conf1");
    tcase_add_test(tc, config_reads_are_all_ones_of_their_size);
    tcase_add_test(tc, address_register_reads_back);
    tcase_add_test(tc, reset_control_register);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
