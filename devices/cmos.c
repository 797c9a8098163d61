/* cmos.c — the MC146818 as seen through ports 0x70/0x71.
 * Section names refer to the Motorola MC146818A datasheet: "Time, Calendar and Alarm
 * Locations", "Register A" (UIP, DV2-0, RS3-0), "Register B" (SET, PIE, AIE, UIE, SQWE,
 * DM, 24/12, DSE), "Register C" (IRQF, PF, AF, UF), "Register D" (VRT), "Update Cycle",
 * "Interrupts". */
#include "devices/cmos.h"

#include <string.h>

/* The update cycle: UIP rises 244 us (8 ticks of 32.768 kHz) before the time advances. */
#define UIP_TICKS 8u

static uint8_t bin_to_bcd(unsigned v)
{
    return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

static unsigned bcd_to_bin(uint8_t v)
{
    return (v >> 4) * 10u + (v & 15u);
}

static int64_t wall_now(const struct cmos *c)
{
    return c->wall.unix_seconds ? c->wall.unix_seconds(c->wall.ctx) : 0;
}

static uint64_t mono_tick(const struct cmos *c)
{
    if (!c->clock.now_ns)
        return c->last_tick;
    return dev_ns_to_ticks(c->clock.now_ns(c->clock.ctx), CMOS_RTC_HZ);
}

/* Divider 11x holds the chain in reset: no updates, no periodic flags ("Register A"). */
static bool divider_running(const struct cmos *c)
{
    return ((c->reg_a >> 4) & 7u) < 6;
}

static void current_time(const struct cmos *c, struct calendar_time *t)
{
    if (c->reg_b & CMOS_B_SET)
        *t = c->held;
    else
        calendar_from_unix(wall_now(c) + c->offset, t);
}

static void commit_time(struct cmos *c, const struct calendar_time *t)
{
    if (c->reg_b & CMOS_B_SET)
        c->held = *t;
    else
        c->offset = calendar_to_unix(t) - wall_now(c);
}

/* Encode a field in the data mode of register B (binary or BCD). */
static uint8_t encode(const struct cmos *c, unsigned v)
{
    return (c->reg_b & CMOS_B_DM_BINARY) ? (uint8_t)v : bin_to_bcd(v);
}

static unsigned decode(const struct cmos *c, uint8_t v)
{
    return (c->reg_b & CMOS_B_DM_BINARY) ? v : bcd_to_bin(v);
}

/* Hours: in 12-hour mode 1..12 with bit 7 = PM ("Time, Calendar and Alarm Locations"). */
static uint8_t encode_hours(const struct cmos *c, unsigned h)
{
    if (c->reg_b & CMOS_B_24H)
        return encode(c, h);
    unsigned h12 = h % 12 == 0 ? 12 : h % 12;
    return (uint8_t)(encode(c, h12) | (h >= 12 ? 0x80 : 0));
}

static unsigned decode_hours(const struct cmos *c, uint8_t v)
{
    if (c->reg_b & CMOS_B_24H)
        return decode(c, v);
    return decode(c, v & 0x7F) % 12 + ((v & 0x80) ? 12 : 0);
}

static uint8_t read_time_register(const struct cmos *c, uint8_t index)
{
    struct calendar_time t;
    current_time(c, &t);
    switch (index) {
    case CMOS_SECONDS: return encode(c, t.second);
    case CMOS_MINUTES: return encode(c, t.minute);
    case CMOS_HOURS: return encode_hours(c, t.hour);
    case CMOS_WEEKDAY: return encode(c, t.weekday);
    case CMOS_DAY: return encode(c, t.day);
    case CMOS_MONTH: return encode(c, t.month);
    case CMOS_YEAR: return encode(c, (unsigned)t.year % 100);
    default: return encode(c, (unsigned)t.year / 100); /* CMOS_CENTURY */
    }
}

/* A time register write changes that field of the running (or SET-frozen) clock. The day of
 * week is derived from the date, so writes to it are ignored. */
static void write_time_register(struct cmos *c, uint8_t index, uint8_t val)
{
    struct calendar_time t;
    current_time(c, &t);
    switch (index) {
    case CMOS_SECONDS: t.second = (uint8_t)decode(c, val); break;
    case CMOS_MINUTES: t.minute = (uint8_t)decode(c, val); break;
    case CMOS_HOURS: t.hour = (uint8_t)decode_hours(c, val); break;
    case CMOS_WEEKDAY: return;
    case CMOS_DAY: t.day = (uint8_t)decode(c, val); break;
    case CMOS_MONTH: t.month = (uint8_t)decode(c, val); break;
    case CMOS_YEAR: t.year = t.year / 100 * 100 + (int32_t)decode(c, val); break;
    default: t.year = (int32_t)decode(c, val) * 100 + t.year % 100; break; /* CMOS_CENTURY */
    }
    commit_time(c, &t);
}

static bool is_time_register(uint8_t index)
{
    return index <= CMOS_YEAR && index != CMOS_SECONDS_ALARM && index != CMOS_MINUTES_ALARM &&
           index != CMOS_HOURS_ALARM;
}

/* "Register C": IRQF = PF.PIE + AF.AIE + UF.UIE; IRQ8 follows IRQF. */
static void update_irq(struct cmos *c)
{
    uint8_t enabled = c->reg_c & c->reg_b & (CMOS_C_PF | CMOS_C_AF | CMOS_C_UF);
    if (enabled)
        c->reg_c |= CMOS_C_IRQF;
    bool level = c->reg_c & CMOS_C_IRQF;
    if (level != c->irq_level) {
        c->irq_level = level;
        irq_line_set(&c->irq8, level);
    }
}

/* Periodic interrupt period in 32.768 kHz ticks for rate select RS3-0 (0 = none);
 * rates 1 and 2 repeat 8 and 9 ("Register A", periodic interrupt rate table). */
static uint64_t periodic_ticks(const struct cmos *c)
{
    unsigned rs = c->reg_a & 15u;
    if (rs == 0)
        return 0;
    return rs < 3 ? 1ull << (rs + 6) : 1ull << (rs - 1);
}

/* An alarm byte of 0xC0..0xFF matches any value ("Interrupts", alarm don't-care). */
static bool alarm_matches(const struct cmos *c)
{
    static const uint8_t pairs[3][2] = {
        {CMOS_SECONDS_ALARM, CMOS_SECONDS},
        {CMOS_MINUTES_ALARM, CMOS_MINUTES},
        {CMOS_HOURS_ALARM, CMOS_HOURS},
    };
    for (unsigned i = 0; i < 3; i++) {
        uint8_t alarm = c->ram[pairs[i][0]];
        if (alarm < 0xC0 && alarm != read_time_register(c, pairs[i][1]))
            return false;
    }
    return true;
}

static void evaluate_flags(struct cmos *c, uint64_t t)
{
    if (t <= c->last_tick)
        return;
    if (divider_running(c)) {
        uint64_t p = periodic_ticks(c);
        if (p && t / p != c->last_tick / p)
            c->reg_c |= CMOS_C_PF;
        /* "Update Cycle": each second ends in UF, and AF when the alarm matches; the clock
         * does not update while SET is 1. */
        if (!(c->reg_b & CMOS_B_SET) && t / CMOS_RTC_HZ != c->last_tick / CMOS_RTC_HZ) {
            c->reg_c |= CMOS_C_UF;
            if (alarm_matches(c))
                c->reg_c |= CMOS_C_AF;
        }
    }
    c->last_tick = t;
    update_irq(c);
}

void cmos_advance(struct cmos *c, uint64_t now_ns)
{
    evaluate_flags(c, dev_ns_to_ticks(now_ns, CMOS_RTC_HZ));
}

uint64_t cmos_next_deadline_ns(const struct cmos *c)
{
    if (c->irq_level || !divider_running(c))
        return DEV_NO_DEADLINE;
    uint64_t next = DEV_NO_DEADLINE;
    uint64_t p = periodic_ticks(c);
    if ((c->reg_b & CMOS_B_PIE) && p)
        next = (c->last_tick / p + 1) * p;
    if ((c->reg_b & (CMOS_B_UIE | CMOS_B_AIE)) && !(c->reg_b & CMOS_B_SET)) {
        uint64_t second = (c->last_tick / CMOS_RTC_HZ + 1) * CMOS_RTC_HZ;
        if (second < next)
            next = second;
    }
    return next == DEV_NO_DEADLINE ? next : dev_ticks_to_ns(next, CMOS_RTC_HZ);
}

static uint8_t read_status_a(const struct cmos *c)
{
    uint8_t val = c->reg_a & 0x7F;
    if (c->clock.now_ns && divider_running(c) && !(c->reg_b & CMOS_B_SET) &&
        mono_tick(c) % CMOS_RTC_HZ >= CMOS_RTC_HZ - UIP_TICKS)
        val |= CMOS_A_UIP;
    return val;
}

static void write_status_b(struct cmos *c, uint8_t val)
{
    bool was_set = c->reg_b & CMOS_B_SET;
    bool set = val & CMOS_B_SET;
    if (set && !was_set)
        current_time(c, &c->held); /* freeze before SET takes effect */
    /* "Register B": setting SET clears UIE. */
    if (set)
        val &= (uint8_t)~CMOS_B_UIE;
    c->reg_b = val;
    if (!set && was_set)
        c->offset = calendar_to_unix(&c->held) - wall_now(c);
    update_irq(c);
}

static uint8_t read_data(struct cmos *c)
{
    uint8_t index = c->index;
    if (is_time_register(index) || index == CMOS_CENTURY)
        return read_time_register(c, index);
    switch (index) {
    case CMOS_STATUS_A: return read_status_a(c);
    case CMOS_STATUS_B: return c->reg_b;
    case CMOS_STATUS_C: {
        /* Reading C returns the flags and clears them all, releasing IRQ8. */
        if (c->clock.now_ns)
            evaluate_flags(c, mono_tick(c));
        uint8_t val = c->reg_c;
        c->reg_c = 0;
        update_irq(c);
        return val;
    }
    case CMOS_STATUS_D: return CMOS_D_VRT;
    default: return c->ram[index];
    }
}

static void write_data(struct cmos *c, uint8_t val)
{
    uint8_t index = c->index;
    if (is_time_register(index) || index == CMOS_CENTURY) {
        write_time_register(c, index, val);
        return;
    }
    switch (index) {
    case CMOS_STATUS_A: c->reg_a = val & 0x7F; break; /* UIP is read-only */
    case CMOS_STATUS_B: write_status_b(c, val); break;
    case CMOS_STATUS_C:
    case CMOS_STATUS_D: break; /* read-only */
    default: c->ram[index] = val; break;
    }
}

static uint32_t cmos_io_read(void *dev, uint16_t port, unsigned size)
{
    (void)size;
    if (port == 0)
        return 0xFF; /* the index register is write-only on a PC */
    return read_data(dev);
}

static void cmos_io_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    struct cmos *c = dev;
    (void)size;
    if (port == 0) {
        c->index = val & 0x7F;
        c->nmi_disabled = val & 0x80;
    } else {
        write_data(c, (uint8_t)val);
    }
}

