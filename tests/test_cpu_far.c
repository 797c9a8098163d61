/* test_cpu_far.c — far JMP, far CALL (direct and through call gates), far RET. */
#include "monitor/cpu_far.h"
#include "monitor/cpu_seg.h"
#include "monitor/world.h"
#include "shadow_mmu/walk.h"
#include "tests/test_cpu_env.h"
#include "tests/unit.h"

#define NEXT_EIP 0x5007u

/* GDT[10] = 0x50: DPL 0 code, base 0x100000, byte limit 0xFFFF, 32-bit, A = 0. */
static void put_small_code(bool present)
{
    env_put_desc(ENV_GDT, 10, 0x100000, 0xFFFF, 0xA, true, 0, present, true, false);
}

/* ---- far JMP ---- */

START_TEST(jmp_far_to_code_same_level)
{
    put_small_code(true);
    struct cpu_result r = cpu_far_jmp(&env_s, &env_mem, 0x50, 0x1234, CPU_OP32);
    ck_assert_int_eq(r.status, CPU_OK);
    struct seg_cache want = {.sel = 0x50,
                             .attr = 0xB | SEG_ATTR_S | SEG_ATTR_P | SEG_ATTR_DB,
                             .base = 0x100000,
                             .limit = 0xFFFF,
                             .valid = true};
    ck_assert(env_cache_eq(&env_s.seg[SEG_CS], &want));
    ck_assert_uint_eq(env_s.eip, 0x1234);
    ck_assert_uint_eq(env_s.cpl, 0);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP);
    ck_assert_uint_eq(env_gdt_type(10), 0xB);
}
END_TEST

START_TEST(jmp_far_to_conforming_code_keeps_cpl)
{
    env_user_mode();
    ck_assert_int_eq(cpu_far_jmp(&env_s, &env_mem, SEL_KCONF, 0x2000, CPU_OP32).status, CPU_OK);
    ck_assert_uint_eq(env_s.seg[SEG_CS].sel, SEL_KCONF | 3); /* RPL <- CPL */
    ck_assert_uint_eq(env_s.cpl, 3);
    ck_assert_uint_eq(env_s.eip, 0x2000);
}
END_TEST

START_TEST(jmp_far_nonconforming_other_level_is_gp_sel)
{
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, SEL_UCODE | 3, 0, CPU_OP32), VEC_GP, SEL_UCODE);
    /* RPL 3 > CPL 0 on a DPL 0 segment. */
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, SEL_KCODE | 3, 0, CPU_OP32), VEC_GP, SEL_KCODE);
    ck_assert(env_unchanged(&snap));
    env_user_mode();
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, SEL_KCODE, 0, CPU_OP32), VEC_GP, SEL_KCODE);
}
END_TEST

START_TEST(jmp_far_null_is_gp0_and_data_is_gp_sel)
{
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, 0x0002, 0, CPU_OP32), VEC_GP, 0);
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, SEL_KDATA, 0, CPU_OP32), VEC_GP, SEL_KDATA);
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, SEL_LDT, 0, CPU_OP32), VEC_GP, SEL_LDT);
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, 0x0800, 0, CPU_OP32), VEC_GP, 0x0800);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(jmp_far_eip_beyond_limit_is_gp0)
{
    put_small_code(true);
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, 0x50, 0x10000, CPU_OP32), VEC_GP, 0);
    ck_assert(env_unchanged(&snap)); /* not even the accessed bit */
}
END_TEST

START_TEST(jmp_far_not_present_is_np_sel)
{
    put_small_code(false);
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, 0x50, 0, CPU_OP32), VEC_NP, 0x50);
}
END_TEST

START_TEST(jmp_far_16bit_operand_truncates_offset)
{
    put_small_code(true);
    ck_assert_int_eq(cpu_far_jmp(&env_s, &env_mem, 0x50, 0x12345678, CPU_OP16).status, CPU_OK);
    ck_assert_uint_eq(env_s.eip, 0x5678);
}
END_TEST

