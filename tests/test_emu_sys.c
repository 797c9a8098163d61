/* test_emu_sys.c — control and debug registers, descriptor-table registers, MSRs, CPUID
 * and the privileged leftovers. */
#include "monitor/emu_cpuid.h"
#include "monitor/emu_ctrl.h"
#include "monitor/emu_msr.h"
#include "tests/test_emu_common.h"
#include "tests/unit.h"

/* --- control registers --------------------------------------------------------------- */
START_TEST(mov_to_cr0_turns_paging_on)
{
    env.s.gpr[GPR_EAX] = CR0_PE | CR0_PG | CR0_WP;
    struct emu_result r = RUN32(0x0F, 0x22, 0xC0); /* mov %eax,%cr0 */
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.cr0, CR0_PE | CR0_ET | CR0_PG | CR0_WP);
    ck_assert(r.flags & EMU_F_CR0);
    ck_assert(r.flags & EMU_F_PAGING);
    ck_assert(!(r.flags & EMU_F_CR3));
    ck_assert_uint_eq(env.s.eip, T_CODE + 3);
}
END_TEST

START_TEST(mov_to_cr0_ts_only_is_no_paging_change)
{
    env.s.gpr[GPR_EAX] = CR0_PE | CR0_TS;
    struct emu_result r = RUN32(0x0F, 0x22, 0xC0);
    ASSERT_DONE(r);
    ck_assert_uint_eq(r.flags & (EMU_F_CR0 | EMU_F_PAGING), EMU_F_CR0);
}
END_TEST

START_TEST(mov_to_cr0_pg_without_pe_is_gp0)
{
    env.s.gpr[GPR_EAX] = CR0_PG;
    ASSERT_FAULT(RUN32(0x0F, 0x22, 0xC0), VEC_GP, 0);
    ck_assert_uint_eq(env.s.cr0, CR0_PE | CR0_ET);
}
END_TEST

START_TEST(mov_to_cr0_nw_without_cd_is_gp0)
{
    env.s.gpr[GPR_EAX] = CR0_PE | CR0_NW;
    ASSERT_FAULT(RUN32(0x0F, 0x22, 0xC0), VEC_GP, 0);
}
END_TEST

START_TEST(mov_to_cr0_ignores_reserved_bits_and_keeps_et)
{
    env.s.gpr[GPR_EAX] = CR0_PE | 0x0000FF00u | 0x00020000u;
    ASSERT_DONE(RUN32(0x0F, 0x22, 0xC0));
    ck_assert_uint_eq(env.s.cr0, CR0_PE | CR0_ET);
}
END_TEST

START_TEST(mov_to_cr3_reports_even_the_same_value)
{
    env.s.cr3 = 0x5000;
    env.s.gpr[GPR_EAX] = 0x5000;
    struct emu_result r = RUN32(0x0F, 0x22, 0xD8); /* mov %eax,%cr3 */
    ASSERT_DONE(r);
    ck_assert_uint_eq(r.flags, EMU_F_CR3);
    env.s.gpr[GPR_EAX] = 0x7018;
    r = RUN32(0x0F, 0x22, 0xD8);
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.cr3, 0x7018);
    ck_assert_uint_eq(r.flags, EMU_F_CR3);
}
END_TEST

START_TEST(mov_to_cr4_pse_pge_flushes)
{
    env.s.gpr[GPR_EAX] = CR4_PSE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_DE | CR4_TSD;
    struct emu_result r = RUN32(0x0F, 0x22, 0xE0); /* mov %eax,%cr4 */
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.cr4,
                      CR4_PSE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_DE | CR4_TSD);
    ck_assert_uint_eq(r.flags, EMU_F_CR4 | EMU_F_PAGING);
}
END_TEST

START_TEST(mov_to_cr4_of_unreported_features_is_gp0)
{
    static const uint32_t bad[] = {CR4_VME,
                                   CR4_PVI,
                                   CR4_PAE,
                                   CR4_MCE,
                                   EMU_CR4_OSXSAVE,
                                   1u << 11 /* UMIP */,
                                   1u << 13 /* VMXE */,
                                   1u << 20 /* SMEP */};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        env.s.eip = T_CODE;
        env.s.gpr[GPR_EAX] = CR4_PSE | bad[i];
        ASSERT_FAULT(RUN32(0x0F, 0x22, 0xE0), VEC_GP, 0);
        ck_assert_uint_eq(env.s.cr4, 0);
    }
}
END_TEST

