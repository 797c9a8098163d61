/* test_dev_pc.c — the PC table: every device on its ports, interrupts reaching the CPU. */
#include <string.h>

#include "devices/pc.h"
#include "tests/unit.h"

struct machine {
    struct pc_devices pc;
    uint64_t now;
    int intr;
    char out[32];
    unsigned nout;
    uint32_t exit_status;
    unsigned exits, resets;
};

static uint64_t m_now(void *ctx)
{
    return ((struct machine *)ctx)->now;
}

static int64_t m_wall(void *ctx)
{
    (void)ctx;
    return 1710510330;
}

static void m_intr(void *ctx, int level)
{
    ((struct machine *)ctx)->intr = level;
}

static void m_tx(void *ctx, uint8_t byte)
{
    struct machine *m = ctx;
    if (m->nout < sizeof(m->out) - 1)
        m->out[m->nout++] = (char)byte;
}

static void m_exit(void *ctx, uint32_t status)
{
    struct machine *m = ctx;
    m->exit_status = status;
    m->exits++;
}

static void m_reset(void *ctx)
{
    ((struct machine *)ctx)->resets++;
}

/* The machine lives in static storage: struct pc_devices is large and must not move. */
static struct machine machine;

static struct machine *boot(void)
{
    struct machine *m = &machine;
    memset(m, 0, sizeof(*m));
    struct pc_callbacks cb = {.ctx = m,
                              .now_ns = m_now,
                              .wall_seconds = m_wall,
                              .intr_changed = m_intr,
                              .uart_tx = m_tx,
                              .request_exit = m_exit,
                              .reset = m_reset};
    ck_assert_int_eq(pc_devices_init(&m->pc, &cb), IO_OK);
    return m;
}

static void outb(struct machine *m, uint16_t port, uint8_t val)
{
    io_bus_write(&m->pc.bus, port, 1, val);
}

static uint8_t inb(struct machine *m, uint16_t port)
{
    return (uint8_t)io_bus_read(&m->pc.bus, port, 1);
}

static void init_pics(struct machine *m)
{
    static const uint8_t seq[][2] = {{0x20, 0x11}, {0x21, 0x20}, {0x21, 0x04}, {0x21, 0x01},
                                     {0xA0, 0x11}, {0xA1, 0x28}, {0xA1, 0x02}, {0xA1, 0x01},
                                     {0x21, 0x00}, {0xA1, 0x00}};
    for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
        outb(m, seq[i][0], seq[i][1]);
}

START_TEST(every_row_of_the_port_map_is_claimed)
{
    struct machine *m = boot();
    unsigned n = pc_port_map_size();
    ck_assert_uint_eq(n, m->pc.bus.nranges);
    for (unsigned i = 0; i < n; i++) {
        const struct pc_port_binding *b = pc_port_map_entry(i);
        for (unsigned p = 0; p < b->count; p++) {
            const struct io_range *r = io_bus_find(&m->pc.bus, (uint16_t)(b->base + p));
            ck_assert_ptr_nonnull(r);
            ck_assert_str_eq(r->name, b->name);
        }
    }
    ck_assert_ptr_null(pc_port_map_entry(n));
    ck_assert_ptr_eq(io_bus_find(&m->pc.bus, 0x3F8)->dev, &m->pc.com1);
    ck_assert_ptr_eq(io_bus_find(&m->pc.bus, 0xA1)->dev, &m->pc.pic.chip[1]);
    /* An unclaimed port floats. */
    ck_assert_uint_eq(inb(m, 0x2F8), 0xFF);
    ck_assert_uint_eq(m->pc.bus.unclaimed_reads, 1);
}
END_TEST

START_TEST(pit_tick_reaches_the_cpu_as_vector_0x20)
{
    struct machine *m = boot();
    init_pics(m);
    outb(m, 0x43, 0x34);
    outb(m, 0x40, 0xA9); /* 1193 */
    outb(m, 0x40, 0x04);
    ck_assert_int_eq(m->intr, 0);
    uint64_t d = pc_devices_next_deadline_ns(&m->pc);
    ck_assert_uint_eq(d, pit_ticks_to_ns(1194));
    m->now = d;
    ck_assert_uint_eq(pc_devices_advance(&m->pc, d), 1);
    ck_assert_int_eq(m->intr, 1);
    ck_assert_uint_eq(pic_acknowledge(&m->pc.pic), 0x20);
    ck_assert_int_eq(m->intr, 0);
    outb(m, 0x20, 0x20);
    /* The next tick comes one period later. */
    m->now = pc_devices_next_deadline_ns(&m->pc);
    pc_devices_advance(&m->pc, m->now);
    ck_assert_uint_eq(pic_acknowledge(&m->pc.pic), 0x20);
}
END_TEST

START_TEST(com1_output_and_irq4)
{
    struct machine *m = boot();
    init_pics(m);
    const char *msg = "ok\n";
    for (const char *p = msg; *p; p++)
        outb(m, 0x3F8, (uint8_t)*p);
    ck_assert_str_eq(m->out, "ok\n");
    outb(m, 0x3F9, 0x02); /* THRE interrupt */
    outb(m, 0x3FC, 0x08); /* OUT2 */
    ck_assert_int_eq(m->intr, 1);
    ck_assert_uint_eq(pic_acknowledge(&m->pc.pic), 0x24);
}
END_TEST

START_TEST(rtc_interrupt_through_the_slave)
{
    struct machine *m = boot();
    init_pics(m);
    outb(m, 0x70, 0x0B);
    outb(m, 0x71, 0x42); /* PIE at 1024 Hz */
    outb(m, 0x43, 0x30); /* park the PIT: mode 0, no count */
    uint64_t d = pc_devices_next_deadline_ns(&m->pc);
    ck_assert_uint_eq(d, 976563);
    m->now = d;
    pc_devices_advance(&m->pc, d);
    ck_assert_uint_eq(pic_acknowledge(&m->pc.pic), 0x28);
    outb(m, 0x70, 0x0C);
    ck_assert_uint_eq(inb(m, 0x71), 0xC0);
}
END_TEST

START_TEST(exit_reset_and_pci_ports)
{
    struct machine *m = boot();
    io_bus_write(&m->pc.bus, 0xF4, 4, 0x10);
    ck_assert_uint_eq(m->exits, 1);
    ck_assert_uint_eq(m->exit_status, 0x21);
    outb(m, 0x64, 0xFE);
    ck_assert_uint_eq(m->resets, 1);
    ck_assert_uint_eq(io_bus_read(&m->pc.bus, 0xCFC, 4), 0xFFFFFFFF);
    outb(m, 0x80, 0x42);
    ck_assert_uint_eq(m->pc.port80.last, 0x42);
    ck_assert_uint_eq(m->pc.bus.unclaimed_writes, 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("dev_pc");
    TCase *tc = tcase_create("pc");
    tcase_add_test(tc, every_row_of_the_port_map_is_claimed);
    tcase_add_test(tc, pit_tick_reaches_the_cpu_as_vector_0x20);
    tcase_add_test(tc, com1_output_and_irq4);
    tcase_add_test(tc, rtc_interrupt_through_the_slave);
    tcase_add_test(tc, exit_reset_and_pci_ports);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
