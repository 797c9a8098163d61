/* test_emu_io.c — IN, OUT, INS, OUTS: the port bus, IOPL and the TSS I/O bit map. */
#include "shadow_mmu/walk.h"
#include "tests/test_emu_common.h"
#include "tests/unit.h"

START_TEST(in_al_from_dx_reaches_the_device)
{
    env.s.gpr[GPR_EDX] = 0x301;
    env.s.gpr[GPR_EAX] = 0xAABBCCDD;
    struct emu_result r = RUN32(0xEC); /* in (%dx),%al */
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xAABBCC11);
    ck_assert_uint_eq(env.dev.n, 1);
    ck_assert_uint_eq(env.dev.log[0].port, 0x301);
    ck_assert_uint_eq(env.dev.log[0].size, 1);
    ck_assert_uint_eq(r.flags, EMU_F_IO);
    ck_assert_uint_eq(env.s.eip, T_CODE + 1);
}
END_TEST

START_TEST(in_ax_and_eax_from_dx)
{
    env.s.gpr[GPR_EDX] = 0x302;
    env.s.gpr[GPR_EAX] = 0xAABBCCDD;
    ASSERT_DONE(RUN32(0x66, 0xED)); /* in (%dx),%ax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xAABB2211);
    ASSERT_DONE(RUN32(0xED)); /* in (%dx),%eax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x45342312);
    ck_assert_uint_eq(env.dev.log[1].size, 4);
}
END_TEST

START_TEST(out_eax_ax_al_to_dx)
{
    env.s.gpr[GPR_EDX] = 0x304;
    env.s.gpr[GPR_EAX] = 0x11223344;
    ASSERT_DONE(RUN32(0xEF));       /* out %eax,(%dx) */
    ASSERT_DONE(RUN32(0x66, 0xEF)); /* out %ax,(%dx) */
    ASSERT_DONE(RUN32(0xEE));       /* out %al,(%dx) */
    ck_assert_uint_eq(env.dev.n, 3);
    ck_assert_uint_eq(env.dev.log[0].write, 1);
    ck_assert_uint_eq(env.dev.log[0].val, 0x11223344);
    ck_assert_uint_eq(env.dev.log[1].size, 2);
    ck_assert_uint_eq(env.dev.log[1].val, 0x3344);
    ck_assert_uint_eq(env.dev.log[2].size, 1);
    ck_assert_uint_eq(env.dev.log[2].val, 0x44);
}
END_TEST

START_TEST(imm8_port_forms)
{
    env.s.gpr[GPR_EAX] = 0x12345678;
    ASSERT_DONE(RUN32(0xE4, 0x61)); /* in $0x61,%al: nobody there */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x123456FF);
    ck_assert_uint_eq(env.bus.unclaimed_reads, 1);
    ASSERT_DONE(RUN32(0xE6, 0x80)); /* out %al,$0x80 */
    ck_assert_uint_eq(env.bus.unclaimed_writes, 1);
    ck_assert_uint_eq(env.bus.last_unclaimed_port, 0x80);
    ck_assert_uint_eq(env.s.eip, T_CODE + 4); /* two 2-byte instructions */
}
END_TEST

START_TEST(cpl3_port_allowed_by_the_bitmap)
{
    set_cpl(3);
    iomap_allow(0x301, 1);
    env.s.gpr[GPR_EDX] = 0x301;
    ASSERT_DONE(RUN32(0xEC));
    ck_assert_uint_eq(env.dev.n, 1);
}
END_TEST

START_TEST(cpl3_port_denied_by_the_bitmap)
{
    set_cpl(3);
    iomap_allow(0x300, 1);
    iomap_allow(0x302, 1);
    env.s.gpr[GPR_EDX] = 0x301;
    env.s.gpr[GPR_EAX] = 0x99;
    struct emu_result r = RUN32(0xEC);
    ASSERT_FAULT(r, VEC_GP, 0);
    ck_assert_uint_eq(env.dev.n, 0);
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x99);
    ck_assert_uint_eq(r.flags, 0);
}
END_TEST

