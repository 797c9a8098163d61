/* test_cpu_seg.c — descriptors, data/stack segment loads, LAR/LSL/VERR/VERW, LLDT/LTR. */
#include "monitor/cpu_desc.h"
#include "monitor/cpu_lar.h"
#include "monitor/cpu_ldt_tr.h"
#include "monitor/cpu_seg.h"
#include "monitor/world.h"
#include "shadow_mmu/walk.h"
#include "tests/test_cpu_env.h"
#include "tests/unit.h"

/* ---- descriptor decode and fetch ---- */

START_TEST(descriptor_fields_decode)
{
    /* base 12345678, raw limit ABCDE with G = 1, DPL 2, data read/write, B = 1. */
    env_put_desc(ENV_GDT, 10, 0x12345678, 0xABCDE, 0x3, true, 2, true, true, true);
    struct cpu_desc d;
    struct guest_fault f = cpu_desc_fetch(&env_s, &env_mem, 0x52, cpu_gp(0x50), &d);
    ck_assert(!f.raised);
    ck_assert_uint_eq(desc_base(&d), 0x12345678);
    ck_assert_uint_eq(desc_limit(&d), 0xABCDEFFF);
    ck_assert_uint_eq(desc_dpl(&d), 2);
    ck_assert_uint_eq(desc_attr(&d),
                      0x3 | SEG_ATTR_S | (2 << 5) | SEG_ATTR_P | SEG_ATTR_DB | SEG_ATTR_G);
    ck_assert_uint_eq(d.lin, ENV_GDT + 10 * 8);
}
END_TEST

START_TEST(descriptor_fetch_checks_the_last_byte_against_the_limit)
{
    /* GDT limit 0x57 holds entries 0..10 exactly; entry 11 (0x58) is past it. */
    env_s.gdtr.limit = 0x57;
    struct cpu_desc d;
    ck_assert(!cpu_desc_fetch(&env_s, &env_mem, 0x50, cpu_gp(0x50), &d).raised);
    env_s.gdtr.limit = 0x56; /* the last byte of entry 10 is now outside */
    struct guest_fault f = cpu_desc_fetch(&env_s, &env_mem, 0x50, cpu_gp(0x50), &d);
    ck_assert(f.raised);
    ck_assert_uint_eq(f.vector, VEC_GP);
    ck_assert_uint_eq(f.error_code, 0x50);
}
END_TEST

/* ---- DS/ES/FS/GS ---- */

START_TEST(load_ds_fills_cache_and_sets_accessed_bit)
{
    ck_assert_uint_eq(env_gdt_type(2), 0x2);
    struct cpu_result r = cpu_load_seg(&env_s, &env_mem, SEG_DS, SEL_KDATA);
    ck_assert_int_eq(r.status, CPU_OK);
    struct seg_cache want = env_flat(SEL_KDATA, 0x3, 0);
    ck_assert(env_cache_eq(&env_s.seg[SEG_DS], &want));
    ck_assert_uint_eq(env_gdt_type(2), 0x3); /* A written back (SDM §3.4.5.1) */
    ck_assert_uint_eq(env_writes, 1);
    ck_assert(!env_s.inhibit_irq);
}
END_TEST

START_TEST(load_ds_with_accessed_already_set_writes_nothing)
{
    env_put_desc(ENV_GDT, 2, 0, 0xFFFFF, 0x3, true, 0, true, true, true);
    env_writes = 0;
    ck_assert_int_eq(cpu_load_seg(&env_s, &env_mem, SEG_ES, SEL_KDATA).status, CPU_OK);
    ck_assert_uint_eq(env_writes, 0);
}
END_TEST

START_TEST(load_ds_null_selector_marks_unusable)
{
    struct cpu_result r = cpu_load_seg(&env_s, &env_mem, SEG_DS, 0x0003);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.seg[SEG_DS].sel, 3);
    ck_assert(!env_s.seg[SEG_DS].valid);
}
END_TEST

START_TEST(load_ds_beyond_gdt_limit_is_gp_sel)
{
    env_s.gdtr.limit = 0x4F;
    struct env_snapshot snap;
    env_snap(&snap);
    struct cpu_result r = cpu_load_seg(&env_s, &env_mem, SEG_DS, 0x53);
    ASSERT_FAULT(r, VEC_GP, 0x50);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(load_ds_from_ldt)
{
    env_user_mode();
    env_put_desc(ENV_LDT, 2, 0x400000, 0xFFF, 0x2, true, 3, true, true, false);
    struct cpu_result r = cpu_load_seg(&env_s, &env_mem, SEG_FS, 0x17); /* LDT[2], RPL 3 */
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.seg[SEG_FS].base, 0x400000);
    ck_assert_uint_eq(env_s.seg[SEG_FS].limit, 0xFFF);
    ck_assert_uint_eq(env_s.seg[SEG_FS].sel, 0x17);
    ck_assert_uint_eq(env_ram[ENV_LDT + 2 * 8 + 5] & 0xF, 0x3);
}
END_TEST

