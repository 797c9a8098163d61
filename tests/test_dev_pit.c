/* test_dev_pit.c — the 8254 over injected time, and port 0x61. */
#include "devices/pit.h"
#include "devices/port61.h"
#include "tests/unit.h"

struct rig {
    struct pit pit;
    struct port61 port61;
    struct io_bus bus;
    uint64_t now;
    int level;
    unsigned rising; /* rising edges seen on IRQ0 */
};

static uint64_t fake_now(void *ctx)
{
    return ((struct rig *)ctx)->now;
}

static void fake_irq(void *ctx, unsigned line, int level)
{
    struct rig *r = ctx;
    ck_assert_uint_eq(line, 0);
    if (level && !r->level)
        r->rising++;
    r->level = level;
}

static void setup(struct rig *r)
{
    r->now = 0;
    r->level = 0;
    r->rising = 0;
    struct dev_clock clock = {.now_ns = fake_now, .ctx = r};
    struct irq_line irq0 = {.sink = {.set_irq = fake_irq, .ctx = r}, .line = 0};
    pit_init(&r->pit, &clock, irq0, 0);
    port61_init(&r->port61, &r->pit);
    io_bus_init(&r->bus);
    io_bus_register(&r->bus, 0x40, 4, 1, &pit_io_ops, &r->pit, "pit");
    io_bus_register(&r->bus, 0x61, 1, 1, &port61_io_ops, &r->port61, "port61");
}

static void outb(struct rig *r, uint16_t port, uint8_t val)
{
    io_bus_write(&r->bus, port, 1, val);
}

static uint8_t inb(struct rig *r, uint16_t port)
{
    return (uint8_t)io_bus_read(&r->bus, port, 1);
}

/* Set the clock to the first ns of PIT tick t. */
static void at_tick(struct rig *r, uint64_t t)
{
    r->now = pit_ticks_to_ns(t);
}

static uint16_t read16(struct rig *r, uint16_t port)
{
    uint8_t lo = inb(r, port);
    return (uint16_t)(lo | inb(r, port) << 8);
}

START_TEST(tick_conversions_are_exact)
{
    ck_assert_uint_eq(pit_ns_to_ticks(1000000000ull), PIT_HZ);
    ck_assert_uint_eq(pit_ns_to_ticks(pit_ticks_to_ns(1194)), 1194);
    ck_assert_uint_eq(pit_ns_to_ticks(pit_ticks_to_ns(1194) - 1), 1193);
    ck_assert_uint_eq(pit_ticks_to_ns(PIT_HZ * 3ull), 3000000000ull);
}
END_TEST

START_TEST(mode2_periodic_irq_count)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x43, 0x34); /* counter 0, LSB/MSB, mode 2 */
    outb(&r, 0x40, 1193 & 0xFF);
    outb(&r, 0x40, 1193 >> 8);
    /* Loaded on the next clock (tick 1); OUT rises each 1193 clocks after that. */
    ck_assert_uint_eq(pit_next_deadline_ns(&r.pit), pit_ticks_to_ns(1 + 1193));
    ck_assert_uint_eq(pit_advance(&r.pit, pit_ticks_to_ns(1194) - 1), 0);
    unsigned before = r.rising;
    for (unsigned i = 0; i < 10; i++) {
        uint64_t d = pit_next_deadline_ns(&r.pit);
        ck_assert_uint_eq(d, pit_ticks_to_ns(1 + 1193ull * (i + 1)));
        ck_assert_uint_eq(pit_advance(&r.pit, d), 1);
    }
    ck_assert_uint_eq(r.rising - before, 10);
    ck_assert_uint_eq(r.pit.irq0_ticks, 10);
}
END_TEST

