/* t_paging.c — 32-bit paging: 4 KiB/4 MiB pages, U/S, R/W, WP, A/D, INVLPG, CR3, PGE. */
#include "battery.h"

#define ALIAS_BASE     0x40000000u /* PDE 256 -> alias_pt */
#define BIG_BASE       0x80000000u /* PDE 512 -> 4 MiB page at 4 MiB */
#define BIG_PHYS       0x00400000u
#define RECURSIVE_SLOT 768u /* PDE 768 -> the page directory itself */

static uint32_t alias_pt[1024] __attribute__((aligned(4096)));
static uint8_t frames[6][4096] __attribute__((aligned(4096)));
static volatile uint32_t probe_addr;

static inline uint32_t lin(unsigned page)
{
    return ALIAS_BASE + page * 4096u;
}
static void set_alias(unsigned page, uint32_t phys, uint32_t flags)
{
    alias_pt[page] = phys | flags;
    invlpg(lin(page));
}
/* The CPU writes A/D bits into the page tables behind the compiler's back: every
 * access through a test mapping is also a compiler memory barrier. */
static uint32_t rd(uint32_t a)
{
    __asm__ volatile("" ::: "memory");
    uint32_t v = *(volatile uint32_t *)a;
    __asm__ volatile("" ::: "memory");
    return v;
}
static void wr(uint32_t a, uint32_t v)
{
    __asm__ volatile("" ::: "memory");
    *(volatile uint32_t *)a = v;
    __asm__ volatile("" ::: "memory");
}

static uint32_t u_read(void)
{
    uint32_t v = 0;
    TRY_ASM("movl (%1), %0", : "=r"(v) : "r"(probe_addr));
    return v;
}
static uint32_t u_write(void)
{
    TRY_ASM("movl $0x77, (%0)", ::"r"(probe_addr) : "memory");
    return 0;
}

static void check_pf(const char *name, uint32_t want_err, uint32_t want_cr2)
{
    check(last_trap.vector == 14 && last_trap.err == want_err && last_trap.cr2 == want_cr2, name,
          "vector=%u err=%x cr2=%x want err=%x cr2=%x", last_trap.vector, last_trap.err,
          last_trap.cr2, want_err, want_cr2);
}