START_TEST(mov_from_cr2_and_cr0)
{
    env.s.cr2 = 0xC0FFEE00;
    ASSERT_DONE(RUN32(0x0F, 0x20, 0xD0)); /* mov %cr2,%eax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xC0FFEE00);
    ASSERT_DONE(RUN32(0x0F, 0x20, 0xC3)); /* mov %cr0,%ebx */
    ck_assert_uint_eq(env.s.gpr[GPR_EBX], CR0_PE | CR0_ET);
}
END_TEST

START_TEST(mov_cr_at_cpl3_is_gp0)
{
    set_cpl(3);
    env.s.gpr[GPR_EAX] = 0x1234;
    ASSERT_FAULT(RUN32(0x0F, 0x20, 0xD8), VEC_GP, 0); /* mov %cr3,%eax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x1234);
    ASSERT_FAULT(RUN32(0x0F, 0x22, 0xD8), VEC_GP, 0);
}
END_TEST

/* --- debug registers ------------------------------------------------------------------ */
START_TEST(mov_to_dr0_and_dr7)
{
    env.s.gpr[GPR_EAX] = 0x00401000;
    struct emu_result r = RUN32(0x0F, 0x23, 0xC0); /* mov %eax,%dr0 */
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.dr[0], 0x00401000);
    ck_assert(r.flags & EMU_F_DR);
    env.s.gpr[GPR_EAX] = 0;
    ASSERT_DONE(RUN32(0x0F, 0x23, 0xF0)); /* mov %eax,%dr6 */
    ck_assert_uint_eq(env.s.dr[6], 0xFFFF0FF0u);
    env.s.gpr[GPR_EAX] = 0xFFFFDFFFu;     /* all but GD: reserved bits drop, bit 10 stays 1 */
    ASSERT_DONE(RUN32(0x0F, 0x23, 0xF8)); /* mov %eax,%dr7 */
    ck_assert_uint_eq(env.s.dr[7], 0xFFFF07FFu);
}
END_TEST

START_TEST(dr4_aliases_dr6_when_cr4_de_is_clear)
{
    env.s.dr[6] = 0xFFFF0FF1u;
    ASSERT_DONE(RUN32(0x0F, 0x21, 0xE0)); /* mov %dr4,%eax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xFFFF0FF1u);
    env.s.gpr[GPR_EBX] = 0x3;
    ASSERT_DONE(RUN32(0x0F, 0x23, 0xEB)); /* mov %ebx,%dr5 -> DR7 */
    ck_assert_uint_eq(env.s.dr[7], 0x403);
}
END_TEST

START_TEST(dr4_is_ud_when_cr4_de_is_set)
{
    env.s.cr4 = CR4_DE;
    ASSERT_UD(RUN32(0x0F, 0x21, 0xE0));
}
END_TEST

START_TEST(mov_dr_with_gd_set_is_db_with_bd)
{
    env.s.dr[7] = 0x400 | EMU_DR7_GD;
    env.s.gpr[GPR_EAX] = 0x1111;
    struct emu_result r = RUN32(0x0F, 0x23, 0xC0);
    ck_assert_int_eq(r.status, EMU_FAULT);
    ck_assert_uint_eq(r.fault.vector, VEC_DB);
    ck_assert(!r.fault.has_error_code);
    ck_assert_uint_eq(env.s.dr[0], 0);
    ck_assert_uint_eq(env.s.dr[6], 0xFFFF0FF0u | EMU_DR6_BD);
    ck_assert_uint_eq(env.s.dr[7], 0x400);
    ck_assert_uint_eq(env.s.eip, T_CODE);
}
END_TEST

START_TEST(mov_dr_at_cpl3_is_gp0)
{
    set_cpl(3);
    ASSERT_FAULT(RUN32(0x0F, 0x21, 0xF8), VEC_GP, 0);
}
END_TEST

