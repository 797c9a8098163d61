/* pit.c — the 8254 PIT as a pure function of injected time.
 * Section names refer to the Intel 82C54 CHMOS Programmable Interval Timer datasheet
 * (order no. 231244): "Control Word Format", "Write Operations", "Read Operations"
 * (simple read, Counter Latch Command, Read-Back Command, Status Byte), "Mode Definitions"
 * (modes 0-5), "Operation Common to All Modes" (GATE, counter loading, BCD). */
#include "devices/pit.h"

#include <string.h>

uint64_t pit_ns_to_ticks(uint64_t ns)
{
    return dev_ns_to_ticks(ns, PIT_HZ);
}

uint64_t pit_ticks_to_ns(uint64_t ticks)
{
    return dev_ticks_to_ns(ticks, PIT_HZ);
}

/* "Operation Common to All Modes": binary counters wrap at 2^16, BCD counters at 10^4. */
static uint32_t modulus(const struct pit_counter *c)
{
    return c->bcd ? 10000u : 65536u;
}

static uint32_t bcd_to_bin(uint16_t v)
{
    return (v >> 12 & 15u) * 1000u + (v >> 8 & 15u) * 100u + (v >> 4 & 15u) * 10u + (v & 15u);
}

static uint16_t bin_to_bcd(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

static bool is_one_shot(const struct pit_counter *c)
{
    return c->mode == 0 || c->mode == 1 || c->mode == 4 || c->mode == 5;
}

/* Modes 2 and 3 need a count of at least 2 (a count of 1 is illegal, "Mode Definitions");
 * bt386 runs it as 2 rather than dividing by zero. */
static uint32_t period(const struct pit_counter *c)
{
    return c->reload < 2 ? 2 : c->reload;
}

static uint64_t elapsed(const struct pit_counter *c, uint64_t t)
{
    return t > c->origin ? t - c->origin : 0;
}

/* The counting element at tick t, 0..modulus-1 (binary; BCD conversion is done on read). */
static uint32_t counter_ce(const struct pit_counter *c, uint64_t t)
{
    uint32_t m = modulus(c);
    if (!c->running)
        return c->frozen_ce;
    uint64_t e = elapsed(c, t);
    if (is_one_shot(c))
        return (uint32_t)((c->start + m - e % m) % m);
    uint32_t n = period(c);
    uint32_t p = (uint32_t)(e % n);
    if (c->mode == 2)
        return (n - p) % m;
    /* Mode 3: the CE counts down by two per clock through each half-period; an odd count
     * spends one extra clock in the high half, which starts at n - 1 after its first
     * clock, while the low half starts at n - 3 ("Mode 3: Square Wave Mode"). */
    uint32_t high = (n + 1) / 2;
    if (p < high)
        return (p == 0 ? n : (n & 1) ? n + 1 - 2 * p : n - 2 * p) % m;
    p -= high;
    return (p == 0 ? n : (n & 1) ? n - 1 - 2 * p : n - 2 * p) % m;
}

/* OUT at tick t ("Mode Definitions"). */
static bool counter_out(const struct pit_counter *c, uint64_t t)
{
    uint64_t e = elapsed(c, t);
    switch (c->mode) {
    case 0: /* low from the control word until terminal count */
        return !c->tc_pending || (c->running && t >= c->origin && e >= c->tc_after);
    case 1: /* low from the trigger until terminal count */
        return !(c->running && c->tc_pending && e < c->tc_after);
    case 4:
    case 5: /* one clock low at terminal count */
        return !(c->running && c->tc_pending && t >= c->origin && e == c->tc_after);
    case 2: /* one clock low when the CE reaches 1 */
        return !(c->running && t >= c->origin && e % period(c) == period(c) - 1);
    default: /* mode 3: high for the first (larger) half of each period */
        return !c->running || t < c->origin || e % period(c) < (period(c) + 1) / 2;
    }
}

/* Tick of the one-shot rising edge of OUT (terminal count; strobe modes rise a clock later). */
static uint64_t one_shot_edge(const struct pit_counter *c)
{
    return c->origin + c->tc_after + (c->mode >= 4 ? 1 : 0);
}

/* Number of OUT rising edges in (t0, t1] under the current programming. */
static uint64_t counter_edges(const struct pit_counter *c, uint64_t t0, uint64_t t1)
{
    if (!c->running || t1 <= t0)
        return 0;
    if (is_one_shot(c)) {
        if (!c->tc_pending)
            return 0;
        uint64_t edge = one_shot_edge(c);
        return t0 < edge && edge <= t1;
    }
    /* Modes 2, 3: OUT rises at origin + k * period for k >= 1. */
    uint64_t n = period(c);
    uint64_t k1 = t1 > c->origin ? (t1 - c->origin) / n : 0;
    uint64_t k0 = t0 > c->origin ? (t0 - c->origin) / n : 0;
    return k1 - k0;
}

/* The first OUT rising edge after tick t, or PIT_NO_DEADLINE. */
static uint64_t counter_next_edge(const struct pit_counter *c, uint64_t t)
{
    if (!c->running)
        return PIT_NO_DEADLINE;
    if (is_one_shot(c)) {
        if (!c->tc_pending || one_shot_edge(c) <= t)
            return PIT_NO_DEADLINE;
        return one_shot_edge(c);
    }
    uint64_t n = period(c);
    uint64_t k = t >= c->origin ? (t - c->origin) / n + 1 : 1;
    return c->origin + k * n;
}

static void apply_pending(struct pit_counter *c)
{
    c->reload = c->pending_reload;
    c->origin = c->pending_tick;
    c->pending = false;
}

/* Bring the state forward to tick t: a waiting count of modes 2/3 takes over at the end of
 * the period; a one-shot that passed its edge forgets it; null count clears at load. */
static void counter_settle(struct pit_counter *c, uint64_t t)
{
    if (c->pending && c->running && c->pending_tick <= t)
        apply_pending(c);
    if (is_one_shot(c) && c->running && c->tc_pending && one_shot_edge(c) <= t)
        c->tc_pending = false;
    if (c->null_count && c->has_count && !c->pending && c->load_tick <= t)
        c->null_count = false;
}

/* The level the PIC should see on IRQ0. In the one-shot modes it is OUT0; in modes 2 and 3
 * it is held high between edges: the 8259A drops a request whose input falls before INTA,
 * and a virtual CPU may take longer than mode 3's low half-period to acknowledge. */
static bool irq0_wanted_level(struct pit *pit)
{
    const struct pit_counter *c = &pit->ctr[0];
    if (c->mode == 0 || c->mode == 1)
        return counter_out(c, pit->last_tick);
    return true;
}

static void sync_irq0(struct pit *pit)
{
    bool level = irq0_wanted_level(pit);
    if (level != pit->irq_level) {
        pit->irq_level = level;
        irq_line_set(&pit->irq0, level);
    }
}

uint64_t pit_advance(struct pit *pit, uint64_t now_ns)
{
    uint64_t t = pit_ns_to_ticks(now_ns);
    uint64_t last = pit->last_tick;
    if (t <= last)
        return 0;
    struct pit_counter *c = &pit->ctr[0];
    uint64_t ticks = 0;
    if (c->pending && c->running && c->pending_tick <= t) {
        uint64_t boundary = c->pending_tick;
        if (boundary > last)
            ticks += counter_edges(c, last, boundary);
        apply_pending(c);
        ticks += counter_edges(c, boundary > last ? boundary : last, t);
    } else {
        ticks = counter_edges(c, last, t);
    }
    for (unsigned i = 0; i < 3; i++)
        counter_settle(&pit->ctr[i], t);
    pit->last_tick = t;
    if (ticks) {
        pit->irq0_ticks += ticks;
        pit->irq0_pulses++;
        if (pit->irq_level)
            irq_line_set(&pit->irq0, 0);
        irq_line_set(&pit->irq0, 1);
        pit->irq_level = true;
    }
    sync_irq0(pit);
    return ticks;
}

uint64_t pit_next_deadline_ns(const struct pit *pit)
{
    const struct pit_counter *c = &pit->ctr[0];
    uint64_t edge = c->pending && c->running && c->pending_tick > pit->last_tick
                        ? c->pending_tick
                        : counter_next_edge(c, pit->last_tick);
    return edge == PIT_NO_DEADLINE ? PIT_NO_DEADLINE : pit_ticks_to_ns(edge);
}

uint64_t pit_now_ns(struct pit *pit)
{
    if (pit->clock.now_ns)
        return pit->clock.now_ns(pit->clock.ctx);
    return pit_ticks_to_ns(pit->last_tick);
}

/* Evaluate up to the clock's present and return the tick every port access works at. */
static uint64_t pit_now_tick(struct pit *pit)
{
    if (pit->clock.now_ns)
        pit_advance(pit, pit->clock.now_ns(pit->clock.ctx));
    return pit->last_tick;
}

/* Stop counting, keeping the CE and how far the one-shot is from terminal count. */
static void counter_freeze(struct pit_counter *c, uint64_t t)
{
    if (!c->running)
        return;
    c->frozen_ce = counter_ce(c, t);
    if (is_one_shot(c) && c->tc_pending) {
        uint64_t e = elapsed(c, t);
        if (e >= c->tc_after)
            c->tc_pending = false;
        else
            c->tc_after -= (uint32_t)e;
    }
    c->running = false;
}

void pit_set_gate(struct pit *pit, unsigned counter, int level)
{
    if (counter > 2)
        return;
    uint64_t t = pit_now_tick(pit);
    struct pit_counter *c = &pit->ctr[counter];
    counter_settle(c, t);
    bool rising = level && !c->gate;
    bool falling = !level && c->gate;
    c->gate = level != 0;
    switch (c->mode) {
    case 0:
    case 4: /* GATE low suspends counting; high resumes it */
        if (falling) {
            counter_freeze(c, t);
        } else if (rising && c->has_count && !c->running) {
            c->start = c->frozen_ce;
            c->origin = t;
            c->running = true;
        }
        break;
    case 1:
    case 5: /* a rising GATE (re)triggers: the count is loaded on the next clock */
        if (rising && c->has_count) {
            c->start = c->reload % modulus(c);
            c->tc_after = c->reload;
            c->tc_pending = true;
            c->origin = t + 1;
            c->load_tick = t + 1;
            c->running = true;
        }
        break;
    default: /* modes 2, 3: GATE low stops counting and sets OUT high; rising reloads */
        if (falling) {
            counter_freeze(c, t);
            c->pending = false;
        } else if (rising && c->has_count) {
            if (c->pending)
                c->reload = c->pending_reload;
            c->pending = false;
            c->origin = t + 1;
            c->load_tick = t + 1;
            c->running = true;
        }
        break;
    }
    if (counter == 0)
        sync_irq0(pit);
}

bool pit_read_out(struct pit *pit, unsigned counter)
{
    if (counter > 2)
        return false;
    uint64_t t = pit_now_tick(pit);
    counter_settle(&pit->ctr[counter], t);
    return counter_out(&pit->ctr[counter], t);
}

/* "Write Operations": the count is complete; load it as the mode prescribes. */
static void load_count(struct pit_counter *c, uint64_t t, uint16_t raw)
{
    uint32_t m = modulus(c);
    uint32_t n = c->bcd ? bcd_to_bin(raw) : raw;
    n %= m;
    if (n == 0)
        n = m; /* a count of 0 is the maximum: 2^16 binary, 10^4 BCD */
    c->has_count = true;
    c->null_count = true;
    switch (c->mode) {
    case 0:
    case 4: /* loaded on the next clock; (re)starts the one-shot */
        c->reload = n;
        c->start = n % m;
        c->tc_after = n;
        c->tc_pending = true;
        c->origin = t + 1;
        c->load_tick = t + 1;
        c->frozen_ce = c->start;
        c->running = c->gate;
        break;
    case 1:
    case 5: /* waits for a GATE trigger; a running one-shot is not disturbed */
        c->reload = n;
        if (!c->running)
            c->load_tick = UINT64_MAX;
        break;
    default: /* modes 2, 3 */
        if (c->running && t >= c->origin) {
            /* A new count written while counting takes effect at the end of the current
             * period (bt386 applies it at the full period in mode 3 too). */
            c->pending = true;
            c->pending_reload = n;
            c->pending_tick = counter_next_edge(c, t);
            c->load_tick = c->pending_tick;
        } else {
            c->reload = n;
            c->origin = t + 1;
            c->load_tick = t + 1;
            c->frozen_ce = n % m;
            c->running = c->gate;
        }
        break;
    }
}

static void write_counter(struct pit *pit, unsigned i, uint8_t val)
{
    uint64_t t = pit_now_tick(pit);
    struct pit_counter *c = &pit->ctr[i];
    counter_settle(c, t);
    switch (c->rw) {
    case 1: load_count(c, t, val); break;
    case 2: load_count(c, t, (uint16_t)(val << 8)); break;
    default:
        if (!c->write_msb_next) {
            c->write_lsb = val;
            c->write_msb_next = true;
            /* Mode 0: writing the first byte stops counting and sets OUT low at once. */
            if (c->mode == 0) {
                counter_freeze(c, t);
                c->tc_pending = true;
            }
        } else {
            c->write_msb_next = false;
            load_count(c, t, (uint16_t)(c->write_lsb | val << 8));
        }
        break;
    }
    if (i == 0)
        sync_irq0(pit);
}

static uint16_t ce_as_read(const struct pit_counter *c, uint64_t t)
{
    uint32_t ce = counter_ce(c, t);
    return c->bcd ? bin_to_bcd(ce) : (uint16_t)ce;
}

/* "Status Byte": OUT, NULL COUNT, RW1 RW0, M2 M1 M0, BCD. */
static uint8_t status_byte(const struct pit_counter *c, uint64_t t)
{
    return (uint8_t)((counter_out(c, t) ? 0x80 : 0) | (c->null_count ? 0x40 : 0) | c->rw << 4 |
                     c->mode_bits << 1 | (c->bcd ? 1 : 0));
}

static void latch_count(struct pit_counter *c, uint64_t t)
{
    /* "Counter Latch Command": a second latch before the first is read is ignored. */
    if (c->count_latched)
        return;
    c->count_latched = true;
    c->latch = ce_as_read(c, t);
}

static void latch_status(struct pit_counter *c, uint64_t t)
{
    if (c->status_latched)
        return;
    c->status_latched = true;
    c->status = status_byte(c, t);
}

static void write_control(struct pit *pit, uint8_t val)
{
    uint64_t t = pit_now_tick(pit);
    unsigned sc = val >> 6;
    if (sc == 3) {
        /* "Read-Back Command": bit 5 = 0 latches counts, bit 4 = 0 latches status,
         * bits 3..1 select counters 2..0. */
        for (unsigned i = 0; i < 3; i++) {
            if (!(val & (2u << i)))
                continue;
            struct pit_counter *c = &pit->ctr[i];
            counter_settle(c, t);
            if (!(val & 0x10))
                latch_status(c, t);
            if (!(val & 0x20))
                latch_count(c, t);
        }
        return;
    }
    struct pit_counter *c = &pit->ctr[sc];
    counter_settle(c, t);
    unsigned rw = (val >> 4) & 3u;
    if (rw == 0) {
        latch_count(c, t);
        return;
    }
    /* "Control Word Format": a new mode stops the counter until a count is written; OUT
     * starts low in mode 0 and high in the other modes; the byte flip-flops reset. */
    uint32_t ce = counter_ce(c, t);
    c->rw = (uint8_t)rw;
    c->mode_bits = (val >> 1) & 7u;
    c->mode = c->mode_bits > 5 ? (uint8_t)(c->mode_bits - 4) : c->mode_bits;
    c->bcd = val & 1;
    c->running = false;
    c->has_count = false;
    c->pending = false;
    c->tc_pending = true;
    c->null_count = true;
    c->frozen_ce = ce % modulus(c);
    c->write_msb_next = false;
    c->read_msb_next = false;
    c->count_latched = false;
    c->status_latched = false;
    if (sc == 0)
        sync_irq0(pit);
}

static uint8_t read_counter(struct pit *pit, unsigned i)
{
    uint64_t t = pit_now_tick(pit);
    struct pit_counter *c = &pit->ctr[i];
    counter_settle(c, t);
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    bool latched = c->count_latched;
    uint16_t v = latched ? c->latch : ce_as_read(c, t);
    uint8_t byte;
    switch (c->rw) {
    case 1:
        byte = (uint8_t)v;
        c->count_latched = false;
        break;
    case 2:
        byte = (uint8_t)(v >> 8);
        c->count_latched = false;
        break;
    default:
        if (!c->read_msb_next) {
            byte = (uint8_t)v;
            c->read_msb_next = true;
        } else {
            byte = (uint8_t)(v >> 8);
            c->read_msb_next = false;
            c->count_latched = false;
        }
        break;
    }
    return byte;
}

static uint32_t pit_io_read(void *dev, uint16_t port, unsigned size)
{
    (void)size;
    if (port >= 3)
        return 0xFF; /* the control word register cannot be read */
    return read_counter(dev, port);
}

static void pit_io_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    (void)size;
    if (port >= 3)
        write_control(dev, (uint8_t)val);
    else
        write_counter(dev, port, (uint8_t)val);
}

const struct io_ops pit_io_ops = {.read = pit_io_read, .write = pit_io_write};

void pit_init(struct pit *pit, const struct dev_clock *clock, struct irq_line irq0, uint64_t now_ns)
{
    memset(pit, 0, sizeof(*pit));
    if (clock)
        pit->clock = *clock;
    pit->irq0 = irq0;
    pit->last_tick = pit_ns_to_ticks(now_ns);
    uint64_t t = pit->last_tick;
    for (unsigned i = 0; i < 3; i++) {
        struct pit_counter *c = &pit->ctr[i];
        c->rw = 3;
        c->mode = c->mode_bits = 3;
        c->gate = i != 2;
        c->tc_pending = true;
        load_count(c, t, 0);
    }
    /* OUT0 is high in mode 3. It is not driven here: the PIC's view of the line stays low
     * until the first tick pulses it, so that power-on raises no request of its own. */
    pit->irq_level = true;
}
