/* test_emu_route.c — instructions handed to the protection engine: the operands the
 * emulator fetches, the op it calls, and what it does with the op's outcome. */
#include "tests/test_emu_common.h"
#include "tests/unit.h"

#include <string.h>

static void assert_called(const char *name)
{
    ck_assert_uint_eq(env.rec.calls, 1);
    ck_assert_str_eq(env.rec.name, name);
}

/* --- segment loads ---------------------------------------------------------------------- */
START_TEST(mov_ax_to_ss_loads_and_opens_the_shadow)
{
    env.s.gpr[GPR_EAX] = 0xFFFF0010u;
    struct emu_result r = RUN32(0x8E, 0xD0); /* mov %ax,%ss */
    ASSERT_DONE(r);
    assert_called("load_seg");
    ck_assert_int_eq(env.rec.seg, SEG_SS);
    ck_assert_uint_eq(env.rec.sel, 0x10);
    ck_assert(env.s.inhibit_irq);
    ck_assert_uint_eq(env.s.inhibit_eip, T_CODE + 2);
    ck_assert(r.flags & EMU_F_SHADOW);
    ck_assert(r.flags & EMU_F_SEG);
    ck_assert_uint_eq(r.seg_mask, 1u << SEG_SS);
    ck_assert_uint_eq(env.s.eip, T_CODE + 2);
}
END_TEST

START_TEST(failing_mov_to_ss_opens_no_shadow)
{
    env.rec.fail = guest_fault_make(VEC_GP, true, 0x18);
    env.s.gpr[GPR_EAX] = 0x18;
    struct emu_result r = RUN32(0x8E, 0xD0);
    ASSERT_FAULT(r, VEC_GP, 0x18);
    ck_assert(!env.s.inhibit_irq);
    ck_assert_uint_eq(env.s.eip, T_CODE);
    ck_assert_uint_eq(env.s.seg[SEG_SS].sel, SEL_KDATA);
}
END_TEST

START_TEST(mov_ds_opens_no_shadow)
{
    env.s.gpr[GPR_EAX] = 0x23;
    struct emu_result r = RUN32(0x8E, 0xD8); /* mov %ax,%ds */
    ASSERT_DONE(r);
    ck_assert_int_eq(env.rec.seg, SEG_DS);
    ck_assert(!env.s.inhibit_irq);
    ck_assert_uint_eq(r.flags & EMU_F_SHADOW, 0);
    ck_assert_uint_eq(r.seg_mask, 1u << SEG_DS);
}
END_TEST

START_TEST(mov_es_from_memory_reads_16_bits)
{
    put32(T_DATA, 0xFFFF002Bu);
    ASSERT_DONE(RUN32(0x8E, 0x05, 0x00, 0x00, 0x02, 0x00)); /* mov 0x20000,%es */
    ck_assert_int_eq(env.rec.seg, SEG_ES);
    ck_assert_uint_eq(env.rec.sel, 0x2B);
}
END_TEST

START_TEST(mov_to_sreg_from_bad_memory_never_calls_the_op)
{
    env.s.seg[SEG_DS].limit = 0x1000;
    ASSERT_FAULT(RUN32(0x8E, 0x05, 0x00, 0x00, 0x02, 0x00), VEC_GP, 0);
    ck_assert_uint_eq(env.rec.calls, 0);
}
END_TEST

START_TEST(pop_ds_pops_four_bytes_after_the_load)
{
    env.s.gpr[GPR_ESP] = T_STACK_TOP - 4;
    put32(T_STACK_TOP - 4, 0xABCD0023u);
    struct emu_result r = RUN32(0x1F); /* pop %ds */
    ASSERT_DONE(r);
    assert_called("load_seg");
    ck_assert_int_eq(env.rec.seg, SEG_DS);
    ck_assert_uint_eq(env.rec.sel, 0x23);
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP);
    ck_assert(!env.s.inhibit_irq);
}
END_TEST

