/* test_emu_native.c — instructions whose memory operand the host cannot reach, run on the
 * host CPU with the operand emulated: results, flags, faults, refusals. */
#include "monitor/emu_native.h"
#include "tests/test_emu_common.h"
#include "tests/unit.h"

#include <string.h>

static void *page;

static struct native_result run(const uint8_t *b, size_t n)
{
    struct insn in;
    ck_assert_int_eq(decode_insn(&env.dec32, b, n, &in), DECODE_OK);
    env.s.eip = T_CODE;
    return emu_native_mem(&env.ctx, page, &in, b, T_CODE);
}
#define RUN(...) run((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))
#define ADDR(a)  (uint8_t)(a), (uint8_t)((a) >> 8), (uint8_t)((a) >> 16), (uint8_t)((a) >> 24)

static void setup(void)
{
    env_setup();
    if (!page)
        page = emu_native_page();
    ck_assert_ptr_nonnull(page);
}

START_TEST(store_and_load_32)
{
    env.s.gpr[GPR_EAX] = 0xCAFEF00D;
    ck_assert_int_eq(RUN(0x89, 0x05, ADDR(T_DATA)).status, NATIVE_DONE); /* mov %eax,T_DATA */
    ck_assert_uint_eq(get32(T_DATA), 0xCAFEF00D);
    ck_assert_uint_eq(env.s.eip, T_CODE + 6);
    put32(T_DATA + 4, 0x12345678);
    ck_assert_int_eq(RUN(0x8B, 0x1D, ADDR(T_DATA + 4)).status, NATIVE_DONE); /* mov ..,%ebx */
    ck_assert_uint_eq(env.s.gpr[GPR_EBX], 0x12345678);
}
END_TEST

START_TEST(moffs_forms)
{
    put32(T_DATA, 0xA1A2A3A4);
    ck_assert_int_eq(RUN(0xA1, ADDR(T_DATA)).status, NATIVE_DONE); /* mov T_DATA,%eax */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0xA1A2A3A4);
    env.s.gpr[GPR_EAX] = 0x55;
    ck_assert_int_eq(RUN(0xA2, ADDR(T_DATA + 8)).status, NATIVE_DONE); /* mov %al,T_DATA+8 */
    ck_assert_uint_eq(get8(T_DATA + 8), 0x55);
}
END_TEST

START_TEST(sixteen_bit_load_keeps_the_upper_half)
{
    env.s.gpr[GPR_ECX] = 0xFFFF0000;
    put16(T_DATA, 0xBEEF);
    ck_assert_int_eq(RUN(0x66, 0x8B, 0x0D, ADDR(T_DATA)).status, NATIVE_DONE);
    ck_assert_uint_eq(env.s.gpr[GPR_ECX], 0xFFFFBEEF);
}
END_TEST

START_TEST(alu_sets_the_status_flags)
{
    put32(T_DATA, 0xFFFFFFFB);
    env.s.eflags = EFLAGS_FIXED;
    ck_assert_int_eq(RUN(0x83, 0x05, ADDR(T_DATA), 0x05).status, NATIVE_DONE); /* addl $5 */
    ck_assert_uint_eq(get32(T_DATA), 0);
    ck_assert_uint_eq(env.s.eflags & (EFLAGS_ZF | EFLAGS_CF), EFLAGS_ZF | EFLAGS_CF);
    /* cmp and test only read the operand */
    put8(T_DATA + 4, 0x80);
    ck_assert_int_eq(RUN(0xF6, 0x05, ADDR(T_DATA + 4), 0x80).status, NATIVE_DONE);
    ck_assert_uint_eq(env.s.eflags & (EFLAGS_ZF | EFLAGS_SF), EFLAGS_SF);
    ck_assert_uint_eq(get8(T_DATA + 4), 0x80);
}
END_TEST

START_TEST(movzx_and_xchg)
{
    put8(T_DATA, 0xF0);
    ck_assert_int_eq(RUN(0x0F, 0xB6, 0x15, ADDR(T_DATA)).status, NATIVE_DONE); /* movzbl */
    ck_assert_uint_eq(env.s.gpr[GPR_EDX], 0xF0);
    env.s.gpr[GPR_EAX] = 1;
    put32(T_DATA + 4, 2);
    ck_assert_int_eq(RUN(0x87, 0x05, ADDR(T_DATA + 4)).status, NATIVE_DONE); /* xchg */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 2);
    ck_assert_uint_eq(get32(T_DATA + 4), 1);
}
END_TEST

START_TEST(segment_base_applies)
{
    set_seg(SEG_FS, SEL_KDATA, T_DATA, 0xFFF, ATTR_DATA32(0));
    put32(T_DATA + 0x10, 0x0BADF00D);
    ck_assert_int_eq(RUN(0x64, 0x8B, 0x05, ADDR(0x10)).status, NATIVE_DONE); /* mov %fs:0x10 */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 0x0BADF00D);
}
END_TEST

START_TEST(faults_leave_state_unchanged)
{
    set_seg(SEG_FS, SEL_KDATA, T_DATA, 0xFFF, ATTR_DATA32(0));
    env.s.gpr[GPR_EAX] = 7;
    struct native_result r = RUN(0x64, 0x89, 0x05, ADDR(0x2000)); /* beyond the limit */
    ck_assert_int_eq(r.status, NATIVE_FAULT);
    ck_assert_uint_eq(r.fault.vector, VEC_GP);
    ck_assert_uint_eq(env.s.eip, T_CODE);
    enable_paging(T_DATA, 0);
    r = RUN(0x01, 0x05, ADDR(T_DATA + 4)); /* add %eax to a not-present page */
    ck_assert_int_eq(r.status, NATIVE_FAULT);
    ck_assert_uint_eq(r.fault.vector, VEC_PF);
    ck_assert_uint_eq(r.fault.cr2, T_DATA + 4);
    ck_assert_uint_eq(r.fault.error_code, 0x2); /* write, not present, supervisor */
    ck_assert_uint_eq(env.s.gpr[GPR_EAX], 7);
}
END_TEST

START_TEST(refuses_what_it_cannot_run)
{
    ck_assert_int_eq(RUN(0x8A, 0x25, ADDR(T_DATA)).status, NATIVE_UNSUPPORTED); /* mov ..,%ah */
    ck_assert_int_eq(RUN(0xF7, 0x35, ADDR(T_DATA)).status, NATIVE_UNSUPPORTED); /* div */
    ck_assert_int_eq(RUN(0xA5).status, NATIVE_UNSUPPORTED);                     /* movsl */
    ck_assert_int_eq(RUN(0xFF, 0x35, ADDR(T_DATA)).status, NATIVE_UNSUPPORTED); /* push m32 */
}
END_TEST

static Suite *native_suite(void)
{
    Suite *s = suite_create("emu_native");
    TCase *tc = tcase_create("native");
    tcase_add_checked_fixture(tc, setup, env_teardown);
    tcase_add_test(tc, store_and_load_32);
    tcase_add_test(tc, moffs_forms);
    tcase_add_test(tc, sixteen_bit_load_keeps_the_upper_half);
    tcase_add_test(tc, alu_sets_the_status_flags);
    tcase_add_test(tc, movzx_and_xchg);
    tcase_add_test(tc, segment_base_applies);
    tcase_add_test(tc, faults_leave_state_unchanged);
    tcase_add_test(tc, refuses_what_it_cannot_run);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(native_suite)