START_TEST(iopl3_skips_the_bitmap)
{
    set_cpl(3);
    set_iopl(3);
    env.s.gpr[GPR_EDX] = 0x301;
    ASSERT_DONE(RUN32(0xEE));
    ck_assert_uint_eq(env.dev.n, 1);
}
END_TEST

START_TEST(word_access_needs_both_bits_across_a_map_byte)
{
    set_cpl(3);
    iomap_allow(0x307, 1);
    env.s.gpr[GPR_EDX] = 0x307;
    ASSERT_FAULT(RUN32(0x66, 0xEF), VEC_GP, 0); /* 0x308 is in the next map byte, still set */
    iomap_allow(0x308, 1);
    ASSERT_DONE(RUN32(0x66, 0xEF));
    ck_assert_uint_eq(env.dev.n, 1);
    ck_assert_uint_eq(env.dev.log[0].port, 0x307);
}
END_TEST

START_TEST(bitmap_bytes_beyond_the_tss_limit_deny)
{
    set_cpl(3);
    iomap_allow(0x301, 1);
    env.s.gpr[GPR_EDX] = 0x301;
    /* The byte of port 0x301 is the map's last byte inside the limit: the second byte the
     * CPU reads lies outside, so the access is refused. */
    env.s.tr.limit = T_TSS_IOMAP + (0x301 >> 3);
    ASSERT_FAULT(RUN32(0xEC), VEC_GP, 0);
    env.s.tr.limit += 1;
    ASSERT_DONE(RUN32(0xEC));
}
END_TEST

START_TEST(map_base_beyond_the_limit_denies_everything)
{
    set_cpl(3);
    put16(T_TSS + 0x66, 0xFFF0);
    env.s.gpr[GPR_EDX] = 0x0;
    ASSERT_FAULT(RUN32(0xEC), VEC_GP, 0);
}
END_TEST

START_TEST(a_16bit_tss_has_no_bitmap)
{
    set_cpl(3);
    iomap_allow(0x301, 1);
    env.s.tr.attr = 0x03u | SEG_ATTR_P; /* busy 16-bit TSS */
    env.s.gpr[GPR_EDX] = 0x301;
    ASSERT_FAULT(RUN32(0xEC), VEC_GP, 0);
}
END_TEST

START_TEST(vm86_consults_the_bitmap_even_with_iopl3)
{
    env.s.eflags |= EFLAGS_VM;
    set_iopl(3);
    env.s.cpl = 3;
    env.s.gpr[GPR_EDX] = 0x301;
    ASSERT_FAULT(RUN32(0xEC), VEC_GP, 0);
    iomap_allow(0x301, 1);
    ASSERT_DONE(RUN32(0xEC));
}
END_TEST

START_TEST(real_mode_has_no_io_protection)
{
    env.s.cr0 = CR0_ET;
    env.s.cpl = 3;
    env.s.gpr[GPR_EDX] = 0x301;
    ASSERT_DONE(RUN32(0xEC));
}
END_TEST

START_TEST(rep_insb_forward)
{
    env.s.gpr[GPR_EDX] = 0x300;
    env.s.gpr[GPR_EDI] = T_DATA;
    env.s.gpr[GPR_ECX] = 4;
    struct emu_result r = RUN32(0xF3, 0x6C); /* rep insb */
    ASSERT_DONE(r);
    ck_assert_uint_eq(get32(T_DATA), 0x14131211);
    ck_assert_uint_eq(env.s.gpr[GPR_EDI], T_DATA + 4);
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], 0);
    ck_assert_uint_eq(env.dev.n, 4);
    ck_assert_uint_eq(env.s.eip, T_CODE + 2);
    ck_assert_uint_eq(r.flags, EMU_F_IO);
}
END_TEST

START_TEST(rep_insb_backward)
{
    env.s.eflags |= EFLAGS_DF;
    env.s.gpr[GPR_EDX] = 0x300;
    env.s.gpr[GPR_EDI] = T_DATA + 3;
    env.s.gpr[GPR_ECX] = 4;
    ASSERT_DONE(RUN32(0xF3, 0x6C));
    ck_assert_uint_eq(get32(T_DATA), 0x11121314);
    ck_assert_uint_eq(env.s.gpr[GPR_EDI], T_DATA - 1);
}
END_TEST