/* --- descriptor-table registers -------------------------------------------------------- */
START_TEST(lgdt_loads_limit_and_base)
{
    put16(T_DATA, 0x01FF);
    put32(T_DATA + 2, 0xC0101000);
    struct emu_result r = RUN32(0x0F, 0x01, 0x15, 0x00, 0x00, 0x02, 0x00); /* lgdt 0x20000 */
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.gdtr.limit, 0x01FF);
    ck_assert_uint_eq(env.s.gdtr.base, 0xC0101000);
    ck_assert_uint_eq(r.flags, EMU_F_GDT);
    ck_assert_uint_eq(env.s.eip, T_CODE + 7);
}
END_TEST

START_TEST(lidt_with_16bit_operand_size_loads_24_bits_of_base)
{
    put16(T_DATA, 0x07FF);
    put32(T_DATA + 2, 0xC0102000);
    struct emu_result r = RUN32(0x66, 0x0F, 0x01, 0x1D, 0x00, 0x00, 0x02, 0x00); /* lidtw */
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.idtr.limit, 0x07FF);
    ck_assert_uint_eq(env.s.idtr.base, 0x00102000);
    ck_assert_uint_eq(r.flags, EMU_F_IDT);
}
END_TEST

START_TEST(lgdt_at_cpl3_is_gp0)
{
    set_cpl(3);
    ASSERT_FAULT(RUN32(0x0F, 0x01, 0x15, 0x00, 0x00, 0x02, 0x00), VEC_GP, 0);
    ck_assert_uint_eq(env.s.gdtr.base, T_GDT);
}
END_TEST

START_TEST(sgdt_and_sidt_store_six_bytes)
{
    env.s.gdtr = (struct dtable_reg){.base = 0xC1234000, .limit = 0x00FF};
    env.s.idtr = (struct dtable_reg){.base = 0xC5678000, .limit = 0x07FF};
    memset(env.ram + T_DATA, 0xEE, 16);
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x05, 0x00, 0x00, 0x02, 0x00)); /* sgdt 0x20000 */
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x0D, 0x08, 0x00, 0x02, 0x00)); /* sidt 0x20008 */
    static const uint8_t want[16] = {0xFF, 0x00, 0x00, 0x40, 0x23, 0xC1, 0xEE, 0xEE,
                                     0xFF, 0x07, 0x00, 0x80, 0x67, 0xC5, 0xEE, 0xEE};
    ck_assert_mem_eq(env.ram + T_DATA, want, 16);
}
END_TEST

START_TEST(sgdt_with_16bit_operand_size_stores_the_full_base)
{
    env.s.gdtr = (struct dtable_reg){.base = 0xC1234000, .limit = 0x00FF};
    ASSERT_DONE(RUN32(0x66, 0x0F, 0x01, 0x05, 0x00, 0x00, 0x02, 0x00));
    ck_assert_uint_eq(get32(T_DATA + 2), 0xC1234000);
}
END_TEST

START_TEST(sidt_at_cpl3_is_allowed)
{
    set_cpl(3);
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x0D, 0x00, 0x00, 0x02, 0x00));
    ck_assert_uint_eq(get16(T_DATA), 0x7FF);
    ck_assert_uint_eq(get32(T_DATA + 2), 0x2000);
}
END_TEST

START_TEST(sldt_to_r32_zero_extends)
{
    env.s.ldtr.sel = SEL_LDT;
    env.s.gpr[GPR_EAX] = 0xFFFFFFFFu;
    ASSERT_DONE(RUN32(0x0F, 0x00, 0xC0)); /* sldt %eax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], SEL_LDT);
}
END_TEST

START_TEST(sldt_to_r16_keeps_the_high_half)
{
    env.s.ldtr.sel = SEL_LDT;
    env.s.gpr[GPR_EAX] = 0xFFFFFFFFu;
    ASSERT_DONE(RUN32(0x66, 0x0F, 0x00, 0xC0)); /* sldt %ax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xFFFF0000u | SEL_LDT);
}
END_TEST

START_TEST(str_to_memory_writes_two_bytes)
{
    memset(env.ram + T_DATA, 0xEE, 4);
    ASSERT_DONE(RUN32(0x0F, 0x00, 0x0D, 0x00, 0x00, 0x02, 0x00)); /* str 0x20000 */
    ck_assert_uint_eq(get32(T_DATA), 0xEEEE0000u | SEL_TSS);
    env.s.gpr[GPR_ECX] = 0xAAAAAAAAu;
    ASSERT_DONE(RUN32(0x0F, 0x00, 0xC9)); /* str %ecx */
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], SEL_TSS);
}
END_TEST

