/* walk.c — IA-32 32-bit paging walk (Intel SDM Vol. 3A §4.3, §4.6–§4.8).
 *
 * Accessed/dirty flags on faulting walks. SDM §4.8 says only that the
 * processor sets A in every paging-structure entry it "uses as part of
 * linear-address translation" and D in the entry that maps the page "whenever
 * there is a write"; it does not say whether a walk that ends in a #PF leaves
 * A set in the entries it already read. Intel processors walk first and set
 * A/D only once the walk succeeded (the behaviour KVM's shadow MMU copies);
 * QEMU TCG instead sets A in a PDE as soon as it descends to the page table,
 * even if the PTE then faults. We follow the "successful translation only"
 * rule: a walk that raises #PF (not present, reserved bit, or access rights)
 * writes nothing. A guest-level test must therefore not compare PDE.A after a
 * PTE-level fault against QEMU.
 *
 * Updates are compare-and-swap on the value the walk read, like the locked
 * read-modify-write of the hardware: if another agent (a future second vCPU,
 * or the recursive case where the PDE is also the PTE) changed the entry in
 * between, the walk restarts from CR3 so that the translation reported is
 * always the one the entries in memory describe. */
#include "shadow_mmu/walk.h"

/* A walk needs at most one restart per entry it updates in the absence of
 * another writer; the bound keeps a racing writer from livelocking us. */
#define WALK_MAX_ATTEMPTS 8

/* Access rights of a valid translation, SDM Vol. 3A §4.6 (no SMEP/SMAP/NX). */
static bool walk_access_allowed(bool user_page, bool writable_page, uint32_t cr0,
                                enum walk_access access, enum walk_priv priv)
{
    if (priv == WALK_USER) {
        /* User accesses need U/S = 1 at both levels; user writes also R/W = 1
         * at both levels, whatever CR0.WP says. */
        if (!user_page)
            return false;
        return access != WALK_WRITE || writable_page;
    }
    /* Supervisor reads and fetches may use any valid translation; supervisor
     * writes honour R/W only when CR0.WP = 1 (also on user pages). */
    if (access == WALK_WRITE && (cr0 & MMU_CR0_WP) != 0)
        return writable_page;
    return true;
}

static void walk_set_fault(struct walk_result *r, uint32_t linear, enum walk_access access,
                           enum walk_priv priv, uint32_t cause)
{
    r->status = WALK_FAULT;
    r->error_code = cause;
    if (access == WALK_WRITE)
        r->error_code |= MMU_PF_W;
    if (priv == WALK_USER)
        r->error_code |= MMU_PF_U;
    r->cr2 = linear;
}

/* Set `bits` in the entry at pa that was read as `seen`. Returns false if the
 * entry no longer holds `seen` (the walk must restart). Unbacked entries read
 * as all-ones, so they never need an update; a write to them would be dropped. */