START_TEST(jmp_through_call_gate)
{
    env_put_gate(ENV_GDT, 11, 0xC, 0, true, SEL_KCODE, 0x00AB4000, 3);
    ck_assert_int_eq(cpu_far_jmp(&env_s, &env_mem, 0x58, 0x999, CPU_OP32).status, CPU_OK);
    ck_assert_uint_eq(env_s.seg[SEG_CS].sel, SEL_KCODE);
    ck_assert_uint_eq(env_s.eip, 0x00AB4000);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP); /* JMP never copies parameters */
    /* From CPL 3 a JMP through a gate cannot reach DPL 0 non-conforming code. */
    env_user_mode();
    env_put_gate(ENV_GDT, 11, 0xC, 3, true, SEL_KCODE, 0x4000, 0);
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, 0x5B, 0, CPU_OP32), VEC_GP, SEL_KCODE);
}
END_TEST

START_TEST(jmp_to_task_gate_or_tss)
{
    env_put_gate(ENV_GDT, 11, 0x5, 0, true, SEL_TSS, 0, 0);
    env_put_desc(ENV_GDT, 12, 0x4800, 0x67, 0x9, false, 0, true, false, false);
    struct env_snapshot snap;
    env_snap(&snap);
    ck_assert_int_eq(cpu_far_jmp(&env_s, &env_mem, 0x58, 0, CPU_OP32).status, CPU_UNSUPPORTED);
    ck_assert_int_eq(cpu_far_jmp(&env_s, &env_mem, 0x60, 0, CPU_OP32).status, CPU_UNSUPPORTED);
    /* The current TSS is busy: #GP(sel). */
    ASSERT_FAULT(cpu_far_jmp(&env_s, &env_mem, SEL_TSS, 0, CPU_OP32), VEC_GP, SEL_TSS);
    ck_assert(env_unchanged(&snap));
}
END_TEST

/* ---- far CALL, direct ---- */

START_TEST(call_far_same_level_32)
{
    put_small_code(true);
    struct cpu_result r = cpu_far_call(&env_s, &env_mem, 0x50, 0x100, CPU_OP32, NEXT_EIP);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP - 8);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 8), NEXT_EIP);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 4), SEL_KCODE); /* zero-extended CS */
    ck_assert_uint_eq(env_s.seg[SEG_CS].sel, 0x50);
    ck_assert_uint_eq(env_s.eip, 0x100);
}
END_TEST

START_TEST(call_far_same_level_16)
{
    put_small_code(true);
    env_wr32(ENV_ESP - 8, 0xCCCCCCCC);
    struct cpu_result r = cpu_far_call(&env_s, &env_mem, 0x50, 0xABCD0100, CPU_OP16, NEXT_EIP);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP - 4);
    ck_assert_uint_eq(env_rd16(ENV_ESP - 4), NEXT_EIP);
    ck_assert_uint_eq(env_rd16(ENV_ESP - 2), SEL_KCODE);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 8), 0xCCCCCCCC);
    ck_assert_uint_eq(env_s.eip, 0x0100);
}
END_TEST

START_TEST(call_far_without_stack_room_is_ss0)
{
    put_small_code(true);
    env_s.seg[SEG_SS].limit = ENV_ESP - 5; /* the CS slot at ESP-4 does not fit */
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x50, 0, CPU_OP32, NEXT_EIP), VEC_SS, 0);
    ck_assert(env_unchanged(&snap));
}
END_TEST

/* ---- far CALL through call gates ---- */

/* GDT[11] = 0x58: a call gate to KCODE:0x7000 with `params` parameters. */
static void put_call_gate(unsigned type, unsigned dpl, bool present, unsigned params)
{
    env_put_gate(ENV_GDT, 11, type, dpl, present, SEL_KCODE, 0x00017000, params);
}

