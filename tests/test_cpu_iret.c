/* test_cpu_iret.c — IRET/IRETD, SYSENTER/SYSEXIT and the reset states. */
#include "monitor/cpu_deliver.h"
#include "monitor/cpu_iret.h"
#include "monitor/cpu_reset.h"
#include "monitor/cpu_sysenter.h"
#include "monitor/world.h"
#include "tests/test_cpu_env.h"
#include "tests/unit.h"

/* An IRETD frame at the current ESP: EIP, CS, EFLAGS[, ESP, SS]. */
static void frame32(uint32_t eip, uint32_t cs, uint32_t flags, uint32_t esp, uint32_t ss)
{
    uint32_t at = env_s.seg[SEG_SS].base + env_s.gpr[GPR_ESP];
    env_wr32(at, eip);
    env_wr32(at + 4, cs);
    env_wr32(at + 8, flags);
    env_wr32(at + 12, esp);
    env_wr32(at + 16, ss);
}

/* ---- same level ---- */

START_TEST(iret_same_level_at_cpl0_loads_all_flags)
{
    uint32_t img = EFLAGS_FIXED | EFLAGS_CF | EFLAGS_ZF | (3u << EFLAGS_IOPL_SHIFT) | EFLAGS_AC |
                   EFLAGS_ID | EFLAGS_VIP;
    env_s.eflags = EFLAGS_FIXED | EFLAGS_IF;
    frame32(0x6000, SEL_KCODE, img, 0, 0);
    struct cpu_result r = cpu_iret(&env_s, &env_mem, CPU_OP32);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.eip, 0x6000);
    ck_assert_uint_eq(env_s.eflags, img); /* IF cleared, IOPL = 3, AC, ID, VIP set */
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP + 12);
    struct seg_cache cs = env_flat(SEL_KCODE, 0xB, 0);
    ck_assert(env_cache_eq(&env_s.seg[SEG_CS], &cs));
    ck_assert_uint_eq(env_gdt_type(1), 0xB);
    ck_assert_uint_eq(env_s.seg[SEG_SS].sel, SEL_KDATA);
}
END_TEST

START_TEST(iret_at_cpl3_with_iopl0_keeps_if_and_iopl)
{
    env_user_mode();
    env_s.eflags = EFLAGS_FIXED | EFLAGS_IF;
    frame32(0x6000, SEL_UCODE | 3,
            EFLAGS_FIXED | EFLAGS_SF | (3u << EFLAGS_IOPL_SHIFT) | EFLAGS_VIF, 0, 0);
    ck_assert_int_eq(cpu_iret(&env_s, &env_mem, CPU_OP32).status, CPU_OK);
    /* SF loaded; IF (CPL 3 > IOPL 0), IOPL and VIF (CPL != 0) kept. */
    ck_assert_uint_eq(env_s.eflags, EFLAGS_FIXED | EFLAGS_IF | EFLAGS_SF);
    ck_assert_uint_eq(env_s.cpl, 3);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_USP + 12);
}
END_TEST

START_TEST(iret_eflags_rules_by_cpl_and_iopl)
{
    uint32_t cur = EFLAGS_FIXED | (1u << EFLAGS_IOPL_SHIFT); /* IF = 0, IOPL 1 */
    uint32_t img = EFLAGS_FIXED | EFLAGS_IF | (2u << EFLAGS_IOPL_SHIFT) | EFLAGS_NT | EFLAGS_RF;
    /* CPL 1 <= IOPL 1: IF loads, IOPL does not. */
    ck_assert_uint_eq(cpu_iret_eflags(cur, img, 1, CPU_OP32),
                      EFLAGS_FIXED | EFLAGS_IF | (1u << EFLAGS_IOPL_SHIFT) | EFLAGS_NT | EFLAGS_RF);
    /* CPL 2 > IOPL 1: neither. */
    ck_assert_uint_eq(cpu_iret_eflags(cur, img, 2, CPU_OP32),
                      EFLAGS_FIXED | (1u << EFLAGS_IOPL_SHIFT) | EFLAGS_NT | EFLAGS_RF);
    /* 16-bit operand: RF (bit 16) is not in the image. */
    ck_assert_uint_eq(cpu_iret_eflags(cur | EFLAGS_AC, img & 0xFFFF, 0, CPU_OP16),
                      EFLAGS_FIXED | EFLAGS_IF | (2u << EFLAGS_IOPL_SHIFT) | EFLAGS_NT | EFLAGS_AC);
}
END_TEST

