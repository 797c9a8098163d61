/* test_shadow_walk.c — the 32-bit paging walk against synthetic page tables
 * built in a buffer that stands in for guest RAM. */
#include <stdint.h>
#include <sys/mman.h>

#include "shadow_mmu/gphys.h"
#include "shadow_mmu/walk.h"
#include "tests/unit.h"

#define RAM_SIZE (8u << 20)
#define PD       0x1000u /* page directory */
#define PT       0x2000u /* page table for PDE 1 */
#define PAGE     0x5000u /* the data page */
/* PDE index 1, PTE index 5, offset 0x123 */
#define LIN    ((1u << 22) | (5u << 12) | 0x123u)
#define PDE_PA (PD + 1 * 4)
#define PTE_PA (PT + 5 * 4)
/* 4 MiB page: PDE index 2 → physical 0x00800000 */
#define LIN4M    ((2u << 22) | 0x12345u)
#define PDE4M_PA (PD + 2 * 4)
#define FRAME4M  0x00800000u

#define P   MMU_PTE_P
#define RW  MMU_PTE_RW
#define US  MMU_PTE_US
#define A   MMU_PTE_A
#define D   MMU_PTE_D
#define PS  MMU_PTE_PS
#define G   MMU_PTE_G
#define PG  (MMU_CR0_PG | MMU_CR0_PE)
#define WP  MMU_CR0_WP
#define PSE MMU_CR4_PSE
#define PGE MMU_CR4_PGE

static struct gphys ram;

static void setup(void)
{
    void *p = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    ram = (struct gphys){.base = p, .size = RAM_SIZE};
}

static void teardown(void)
{
    munmap(ram.base, ram.size);
}

static uint32_t rd(uint64_t pa)
{
    return gphys_read32(&ram, pa);
}

static void wr(uint64_t pa, uint32_t v)
{
    ck_assert(gphys_write32(&ram, pa, v));
}

/* PDE 1 → PT, PTE 5 → PAGE, with the given flag bits. */
static void map4k(uint32_t pde_flags, uint32_t pte_flags)
{
    wr(PDE_PA, PT | pde_flags);
    wr(PTE_PA, PAGE | pte_flags);
}

static struct mmu_regs regs(uint32_t cr0, uint32_t cr4)
{
    return (struct mmu_regs){.cr0 = cr0, .cr3 = PD, .cr4 = cr4};
}

static struct walk_result tr(struct mmu_regs r, uint32_t lin, enum walk_access acc,
                             enum walk_priv priv)
{
    return walk_translate(&ram, &r, lin, acc, priv);
}

/* ---- gphys ------------------------------------------------------------- */

START_TEST(gphys_bounds)
{
    wr(0x10, 0x11223344);
    ck_assert_uint_eq(ram.base[0x10], 0x44); /* little-endian */
    ck_assert_uint_eq(rd(0x10), 0x11223344);
    ck_assert_uint_eq(rd(RAM_SIZE - 4), 0);
    ck_assert_uint_eq(rd(RAM_SIZE - 2), 0xFFFFFFFFu); /* straddles the end */
    ck_assert_uint_eq(rd(RAM_SIZE), 0xFFFFFFFFu);
    ck_assert_uint_eq(rd(UINT64_MAX - 1), 0xFFFFFFFFu); /* no wrap-around */
    ck_assert(!gphys_write32(&ram, RAM_SIZE - 3, 1));
    ck_assert_uint_eq(ram.base[RAM_SIZE - 3], 0);
    ck_assert_ptr_null(gphys_ptr32(&ram, 0x11)); /* misaligned */
    ck_assert_ptr_null(gphys_ptr32(&ram, RAM_SIZE));
    ck_assert_ptr_eq(gphys_ptr32(&ram, 0x10), (uint32_t *)(void *)(ram.base + 0x10));
}
END_TEST

/* ---- modes ------------------------------------------------------------- */

START_TEST(paging_off_identity)
{
    struct walk_result r = tr(regs(MMU_CR0_PE | WP, PSE | PGE), 0xDEADBEEF, WALK_WRITE, WALK_USER);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pa, 0xDEADBEEF);
    ck_assert_uint_eq(r.page_size, MMU_PAGE_4K);
    ck_assert(r.user && r.writable && r.dirty && !r.global);
    ck_assert_uint_eq(r.pde_pa, WALK_NO_ENTRY);
    ck_assert_uint_eq(r.pte_pa, WALK_NO_ENTRY);
    ck_assert_uint_eq(rd(PD), 0); /* nothing read or written */
}
END_TEST

