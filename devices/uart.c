/* uart.c — the 16550A as a register state machine with an instantaneous transmitter.
 * Section names refer to the National Semiconductor PC16550D datasheet: "Registers"
 * (8.1 LCR, 8.4 LSR, 8.5 FCR, 8.6 IIR, 8.7 IER, 8.8 MCR, 8.9 MSR, 8.10 SCR), table IV
 * "Interrupt Control Functions", "FIFO Interrupt Mode Operation", and the loopback
 * description under MCR bit 4. */
#include "devices/uart.h"

#include <string.h>

static bool fifo_enabled(const struct uart *u)
{
    return u->fcr & UART_FCR_ENABLE;
}

static bool loopback(const struct uart *u)
{
    return u->mcr & UART_MCR_LOOP;
}

static unsigned rx_capacity(const struct uart *u)
{
    return fifo_enabled(u) ? UART_FIFO_SIZE : 1;
}

/* FCR bits 7-6: the receive FIFO trigger level (1, 4, 8, 14 bytes). */
static unsigned rx_trigger(const struct uart *u)
{
    static const unsigned levels[4] = {1, 4, 8, 14};
    return fifo_enabled(u) ? levels[u->fcr >> 6] : 1;
}

/* The modem status inputs. In loopback DTR, RTS, OUT1, OUT2 drive DSR, CTS, RI, DCD
 * (MCR bit 4); otherwise the host terminal is connected: CTS, DSR and DCD are active. */
static uint8_t msr_inputs(const struct uart *u)
{
    if (!loopback(u))
        return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
    uint8_t m = 0;
    if (u->mcr & UART_MCR_RTS)
        m |= UART_MSR_CTS;
    if (u->mcr & UART_MCR_DTR)
        m |= UART_MSR_DSR;
    if (u->mcr & UART_MCR_OUT1)
        m |= UART_MSR_RI;
    if (u->mcr & UART_MCR_OUT2)
        m |= UART_MSR_DCD;
    return m;
}

/* Table IV: the pending interrupt of highest priority, as IIR bits 3-0. With FIFOs the
 * character timeout (0x0C) stands for data below the trigger level: bt386's receiver has no
 * character times, so the timeout is considered already elapsed. */
static uint8_t pending_id(const struct uart *u)
{
    if ((u->ier & UART_IER_RLS) && u->lsr_errors)
        return UART_IIR_RLS;
    if ((u->ier & UART_IER_RDA) && u->rx_count)
        return u->rx_count >= rx_trigger(u) ? UART_IIR_RDA : UART_IIR_TIMEOUT;
    if ((u->ier & UART_IER_THRE) && u->thre_pending)
        return UART_IIR_THRE;
    if ((u->ier & UART_IER_MS) && u->msr_deltas)
        return UART_IIR_MS;
    return UART_IIR_NONE;
}

/* The chip's INTR pin reaches the PC's IRQ line only through the OUT2-enabled driver, and
 * loopback forces the OUT2 pin inactive, so the line is low in loopback (MCR bit 4). */
static void update_irq(struct uart *u)
{
    bool level = pending_id(u) != UART_IIR_NONE && (u->mcr & UART_MCR_OUT2) && !loopback(u);
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_line_set(&u->irq, level);
    }
}

static void rx_clear(struct uart *u)
{
    u->rx_head = 0;
    u->rx_count = 0;
}