START_TEST(pop_ss_opens_the_shadow)
{
    env.s.gpr[GPR_ESP] = T_STACK_TOP - 4;
    put32(T_STACK_TOP - 4, 0x10);
    struct emu_result r = RUN32(0x17); /* pop %ss */
    ASSERT_DONE(r);
    ck_assert_int_eq(env.rec.seg, SEG_SS);
    ck_assert(r.flags & EMU_F_SHADOW);
    ck_assert(env.s.inhibit_irq);
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP);
}
END_TEST

START_TEST(popw_fs_pops_two_bytes)
{
    env.s.gpr[GPR_ESP] = T_STACK_TOP - 2;
    put16(T_STACK_TOP - 2, 0x33);
    ASSERT_DONE(RUN32(0x66, 0x0F, 0xA1)); /* popw %fs */
    ck_assert_int_eq(env.rec.seg, SEG_FS);
    ck_assert_uint_eq(env.rec.sel, 0x33);
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP);
}
END_TEST

START_TEST(failing_pop_keeps_esp)
{
    env.rec.fail = guest_fault_make(VEC_NP, true, 0x40);
    env.s.gpr[GPR_ESP] = T_STACK_TOP - 4;
    put32(T_STACK_TOP - 4, 0x40);
    ASSERT_FAULT(RUN32(0x07), VEC_NP, 0x40); /* pop %es */
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP - 4);
}
END_TEST

START_TEST(pop_beyond_the_stack_limit_is_ss0_before_the_op)
{
    set_seg(SEG_SS, SEL_KDATA, 0, 0x8FFF, 0x03u | SEG_ATTR_S | SEG_ATTR_P | SEG_ATTR_DB);
    env.s.gpr[GPR_ESP] = 0x8FFE;
    ASSERT_FAULT(RUN32(0x1F), VEC_SS, 0);
    ck_assert_uint_eq(env.rec.calls, 0);
}
END_TEST

START_TEST(lds_reads_offset_then_selector)
{
    put32(T_DATA, 0x11223344);
    put16(T_DATA + 4, 0x0023);
    struct emu_result r = RUN32(0xC5, 0x05, 0x00, 0x00, 0x02, 0x00); /* lds 0x20000,%eax */
    ASSERT_DONE(r);
    assert_called("load_seg");
    ck_assert_int_eq(env.rec.seg, SEG_DS);
    ck_assert_uint_eq(env.rec.sel, 0x23);
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x11223344);
}
END_TEST

START_TEST(lss_sets_esp_without_a_shadow)
{
    put32(T_DATA, 0x00088000);
    put16(T_DATA + 4, 0x0010);
    struct emu_result r = RUN32(0x0F, 0xB2, 0x25, 0x00, 0x00, 0x02, 0x00); /* lss 0x20000,%esp */
    ASSERT_DONE(r);
    ck_assert_int_eq(env.rec.seg, SEG_SS);
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], 0x00088000);
    ck_assert(!env.s.inhibit_irq);
    ck_assert_uint_eq(r.flags & EMU_F_SHADOW, 0);
}
END_TEST

START_TEST(lds_with_16bit_operand_size)
{
    put32(T_DATA, 0x002B5678); /* offset 0x5678, selector 0x002B */
    env.s.gpr[GPR_EAX] = 0xAAAA0000u;
    ASSERT_DONE(RUN32(0x66, 0xC5, 0x05, 0x00, 0x00, 0x02, 0x00)); /* lds 0x20000,%ax */
    ck_assert_uint_eq(env.rec.sel, 0x2B);
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xAAAA5678u);
}
END_TEST

START_TEST(failing_lfs_keeps_the_register)
{
    env.rec.fail = guest_fault_make(VEC_GP, true, 0x30);
    put32(T_DATA, 0x1234);
    put16(T_DATA + 4, 0x30);
    env.s.gpr[GPR_ESI] = T_DATA;
    env.s.gpr[GPR_ECX] = 0x77;
    ASSERT_FAULT(RUN32(0x0F, 0xB4, 0x0E), VEC_GP, 0x30); /* lfs (%esi),%ecx */
    ck_assert_int_eq(env.rec.seg, SEG_FS);
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], 0x77);
}
END_TEST

