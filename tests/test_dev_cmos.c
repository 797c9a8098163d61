/* test_dev_cmos.c — the MC146818 RTC and CMOS RAM with injected clocks. */
#include "devices/calendar.h"
#include "devices/cmos.h"
#include "tests/unit.h"

struct rig {
    struct cmos cmos;
    struct io_bus bus;
    int64_t wall;
    uint64_t now;
    int level;
};

static int64_t fake_wall(void *ctx)
{
    return ((struct rig *)ctx)->wall;
}

static uint64_t fake_now(void *ctx)
{
    return ((struct rig *)ctx)->now;
}

static void fake_irq(void *ctx, unsigned line, int level)
{
    ck_assert_uint_eq(line, 8);
    ((struct rig *)ctx)->level = level;
}

/* 2024-03-15 13:45:30 UTC, a Friday. */
#define T_2024_03_15 1710510330

static void setup(struct rig *r, int64_t wall)
{
    r->wall = wall;
    r->now = 0;
    r->level = 0;
    struct dev_wall_clock w = {.unix_seconds = fake_wall, .ctx = r};
    struct dev_clock c = {.now_ns = fake_now, .ctx = r};
    struct irq_line irq8 = {.sink = {.set_irq = fake_irq, .ctx = r}, .line = 8};
    cmos_init(&r->cmos, &w, &c, irq8);
    io_bus_init(&r->bus);
    io_bus_register(&r->bus, 0x70, 2, 1, &cmos_io_ops, &r->cmos, "cmos");
}

static uint8_t rd(struct rig *r, uint8_t index)
{
    io_bus_write(&r->bus, 0x70, 1, index);
    return (uint8_t)io_bus_read(&r->bus, 0x71, 1);
}

static void wr(struct rig *r, uint8_t index, uint8_t val)
{
    io_bus_write(&r->bus, 0x70, 1, index);
    io_bus_write(&r->bus, 0x71, 1, val);
}

START_TEST(calendar_round_trip)
{
    struct calendar_time t;
    calendar_from_unix(951825600, &t); /* 2000-02-29 12:00:00, a Tuesday */
    ck_assert_int_eq(t.year, 2000);
    ck_assert_uint_eq(t.month, 2);
    ck_assert_uint_eq(t.day, 29);
    ck_assert_uint_eq(t.hour, 12);
    ck_assert_uint_eq(t.weekday, 3);
    ck_assert_int_eq(calendar_to_unix(&t), 951825600);
    calendar_from_unix(-1, &t);
    ck_assert_int_eq(t.year, 1969);
    ck_assert_uint_eq(t.month, 12);
    ck_assert_uint_eq(t.second, 59);
    for (int64_t s = 0; s < 4000000000ll; s += 86400 * 97 + 3613) {
        calendar_from_unix(s, &t);
        ck_assert_int_eq(calendar_to_unix(&t), s);
    }
}
END_TEST

START_TEST(bcd_time_registers)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    ck_assert_uint_eq(rd(&r, 0x0B), 0x02);
    ck_assert_uint_eq(rd(&r, 0x00), 0x30);
    ck_assert_uint_eq(rd(&r, 0x02), 0x45);
    ck_assert_uint_eq(rd(&r, 0x04), 0x13);
    ck_assert_uint_eq(rd(&r, 0x06), 0x06); /* Friday */
    ck_assert_uint_eq(rd(&r, 0x07), 0x15);
    ck_assert_uint_eq(rd(&r, 0x08), 0x03);
    ck_assert_uint_eq(rd(&r, 0x09), 0x24);
    ck_assert_uint_eq(rd(&r, 0x32), 0x20);
}
END_TEST

START_TEST(binary_data_mode)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    wr(&r, 0x0B, 0x06);
    ck_assert_uint_eq(rd(&r, 0x00), 30);
    ck_assert_uint_eq(rd(&r, 0x02), 45);
    ck_assert_uint_eq(rd(&r, 0x04), 13);
    ck_assert_uint_eq(rd(&r, 0x09), 24);
    ck_assert_uint_eq(rd(&r, 0x32), 20);
}
END_TEST

