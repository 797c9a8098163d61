/* shadow_prot.h — host protection of a shadow mapping, from a guest walk.
 *
 * The shadow mapping of a guest page is the host mapping of its guest
 * physical page at the guest linear address. Its host protection must make
 * every access that the guest's own rules would forbid, or that the monitor
 * must see, trap into the monitor:
 *   - read   : if the access rights allow a read at this CPL;
 *   - write  : only if a write is allowed AND the guest's D bit is already set
 *              (dirty-bit emulation: the first write traps, the monitor walks
 *              with WALK_WRITE, which sets D, and remaps writable), and the
 *              monitor does not write-protect the page (translated code or a
 *              guest page table lives in it);
 *   - execute: only at CPL 3 on user pages (user code runs natively; kernel
 *              code never does — it runs from the translation cache);
 *   - none   : supervisor-only pages while CPL 3 runs.
 * The result is a set of host PROT_READ / PROT_WRITE / PROT_EXEC bits. */
#ifndef BT386_SHADOW_MMU_SHADOW_PROT_H
#define BT386_SHADOW_MMU_SHADOW_PROT_H

#include <stdbool.h>
#include <stdint.h>

#include "shadow_mmu/walk.h"

struct shadow_prot_in {
    bool user;          /* U/S = 1 at every level (walk_result.user) */
    bool writable;      /* R/W = 1 at every level (walk_result.writable) */
    bool dirty;         /* D set in the entry mapping the page (walk_result.dirty) */
    bool cr0_wp;        /* CR0.WP */
    unsigned cpl;       /* current privilege level 0..3 */
    bool write_protect; /* the monitor traces writes to this page */
};

/* Host PROT_* bits for the shadow mapping described by *in (pure). */
int shadow_prot(const struct shadow_prot_in *in);

/* shadow_prot() for a walk under the given CR0/CPL; PROT_NONE unless WALK_OK. */
int shadow_prot_for_walk(const struct walk_result *w, uint32_t cr0, unsigned cpl,
                         bool write_protect);

#endif
