/* gphys.h — the monitor's view of guest physical RAM (the "physmap").
 *
 * Guest RAM [0, size) is mapped once at a 64-bit host address `base`. The
 * accessors below bounds-check every access and report what real hardware
 * does with an access to an unbacked physical address: reads return all-ones
 * and writes are dropped. A page-table entry that lies outside RAM therefore
 * reads as 0xFFFFFFFF.
 *
 * Accesses are little-endian; the host is x86-64 (configure enforces it), so a
 * plain load or store already has guest byte order. */
#ifndef BT386_SHADOW_MMU_GPHYS_H
#define BT386_SHADOW_MMU_GPHYS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct gphys {
    uint8_t *base; /* host address of guest physical address 0 */
    uint64_t size; /* bytes of RAM; [0, size) is backed */
};

/* The value an access to unbacked physical memory reads. */
#define GPHYS_UNBACKED32 UINT32_C(0xFFFFFFFF)

/* True iff [pa, pa+len) lies entirely inside guest RAM (overflow-safe). */
static inline bool gphys_contains(const struct gphys *g, uint64_t pa, uint64_t len)
{
    return pa <= g->size && len <= g->size - pa;
}

/* Host pointer to the naturally aligned 32-bit word at pa, or NULL if pa is
 * misaligned or not backed by RAM. Meant for atomic updates of paging entries. */
static inline uint32_t *gphys_ptr32(const struct gphys *g, uint64_t pa)
{
    if ((pa & 3) != 0 || !gphys_contains(g, pa, 4))
        return NULL;
    return (uint32_t *)(void *)(g->base + pa);
}

/* Read 32 bits at pa; GPHYS_UNBACKED32 if any byte is outside RAM. */
static inline uint32_t gphys_read32(const struct gphys *g, uint64_t pa)
{
    uint32_t v;
    if (!gphys_contains(g, pa, 4))
        return GPHYS_UNBACKED32;
    memcpy(&v, g->base + pa, sizeof v);
    return v;
}

/* Write 32 bits at pa; returns false (and writes nothing) if outside RAM. */
static inline bool gphys_write32(const struct gphys *g, uint64_t pa, uint32_t v)
{
    if (!gphys_contains(g, pa, 4))
        return false;
    memcpy(g->base + pa, &v, sizeof v);
    return true;
}

#endif
