/* cmos.h — Motorola MC146818 real-time clock with its battery-backed CMOS RAM. */
#ifndef BT386_DEVICES_CMOS_H
#define BT386_DEVICES_CMOS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/calendar.h"
#include "devices/clock.h"
#include "devices/io.h"
#include "devices/irq.h"

/* The RTC's time base: 32.768 kHz (status A divider 010). */
#define CMOS_RTC_HZ 32768u

/* Register indexes. */
enum {
    CMOS_SECONDS = 0x00,
    CMOS_SECONDS_ALARM = 0x01,
    CMOS_MINUTES = 0x02,
    CMOS_MINUTES_ALARM = 0x03,
    CMOS_HOURS = 0x04,
    CMOS_HOURS_ALARM = 0x05,
    CMOS_WEEKDAY = 0x06,
    CMOS_DAY = 0x07,
    CMOS_MONTH = 0x08,
    CMOS_YEAR = 0x09,
    CMOS_STATUS_A = 0x0A,
    CMOS_STATUS_B = 0x0B,
    CMOS_STATUS_C = 0x0C,
    CMOS_STATUS_D = 0x0D,
    CMOS_CENTURY = 0x32,
};

/* Status register bits. */
#define CMOS_A_UIP       0x80
#define CMOS_B_SET       0x80
#define CMOS_B_PIE       0x40
#define CMOS_B_AIE       0x20
#define CMOS_B_UIE       0x10
#define CMOS_B_DM_BINARY 0x04
#define CMOS_B_24H       0x02
#define CMOS_C_IRQF      0x80
#define CMOS_C_PF        0x40
#define CMOS_C_AF        0x20
#define CMOS_C_UF        0x10
#define CMOS_D_VRT       0x80

struct cmos {
    uint8_t index;     /* selected register, 0..0x7F */
    bool nmi_disabled; /* bit 7 of the last index write */
    uint8_t ram[128];  /* alarm registers and RAM bytes live here */
    uint8_t reg_a, reg_b, reg_c;
    int64_t offset;            /* RTC time = wall clock + offset (seconds) */
    struct calendar_time held; /* the time while SET freezes the clock */
    struct dev_wall_clock wall;
    struct dev_clock clock; /* monotonic: update-in-progress and interrupt flag timing */
    struct irq_line irq8;
    bool irq_level;
    uint64_t last_tick; /* 32.768 kHz ticks at the last flag evaluation */
};

/* Power-on state: status A 0x26, B 0x02 (24 h, BCD), C 0, D 0x80 (valid RAM and time),
 * time = the wall clock, RAM zero. `clock` may be NULL (then UIP and flags never set). */
void cmos_init(struct cmos *c, const struct dev_wall_clock *wall, const struct dev_clock *clock,
               struct irq_line irq8);

/* Plain CMOS RAM access for the machine (index 0x0E..0x7F; other indexes are ignored / 0). */
void cmos_set_byte(struct cmos *c, uint8_t index, uint8_t val);
uint8_t cmos_get_byte(const struct cmos *c, uint8_t index);

/* Record the guest RAM size the way PC BIOSes read it: 0x15/0x16 base KiB (640),
 * 0x17/0x18 and 0x30/0x31 KiB above 1 MiB, 0x34/0x35 64 KiB blocks above 16 MiB (each
 * capped at 0xFFFF), and the checksum of 0x10..0x2D in 0x2E/0x2F. */
void cmos_set_memory_size(struct cmos *c, uint64_t ram_bytes);

/* Update the interrupt flags (PF, AF, UF) for time now_ns and drive IRQ8 from IRQF. */
void cmos_advance(struct cmos *c, uint64_t now_ns);

/* When an enabled flag is next due while IRQ8 is low, or DEV_NO_DEADLINE. */
uint64_t cmos_next_deadline_ns(const struct cmos *c);

/* Ports: offset 0 = index (write-only, bit 7 = NMI disable), offset 1 = data. */
extern const struct io_ops cmos_io_ops;

#endif
