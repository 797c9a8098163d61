/* pic.h — the PC's cascaded pair of Intel 8259A programmable interrupt controllers. */
#ifndef BT386_DEVICES_PIC_H
#define BT386_DEVICES_PIC_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/io.h"

struct pic;

/* One 8259A. Register names follow the Intel 8259A datasheet. */
struct pic_chip {
    struct pic *owner;
    bool is_master;
    uint8_t irr;   /* interrupt request register */
    uint8_t isr;   /* in-service register */
    uint8_t imr;   /* interrupt mask register (OCW1) */
    uint8_t input; /* current level of the IR0..IR7 inputs */
    uint8_t elcr;  /* edge/level control (PIIX ELCR at 0x4D0/0x4D1): 1 = level-triggered */
    uint8_t elcr_writable;
    uint8_t cascade_latch; /* master only: slave INT latched on IR2 until INTA (see pic.c) */
    uint8_t vector_base;   /* ICW2 with T2..T0 cleared */
    uint8_t icw3;          /* master: slave-present bitmap; slave: its ID */
    uint8_t init_step;     /* 0 = operational, else the ICW expected next (2, 3 or 4) */
    bool icw4_needed, single, ltim;
    bool microprocessor_8086; /* ICW4 uPM; bt386 always delivers 8086-mode vectors */
    bool auto_eoi, buffered, buffered_master, sfnm;
    bool read_isr;     /* OCW3 RIS: the command port reads ISR instead of IRR */
    bool poll;         /* OCW3 P: the next command port read is a poll */
    bool special_mask; /* OCW3 SMM */
    bool rotate_on_aeoi;
    uint8_t lowest_priority; /* the IR with the lowest priority (7 after ICW1) */
};

/* The PC pair: chip[0] is the master (IRQ0-7), chip[1] the slave (IRQ8-15) on master IR2. */
struct pic {
    struct pic_chip chip[2];
    void (*intr_changed)(void *ctx, int level); /* optional: INTR output changed */
    void *intr_ctx;
    bool intr;         /* last INTR level reported */
    uint64_t spurious; /* acknowledges answered with a default IR7 */
};

/* Power-on state: both chips uninitialised-but-usable with vector bases 0x08 and 0x70
 * (what a PC BIOS leaves), all lines masked, edge-triggered; the guest reprograms them.
 * intr_changed (may be NULL) is called whenever the INTR output changes level. */
void pic_init(struct pic *pic, void (*intr_changed)(void *ctx, int level), void *ctx);

/* Drive interrupt input `line` (0..15; 8..15 are the slave's IR0..IR7) to `level`.
 * Lines beyond 15 are ignored. */
void pic_set_irq(struct pic *pic, unsigned line, int level);

/* Is INTR asserted, i.e. would the master answer an INTA with an interrupt now? */
bool pic_has_interrupt(const struct pic *pic);

/* The INTA cycle: resolve priority, move IRR to ISR (unless auto-EOI), follow the cascade,
 * and return the vector. With nothing to deliver it returns the default IR7 vector of the
 * chip that answered (spurious IRQ7 / IRQ15) and sets no ISR bit on that chip. */
uint8_t pic_acknowledge(struct pic *pic);

/* Port handlers: command (offset 0) and data (offset 1) of one chip; dev = &pic->chip[i]. */
extern const struct io_ops pic_chip_io_ops;
/* ELCR pair (offset 0 = master, 1 = slave); dev = the struct pic. */
extern const struct io_ops pic_elcr_io_ops;

#endif