START_TEST(pae_unsupported)
{
    struct walk_result r = tr(regs(PG, MMU_CR4_PAE), LIN, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_UNSUPPORTED);
}
END_TEST

/* ---- translations ------------------------------------------------------ */

START_TEST(translate_4k)
{
    map4k(P | RW | US, P | RW | US);
    struct walk_result r = tr(regs(PG, 0), LIN, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pa, PAGE | 0x123);
    ck_assert_uint_eq(r.page_size, MMU_PAGE_4K);
    ck_assert_uint_eq(r.pde_pa, PDE_PA);
    ck_assert_uint_eq(r.pte_pa, PTE_PA);
    ck_assert(r.user && r.writable);
    ck_assert_uint_eq(r.pde, PT | P | RW | US | A);
    ck_assert_uint_eq(r.pte, PAGE | P | RW | US | A);
}
END_TEST

START_TEST(translate_4k_last_byte)
{
    /* Last byte of the last page of the space: PDE 1023, PTE 1023. */
    wr(PD + 1023 * 4, PT | P | RW);
    wr(PT + 1023 * 4, 0x00345000 | P | RW);
    struct walk_result r = tr(regs(PG, 0), 0xFFFFFFFF, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pa, 0x00345FFF);
    ck_assert_uint_eq(r.pde_pa, PD + 0xFFC);
    ck_assert_uint_eq(r.pte_pa, PT + 0xFFC);
}
END_TEST

START_TEST(translate_4m)
{
    wr(PDE4M_PA, FRAME4M | P | RW | US | PS);
    struct walk_result r = tr(regs(PG, PSE), LIN4M, WALK_READ, WALK_USER);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pa, FRAME4M | 0x12345);
    ck_assert_uint_eq(r.page_size, MMU_PAGE_4M);
    ck_assert_uint_eq(r.pde_pa, PDE4M_PA);
    ck_assert_uint_eq(r.pte_pa, WALK_NO_ENTRY);
    ck_assert(r.user && r.writable && !r.global);
}
END_TEST