/* --- far transfers ----------------------------------------------------------------------- */
START_TEST(ljmp_ptr16_32)
{
    struct emu_result r = RUN32(0xEA, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00);
    ASSERT_DONE(r);
    assert_called("far_jmp");
    ck_assert_uint_eq(env.rec.sel, 0x08);
    ck_assert_uint_eq(env.rec.off, 0x12345678);
    ck_assert_uint_eq(env.rec.opsize, 32);
    ck_assert_uint_eq(env.rec.next_eip, T_CODE + 7);
    ck_assert_uint_eq(env.s.eip, 0x12345678);
    ck_assert_uint_eq(r.next_eip, 0x12345678);
    ck_assert(r.flags & EMU_F_BRANCH);
}
END_TEST

START_TEST(ljmpw_ptr16_16)
{
    ASSERT_DONE(RUN32(0x66, 0xEA, 0x78, 0x56, 0x10, 0x00));
    ck_assert_uint_eq(env.rec.sel, 0x10);
    ck_assert_uint_eq(env.rec.off, 0x5678);
    ck_assert_uint_eq(env.rec.opsize, 16);
    ck_assert_uint_eq(env.rec.next_eip, T_CODE + 6);
}
END_TEST

START_TEST(lcall_through_memory_reads_six_bytes)
{
    put32(0x1000, 0x00401000);
    put16(0x1004, 0x001B);
    struct emu_result r = RUN32(0xFF, 0x1D, 0x00, 0x10, 0x00, 0x00); /* lcall *0x1000 */
    ASSERT_DONE(r);
    assert_called("far_call");
    ck_assert_uint_eq(env.rec.sel, 0x1B);
    ck_assert_uint_eq(env.rec.off, 0x00401000);
    ck_assert_uint_eq(env.rec.opsize, 32);
    ck_assert_uint_eq(env.rec.next_eip, T_CODE + 6);
    ck_assert(r.flags & EMU_F_BRANCH);
    ck_assert(r.flags & EMU_F_SEG);
    ck_assert_uint_eq(r.seg_mask, 1u << SEG_CS);
}
END_TEST

START_TEST(lcallw_through_memory_reads_four_bytes)
{
    put32(0x1000, 0x00201234);
    ASSERT_DONE(RUN32(0x66, 0xFF, 0x1D, 0x00, 0x10, 0x00, 0x00));
    ck_assert_uint_eq(env.rec.sel, 0x20);
    ck_assert_uint_eq(env.rec.off, 0x1234);
    ck_assert_uint_eq(env.rec.opsize, 16);
}
END_TEST

START_TEST(lcall_ptr16_32_and_ljmp_through_a_register_base)
{
    ASSERT_DONE(RUN32(0x9A, 0x00, 0x00, 0x40, 0x00, 0x1B, 0x00));
    ck_assert_str_eq(env.rec.name, "far_call");
    ck_assert_uint_eq(env.rec.off, 0x400000);
    put32(T_DATA + 8, 0xCAFE);
    put16(T_DATA + 12, 0x08);
    env.s.gpr[GPR_EAX] = T_DATA + 8;
    env.s.eip = T_CODE;
    ASSERT_DONE(RUN32(0xFF, 0x28)); /* ljmp *(%eax) */
    ck_assert_str_eq(env.rec.name, "far_jmp");
    ck_assert_uint_eq(env.rec.off, 0xCAFE);
    ck_assert_uint_eq(env.rec.sel, 0x08);
}
END_TEST

START_TEST(lcall_with_the_pointer_beyond_the_limit_never_calls_the_op)
{
    env.s.seg[SEG_DS].limit = 0x1003;
    ASSERT_FAULT(RUN32(0xFF, 0x1D, 0x00, 0x10, 0x00, 0x00), VEC_GP, 0);
    ck_assert_uint_eq(env.rec.calls, 0);
    ck_assert_uint_eq(env.s.eip, T_CODE);
}
END_TEST