START_TEST(iret16_pops_a_16bit_frame)
{
    env_s.eflags = EFLAGS_FIXED | EFLAGS_AC | EFLAGS_ID;
    env_wr16(ENV_ESP, 0x1234);
    env_wr16(ENV_ESP + 2, SEL_KCODE);
    env_wr16(ENV_ESP + 4, EFLAGS_FIXED | EFLAGS_CF | EFLAGS_IF);
    ck_assert_int_eq(cpu_iret(&env_s, &env_mem, CPU_OP16).status, CPU_OK);
    ck_assert_uint_eq(env_s.eip, 0x1234);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP + 6);
    /* Upper EFLAGS bits (AC, ID) kept. */
    ck_assert_uint_eq(env_s.eflags, EFLAGS_FIXED | EFLAGS_CF | EFLAGS_IF | EFLAGS_AC | EFLAGS_ID);
}
END_TEST

/* ---- to an outer level ---- */

START_TEST(iret_to_cpl3_nulls_kernel_data_segments)
{
    env_s.seg[SEG_ES] = env_flat(SEL_UDATA | 3, 0x3, 3);
    env_s.seg[SEG_FS] = env_flat(SEL_KCONF, 0xF, 0);
    frame32(0x08048000, SEL_UCODE | 3, EFLAGS_FIXED | EFLAGS_IF, 0xBFFFF000, SEL_UDATA | 3);
    struct cpu_result r = cpu_iret(&env_s, &env_mem, CPU_OP32);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.cpl, 3);
    ck_assert_uint_eq(env_s.eip, 0x08048000);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], 0xBFFFF000);
    struct seg_cache cs = env_flat(SEL_UCODE | 3, 0xB, 3), ss = env_flat(SEL_UDATA | 3, 0x3, 3);
    ck_assert(env_cache_eq(&env_s.seg[SEG_CS], &cs));
    ck_assert(env_cache_eq(&env_s.seg[SEG_SS], &ss));
    ck_assert(!env_s.seg[SEG_DS].valid);
    ck_assert_uint_eq(env_s.seg[SEG_DS].sel, 0);
    ck_assert(!env_s.seg[SEG_GS].valid);
    ck_assert(env_s.seg[SEG_ES].valid);
    ck_assert(env_s.seg[SEG_FS].valid);
    ck_assert_uint_eq(env_s.eflags, EFLAGS_FIXED | EFLAGS_IF);
    ck_assert_uint_eq(env_gdt_type(3), 0xB);
    ck_assert_uint_eq(env_gdt_type(4), 0x3);
}
END_TEST

START_TEST(iret_to_16bit_stack_keeps_upper_esp)
{
    env_put_desc(ENV_GDT, 12, 0x30000, 0xFFFF, 0x2, true, 3, true, false, false);
    env_s.gpr[GPR_ESP] = 0x00109000; /* upper half 0010 */
    frame32(0x100, SEL_UCODE | 3, EFLAGS_FIXED, 0x12345678, 0x63);
    ck_assert_int_eq(cpu_iret(&env_s, &env_mem, CPU_OP32).status, CPU_OK);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], 0x00105678);
    ck_assert_uint_eq(env_s.seg[SEG_SS].base, 0x30000);
}
END_TEST

