/* test_dev_i8042.c — keyboard controller: reset line, self-test, command byte, A20. */
#include "devices/i8042.h"
#include "tests/unit.h"

struct rig {
    struct i8042 kbc;
    struct io_bus bus;
    unsigned resets;
    int a20;
    unsigned a20_calls;
    int irq[16];
    unsigned rises[16]; /* rising edges seen per line */
};

static void on_reset(void *ctx)
{
    ((struct rig *)ctx)->resets++;
}

static void on_a20(void *ctx, int enabled)
{
    struct rig *r = ctx;
    r->a20 = enabled;
    r->a20_calls++;
}

static void on_irq(void *ctx, unsigned line, int level)
{
    struct rig *r = ctx;
    if (level && !r->irq[line])
        r->rises[line]++;
    r->irq[line] = level;
}

static void setup(struct rig *r)
{
    *r = (struct rig){.a20 = 1};
    struct i8042_callbacks cb = {.reset = on_reset, .set_a20 = on_a20, .ctx = r};
    struct irq_line kbd = {.sink = {.set_irq = on_irq, .ctx = r}, .line = 1};
    struct irq_line aux = {.sink = {.set_irq = on_irq, .ctx = r}, .line = 12};
    i8042_init(&r->kbc, &cb, kbd, aux);
    io_bus_init(&r->bus);
    io_bus_register(&r->bus, 0x60, 1, 1, &i8042_data_io_ops, &r->kbc, "data");
    io_bus_register(&r->bus, 0x64, 1, 1, &i8042_command_io_ops, &r->kbc, "cmd");
    io_bus_register(&r->bus, 0x92, 1, 1, &i8042_port92_io_ops, &r->kbc, "porta");
}

static void outb(struct rig *r, uint16_t port, uint8_t val)
{
    io_bus_write(&r->bus, port, 1, val);
}

static uint8_t inb(struct rig *r, uint16_t port)
{
    return (uint8_t)io_bus_read(&r->bus, port, 1);
}

START_TEST(command_fe_pulses_reset)
{
    struct rig r;
    setup(&r);
    ck_assert_uint_eq(inb(&r, 0x64) & 0x03, 0x00); /* OBF, IBF clear */
    outb(&r, 0x64, 0xFE);
    ck_assert_uint_eq(r.resets, 1);
    outb(&r, 0x64, 0xFF); /* pulses nothing */
    ck_assert_uint_eq(r.resets, 1);
}
END_TEST

START_TEST(self_test_answers_55)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x64, 0xAA);
    ck_assert_uint_eq(inb(&r, 0x64) & 0x0D, 0x0D); /* OBF, SYS, last write was a command */
    ck_assert_uint_eq(inb(&r, 0x60), 0x55);
    ck_assert_uint_eq(inb(&r, 0x64) & 0x01, 0x00);
}
END_TEST

START_TEST(command_byte_read_write)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x64, 0x20);
    ck_assert_uint_eq(inb(&r, 0x60), 0x45);
    outb(&r, 0x64, 0x60);
    outb(&r, 0x60, 0x74);
    ck_assert_uint_eq(inb(&r, 0x64) & 0x08, 0x00); /* last write was data */
    outb(&r, 0x64, 0x20);
    ck_assert_uint_eq(inb(&r, 0x60), 0x74);
    outb(&r, 0x64, 0xAE); /* enable keyboard clears bit 4 */
    outb(&r, 0x64, 0x20);
    ck_assert_uint_eq(inb(&r, 0x60), 0x64);
}
END_TEST

START_TEST(output_port_a20_and_reset)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x64, 0xD0);
    ck_assert_uint_eq(inb(&r, 0x60) & 0x03, 0x03);
    outb(&r, 0x64, 0xD1);
    outb(&r, 0x60, 0xDD); /* A20 off, reset line high */
    ck_assert_int_eq(r.a20, 0);
    ck_assert_uint_eq(r.resets, 0);
    outb(&r, 0x64, 0xD0);
    ck_assert_uint_eq(inb(&r, 0x60) & 0x03, 0x01);
    outb(&r, 0x64, 0xD1);
    outb(&r, 0x60, 0xDF);
    ck_assert_int_eq(r.a20, 1);
    ck_assert_uint_eq(r.a20_calls, 2);
    outb(&r, 0x64, 0xD1);
    outb(&r, 0x60, 0xDE); /* bit 0 low: reset */
    ck_assert_uint_eq(r.resets, 1);
}
END_TEST