static bool walk_set_bits(const struct gphys *ram, uint64_t pa, uint32_t seen, uint32_t bits)
{
    if ((seen & bits) == bits)
        return true; /* write back only if a bit changes */
    uint32_t *p = gphys_ptr32(ram, pa);
    if (p == NULL)
        return true;
    uint32_t expected = seen;
    return __atomic_compare_exchange_n(p, &expected, seen | bits, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

/* One walk from CR3. Returns false if an A/D update lost a race (restart). */
static bool walk_once(const struct gphys *ram, const struct mmu_regs *regs, uint32_t linear,
                      enum walk_access access, enum walk_priv priv, bool update,
                      struct walk_result *r)
{
    uint32_t ad = MMU_PTE_A | (access == WALK_WRITE ? MMU_PTE_D : 0);
    bool pge = (regs->cr4 & MMU_CR4_PGE) != 0;

    *r = (struct walk_result){.pde_pa = WALK_NO_ENTRY, .pte_pa = WALK_NO_ENTRY};

    /* PDE address: CR3[31:12], linear[31:22] as the index (SDM §4.3). */
    r->pde_pa = (uint64_t)((regs->cr3 & MMU_PTE_FRAME_4K) | ((linear >> 22) << 2));
    uint32_t pde = gphys_read32(ram, r->pde_pa);
    r->pde = pde;
    if ((pde & MMU_PTE_P) == 0) {
        walk_set_fault(r, linear, access, priv, 0);
        return true;
    }

    if ((regs->cr4 & MMU_CR4_PSE) != 0 && (pde & MMU_PTE_PS) != 0) {
        /* 4 MiB page. A set reserved bit makes the entry invalid: #PF with
         * P = 1 (the entry is present) and RSVD = 1 (SDM §4.7). */
        if ((pde & MMU_PDE_4M_RSVD) != 0) {
            walk_set_fault(r, linear, access, priv, MMU_PF_P | MMU_PF_RSVD);
            return true;
        }
        bool user = (pde & MMU_PTE_US) != 0;
        bool writable = (pde & MMU_PTE_RW) != 0;
        if (!walk_access_allowed(user, writable, regs->cr0, access, priv)) {
            walk_set_fault(r, linear, access, priv, MMU_PF_P);
            return true;
        }
        if (update) {
            if (!walk_set_bits(ram, r->pde_pa, pde, ad))
                return false;
            if (gphys_contains(ram, r->pde_pa, 4))
                r->pde = pde | ad;
        }
        r->status = WALK_OK;
        r->pa = (uint64_t)((r->pde & MMU_PDE_FRAME_4M) | (linear & (MMU_PAGE_4M - 1)));
        r->page_size = MMU_PAGE_4M;
        r->user = user;
        r->writable = writable;
        r->dirty = (r->pde & MMU_PTE_D) != 0;
        r->global = pge && (r->pde & MMU_PTE_G) != 0;
        return true;
    }

    /* PDE references a page table (PS ignored when CR4.PSE = 0). PTE address:
     * PDE[31:12], linear[21:12] as the index. */
    r->pte_pa = (uint64_t)((pde & MMU_PTE_FRAME_4K) | (((linear >> 12) & 0x3FF) << 2));
    uint32_t pte = gphys_read32(ram, r->pte_pa);
    r->pte = pte;
    if ((pte & MMU_PTE_P) == 0) {
        walk_set_fault(r, linear, access, priv, 0);
        return true;
    }
    /* Rights combine over both levels (SDM §4.6): the most restrictive wins. */
    bool user = (pde & pte & MMU_PTE_US) != 0;
    bool writable = (pde & pte & MMU_PTE_RW) != 0;
    if (!walk_access_allowed(user, writable, regs->cr0, access, priv)) {
        walk_set_fault(r, linear, access, priv, MMU_PF_P);
        return true;
    }
    if (update) {
        /* A in the PDE (D in a PDE that references a table is ignored: §4.8),
         * then A, and D on a write, in the PTE. */
        if (!walk_set_bits(ram, r->pde_pa, pde, MMU_PTE_A))
            return false;
        if (gphys_contains(ram, r->pde_pa, 4))
            r->pde = pde | MMU_PTE_A;
        if (!walk_set_bits(ram, r->pte_pa, pte, ad))
            return false;
        if (gphys_contains(ram, r->pte_pa, 4))
            r->pte = pte | ad;
    }
    r->status = WALK_OK;
    r->pa = (uint64_t)((r->pte & MMU_PTE_FRAME_4K) | (linear & (MMU_PAGE_4K - 1)));
    r->page_size = MMU_PAGE_4K;
    r->user = user;
    r->writable = writable;
    r->dirty = (r->pte & MMU_PTE_D) != 0;
    /* For a 4 KiB page only the PTE's G counts; PDE bit 8 is ignored. */
    r->global = pge && (r->pte & MMU_PTE_G) != 0;
    return true;
}

static struct walk_result walk_common(const struct gphys *ram, const struct mmu_regs *regs,
                                      uint32_t linear, enum walk_access access, enum walk_priv priv,
                                      bool update)
{
    struct walk_result r = {.pde_pa = WALK_NO_ENTRY, .pte_pa = WALK_NO_ENTRY};

    if ((regs->cr0 & MMU_CR0_PG) == 0) {
        /* Paging off: linear = physical, no rights checks, nothing to track. */
        r.status = WALK_OK;
        r.pa = linear;
        r.page_size = MMU_PAGE_4K;
        r.user = true;
        r.writable = true;
        r.dirty = true;
        return r;
    }
    if ((regs->cr4 & MMU_CR4_PAE) != 0) {
        r.status = WALK_UNSUPPORTED;
        return r;
    }
    for (int attempt = 0; attempt < WALK_MAX_ATTEMPTS; attempt++) {
        if (walk_once(ram, regs, linear, access, priv, update, &r))
            return r;
    }
    r.status = WALK_CONTENDED;
    return r;
}

struct walk_result walk_translate(const struct gphys *ram, const struct mmu_regs *regs,
                                  uint32_t linear, enum walk_access access, enum walk_priv priv)
{
    return walk_common(ram, regs, linear, access, priv, true);
}

struct walk_result walk_probe(const struct gphys *ram, const struct mmu_regs *regs, uint32_t linear,
                              enum walk_access access, enum walk_priv priv)
{
    return walk_common(ram, regs, linear, access, priv, false);
}