START_TEST(load_ds_through_null_ldtr_is_gp_sel)
{
    env_s.ldtr = cpu_null_seg(0);
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_DS, 0x14), VEC_GP, 0x14);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(load_ds_system_descriptor_is_gp_sel)
{
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_DS, SEL_TSS), VEC_GP, SEL_TSS);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(load_ds_execute_only_code_is_gp_sel)
{
    env_put_desc(ENV_GDT, 10, 0, 0xFFFFF, 0x8, true, 0, true, true, true);
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_GS, 0x50), VEC_GP, 0x50);
}
END_TEST

START_TEST(load_ds_readable_code_is_allowed)
{
    env_user_mode();
    ck_assert_int_eq(cpu_load_seg(&env_s, &env_mem, SEG_DS, SEL_UCODE | 3).status, CPU_OK);
    ck_assert_uint_eq(SEG_ATTR_TYPE(env_s.seg[SEG_DS].attr), 0xB);
}
END_TEST

START_TEST(load_ds_dpl_below_cpl_is_gp_sel)
{
    env_user_mode();
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_DS, SEL_KDATA | 3), VEC_GP, SEL_KDATA);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(load_ds_rpl_above_dpl_is_gp_sel)
{
    /* CPL 0, but RPL 3 > DPL 0 (SDM §5.7). */
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_DS, SEL_KDATA | 3), VEC_GP, SEL_KDATA);
}
END_TEST

START_TEST(load_ds_conforming_code_ignores_privilege)
{
    env_user_mode();
    struct cpu_result r = cpu_load_seg(&env_s, &env_mem, SEG_ES, SEL_KCONF | 3);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.seg[SEG_ES].sel, SEL_KCONF | 3);
}
END_TEST

START_TEST(load_ds_not_present_is_np_sel)
{
    env_put_desc(ENV_GDT, 10, 0, 0xFFFFF, 0x2, true, 0, false, true, true);
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_DS, 0x50), VEC_NP, 0x50);
    ck_assert(env_unchanged(&snap));
}
END_TEST

/* ---- SS ---- */

START_TEST(load_ss_sets_cache_and_inhibits_interrupts)
{
    env_s.eip = 0x1234;
    ck_assert_int_eq(cpu_load_seg(&env_s, &env_mem, SEG_SS, SEL_KDATA).status, CPU_OK);
    struct seg_cache want = env_flat(SEL_KDATA, 0x3, 0);
    ck_assert(env_cache_eq(&env_s.seg[SEG_SS], &want));
    ck_assert(env_s.inhibit_irq);
    ck_assert_uint_eq(env_s.eip, 0x1234);
}
END_TEST

START_TEST(mov_to_ss_advances_eip_and_inhibits_next_boundary)
{
    env_s.eip = 0x1234;
    ck_assert_int_eq(cpu_mov_to_sreg(&env_s, &env_mem, SEG_SS, SEL_KDATA, 0x1236).status, CPU_OK);
    ck_assert_uint_eq(env_s.eip, 0x1236);
    ck_assert(env_s.inhibit_irq);
    ck_assert_uint_eq(env_s.inhibit_eip, 0x1236);
}
END_TEST

START_TEST(load_ss_null_is_gp0)
{
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_SS, 0), VEC_GP, 0);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(load_ss_wrong_dpl_is_gp_sel)
{
    /* RPL 0 = CPL 0 but DPL 3. */
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_SS, SEL_UDATA), VEC_GP, SEL_UDATA);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(load_ss_rpl_not_cpl_is_gp_sel)
{
    env_user_mode();
    /* DPL 3 data, CPL 3, but RPL 0. */
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_SS, SEL_UDATA), VEC_GP, SEL_UDATA);
}
END_TEST

START_TEST(load_ss_read_only_or_code_is_gp_sel)
{
    env_put_desc(ENV_GDT, 10, 0, 0xFFFFF, 0x0, true, 0, true, true, true);
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_SS, 0x50), VEC_GP, 0x50);
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_SS, SEL_KCODE), VEC_GP, SEL_KCODE);
}
END_TEST

