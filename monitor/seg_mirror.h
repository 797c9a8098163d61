/* seg_mirror.h — host LDT entries that stand for the guest's segments.
 *
 * Translated and directly executed guest code runs with host selectors whose
 * descriptors mirror the guest's segment caches: same base, same kind, limit
 * truncated so that no guest segment reaches the monitor area (DESIGN.md). Entries are
 * cached by (base, limit, kind): modify_ldt costs about 1.4 µs, so a segment load
 * that finds its mirror costs nothing but the lookup. */
#ifndef BT386_MONITOR_SEG_MIRROR_H
#define BT386_MONITOR_SEG_MIRROR_H

#include "monitor/host_ldt.h"
#include "monitor/vcpu.h"

#include <stdbool.h>
#include <stdint.h>

/* Host LDT layout: slots [1, SEG_MIRROR_FIRST) mirror the guest selector with the same
 * index while guest code runs directly (seg_mirror_fixed), the cache of translated-code
 * mirrors follows, and the top slots are the monitor's own. */
#define SEG_MIRROR_SLOTS 240
#define SEG_MIRROR_FIRST (HOST_LDT_ENTRIES - 16 - SEG_MIRROR_SLOTS)

struct seg_mirror_slot {
    uint32_t base, limit;
    uint8_t kind; /* enum host_seg_kind */
    bool used;
    uint64_t last_use;
};

struct seg_mirror {
    struct seg_mirror_slot slot[SEG_MIRROR_SLOTS];
    struct seg_mirror_slot fixed[SEG_MIRROR_FIRST]; /* what each same-index slot holds */
    uint32_t top;   /* first linear address guest segments must not reach */
    uint64_t clock; /* use counter for eviction */
    uint64_t ldt_writes, hits;
    /* Writes one host LDT entry; host_ldt_write in the monitor, a fake in tests. */
    int (*write)(unsigned slot, enum host_seg_kind kind, uint32_t base, uint32_t limit,
                 bool present);
};

/* seg_mirror_init: no entries yet; guest segments end below top. */
void seg_mirror_init(struct seg_mirror *m, uint32_t top);
/* seg_mirror_data: the host selector to load for a guest data-segment cache (or a
 * readable code segment loaded into a data register). A null/unusable guest segment
 * maps to the null selector, so that any access through it faults as it would for the
 * guest. Returns 0 with *sel set, or -errno from modify_ldt. `pinned` lists host
 * selectors currently loaded (they are never evicted); npinned entries. */
int seg_mirror_data(struct seg_mirror *m, const struct seg_cache *sc, const uint16_t *pinned,
                    unsigned npinned, uint16_t *sel);
/* seg_mirror_code: the same for a guest code segment run directly (CS at CPL 3). */
int seg_mirror_code(struct seg_mirror *m, const struct seg_cache *sc, const uint16_t *pinned,
                    unsigned npinned, uint16_t *sel);
/* seg_mirror_fixed: the host selector for guest segment register `reg` when guest code
 * runs directly: the host LDT slot with the guest selector's own index, so that code
 * reading a segment register (glibc's pthread_create computes its TLS entry number as
 * %gs >> 3) sees the guest's index, only with TI = 1. code: a CS mirror. */
int seg_mirror_fixed(struct seg_mirror *m, const struct seg_cache *sc, bool code, uint16_t *sel);
/* seg_mirror_invalidate: forget every mirror (e.g. after the LDT was rewritten). */
void seg_mirror_invalidate(struct seg_mirror *m);

#endif
