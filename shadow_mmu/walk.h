/* walk.h — the guest page walk: IA-32 32-bit paging (Intel SDM Vol. 3A §4.3),
 * 4 KiB pages and 4 MiB pages (CR4.PSE), access rights (§4.6), page-fault
 * error codes (§4.7), accessed/dirty flags (§4.8), global pages (§4.10.2.4).
 *
 * The emulated CPU has no PSE-36 (MAXPHYADDR = 32), no SMEP/SMAP, no NX and no
 * PAE (PAE paging is reported as WALK_UNSUPPORTED); it has the PAT, so PTE
 * bit 7 and bit 12 of a 4 MiB PDE are not reserved. */
#ifndef BT386_SHADOW_MMU_WALK_H
#define BT386_SHADOW_MMU_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "shadow_mmu/gphys.h"

/* Control-register bits the walk reads. */
#define MMU_CR0_PE  (UINT32_C(1) << 0)
#define MMU_CR0_WP  (UINT32_C(1) << 16)
#define MMU_CR0_PG  (UINT32_C(1) << 31)
#define MMU_CR4_PSE (UINT32_C(1) << 4)
#define MMU_CR4_PAE (UINT32_C(1) << 5)
#define MMU_CR4_PGE (UINT32_C(1) << 7)

/* Paging-entry bits (SDM Vol. 3A Tables 4-4 to 4-6). */
#define MMU_PTE_P        (UINT32_C(1) << 0)
#define MMU_PTE_RW       (UINT32_C(1) << 1)
#define MMU_PTE_US       (UINT32_C(1) << 2)
#define MMU_PTE_PWT      (UINT32_C(1) << 3)
#define MMU_PTE_PCD      (UINT32_C(1) << 4)
#define MMU_PTE_A        (UINT32_C(1) << 5)
#define MMU_PTE_D        (UINT32_C(1) << 6)
#define MMU_PTE_PS       (UINT32_C(1) << 7) /* in a PDE; PAT in a PTE */
#define MMU_PTE_G        (UINT32_C(1) << 8)
#define MMU_PTE_FRAME_4K UINT32_C(0xFFFFF000)
#define MMU_PDE_FRAME_4M UINT32_C(0xFFC00000)
/* Bits 21:(M-19) of a 4 MiB PDE are reserved; without PSE-36, M = 32 → 21:13. */
#define MMU_PDE_4M_RSVD UINT32_C(0x003FE000)

/* #PF error-code bits (SDM Vol. 3A §4.7, Figure 4-12). */
#define MMU_PF_P    (UINT32_C(1) << 0) /* 0: not present; 1: protection or reserved bit */
#define MMU_PF_W    (UINT32_C(1) << 1) /* the access was a write */
#define MMU_PF_U    (UINT32_C(1) << 2) /* the access was a user-mode access */
#define MMU_PF_RSVD (UINT32_C(1) << 3) /* a reserved bit was set in an entry */
#define MMU_PF_ID   (UINT32_C(1) << 4) /* instruction fetch: never set here (no NX, no SMEP) */

#define MMU_PAGE_4K UINT32_C(0x1000)
#define MMU_PAGE_4M UINT32_C(0x400000)

/* "No entry used at this level" in walk_result.pde_pa / pte_pa. */
#define WALK_NO_ENTRY UINT64_MAX

struct mmu_regs {
    uint32_t cr0, cr3, cr4;
};

enum walk_access { WALK_READ, WALK_WRITE, WALK_FETCH };

/* Who makes the access: a user-mode access is any access at CPL 3 except the
 * implicit supervisor accesses (GDT/LDT/IDT/TSS reads), which are supervisor
 * accesses at every CPL (SDM Vol. 3A §4.6). */
enum walk_priv { WALK_SUPERVISOR, WALK_USER };

enum walk_status {
    WALK_OK,          /* translation valid; fields below the OK line are set */
    WALK_FAULT,       /* #PF: error_code and cr2 are set */
    WALK_CONTENDED,   /* entries kept changing under the walk; retry the access */
    WALK_UNSUPPORTED, /* CR0.PG = 1 with CR4.PAE = 1: PAE paging not implemented */
};

struct walk_result {
    enum walk_status status;
    /* WALK_OK */
    uint64_t pa;        /* physical address of the accessed byte */
    uint32_t page_size; /* MMU_PAGE_4K or MMU_PAGE_4M */
    bool user;          /* U/S = 1 in every entry used (true when paging is off) */
    bool writable;      /* R/W = 1 in every entry used (true when paging is off) */
    bool dirty;         /* D of the entry that maps the page, after this walk */
    bool global;        /* CR4.PGE = 1 and G = 1 in the entry that maps the page */
    /* WALK_FAULT */
    uint32_t error_code; /* MMU_PF_* */
    uint32_t cr2;        /* the faulting linear address */
    /* both: which entries were read, and their values as left in memory */
    uint64_t pde_pa, pte_pa; /* WALK_NO_ENTRY when not used (pte_pa for 4 MiB pages) */
    uint32_t pde, pte;
};

/* Translate `linear` for one access as the CPU would: check access rights, set
 * A (and D on a write) in guest memory, and report the translation or the #PF. */
struct walk_result walk_translate(const struct gphys *ram, const struct mmu_regs *regs,
                                  uint32_t linear, enum walk_access access, enum walk_priv priv);

/* Same as walk_translate but never writes guest memory (for debug output);
 * `dirty` reports D as found. */
struct walk_result walk_probe(const struct gphys *ram, const struct mmu_regs *regs, uint32_t linear,
                              enum walk_access access, enum walk_priv priv);

#endif
