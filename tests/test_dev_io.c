/* test_dev_io.c — the port bus: registration, dispatch, splitting, unclaimed ports. */
#include "devices/io.h"
#include "tests/unit.h"

/* A recording device with 4 byte registers. */
struct fake {
    uint8_t regs[4];
    unsigned reads, writes;
    uint16_t last_port;
    unsigned last_size;
};

static uint32_t fake_read(void *dev, uint16_t port, unsigned size)
{
    struct fake *f = dev;
    f->reads++;
    f->last_port = port;
    f->last_size = size;
    uint32_t v = 0;
    for (unsigned i = 0; i < size && port + i < 4; i++)
        v |= (uint32_t)f->regs[port + i] << (8 * i);
    return v;
}

static void fake_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    struct fake *f = dev;
    f->writes++;
    f->last_port = port;
    f->last_size = size;
    for (unsigned i = 0; i < size && port + i < 4; i++)
        f->regs[port + i] = (uint8_t)(val >> (8 * i));
}

static const struct io_ops fake_ops = {.read = fake_read, .write = fake_write};

START_TEST(dispatch_passes_offset_and_size)
{
    struct io_bus bus;
    struct fake f = {.regs = {0x11, 0x22, 0x33, 0x44}};
    io_bus_init(&bus);
    ck_assert_int_eq(io_bus_register(&bus, 0x300, 4, 4, &fake_ops, &f, "fake"), IO_OK);
    ck_assert_uint_eq(io_bus_read(&bus, 0x302, 1), 0x33);
    ck_assert_uint_eq(f.last_port, 2);
    ck_assert_uint_eq(io_bus_read(&bus, 0x300, 4), 0x44332211);
    ck_assert_uint_eq(f.last_size, 4);
    io_bus_write(&bus, 0x301, 2, 0xBEEF);
    ck_assert_uint_eq(f.regs[1], 0xEF);
    ck_assert_uint_eq(f.regs[2], 0xBE);
    ck_assert_uint_eq(bus.unclaimed_reads + bus.unclaimed_writes, 0);
}
END_TEST

START_TEST(unclaimed_reads_all_ones_and_counts)
{
    struct io_bus bus;
    io_bus_init(&bus);
    ck_assert_uint_eq(io_bus_read(&bus, 0x1234, 1), 0xFF);
    ck_assert_uint_eq(io_bus_read(&bus, 0x1234, 2), 0xFFFF);
    ck_assert_uint_eq(io_bus_read(&bus, 0x1234, 4), 0xFFFFFFFF);
    io_bus_write(&bus, 0x5678, 1, 0);
    ck_assert_uint_eq(bus.unclaimed_reads, 3);
    ck_assert_uint_eq(bus.unclaimed_writes, 1);
    ck_assert_uint_eq(bus.last_unclaimed_port, 0x5678);
}
END_TEST

START_TEST(overlap_and_bad_ranges_rejected)
{
    struct io_bus bus;
    struct fake f = {0};
    io_bus_init(&bus);
    ck_assert_int_eq(io_bus_register(&bus, 0x20, 2, 1, &fake_ops, &f, "a"), IO_OK);
    ck_assert_int_eq(io_bus_register(&bus, 0x21, 2, 1, &fake_ops, &f, "b"), IO_EBUSY);
    ck_assert_int_eq(io_bus_register(&bus, 0x1F, 2, 1, &fake_ops, &f, "c"), IO_EBUSY);
    ck_assert_int_eq(io_bus_register(&bus, 0x30, 0, 1, &fake_ops, &f, "d"), IO_EINVAL);
    ck_assert_int_eq(io_bus_register(&bus, 0xFFFF, 2, 1, &fake_ops, &f, "e"), IO_EINVAL);
    ck_assert_int_eq(io_bus_register(&bus, 0x30, 1, 3, &fake_ops, &f, "f"), IO_EINVAL);
    ck_assert_int_eq(io_bus_register(&bus, 0x30, 1, 1, NULL, &f, "g"), IO_EINVAL);
    ck_assert_int_eq(io_bus_register(&bus, 0xFFFF, 1, 1, &fake_ops, &f, "top"), IO_OK);
    ck_assert_uint_eq(bus.nranges, 2);
}
END_TEST

START_TEST(table_full)
{
    struct io_bus bus;
    struct fake f = {0};
    io_bus_init(&bus);
    for (unsigned i = 0; i < IO_BUS_MAX_RANGES; i++)
        ck_assert_int_eq(io_bus_register(&bus, (uint16_t)(i * 4), 4, 1, &fake_ops, &f, "x"), IO_OK);
    ck_assert_int_eq(io_bus_register(&bus, 0x1000, 1, 1, &fake_ops, &f, "y"), IO_ENOSPC);
}
END_TEST

START_TEST(wide_access_to_byte_device_is_split)
{
    struct io_bus bus;
    struct fake a = {.regs = {0xA0, 0xA1, 0, 0}}, b = {.regs = {0xB0, 0, 0, 0}};
    io_bus_init(&bus);
    ck_assert_int_eq(io_bus_register(&bus, 0x60, 2, 1, &fake_ops, &a, "a"), IO_OK);
    ck_assert_int_eq(io_bus_register(&bus, 0x62, 1, 1, &fake_ops, &b, "b"), IO_OK);
    /* A dword at 0x60 covers a's two ports, b's port and an unclaimed one. */
    ck_assert_uint_eq(io_bus_read(&bus, 0x60, 4), 0xFFB0A1A0);
    ck_assert_uint_eq(a.reads, 2);
    ck_assert_uint_eq(a.last_size, 1);
    ck_assert_uint_eq(b.reads, 1);
    ck_assert_uint_eq(bus.unclaimed_reads, 1);
    io_bus_write(&bus, 0x61, 2, 0x5AC3);
    ck_assert_uint_eq(a.regs[1], 0xC3);
    ck_assert_uint_eq(b.regs[0], 0x5A);
}
END_TEST

START_TEST(invalid_size_is_unclaimed)
{
    struct io_bus bus;
    struct fake f = {0};
    io_bus_init(&bus);
    ck_assert_int_eq(io_bus_register(&bus, 0x70, 2, 1, &fake_ops, &f, "f"), IO_OK);
    ck_assert_uint_eq(io_bus_read(&bus, 0x70, 3), 0xFFFFFFFF);
    io_bus_write(&bus, 0x70, 8, 1);
    ck_assert_uint_eq(f.reads + f.writes, 0);
    ck_assert_uint_eq(bus.unclaimed_reads, 1);
    ck_assert_uint_eq(bus.unclaimed_writes, 1);
    ck_assert_ptr_eq(io_bus_find(&bus, 0x71)->dev, &f);
    ck_assert_ptr_null(io_bus_find(&bus, 0x72));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("dev_io");
    TCase *tc = tcase_create("bus");
    tcase_add_test(tc, dispatch_passes_offset_and_size);
    tcase_add_test(tc, unclaimed_reads_all_ones_and_counts);
    tcase_add_test(tc, overlap_and_bad_ranges_rejected);
    tcase_add_test(tc, table_full);
    tcase_add_test(tc, wide_access_to_byte_device_is_split);
    tcase_add_test(tc, invalid_size_is_unclaimed);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