START_TEST(deliver_then_iret_round_trip)
{
    env_user_mode();
    env_s.eflags = ENV_FLAGS | EFLAGS_CF;
    env_put_gate(ENV_IDT, 0x80, 0xE, 3, true, SEL_KCODE, 0x00100000, 0);
    struct vcpu_state before = env_s;
    struct cpu_deliver_result res;
    ck_assert_int_eq(cpu_deliver(&env_s, &env_mem, 0x80, EVENT_SOFTWARE_INT, false, 0, &res),
                     DELIVER_OK);
    ck_assert(!(env_s.eflags & EFLAGS_IF));
    ck_assert_int_eq(cpu_iret(&env_s, &env_mem, CPU_OP32).status, CPU_OK);
    ck_assert(env_state_eq(&before, &env_s));
}
END_TEST

/* ---- faults: nothing popped, nothing changed ---- */

START_TEST(iret_invalid_cs_pops_nothing)
{
    struct env_snapshot snap;
    frame32(0x6000, 0, EFLAGS_FIXED, 0, 0);
    env_snap(&snap);
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, 0);
    ck_assert(env_unchanged(&snap));
    frame32(0x6000, 0x0800, EFLAGS_FIXED, 0, 0); /* past the GDT */
    env_snap(&snap);
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, 0x0800);
    ck_assert(env_unchanged(&snap));
    frame32(0x6000, SEL_KDATA, EFLAGS_FIXED, 0, 0); /* not code */
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, SEL_KDATA);
    frame32(0x6000, SEL_UCODE, EFLAGS_FIXED, 0, 0); /* non-conforming, DPL 3 != RPL 0 */
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, SEL_UCODE);
    env_put_desc(ENV_GDT, 12, 0, 0xFFFFF, 0xE, true, 3, true, true, true);
    frame32(0x6000, 0x60, EFLAGS_FIXED, 0, 0); /* conforming DPL 3 > RPL 0: #GP */
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, 0x60);
    env_put_desc(ENV_GDT, 12, 0, 0xFFFFF, 0xA, true, 0, false, true, true);
    frame32(0x6000, 0x60, EFLAGS_FIXED, 0, 0);
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_NP, 0x60);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP);
    ck_assert_uint_eq(env_s.eip, ENV_EIP);
}
END_TEST

START_TEST(iret_to_inner_level_is_gp_sel)
{
    env_user_mode();
    frame32(0x6000, SEL_KCODE, EFLAGS_FIXED, 0, 0);
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, SEL_KCODE);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(iret_outer_level_bad_ss)
{
    struct env_snapshot snap;
    frame32(0x6000, SEL_UCODE | 3, EFLAGS_FIXED, 0x7000, SEL_UDATA); /* RPL 0 */
    env_snap(&snap);
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, SEL_UDATA);
    ck_assert(env_unchanged(&snap));
    frame32(0x6000, SEL_UCODE | 3, EFLAGS_FIXED, 0x7000, SEL_KDATA | 3); /* DPL 0 */
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, SEL_KDATA);
    frame32(0x6000, SEL_UCODE | 3, EFLAGS_FIXED, 0x7000, SEL_UCODE | 3); /* code */
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, SEL_UCODE);
    frame32(0x6000, SEL_UCODE | 3, EFLAGS_FIXED, 0x7000, 3); /* null */
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, 0);
    env_put_desc(ENV_GDT, 12, 0, 0xFFFFF, 0x2, true, 3, false, true, true);
    frame32(0x6000, SEL_UCODE | 3, EFLAGS_FIXED, 0x7000, 0x63); /* not present */
    env_snap(&snap);
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_SS, 0x60);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(iret_eip_beyond_limit_is_gp0)
{
    env_put_desc(ENV_GDT, 12, 0, 0xFFFF, 0xA, true, 0, true, true, false);
    frame32(0x10000, 0x60, EFLAGS_FIXED, 0, 0);
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_GP, 0);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(iret_outside_stack_limit_is_ss0)
{
    frame32(0x6000, SEL_UCODE | 3, EFLAGS_FIXED, 0x7000, SEL_UDATA | 3);
    env_s.seg[SEG_SS].limit = ENV_ESP + 10; /* EFLAGS slot at +8..+11 */
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_SS, 0);
    env_s.seg[SEG_SS].limit = ENV_ESP + 18; /* outer: the SS slot at +16..+19 */
    ASSERT_FAULT(cpu_iret(&env_s, &env_mem, CPU_OP32), VEC_SS, 0);
    ck_assert_uint_eq(env_s.cpl, 0);
}
END_TEST