START_TEST(twelve_hour_mode)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    wr(&r, 0x0B, 0x00);                    /* 12 h, BCD */
    ck_assert_uint_eq(rd(&r, 0x04), 0x81); /* 1 PM */
    wr(&r, 0x0B, 0x04);                    /* 12 h, binary */
    ck_assert_uint_eq(rd(&r, 0x04), 0x81);
    r.wall = 946598700; /* 1999-12-31 00:05:00: midnight is 12 AM */
    ck_assert_uint_eq(rd(&r, 0x04), 12);
    wr(&r, 0x0B, 0x00);
    r.wall = 951825600; /* noon is 12 PM */
    ck_assert_uint_eq(rd(&r, 0x04), 0x92);
    /* Writing 11 PM in 12 h mode, read back in 24 h mode. */
    wr(&r, 0x04, 0x91);
    wr(&r, 0x0B, 0x02);
    ck_assert_uint_eq(rd(&r, 0x04), 0x23);
}
END_TEST

START_TEST(status_registers_at_reset)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    ck_assert_uint_eq(rd(&r, 0x0A), 0x26);
    ck_assert_uint_eq(rd(&r, 0x0C), 0x00);
    ck_assert_uint_eq(rd(&r, 0x0D), 0x80); /* VRT */
    wr(&r, 0x0D, 0x00);
    ck_assert_uint_eq(rd(&r, 0x0D), 0x80); /* read-only */
}
END_TEST

START_TEST(update_in_progress_window)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    r.now = 500000000;
    ck_assert_uint_eq(rd(&r, 0x0A) & 0x80, 0);
    r.now = 1000000000 - 100000; /* 100 us before the update */
    ck_assert_uint_eq(rd(&r, 0x0A) & 0x80, 0x80);
    r.now = 1000000000;
    ck_assert_uint_eq(rd(&r, 0x0A) & 0x80, 0);
}
END_TEST

START_TEST(register_c_reports_update_and_clears_on_read)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    wr(&r, 0x0B, 0x12); /* UIE, 24 h, BCD */
    ck_assert_uint_eq(cmos_next_deadline_ns(&r.cmos), 1000000000);
    r.now = 1000000000;
    cmos_advance(&r.cmos, r.now);
    ck_assert_int_eq(r.level, 1);
    ck_assert_uint_eq(cmos_next_deadline_ns(&r.cmos), DEV_NO_DEADLINE);
    /* PF is set at the status A rate whether or not PIE is (Register C). */
    ck_assert_uint_eq(rd(&r, 0x0C), 0xD0);
    ck_assert_int_eq(r.level, 0);
    ck_assert_uint_eq(rd(&r, 0x0C), 0x00);
    /* Flags without their enable bit set no IRQF. */
    wr(&r, 0x0B, 0x02);
    r.now = 2000000000;
    ck_assert_uint_eq(rd(&r, 0x0C), 0x50);
    wr(&r, 0x0A, 0x20); /* rate 0: no periodic flag */
    r.now = 3000000000;
    ck_assert_uint_eq(rd(&r, 0x0C), 0x10);
    ck_assert_int_eq(r.level, 0);
}
END_TEST

START_TEST(periodic_interrupt_on_irq8)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    wr(&r, 0x0B, 0x42); /* PIE; rate 6 = 1024 Hz from status A 0x26 */
    uint64_t d = cmos_next_deadline_ns(&r.cmos);
    ck_assert_uint_eq(d, 976563); /* 32 ticks of 32.768 kHz, rounded up */
    cmos_advance(&r.cmos, d - 1);
    ck_assert_int_eq(r.level, 0);
    cmos_advance(&r.cmos, d);
    ck_assert_int_eq(r.level, 1);
    ck_assert_uint_eq(rd(&r, 0x0C), 0xC0);
    ck_assert_int_eq(r.level, 0);
}
END_TEST

START_TEST(alarm_interrupt)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    wr(&r, 0x01, 0x31);
    wr(&r, 0x03, 0xC0); /* don't care */
    wr(&r, 0x05, 0xFF); /* don't care */
    wr(&r, 0x0B, 0x22); /* AIE */
    r.wall = T_2024_03_15 + 1;
    r.now = 1000000000;
    cmos_advance(&r.cmos, r.now);
    ck_assert_int_eq(r.level, 1);
    ck_assert_uint_eq(rd(&r, 0x0C), 0xF0); /* IRQF, PF, AF, UF */
    r.wall = T_2024_03_15 + 2;
    r.now = 2000000000;
    cmos_advance(&r.cmos, r.now);
    ck_assert_int_eq(r.level, 0);
    ck_assert_uint_eq(rd(&r, 0x0C), 0x50);
}
END_TEST