START_TEST(mode3_square_wave_over_one_second)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x43, 0x36); /* counter 0, LSB/MSB, mode 3 */
    outb(&r, 0x40, 100);
    outb(&r, 0x40, 0);
    uint64_t ticks = 0;
    for (unsigned ms = 1; ms <= 1000; ms++)
        ticks += pit_advance(&r.pit, ms * 1000000ull);
    /* Edges at tick 1 + 100k up to tick 1193182. */
    ck_assert_uint_eq(ticks, (PIT_HZ - 1) / 100);
    /* OUT is high for 50 clocks, low for 50: read back the status at chosen ticks. */
    at_tick(&r, 1 + 100 * 20000ull + 10);
    outb(&r, 0x43, 0xE2);
    ck_assert_uint_eq(inb(&r, 0x40) & 0x80, 0x80);
    at_tick(&r, 1 + 100 * 20000ull + 60);
    outb(&r, 0x43, 0xE2);
    ck_assert_uint_eq(inb(&r, 0x40) & 0x80, 0x00);
    /* The CE counts down by two: 100 - 2 * 10 in the high half. */
    at_tick(&r, 1 + 100 * 20001ull + 10);
    ck_assert_uint_eq(read16(&r, 0x40), 80);
}
END_TEST

START_TEST(huge_backlog_collapses_into_one_edge)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x43, 0x34);
    outb(&r, 0x40, 1193 & 0xFF);
    outb(&r, 0x40, 1193 >> 8);
    unsigned before = r.rising;
    uint64_t ticks = pit_advance(&r.pit, 10 * 1000000000ull);
    ck_assert_uint_eq(ticks, (10ull * PIT_HZ - 1) / 1193);
    ck_assert_uint_eq(r.rising - before, 1);
    ck_assert_uint_eq(r.pit.irq0_pulses, 1);
    /* The next deadline is the next period, not the backlog. */
    uint64_t t = 10ull * PIT_HZ;
    ck_assert_uint_eq(pit_next_deadline_ns(&r.pit),
                      pit_ticks_to_ns(1 + ((t - 1) / 1193 + 1) * 1193));
    ck_assert_uint_eq(pit_advance(&r.pit, 5), 0); /* time never runs backwards */
}
END_TEST

START_TEST(counter_latch_freezes_the_read_value)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x43, 0x34);
    outb(&r, 0x40, 1000 & 0xFF);
    outb(&r, 0x40, 1000 >> 8);
    at_tick(&r, 101);
    outb(&r, 0x43, 0x00); /* latch counter 0 */
    at_tick(&r, 301);
    outb(&r, 0x43, 0x00); /* ignored: already latched */
    ck_assert_uint_eq(inb(&r, 0x40), 900 & 0xFF);
    at_tick(&r, 501);
    ck_assert_uint_eq(inb(&r, 0x40), 900 >> 8);
    /* Unlatched, the read follows the counter. */
    ck_assert_uint_eq(read16(&r, 0x40), 500);
}
END_TEST

START_TEST(lsb_only_and_msb_only_access)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x43, 0x54); /* counter 1, LSB only, mode 2 */
    outb(&r, 0x41, 100);
    at_tick(&r, 11);
    ck_assert_uint_eq(inb(&r, 0x41), 90);
    ck_assert_uint_eq(inb(&r, 0x41), 90);
    outb(&r, 0x43, 0x64); /* counter 1, MSB only, mode 2 */
    outb(&r, 0x41, 0x02); /* count 0x200, loaded at tick 12 */
    at_tick(&r, 12 + 0x100);
    ck_assert_uint_eq(inb(&r, 0x41), 0x01);
}
END_TEST

START_TEST(read_back_status_and_count)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x43, 0x30);                   /* counter 0, LSB/MSB, mode 0 */
    outb(&r, 0x43, 0xE2);                   /* read-back: status of counter 0 */
    ck_assert_uint_eq(inb(&r, 0x40), 0x70); /* OUT low, null count, rw 3, mode 0 */
    outb(&r, 0x40, 50);
    outb(&r, 0x40, 0);
    at_tick(&r, 2);
    outb(&r, 0x43, 0xC2); /* status and count */
    ck_assert_uint_eq(inb(&r, 0x40), 0x30);
    at_tick(&r, 40);
    ck_assert_uint_eq(read16(&r, 0x40), 49); /* the count latched at tick 2 */
    at_tick(&r, 51);
    outb(&r, 0x43, 0xE2);
    ck_assert_uint_eq(inb(&r, 0x40), 0xB0); /* terminal count: OUT high */
}
END_TEST