START_TEST(iret_task_return_and_v86_are_unsupported)
{
    struct env_snapshot snap;
    env_s.eflags |= EFLAGS_NT;
    env_snap(&snap);
    ck_assert_int_eq(cpu_iret(&env_s, &env_mem, CPU_OP32).status, CPU_UNSUPPORTED);
    ck_assert(env_unchanged(&snap));
    env_s.eflags &= ~EFLAGS_NT;
    frame32(0x6000, 0x1000, EFLAGS_FIXED | EFLAGS_VM, 0, 0);
    ck_assert_int_eq(cpu_iret(&env_s, &env_mem, CPU_OP32).status, CPU_UNSUPPORTED);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP);
}
END_TEST

/* ---- SYSENTER / SYSEXIT ---- */

START_TEST(sysenter_loads_flat_ring0)
{
    env_user_mode();
    env_s.sysenter_cs = SEL_KCODE | 3; /* RPL forced to 0 */
    env_s.sysenter_esp = 0xC1000000;
    env_s.sysenter_eip = 0xC0100000;
    env_s.eflags = ENV_FLAGS | EFLAGS_RF | EFLAGS_CF;
    struct seg_cache ds = env_s.seg[SEG_DS];
    ck_assert_int_eq(cpu_sysenter(&env_s).status, CPU_OK);
    ck_assert_uint_eq(env_s.cpl, 0);
    struct seg_cache cs = env_flat(SEL_KCODE, 0xB, 0), ss = env_flat(SEL_KCODE + 8, 0x3, 0);
    ck_assert(env_cache_eq(&env_s.seg[SEG_CS], &cs));
    ck_assert(env_cache_eq(&env_s.seg[SEG_SS], &ss));
    ck_assert(env_cache_eq(&env_s.seg[SEG_DS], &ds));
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], 0xC1000000);
    ck_assert_uint_eq(env_s.eip, 0xC0100000);
    ck_assert_uint_eq(env_s.eflags, EFLAGS_FIXED | EFLAGS_CF); /* IF, RF cleared */
    ck_assert_uint_eq(env_writes, 0);                          /* no descriptor read or set */
}
END_TEST

START_TEST(sysenter_without_cs_msr_is_gp0)
{
    env_user_mode();
    env_s.sysenter_cs = 3; /* bits 15:2 zero */
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_sysenter(&env_s), VEC_GP, 0);
    env_s.sysenter_cs = 0;
    ASSERT_FAULT(cpu_sysenter(&env_s), VEC_GP, 0);
    env_s.sysenter_cs = 3;
    ck_assert(env_unchanged(&snap));
    env_s.sysenter_cs = SEL_KCODE;
    env_s.cr0 = 0; /* real mode */
    ASSERT_FAULT(cpu_sysenter(&env_s), VEC_GP, 0);
}
END_TEST

START_TEST(sysexit_loads_flat_ring3)
{
    env_s.sysenter_cs = SEL_KCODE;
    env_s.gpr[GPR_ECX] = 0xBFFF0000;
    env_s.gpr[GPR_EDX] = 0x08049000;
    ck_assert_int_eq(cpu_sysexit(&env_s).status, CPU_OK);
    ck_assert_uint_eq(env_s.cpl, 3);
    struct seg_cache cs = env_flat((SEL_KCODE + 16) | 3, 0xB, 3);
    struct seg_cache ss = env_flat((SEL_KCODE + 24) | 3, 0x3, 3);
    ck_assert(env_cache_eq(&env_s.seg[SEG_CS], &cs));
    ck_assert(env_cache_eq(&env_s.seg[SEG_SS], &ss));
    ck_assert_uint_eq(env_s.seg[SEG_CS].sel, 0x1B);
    ck_assert_uint_eq(env_s.seg[SEG_SS].sel, 0x23);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], 0xBFFF0000);
    ck_assert_uint_eq(env_s.eip, 0x08049000);
    ck_assert_uint_eq(env_s.eflags, ENV_FLAGS);
}
END_TEST