START_TEST(set_bit_freezes_and_sets_time)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    wr(&r, 0x0B, 0x82 | 0x10); /* SET (and UIE, which SET clears) */
    ck_assert_uint_eq(rd(&r, 0x0B), 0x82);
    wr(&r, 0x04, 0x08);
    wr(&r, 0x02, 0x00);
    wr(&r, 0x00, 0x00);
    wr(&r, 0x09, 0x99);
    wr(&r, 0x32, 0x19);
    r.wall += 100;
    ck_assert_uint_eq(rd(&r, 0x00), 0x00); /* frozen */
    wr(&r, 0x0B, 0x02);
    r.wall += 61;
    ck_assert_uint_eq(rd(&r, 0x04), 0x08);
    ck_assert_uint_eq(rd(&r, 0x02), 0x01);
    ck_assert_uint_eq(rd(&r, 0x00), 0x01);
    ck_assert_uint_eq(rd(&r, 0x09), 0x99);
    ck_assert_uint_eq(rd(&r, 0x32), 0x19);
    ck_assert_uint_eq(rd(&r, 0x08), 0x03);
}
END_TEST

START_TEST(index_port_nmi_bit_and_ram)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    io_bus_write(&r.bus, 0x70, 1, 0x8F);
    ck_assert(r.cmos.nmi_disabled);
    ck_assert_uint_eq(r.cmos.index, 0x0F);
    io_bus_write(&r.bus, 0x71, 1, 0xAB);
    ck_assert_uint_eq(cmos_get_byte(&r.cmos, 0x0F), 0xAB);
    ck_assert_uint_eq(io_bus_read(&r.bus, 0x70, 1), 0xFF);
    io_bus_write(&r.bus, 0x70, 1, 0x0F);
    ck_assert(!r.cmos.nmi_disabled);
    cmos_set_byte(&r.cmos, 0x7F, 0x42);
    ck_assert_uint_eq(rd(&r, 0x7F), 0x42);
    ck_assert_uint_eq(rd(&r, 0xFF), 0x42); /* the index is 7 bits */
}
END_TEST

START_TEST(memory_size_bytes)
{
    struct rig r;
    setup(&r, T_2024_03_15);
    cmos_set_memory_size(&r.cmos, 32ull << 20);
    ck_assert_uint_eq(rd(&r, 0x15) | rd(&r, 0x16) << 8, 640);
    ck_assert_uint_eq(rd(&r, 0x17) | rd(&r, 0x18) << 8, 31744);
    ck_assert_uint_eq(rd(&r, 0x30) | rd(&r, 0x31) << 8, 31744);
    ck_assert_uint_eq(rd(&r, 0x34) | rd(&r, 0x35) << 8, 256);
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++)
        sum += rd(&r, (uint8_t)i);
    ck_assert_uint_eq(rd(&r, 0x2E) << 8 | rd(&r, 0x2F), sum & 0xFFFF);
    cmos_set_memory_size(&r.cmos, 1ull << 30);
    ck_assert_uint_eq(rd(&r, 0x30) | rd(&r, 0x31) << 8, 0xFFFF);
    ck_assert_uint_eq(rd(&r, 0x34) | rd(&r, 0x35) << 8, (1024 - 16) * 16);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("dev_cmos");
    TCase *tc = tcase_create("mc146818");
    tcase_add_test(tc, calendar_round_trip);
    tcase_add_test(tc, bcd_time_registers);
    tcase_add_test(tc, binary_data_mode);
    tcase_add_test(tc, twelve_hour_mode);
    tcase_add_test(tc, status_registers_at_reset);
    tcase_add_test(tc, update_in_progress_window);
    tcase_add_test(tc, register_c_reports_update_and_clears_on_read);
    tcase_add_test(tc, periodic_interrupt_on_irq8);
    tcase_add_test(tc, alarm_interrupt);
    tcase_add_test(tc, set_bit_freezes_and_sets_time);
    tcase_add_test(tc, index_port_nmi_bit_and_ram);
    tcase_add_test(tc, memory_size_bytes);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