START_TEST(load_ss_not_present_is_ss_sel)
{
    env_put_desc(ENV_GDT, 10, 0, 0xFFFFF, 0x2, true, 0, false, true, true);
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_load_seg(&env_s, &env_mem, SEG_SS, 0x50), VEC_SS, 0x50);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(load_cs_is_ud)
{
    struct cpu_result r = cpu_load_seg(&env_s, &env_mem, SEG_CS, SEL_KCODE);
    ck_assert_int_eq(r.status, CPU_FAULT);
    ck_assert_uint_eq(r.fault.vector, VEC_UD);
}
END_TEST

START_TEST(load_in_real_mode_shifts_selector)
{
    env_s.cr0 = 0;
    ck_assert_int_eq(cpu_load_seg(&env_s, &env_mem, SEG_ES, 0x1234).status, CPU_OK);
    ck_assert_uint_eq(env_s.seg[SEG_ES].base, 0x12340);
    ck_assert_uint_eq(env_s.seg[SEG_ES].sel, 0x1234);
}
END_TEST

START_TEST(accessed_bit_write_to_read_only_gdt_page_faults)
{
    /* CR0.WP = 1 and a read-only GDT page: the A write-back is a supervisor write #PF. */
    env_paging_on();
    env_s.cr0 |= CR0_WP;
    env_set_pte(ENV_GDT, MMU_PTE_P | MMU_PTE_A | MMU_PTE_D);
    struct env_snapshot snap;
    env_snap(&snap);
    struct cpu_result r = cpu_load_seg(&env_s, &env_mem, SEG_DS, SEL_KDATA);
    ASSERT_FAULT(r, VEC_PF, MMU_PF_P | MMU_PF_W);
    ck_assert_uint_eq(r.fault.cr2, ENV_GDT + 2 * 8 + 5);
    ck_assert(env_unchanged(&snap));
}
END_TEST

/* ---- LAR / LSL / VERR / VERW ---- */

START_TEST(lar_returns_masked_access_rights)
{
    uint32_t v = 0xDEAD;
    env_s.eflags &= ~EFLAGS_ZF;
    ck_assert_int_eq(cpu_lar(&env_s, &env_mem, SEL_KCODE, CPU_OP32, &v).status, CPU_OK);
    ck_assert(env_s.eflags & EFLAGS_ZF);
    ck_assert_uint_eq(v, env_rd32(ENV_GDT + 8 + 4) & 0x00F0FF00u);
    ck_assert_uint_eq(v, 0x00C09A00u); /* limit 19:16 masked out */
    ck_assert_int_eq(cpu_lar(&env_s, &env_mem, SEL_KCODE, CPU_OP16, &v).status, CPU_OK);
    ck_assert_uint_eq(v, 0x9A00u);
    ck_assert_uint_eq(env_gdt_type(1), 0xA); /* LAR does not set the accessed bit */
}
END_TEST

START_TEST(lar_null_or_beyond_clears_zf_and_keeps_dest)
{
    uint32_t v = 0xDEAD;
    env_s.eflags |= EFLAGS_ZF;
    ck_assert_int_eq(cpu_lar(&env_s, &env_mem, 0x0000, CPU_OP32, &v).status, CPU_OK);
    ck_assert(!(env_s.eflags & EFLAGS_ZF));
    ck_assert_uint_eq(v, 0xDEAD);
    env_s.eflags |= EFLAGS_ZF;
    ck_assert_int_eq(cpu_lar(&env_s, &env_mem, 0x0400, CPU_OP32, &v).status, CPU_OK);
    ck_assert(!(env_s.eflags & EFLAGS_ZF));
}
END_TEST

START_TEST(lar_privilege_and_types)
{
    uint32_t v = 0;
    env_user_mode();
    /* DPL 0 data at CPL 3: invisible; DPL 0 conforming code: visible. */
    cpu_lar(&env_s, &env_mem, SEL_KDATA | 3, CPU_OP32, &v);
    ck_assert(!(env_s.eflags & EFLAGS_ZF));
    cpu_lar(&env_s, &env_mem, SEL_KCONF | 3, CPU_OP32, &v);
    ck_assert(env_s.eflags & EFLAGS_ZF);
    /* A DPL 3 interrupt gate is never valid for LAR; a DPL 3 call gate is. */
    env_put_gate(ENV_GDT, 10, 0xE, 3, true, SEL_KCODE, 0, 0);
    cpu_lar(&env_s, &env_mem, 0x53, CPU_OP32, &v);
    ck_assert(!(env_s.eflags & EFLAGS_ZF));
    env_put_gate(ENV_GDT, 10, 0xC, 3, true, SEL_KCODE, 0, 0);
    cpu_lar(&env_s, &env_mem, 0x53, CPU_OP32, &v);
    ck_assert(env_s.eflags & EFLAGS_ZF);
    ck_assert_uint_eq(v, 0xEC00);
}
END_TEST

