/* test_emu_operand.c — memory operands: addressing forms, segmentation checks, paging
 * faults; register operands; MOV from Sreg and PUSH Sreg. */
#include "monitor/emu_operand.h"
#include "shadow_mmu/walk.h"
#include "tests/test_emu_common.h"
#include "tests/unit.h"

#define ATTR_DATA16(type) ((type) | SEG_ATTR_S | SEG_ATTR_P)

/* sgdt 0x20000 */
#define SGDT_DATA 0x0F, 0x01, 0x05, 0x00, 0x00, 0x02, 0x00

static void gdtr_pattern(void)
{
    env.s.gdtr = (struct dtable_reg){.base = 0x87654321u, .limit = 0xABCD};
}

static void assert_gdtr_at(uint32_t pa)
{
    ck_assert_uint_eq(get16(pa), 0xABCD);
    ck_assert_uint_eq(get32(pa + 2), 0x87654321u);
}

START_TEST(limit_violation_is_gp0_and_writes_nothing)
{
    gdtr_pattern();
    set_seg(SEG_DS, SEL_UDATA, 0, 0x20004, ATTR_DATA16(0x3u) | SEG_ATTR_DB);
    ASSERT_FAULT(RUN32(SGDT_DATA), VEC_GP, 0);
    ck_assert_uint_eq(get32(T_DATA), 0);
    env.s.seg[SEG_DS].limit = 0x20005; /* the last byte exactly at the limit */
    ASSERT_DONE(RUN32(SGDT_DATA));
    assert_gdtr_at(T_DATA);
}
END_TEST

START_TEST(ebp_base_defaults_to_ss_and_faults_ss0)
{
    set_seg(SEG_SS, SEL_KDATA, 0x30000, 0x8FFF, ATTR_DATA16(0x3u) | SEG_ATTR_DB);
    env.s.gpr[GPR_EBP] = 0x8FF0;
    ASSERT_FAULT(RUN32(0x0F, 0x01, 0x65, 0x10), VEC_SS, 0); /* smsw 0x10(%ebp) */
    env.s.gpr[GPR_EBP] = 0x100;
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x65, 0x10));
    ck_assert_uint_eq(get16(0x30110), CR0_PE | CR0_ET);
    ck_assert_uint_eq(get16(0x110), 0);
}
END_TEST

START_TEST(esp_base_defaults_to_ss)
{
    set_seg(SEG_SS, SEL_KDATA, 0x30000, 0xFFFFF, ATTR_DATA16(0x3u) | SEG_ATTR_DB);
    env.s.gpr[GPR_ESP] = 0x200;
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x24, 0x24)); /* smsw (%esp) */
    ck_assert_uint_eq(get16(0x30200), CR0_PE | CR0_ET);
}
END_TEST

START_TEST(ds_override_on_an_ebp_base)
{
    set_seg(SEG_SS, SEL_KDATA, 0x30000, 0xFFFFF, ATTR_DATA16(0x3u) | SEG_ATTR_DB);
    env.s.gpr[GPR_EBP] = T_DATA;
    ASSERT_DONE(RUN32(0x3E, 0x0F, 0x01, 0x65, 0x10)); /* smsw %ds:0x10(%ebp) */
    ck_assert_uint_eq(get16(T_DATA + 0x10), CR0_PE | CR0_ET);
}
END_TEST

START_TEST(null_ds_is_gp0)
{
    env.s.seg[SEG_DS] = (struct seg_cache){.sel = 0, .valid = false};
    ASSERT_FAULT(RUN32(SGDT_DATA), VEC_GP, 0);
    ck_assert_uint_eq(get32(T_DATA), 0);
}
END_TEST

START_TEST(expand_down_segment_valid_above_the_limit)
{
    /* Expand-down, writable, B = 1: valid offsets 0x20000 .. 0xFFFFFFFF. */
    set_seg(SEG_DS, SEL_UDATA, 0, 0x1FFFF, ATTR_DATA16(0x7u) | SEG_ATTR_DB);
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x25, 0x00, 0x00, 0x02, 0x00)); /* smsw 0x20000 */
    ck_assert_uint_eq(get16(T_DATA), CR0_PE | CR0_ET);
    ASSERT_FAULT(RUN32(0x0F, 0x01, 0x25, 0xFF, 0xFF, 0x01, 0x00), VEC_GP, 0); /* 0x1FFFF */
}
END_TEST