const struct io_ops cmos_io_ops = {.read = cmos_io_read, .write = cmos_io_write};

void cmos_set_byte(struct cmos *c, uint8_t index, uint8_t val)
{
    if (index >= 0x0E && index < 0x80 && index != CMOS_CENTURY)
        c->ram[index] = val;
}

uint8_t cmos_get_byte(const struct cmos *c, uint8_t index)
{
    return index >= 0x0E && index < 0x80 ? c->ram[index] : 0;
}

static void set_word(struct cmos *c, uint8_t index, uint16_t val)
{
    c->ram[index] = (uint8_t)val;
    c->ram[index + 1] = (uint8_t)(val >> 8);
}

void cmos_set_memory_size(struct cmos *c, uint64_t ram_bytes)
{
    const uint64_t kib = 1024, mib = 1024 * 1024;
    uint64_t ext_kib = ram_bytes > mib ? (ram_bytes - mib) / kib : 0;
    uint64_t above16 = ram_bytes > 16 * mib ? (ram_bytes - 16 * mib) / (64 * kib) : 0;
    set_word(c, 0x15, 640);
    set_word(c, 0x17, (uint16_t)(ext_kib > 0xFFFF ? 0xFFFF : ext_kib));
    set_word(c, 0x30, (uint16_t)(ext_kib > 0xFFFF ? 0xFFFF : ext_kib));
    set_word(c, 0x34, (uint16_t)(above16 > 0xFFFF ? 0xFFFF : above16));
    /* The AT checksum of 0x10..0x2D is stored big-endian at 0x2E/0x2F. */
    uint16_t sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++)
        sum = (uint16_t)(sum + c->ram[i]);
    c->ram[0x2E] = (uint8_t)(sum >> 8);
    c->ram[0x2F] = (uint8_t)sum;
}

void cmos_init(struct cmos *c, const struct dev_wall_clock *wall, const struct dev_clock *clock,
               struct irq_line irq8)
{
    memset(c, 0, sizeof(*c));
    if (wall)
        c->wall = *wall;
    if (clock)
        c->clock = *clock;
    c->irq8 = irq8;
    c->reg_a = 0x26;
    c->reg_b = CMOS_B_24H;
    c->last_tick = mono_tick(c);
}