START_TEST(lret_passes_operand_size_and_immediate)
{
    ASSERT_DONE(RUN32(0xCA, 0x08, 0x00)); /* lret $8 */
    assert_called("far_ret");
    ck_assert_uint_eq(env.rec.opsize, 32);
    ck_assert_uint_eq(env.rec.imm, 8);
    ck_assert_uint_eq(env.s.eip, 0x1234);
    ASSERT_DONE(RUN32(0x66, 0xCB)); /* lretw */
    ck_assert_uint_eq(env.rec.opsize, 16);
    ck_assert_uint_eq(env.rec.imm, 0);
}
END_TEST

START_TEST(iret_and_iretw)
{
    struct emu_result r = RUN32(0xCF);
    ASSERT_DONE(r);
    assert_called("iret");
    ck_assert_uint_eq(env.rec.opsize, 32);
    ck_assert(r.flags & EMU_F_IF_SET);
    ck_assert(r.flags & EMU_F_BRANCH);
    ASSERT_DONE(RUN32(0x66, 0xCF));
    ck_assert_uint_eq(env.rec.opsize, 16);
}
END_TEST

START_TEST(int_0x80_calls_soft_int)
{
    struct emu_result r = RUN32(0xCD, 0x80);
    ASSERT_DONE(r);
    assert_called("soft_int");
    ck_assert_uint_eq(env.rec.vector, 0x80);
    ck_assert_int_eq(env.rec.kind, EMU_INT_N);
    ck_assert_uint_eq(env.rec.next_eip, T_CODE + 2);
    ck_assert_uint_eq(env.s.eip, 0xC0DE);
    ck_assert(r.flags & EMU_F_BRANCH);
}
END_TEST

START_TEST(int3_int1_and_into)
{
    ASSERT_DONE(RUN32(0xCC));
    ck_assert_uint_eq(env.rec.vector, 3);
    ck_assert_int_eq(env.rec.kind, EMU_INT_INT3);
    ck_assert_uint_eq(env.rec.next_eip, T_CODE + 1);
    env.s.eip = T_CODE;
    ASSERT_DONE(RUN32(0xF1));
    ck_assert_uint_eq(env.rec.vector, 1);
    ck_assert_int_eq(env.rec.kind, EMU_INT_ICEBP);
    env.s.eip = T_CODE;
    env.rec.calls = 0;
    struct emu_result r = RUN32(0xCE); /* into with OF = 0 */
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.rec.calls, 0);
    ck_assert_uint_eq(env.s.eip, T_CODE + 1);
    ck_assert_uint_eq(r.flags & EMU_F_BRANCH, 0);
    env.s.eip = T_CODE;
    env.s.eflags |= EFLAGS_OF;
    ASSERT_DONE(RUN32(0xCE));
    ck_assert_uint_eq(env.rec.vector, 4);
    ck_assert_int_eq(env.rec.kind, EMU_INT_INTO);
}
END_TEST

START_TEST(a_failing_soft_int_passes_its_fault)
{
    env.rec.fail = guest_fault_make(VEC_GP, true, (0x80 << 3) | 2);
    struct emu_result r = RUN32(0xCD, 0x80);
    ASSERT_FAULT(r, VEC_GP, 0x402);
    ck_assert_uint_eq(env.s.eip, T_CODE);
    ck_assert_uint_eq(r.next_eip, T_CODE);
}
END_TEST

START_TEST(sysenter_and_sysexit)
{
    env.s.sysenter_eip = 0xC0100000;
    ASSERT_DONE(RUN32(0x0F, 0x34));
    assert_called("sysenter");
    ck_assert_uint_eq(env.s.eip, 0xC0100000);
    env.s.gpr[GPR_EDX] = 0x08048000;
    ASSERT_DONE(RUN32(0x0F, 0x35));
    ck_assert_str_eq(env.rec.name, "sysexit");
    ck_assert_uint_eq(env.s.eip, 0x08048000);
}
END_TEST

