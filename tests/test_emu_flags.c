/* test_emu_flags.c — CLI, STI, PUSHF, POPF, HLT on the guest's EFLAGS. */
#include "tests/test_emu_common.h"
#include "tests/unit.h"

START_TEST(cli_at_cpl0_clears_if)
{
    env.s.eflags |= EFLAGS_IF;
    struct emu_result r = RUN32(0xFA);
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.eflags, EFLAGS_FIXED);
    ck_assert_uint_eq(env.s.eip, T_CODE + 1);
    ck_assert_uint_eq(r.next_eip, T_CODE + 1);
    ck_assert(r.flags & EMU_F_EFLAGS_SYS);
}
END_TEST

START_TEST(cli_at_cpl3_iopl0_is_gp0_and_keeps_if)
{
    set_cpl(3);
    env.s.eflags |= EFLAGS_IF;
    struct emu_result r = RUN32(0xFA);
    ASSERT_FAULT(r, VEC_GP, 0);
    ck_assert(r.fault.has_error_code);
    ck_assert_uint_eq(env.s.eflags, EFLAGS_FIXED | EFLAGS_IF);
    ck_assert_uint_eq(env.s.eip, T_CODE);
    ck_assert_uint_eq(r.next_eip, T_CODE);
}
END_TEST

START_TEST(cli_at_cpl3_iopl3_is_allowed)
{
    set_cpl(3);
    set_iopl(3);
    env.s.eflags |= EFLAGS_IF;
    ASSERT_DONE(RUN32(0xFA));
    ck_assert_uint_eq(env.s.eflags, EFLAGS_FIXED | EFLAGS_IOPL);
}
END_TEST

START_TEST(cli_at_cpl1_iopl1_allowed_cpl2_not)
{
    set_cpl(1);
    set_iopl(1);
    env.s.eflags |= EFLAGS_IF;
    ASSERT_DONE(RUN32(0xFA));
    set_cpl(2);
    env.s.eip = T_CODE;
    ASSERT_FAULT(RUN32(0xFA), VEC_GP, 0);
}
END_TEST

START_TEST(sti_sets_if_and_the_shadow)
{
    struct emu_result r = RUN32(0xFB);
    ASSERT_DONE(r);
    ck_assert(env.s.eflags & EFLAGS_IF);
    ck_assert(env.s.inhibit_irq);
    ck_assert_uint_eq(env.s.inhibit_eip, T_CODE + 1);
    ck_assert(r.flags & EMU_F_SHADOW);
    ck_assert(r.flags & EMU_F_IF_SET);
}
END_TEST

START_TEST(sti_with_if_already_set_opens_no_shadow)
{
    env.s.eflags |= EFLAGS_IF;
    struct emu_result r = RUN32(0xFB);
    ASSERT_DONE(r);
    ck_assert(!env.s.inhibit_irq);
    ck_assert(!(r.flags & (EMU_F_SHADOW | EMU_F_IF_SET)));
}
END_TEST

START_TEST(sti_at_cpl3_iopl0_is_gp0_without_shadow)
{
    set_cpl(3);
    struct emu_result r = RUN32(0xFB);
    ASSERT_FAULT(r, VEC_GP, 0);
    ck_assert(!(env.s.eflags & EFLAGS_IF));
    ck_assert(!env.s.inhibit_irq);
}
END_TEST

START_TEST(the_shadowed_instruction_ends_the_shadow)
{
    ASSERT_DONE(RUN32(0xFB)); /* sti at T_CODE */
    ck_assert(env.s.inhibit_irq);
    ASSERT_DONE(RUN32(0xFA)); /* cli at T_CODE + 1, inside the shadow */
    ck_assert(!env.s.inhibit_irq);
    ck_assert(!(env.s.eflags & EFLAGS_IF));
}
END_TEST

START_TEST(cli_in_real_mode_needs_no_privilege)
{
    env.s.cr0 = CR0_ET;
    env.s.cpl = 3; /* ignored: real mode runs at CPL 0 */
    env.s.eflags |= EFLAGS_IF;
    ASSERT_DONE(RUN32(0xFA));
    ck_assert(!(env.s.eflags & EFLAGS_IF));
}
END_TEST