START_TEST(call_gate_to_inner_level_copies_parameters)
{
    env_user_mode();
    put_call_gate(0xC, 3, true, 2);
    env_wr32(ENV_USP, 0x11111111);
    env_wr32(ENV_USP + 4, 0x22222222);
    env_wr32(ENV_USP + 8, 0x33333333); /* not a parameter */
    struct seg_cache user_ds = env_s.seg[SEG_DS];
    struct cpu_result r = cpu_far_call(&env_s, &env_mem, 0x5B, 0xDEAD, CPU_OP32, NEXT_EIP);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.cpl, 0);
    struct seg_cache cs = env_flat(SEL_KCODE, 0xB, 0), ss = env_flat(SEL_KDATA, 0x3, 0);
    ck_assert(env_cache_eq(&env_s.seg[SEG_CS], &cs));
    ck_assert(env_cache_eq(&env_s.seg[SEG_SS], &ss));
    ck_assert(env_cache_eq(&env_s.seg[SEG_DS], &user_ds)); /* data segments stay */
    ck_assert_uint_eq(env_s.eip, 0x00017000);
    uint32_t esp = ENV_ESP0 - 24;
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], esp);
    ck_assert_uint_eq(env_rd32(esp + 0), NEXT_EIP);
    ck_assert_uint_eq(env_rd32(esp + 4), SEL_UCODE | 3);
    ck_assert_uint_eq(env_rd32(esp + 8), 0x11111111);
    ck_assert_uint_eq(env_rd32(esp + 12), 0x22222222);
    ck_assert_uint_eq(env_rd32(esp + 16), ENV_USP);
    ck_assert_uint_eq(env_rd32(esp + 20), SEL_UDATA | 3);
    ck_assert_uint_eq(env_gdt_type(1), 0xB); /* accessed bits of CS and SS */
    ck_assert_uint_eq(env_gdt_type(2), 0x3);
}
END_TEST

START_TEST(call_gate16_to_inner_level)
{
    env_user_mode();
    put_call_gate(0x4, 3, true, 1);
    env_wr16(ENV_USP, 0xBEEF);
    env_wr16(ENV_USP + 2, 0xF00D);
    struct cpu_result r = cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.eip, 0x7000); /* a 16-bit gate gives IP only */
    uint32_t esp = ENV_ESP0 - 10;
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], esp);
    ck_assert_uint_eq(env_rd16(esp + 0), NEXT_EIP);
    ck_assert_uint_eq(env_rd16(esp + 2), SEL_UCODE | 3);
    ck_assert_uint_eq(env_rd16(esp + 4), 0xBEEF);
    ck_assert_uint_eq(env_rd16(esp + 6), ENV_USP & 0xFFFF);
    ck_assert_uint_eq(env_rd16(esp + 8), SEL_UDATA | 3);
}
END_TEST

START_TEST(call_gate_same_level_to_conforming)
{
    env_user_mode();
    env_put_gate(ENV_GDT, 11, 0xC, 3, true, SEL_KCONF, 0x6000, 2);
    struct cpu_result r = cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.cpl, 3);
    ck_assert_uint_eq(env_s.seg[SEG_CS].sel, SEL_KCONF | 3);
    ck_assert_uint_eq(env_s.seg[SEG_SS].sel, SEL_UDATA | 3);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_USP - 8); /* no parameter copy */
    ck_assert_uint_eq(env_rd32(ENV_USP - 8), NEXT_EIP);
    ck_assert_uint_eq(env_rd32(ENV_USP - 4), SEL_UCODE | 3);
}
END_TEST

START_TEST(call_gate_privilege_checks)
{
    env_user_mode();
    put_call_gate(0xC, 0, true, 0);
    struct env_snapshot snap;
    env_snap(&snap);
    /* Gate DPL 0 < CPL 3. */
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_GP, 0x58);
    ck_assert(env_unchanged(&snap));
    /* At CPL 0, RPL 3 > gate DPL 0. */
    env_s = snap.s;
    env_s.cpl = 0;
    env_s.seg[SEG_CS] = env_flat(SEL_KCODE, 0xB, 0);
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_GP, 0x58);
    /* Through a gate to DPL 3 code from CPL 0 (DPL > CPL): #GP(code sel). */
    env_put_gate(ENV_GDT, 11, 0xC, 0, true, SEL_UCODE, 0, 0);
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x58, 0, CPU_OP32, NEXT_EIP), VEC_GP, SEL_UCODE);
    /* A gate to a data segment, and a gate with a null selector. */
    env_put_gate(ENV_GDT, 11, 0xC, 0, true, SEL_KDATA, 0, 0);
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x58, 0, CPU_OP32, NEXT_EIP), VEC_GP, SEL_KDATA);
    env_put_gate(ENV_GDT, 11, 0xC, 0, true, 0x0000, 0, 0);
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x58, 0, CPU_OP32, NEXT_EIP), VEC_GP, 0);
}
END_TEST