START_TEST(expand_down_16bit_segment_ends_at_64k)
{
    /* Expand-down, B = 0: valid offsets limit+1 .. 0xFFFF. */
    set_seg(SEG_DS, SEL_UDATA, 0x40000, 0x0FFF, ATTR_DATA16(0x7u));
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x25, 0xFE, 0xFF, 0x00, 0x00)); /* smsw 0xFFFE */
    ck_assert_uint_eq(get16(0x4FFFE), CR0_PE | CR0_ET);
    ASSERT_FAULT(RUN32(0x0F, 0x01, 0x25, 0xFF, 0xFF, 0x00, 0x00), VEC_GP, 0); /* 0xFFFF */
    ASSERT_FAULT(RUN32(0x0F, 0x01, 0x25, 0x00, 0x08, 0x00, 0x00), VEC_GP, 0); /* 0x0800 */
}
END_TEST

START_TEST(write_to_read_only_data_is_gp0_read_is_fine)
{
    set_seg(SEG_DS, SEL_UDATA, 0, 0xFFFFFFFFu, ATTR_DATA16(0x1u) | SEG_ATTR_DB);
    gdtr_pattern();
    ASSERT_FAULT(RUN32(SGDT_DATA), VEC_GP, 0);
    put16(T_DATA, 0x1FF);
    put32(T_DATA + 2, 0x5000);
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x15, 0x00, 0x00, 0x02, 0x00)); /* lgdt 0x20000 */
    ck_assert_uint_eq(env.s.gdtr.base, 0x5000);
}
END_TEST

START_TEST(code_segment_reads_need_r_and_writes_always_fault)
{
    put16(T_DATA, 0x1FF);
    put32(T_DATA + 2, 0x5000);
    /* lgdt %cs:0x20000 with an execute-only CS */
    env.s.seg[SEG_CS].attr = (uint16_t)((env.s.seg[SEG_CS].attr & ~0xFu) | 0x9u);
    ASSERT_FAULT(RUN32(0x2E, 0x0F, 0x01, 0x15, 0x00, 0x00, 0x02, 0x00), VEC_GP, 0);
    ck_assert_uint_eq(env.s.gdtr.base, T_GDT);
    env.s.seg[SEG_CS].attr = (uint16_t)((env.s.seg[SEG_CS].attr & ~0xFu) | 0xBu);
    ASSERT_DONE(RUN32(0x2E, 0x0F, 0x01, 0x15, 0x00, 0x00, 0x02, 0x00));
    ck_assert_uint_eq(env.s.gdtr.base, 0x5000);
    /* sgdt %cs:0x20000: no instruction writes into a code segment */
    ASSERT_FAULT(RUN32(0x2E, 0x0F, 0x01, 0x05, 0x00, 0x00, 0x02, 0x00), VEC_GP, 0);
}
END_TEST

START_TEST(page_fault_leaves_the_state_and_reports_cr2)
{
    enable_paging(T_DATA, 0);
    gdtr_pattern();
    struct vcpu_state before = env.s;
    struct emu_result r = RUN32(SGDT_DATA);
    ASSERT_FAULT(r, VEC_PF, MMU_PF_W);
    ck_assert_uint_eq(r.fault.cr2, T_DATA);
    ck_assert_uint_eq(r.next_eip, T_CODE);
    ck_assert_mem_eq(env.s.gpr, before.gpr, sizeof(before.gpr));
    ck_assert_uint_eq(env.s.eip, before.eip);
    ck_assert_uint_eq(env.s.eflags, before.eflags);
    ck_assert_uint_eq(env.s.cr2, before.cr2); /* CR2 is written when the #PF is delivered */
    ck_assert_uint_eq(get32(T_DATA), 0);
}
END_TEST

