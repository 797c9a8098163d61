/* test_dev_uart.c — the 16550A UART registers, FIFOs and interrupts. */
#include "devices/uart.h"
#include "tests/unit.h"

#define COM1 0x3F8

struct rig {
    struct uart uart;
    struct io_bus bus;
    uint8_t out[64];
    unsigned nout;
    int level;
};

static void fake_tx(void *ctx, uint8_t byte)
{
    struct rig *r = ctx;
    if (r->nout < sizeof(r->out))
        r->out[r->nout++] = byte;
}

static void fake_irq(void *ctx, unsigned line, int level)
{
    ck_assert_uint_eq(line, 4);
    ((struct rig *)ctx)->level = level;
}

static void setup(struct rig *r)
{
    r->nout = 0;
    r->level = 0;
    struct irq_line irq = {.sink = {.set_irq = fake_irq, .ctx = r}, .line = 4};
    uart_init(&r->uart, fake_tx, r, irq);
    io_bus_init(&r->bus);
    io_bus_register(&r->bus, COM1, 8, 1, &uart_io_ops, &r->uart, "com1");
}

static void outb(struct rig *r, uint16_t reg, uint8_t val)
{
    io_bus_write(&r->bus, (uint16_t)(COM1 + reg), 1, val);
}

static uint8_t inb(struct rig *r, uint16_t reg)
{
    return (uint8_t)io_bus_read(&r->bus, (uint16_t)(COM1 + reg), 1);
}

START_TEST(reset_values)
{
    struct rig r;
    setup(&r);
    ck_assert_uint_eq(inb(&r, UART_IER_DLM), 0x00);
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0x01);
    ck_assert_uint_eq(inb(&r, UART_LCR), 0x00);
    ck_assert_uint_eq(inb(&r, UART_MCR), 0x00);
    ck_assert_uint_eq(inb(&r, UART_LSR), 0x60);
    ck_assert_uint_eq(inb(&r, UART_MSR), 0xB0);
}
END_TEST

START_TEST(transmit_goes_to_callback)
{
    struct rig r;
    setup(&r);
    outb(&r, 0, 'h');
    outb(&r, 0, 'i');
    ck_assert_uint_eq(r.nout, 2);
    ck_assert_uint_eq(r.out[0], 'h');
    ck_assert_uint_eq(r.out[1], 'i');
    ck_assert_uint_eq(inb(&r, UART_LSR) & 0x60, 0x60); /* THRE and TEMT */
}
END_TEST

START_TEST(dlab_selects_divisor_latch)
{
    struct rig r;
    setup(&r);
    outb(&r, UART_LCR, 0x83);
    outb(&r, 0, 0x01); /* 115200 baud */
    outb(&r, 1, 0x00);
    ck_assert_uint_eq(r.nout, 0); /* not transmitted */
    ck_assert_uint_eq(inb(&r, 0), 0x01);
    ck_assert_uint_eq(inb(&r, 1), 0x00);
    outb(&r, UART_LCR, 0x03);
    ck_assert_uint_eq(inb(&r, 1), 0x00); /* IER again */
    ck_assert_uint_eq(r.uart.dll, 0x01);
    ck_assert_uint_eq(inb(&r, UART_LCR), 0x03);
}
END_TEST

START_TEST(thre_interrupt_and_out2_gating)
{
    struct rig r;
    setup(&r);
    outb(&r, UART_IER_DLM, UART_IER_THRE);
    /* Pending in IIR, but the PC's IRQ line needs OUT2. */
    ck_assert_int_eq(r.level, 0);
    outb(&r, UART_MCR, UART_MCR_OUT2);
    ck_assert_int_eq(r.level, 1);
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0x02);
    /* Reading IIR with THRE reported clears it. */
    ck_assert_int_eq(r.level, 0);
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0x01);
    /* Each transmitted byte empties THR again. */
    outb(&r, 0, 'x');
    ck_assert_int_eq(r.level, 1);
    outb(&r, UART_IER_DLM, 0);
    ck_assert_int_eq(r.level, 0);
}
END_TEST

START_TEST(receive_data_available)
{
    struct rig r;
    setup(&r);
    outb(&r, UART_MCR, UART_MCR_OUT2);
    outb(&r, UART_IER_DLM, UART_IER_RDA);
    ck_assert_int_eq(uart_receive(&r.uart, 'a'), 0);
    ck_assert_int_eq(r.level, 1);
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0x04);
    ck_assert_uint_eq(inb(&r, UART_LSR) & 0x01, 0x01);
    ck_assert_uint_eq(inb(&r, 0), 'a');
    ck_assert_int_eq(r.level, 0);
    ck_assert_uint_eq(inb(&r, UART_LSR) & 0x01, 0x00);
}
END_TEST

