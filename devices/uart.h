/* uart.h — National Semiconductor PC16550D UART (the PC's COM ports). */
#ifndef BT386_DEVICES_UART_H
#define BT386_DEVICES_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/io.h"
#include "devices/irq.h"

#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ  1843200u /* the PC's crystal: divisor 1 = 115200 baud */

/* Register offsets (DLAB selects DLL/DLM at 0/1). */
enum {
    UART_RBR_THR_DLL = 0,
    UART_IER_DLM = 1,
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define UART_IER_RDA      0x01
#define UART_IER_THRE     0x02
#define UART_IER_RLS      0x04
#define UART_IER_MS       0x08
#define UART_IIR_NONE     0x01
#define UART_IIR_MS       0x00
#define UART_IIR_THRE     0x02
#define UART_IIR_RDA      0x04
#define UART_IIR_RLS      0x06
#define UART_IIR_TIMEOUT  0x0C
#define UART_IIR_FIFO     0xC0
#define UART_FCR_ENABLE   0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_LCR_DLAB     0x80
#define UART_MCR_DTR      0x01
#define UART_MCR_RTS      0x02
#define UART_MCR_OUT1     0x04
#define UART_MCR_OUT2     0x08
#define UART_MCR_LOOP     0x10
#define UART_LSR_DR       0x01
#define UART_LSR_OE       0x02
#define UART_LSR_PE       0x04
#define UART_LSR_FE       0x08
#define UART_LSR_BI       0x10
#define UART_LSR_THRE     0x20
#define UART_LSR_TEMT     0x40
#define UART_MSR_DCTS     0x01
#define UART_MSR_DDSR     0x02
#define UART_MSR_TERI     0x04
#define UART_MSR_DDCD     0x08
#define UART_MSR_CTS      0x10
#define UART_MSR_DSR      0x20
#define UART_MSR_RI       0x40
#define UART_MSR_DCD      0x80

struct uart {
    uint8_t ier, lcr, mcr, scr;
    uint8_t fcr;        /* FIFO enable and trigger bits as last written */
    uint8_t lsr_errors; /* OE, PE, FE, BI: cleared by reading LSR */
    uint8_t msr_deltas; /* DCTS, DDSR, TERI, DDCD: cleared by reading MSR */
    uint8_t dll, dlm;
    bool thre_pending; /* the THR-empty interrupt is pending */
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    uint8_t last_rx;
    void (*tx)(void *ctx, uint8_t byte);
    void *tx_ctx;
    struct irq_line irq;
    bool irq_level;
    uint64_t tx_bytes, rx_bytes, rx_overruns;
};

/* Reset state (IER 0, IIR 0x01, LCR 0, MCR 0, LSR 0x60, FIFOs off); transmitted bytes go to
 * tx(ctx, byte) (may be NULL), interrupts to `irq`. The modem inputs report a connected
 * terminal (CTS, DSR, DCD). */
void uart_init(struct uart *u, void (*tx)(void *ctx, uint8_t byte), void *ctx, struct irq_line irq);

/* Bytes the receiver can take now (FIFO room; one byte with FIFOs off). */
unsigned uart_rx_space(const struct uart *u);

/* A byte arrives on the serial input. Returns 0, or -1 if the receiver was full: then the
 * byte is lost and LSR.OE set, as on the chip. Ignored (returns -1) in loopback mode, where
 * the serial input is disconnected. */
int uart_receive(struct uart *u, uint8_t byte);

/* Ports: offsets 0..7 per the register map above; dev = the struct uart. */
extern const struct io_ops uart_io_ops;

#endif