START_TEST(page_fault_on_a_push_keeps_esp)
{
    enable_paging(T_DATA, 0);
    env.s.gpr[GPR_ESP] = T_DATA + 4;
    struct emu_result r = RUN32(0x9C); /* pushfd */
    ASSERT_FAULT(r, VEC_PF, MMU_PF_W);
    ck_assert_uint_eq(r.fault.cr2, T_DATA);
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_DATA + 4);
}
END_TEST

START_TEST(fault_on_the_second_page_writes_nothing)
{
    enable_paging(T_DATA + 0x1000, 0);
    gdtr_pattern();
    ASSERT_FAULT(RUN32(0x0F, 0x01, 0x05, 0xFC, 0x0F, 0x02, 0x00), VEC_PF, MMU_PF_W);
    ck_assert_uint_eq(get32(T_DATA + 0xFFC), 0);
}
END_TEST

START_TEST(cpl3_access_to_a_supervisor_page_is_a_user_fault)
{
    enable_paging(0, T_DATA);
    set_cpl(3);
    struct emu_result r = RUN32(0x0F, 0x01, 0x0D, 0x00, 0x00, 0x02, 0x00); /* sidt 0x20000 */
    ASSERT_FAULT(r, VEC_PF, MMU_PF_P | MMU_PF_W | MMU_PF_U);
    set_cpl(0);
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x0D, 0x00, 0x00, 0x02, 0x00));
}
END_TEST

START_TEST(high_byte_registers)
{
    struct vcpu_state *s = &env.s;
    s->gpr[GPR_EAX] = 0x11223344;
    s->gpr[GPR_EBX] = 0x55667788;
    ck_assert_uint_eq(emu_reg_read(s, ZYDIS_REGISTER_AH), 0x33);
    ck_assert_uint_eq(emu_reg_read(s, ZYDIS_REGISTER_BH), 0x77);
    ck_assert_uint_eq(emu_reg_read(s, ZYDIS_REGISTER_BL), 0x88);
    emu_reg_write(s, ZYDIS_REGISTER_AH, 0xFFA5);
    ck_assert_uint_eq(s->gpr[GPR_EAX], 0x1122A544);
    emu_reg_write(s, ZYDIS_REGISTER_CH, 0x5A);
    emu_reg_write(s, ZYDIS_REGISTER_DH, 0x01);
    ck_assert_uint_eq(s->gpr[GPR_ECX], 0x5A00);
    ck_assert_uint_eq(s->gpr[GPR_EDX], 0x0100);
    emu_reg_write(s, ZYDIS_REGISTER_BX, 0x12345);
    ck_assert_uint_eq(s->gpr[GPR_EBX], 0x55662345);
    struct emu_gpr g;
    ck_assert(emu_gpr_decode(ZYDIS_REGISTER_SP, &g));
    ck_assert_uint_eq(g.index, GPR_ESP);
    ck_assert_uint_eq(g.bits, 16);
    ck_assert(emu_gpr_decode(ZYDIS_REGISTER_BH, &g));
    ck_assert_uint_eq(g.index, GPR_EBX);
    ck_assert_uint_eq(g.shift, 8);
    ck_assert(!emu_gpr_decode(ZYDIS_REGISTER_SPL, &g)); /* 64-bit only */
}
END_TEST

START_TEST(addressing16_bx_si_disp8)
{
    gdtr_pattern();
    set_seg(SEG_DS, SEL_UDATA, T_DATA, 0xFFFF, ATTR_DATA16(0x3u));
    env.s.gpr[GPR_EBX] = 0x77771000;
    env.s.gpr[GPR_ESI] = 0x88880100;
    ASSERT_DONE(RUN16(0x0F, 0x01, 0x40, 0x05)); /* sgdt [bx+si+5] */
    assert_gdtr_at(T_DATA + 0x1105);
    ck_assert_uint_eq(env.s.eip, T_CODE + 4);
}
END_TEST