void group_paging(void)
{
    paging_enable();
    check((READ_CR(0) & CR0_PG) && READ_CR(3) == (uint32_t)page_dir, "pg/enable-identity",
          "cr0=%x cr3=%x", READ_CR(0), READ_CR(3));

    page_dir[ALIAS_BASE >> 22] = (uint32_t)alias_pt | PTE_P | PTE_W | PTE_U;
    for (unsigned i = 0; i < 6; i++)
        ((volatile uint32_t *)frames[i])[0] = 0xF0000000u + i;

    /* A 4 KiB PTE maps a linear page onto any frame (SDM Vol. 3A §4.3). */
    set_alias(0, (uint32_t)frames[0], PTE_P | PTE_W | PTE_U);
    wr(lin(0) + 8, 0x1234abcd);
    check(rd(lin(0)) == 0xF0000000u && ((volatile uint32_t *)frames[0])[2] == 0x1234abcd,
          "pg/4k-alias", "read=%x frame=%x", rd(lin(0)), ((volatile uint32_t *)frames[0])[2]);

    /* CR4.PSE + PDE.PS: a 4 MiB page (SDM Vol. 3A §4.3, table 4-4). */
    WRITE_CR(4, READ_CR(4) | CR4_PSE);
    wr(BIG_PHYS + 0x2340, 0xb16b00b5);
    page_dir[BIG_BASE >> 22] = BIG_PHYS | PTE_P | PTE_W | PTE_PS;
    invlpg(BIG_BASE);
    check(rd(BIG_BASE + 0x2340) == 0xb16b00b5, "pg/4m-pse-page", "read=%x", rd(BIG_BASE + 0x2340));

    /* #PF error code bits: P (protection), W/R, U/S (SDM Vol. 3A §4.7). */
    set_alias(1, (uint32_t)frames[1], PTE_P | PTE_W); /* supervisor only */
    probe_addr = lin(1) + 4;
    trap_reset();
    run_user(u_read, 0);
    check_pf("pg/user-read-supervisor-page", 0x5, lin(1) + 4);

    set_alias(2, (uint32_t)frames[2], PTE_P | PTE_U); /* read-only user page */
    probe_addr = lin(2);
    trap_reset();
    uint32_t v = run_user(u_read, 0);
    uint32_t clean = last_trap.count;
    probe_addr = lin(2) + 8;
    run_user(u_write, 0);
    check(clean == 0 && v == 0xF0000002u, "pg/user-read-readonly-ok", "traps=%u v=%x", clean, v);
    check_pf("pg/user-write-readonly", 0x7, lin(2) + 8);

    /* CR0.WP=0: supervisor writes ignore R/W; WP=1: they fault (SDM Vol. 3A §4.6.1). */
    WRITE_CR(0, READ_CR(0) & ~CR0_WP);
    trap_reset();
    wr(lin(2) + 12, 0xAAAA5555);
    check(last_trap.count == 0 && ((volatile uint32_t *)frames[2])[3] == 0xAAAA5555,
          "pg/supervisor-write-ro-wp0", "traps=%u", last_trap.count);
    WRITE_CR(0, READ_CR(0) | CR0_WP);
    trap_reset();
    TRY_ASM("movl $1, (%0)", ::"r"(lin(2) + 16) : "memory");
    WRITE_CR(0, READ_CR(0) & ~CR0_WP);
    check_pf("pg/supervisor-write-ro-wp1", 0x3, lin(2) + 16);

    set_alias(3, 0, 0); /* not present */
    trap_reset();
    TRY_ASM("movl (%0), %%eax", ::"r"(lin(3) + 0x10) : "eax");
    check_pf("pg/supervisor-read-not-present", 0x0, lin(3) + 0x10);
    probe_addr = lin(3) + 0x20;
    trap_reset();
    run_user(u_write, 0);
    check_pf("pg/user-write-not-present", 0x6, lin(3) + 0x20);

    /* Instruction fetch from a not-present page faults with EIP = CR2 = target. */
    trap_reset();
    TRY_ASM("jmp *%0", ::"r"(lin(3) + 0x40));
    check(last_trap.vector == 14 && last_trap.eip == lin(3) + 0x40 &&
              last_trap.cr2 == lin(3) + 0x40,
          "pg/fetch-not-present", "vector=%u eip=%x cr2=%x", last_trap.vector, last_trap.eip,
          last_trap.cr2);

    /* Accessed and dirty flags (SDM Vol. 3A §4.8): a read sets A in PDE and PTE, not D. */
    page_dir[ALIAS_BASE >> 22] &= ~PTE_A;
    set_alias(4, (uint32_t)frames[4], PTE_P | PTE_W);
    flush_tlb();
    (void)rd(lin(4));
    uint32_t pde = page_dir[ALIAS_BASE >> 22], pte = alias_pt[4];
    check((pde & PTE_A) && (pte & PTE_A) && !(pte & PTE_D), "pg/read-sets-accessed",
          "pde=%x pte=%x", pde, pte);
    wr(lin(4) + 4, 1);
    pte = alias_pt[4];
    check((pte & PTE_D) && (pte & PTE_A), "pg/write-sets-dirty", "pte=%x", pte);
    page_dir[BIG_BASE >> 22] &= ~(PTE_A | PTE_D);
    invlpg(BIG_BASE);
    wr(BIG_BASE + 0x10, 5);
    pde = page_dir[BIG_BASE >> 22];
    check((pde & (PTE_A | PTE_D)) == (PTE_A | PTE_D), "pg/4m-write-sets-dirty-in-pde", "pde=%x",
          pde);

    /* INVLPG makes a changed PTE take effect (SDM Vol. 3A §4.10.4.1). */
    set_alias(5, (uint32_t)frames[0], PTE_P | PTE_W);
    uint32_t first = rd(lin(5));
    alias_pt[5] = (uint32_t)frames[5] | PTE_P | PTE_W;
    invlpg(lin(5));
    uint32_t second = rd(lin(5));
    check(first == 0xF0000000u && second == 0xF0000005u, "pg/invlpg-new-mapping",
          "first=%x second=%x", first, second);

    /* A CR3 load flushes non-global translations. */
    alias_pt[5] = (uint32_t)frames[1] | PTE_P | PTE_W;
    WRITE_CR(3, READ_CR(3));
    check(rd(lin(5)) == 0xF0000001u, "pg/cr3-reload-flushes", "read=%x", rd(lin(5)));

    /* Global pages (CR4.PGE, PTE.G): usable across a CR3 load; clearing CR4.PGE flushes them
     * (SDM Vol. 3A §4.10.4.1). Retaining a stale global entry is allowed but never guaranteed. */
    WRITE_CR(4, READ_CR(4) | CR4_PGE);
    set_alias(5, (uint32_t)frames[2], PTE_P | PTE_W | PTE_G);
    uint32_t g1 = rd(lin(5));
    WRITE_CR(3, READ_CR(3));
    uint32_t g2 = rd(lin(5));
    check(g1 == 0xF0000002u && g2 == g1, "pg/global-page-across-cr3", "before=%x after=%x", g1, g2);
    alias_pt[5] = (uint32_t)frames[3] | PTE_P | PTE_W | PTE_G;
    WRITE_CR(4, READ_CR(4) & ~CR4_PGE);
    WRITE_CR(4, READ_CR(4) | CR4_PGE);
    check(rd(lin(5)) == 0xF0000003u, "pg/pge-toggle-flushes-global", "read=%x", rd(lin(5)));
    WRITE_CR(4, READ_CR(4) & ~CR4_PGE);

    /* A PDE pointing at the directory itself exposes page tables as pages. */
    page_dir[RECURSIVE_SLOT] = (uint32_t)page_dir | PTE_P | PTE_W;
    flush_tlb();
    uint32_t self = 0xC0000000u + RECURSIVE_SLOT * 4096u;
    uint32_t via_pt = rd(0xC0000000u + (ALIAS_BASE >> 22) * 4096u + 4 * 4);
    uint32_t via_pd = rd(self + (ALIAS_BASE >> 22) * 4);
    check(via_pt == alias_pt[4] && via_pd == page_dir[ALIAS_BASE >> 22], "pg/recursive-directory",
          "pte=%x want %x pde=%x want %x", via_pt, alias_pt[4], via_pd, page_dir[ALIAS_BASE >> 22]);
    page_dir[RECURSIVE_SLOT] = 0;
    flush_tlb();

    /* Paging off again: linear = physical. */
    paging_disable();
    check(!(READ_CR(0) & CR0_PG) && rd((uint32_t)frames[5]) == 0xF0000005u, "pg/disable", "cr0=%x",
          READ_CR(0));
    WRITE_CR(4, READ_CR(4) & ~CR4_PSE);
}
