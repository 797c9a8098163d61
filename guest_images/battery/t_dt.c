/* t_dt.c — SGDT/SIDT/SLDT/STR/SMSW return exactly what the guest loaded. */
#include "battery.h"

static struct dtr user_gdtr, user_idtr;
static uint16_t user_tr, user_ldtr;

static uint32_t user_store_tables(void)
{
    __asm__ volatile("sgdt %0; sidt %1; str %2; sldt %3"
                     : "=m"(user_gdtr), "=m"(user_idtr), "=m"(user_tr), "=m"(user_ldtr));
    return 0;
}

static uint64_t alt_gdt[GDT_ENTRIES] __attribute__((aligned(8)));

void group_dt(void)
{
    struct dtr g, i;
    __asm__ volatile("sgdt %0; sidt %1" : "=m"(g), "=m"(i));
    /* SDM Vol. 2B SGDT/SIDT: store the limit and the 32-bit base of the register. */
    check(g.base == (uint32_t)gdt && g.limit == sizeof(gdt) - 1, "dt/sgdt-returns-loaded",
          "base=%x limit=%x", g.base, g.limit);
    check(i.base == (uint32_t)idt && i.limit == sizeof(idt) - 1, "dt/sidt-returns-loaded",
          "base=%x limit=%x", i.base, i.limit);

    uint16_t tr = 0, ldtr = 0;
    uint32_t tr32 = 0xFFFFFFFF;
    __asm__ volatile("str %0; sldt %1" : "=m"(tr), "=m"(ldtr));
    /* SDM Vol. 2B STR/SLDT: the selector in TR/LDTR; a 32-bit register destination is
     * zero-extended. */
    __asm__ volatile("str %0" : "=r"(tr32));
    check(tr == SEL_TSS && tr32 == SEL_TSS, "dt/str-returns-loaded", "tr=%x tr32=%x", tr, tr32);
    check(ldtr == SEL_LDT, "dt/sldt-returns-loaded", "ldtr=%x", ldtr);

    /* SDM Vol. 3A §7.2.2: LTR marks the TSS descriptor busy (type 9 -> 11). */
    check(((gdt[SEL_TSS >> 3] >> 40) & 0xF) == 0xB, "dt/ltr-marks-tss-busy", "type=%x",
          (uint32_t)((gdt[SEL_TSS >> 3] >> 40) & 0xF));

    /* SMSW stores CR0[15:0] (SDM Vol. 2B SMSW). */
    uint32_t msw = 0xFFFFFFFF, cr0 = READ_CR(0);
    __asm__ volatile("smsw %0" : "=r"(msw));
    check((msw & 0xFFFF) == (cr0 & 0xFFFF) && (msw & CR0_PE), "dt/smsw-is-cr0-low", "msw=%x cr0=%x",
          msw, cr0);

    /* LGDT/LIDT round trip through another table and back. */
    memcpy(alt_gdt, gdt, sizeof(gdt));
    struct dtr ng = {sizeof(alt_gdt) - 1, (uint32_t)alt_gdt}, rg;
    struct dtr ni = {0x3FF, 0x00012340}, ri;
    __asm__ volatile("lgdt %2; sgdt %0; lgdt %3; lidt %4; sidt %1; lidt %5"
                     : "=m"(rg), "=m"(ri)
                     : "m"(ng), "m"(g), "m"(ni), "m"(i));
    check(rg.base == ng.base && rg.limit == ng.limit, "dt/lgdt-roundtrip", "base=%x limit=%x",
          rg.base, rg.limit);
    check(ri.base == ni.base && ri.limit == ni.limit, "dt/lidt-roundtrip", "base=%x limit=%x",
          ri.base, ri.limit);

    /* LLDT with a null selector makes LDTR invalid; SLDT then stores 0. */
    uint16_t l0 = 0xFFFF;
    __asm__ volatile("lldt %w1; sldt %0; lldt %w2" : "=m"(l0) : "r"(0), "r"(SEL_LDT));
    check(l0 == 0, "dt/lldt-null-roundtrip", "ldtr=%x", l0);

    /* Without UMIP these are unprivileged: CPL 3 sees the guest's own tables. */
    run_user(user_store_tables, 0);
    check(user_gdtr.base == (uint32_t)gdt && user_gdtr.limit == sizeof(gdt) - 1 &&
              user_idtr.base == (uint32_t)idt,
          "dt/sgdt-sidt-at-cpl3", "gdt=%x/%x idt=%x", user_gdtr.base, user_gdtr.limit,
          user_idtr.base);
    check(user_tr == SEL_TSS && user_ldtr == SEL_LDT, "dt/str-sldt-at-cpl3", "tr=%x ldtr=%x",
          user_tr, user_ldtr);
}