START_TEST(lsl_returns_scaled_limit_and_rejects_gates)
{
    uint32_t v = 0;
    env_put_desc(ENV_GDT, 10, 0, 0x12345, 0x2, true, 0, false, true, true);
    ck_assert_int_eq(cpu_lsl(&env_s, &env_mem, 0x50, CPU_OP32, &v).status, CPU_OK);
    ck_assert(env_s.eflags & EFLAGS_ZF); /* not present does not matter */
    ck_assert_uint_eq(v, 0x12345FFF);
    cpu_lsl(&env_s, &env_mem, SEL_TSS, CPU_OP32, &v);
    ck_assert(env_s.eflags & EFLAGS_ZF);
    ck_assert_uint_eq(v, 0x67);
    env_put_gate(ENV_GDT, 11, 0xC, 0, true, SEL_KCODE, 0, 0);
    cpu_lsl(&env_s, &env_mem, 0x58, CPU_OP32, &v);
    ck_assert(!(env_s.eflags & EFLAGS_ZF));
}
END_TEST

START_TEST(verr_verw)
{
    env_user_mode();
    cpu_verr(&env_s, &env_mem, SEL_UCODE | 3);
    ck_assert(env_s.eflags & EFLAGS_ZF);
    cpu_verw(&env_s, &env_mem, SEL_UCODE | 3);
    ck_assert(!(env_s.eflags & EFLAGS_ZF));
    cpu_verw(&env_s, &env_mem, SEL_UDATA | 3);
    ck_assert(env_s.eflags & EFLAGS_ZF);
    cpu_verw(&env_s, &env_mem, SEL_KDATA | 3); /* DPL 0 < CPL 3 */
    ck_assert(!(env_s.eflags & EFLAGS_ZF));
    cpu_verr(&env_s, &env_mem, SEL_KCONF | 3); /* conforming readable code */
    ck_assert(env_s.eflags & EFLAGS_ZF);
    cpu_verr(&env_s, &env_mem, SEL_TSS | 3); /* system */
    ck_assert(!(env_s.eflags & EFLAGS_ZF));
    /* Execute-only code is not readable. */
    env_put_desc(ENV_GDT, 10, 0, 0xFFFFF, 0x8, true, 3, true, true, true);
    cpu_verr(&env_s, &env_mem, 0x53);
    ck_assert(!(env_s.eflags & EFLAGS_ZF));
}
END_TEST

/* ---- LLDT / LTR ---- */

START_TEST(lldt_loads_and_null_invalidates)
{
    env_put_desc(ENV_GDT, 10, 0x6000, 0xFF, 0x2, false, 0, true, false, false);
    ck_assert_int_eq(cpu_lldt(&env_s, &env_mem, 0x50).status, CPU_OK);
    ck_assert_uint_eq(env_s.ldtr.sel, 0x50);
    ck_assert_uint_eq(env_s.ldtr.base, 0x6000);
    ck_assert_uint_eq(env_s.ldtr.limit, 0xFF);
    ck_assert(env_s.ldtr.valid);
    /* Bits 15:2 zero: null, LDTR invalid. */
    ck_assert_int_eq(cpu_lldt(&env_s, &env_mem, 0x0003).status, CPU_OK);
    ck_assert(!env_s.ldtr.valid);
    ck_assert_uint_eq(env_s.ldtr.sel, 0x0003);
}
END_TEST

START_TEST(lldt_faults)
{
    struct env_snapshot snap;
    env_put_desc(ENV_GDT, 10, 0x6000, 0xFF, 0x2, false, 0, false, false, false);
    env_snap(&snap);
    ASSERT_FAULT(cpu_lldt(&env_s, &env_mem, SEL_KDATA), VEC_GP, SEL_KDATA); /* not an LDT */
    ASSERT_FAULT(cpu_lldt(&env_s, &env_mem, 0x0004), VEC_GP, 0x0004);       /* TI = 1 */
    ASSERT_FAULT(cpu_lldt(&env_s, &env_mem, 0x0800), VEC_GP, 0x0800);       /* past the GDT */
    ASSERT_FAULT(cpu_lldt(&env_s, &env_mem, 0x50), VEC_NP, 0x50);           /* not present */
    ck_assert(env_unchanged(&snap));
    env_s.cpl = 3;
    ASSERT_FAULT(cpu_lldt(&env_s, &env_mem, SEL_LDT), VEC_GP, 0); /* CPL != 0 */
}
END_TEST