/* --- LAR, LSL, VERR, VERW, LLDT, LTR ---------------------------------------------------------- */
START_TEST(lar_writes_on_zf_only)
{
    env.rec.zf = true;
    env.rec.out = 0x00CF9B00;
    env.s.gpr[GPR_EBX] = 0xFFFF0008u;
    struct emu_result r = RUN32(0x0F, 0x02, 0xC3); /* lar %bx,%eax */
    ASSERT_DONE(r);
    assert_called("lar");
    ck_assert_uint_eq(env.rec.sel, 0x08);
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x00CF9B00);
    ck_assert(env.s.eflags & EFLAGS_ZF);
    env.rec.zf = false;
    env.s.gpr[GPR_EAX] = 0x5555;
    ASSERT_DONE(RUN32(0x0F, 0x02, 0xC3));
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x5555);
    ck_assert(!(env.s.eflags & EFLAGS_ZF));
}
END_TEST

START_TEST(lar_from_memory_into_a_16bit_register)
{
    env.rec.zf = true;
    env.rec.out = 0x00CF9300;
    put16(T_DATA, 0x0023);
    env.s.gpr[GPR_EBX] = T_DATA;
    env.s.gpr[GPR_EAX] = 0xAAAAAAAAu;
    ASSERT_DONE(RUN32(0x66, 0x0F, 0x02, 0x03)); /* lar (%ebx),%ax */
    ck_assert_uint_eq(env.rec.sel, 0x23);
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xAAAA9300u);
}
END_TEST

START_TEST(lsl_verr_verw)
{
    env.rec.zf = true;
    env.rec.out = 0xFFFFF;
    env.s.gpr[GPR_ECX] = 0x10;
    ASSERT_DONE(RUN32(0x0F, 0x03, 0xD1)); /* lsl %cx,%edx */
    ck_assert_str_eq(env.rec.name, "lsl");
    ck_assert_uint_eq(env.s.gpr[GPR_EDX], 0xFFFFF);
    env.rec.zf = false;
    env.s.gpr[GPR_EAX] = 0x1B;
    ASSERT_DONE(RUN32(0x0F, 0x00, 0xE0)); /* verr %ax */
    ck_assert_str_eq(env.rec.name, "verr");
    ck_assert_uint_eq(env.rec.sel, 0x1B);
    ck_assert(!(env.s.eflags & EFLAGS_ZF));
    env.rec.zf = true;
    put16(T_DATA, 0x23);
    env.s.gpr[GPR_EBX] = T_DATA;
    ASSERT_DONE(RUN32(0x0F, 0x00, 0x2B)); /* verw (%ebx) */
    ck_assert_str_eq(env.rec.name, "verw");
    ck_assert_uint_eq(env.rec.sel, 0x23);
    ck_assert(env.s.eflags & EFLAGS_ZF);
}
END_TEST

START_TEST(seg_checks_are_ud_in_real_mode)
{
    env.s.cr0 = CR0_ET;
    ASSERT_UD(RUN32(0x0F, 0x00, 0xE0));
    ASSERT_UD(RUN32(0x0F, 0x02, 0xC3));
    ck_assert_uint_eq(env.rec.calls, 0);
}
END_TEST

START_TEST(lldt_and_ltr)
{
    env.s.gpr[GPR_EAX] = SEL_LDT;
    struct emu_result r = RUN32(0x0F, 0x00, 0xD0); /* lldt %ax */
    ASSERT_DONE(r);
    assert_called("lldt");
    ck_assert_uint_eq(env.rec.sel, SEL_LDT);
    ck_assert(r.flags & EMU_F_LDT);
    put16(T_DATA, SEL_TSS);
    r = RUN32(0x0F, 0x00, 0x1D, 0x00, 0x00, 0x02, 0x00); /* ltr 0x20000 */
    ASSERT_DONE(r);
    ck_assert_str_eq(env.rec.name, "ltr");
    ck_assert_uint_eq(env.rec.sel, SEL_TSS);
    ck_assert(r.flags & EMU_F_TR);
}
END_TEST

START_TEST(lldt_needs_cpl0_and_protected_mode)
{
    set_cpl(3);
    ASSERT_FAULT(RUN32(0x0F, 0x00, 0xD0), VEC_GP, 0);
    set_cpl(0);
    env.s.cr0 = CR0_ET;
    ASSERT_UD(RUN32(0x0F, 0x00, 0xD8));
    ck_assert_uint_eq(env.rec.calls, 0);
}
END_TEST