START_TEST(sldt_and_str_are_ud_in_real_mode)
{
    env.s.cr0 = CR0_ET;
    ASSERT_UD(RUN32(0x0F, 0x00, 0xC0));
    ASSERT_UD(RUN32(0x0F, 0x00, 0xC9));
}
END_TEST

START_TEST(smsw_register_and_memory)
{
    env.s.cr0 = CR0_PE | CR0_ET | CR0_TS | CR0_PG | CR0_WP;
    enable_paging(0, 0);
    ASSERT_DONE(RUN32(0x0F, 0x01, 0xE0)); /* smsw %eax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], env.s.cr0);
    env.s.gpr[GPR_EDX] = 0xABCD0000u;
    ASSERT_DONE(RUN32(0x66, 0x0F, 0x01, 0xE2)); /* smsw %dx */
    ck_assert_uint_eq(env.s.gpr[GPR_EDX], 0xABCD0000u | (CR0_PE | CR0_ET | CR0_TS));
    put32(T_DATA, 0xEEEEEEEEu);
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x25, 0x00, 0x00, 0x02, 0x00)); /* smsw 0x20000 */
    ck_assert_uint_eq(get32(T_DATA), 0xEEEE0000u | (CR0_PE | CR0_ET | CR0_TS));
}
END_TEST

START_TEST(lmsw_sets_msw_bits_but_cannot_clear_pe)
{
    env.s.gpr[GPR_EAX] = 0xFFF0 | CR0_MP | CR0_TS; /* PE = 0 in the source */
    struct emu_result r = RUN32(0x0F, 0x01, 0xF0); /* lmsw %ax */
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.cr0, CR0_PE | CR0_ET | CR0_MP | CR0_TS);
    ck_assert(r.flags & EMU_F_CR0);
    ck_assert(!(r.flags & EMU_F_PAGING));
}
END_TEST

START_TEST(lmsw_can_set_pe_from_real_mode)
{
    env.s.cr0 = CR0_ET;
    env.s.gpr[GPR_EAX] = CR0_PE;
    struct emu_result r = RUN32(0x0F, 0x01, 0xF0);
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.cr0, CR0_ET | CR0_PE);
    ck_assert(r.flags & EMU_F_PAGING);
}
END_TEST

START_TEST(clts_clears_ts)
{
    env.s.cr0 |= CR0_TS;
    struct emu_result r = RUN32(0x0F, 0x06);
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.cr0, CR0_PE | CR0_ET);
    ck_assert_uint_eq(r.flags, EMU_F_CR0);
    set_cpl(3);
    ASSERT_FAULT(RUN32(0x0F, 0x06), VEC_GP, 0);
}
END_TEST

START_TEST(invlpg_reports_the_linear_address)
{
    env.s.seg[SEG_DS].base = 0x10000000;
    env.s.seg[SEG_DS].limit = 0x1000; /* no limit check for INVLPG */
    env.s.gpr[GPR_EAX] = 0xC0001234;
    struct emu_result r = RUN32(0x0F, 0x01, 0x38); /* invlpg (%eax) */
    ASSERT_DONE(r);
    ck_assert_uint_eq(r.flags, EMU_F_INVLPG);
    ck_assert_uint_eq(r.invlpg_addr, 0xD0001234);
    set_cpl(3);
    ASSERT_FAULT(RUN32(0x0F, 0x01, 0x38), VEC_GP, 0);
}
END_TEST

START_TEST(wbinvd_and_invd_are_cpl0_noops)
{
    struct emu_result r = RUN32(0x0F, 0x09);
    ASSERT_DONE(r);
    ck_assert_uint_eq(r.flags, 0);
    ASSERT_DONE(RUN32(0x0F, 0x08));
    set_cpl(3);
    ASSERT_FAULT(RUN32(0x0F, 0x09), VEC_GP, 0);
}
END_TEST