START_TEST(cr3_low_bits_ignored)
{
    map4k(P | RW, P | RW);
    struct mmu_regs r = {.cr0 = PG, .cr3 = PD | 0x18 | 0x7, .cr4 = 0}; /* PCD, PWT, ignored */
    struct walk_result w = walk_translate(&ram, &r, LIN, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(w.status, WALK_OK);
    ck_assert_uint_eq(w.pa, PAGE | 0x123);
    ck_assert_uint_eq(w.pde_pa, PDE_PA);
}
END_TEST

START_TEST(pte_pat_bit_not_a_page_size)
{
    /* PTE bit 7 is PAT, not PS: still a 4 KiB translation, no reserved-bit fault. */
    map4k(P | RW, P | RW | PS);
    struct walk_result r = tr(regs(PG, PSE), LIN, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.page_size, MMU_PAGE_4K);
    ck_assert_uint_eq(r.pa, PAGE | 0x123);
}
END_TEST

START_TEST(pse_off_ignores_ps)
{
    /* With CR4.PSE = 0 a PDE with PS = 1 still references a page table, and
     * its bits 21:13 are address bits, not reserved. */
    uint32_t pt_odd = 0x00202000; /* bit 21 and bit 13 set */
    wr(PDE4M_PA, pt_odd | P | RW | PS);
    wr(pt_odd + 0x12 * 4, PAGE | P | RW);
    struct walk_result r = tr(regs(PG, 0), LIN4M, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.page_size, MMU_PAGE_4K);
    ck_assert_uint_eq(r.pte_pa, pt_odd + 0x12 * 4);
    ck_assert_uint_eq(r.pa, PAGE | 0x345);
}
END_TEST

/* ---- not present ------------------------------------------------------- */

static const enum walk_access accesses[] = {WALK_READ, WALK_WRITE, WALK_FETCH};
static const enum walk_priv privs[] = {WALK_SUPERVISOR, WALK_USER};

static uint32_t ec_for(enum walk_access acc, enum walk_priv priv, uint32_t cause)
{
    return cause | (acc == WALK_WRITE ? MMU_PF_W : 0) | (priv == WALK_USER ? MMU_PF_U : 0);
}

START_TEST(pde_not_present)
{
    /* Software bits in a not-present PDE are the OS's: must stay intact. */
    wr(PDE_PA, 0xFFFFFFFE);
    for (int a = 0; a < 3; a++)
        for (int u = 0; u < 2; u++) {
            struct walk_result r = tr(regs(PG | WP, PSE), LIN, accesses[a], privs[u]);
            ck_assert_int_eq(r.status, WALK_FAULT);
            ck_assert_uint_eq(r.error_code, ec_for(accesses[a], privs[u], 0));
            ck_assert_uint_eq(r.cr2, LIN);
            ck_assert_uint_eq(r.pte_pa, WALK_NO_ENTRY);
        }
    ck_assert_uint_eq(rd(PDE_PA), 0xFFFFFFFE);
}
END_TEST

START_TEST(pte_not_present)
{
    wr(PDE_PA, PT | P | RW | US);
    wr(PTE_PA, 0x12345678 & ~P); /* e.g. a swap entry */
    for (int a = 0; a < 3; a++)
        for (int u = 0; u < 2; u++) {
            struct walk_result r = tr(regs(PG, 0), LIN, accesses[a], privs[u]);
            ck_assert_int_eq(r.status, WALK_FAULT);
            ck_assert_uint_eq(r.error_code, ec_for(accesses[a], privs[u], 0));
            ck_assert_uint_eq(r.cr2, LIN);
            ck_assert_uint_eq(r.pte_pa, PTE_PA);
        }
    /* Neither the PDE's A nor anything in the PTE was written. */
    ck_assert_uint_eq(rd(PDE_PA), PT | P | RW | US);
    ck_assert_uint_eq(rd(PTE_PA), 0x12345678 & ~P);
}
END_TEST

START_TEST(error_code_values)
{
    /* The literal values a guest handler sees. */
    map4k(P | RW | US, P | US); /* user read-only page */
    ck_assert_uint_eq(tr(regs(PG, 0), LIN, WALK_WRITE, WALK_USER).error_code, 0x7);
    map4k(P | RW, P | RW); /* supervisor page */
    ck_assert_uint_eq(tr(regs(PG, 0), LIN, WALK_READ, WALK_USER).error_code, 0x5);
    ck_assert_uint_eq(tr(regs(PG, 0), LIN, WALK_FETCH, WALK_USER).error_code, 0x5);
    map4k(P | RW, P); /* supervisor read-only page, WP = 1 */
    ck_assert_uint_eq(tr(regs(PG | WP, 0), LIN, WALK_WRITE, WALK_SUPERVISOR).error_code, 0x3);
    map4k(P | RW, RW); /* not present */
    ck_assert_uint_eq(tr(regs(PG, 0), LIN, WALK_WRITE, WALK_USER).error_code, 0x6);
    ck_assert_uint_eq(tr(regs(PG, 0), LIN, WALK_FETCH, WALK_SUPERVISOR).error_code, 0x0);
}
END_TEST

/* ---- access rights (SDM Vol. 3A §4.6) ----------------------------------- */

/* The rule stated as the SDM tables state it, for the matrix tests. */
static bool rights_allow(bool us, bool rw, bool wp, enum walk_priv priv, enum walk_access acc)
{
    if (priv == WALK_USER) {
        if (acc == WALK_WRITE)
            return us && rw;
        return us; /* reads and fetches */
    }
    if (acc == WALK_WRITE)
        return !wp || rw;
    return true;
}

START_TEST(rights_matrix_4k)
{
    int checked = 0;
    for (unsigned bits = 0; bits < 16; bits++) {
        uint32_t pde_f = P | ((bits & 1) ? US : 0) | ((bits & 2) ? RW : 0);
        uint32_t pte_f = P | ((bits & 4) ? US : 0) | ((bits & 8) ? RW : 0);
        bool us = (bits & 1) && (bits & 4);
        bool rw = (bits & 2) && (bits & 8);
        for (int wp = 0; wp < 2; wp++)
            for (int u = 0; u < 2; u++)
                for (int a = 0; a < 3; a++) {
                    map4k(pde_f, pte_f);
                    struct walk_result r =
                        tr(regs(PG | (wp ? WP : 0), 0), LIN, accesses[a], privs[u]);
                    bool write = accesses[a] == WALK_WRITE;
                    if (rights_allow(us, rw, wp, privs[u], accesses[a])) {
                        ck_assert_int_eq(r.status, WALK_OK);
                        ck_assert_uint_eq(r.pa, PAGE | 0x123);
                        ck_assert_int_eq(r.user, us);
                        ck_assert_int_eq(r.writable, rw);
                        ck_assert_uint_eq(rd(PDE_PA), PT | pde_f | A);
                        ck_assert_uint_eq(rd(PTE_PA), PAGE | pte_f | A | (write ? D : 0));
                        ck_assert_int_eq(r.dirty, write);
                    } else {
                        ck_assert_int_eq(r.status, WALK_FAULT);
                        ck_assert_uint_eq(r.error_code, ec_for(accesses[a], privs[u], MMU_PF_P));
                        ck_assert_uint_eq(r.cr2, LIN);
                        ck_assert_uint_eq(rd(PDE_PA), PT | pde_f);
                        ck_assert_uint_eq(rd(PTE_PA), PAGE | pte_f);
                    }
                    checked++;
                }
    }
    ck_assert_int_eq(checked, 192);
}
END_TEST

START_TEST(rights_matrix_4m)
{
    int checked = 0;
    for (unsigned bits = 0; bits < 4; bits++) {
        uint32_t f = P | PS | ((bits & 1) ? US : 0) | ((bits & 2) ? RW : 0);
        for (int wp = 0; wp < 2; wp++)
            for (int u = 0; u < 2; u++)
                for (int a = 0; a < 3; a++) {
                    wr(PDE4M_PA, FRAME4M | f);
                    struct walk_result r =
                        tr(regs(PG | (wp ? WP : 0), PSE), LIN4M, accesses[a], privs[u]);
                    bool write = accesses[a] == WALK_WRITE;
                    if (rights_allow(bits & 1, bits & 2, wp, privs[u], accesses[a])) {
                        ck_assert_int_eq(r.status, WALK_OK);
                        ck_assert_uint_eq(r.pa, FRAME4M | 0x12345);
                        ck_assert_uint_eq(rd(PDE4M_PA), FRAME4M | f | A | (write ? D : 0));
                    } else {
                        ck_assert_int_eq(r.status, WALK_FAULT);
                        ck_assert_uint_eq(r.error_code, ec_for(accesses[a], privs[u], MMU_PF_P));
                        ck_assert_uint_eq(rd(PDE4M_PA), FRAME4M | f);
                    }
                    checked++;
                }
    }
    ck_assert_int_eq(checked, 48);
}
END_TEST

START_TEST(wp0_supervisor_writes_user_readonly)
{
    /* CR0.WP = 0: a supervisor write ignores R/W, also on a user page. */
    map4k(P | US, P | US);
    struct walk_result r = tr(regs(PG, 0), LIN, WALK_WRITE, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert(!r.writable && r.user && r.dirty);
    ck_assert_uint_eq(rd(PTE_PA), PAGE | P | US | A | D);
}
END_TEST

START_TEST(wp1_supervisor_write_readonly_pde)
{
    /* R/W = 0 in the PDE alone makes the whole 4 MiB region read-only. */
    map4k(P | US, P | RW | US);
    struct walk_result r = tr(regs(PG | WP, 0), LIN, WALK_WRITE, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_FAULT);
    ck_assert_uint_eq(r.error_code, MMU_PF_P | MMU_PF_W);
}
END_TEST

START_TEST(user_needs_us_in_pde)
{
    map4k(P | RW, P | RW | US);
    struct walk_result r = tr(regs(PG, 0), LIN, WALK_READ, WALK_USER);
    ck_assert_int_eq(r.status, WALK_FAULT);
    ck_assert_uint_eq(r.error_code, MMU_PF_P | MMU_PF_U);
    r = tr(regs(PG, 0), LIN, WALK_READ, WALK_SUPERVISOR); /* implicit supervisor access */
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert(!r.user);
}
END_TEST

/* ---- accessed / dirty -------------------------------------------------- */

START_TEST(ad_read_sets_a_only)
{
    map4k(P | RW | US, P | RW | US);
    struct walk_result r = tr(regs(PG, 0), LIN, WALK_READ, WALK_USER);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(rd(PDE_PA), PT | P | RW | US | A);
    ck_assert_uint_eq(rd(PTE_PA), PAGE | P | RW | US | A);
    ck_assert(!r.dirty);
}
END_TEST

START_TEST(ad_fetch_sets_a_only)
{
    map4k(P | US, P | US);
    struct walk_result r = tr(regs(PG, 0), LIN, WALK_FETCH, WALK_USER);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(rd(PDE_PA), PT | P | US | A);
    ck_assert_uint_eq(rd(PTE_PA), PAGE | P | US | A);
}
END_TEST

START_TEST(ad_write_sets_d_in_pte_not_pde)
{
    map4k(P | RW | US, P | RW | US);
    struct walk_result r = tr(regs(PG, 0), LIN, WALK_WRITE, WALK_USER);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert(r.dirty);
    ck_assert_uint_eq(rd(PDE_PA), PT | P | RW | US | A); /* D ignored in a table PDE */
    ck_assert_uint_eq(rd(PTE_PA), PAGE | P | RW | US | A | D);
    ck_assert_uint_eq(r.pte, PAGE | P | RW | US | A | D);
}
END_TEST

START_TEST(ad_4m_read_then_write)
{
    wr(PDE4M_PA, FRAME4M | P | RW | PS);
    struct walk_result r = tr(regs(PG, PSE), LIN4M, WALK_READ, WALK_SUPERVISOR);
    ck_assert(!r.dirty);
    ck_assert_uint_eq(rd(PDE4M_PA), FRAME4M | P | RW | PS | A);
    r = tr(regs(PG, PSE), LIN4M, WALK_WRITE, WALK_SUPERVISOR);
    ck_assert(r.dirty);
    ck_assert_uint_eq(rd(PDE4M_PA), FRAME4M | P | RW | PS | A | D);
}
END_TEST

START_TEST(ad_no_write_when_already_set)
{
    /* Entries with A and D already set must not be written at all: make the
     * page-table pages read-only on the host; a store would crash the test. */
    map4k(P | RW | A, P | RW | A | D);
    wr(PDE4M_PA, FRAME4M | P | RW | PS | A | D);
    ck_assert_int_eq(mprotect(ram.base, 0x3000, PROT_READ), 0);
    struct walk_result r = tr(regs(PG | WP, PSE), LIN, WALK_WRITE, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    r = tr(regs(PG | WP, PSE), LIN4M, WALK_WRITE, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_int_eq(mprotect(ram.base, 0x3000, PROT_READ | PROT_WRITE), 0);
}
END_TEST

START_TEST(ad_not_set_on_rights_fault)
{
    map4k(P | RW, P | RW); /* supervisor page */
    struct walk_result r = tr(regs(PG, 0), LIN, WALK_READ, WALK_USER);
    ck_assert_int_eq(r.status, WALK_FAULT);
    ck_assert_uint_eq(rd(PDE_PA), PT | P | RW);
    ck_assert_uint_eq(rd(PTE_PA), PAGE | P | RW);
    ck_assert_uint_eq(r.pde, PT | P | RW);
}
END_TEST

START_TEST(probe_does_not_touch_memory)
{
    map4k(P | RW | US, P | RW | US);
    struct mmu_regs rg = regs(PG, 0);
    struct walk_result r = walk_probe(&ram, &rg, LIN, WALK_WRITE, WALK_USER);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pa, PAGE | 0x123);
    ck_assert(!r.dirty); /* as found */
    ck_assert_uint_eq(rd(PDE_PA), PT | P | RW | US);
    ck_assert_uint_eq(rd(PTE_PA), PAGE | P | RW | US);
    map4k(P | RW, P | RW);
    r = walk_probe(&ram, &rg, LIN, WALK_READ, WALK_USER);
    ck_assert_int_eq(r.status, WALK_FAULT);
    ck_assert_uint_eq(r.error_code, MMU_PF_P | MMU_PF_U);
}
END_TEST

/* ---- global ------------------------------------------------------------ */

START_TEST(global_4k_needs_pge_and_pte_g)
{
    map4k(P | RW, P | RW | G);
    ck_assert(tr(regs(PG, PGE), LIN, WALK_READ, WALK_SUPERVISOR).global);
    ck_assert(!tr(regs(PG, 0), LIN, WALK_READ, WALK_SUPERVISOR).global);
    /* PDE bit 8 is ignored for a 4 KiB page. */
    map4k(P | RW | G, P | RW);
    ck_assert(!tr(regs(PG, PGE), LIN, WALK_READ, WALK_SUPERVISOR).global);
}
END_TEST

START_TEST(global_4m_needs_pge_and_pde_g)
{
    wr(PDE4M_PA, FRAME4M | P | RW | PS | G);
    ck_assert(tr(regs(PG, PSE | PGE), LIN4M, WALK_READ, WALK_SUPERVISOR).global);
    ck_assert(!tr(regs(PG, PSE), LIN4M, WALK_READ, WALK_SUPERVISOR).global);
    wr(PDE4M_PA, FRAME4M | P | RW | PS);
    ck_assert(!tr(regs(PG, PSE | PGE), LIN4M, WALK_READ, WALK_SUPERVISOR).global);
}
END_TEST

/* ---- reserved bits ----------------------------------------------------- */

START_TEST(rsvd_4m_each_bit)
{
    /* Bits 21:13 of a 4 MiB PDE are reserved without PSE-36 (M = 32). */
    for (int bit = 13; bit <= 21; bit++) {
        uint32_t pde = FRAME4M | P | RW | US | PS | (1u << bit);
        wr(PDE4M_PA, pde);
        struct walk_result r = tr(regs(PG, PSE), LIN4M, WALK_READ, WALK_SUPERVISOR);
        ck_assert_int_eq(r.status, WALK_FAULT);
        ck_assert_uint_eq(r.error_code, MMU_PF_P | MMU_PF_RSVD);
        ck_assert_uint_eq(r.cr2, LIN4M);
        r = tr(regs(PG, PSE), LIN4M, WALK_WRITE, WALK_USER);
        ck_assert_uint_eq(r.error_code, MMU_PF_P | MMU_PF_RSVD | MMU_PF_W | MMU_PF_U);
        ck_assert_uint_eq(rd(PDE4M_PA), pde); /* no A written */
    }
    /* Bit 12 is the PAT bit, not reserved. */
    wr(PDE4M_PA, FRAME4M | P | RW | PS | (1u << 12));
    struct walk_result r = tr(regs(PG, PSE), LIN4M, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pa, FRAME4M | 0x12345);
}
END_TEST

START_TEST(rsvd_checked_before_rights)
{
    /* A supervisor-only 4 MiB PDE with a reserved bit: the user read reports
     * RSVD (the entry is invalid), with P = 1. */
    wr(PDE4M_PA, FRAME4M | P | PS | (1u << 20));
    struct walk_result r = tr(regs(PG, PSE), LIN4M, WALK_READ, WALK_USER);
    ck_assert_uint_eq(r.error_code, MMU_PF_P | MMU_PF_RSVD | MMU_PF_U);
}
END_TEST

/* ---- outside RAM ------------------------------------------------------- */

START_TEST(pte_beyond_ram)
{
    wr(PDE_PA, PT | P | RW);
    wr(PTE_PA, 0x7FF00000 | P | RW); /* a frame beyond the 8 MiB of RAM */
    struct walk_result r = tr(regs(PG, 0), LIN, WALK_WRITE, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pa, 0x7FF00123);
    ck_assert_uint_eq(rd(PTE_PA), 0x7FF00000 | P | RW | A | D);
}
END_TEST

START_TEST(page_table_beyond_ram)
{
    /* The PTE is read from unbacked memory: all-ones, i.e. present, user,
     * writable, A and D set, frame 0xFFFFF000. No write is attempted. */
    wr(PDE_PA, 0x40000000 | P | RW | US);
    struct walk_result r = tr(regs(PG | WP, PGE), LIN, WALK_WRITE, WALK_USER);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pte_pa, 0x40000014);
    ck_assert_uint_eq(r.pte, 0xFFFFFFFF);
    ck_assert_uint_eq(r.pa, 0xFFFFF123);
    ck_assert(r.dirty && r.global && r.user && r.writable);
}
END_TEST

START_TEST(directory_beyond_ram)
{
    struct mmu_regs rg = {.cr0 = PG, .cr3 = 0x80000000, .cr4 = PSE};
    /* With PSE the all-ones PDE is a 4 MiB page with reserved bits set. */
    struct walk_result r = walk_translate(&ram, &rg, LIN, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_FAULT);
    ck_assert_uint_eq(r.error_code, MMU_PF_P | MMU_PF_RSVD);
    /* Without PSE it references a page table at 0xFFFFF000, also unbacked. */
    rg.cr4 = 0;
    r = walk_translate(&ram, &rg, LIN, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pde_pa, 0x80000004);
    ck_assert_uint_eq(r.pte_pa, 0xFFFFF014);
    ck_assert_uint_eq(r.pa, 0xFFFFF123);
}
END_TEST

/* ---- recursive page directory ------------------------------------------ */

#define SELF 0x300u /* PDE index that points back at the directory */

START_TEST(recursive_directory_maps_tables)
{
    map4k(P | RW | US, P | RW | US);
    wr(PD + SELF * 4, PD | P | RW);
    /* Linear SELF:1 reaches the page table that PDE 1 references. */
    uint32_t lin = (SELF << 22) | (1u << 12) | (5u * 4);
    struct walk_result r = tr(regs(PG, 0), lin, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pa, PT + 5 * 4);
    ck_assert_uint_eq(rd(r.pa), PAGE | P | RW | US); /* the PTE itself */
    /* PDE SELF got A as a PDE, PDE 1 got A as a PTE (no D: read). */
    ck_assert_uint_eq(rd(PD + SELF * 4), PD | P | RW | A);
    ck_assert_uint_eq(rd(PDE_PA), PT | P | RW | US | A);
    ck_assert(!r.user); /* PDE SELF is supervisor-only */
}
END_TEST

START_TEST(recursive_directory_self_entry_write)
{
    /* Linear SELF:SELF maps the directory itself; the same entry is used as
     * PDE and as PTE and ends up with A (both roles) and D (PTE role). */
    wr(PD + SELF * 4, PD | P | RW);
    uint32_t lin = (SELF << 22) | (SELF << 12) | 0x10;
    struct walk_result r = tr(regs(PG | WP, 0), lin, WALK_WRITE, WALK_SUPERVISOR);
    ck_assert_int_eq(r.status, WALK_OK);
    ck_assert_uint_eq(r.pa, PD + 0x10);
    ck_assert_uint_eq(r.pde_pa, PD + SELF * 4);
    ck_assert_uint_eq(r.pte_pa, PD + SELF * 4);
    ck_assert_uint_eq(rd(PD + SELF * 4), PD | P | RW | A | D);
    ck_assert(r.dirty);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("shadow_walk");
    TCase *t = tcase_create("walk");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, gphys_bounds);
    tcase_add_test(t, paging_off_identity);
    tcase_add_test(t, pae_unsupported);
    tcase_add_test(t, translate_4k);
    tcase_add_test(t, translate_4k_last_byte);
    tcase_add_test(t, translate_4m);
    tcase_add_test(t, cr3_low_bits_ignored);
    tcase_add_test(t, pte_pat_bit_not_a_page_size);
    tcase_add_test(t, pse_off_ignores_ps);
    tcase_add_test(t, pde_not_present);
    tcase_add_test(t, pte_not_present);
    tcase_add_test(t, error_code_values);
    tcase_add_test(t, rights_matrix_4k);
    tcase_add_test(t, rights_matrix_4m);
    tcase_add_test(t, wp0_supervisor_writes_user_readonly);
    tcase_add_test(t, wp1_supervisor_write_readonly_pde);
    tcase_add_test(t, user_needs_us_in_pde);
    tcase_add_test(t, ad_read_sets_a_only);
    tcase_add_test(t, ad_fetch_sets_a_only);
    tcase_add_test(t, ad_write_sets_d_in_pte_not_pde);
    tcase_add_test(t, ad_4m_read_then_write);
    tcase_add_test(t, ad_no_write_when_already_set);
    tcase_add_test(t, ad_not_set_on_rights_fault);
    tcase_add_test(t, probe_does_not_touch_memory);
    tcase_add_test(t, global_4k_needs_pge_and_pte_g);
    tcase_add_test(t, global_4m_needs_pge_and_pde_g);
    tcase_add_test(t, rsvd_4m_each_bit);
    tcase_add_test(t, rsvd_checked_before_rights);
    tcase_add_test(t, pte_beyond_ram);
    tcase_add_test(t, page_table_beyond_ram);
    tcase_add_test(t, directory_beyond_ram);
    tcase_add_test(t, recursive_directory_maps_tables);
    tcase_add_test(t, recursive_directory_self_entry_write);
    suite_add_tcase(s, t);
    return s;
}

UNIT_MAIN(make_suite)