static int rx_push(struct uart *u, uint8_t byte)
{
    if (u->rx_count >= rx_capacity(u)) {
        u->lsr_errors |= UART_LSR_OE;
        u->rx_overruns++;
        return -1;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
    u->rx_bytes++;
    return 0;
}

static uint8_t rx_pop(struct uart *u)
{
    if (u->rx_count == 0)
        return u->last_rx; /* an empty RBR reads the previous character again */
    u->last_rx = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    u->rx_count--;
    return u->last_rx;
}

unsigned uart_rx_space(const struct uart *u)
{
    return rx_capacity(u) - u->rx_count;
}

int uart_receive(struct uart *u, uint8_t byte)
{
    if (loopback(u))
        return -1;
    int r = rx_push(u, byte);
    update_irq(u);
    return r;
}

/* A byte written to THR leaves at once: the shifter is infinitely fast, so THR and the
 * transmitter are empty again and the THRE interrupt is re-armed (8.6, "THRE"). */
static void transmit(struct uart *u, uint8_t byte)
{
    if (loopback(u))
        rx_push(u, byte);
    else if (u->tx)
        u->tx(u->tx_ctx, byte);
    u->tx_bytes++;
    u->thre_pending = true;
}

static uint8_t read_lsr(struct uart *u)
{
    uint8_t val = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_errors;
    if (u->rx_count)
        val |= UART_LSR_DR;
    u->lsr_errors = 0;
    return val;
}

static uint8_t read_iir(struct uart *u)
{
    uint8_t id = pending_id(u);
    /* Reading IIR while THRE is the reported source clears that interrupt (table IV). */
    if (id == UART_IIR_THRE)
        u->thre_pending = false;
    return (uint8_t)(id | (fifo_enabled(u) ? UART_IIR_FIFO : 0));
}

static void write_fcr(struct uart *u, uint8_t val)
{
    /* Changing the FIFO enable bit empties both FIFOs (8.5). */
    if ((val ^ u->fcr) & UART_FCR_ENABLE)
        rx_clear(u);
    if (val & UART_FCR_CLEAR_RX)
        rx_clear(u);
    u->fcr = (val & UART_FCR_ENABLE) ? (uint8_t)(val & 0xC9) : 0;
}

static void write_ier(struct uart *u, uint8_t val)
{
    /* Enabling ETBEI while THR is empty raises the THRE interrupt. */
    if ((val & UART_IER_THRE) && !(u->ier & UART_IER_THRE))
        u->thre_pending = true;
    u->ier = val & 0x0F;
}

static void write_mcr(struct uart *u, uint8_t val)
{
    uint8_t before = msr_inputs(u);
    u->mcr = val & 0x1F;
    uint8_t after = msr_inputs(u);
    uint8_t changed = before ^ after;
    if (changed & UART_MSR_CTS)
        u->msr_deltas |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR)
        u->msr_deltas |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD)
        u->msr_deltas |= UART_MSR_DDCD;
    if ((before & UART_MSR_RI) && !(after & UART_MSR_RI)) /* TERI: trailing edge of RI */
        u->msr_deltas |= UART_MSR_TERI;
}

static uint32_t uart_io_read(void *dev, uint16_t port, unsigned size)
{
    struct uart *u = dev;
    bool dlab = u->lcr & UART_LCR_DLAB;
    uint8_t val;
    (void)size;
    switch (port & 7u) {
    case UART_RBR_THR_DLL: val = dlab ? u->dll : rx_pop(u); break;
    case UART_IER_DLM: val = dlab ? u->dlm : u->ier; break;
    case UART_IIR_FCR: val = read_iir(u); break;
    case UART_LCR: val = u->lcr; break;
    case UART_MCR: val = u->mcr; break;
    case UART_LSR: val = read_lsr(u); break;
    case UART_MSR:
        val = msr_inputs(u) | u->msr_deltas;
        u->msr_deltas = 0;
        break;
    default: val = u->scr; break;
    }
    update_irq(u);
    return val;
}

static void uart_io_write(void *dev, uint16_t port, unsigned size, uint32_t val32)
{
    struct uart *u = dev;
    bool dlab = u->lcr & UART_LCR_DLAB;
    uint8_t val = (uint8_t)val32;
    (void)size;
    switch (port & 7u) {
    case UART_RBR_THR_DLL:
        if (dlab)
            u->dll = val;
        else
            transmit(u, val);
        break;
    case UART_IER_DLM:
        if (dlab)
            u->dlm = val;
        else
            write_ier(u, val);
        break;
    case UART_IIR_FCR: write_fcr(u, val); break;
    case UART_LCR: u->lcr = val; break;
    case UART_MCR: write_mcr(u, val); break;
    case UART_LSR: break; /* factory test only */
    case UART_MSR: break; /* read-only */
    default: u->scr = val; break;
    }
    update_irq(u);
}

const struct io_ops uart_io_ops = {.read = uart_io_read, .write = uart_io_write};

void uart_init(struct uart *u, void (*tx)(void *ctx, uint8_t byte), void *ctx, struct irq_line irq)
{
    memset(u, 0, sizeof(*u));
    u->tx = tx;
    u->tx_ctx = ctx;
    u->irq = irq;
    /* The divisor latch is undefined at reset; 12 (9600 baud) is a common firmware value. */
    u->dll = 12;
}