START_TEST(call_gate_not_present_is_np_gate)
{
    env_user_mode();
    put_call_gate(0xC, 3, false, 0);
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_NP, 0x58);
    /* Target code segment not present: #NP(code sel). */
    put_small_code(false);
    env_put_gate(ENV_GDT, 11, 0xC, 3, true, 0x50, 0, 0);
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_NP, 0x50);
}
END_TEST

START_TEST(call_gate_bad_tss_stack_is_ts)
{
    env_user_mode();
    put_call_gate(0xC, 3, true, 0);
    struct env_snapshot snap;
    env_snap(&snap);
    env_wr16(ENV_TSS + 8, SEL_UDATA | 3); /* RPL 3 != new CPL 0 */
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_TS, SEL_UDATA);
    env_wr16(ENV_TSS + 8, SEL_UDATA); /* RPL 0 but DPL 3 */
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_TS, SEL_UDATA);
    env_wr16(ENV_TSS + 8, SEL_KCODE); /* not writable data */
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_TS, SEL_KCODE);
    env_wr16(ENV_TSS + 8, 0); /* null */
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_TS, 0);
    env_wr16(ENV_TSS + 8, SEL_KDATA);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(call_gate_tss_stack_not_present_is_ss)
{
    env_user_mode();
    put_call_gate(0xC, 3, true, 0);
    env_put_desc(ENV_GDT, 12, 0, 0xFFFFF, 0x2, true, 0, false, true, true);
    env_wr16(ENV_TSS + 8, 0x60);
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_SS, 0x60);
}
END_TEST

START_TEST(call_gate_tss_too_short_is_ts_tr)
{
    env_user_mode();
    put_call_gate(0xC, 3, true, 0);
    env_s.tr.limit = 8; /* SS0 at offset 8..9 lies past it */
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_TS, SEL_TSS);
}
END_TEST

START_TEST(call_gate_new_stack_page_fault_changes_nothing)
{
    env_paging_on();
    env_user_mode();
    put_call_gate(0xC, 3, true, 1);
    env_set_pte(ENV_ESP0 - 4, 0); /* the page below ESP0 is not present */
    struct env_snapshot snap;
    env_snap(&snap);
    struct cpu_result r = cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP);
    ASSERT_FAULT(r, VEC_PF, MMU_PF_W); /* supervisor write, not present */
    ck_assert_uint_eq(r.fault.cr2, ENV_ESP0 - 4);
    ck_assert(env_unchanged(&snap)); /* no accessed bit, no stack byte */
}
END_TEST

START_TEST(call_gate_parameter_outside_caller_stack_is_ss0)
{
    env_user_mode();
    put_call_gate(0xC, 3, true, 2);
    env_s.seg[SEG_SS].limit = ENV_USP + 3; /* the second parameter lies past it */
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP), VEC_SS, 0);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(call_through_task_gate_is_unsupported)
{
    env_put_gate(ENV_GDT, 11, 0x5, 0, true, SEL_TSS, 0, 0);
    struct cpu_result r = cpu_far_call(&env_s, &env_mem, 0x58, 0, CPU_OP32, NEXT_EIP);
    ck_assert_int_eq(r.status, CPU_UNSUPPORTED);
    ck_assert_ptr_nonnull(r.why);
}
END_TEST

/* ---- far RET ---- */

