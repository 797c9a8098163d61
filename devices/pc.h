/* pc.h — the PC platform: every device of devices/ bound to its ports and IRQ lines. */
#ifndef BT386_DEVICES_PC_H
#define BT386_DEVICES_PC_H

#include <stdint.h>

#include "devices/cmos.h"
#include "devices/debug_exit.h"
#include "devices/i8042.h"
#include "devices/io.h"
#include "devices/pci_none.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/port61.h"
#include "devices/port80.h"
#include "devices/uart.h"

/* IRQ lines of the PC (8259A inputs). */
enum {
    PC_IRQ_PIT = 0,
    PC_IRQ_KEYBOARD = 1,
    PC_IRQ_COM1 = 4,
    PC_IRQ_RTC = 8,
    PC_IRQ_MOUSE = 12,
};

/* What the machine injects. Every function may be NULL except now_ns. */
struct pc_callbacks {
    void *ctx;
    uint64_t (*now_ns)(void *ctx);                    /* monotonic virtual time */
    int64_t (*wall_seconds)(void *ctx);               /* Unix time for the RTC */
    void (*intr_changed)(void *ctx, int level);       /* the PIC's INTR output changed */
    void (*uart_tx)(void *ctx, uint8_t byte);         /* COM1 output */
    void (*request_exit)(void *ctx, uint32_t status); /* debug-exit, status to exit with */
    void (*reset)(void *ctx);                         /* CPU reset line pulsed */
    void (*set_a20)(void *ctx, int enabled);          /* A20 gate changed */
};

struct pc_devices {
    struct pc_callbacks cb;
    struct io_bus bus;
    struct pic pic;
    struct pit pit;
    struct port61 port61;
    struct cmos cmos;
    struct uart com1;
    struct debug_exit debug_exit;
    struct port80 port80;
    struct i8042 kbc;
    struct pci_none pci;
};

/* Initialise every device and bind it to its ports on pc->bus. The struct holds pointers
 * into itself afterwards and must not be moved. Returns IO_OK or an io_bus_register error. */
int pc_devices_init(struct pc_devices *pc, const struct pc_callbacks *cb);

/* Evaluate the timers (PIT, RTC) at now_ns, raising their interrupts. Returns the number of
 * PIT ticks that elapsed. */
uint64_t pc_devices_advance(struct pc_devices *pc, uint64_t now_ns);

/* The earliest time a timer needs pc_devices_advance, or DEV_NO_DEADLINE. */
uint64_t pc_devices_next_deadline_ns(const struct pc_devices *pc);

/* One row of the port map: printable for diagnostics. */
struct pc_port_binding {
    uint16_t base, count;
    uint8_t max_size;
    const char *name;
};

/* The port map (the single place ports are assigned): its length and its i-th row. */
unsigned pc_port_map_size(void);
const struct pc_port_binding *pc_port_map_entry(unsigned i);

#endif