START_TEST(addressing16_bp_defaults_to_ss)
{
    gdtr_pattern();
    set_seg(SEG_SS, SEL_KDATA, 0x30000, 0xFFFF, ATTR_DATA16(0x3u));
    env.s.gpr[GPR_EBP] = 0x0200;
    ASSERT_DONE(RUN16(0x0F, 0x01, 0x46, 0x04)); /* sgdt [bp+4] */
    assert_gdtr_at(0x30204);
}
END_TEST

START_TEST(addressing16_wraps_at_64k)
{
    gdtr_pattern();
    set_seg(SEG_DS, SEL_UDATA, T_DATA, 0xFFFF, ATTR_DATA16(0x3u));
    env.s.gpr[GPR_EBX] = 0xFFF0;
    env.s.gpr[GPR_ESI] = 0x0020;
    ASSERT_DONE(RUN16(0x0F, 0x01, 0x00)); /* sgdt [bx+si] -> offset 0x0010 */
    assert_gdtr_at(T_DATA + 0x10);
}
END_TEST

START_TEST(addressing32_sib_scale_and_disp)
{
    gdtr_pattern();
    env.s.gpr[GPR_EAX] = T_DATA;
    env.s.gpr[GPR_ECX] = 0x10;
    ASSERT_DONE(RUN32(0x0F, 0x01, 0x44, 0x88, 0x08)); /* sgdt 8(%eax,%ecx,4) */
    assert_gdtr_at(T_DATA + 0x48);
}
END_TEST

START_TEST(fs_override_adds_the_fs_base)
{
    gdtr_pattern();
    set_seg(SEG_FS, 0x33, T_DATA, 0xFFF, ATTR_DATA16(0x3u) | SEG_ATTR_DB);
    ASSERT_DONE(RUN32(0x64, 0x0F, 0x01, 0x05, 0x10, 0x00, 0x00, 0x00)); /* sgdt %fs:0x10 */
    assert_gdtr_at(T_DATA + 0x10);
}
END_TEST

START_TEST(mov_from_sreg_to_registers)
{
    env.s.gpr[GPR_EAX] = 0xFFFFFFFFu;
    ASSERT_DONE(RUN32(0x8C, 0xD8)); /* mov %ds,%eax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], SEL_UDATA);
    env.s.gpr[GPR_EAX] = 0xFFFFFFFFu;
    ASSERT_DONE(RUN32(0x66, 0x8C, 0xD8)); /* mov %ds,%ax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xFFFF0000u | SEL_UDATA);
    env.s.gpr[GPR_ECX] = 0xFFFFFFFFu;
    ASSERT_DONE(RUN32(0x8C, 0xC9)); /* mov %cs,%ecx: the guest's own selector, RPL 0 */
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], SEL_KCODE);
    env.s.gpr[GPR_EAX] = 0xFFFFFFFFu;
    ASSERT_DONE(RUN16(0x8C, 0xD0)); /* 16-bit code: mov ax, ss */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xFFFF0000u | SEL_KDATA);
}
END_TEST

START_TEST(mov_from_sreg_to_memory_writes_16_bits)
{
    put32(T_DATA, 0xEEEEEEEEu);
    struct emu_result r = RUN32(0x8C, 0x1D, 0x00, 0x00, 0x02, 0x00); /* mov %ds,0x20000 */
    ASSERT_DONE(r);
    ck_assert_uint_eq(get32(T_DATA), 0xEEEE0000u | SEL_UDATA);
    ck_assert_uint_eq(r.flags, 0);
    put32(T_DATA + 4, 0xEEEEEEEEu);
    ASSERT_DONE(RUN32(0x66, 0x8C, 0x25, 0x04, 0x00, 0x02, 0x00)); /* mov %fs,0x20004 */
    ck_assert_uint_eq(get32(T_DATA + 4), 0xEEEE0000u | SEL_UDATA);
}
END_TEST