/* --- CPUID ------------------------------------------------------------------------------ */
START_TEST(cpuid_leaf0_is_genuine_intel)
{
    env.s.gpr[GPR_EAX] = 0;
    set_cpl(3); /* CPUID works at every CPL */
    ASSERT_DONE(RUN32(0x0F, 0xA2));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 2);
    char vendor[13] = {0};
    memcpy(vendor, &env.s.gpr[GPR_EBX], 4);
    memcpy(vendor + 4, &env.s.gpr[GPR_EDX], 4);
    memcpy(vendor + 8, &env.s.gpr[GPR_ECX], 4);
    ck_assert_str_eq(vendor, "GenuineIntel");
}
END_TEST

START_TEST(cpuid_leaf1_features_are_exact)
{
    env.s.gpr[GPR_EAX] = 1;
    ASSERT_DONE(RUN32(0x0F, 0xA2));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x6FB);
    ck_assert_uint_eq(env.s.gpr[GPR_EBX], 0x800);
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], 0);
    ck_assert_uint_eq(env.s.gpr[GPR_EDX], 0x0789A93Du);
    /* None of VME(1), MCE(7), APIC(9), MTRR(12), MCA(14), PSE36(17), HTT(28). */
    ck_assert_uint_eq(env.s.gpr[GPR_EDX] & 0x10025282u, 0);
}
END_TEST

START_TEST(cpuid_brand_string)
{
    char brand[49] = {0};
    for (uint32_t leaf = 0x80000002u; leaf <= 0x80000004u; leaf++) {
        env.s.eip = T_CODE;
        env.s.gpr[GPR_EAX] = leaf;
        ASSERT_DONE(RUN32(0x0F, 0xA2));
        uint32_t regs[4] = {env.s.gpr[GPR_EAX], env.s.gpr[GPR_EBX], env.s.gpr[GPR_ECX],
                            env.s.gpr[GPR_EDX]};
        memcpy(brand + (leaf - 0x80000002u) * 16, regs, 16);
    }
    ck_assert_str_eq(brand, "bt386 virtual CPU");
    struct cpuid_regs ext = emu_cpuid_leaf(0x80000000u, 0);
    ck_assert_uint_eq(ext.eax, 0x80000004u);
    struct cpuid_regs e1 = emu_cpuid_leaf(0x80000001u, 0);
    ck_assert_uint_eq(e1.ecx | e1.edx, 0); /* no NX, no LM, no SYSCALL */
}
END_TEST

START_TEST(cpuid_beyond_the_last_leaf_returns_the_highest_basic_leaf)
{
    struct cpuid_regs l2 = emu_cpuid_leaf(2, 0);
    ck_assert_uint_eq(l2.eax & 0xFF, 1);
    static const uint32_t leaves[] = {3, 4, 7, 0xD, 0x40000000u, 0x80000005u, 0x8FFFFFFFu};
    for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
        env.s.eip = T_CODE;
        env.s.gpr[GPR_EAX] = leaves[i];
        env.s.gpr[GPR_ECX] = 0;
        ASSERT_DONE(RUN32(0x0F, 0xA2));
        ck_assert_uint_eq(env.s.gpr[GPR_EAX], l2.eax);
        ck_assert_uint_eq(env.s.gpr[GPR_EBX], l2.ebx);
        ck_assert_uint_eq(env.s.gpr[GPR_ECX], l2.ecx);
        ck_assert_uint_eq(env.s.gpr[GPR_EDX], l2.edx);
    }
}
END_TEST

/* --- MSRs ------------------------------------------------------------------------------- */
static struct emu_result wrmsr(uint32_t msr, uint32_t edx, uint32_t eax)
{
    env.s.eip = T_CODE;
    env.s.gpr[GPR_ECX] = msr;
    env.s.gpr[GPR_EDX] = edx;
    env.s.gpr[GPR_EAX] = eax;
    return RUN32(0x0F, 0x30);
}

static struct emu_result rdmsr(uint32_t msr)
{
    env.s.eip = T_CODE;
    env.s.gpr[GPR_ECX] = msr;
    env.s.gpr[GPR_EDX] = 0xDEAD;
    env.s.gpr[GPR_EAX] = 0xBEEF;
    return RUN32(0x0F, 0x32);
}

