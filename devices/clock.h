/* clock.h — the injected time sources devices read (no device reads a host clock). */
#ifndef BT386_DEVICES_CLOCK_H
#define BT386_DEVICES_CLOCK_H

#include <stdint.h>

/* Monotonic virtual time in nanoseconds, supplied by the machine (or a test). */
struct dev_clock {
    uint64_t (*now_ns)(void *ctx);
    void *ctx;
};

/* Wall-clock time as Unix seconds, supplied by the machine (or a test). */
struct dev_wall_clock {
    int64_t (*unix_seconds)(void *ctx);
    void *ctx;
};

#define DEV_NS_PER_S    1000000000ull
#define DEV_NO_DEADLINE UINT64_MAX

/* Ticks of an `hz` clock elapsed at `ns`: floor(ns * hz / 1e9), exact for hz < 2^32,
 * without 128-bit arithmetic (whole seconds are split off first). */
static inline uint64_t dev_ns_to_ticks(uint64_t ns, uint32_t hz)
{
    return (ns / DEV_NS_PER_S) * hz + (ns % DEV_NS_PER_S) * hz / DEV_NS_PER_S;
}

/* The first ns at which dev_ns_to_ticks(ns, hz) reaches `ticks`: ceil(ticks * 1e9 / hz). */
static inline uint64_t dev_ticks_to_ns(uint64_t ticks, uint32_t hz)
{
    return (ticks / hz) * DEV_NS_PER_S + ((ticks % hz) * DEV_NS_PER_S + hz - 1) / hz;
}

#endif