START_TEST(rep_outsw_backward)
{
    env.s.eflags |= EFLAGS_DF;
    put16(T_DATA + 2, 0xA002);
    put16(T_DATA + 4, 0xA004);
    put16(T_DATA + 6, 0xA006);
    env.s.gpr[GPR_EDX] = 0x306;
    env.s.gpr[GPR_ESI] = T_DATA + 6;
    env.s.gpr[GPR_ECX] = 3;
    ASSERT_DONE(RUN32(0x66, 0xF3, 0x6F)); /* rep outsw */
    ck_assert_uint_eq(env.dev.n, 3);
    ck_assert_uint_eq(env.dev.log[0].val, 0xA006);
    ck_assert_uint_eq(env.dev.log[1].val, 0xA004);
    ck_assert_uint_eq(env.dev.log[2].val, 0xA002);
    ck_assert_uint_eq(env.dev.log[2].size, 2);
    ck_assert_uint_eq(env.s.gpr[GPR_ESI], T_DATA);
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], 0);
}
END_TEST

START_TEST(rep_with_zero_count_does_nothing)
{
    set_cpl(3); /* not even the permission check */
    env.s.gpr[GPR_ECX] = 0;
    env.s.gpr[GPR_EDX] = 0x301;
    env.s.gpr[GPR_EDI] = T_DATA;
    ASSERT_DONE(RUN32(0xF3, 0x6C));
    ck_assert_uint_eq(env.dev.n, 0);
    ck_assert_uint_eq(env.s.gpr[GPR_EDI], T_DATA);
    ck_assert_uint_eq(env.s.eip, T_CODE + 2);
}
END_TEST

START_TEST(insb_single_without_rep_ignores_ecx)
{
    env.s.gpr[GPR_ECX] = 0;
    env.s.gpr[GPR_EDX] = 0x301;
    env.s.gpr[GPR_EDI] = T_DATA;
    ASSERT_DONE(RUN32(0x6C));
    ck_assert_uint_eq(get8(T_DATA), 0x11);
    ck_assert_uint_eq(env.s.gpr[GPR_EDI], T_DATA + 1);
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], 0);
}
END_TEST

START_TEST(rep_insb_with_16bit_addresses_wraps_di_and_counts_cx)
{
    set_seg(SEG_ES, SEL_UDATA, T_DATA, 0xFFFFFFFFu, ATTR_DATA32(3));
    env.s.gpr[GPR_ECX] = 0xFFFF0002u;
    env.s.gpr[GPR_EDI] = 0xABCDFFFFu;
    env.s.gpr[GPR_EDX] = 0x300;
    ASSERT_DONE(RUN32(0x67, 0xF3, 0x6C));
    ck_assert_uint_eq(get8(T_DATA + 0xFFFF), 0x11);
    ck_assert_uint_eq(get8(T_DATA), 0x12);
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], 0xFFFF0000u);
    ck_assert_uint_eq(env.s.gpr[GPR_EDI], 0xABCD0001u);
}
END_TEST

START_TEST(outsb_honours_a_segment_override)
{
    set_seg(SEG_ES, SEL_UDATA, 0x100, 0xFFFFF, ATTR_DATA32(3));
    put8(T_DATA + 0x100, 0x5A);
    put8(T_DATA, 0xA5);
    env.s.gpr[GPR_ESI] = T_DATA;
    env.s.gpr[GPR_EDX] = 0x305;
    ASSERT_DONE(RUN32(0x26, 0x6E)); /* outsb %es:(%esi),(%dx) */
    ck_assert_uint_eq(env.dev.log[0].val, 0x5A);
    ck_assert_uint_eq(env.s.gpr[GPR_ESI], T_DATA + 1);
}
END_TEST