START_TEST(ltr_marks_tss_busy)
{
    env_put_desc(ENV_GDT, 10, 0x4800, 0x67, 0x9, false, 0, true, false, false);
    struct cpu_result r = cpu_ltr(&env_s, &env_mem, 0x50);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_gdt_type(10), 0xB);
    ck_assert_uint_eq(env_s.tr.sel, 0x50);
    ck_assert_uint_eq(env_s.tr.base, 0x4800);
    ck_assert_uint_eq(env_s.tr.limit, 0x67);
    ck_assert_uint_eq(SEG_ATTR_TYPE(env_s.tr.attr), 0xB);
    /* A second LTR of the now busy TSS is #GP(sel). */
    ASSERT_FAULT(cpu_ltr(&env_s, &env_mem, 0x50), VEC_GP, 0x50);
}
END_TEST

START_TEST(ltr_faults)
{
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_ltr(&env_s, &env_mem, 0x0003), VEC_GP, 0);
    ASSERT_FAULT(cpu_ltr(&env_s, &env_mem, SEL_LDT), VEC_GP, SEL_LDT);
    ck_assert(env_unchanged(&snap));
    env_put_desc(ENV_GDT, 10, 0x4800, 0x67, 0x1, false, 0, false, false, false);
    env_snap(&snap);
    ASSERT_FAULT(cpu_ltr(&env_s, &env_mem, 0x50), VEC_NP, 0x50);
    ck_assert(env_unchanged(&snap));
}
END_TEST

static Suite *cpu_seg_suite(void)
{
    Suite *s = suite_create("cpu_seg");
    TCase *tc = tcase_create("seg");
    tcase_add_checked_fixture(tc, env_setup, env_teardown);
    tcase_add_test(tc, descriptor_fields_decode);
    tcase_add_test(tc, descriptor_fetch_checks_the_last_byte_against_the_limit);
    tcase_add_test(tc, load_ds_fills_cache_and_sets_accessed_bit);
    tcase_add_test(tc, load_ds_with_accessed_already_set_writes_nothing);
    tcase_add_test(tc, load_ds_null_selector_marks_unusable);
    tcase_add_test(tc, load_ds_beyond_gdt_limit_is_gp_sel);
    tcase_add_test(tc, load_ds_from_ldt);
    tcase_add_test(tc, load_ds_through_null_ldtr_is_gp_sel);
    tcase_add_test(tc, load_ds_system_descriptor_is_gp_sel);
    tcase_add_test(tc, load_ds_execute_only_code_is_gp_sel);
    tcase_add_test(tc, load_ds_readable_code_is_allowed);
    tcase_add_test(tc, load_ds_dpl_below_cpl_is_gp_sel);
    tcase_add_test(tc, load_ds_rpl_above_dpl_is_gp_sel);
    tcase_add_test(tc, load_ds_conforming_code_ignores_privilege);
    tcase_add_test(tc, load_ds_not_present_is_np_sel);
    tcase_add_test(tc, load_ss_sets_cache_and_inhibits_interrupts);
    tcase_add_test(tc, mov_to_ss_advances_eip_and_inhibits_next_boundary);
    tcase_add_test(tc, load_ss_null_is_gp0);
    tcase_add_test(tc, load_ss_wrong_dpl_is_gp_sel);
    tcase_add_test(tc, load_ss_rpl_not_cpl_is_gp_sel);
    tcase_add_test(tc, load_ss_read_only_or_code_is_gp_sel);
    tcase_add_test(tc, load_ss_not_present_is_ss_sel);
    tcase_add_test(tc, load_cs_is_ud);
    tcase_add_test(tc, load_in_real_mode_shifts_selector);
    tcase_add_test(tc, accessed_bit_write_to_read_only_gdt_page_faults);
    tcase_add_test(tc, lar_returns_masked_access_rights);
    tcase_add_test(tc, lar_null_or_beyond_clears_zf_and_keeps_dest);
    tcase_add_test(tc, lar_privilege_and_types);
    tcase_add_test(tc, lsl_returns_scaled_limit_and_rejects_gates);
    tcase_add_test(tc, verr_verw);
    tcase_add_test(tc, lldt_loads_and_null_invalidates);
    tcase_add_test(tc, lldt_faults);
    tcase_add_test(tc, ltr_marks_tss_busy);
    tcase_add_test(tc, ltr_faults);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(cpu_seg_suite)