START_TEST(push_sreg_32bit_pushes_the_zero_extended_selector)
{
    put32(T_STACK_TOP - 4, 0xAAAAAAAAu);
    ASSERT_DONE(RUN32(0x1E)); /* push %ds */
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP - 4);
    ck_assert_uint_eq(get32(T_STACK_TOP - 4), SEL_UDATA);
    ASSERT_DONE(RUN32(0x0E)); /* push %cs */
    ck_assert_uint_eq(get16(T_STACK_TOP - 8), SEL_KCODE);
}
END_TEST

START_TEST(push_sreg_16bit)
{
    put32(T_STACK_TOP - 4, 0xAAAAAAAAu);
    ASSERT_DONE(RUN32(0x66, 0x16)); /* pushw %ss */
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], T_STACK_TOP - 2);
    ck_assert_uint_eq(get32(T_STACK_TOP - 4), 0x0000AAAAu | ((uint32_t)SEL_KDATA << 16));
}
END_TEST

START_TEST(push_sreg_beyond_the_stack_limit_is_ss0)
{
    set_seg(SEG_SS, SEL_KDATA, 0, 0xFFFFF, ATTR_DATA16(0x7u) | SEG_ATTR_DB); /* expand-down */
    env.s.gpr[GPR_ESP] = 0x100002;
    ASSERT_FAULT(RUN32(0x0F, 0xA0), VEC_SS, 0); /* push %fs: the slot would start at 0xFFFFE */
    ck_assert_uint_eq(env.s.gpr[GPR_ESP], 0x100002);
}
END_TEST

static Suite *emu_operand_suite(void)
{
    Suite *s = suite_create("emu_operand");
    TCase *seg = tcase_create("segmentation");
    tcase_add_checked_fixture(seg, env_setup, env_teardown);
    tcase_add_test(seg, limit_violation_is_gp0_and_writes_nothing);
    tcase_add_test(seg, ebp_base_defaults_to_ss_and_faults_ss0);
    tcase_add_test(seg, esp_base_defaults_to_ss);
    tcase_add_test(seg, ds_override_on_an_ebp_base);
    tcase_add_test(seg, null_ds_is_gp0);
    tcase_add_test(seg, expand_down_segment_valid_above_the_limit);
    tcase_add_test(seg, expand_down_16bit_segment_ends_at_64k);
    tcase_add_test(seg, write_to_read_only_data_is_gp0_read_is_fine);
    tcase_add_test(seg, code_segment_reads_need_r_and_writes_always_fault);
    suite_add_tcase(s, seg);

    TCase *pg = tcase_create("paging");
    tcase_add_checked_fixture(pg, env_setup, env_teardown);
    tcase_add_test(pg, page_fault_leaves_the_state_and_reports_cr2);
    tcase_add_test(pg, page_fault_on_a_push_keeps_esp);
    tcase_add_test(pg, fault_on_the_second_page_writes_nothing);
    tcase_add_test(pg, cpl3_access_to_a_supervisor_page_is_a_user_fault);
    suite_add_tcase(s, pg);

    TCase *ad = tcase_create("addressing");
    tcase_add_checked_fixture(ad, env_setup, env_teardown);
    tcase_add_test(ad, high_byte_registers);
    tcase_add_test(ad, addressing16_bx_si_disp8);
    tcase_add_test(ad, addressing16_bp_defaults_to_ss);
    tcase_add_test(ad, addressing16_wraps_at_64k);
    tcase_add_test(ad, addressing32_sib_scale_and_disp);
    tcase_add_test(ad, fs_override_adds_the_fs_base);
    suite_add_tcase(s, ad);

    TCase *sr = tcase_create("segment_registers");
    tcase_add_checked_fixture(sr, env_setup, env_teardown);
    tcase_add_test(sr, mov_from_sreg_to_registers);
    tcase_add_test(sr, mov_from_sreg_to_memory_writes_16_bits);
    tcase_add_test(sr, push_sreg_32bit_pushes_the_zero_extended_selector);
    tcase_add_test(sr, push_sreg_16bit);
    tcase_add_test(sr, push_sreg_beyond_the_stack_limit_is_ss0);
    suite_add_tcase(s, sr);
    return s;
}

UNIT_MAIN(emu_operand_suite)