START_TEST(sysexit_faults)
{
    env_s.sysenter_cs = SEL_KCODE;
    env_user_mode();
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_sysexit(&env_s), VEC_GP, 0); /* CPL 3 */
    ck_assert(env_unchanged(&snap));
    env_s.cpl = 0;
    env_s.sysenter_cs = 0;
    ASSERT_FAULT(cpu_sysexit(&env_s), VEC_GP, 0);
    env_s.sysenter_cs = SEL_KCODE;
    env_s.cr0 = 0;
    ASSERT_FAULT(cpu_sysexit(&env_s), VEC_GP, 0);
}
END_TEST

/* ---- reset states ---- */

START_TEST(power_on_state)
{
    struct vcpu_state s;
    cpu_reset_power_on(&s, 0x00000633);
    ck_assert_uint_eq(s.eip, 0xFFF0);
    ck_assert_uint_eq(s.seg[SEG_CS].sel, 0xF000);
    ck_assert_uint_eq(s.seg[SEG_CS].base + s.eip, 0xFFFFFFF0);
    ck_assert_uint_eq(s.cr0, 0x60000010);
    ck_assert_uint_eq(s.eflags, 2);
    ck_assert_uint_eq(s.gpr[GPR_EDX], 0x633);
    ck_assert_uint_eq(s.idtr.limit, 0xFFFF);
    ck_assert_uint_eq(s.dr[7], 0x400);
}
END_TEST

START_TEST(protected_flat_state)
{
    struct vcpu_state s;
    cpu_reset_protected_flat(&s, 0x10, 0x18);
    struct seg_cache cs = env_flat(0x10, 0xB, 0), ds = env_flat(0x18, 0x3, 0);
    ck_assert(env_cache_eq(&s.seg[SEG_CS], &cs));
    for (int r = 0; r < SEG_COUNT; r++)
        if (r != SEG_CS)
            ck_assert(env_cache_eq(&s.seg[r], &ds));
    ck_assert_uint_eq(s.cr0, CR0_PE | CR0_ET);
    ck_assert_uint_eq(s.cpl, 0);
    ck_assert(!s.tr.valid);
}
END_TEST

static Suite *cpu_iret_suite(void)
{
    Suite *s = suite_create("cpu_iret");
    TCase *tc = tcase_create("iret");
    tcase_add_checked_fixture(tc, env_setup, env_teardown);
    tcase_add_test(tc, iret_same_level_at_cpl0_loads_all_flags);
    tcase_add_test(tc, iret_at_cpl3_with_iopl0_keeps_if_and_iopl);
    tcase_add_test(tc, iret_eflags_rules_by_cpl_and_iopl);
    tcase_add_test(tc, iret16_pops_a_16bit_frame);
    tcase_add_test(tc, iret_to_cpl3_nulls_kernel_data_segments);
    tcase_add_test(tc, iret_to_16bit_stack_keeps_upper_esp);
    tcase_add_test(tc, deliver_then_iret_round_trip);
    tcase_add_test(tc, iret_invalid_cs_pops_nothing);
    tcase_add_test(tc, iret_to_inner_level_is_gp_sel);
    tcase_add_test(tc, iret_outer_level_bad_ss);
    tcase_add_test(tc, iret_eip_beyond_limit_is_gp0);
    tcase_add_test(tc, iret_outside_stack_limit_is_ss0);
    tcase_add_test(tc, iret_task_return_and_v86_are_unsupported);
    tcase_add_test(tc, sysenter_loads_flat_ring0);
    tcase_add_test(tc, sysenter_without_cs_msr_is_gp0);
    tcase_add_test(tc, sysexit_loads_flat_ring3);
    tcase_add_test(tc, sysexit_faults);
    tcase_add_test(tc, power_on_state);
    tcase_add_test(tc, protected_flat_state);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(cpu_iret_suite)