START_TEST(mode0_on_counter0_raises_irq_at_terminal_count)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x43, 0x30);
    ck_assert_int_eq(r.level, 0);
    outb(&r, 0x40, 100);
    outb(&r, 0x40, 0);
    ck_assert_uint_eq(pit_next_deadline_ns(&r.pit), pit_ticks_to_ns(101));
    ck_assert_uint_eq(pit_advance(&r.pit, pit_ticks_to_ns(100)), 0);
    ck_assert_int_eq(r.level, 0);
    ck_assert_uint_eq(pit_advance(&r.pit, pit_ticks_to_ns(101)), 1);
    ck_assert_int_eq(r.level, 1);
    ck_assert_uint_eq(pit_next_deadline_ns(&r.pit), PIT_NO_DEADLINE);
    ck_assert_uint_eq(pit_advance(&r.pit, pit_ticks_to_ns(70000)), 0);
    ck_assert_int_eq(r.level, 1);
}
END_TEST

START_TEST(mode4_strobe_rises_one_clock_after_terminal_count)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x43, 0x38); /* counter 0, LSB/MSB, mode 4 */
    outb(&r, 0x40, 50);
    outb(&r, 0x40, 0);
    ck_assert_uint_eq(pit_next_deadline_ns(&r.pit), pit_ticks_to_ns(1 + 50 + 1));
    at_tick(&r, 51);
    ck_assert(!pit_read_out(&r.pit, 0));
    at_tick(&r, 52);
    ck_assert(pit_read_out(&r.pit, 0));
    ck_assert_uint_eq(r.pit.irq0_ticks, 1);
}
END_TEST

START_TEST(counter2_one_shot_through_port61)
{
    struct rig r;
    setup(&r);
    /* The TSC calibration sequence: gate 2 on, speaker off, mode 0, 50 ms. */
    outb(&r, 0x61, (inb(&r, 0x61) & ~0x02) | 0x01);
    outb(&r, 0x43, 0xB0);
    uint16_t latch = PIT_HZ / 20;
    outb(&r, 0x42, latch & 0xFF);
    outb(&r, 0x42, latch >> 8);
    ck_assert_uint_eq(inb(&r, 0x61) & 0x21, 0x01);
    at_tick(&r, latch);
    ck_assert_uint_eq(inb(&r, 0x61) & 0x20, 0x00);
    at_tick(&r, 1 + latch);
    ck_assert_uint_eq(inb(&r, 0x61) & 0x20, 0x20);
    at_tick(&r, 1 + latch + 30000);
    ck_assert_uint_eq(inb(&r, 0x61) & 0x20, 0x20); /* stays high */
}
END_TEST

START_TEST(gate_low_suspends_mode0)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x61, 0x01);
    outb(&r, 0x43, 0xB0);
    outb(&r, 0x42, 0x00);
    outb(&r, 0x42, 0x10); /* 4096 */
    at_tick(&r, 1001);
    outb(&r, 0x61, 0x00);
    at_tick(&r, 5000);
    ck_assert_uint_eq(read16(&r, 0x42), 3096);
    ck_assert_uint_eq(inb(&r, 0x61) & 0x20, 0);
    outb(&r, 0x61, 0x01); /* resume at tick 5000 with 3096 left */
    at_tick(&r, 5000 + 3095);
    ck_assert_uint_eq(inb(&r, 0x61) & 0x20, 0);
    at_tick(&r, 5000 + 3096);
    ck_assert_uint_eq(inb(&r, 0x61) & 0x20, 0x20);
}
END_TEST