START_TEST(retf_same_level_releases_parameters)
{
    put_small_code(true);
    env_wr32(ENV_ESP, 0x1234);
    env_wr32(ENV_ESP + 4, 0xFFFF0050); /* high half of the CS slot is discarded */
    struct cpu_result r = cpu_far_ret(&env_s, &env_mem, CPU_OP32, 8);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.eip, 0x1234);
    ck_assert_uint_eq(env_s.seg[SEG_CS].sel, 0x50);
    ck_assert_uint_eq(env_s.seg[SEG_CS].base, 0x100000);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP + 16);
    ck_assert_uint_eq(env_gdt_type(10), 0xB);
}
END_TEST

START_TEST(retf_to_outer_level_nulls_data_segments)
{
    env_wr32(ENV_ESP, 0x4000);
    env_wr32(ENV_ESP + 4, SEL_UCODE | 3);
    env_wr32(ENV_ESP + 12, 0x7000); /* after 4 bytes of parameters */
    env_wr32(ENV_ESP + 16, SEL_UDATA | 3);
    env_s.seg[SEG_ES] = env_flat(SEL_UDATA | 3, 0x3, 3);
    env_s.seg[SEG_FS] = env_flat(SEL_KCONF, 0xF, 0);
    env_s.seg[SEG_GS] = env_flat(SEL_KCODE, 0xB, 0); /* readable non-conforming code */
    struct cpu_result r = cpu_far_ret(&env_s, &env_mem, CPU_OP32, 4);
    ck_assert_int_eq(r.status, CPU_OK);
    ck_assert_uint_eq(env_s.cpl, 3);
    ck_assert_uint_eq(env_s.eip, 0x4000);
    struct seg_cache cs = env_flat(SEL_UCODE | 3, 0xB, 3), ss = env_flat(SEL_UDATA | 3, 0x3, 3);
    ck_assert(env_cache_eq(&env_s.seg[SEG_CS], &cs));
    ck_assert(env_cache_eq(&env_s.seg[SEG_SS], &ss));
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], 0x7004); /* popped ESP + imm */
    ck_assert(!env_s.seg[SEG_DS].valid);           /* DPL 0 data */
    ck_assert_uint_eq(env_s.seg[SEG_DS].sel, 0);
    ck_assert(!env_s.seg[SEG_GS].valid); /* DPL 0 non-conforming code */
    ck_assert(env_s.seg[SEG_ES].valid);  /* DPL 3 data */
    ck_assert(env_s.seg[SEG_FS].valid);  /* conforming code */
    ck_assert_uint_eq(env_s.seg[SEG_FS].sel, SEL_KCONF);
}
END_TEST

START_TEST(retf_to_inner_level_is_gp_sel)
{
    env_user_mode();
    env_wr32(ENV_USP, 0x4000);
    env_wr32(ENV_USP + 4, SEL_KCODE);
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_far_ret(&env_s, &env_mem, CPU_OP32, 0), VEC_GP, SEL_KCODE);
    env_wr32(ENV_USP + 4, 0);
    ck_assert(!env_unchanged(&snap));
    env_snap(&snap);
    ASSERT_FAULT(cpu_far_ret(&env_s, &env_mem, CPU_OP32, 0), VEC_GP, 0);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(retf_outer_level_bad_stack_selector)
{
    env_wr32(ENV_ESP, 0x4000);
    env_wr32(ENV_ESP + 4, SEL_UCODE | 3);
    env_wr32(ENV_ESP + 8, 0x7000);
    env_wr32(ENV_ESP + 12, SEL_UDATA); /* RPL 0 != 3 */
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_far_ret(&env_s, &env_mem, CPU_OP32, 0), VEC_GP, SEL_UDATA);
    ck_assert(env_unchanged(&snap));
    env_wr32(ENV_ESP + 12, 0);
    ASSERT_FAULT(cpu_far_ret(&env_s, &env_mem, CPU_OP32, 0), VEC_GP, 0);
    env_put_desc(ENV_GDT, 12, 0, 0xFFFFF, 0x2, true, 3, false, true, true);
    env_wr32(ENV_ESP + 12, 0x63);
    ASSERT_FAULT(cpu_far_ret(&env_s, &env_mem, CPU_OP32, 0), VEC_SS, 0x60);
    ck_assert_uint_eq(env_s.cpl, 0);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP);
}
END_TEST