START_TEST(sysenter_msrs_round_trip)
{
    struct emu_result r = wrmsr(0x174, 0, SEL_KCODE);
    ASSERT_DONE(r);
    ck_assert(r.flags & EMU_F_MSR);
    ASSERT_DONE(wrmsr(0x175, 0, 0x12345678));
    ASSERT_DONE(wrmsr(0x176, 0, 0x9ABCDEF0));
    ck_assert_uint_eq(env.s.sysenter_cs, SEL_KCODE);
    ck_assert_uint_eq(env.s.sysenter_esp, 0x12345678);
    ck_assert_uint_eq(env.s.sysenter_eip, 0x9ABCDEF0);
    ASSERT_DONE(rdmsr(0x176));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x9ABCDEF0);
    ck_assert_uint_eq(env.s.gpr[GPR_EDX], 0);
    ck_assert_uint_eq(env.s.eip, T_CODE + 2);
}
END_TEST

START_TEST(unknown_msr_is_gp0_both_ways)
{
    static const uint32_t msrs[] = {0x1B0,
                                    0xC0000080u /* EFER */,
                                    0x3A,
                                    0xFE /* MTRRcap */,
                                    0x179 /* MCG_CAP */,
                                    0xC0000103u /* TSC_AUX */,
                                    0x48};
    for (unsigned i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
        struct emu_result r = rdmsr(msrs[i]);
        ASSERT_FAULT(r, VEC_GP, 0);
        ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xBEEF);
        ASSERT_FAULT(wrmsr(msrs[i], 0, 0), VEC_GP, 0);
    }
}
END_TEST

START_TEST(rdmsr_and_wrmsr_at_cpl3_are_gp0)
{
    set_cpl(3);
    ASSERT_FAULT(rdmsr(0x174), VEC_GP, 0);
    ASSERT_FAULT(wrmsr(0x174, 0, 0x10), VEC_GP, 0);
    ck_assert_uint_eq(env.s.sysenter_cs, 0);
}
END_TEST

START_TEST(tsc_msr_follows_the_injected_clock)
{
    env.tsc = 1000;
    ASSERT_DONE(rdmsr(MSR_IA32_TSC));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 1000);
    struct emu_result r = wrmsr(MSR_IA32_TSC, 1, 0); /* TSC := 2^32 */
    ASSERT_DONE(r);
    ck_assert(r.flags & EMU_F_TSC);
    env.tsc = 1500;
    ASSERT_DONE(rdmsr(MSR_IA32_TSC));
    ck_assert_uint_eq(env.s.gpr[GPR_EDX], 1);
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 500);
}
END_TEST

START_TEST(pat_msr_checks_memory_types)
{
    ASSERT_DONE(rdmsr(MSR_IA32_PAT));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x00070406);
    ck_assert_uint_eq(env.s.gpr[GPR_EDX], 0x00070406);
    ASSERT_DONE(wrmsr(MSR_IA32_PAT, 0x00070106, 0x00070406));
    ck_assert_uint_eq(env.ctx.v.pat, UINT64_C(0x0007010600070406));
    ASSERT_FAULT(wrmsr(MSR_IA32_PAT, 0, 0x02), VEC_GP, 0); /* type 2 is reserved */
    ASSERT_FAULT(wrmsr(MSR_IA32_PAT, 0x08000000, 0), VEC_GP, 0);
    ck_assert_uint_eq(env.ctx.v.pat, UINT64_C(0x0007010600070406));
}
END_TEST

START_TEST(apic_base_reads_a_disabled_apic_and_is_read_only)
{
    ASSERT_DONE(rdmsr(MSR_IA32_APIC_BASE));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xFEE00100u);
    ck_assert_uint_eq(env.s.gpr[GPR_EDX], 0);
    ASSERT_DONE(wrmsr(MSR_IA32_APIC_BASE, 0, 0xFEE00100u));
    ASSERT_FAULT(wrmsr(MSR_IA32_APIC_BASE, 0, 0xFEE00900u), VEC_GP, 0);
}
END_TEST

START_TEST(microcode_revision_and_misc_enable)
{
    ASSERT_DONE(wrmsr(MSR_IA32_BIOS_SIGN, 0, 0));
    ASSERT_DONE(rdmsr(MSR_IA32_BIOS_SIGN));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0);
    ck_assert_uint_eq(env.s.gpr[GPR_EDX], 1);
    ASSERT_DONE(wrmsr(MSR_IA32_MISC_ENABLE, 0, 0xFFFFFFFEu)); /* only bit 22 sticks */
    ASSERT_DONE(rdmsr(MSR_IA32_MISC_ENABLE));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x00401800u);
}
END_TEST