START_TEST(port92_fast_reset_and_a20)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x64, 0xDD); /* A20 off at the controller */
    ck_assert_int_eq(r.a20, 0);
    outb(&r, 0x92, 0x02); /* port A opens it */
    ck_assert_int_eq(r.a20, 1);
    ck_assert_uint_eq(inb(&r, 0x92), 0x02);
    ck_assert_uint_eq(r.resets, 0);
    outb(&r, 0x92, 0x03);
    ck_assert_uint_eq(r.resets, 1);
    outb(&r, 0x92, 0x03); /* no new 0-to-1 transition */
    ck_assert_uint_eq(r.resets, 1);
}
END_TEST

START_TEST(keyboard_acknowledges_with_irq1)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x60, 0xF2); /* identify */
    ck_assert_int_eq(r.irq[1], 1);
    ck_assert_uint_eq(inb(&r, 0x60), 0xFA);
    ck_assert_uint_eq(inb(&r, 0x60), 0xAB);
    ck_assert_uint_eq(inb(&r, 0x60), 0x83);
    ck_assert_int_eq(r.irq[1], 0);
    outb(&r, 0x60, 0xED); /* LEDs + parameter: two ACKs */
    outb(&r, 0x60, 0x07);
    ck_assert_uint_eq(inb(&r, 0x60), 0xFA);
    ck_assert_uint_eq(inb(&r, 0x60), 0xFA);
    ck_assert_uint_eq(inb(&r, 0x64) & 0x01, 0);
}
END_TEST

START_TEST(aux_loopback_uses_irq12)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x64, 0x60);
    outb(&r, 0x60, 0x47); /* enable aux interrupt */
    outb(&r, 0x64, 0xD3);
    outb(&r, 0x60, 0x5A);
    ck_assert_uint_eq(inb(&r, 0x64) & 0x21, 0x21);
    ck_assert_int_eq(r.irq[12], 1);
    ck_assert_int_eq(r.irq[1], 0);
    ck_assert_uint_eq(inb(&r, 0x60), 0x5A);
    ck_assert_int_eq(r.irq[12], 0);
}
END_TEST

START_TEST(each_keyboard_byte_raises_its_own_edge)
{
    struct rig r;
    setup(&r);
    outb(&r, 0x64, 0x60); /* write command byte: keyboard interrupt on */
    outb(&r, 0x60, 0x01);
    outb(&r, 0x60, 0xF2); /* identify: ACK, then 0xAB 0x83 */
    ck_assert_uint_eq(r.rises[1], 1);
    ck_assert_uint_eq(inb(&r, 0x60), 0xFA);
    ck_assert_uint_eq(r.rises[1], 2); /* the next byte is a new interrupt */
    ck_assert_uint_eq(inb(&r, 0x60), 0xAB);
    ck_assert_uint_eq(r.rises[1], 3);
    ck_assert_uint_eq(inb(&r, 0x60), 0x83);
    ck_assert_int_eq(r.irq[1], 0); /* buffer empty: line low */
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("dev_i8042");
    TCase *tc = tcase_create("8042");
    tcase_add_test(tc, command_fe_pulses_reset);
    tcase_add_test(tc, each_keyboard_byte_raises_its_own_edge);
    tcase_add_test(tc, self_test_answers_55);
    tcase_add_test(tc, command_byte_read_write);
    tcase_add_test(tc, output_port_a20_and_reset);
    tcase_add_test(tc, port92_fast_reset_and_a20);
    tcase_add_test(tc, keyboard_acknowledges_with_irq1);
    tcase_add_test(tc, aux_loopback_uses_irq12);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