START_TEST(overrun_without_fifo)
{
    struct rig r;
    setup(&r);
    outb(&r, UART_MCR, UART_MCR_OUT2);
    outb(&r, UART_IER_DLM, UART_IER_RLS);
    ck_assert_uint_eq(uart_rx_space(&r.uart), 1);
    ck_assert_int_eq(uart_receive(&r.uart, '1'), 0);
    ck_assert_int_eq(uart_receive(&r.uart, '2'), -1);
    ck_assert_int_eq(r.level, 1);
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0x06);
    ck_assert_uint_eq(inb(&r, UART_LSR), 0x63); /* DR, OE, THRE, TEMT */
    ck_assert_uint_eq(inb(&r, UART_LSR), 0x61); /* OE cleared by the read */
    ck_assert_int_eq(r.level, 0);
    ck_assert_uint_eq(inb(&r, 0), '1');
}
END_TEST

START_TEST(fifo_trigger_level_and_iir_fifo_bits)
{
    struct rig r;
    setup(&r);
    outb(&r, UART_MCR, UART_MCR_OUT2);
    outb(&r, UART_IIR_FCR, 0x87); /* enable, clear both, trigger 8 */
    outb(&r, UART_IER_DLM, UART_IER_RDA);
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0xC1);
    ck_assert_uint_eq(uart_rx_space(&r.uart), 16);
    for (unsigned i = 0; i < 7; i++)
        uart_receive(&r.uart, (uint8_t)('a' + i));
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0xCC); /* below trigger: timeout */
    uart_receive(&r.uart, 'h');
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0xC4); /* at trigger: data available */
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(inb(&r, 0), 'a' + i);
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0xC1);
    ck_assert_int_eq(r.level, 0);
    for (unsigned i = 0; i < 17; i++)
        uart_receive(&r.uart, 'z');
    ck_assert_uint_eq(r.uart.rx_overruns, 1);
    outb(&r, UART_IIR_FCR, 0x03); /* clear the receive FIFO */
    ck_assert_uint_eq(inb(&r, UART_LSR) & 0x01, 0);
}
END_TEST

START_TEST(loopback_mode)
{
    struct rig r;
    setup(&r);
    outb(&r, UART_IER_DLM, UART_IER_RDA);
    outb(&r, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
    /* Outputs feed the modem inputs: RTS -> CTS, OUT2 -> DCD (deltas flagged). */
    ck_assert_uint_eq(inb(&r, UART_MSR), 0x90 | UART_MSR_DDSR);
    ck_assert_uint_eq(inb(&r, UART_MSR), 0x90);
    outb(&r, 0, 0x5A);
    ck_assert_uint_eq(r.nout, 0);
    ck_assert_uint_eq(inb(&r, UART_LSR) & 0x01, 0x01);
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0x04); /* pending in IIR ... */
    ck_assert_int_eq(r.level, 0);                   /* ... but the OUT2 pin is inactive */
    ck_assert_uint_eq(inb(&r, 0), 0x5A);
    ck_assert_int_eq(uart_receive(&r.uart, 1), -1); /* serial input disconnected */
}
END_TEST

START_TEST(modem_status_interrupt)
{
    struct rig r;
    setup(&r);
    outb(&r, UART_IER_DLM, UART_IER_MS);
    outb(&r, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0x00); /* modem status pending */
    outb(&r, UART_MCR, UART_MCR_LOOP);              /* RI falls: TERI */
    ck_assert_uint_eq(inb(&r, UART_MSR) & 0x0F,
                      UART_MSR_TERI | UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    ck_assert_uint_eq(inb(&r, UART_IIR_FCR), 0x01);
}
END_TEST

START_TEST(scratch_register)
{
    struct rig r;
    setup(&r);
    outb(&r, UART_SCR, 0xA5);
    ck_assert_uint_eq(inb(&r, UART_SCR), 0xA5);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("dev_uart");
    TCase *tc = tcase_create("16550a");
    tcase_add_test(tc, reset_values);
    tcase_add_test(tc, transmit_goes_to_callback);
    tcase_add_test(tc, dlab_selects_divisor_latch);
    tcase_add_test(tc, thre_interrupt_and_out2_gating);
    tcase_add_test(tc, receive_data_available);
    tcase_add_test(tc, overrun_without_fifo);
    tcase_add_test(tc, fifo_trigger_level_and_iir_fifo_bits);
    tcase_add_test(tc, loopback_mode);
    tcase_add_test(tc, modem_status_interrupt);
    tcase_add_test(tc, scratch_register);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