START_TEST(rep_insb_page_fault_keeps_the_iterations_done)
{
    enable_paging(T_DATA + 0x1000, 0);
    env.s.gpr[GPR_EDX] = 0x300;
    env.s.gpr[GPR_EDI] = T_DATA + 0xFFE;
    env.s.gpr[GPR_ECX] = 4;
    struct emu_result r = RUN32(0xF3, 0x6C);
    ASSERT_FAULT(r, VEC_PF, MMU_PF_W);
    ck_assert_uint_eq(r.fault.cr2, T_DATA + 0x1000);
    ck_assert_uint_eq(env.dev.n, 2); /* the faulting iteration read no port */
    ck_assert_uint_eq(get16(T_DATA + 0xFFE), 0x1211);
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], 2);
    ck_assert_uint_eq(env.s.gpr[GPR_EDI], T_DATA + 0x1000);
    ck_assert_uint_eq(env.s.eip, T_CODE);
    ck_assert_uint_eq(r.next_eip, T_CODE);
}
END_TEST

START_TEST(insb_into_a_read_only_segment_reads_no_port)
{
    set_seg(SEG_ES, SEL_UDATA, 0, 0xFFFFFFFFu, 0x01u | SEG_ATTR_S | SEG_ATTR_P | SEG_ATTR_DB);
    env.s.gpr[GPR_EDX] = 0x300;
    env.s.gpr[GPR_EDI] = T_DATA;
    ASSERT_FAULT(RUN32(0x6C), VEC_GP, 0);
    ck_assert_uint_eq(env.dev.n, 0);
    ck_assert_uint_eq(env.s.gpr[GPR_EDI], T_DATA);
}
END_TEST

START_TEST(long_rep_yields_and_resumes)
{
    env.s.gpr[GPR_EDX] = 0x300;
    env.s.gpr[GPR_ESI] = T_DATA;
    env.s.gpr[GPR_ECX] = 5000;
    struct emu_result r = RUN32(0xF3, 0x6E); /* rep outsb */
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.dev.n, 4096);
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], 5000 - 4096);
    ck_assert_uint_eq(r.next_eip, T_CODE);
    r = RUN32(0xF3, 0x6E);
    ASSERT_DONE(r);
    ck_assert_uint_eq(env.dev.n, 5000);
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], 0);
    ck_assert_uint_eq(env.s.gpr[GPR_ESI], T_DATA + 5000);
    ck_assert_uint_eq(r.next_eip, T_CODE + 2);
}
END_TEST

static Suite *emu_io_suite(void)
{
    Suite *s = suite_create("emu_io");
    TCase *tc = tcase_create("ports");
    tcase_add_checked_fixture(tc, env_setup, env_teardown);
    tcase_add_test(tc, in_al_from_dx_reaches_the_device);
    tcase_add_test(tc, in_ax_and_eax_from_dx);
    tcase_add_test(tc, out_eax_ax_al_to_dx);
    tcase_add_test(tc, imm8_port_forms);
    tcase_add_test(tc, cpl3_port_allowed_by_the_bitmap);
    tcase_add_test(tc, cpl3_port_denied_by_the_bitmap);
    tcase_add_test(tc, iopl3_skips_the_bitmap);
    tcase_add_test(tc, word_access_needs_both_bits_across_a_map_byte);
    tcase_add_test(tc, bitmap_bytes_beyond_the_tss_limit_deny);
    tcase_add_test(tc, map_base_beyond_the_limit_denies_everything);
    tcase_add_test(tc, a_16bit_tss_has_no_bitmap);
    tcase_add_test(tc, vm86_consults_the_bitmap_even_with_iopl3);
    tcase_add_test(tc, real_mode_has_no_io_protection);
    suite_add_tcase(s, tc);

    TCase *st = tcase_create("strings");
    tcase_add_checked_fixture(st, env_setup, env_teardown);
    tcase_add_test(st, rep_insb_forward);
    tcase_add_test(st, rep_insb_backward);
    tcase_add_test(st, rep_outsw_backward);
    tcase_add_test(st, rep_with_zero_count_does_nothing);
    tcase_add_test(st, insb_single_without_rep_ignores_ecx);
    tcase_add_test(st, rep_insb_with_16bit_addresses_wraps_di_and_counts_cx);
    tcase_add_test(st, outsb_honours_a_segment_override);
    tcase_add_test(st, rep_insb_page_fault_keeps_the_iterations_done);
    tcase_add_test(st, insb_into_a_read_only_segment_reads_no_port);
    tcase_add_test(st, long_rep_yields_and_resumes);
    suite_add_tcase(s, st);
    return s;
}

UNIT_MAIN(emu_io_suite)