/* --- XCR0, RDPMC, the #UD classes -------------------------------------------------------- */
START_TEST(xgetbv_and_xsetbv_are_ud_without_osxsave)
{
    ASSERT_UD(RUN32(0x0F, 0x01, 0xD0));
    ASSERT_UD(RUN32(0x0F, 0x01, 0xD1));
}
END_TEST

START_TEST(xcr0_rules_with_osxsave_forced)
{
    env.s.cr4 = EMU_CR4_OSXSAVE; /* not reachable through MOV CR4: checks the XCR0 rules */
    env.s.gpr[GPR_ECX] = 0;
    ASSERT_DONE(RUN32(0x0F, 0x01, 0xD0));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 1);
    ck_assert_uint_eq(env.s.gpr[GPR_EDX], 0);
    env.s.gpr[GPR_EAX] = 3;
    struct emu_result r = RUN32(0x0F, 0x01, 0xD1);
    ASSERT_DONE(r);
    ck_assert(r.flags & EMU_F_XCR0);
    ck_assert_uint_eq(env.ctx.v.xcr0, 3);
    env.s.gpr[GPR_EAX] = 7; /* AVX */
    ASSERT_FAULT(RUN32(0x0F, 0x01, 0xD1), VEC_GP, 0);
    env.s.gpr[GPR_EAX] = 2; /* x87 cleared */
    ASSERT_FAULT(RUN32(0x0F, 0x01, 0xD1), VEC_GP, 0);
    env.s.gpr[GPR_EAX] = 3;
    env.s.gpr[GPR_ECX] = 1;
    ASSERT_FAULT(RUN32(0x0F, 0x01, 0xD1), VEC_GP, 0);
    ck_assert_uint_eq(env.ctx.v.xcr0, 3);
}
END_TEST

START_TEST(rdpmc_needs_cpl0_or_pce)
{
    env.s.gpr[GPR_ECX] = 1;
    env.s.gpr[GPR_EAX] = 0x55;
    ASSERT_DONE(RUN32(0x0F, 0x33));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0);
    env.s.gpr[GPR_ECX] = 2;
    ASSERT_FAULT(RUN32(0x0F, 0x33), VEC_GP, 0);
    set_cpl(3);
    env.s.gpr[GPR_ECX] = 0;
    ASSERT_FAULT(RUN32(0x0F, 0x33), VEC_GP, 0);
    env.s.cr4 = CR4_PCE;
    ASSERT_DONE(RUN32(0x0F, 0x33));
}
END_TEST

START_TEST(unreported_extensions_are_ud_at_every_cpl)
{
    ASSERT_UD(RUN32(0x0F, 0x01, 0xC8)); /* monitor */
    ASSERT_UD(RUN32(0x0F, 0x01, 0xCA)); /* clac */
    ASSERT_UD(RUN32(0x0F, 0x0B));       /* ud2 */
    ASSERT_UD(RUN32(0x0F, 0x05));       /* syscall */
    ASSERT_UD(RUN32(0x0F, 0x01, 0xF9)); /* rdtscp */
    set_cpl(3);
    ASSERT_UD(RUN32(0x0F, 0x01, 0xC9)); /* mwait */
    ASSERT_UD(RUN32(0x0F, 0xAE, 0x20)); /* xsave (%eax) */
    ck_assert_uint_eq(env.s.eip, T_CODE);
}
END_TEST

START_TEST(innocuous_instructions_are_not_handled)
{
    env.s.gpr[GPR_EBX] = 7;
    struct emu_result r = RUN32(0x89, 0xD8); /* mov %ebx,%eax */
    ck_assert_int_eq(r.status, EMU_UNHANDLED);
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0);
    r = RUN32(0xEB, 0x00); /* jmp . + 2 */
    ck_assert_int_eq(r.status, EMU_UNHANDLED);
}
END_TEST

