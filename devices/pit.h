/* pit.h — the Intel 8254 programmable interval timer (three counters, 1.193182 MHz). */
#ifndef BT386_DEVICES_PIT_H
#define BT386_DEVICES_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/clock.h"
#include "devices/io.h"
#include "devices/irq.h"

#define PIT_HZ          1193182u
#define PIT_NO_DEADLINE DEV_NO_DEADLINE

/* One counter. Times are in PIT clock ticks since virtual time 0 (tick = floor(ns * HZ/1e9)).
 * While running, the counting element (CE) is a pure function of (origin, start/reload, t). */
struct pit_counter {
    uint8_t mode;      /* 0..5 (6, 7 alias 2, 3) */
    uint8_t mode_bits; /* M2..M0 as written, reported by read-back status */
    uint8_t rw;        /* 1 = LSB, 2 = MSB, 3 = LSB then MSB */
    bool bcd;
    bool gate;
    bool has_count;  /* a count has been written since the control word */
    bool running;    /* the CE is counting from `origin` */
    bool tc_pending; /* one-shot modes: terminal count not reached yet */
    bool null_count; /* a written count is not yet loaded into the CE */
    uint64_t origin; /* tick at which the CE held `start` (periodic: `reload`) */
    uint64_t load_tick;
    uint32_t start;     /* one-shot modes: CE at origin, 0..modulus-1 */
    uint32_t tc_after;  /* one-shot modes: ticks from origin to terminal count */
    uint32_t reload;    /* the count register in clocks, 1..modulus (0 written = modulus) */
    uint32_t frozen_ce; /* CE while not running */
    bool pending;       /* modes 2, 3: a new count waits for the end of the period */
    uint32_t pending_reload;
    uint64_t pending_tick;
    /* byte-access state */
    bool write_msb_next;
    uint8_t write_lsb;
    bool read_msb_next;
    bool count_latched;
    uint16_t latch;
    bool status_latched;
    uint8_t status;
};

struct pit {
    struct pit_counter ctr[3];
    struct dev_clock clock; /* read on port accesses */
    struct irq_line irq0;   /* OUT0 */
    uint64_t last_tick;     /* the latest time the PIT has been evaluated at */
    bool irq_level;         /* level last driven on irq0 */
    uint64_t irq0_ticks;    /* OUT0 rising edges that elapsed */
    uint64_t irq0_pulses;   /* edges driven on irq0 (backlogs collapse into one) */
};

/* Reset state as a PC leaves it: every counter in mode 3 with count 0 (65536), counters 0
 * and 1 running from `now_ns`, gate 2 low. `clock` is read on port accesses. */
void pit_init(struct pit *pit, const struct dev_clock *clock, struct irq_line irq0,
              uint64_t now_ns);

/* Evaluate the PIT at now_ns (monotonic; earlier times are ignored). Returns the number of
 * OUT0 rising edges (timer ticks) that elapsed since the last evaluation; if any, one
 * rising edge is driven on irq0 for all of them, since the 8259A's IRR holds one request. */
uint64_t pit_advance(struct pit *pit, uint64_t now_ns);

/* The time (ns) of the next OUT0 rising edge after the last evaluation, or PIT_NO_DEADLINE.
 * pit_advance at that time reports it. */
uint64_t pit_next_deadline_ns(const struct pit *pit);

/* Drive GATE of `counter` (0..2); on a PC only gate 2 is not tied high (port 0x61 bit 0). */
void pit_set_gate(struct pit *pit, unsigned counter, int level);

/* OUT of `counter` (0..2) now (per the clock). */
bool pit_read_out(struct pit *pit, unsigned counter);

/* The current time per the PIT's clock (its last evaluation time if it has none). */
uint64_t pit_now_ns(struct pit *pit);

/* Ports: offsets 0..2 = counters 0..2, offset 3 = control word; dev = the struct pit. */
extern const struct io_ops pit_io_ops;

/* Tick/ns conversions of the 1.193182 MHz input clock. */
uint64_t pit_ns_to_ticks(uint64_t ns);
uint64_t pit_ticks_to_ns(uint64_t ticks); /* the first ns at which `ticks` have elapsed */

#endif
