/* cpu_desc.h — segment and gate descriptors: fetch from the GDT/LDT, decode,
 * and the accessed bit (Intel SDM Vol. 3A §3.4.2–§3.5, §5.8.3, §6.11). */
#ifndef BT386_MONITOR_CPU_DESC_H
#define BT386_MONITOR_CPU_DESC_H

#include "monitor/guest_access.h"
#include "monitor/vcpu.h"

#include <stdbool.h>
#include <stdint.h>

/* Selector fields (SDM §3.4.2). */
#define SEL_RPL(sel) ((unsigned)(sel)&3u)
#define SEL_TI       0x4u
/* A null selector has index 0 in the GDT; its RPL is ignored (SDM §3.4.2). */
static inline bool sel_is_null(uint16_t sel)
{
    return (sel & 0xFFFCu) == 0;
}

/* System-descriptor types (S = 0), SDM §3.5 table 3-2. */
enum {
    DESC_TSS16_AVAIL = 0x1,
    DESC_LDT = 0x2,
    DESC_TSS16_BUSY = 0x3,
    DESC_CALL_GATE16 = 0x4,
    DESC_TASK_GATE = 0x5,
    DESC_INT_GATE16 = 0x6,
    DESC_TRAP_GATE16 = 0x7,
    DESC_TSS32_AVAIL = 0x9,
    DESC_TSS32_BUSY = 0xB,
    DESC_CALL_GATE32 = 0xC,
    DESC_INT_GATE32 = 0xE,
    DESC_TRAP_GATE32 = 0xF,
};

/* Code/data type bits (S = 1), SDM §3.4.5.1 table 3-1. */
#define DESC_TYPE_ACCESSED   0x1u
#define DESC_TYPE_WRITABLE   0x2u /* data */
#define DESC_TYPE_READABLE   0x2u /* code */
#define DESC_TYPE_EXPANDDOWN 0x4u /* data */
#define DESC_TYPE_CONFORMING 0x4u /* code */
#define DESC_TYPE_CODE       0x8u

/* A descriptor as read from memory, and the linear address it was read from. */
struct cpu_desc {
    uint32_t lo, hi;
    uint32_t lin;
};

static inline unsigned desc_type(const struct cpu_desc *d)
{
    return (d->hi >> 8) & 0xFu;
}
static inline bool desc_s(const struct cpu_desc *d)
{
    return (d->hi & (1u << 12)) != 0;
}
static inline unsigned desc_dpl(const struct cpu_desc *d)
{
    return (d->hi >> 13) & 3u;
}
static inline bool desc_present(const struct cpu_desc *d)
{
    return (d->hi & (1u << 15)) != 0;
}
static inline uint32_t desc_base(const struct cpu_desc *d)
{
    return (d->lo >> 16) | ((d->hi & 0xFFu) << 16) | (d->hi & 0xFF000000u);
}
/* The limit in bytes: with G = 1 it counts 4 KiB units and the low 12 bits read
 * as ones (SDM §3.4.5). */
static inline uint32_t desc_limit(const struct cpu_desc *d)
{
    uint32_t raw = (d->lo & 0xFFFFu) | (d->hi & 0x000F0000u);
    return (d->hi & (1u << 23)) ? (raw << 12) | 0xFFFu : raw;
}
/* Attribute bits in the seg_cache.attr layout (vcpu.h). */
static inline uint16_t desc_attr(const struct cpu_desc *d)
{
    return (uint16_t)(((d->hi >> 8) & 0xFFu) | ((d->hi >> 12) & 0xF00u));
}

/* Code/data predicates. */
static inline bool desc_is_code(const struct cpu_desc *d)
{
    return desc_s(d) && (desc_type(d) & DESC_TYPE_CODE);
}
static inline bool desc_is_data(const struct cpu_desc *d)
{
    return desc_s(d) && !(desc_type(d) & DESC_TYPE_CODE);
}
static inline bool desc_is_conforming_code(const struct cpu_desc *d)
{
    return desc_is_code(d) && (desc_type(d) & DESC_TYPE_CONFORMING);
}
static inline bool desc_is_writable_data(const struct cpu_desc *d)
{
    return desc_is_data(d) && (desc_type(d) & DESC_TYPE_WRITABLE);
}
/* Data segments are always readable; code only with R = 1. */
static inline bool desc_is_readable(const struct cpu_desc *d)
{
    return desc_is_data(d) || (desc_is_code(d) && (desc_type(d) & DESC_TYPE_READABLE));
}

/* Gate fields (SDM §5.8.3 figure 5-8, §6.11 figure 6-2). */
static inline uint16_t gate_selector(const struct cpu_desc *d)
{
    return (uint16_t)(d->lo >> 16);
}
static inline uint32_t gate_offset(const struct cpu_desc *d)
{
    return (d->lo & 0xFFFFu) | (d->hi & 0xFFFF0000u);
}
static inline unsigned gate_param_count(const struct cpu_desc *d)
{
    return d->hi & 0x1Fu;
}

/* Same predicates on a loaded segment register's hidden part. */
static inline bool cache_is_code(const struct seg_cache *c)
{
    return (c->attr & SEG_ATTR_S) && (SEG_ATTR_TYPE(c->attr) & DESC_TYPE_CODE);
}
static inline bool cache_is_conforming_code(const struct seg_cache *c)
{
    return cache_is_code(c) && (SEG_ATTR_TYPE(c->attr) & DESC_TYPE_CONFORMING);
}

/* cpu_desc_fetch: read the descriptor `sel` refers to in the GDT or LDT (TI), as an
 * implicit supervisor access. Returns `beyond` if the descriptor does not lie
 * entirely inside the table limit (or TI = 1 and LDTR is null), the #PF of the
 * read, or FAULT_NONE. The caller has rejected null selectors already. */
struct guest_fault cpu_desc_fetch(const struct vcpu_state *s, const struct guest_mem *m,
                                  uint16_t sel, struct guest_fault beyond, struct cpu_desc *d);

/* cpu_desc_mark_accessed: set the accessed bit of a code/data descriptor in memory
 * (and in *d) if it is clear, as a segment-register load does. Returns the #PF of
 * the write or FAULT_NONE. */
struct guest_fault cpu_desc_mark_accessed(const struct vcpu_state *s, const struct guest_mem *m,
                                          struct cpu_desc *d);

/* cpu_desc_write_type: rewrite the type nibble of the descriptor in memory (TSS busy bit). */
struct guest_fault cpu_desc_write_type(const struct vcpu_state *s, const struct guest_mem *m,
                                       struct cpu_desc *d, unsigned type);

/* cpu_desc_cache: the hidden part a segment register gets from descriptor d. */
struct seg_cache cpu_desc_cache(uint16_t sel, const struct cpu_desc *d);

/* cpu_seg_range_ok: true iff the `len` bytes at offset `off` lie within the segment
 * limit, expand-down data segments included (SDM §5.3). */
bool cpu_seg_range_ok(const struct seg_cache *c, uint32_t off, uint32_t len);

#endif