static Suite *emu_sys_suite(void)
{
    Suite *s = suite_create("emu_sys");
    TCase *cr = tcase_create("control_debug");
    tcase_add_checked_fixture(cr, env_setup, env_teardown);
    tcase_add_test(cr, mov_to_cr0_turns_paging_on);
    tcase_add_test(cr, mov_to_cr0_ts_only_is_no_paging_change);
    tcase_add_test(cr, mov_to_cr0_pg_without_pe_is_gp0);
    tcase_add_test(cr, mov_to_cr0_nw_without_cd_is_gp0);
    tcase_add_test(cr, mov_to_cr0_ignores_reserved_bits_and_keeps_et);
    tcase_add_test(cr, mov_to_cr3_reports_even_the_same_value);
    tcase_add_test(cr, mov_to_cr4_pse_pge_flushes);
    tcase_add_test(cr, mov_to_cr4_of_unreported_features_is_gp0);
    tcase_add_test(cr, mov_from_cr2_and_cr0);
    tcase_add_test(cr, mov_cr_at_cpl3_is_gp0);
    tcase_add_test(cr, mov_to_dr0_and_dr7);
    tcase_add_test(cr, dr4_aliases_dr6_when_cr4_de_is_clear);
    tcase_add_test(cr, dr4_is_ud_when_cr4_de_is_set);
    tcase_add_test(cr, mov_dr_with_gd_set_is_db_with_bd);
    tcase_add_test(cr, mov_dr_at_cpl3_is_gp0);
    tcase_add_test(cr, clts_clears_ts);
    tcase_add_test(cr, invlpg_reports_the_linear_address);
    tcase_add_test(cr, wbinvd_and_invd_are_cpl0_noops);
    suite_add_tcase(s, cr);

    TCase *dt = tcase_create("descriptor_tables");
    tcase_add_checked_fixture(dt, env_setup, env_teardown);
    tcase_add_test(dt, lgdt_loads_limit_and_base);
    tcase_add_test(dt, lidt_with_16bit_operand_size_loads_24_bits_of_base);
    tcase_add_test(dt, lgdt_at_cpl3_is_gp0);
    tcase_add_test(dt, sgdt_and_sidt_store_six_bytes);
    tcase_add_test(dt, sgdt_with_16bit_operand_size_stores_the_full_base);
    tcase_add_test(dt, sidt_at_cpl3_is_allowed);
    tcase_add_test(dt, sldt_to_r32_zero_extends);
    tcase_add_test(dt, sldt_to_r16_keeps_the_high_half);
    tcase_add_test(dt, str_to_memory_writes_two_bytes);
    tcase_add_test(dt, sldt_and_str_are_ud_in_real_mode);
    tcase_add_test(dt, smsw_register_and_memory);
    tcase_add_test(dt, lmsw_sets_msw_bits_but_cannot_clear_pe);
    tcase_add_test(dt, lmsw_can_set_pe_from_real_mode);
    suite_add_tcase(s, dt);

    TCase *id = tcase_create("cpuid_msr");
    tcase_add_checked_fixture(id, env_setup, env_teardown);
    tcase_add_test(id, cpuid_leaf0_is_genuine_intel);
    tcase_add_test(id, cpuid_leaf1_features_are_exact);
    tcase_add_test(id, cpuid_brand_string);
    tcase_add_test(id, cpuid_beyond_the_last_leaf_returns_the_highest_basic_leaf);
    tcase_add_test(id, sysenter_msrs_round_trip);
    tcase_add_test(id, unknown_msr_is_gp0_both_ways);
    tcase_add_test(id, rdmsr_and_wrmsr_at_cpl3_are_gp0);
    tcase_add_test(id, tsc_msr_follows_the_injected_clock);
    tcase_add_test(id, pat_msr_checks_memory_types);
    tcase_add_test(id, apic_base_reads_a_disabled_apic_and_is_read_only);
    tcase_add_test(id, microcode_revision_and_misc_enable);
    tcase_add_test(id, xgetbv_and_xsetbv_are_ud_without_osxsave);
    tcase_add_test(id, xcr0_rules_with_osxsave_forced);
    tcase_add_test(id, rdpmc_needs_cpl0_or_pce);
    tcase_add_test(id, unreported_extensions_are_ud_at_every_cpl);
    tcase_add_test(id, innocuous_instructions_are_not_handled);
    suite_add_tcase(s, id);
    return s;
}

UNIT_MAIN(emu_sys_suite)