START_TEST(retf_outside_stack_limit_is_ss0)
{
    env_s.seg[SEG_SS].limit = ENV_ESP + 6;
    ASSERT_FAULT(cpu_far_ret(&env_s, &env_mem, CPU_OP32, 0), VEC_SS, 0);
    /* Outer level: the SS:ESP slots past imm must fit too. */
    env_s.seg[SEG_SS].limit = ENV_ESP + 0x20;
    env_wr32(ENV_ESP, 0x4000);
    env_wr32(ENV_ESP + 4, SEL_UCODE | 3);
    ASSERT_FAULT(cpu_far_ret(&env_s, &env_mem, CPU_OP32, 0x18), VEC_SS, 0);
}
END_TEST

START_TEST(call_gate_then_retf_round_trip)
{
    env_user_mode();
    put_call_gate(0xC, 3, true, 2);
    struct vcpu_state before = env_s;
    ck_assert_int_eq(cpu_far_call(&env_s, &env_mem, 0x5B, 0, CPU_OP32, NEXT_EIP).status, CPU_OK);
    ck_assert_int_eq(cpu_far_ret(&env_s, &env_mem, CPU_OP32, 8).status, CPU_OK);
    before.eip = NEXT_EIP;
    before.gpr[GPR_ESP] = ENV_USP + 8; /* the caller's parameters released */
    ck_assert(env_state_eq(&before, &env_s));
}
END_TEST

static Suite *cpu_far_suite(void)
{
    Suite *s = suite_create("cpu_far");
    TCase *tc = tcase_create("far");
    tcase_add_checked_fixture(tc, env_setup, env_teardown);
    tcase_add_test(tc, jmp_far_to_code_same_level);
    tcase_add_test(tc, jmp_far_to_conforming_code_keeps_cpl);
    tcase_add_test(tc, jmp_far_nonconforming_other_level_is_gp_sel);
    tcase_add_test(tc, jmp_far_null_is_gp0_and_data_is_gp_sel);
    tcase_add_test(tc, jmp_far_eip_beyond_limit_is_gp0);
    tcase_add_test(tc, jmp_far_not_present_is_np_sel);
    tcase_add_test(tc, jmp_far_16bit_operand_truncates_offset);
    tcase_add_test(tc, jmp_through_call_gate);
    tcase_add_test(tc, jmp_to_task_gate_or_tss);
    tcase_add_test(tc, call_far_same_level_32);
    tcase_add_test(tc, call_far_same_level_16);
    tcase_add_test(tc, call_far_without_stack_room_is_ss0);
    tcase_add_test(tc, call_gate_to_inner_level_copies_parameters);
    tcase_add_test(tc, call_gate16_to_inner_level);
    tcase_add_test(tc, call_gate_same_level_to_conforming);
    tcase_add_test(tc, call_gate_privilege_checks);
    tcase_add_test(tc, call_gate_not_present_is_np_gate);
    tcase_add_test(tc, call_gate_bad_tss_stack_is_ts);
    tcase_add_test(tc, call_gate_tss_stack_not_present_is_ss);
    tcase_add_test(tc, call_gate_tss_too_short_is_ts_tr);
    tcase_add_test(tc, call_gate_new_stack_page_fault_changes_nothing);
    tcase_add_test(tc, call_gate_parameter_outside_caller_stack_is_ss0);
    tcase_add_test(tc, call_through_task_gate_is_unsupported);
    tcase_add_test(tc, retf_same_level_releases_parameters);
    tcase_add_test(tc, retf_to_outer_level_nulls_data_segments);
    tcase_add_test(tc, retf_to_inner_level_is_gp_sel);
    tcase_add_test(tc, retf_outer_level_bad_stack_selector);
    tcase_add_test(tc, retf_outside_stack_limit_is_ss0);
    tcase_add_test(tc, call_gate_then_retf_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(cpu_far_suite)