START_TEST(pushfd_stores_eflags_without_vm_and_rf)
{
    env.s.eflags = EFLAGS_FIXED | EFLAGS_IF | EFLAGS_CF | EFLAGS_RF | EFLAGS_AC | (2u << 12);
    put32(T_STACK_TOP - 4, 0xDEADBEEF);
    struct emu_result r = RUN32(0x9C);
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP - 4);
    ck_assert_uint_eq(get32(T_STACK_TOP - 4),
                      EFLAGS_FIXED | EFLAGS_IF | EFLAGS_CF | EFLAGS_AC | (2u << 12));
    ck_assert_uint_eq(r.flags, 0);
}
END_TEST

START_TEST(pushf16_stores_two_bytes)
{
    env.s.eflags = EFLAGS_FIXED | EFLAGS_ZF | EFLAGS_AC | EFLAGS_NT;
    put32(T_STACK_TOP - 4, 0xAAAAAAAA);
    ASSERT_DONE(RUN32(0x66, 0x9C));
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP - 2);
    ck_assert_uint_eq(get16(T_STACK_TOP - 2), EFLAGS_FIXED | EFLAGS_ZF | EFLAGS_NT);
    ck_assert_uint_eq(get16(T_STACK_TOP - 4), 0xAAAA);
    ck_assert_uint_eq(env.s.eip, T_CODE + 2);
}
END_TEST

START_TEST(pushf_on_a_16bit_stack_wraps_sp)
{
    set_seg(SEG_SS, SEL_KDATA, 0x30000, 0xFFFF, 0x03u | SEG_ATTR_S | SEG_ATTR_P);
    env.s.gpr[GPR_ESP] = 0xABCD0000;
    env.s.eflags = EFLAGS_FIXED | EFLAGS_DF;
    ASSERT_DONE(RUN32(0x9C));
    /* SP 0x0000 - 4 wraps to 0xFFFC; the high half of ESP stays. */
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], 0xABCDFFFCu);
    ck_assert_uint_eq(get32(0x30000 + 0xFFFC), EFLAGS_FIXED | EFLAGS_DF);
}
END_TEST

START_TEST(popfd_at_cpl0_loads_if_iopl_and_clears_rf)
{
    env.s.eflags = EFLAGS_FIXED | EFLAGS_RF | EFLAGS_VIP | EFLAGS_VIF;
    put32(T_STACK_TOP, 0xFFFFFFFFu);
    env.s.gpr[GPR_ESP] = T_STACK_TOP;
    struct emu_result r = RUN32(0x9D);
    ASSERT_DONE(r);
    /* Everything writable except RF (cleared), VM, VIF, VIP (kept). */
    ck_assert_uint_eq(env.s.eflags, 0x00247FD7u | EFLAGS_VIP | EFLAGS_VIF);
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP + 4);
    ck_assert(r.flags & EMU_F_IF_SET);
    ck_assert(r.flags & EMU_F_TF_SET);
    ck_assert(r.flags & EMU_F_EFLAGS_SYS);
}
END_TEST

START_TEST(popfd_at_cpl3_keeps_if_and_iopl)
{
    set_cpl(3);
    env.s.eflags = EFLAGS_FIXED | EFLAGS_IF;
    env.s.gpr[GPR_ESP] = T_STACK_TOP;
    put32(T_STACK_TOP, EFLAGS_CF | EFLAGS_IOPL | EFLAGS_DF | EFLAGS_AC);
    struct emu_result r = RUN32(0x9D);
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.eflags, EFLAGS_FIXED | EFLAGS_IF | EFLAGS_CF | EFLAGS_DF | EFLAGS_AC);
}
END_TEST

START_TEST(popfd_at_cpl3_iopl3_changes_if_not_iopl)
{
    set_cpl(3);
    set_iopl(3);
    env.s.eflags |= EFLAGS_IF;
    env.s.gpr[GPR_ESP] = T_STACK_TOP;
    put32(T_STACK_TOP, EFLAGS_ZF); /* IF = 0, IOPL = 0 in the image */
    ASSERT_DONE(RUN32(0x9D));
    ck_assert_uint_eq(env.s.eflags, EFLAGS_FIXED | EFLAGS_ZF | EFLAGS_IOPL);
}
END_TEST

START_TEST(popf16_at_cpl0_leaves_the_high_half)
{
    env.s.eflags = EFLAGS_FIXED | EFLAGS_AC | EFLAGS_ID | EFLAGS_RF;
    env.s.gpr[GPR_ESP] = T_STACK_TOP;
    put32(T_STACK_TOP, 0xFFFF0000u | EFLAGS_IF | EFLAGS_OF | (1u << 12));
    ASSERT_DONE(RUN32(0x66, 0x9D));
    ck_assert_uint_eq(env.s.eflags, EFLAGS_FIXED | EFLAGS_AC | EFLAGS_ID | EFLAGS_RF | EFLAGS_IF |
                                        EFLAGS_OF | (1u << 12));
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP + 2);
}
END_TEST

