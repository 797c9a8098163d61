/* space.h — the host side of the shadow page table.
 *
 * Guest physical RAM is one memfd, mapped once read-write at a 64-bit host
 * address (the physmap, `space.ram`). The guest linear address space is the
 * host range [low, monitor_base): reserved PROT_NONE at creation so that
 * nothing else is ever placed there, and populated page by page with
 * MAP_SHARED mappings of the memfd ("shadow mappings"). `low` is the host's
 * vm.mmap_min_addr (at least one page); guest pages below it cannot be mapped
 * and must be emulated (DESIGN.md hazard 7). The monitor area from
 * monitor_base to 4 GiB belongs to the monitor and is not touched here.
 *
 * A bookkeeping table records every shadow mapping (guest frame, host
 * protection, global flag) with a reverse map guest frame → linear pages, so
 * that one linear page (INVLPG), all non-global pages (CR3 load) or every
 * alias of one guest physical page (a write to translated code or to a guest
 * page table) can be invalidated.
 *
 * All functions take any address inside a page and act on that page. Errors
 * are returned as negative errno values (errno is also left set). */
#ifndef BT386_SHADOW_MMU_SPACE_H
#define BT386_SHADOW_MMU_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shadow_mmu/gphys.h"

#define SPACE_PAGE_SIZE            UINT32_C(4096)
#define SPACE_MONITOR_BASE_DEFAULT UINT32_C(0xFF000000)

/* shadow_map_page flags */
#define SHADOW_GLOBAL 1u /* the guest translation is global: survives shadow_unmap_all(sp, true)   \
                          */

struct shadow_counters {
    uint64_t maps;       /* pages mapped (or remapped to another frame) */
    uint64_t unmaps;     /* pages returned to the PROT_NONE reservation */
    uint64_t protects;   /* protection changes of mapped pages */
    uint64_t host_calls; /* mmap/mprotect system calls issued for the above */
};

struct shadow_mapping {
    uint32_t linear; /* page address */
    uint64_t gpa;    /* guest physical page address */
    int prot;        /* host PROT_* bits */
    bool global;
};

struct shadow_slot; /* one per linear page; private to space.c */

struct space {
    int memfd;                 /* guest RAM */
    struct gphys ram;          /* the physmap: RAM at a 64-bit host address */
    uint32_t low;              /* first reserved linear address */
    uint32_t monitor_base;     /* end of the reservation; the monitor area starts here */
    struct shadow_slot *slots; /* indexed by linear page number */
    uint32_t *rmap_head;       /* per guest frame: first linear page number + 1, 0 = none */
    uint32_t *live;            /* linear page numbers currently mapped, unordered */
    uint32_t live_count;
    uint32_t global_count; /* how many of them are SHADOW_GLOBAL */
    struct shadow_counters counters;
};

/* The host's vm.mmap_min_addr rounded up to a page, at least one page
 * (65536 if /proc/sys/vm/mmap_min_addr cannot be read). */
uint32_t space_mmap_min_addr(void);

/* Create guest RAM (ram_bytes, a page multiple ≤ 4 GiB) and reserve the linear
 * space [space_mmap_min_addr(), monitor_base). 0, or -errno: -EEXIST when
 * something already occupies that range (e.g. AddressSanitizer's shadow). */
int space_create(struct space *sp, uint64_t ram_bytes, uint32_t monitor_base);

/* Release RAM, the reservation with every shadow mapping, and the tables. */
void space_destroy(struct space *sp);

/* Host pointer through which the guest linear address is accessed. */
static inline void *space_linear_ptr(uint32_t linear)
{
    return (void *)(uintptr_t)linear;
}

/* Map guest physical page gpa (inside RAM) at linear with host prot
 * (PROT_READ|PROT_WRITE|PROT_EXEC subset); replaces an existing mapping. */
int shadow_map_page(struct space *sp, uint32_t linear, uint64_t gpa, int prot, unsigned flags);

/* Return linear's page to the PROT_NONE reservation (0 if it was not mapped). */
int shadow_unmap_page(struct space *sp, uint32_t linear);

/* Change the host protection of a mapped page; -ENOENT if not mapped. */
int shadow_protect_page(struct space *sp, uint32_t linear, int prot);

/* Unmap every shadow page, or every non-global one if keep_global (CR3 load
 * with CR4.PGE = 1, SDM Vol. 3A §4.10.4.1). */
int shadow_unmap_all(struct space *sp, bool keep_global);

/* Unmap every linear page that maps guest physical page gpa. */
int shadow_unmap_gpa(struct space *sp, uint64_t gpa);

/* Remove PROT_WRITE from every linear page that maps gpa (write tracing). */
int shadow_clear_write_gpa(struct space *sp, uint64_t gpa);

/* Describe the mapping of linear's page; false if none. */
bool shadow_lookup(const struct space *sp, uint32_t linear, struct shadow_mapping *out);

/* Store up to max linear page addresses that map gpa; returns how many there are. */
size_t shadow_rmap(const struct space *sp, uint64_t gpa, uint32_t *linears, size_t max);

#endif