START_TEST(mode2_gate_low_holds_out_high_and_rising_reloads)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x61, 0x01);
    outb(&r, 0x43, 0xB4); /* counter 2, LSB/MSB, mode 2 */
    outb(&r, 0x42, 10);
    outb(&r, 0x42, 0);
    at_tick(&r, 10); /* CE = 1: OUT low for this clock */
    ck_assert_uint_eq(inb(&r, 0x61) & 0x20, 0);
    outb(&r, 0x61, 0x00);
    ck_assert_uint_eq(inb(&r, 0x61) & 0x20, 0x20);
    at_tick(&r, 100);
    outb(&r, 0x61, 0x01); /* reload on the next clock */
    at_tick(&r, 103);
    ck_assert_uint_eq(read16(&r, 0x42), 8);
}
END_TEST

START_TEST(bcd_counting)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x43, 0x35); /* counter 0, LSB/MSB, mode 2, BCD */
    outb(&r, 0x40, 0x00);
    outb(&r, 0x40, 0x01); /* 0100 BCD = 100 clocks */
    at_tick(&r, 11);
    ck_assert_uint_eq(read16(&r, 0x40), 0x0090);
    ck_assert_uint_eq(pit_next_deadline_ns(&r.pit), pit_ticks_to_ns(101));
    outb(&r, 0x43, 0xE2);
    ck_assert_uint_eq(inb(&r, 0x40) & 0x0F, 0x05); /* mode 2, BCD */
}
END_TEST

START_TEST(new_count_in_mode2_waits_for_period_end)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x43, 0x34);
    outb(&r, 0x40, 1000 & 0xFF);
    outb(&r, 0x40, 1000 >> 8);
    at_tick(&r, 500);
    outb(&r, 0x40, 500 & 0xFF);
    outb(&r, 0x40, 500 >> 8);
    ck_assert_uint_eq(pit_next_deadline_ns(&r.pit), pit_ticks_to_ns(1001));
    ck_assert_uint_eq(pit_advance(&r.pit, pit_ticks_to_ns(1001)), 1);
    ck_assert_uint_eq(pit_next_deadline_ns(&r.pit), pit_ticks_to_ns(1501));
    ck_assert_uint_eq(pit_advance(&r.pit, pit_ticks_to_ns(2001)), 2);
}
END_TEST

START_TEST(port61_bits)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x61, 0xFF);
    ck_assert_uint_eq(inb(&r, 0x61) & 0xCF, 0x0F); /* bits 0-3 as written, 6-7 clear */
    r.now = 0;
    uint8_t a = inb(&r, 0x61) & 0x10;
    r.now = PORT61_REFRESH_NS;
    uint8_t b = inb(&r, 0x61) & 0x10;
    ck_assert_uint_ne(a, b);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("dev_pit");
    TCase *tc = tcase_create("8254");
    tcase_add_test(tc, tick_conversions_are_exact);
    tcase_add_test(tc, mode2_periodic_irq_count);
    tcase_add_test(tc, mode3_square_wave_over_one_second);
    tcase_add_test(tc, huge_backlog_collapses_into_one_edge);
    tcase_add_test(tc, counter_latch_freezes_the_read_value);
    tcase_add_test(tc, lsb_only_and_msb_only_access);
    tcase_add_test(tc, read_back_status_and_count);
    tcase_add_test(tc, mode0_on_counter0_raises_irq_at_terminal_count);
    tcase_add_test(tc, mode4_strobe_rises_one_clock_after_terminal_count);
    tcase_add_test(tc, counter2_one_shot_through_port61);
    tcase_add_test(tc, gate_low_suspends_mode0);
    tcase_add_test(tc, mode2_gate_low_holds_out_high_and_rising_reloads);
    tcase_add_test(tc, bcd_counting);
    tcase_add_test(tc, new_count_in_mode2_waits_for_period_end);
    tcase_add_test(tc, port61_bits);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