START_TEST(popf16_at_cpl3_keeps_if_and_iopl)
{
    set_cpl(3);
    env.s.eflags = EFLAGS_FIXED;
    env.s.gpr[GPR_ESP] = T_STACK_TOP;
    put16(T_STACK_TOP, EFLAGS_IF | EFLAGS_IOPL | EFLAGS_SF);
    ASSERT_DONE(RUN32(0x66, 0x9D));
    ck_assert_uint_eq(env.s.eflags, EFLAGS_FIXED | EFLAGS_SF);
}
END_TEST

START_TEST(popf_beyond_the_stack_limit_is_ss0_and_changes_nothing)
{
    set_seg(SEG_SS, SEL_KDATA, 0, 0x8FFF, ATTR_DATA32(0) & ~SEG_ATTR_G);
    env.s.gpr[GPR_ESP] = 0x8FFE;
    env.s.eflags = EFLAGS_FIXED | EFLAGS_CF;
    struct emu_result r = RUN32(0x9D);
    ASSERT_FAULT(r, VEC_SS, 0);
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], 0x8FFE);
    ck_assert_uint_eq(env.s.eflags, EFLAGS_FIXED | EFLAGS_CF);
}
END_TEST

START_TEST(pushf_and_popf_in_vm86_with_iopl0_are_gp0)
{
    env.s.eflags |= EFLAGS_VM;
    env.s.cpl = 3;
    ASSERT_FAULT(RUN32(0x9C), VEC_GP, 0);
    ASSERT_FAULT(RUN32(0x9D), VEC_GP, 0);
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP);
}
END_TEST

START_TEST(hlt_at_cpl0_halts)
{
    struct emu_result r = RUN32(0xF4);
    ASSERT_DONE(r);
    ck_assert(env.s.halted);
    ck_assert(r.flags & EMU_F_HALT);
    ck_assert_uint_eq(env.s.eip, T_CODE + 1);
}
END_TEST

START_TEST(hlt_at_cpl3_is_gp0)
{
    set_cpl(3);
    set_iopl(3);
    struct emu_result r = RUN32(0xF4);
    ASSERT_FAULT(r, VEC_GP, 0);
    ck_assert(!env.s.halted);
}
END_TEST

static Suite *emu_flags_suite(void)
{
    Suite *s = suite_create("emu_flags");
    TCase *tc = tcase_create("flags");
    tcase_add_checked_fixture(tc, env_setup, env_teardown);
    tcase_add_test(tc, cli_at_cpl0_clears_if);
    tcase_add_test(tc, cli_at_cpl3_iopl0_is_gp0_and_keeps_if);
    tcase_add_test(tc, cli_at_cpl3_iopl3_is_allowed);
    tcase_add_test(tc, cli_at_cpl1_iopl1_allowed_cpl2_not);
    tcase_add_test(tc, sti_sets_if_and_the_shadow);
    tcase_add_test(tc, sti_with_if_already_set_opens_no_shadow);
    tcase_add_test(tc, sti_at_cpl3_iopl0_is_gp0_without_shadow);
    tcase_add_test(tc, the_shadowed_instruction_ends_the_shadow);
    tcase_add_test(tc, cli_in_real_mode_needs_no_privilege);
    tcase_add_test(tc, pushfd_stores_eflags_without_vm_and_rf);
    tcase_add_test(tc, pushf16_stores_two_bytes);
    tcase_add_test(tc, pushf_on_a_16bit_stack_wraps_sp);
    tcase_add_test(tc, popfd_at_cpl0_loads_if_iopl_and_clears_rf);
    tcase_add_test(tc, popfd_at_cpl3_keeps_if_and_iopl);
    tcase_add_test(tc, popfd_at_cpl3_iopl3_changes_if_not_iopl);
    tcase_add_test(tc, popf16_at_cpl0_leaves_the_high_half);
    tcase_add_test(tc, popf16_at_cpl3_keeps_if_and_iopl);
    tcase_add_test(tc, popf_beyond_the_stack_limit_is_ss0_and_changes_nothing);
    tcase_add_test(tc, pushf_and_popf_in_vm86_with_iopl0_are_gp0);
    tcase_add_test(tc, hlt_at_cpl0_halts);
    tcase_add_test(tc, hlt_at_cpl3_is_gp0);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(emu_flags_suite)