START_TEST(missing_ops_leave_the_instruction_unhandled)
{
    struct emu_cpu_ops partial;
    memset(&partial, 0, sizeof(partial));
    env.ctx.ops = &partial;
    env.s.gpr[GPR_ESP] = T_STACK_TOP - 4;
    struct emu_result r = RUN32(0x1F); /* pop %ds */
    ck_assert_int_eq(r.status, EMU_UNHANDLED);
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP - 4);
    r = RUN32(0xCD, 0x80);
    ck_assert_int_eq(r.status, EMU_UNHANDLED);
    env.ctx.ops = NULL;
    r = RUN32(0xEA, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00);
    ck_assert_int_eq(r.status, EMU_UNHANDLED);
    r = RUN32(0x0F, 0x00, 0xD0);
    ck_assert_int_eq(r.status, EMU_UNHANDLED);
    ck_assert_uint_eq(env.s.eip, T_CODE);
}
END_TEST

static Suite *emu_route_suite(void)
{
    Suite *s = suite_create("emu_route");
    TCase *sl = tcase_create("segment_loads");
    tcase_add_checked_fixture(sl, env_setup, env_teardown);
    tcase_add_test(sl, mov_ax_to_ss_loads_and_opens_the_shadow);
    tcase_add_test(sl, failing_mov_to_ss_opens_no_shadow);
    tcase_add_test(sl, mov_ds_opens_no_shadow);
    tcase_add_test(sl, mov_es_from_memory_reads_16_bits);
    tcase_add_test(sl, mov_to_sreg_from_bad_memory_never_calls_the_op);
    tcase_add_test(sl, pop_ds_pops_four_bytes_after_the_load);
    tcase_add_test(sl, pop_ss_opens_the_shadow);
    tcase_add_test(sl, popw_fs_pops_two_bytes);
    tcase_add_test(sl, failing_pop_keeps_esp);
    tcase_add_test(sl, pop_beyond_the_stack_limit_is_ss0_before_the_op);
    tcase_add_test(sl, lds_reads_offset_then_selector);
    tcase_add_test(sl, lss_sets_esp_without_a_shadow);
    tcase_add_test(sl, lds_with_16bit_operand_size);
    tcase_add_test(sl, failing_lfs_keeps_the_register);
    suite_add_tcase(s, sl);

    TCase *ft = tcase_create("far_transfers");
    tcase_add_checked_fixture(ft, env_setup, env_teardown);
    tcase_add_test(ft, ljmp_ptr16_32);
    tcase_add_test(ft, ljmpw_ptr16_16);
    tcase_add_test(ft, lcall_through_memory_reads_six_bytes);
    tcase_add_test(ft, lcallw_through_memory_reads_four_bytes);
    tcase_add_test(ft, lcall_ptr16_32_and_ljmp_through_a_register_base);
    tcase_add_test(ft, lcall_with_the_pointer_beyond_the_limit_never_calls_the_op);
    tcase_add_test(ft, lret_passes_operand_size_and_immediate);
    tcase_add_test(ft, iret_and_iretw);
    tcase_add_test(ft, int_0x80_calls_soft_int);
    tcase_add_test(ft, int3_int1_and_into);
    tcase_add_test(ft, a_failing_soft_int_passes_its_fault);
    tcase_add_test(ft, sysenter_and_sysexit);
    suite_add_tcase(s, ft);

    TCase *sc = tcase_create("checks_and_tables");
    tcase_add_checked_fixture(sc, env_setup, env_teardown);
    tcase_add_test(sc, lar_writes_on_zf_only);
    tcase_add_test(sc, lar_from_memory_into_a_16bit_register);
    tcase_add_test(sc, lsl_verr_verw);
    tcase_add_test(sc, seg_checks_are_ud_in_real_mode);
    tcase_add_test(sc, lldt_and_ltr);
    tcase_add_test(sc, lldt_needs_cpl0_and_protected_mode);
    tcase_add_test(sc, missing_ops_leave_the_instruction_unhandled);
    suite_add_tcase(s, sc);
    return s;
}

UNIT_MAIN(emu_route_suite)
