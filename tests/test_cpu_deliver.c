/* test_cpu_deliver.c — exception and interrupt delivery through the IDT (and the IVT),
 * with #DF escalation and triple faults. */
#include "monitor/cpu_deliver.h"
#include "monitor/world.h"
#include "shadow_mmu/walk.h"
#include "tests/test_cpu_env.h"
#include "tests/unit.h"

#define USER_EIP    0x5002u /* the instruction after INT n */
#define KHANDLER    0x00100000u
#define GP_HANDLER  0x00200000u
#define DF_HANDLER  0x00300000u
#define NP_HANDLER  0x00400000u
#define PF_HANDLER  0x00500000u
#define INT_GATE32  0xEu
#define TRAP_GATE32 0xFu

static void idt_gate(unsigned vec, unsigned type, unsigned dpl, bool present, uint16_t sel,
                     uint32_t off)
{
    env_put_gate(ENV_IDT, vec, type, dpl, present, sel, off, 0);
}

static enum cpu_deliver_status deliver(uint8_t vec, enum cpu_event_kind kind, bool has_err,
                                       uint32_t err, struct cpu_deliver_result *res)
{
    return cpu_deliver(&env_s, &env_mem, vec, kind, has_err, err, res);
}

START_TEST(int80_from_cpl3_through_trap_gate)
{
    env_user_mode();
    env_s.eip = USER_EIP;
    uint32_t flags = ENV_FLAGS | EFLAGS_TF | EFLAGS_NT | EFLAGS_CF;
    env_s.eflags = flags;
    struct seg_cache ds = env_s.seg[SEG_DS];
    idt_gate(0x80, TRAP_GATE32, 3, true, SEL_KCODE, KHANDLER);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x80, EVENT_SOFTWARE_INT, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(res.vector, 0x80);
    ck_assert_uint_eq(res.nested, 0);
    ck_assert_uint_eq(env_s.cpl, 0);
    struct seg_cache cs = env_flat(SEL_KCODE, 0xB, 0), ss = env_flat(SEL_KDATA, 0x3, 0);
    ck_assert(env_cache_eq(&env_s.seg[SEG_CS], &cs));
    ck_assert(env_cache_eq(&env_s.seg[SEG_SS], &ss));
    ck_assert(env_cache_eq(&env_s.seg[SEG_DS], &ds));
    ck_assert_uint_eq(env_s.eip, KHANDLER);
    /* A trap gate keeps IF; TF and NT are cleared (SDM §6.12.1.2). */
    ck_assert_uint_eq(env_s.eflags, ENV_FLAGS | EFLAGS_CF);
    uint32_t esp = ENV_ESP0 - 20;
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], esp);
    ck_assert_uint_eq(env_rd32(esp + 0), USER_EIP);
    ck_assert_uint_eq(env_rd32(esp + 4), SEL_UCODE | 3);
    ck_assert_uint_eq(env_rd32(esp + 8), flags);
    ck_assert_uint_eq(env_rd32(esp + 12), ENV_USP);
    ck_assert_uint_eq(env_rd32(esp + 16), SEL_UDATA | 3);
    ck_assert_uint_eq(env_gdt_type(1), 0xB);
    ck_assert_uint_eq(env_gdt_type(2), 0x3);
}
END_TEST

START_TEST(interrupt_gate_clears_if_at_the_same_level)
{
    idt_gate(0x20, INT_GATE32, 0, true, SEL_KCODE, KHANDLER);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x20, EVENT_EXTERNAL, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(env_s.eflags, EFLAGS_FIXED);
    ck_assert_uint_eq(env_s.cpl, 0);
    ck_assert_uint_eq(env_s.seg[SEG_SS].sel, SEL_KDATA);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP - 12);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 12), ENV_EIP);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 8), SEL_KCODE);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 4), ENV_FLAGS);
}
END_TEST

START_TEST(int_n_through_dpl0_gate_from_cpl3_is_gp)
{
    env_user_mode();
    env_s.eip = USER_EIP;
    idt_gate(0x30, INT_GATE32, 0, true, SEL_KCODE, KHANDLER);
    idt_gate(VEC_GP, INT_GATE32, 0, true, SEL_KCODE, GP_HANDLER);
    struct env_snapshot snap;
    env_snap(&snap);
    struct cpu_result once = cpu_deliver_once(&env_s, &env_mem, 0x30, EVENT_SOFTWARE_INT, false, 0);
    ASSERT_FAULT(once, VEC_GP, 0x30 * 8 + 2); /* IDT bit set, EXT clear */
    ck_assert(env_unchanged(&snap));

    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x30, EVENT_SOFTWARE_INT, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(res.vector, VEC_GP);
    ck_assert_uint_eq(res.err, 0x182);
    ck_assert_uint_eq(res.nested, 1);
    ck_assert_uint_eq(env_s.eip, GP_HANDLER);
    uint32_t esp = ENV_ESP0 - 24;
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], esp);
    ck_assert_uint_eq(env_rd32(esp + 0), 0x182);
    ck_assert_uint_eq(env_rd32(esp + 4), USER_EIP);
    ck_assert_uint_eq(env_rd32(esp + 8), SEL_UCODE | 3);
    ck_assert_uint_eq(env_rd32(esp + 12), ENV_FLAGS | EFLAGS_RF); /* #GP is a fault */
    ck_assert_uint_eq(env_s.eflags & (EFLAGS_IF | EFLAGS_RF), 0);
}
END_TEST

START_TEST(not_present_gate_is_np_with_ext_by_kind)
{
    idt_gate(0x30, INT_GATE32, 3, false, SEL_KCODE, KHANDLER);
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x30, EVENT_SOFTWARE_INT, false, 0), VEC_NP,
                 0x30 * 8 + 2);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x30, EVENT_EXTERNAL, false, 0), VEC_NP,
                 0x30 * 8 + 3);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(non_gate_descriptor_in_idt_is_gp)
{
    env_put_desc(ENV_IDT, 0x31, 0, 0xFFFFF, 0x2, true, 3, true, true, true); /* data */
    env_put_gate(ENV_IDT, 0x32, 0xC, 3, true, SEL_KCODE, 0, 0);              /* call gate */
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x31, EVENT_SOFTWARE_INT, false, 0), VEC_GP,
                 0x31 * 8 + 2);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x32, EVENT_EXCEPTION, false, 0), VEC_GP,
                 0x32 * 8 + 3);
}
END_TEST

START_TEST(external_interrupt_ignores_gate_dpl)
{
    env_user_mode();
    idt_gate(0x20, INT_GATE32, 0, true, SEL_KCODE, KHANDLER);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x20, EVENT_EXTERNAL, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(res.vector, 0x20);
    ck_assert_uint_eq(env_s.cpl, 0);
    ck_assert_uint_eq(env_s.eip, KHANDLER);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP0 - 20);
    ck_assert(!(env_s.eflags & EFLAGS_IF));
}
END_TEST

START_TEST(external_interrupt_sets_ext_in_resulting_error_code)
{
    idt_gate(0x21, INT_GATE32, 0, true, 0x0800, KHANDLER); /* CS past the GDT */
    idt_gate(VEC_GP, INT_GATE32, 0, true, SEL_KCODE, GP_HANDLER);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x21, EVENT_EXTERNAL, false, 0), VEC_GP,
                 0x0801);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x21, EVENT_EXTERNAL, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(res.vector, VEC_GP);
    ck_assert_uint_eq(env_rd32(env_s.gpr[GPR_ESP]), 0x0801);
    /* The same gate reached by INT n: EXT clear. */
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x21, EVENT_SOFTWARE_INT, false, 0), VEC_GP,
                 0x0800);
}
END_TEST

START_TEST(idt_limit_exceeded_is_gp)
{
    env_s.idtr.limit = 0x20 * 8 - 1; /* gates 0..0x1F */
    struct env_snapshot snap;
    env_snap(&snap);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x20, EVENT_EXTERNAL, false, 0), VEC_GP, 0x103);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x20, EVENT_SOFTWARE_INT, false, 0), VEC_GP,
                 0x102);
    env_s.idtr.limit = 0x20 * 8 + 6; /* gate 0x20 one byte short */
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x20, EVENT_EXTERNAL, false, 0), VEC_GP, 0x103);
    env_s.idtr.limit = snap.s.idtr.limit;
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(exception_pushes_error_code_and_rf)
{
    idt_gate(VEC_GP, INT_GATE32, 0, true, SEL_KCODE, GP_HANDLER);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(VEC_GP, EVENT_EXCEPTION, true, 0x1234, &res), DELIVER_OK);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_ESP - 16);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 16), 0x1234);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 12), ENV_EIP);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 8), SEL_KCODE);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 4), ENV_FLAGS | EFLAGS_RF);
    ck_assert_uint_eq(env_s.eflags & EFLAGS_RF, 0);
}
END_TEST

START_TEST(rf_image_by_event_kind)
{
    env_s.eflags |= EFLAGS_RF;
    idt_gate(0x40, TRAP_GATE32, 0, true, SEL_KCODE, KHANDLER);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x40, EVENT_SOFTWARE_INT, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 4), ENV_FLAGS); /* RF = 0: cleared by INT n */
    env_s.gpr[GPR_ESP] = ENV_ESP;
    env_s.eflags |= EFLAGS_RF;
    ck_assert_int_eq(deliver(0x40, EVENT_EXTERNAL, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 4), ENV_FLAGS | EFLAGS_RF); /* as it was */
    ck_assert_uint_eq(env_s.eflags & EFLAGS_RF, 0);
}
END_TEST

START_TEST(gate16_pushes_a_16bit_frame)
{
    env_user_mode();
    env_s.eip = USER_EIP;
    env_put_gate(ENV_IDT, 0x41, 0x7, 3, true, SEL_KCODE, 0xABCD1234, 0); /* 16-bit trap gate */
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x41, EVENT_SOFTWARE_INT, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(env_s.eip, 0x1234);
    uint32_t esp = ENV_ESP0 - 10;
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], esp);
    ck_assert_uint_eq(env_rd16(esp + 0), USER_EIP);
    ck_assert_uint_eq(env_rd16(esp + 2), SEL_UCODE | 3);
    ck_assert_uint_eq(env_rd16(esp + 4), ENV_FLAGS);
    ck_assert_uint_eq(env_rd16(esp + 6), ENV_USP);
    ck_assert_uint_eq(env_rd16(esp + 8), SEL_UDATA | 3);
    ck_assert(env_s.eflags & EFLAGS_IF);
}
END_TEST

START_TEST(conforming_handler_runs_at_the_current_level)
{
    env_user_mode();
    idt_gate(0x42, TRAP_GATE32, 3, true, SEL_KCONF, KHANDLER);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x42, EVENT_SOFTWARE_INT, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(env_s.cpl, 3);
    ck_assert_uint_eq(env_s.seg[SEG_CS].sel, SEL_KCONF | 3);
    ck_assert_uint_eq(env_s.seg[SEG_SS].sel, SEL_UDATA | 3);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], ENV_USP - 12);
    ck_assert_uint_eq(env_rd32(ENV_USP - 12), ENV_EIP);
}
END_TEST

START_TEST(handler_segment_checks)
{
    /* DPL 3 code from CPL 0: #GP(sel + EXT). */
    idt_gate(VEC_UD, INT_GATE32, 0, true, SEL_UCODE, KHANDLER);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, VEC_UD, EVENT_EXCEPTION, false, 0), VEC_GP,
                 SEL_UCODE | 1);
    /* Data segment as the handler's CS: #GP(sel + EXT). */
    idt_gate(VEC_UD, INT_GATE32, 0, true, SEL_KDATA, KHANDLER);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, VEC_UD, EVENT_EXCEPTION, false, 0), VEC_GP,
                 SEL_KDATA | 1);
    /* Null CS: #GP(EXT). */
    idt_gate(VEC_UD, INT_GATE32, 0, true, 0, KHANDLER);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, VEC_UD, EVENT_EXCEPTION, false, 0), VEC_GP, 1);
    /* Not present code: #NP(sel + EXT). */
    env_put_desc(ENV_GDT, 10, 0, 0xFFFF, 0xA, true, 0, false, true, false);
    idt_gate(VEC_UD, INT_GATE32, 0, true, 0x50, 0);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, VEC_UD, EVENT_EXCEPTION, false, 0), VEC_NP,
                 0x51);
    /* Handler EIP past the limit: #GP(EXT), #GP(0) for INT n. */
    env_put_desc(ENV_GDT, 10, 0, 0xFFFF, 0xA, true, 0, true, true, false);
    idt_gate(VEC_UD, INT_GATE32, 0, true, 0x50, 0x10000);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, VEC_UD, EVENT_EXCEPTION, false, 0), VEC_GP, 1);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, VEC_UD, EVENT_SOFTWARE_INT, false, 0), VEC_GP,
                 0);
    ck_assert_uint_eq(env_gdt_type(10), 0xA); /* no accessed bit on a failed delivery */
}
END_TEST

START_TEST(tss_problems_during_delivery_carry_ext)
{
    env_user_mode();
    idt_gate(0x20, INT_GATE32, 0, true, SEL_KCODE, KHANDLER);
    env_s.tr.limit = 5;
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x20, EVENT_EXTERNAL, false, 0), VEC_TS,
                 SEL_TSS | 1);
    env_s.tr.limit = 0x67;
    env_put_desc(ENV_GDT, 12, 0, 0xFFFFF, 0x2, true, 0, false, true, true);
    env_wr16(ENV_TSS + 8, 0x60);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x20, EVENT_EXTERNAL, false, 0), VEC_SS, 0x61);
    env_wr16(ENV_TSS + 8, SEL_R1DATA | 1); /* RPL 1 for a DPL 0 handler */
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x20, EVENT_EXTERNAL, false, 0), VEC_TS,
                 SEL_R1DATA | 1);
}
END_TEST

START_TEST(frame_outside_stack_limit_is_ss)
{
    idt_gate(0x20, INT_GATE32, 0, true, SEL_KCODE, KHANDLER);
    env_s.seg[SEG_SS].limit = ENV_ESP - 5;
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x20, EVENT_EXTERNAL, false, 0), VEC_SS, 1);
    ASSERT_FAULT(cpu_deliver_once(&env_s, &env_mem, 0x20, EVENT_SOFTWARE_INT, false, 0), VEC_SS, 0);
}
END_TEST

START_TEST(sp_wraps_on_a_16bit_stack)
{
    /* SS.B = 0: pushes decrement SP only, the upper half of ESP stays. */
    env_put_desc(ENV_GDT, 12, 0x20000, 0xFFFF, 0x3, true, 0, true, false, false);
    env_s.seg[SEG_SS] = (struct seg_cache){.sel = 0x60,
                                           .attr = 0x3 | SEG_ATTR_S | SEG_ATTR_P,
                                           .base = 0x20000,
                                           .limit = 0xFFFF,
                                           .valid = true};
    env_s.gpr[GPR_ESP] = 0xABCD0004;
    idt_gate(0x20, INT_GATE32, 0, true, SEL_KCODE, KHANDLER);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x20, EVENT_EXTERNAL, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], 0xABCDFFF8);
    ck_assert_uint_eq(env_rd32(0x20000), ENV_FLAGS);
    ck_assert_uint_eq(env_rd32(0x2FFFC), SEL_KCODE);
    ck_assert_uint_eq(env_rd32(0x2FFF8), ENV_EIP);
}
END_TEST

/* #PF and #DF set-up for the escalation tests: the page below ESP0 is not present;
 * #DF goes to a ring-1 handler whose stack (SS1:ESP1) is mapped. */
static void escalation_setup(bool df_present)
{
    env_paging_on();
    env_user_mode();
    env_set_pte(ENV_ESP0 - 4, 0);
    idt_gate(VEC_PF, INT_GATE32, 0, true, SEL_KCODE, PF_HANDLER);
    idt_gate(VEC_GP, INT_GATE32, 0, true, SEL_KCODE, GP_HANDLER);
    idt_gate(VEC_DF, INT_GATE32, 0, df_present, SEL_R1CODE, DF_HANDLER);
}

START_TEST(page_fault_while_delivering_page_fault_is_df)
{
    escalation_setup(true);
    env_s.cr2 = 0x12345;
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(VEC_PF, EVENT_EXCEPTION, true, MMU_PF_U | MMU_PF_W, &res), DELIVER_OK);
    ck_assert_uint_eq(res.vector, VEC_DF);
    ck_assert_uint_eq(res.err, 0);
    ck_assert_uint_eq(res.nested, 1);
    ck_assert_uint_eq(env_s.cr2, ENV_ESP0 - 4); /* the second #PF's address */
    ck_assert_uint_eq(env_s.cpl, 1);
    ck_assert_uint_eq(env_s.seg[SEG_CS].sel, SEL_R1CODE | 1);
    ck_assert_uint_eq(env_s.seg[SEG_SS].sel, SEL_R1DATA | 1);
    ck_assert_uint_eq(env_s.eip, DF_HANDLER);
    uint32_t esp = ENV_ESP1 - 24;
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], esp);
    ck_assert_uint_eq(env_rd32(esp + 0), 0); /* #DF error code */
    ck_assert_uint_eq(env_rd32(esp + 4), ENV_EIP);
    ck_assert_uint_eq(env_rd32(esp + 8), SEL_UCODE | 3);
    ck_assert_uint_eq(env_rd32(esp + 16), ENV_USP);
}
END_TEST

START_TEST(gp_then_page_fault_is_serial_then_df)
{
    escalation_setup(true);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(VEC_GP, EVENT_EXCEPTION, true, 0, &res), DELIVER_OK);
    /* #GP -> #PF (contributory then page fault: serial), #PF -> #PF: #DF. */
    ck_assert_uint_eq(res.vector, VEC_DF);
    ck_assert_uint_eq(res.nested, 2);
    ck_assert_uint_eq(env_s.cr2, ENV_ESP0 - 4);
}
END_TEST

START_TEST(fault_while_delivering_df_is_triple_fault)
{
    escalation_setup(false);
    struct env_snapshot snap;
    env_snap(&snap);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(VEC_PF, EVENT_EXCEPTION, true, 0, &res), DELIVER_TRIPLE_FAULT);
    ck_assert_uint_eq(res.vector, VEC_DF);
    ck_assert_uint_eq(res.last_fault.vector, VEC_NP);
    ck_assert_uint_eq(res.last_fault.error_code, VEC_DF * 8 + 3);
    ck_assert_uint_eq(env_s.cr2, ENV_ESP0 - 4);
    env_s.cr2 = snap.s.cr2;
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(contributory_then_contributory_is_df)
{
    idt_gate(VEC_GP, INT_GATE32, 0, false, SEL_KCODE, GP_HANDLER);
    idt_gate(VEC_DF, INT_GATE32, 0, true, SEL_KCODE, DF_HANDLER);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(VEC_GP, EVENT_EXCEPTION, true, 0x10, &res), DELIVER_OK);
    ck_assert_uint_eq(res.vector, VEC_DF);
    ck_assert_uint_eq(res.nested, 1);
    ck_assert_uint_eq(env_s.eip, DF_HANDLER);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 16), 0);
}
END_TEST

START_TEST(benign_then_contributory_is_serial)
{
    idt_gate(VEC_UD, INT_GATE32, 0, false, SEL_KCODE, KHANDLER);
    idt_gate(VEC_NP, INT_GATE32, 0, true, SEL_KCODE, NP_HANDLER);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(VEC_UD, EVENT_EXCEPTION, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(res.vector, VEC_NP);
    ck_assert_uint_eq(res.err, VEC_UD * 8 + 3);
    ck_assert_uint_eq(env_s.eip, NP_HANDLER);
    ck_assert_uint_eq(env_rd32(ENV_ESP - 16), VEC_UD * 8 + 3);
}
END_TEST

START_TEST(page_fault_then_contributory_is_df)
{
    idt_gate(VEC_PF, INT_GATE32, 0, false, SEL_KCODE, PF_HANDLER);
    idt_gate(VEC_DF, INT_GATE32, 0, true, SEL_KCODE, DF_HANDLER);
    struct cpu_deliver_result res;
    struct guest_fault pf = guest_fault_make(VEC_PF, true, MMU_PF_W);
    pf.cr2 = 0xCAFE000;
    ck_assert_int_eq(cpu_deliver_fault(&env_s, &env_mem, &pf, &res), DELIVER_OK);
    ck_assert_uint_eq(res.vector, VEC_DF);
    ck_assert_uint_eq(env_s.cr2, 0xCAFE000);
}
END_TEST

START_TEST(task_gate_in_idt_is_unsupported)
{
    env_put_gate(ENV_IDT, 0x50, 0x5, 0, true, SEL_TSS, 0, 0);
    struct env_snapshot snap;
    env_snap(&snap);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x50, EVENT_EXTERNAL, false, 0, &res), DELIVER_UNSUPPORTED);
    ck_assert_ptr_nonnull(res.why);
    ck_assert(env_unchanged(&snap));
}
END_TEST

START_TEST(delivery_clears_halted_and_inhibit)
{
    idt_gate(0x20, INT_GATE32, 0, true, SEL_KCODE, KHANDLER);
    env_s.halted = true;
    env_s.inhibit_irq = true;
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x20, EVENT_EXTERNAL, false, 0, &res), DELIVER_OK);
    ck_assert(!env_s.halted);
    ck_assert(!env_s.inhibit_irq);
}
END_TEST

/* Real mode: CS = 1000h, SS = 0, SP = 8000h, IVT at 0. */
static void real_mode_setup(void)
{
    env_s.cr0 = CR0_ET;
    env_s.cpl = 0;
    env_s.seg[SEG_CS] = (struct seg_cache){
        .sel = 0x1000, .attr = 0x9B, .base = 0x10000, .limit = 0xFFFF, .valid = true};
    env_s.seg[SEG_SS] =
        (struct seg_cache){.sel = 0, .attr = 0x93, .base = 0, .limit = 0xFFFF, .valid = true};
    env_s.gpr[GPR_ESP] = 0x8000;
    env_s.eip = 0x0100;
    env_s.idtr = (struct dtable_reg){.base = 0, .limit = 0x3FF};
    env_s.eflags = EFLAGS_FIXED | EFLAGS_IF | EFLAGS_TF | EFLAGS_AC | EFLAGS_CF;
}

START_TEST(real_mode_delivery_through_ivt)
{
    real_mode_setup();
    env_wr16(0x10 * 4, 0x1234);
    env_wr16(0x10 * 4 + 2, 0xF000);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x10, EVENT_SOFTWARE_INT, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(env_s.seg[SEG_CS].sel, 0xF000);
    ck_assert_uint_eq(env_s.seg[SEG_CS].base, 0xF0000);
    ck_assert_uint_eq(env_s.eip, 0x1234);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], 0x7FFA);
    ck_assert_uint_eq(env_rd16(0x7FFA), 0x0100);
    ck_assert_uint_eq(env_rd16(0x7FFC), 0x1000);
    ck_assert_uint_eq(env_rd16(0x7FFE), (EFLAGS_FIXED | EFLAGS_IF | EFLAGS_TF | EFLAGS_CF));
    ck_assert_uint_eq(env_s.eflags, EFLAGS_FIXED | EFLAGS_CF); /* IF, TF, AC cleared */
}
END_TEST

START_TEST(real_mode_ivt_limit_gives_gp_without_error_code)
{
    real_mode_setup();
    env_s.idtr.limit = 0x3F; /* vectors 0..15 */
    env_wr16(VEC_GP * 4, 0x0042);
    env_wr16(VEC_GP * 4 + 2, 0x2000);
    struct cpu_deliver_result res;
    ck_assert_int_eq(deliver(0x20, EVENT_SOFTWARE_INT, false, 0, &res), DELIVER_OK);
    ck_assert_uint_eq(res.vector, VEC_GP);
    ck_assert_uint_eq(env_s.seg[SEG_CS].sel, 0x2000);
    ck_assert_uint_eq(env_s.eip, 0x0042);
    ck_assert_uint_eq(env_s.gpr[GPR_ESP], 0x7FFA); /* no error code in real mode */
}
END_TEST

static Suite *cpu_deliver_suite(void)
{
    Suite *s = suite_create("cpu_deliver");
    TCase *tc = tcase_create("deliver");
    tcase_add_checked_fixture(tc, env_setup, env_teardown);
    tcase_add_test(tc, int80_from_cpl3_through_trap_gate);
    tcase_add_test(tc, interrupt_gate_clears_if_at_the_same_level);
    tcase_add_test(tc, int_n_through_dpl0_gate_from_cpl3_is_gp);
    tcase_add_test(tc, not_present_gate_is_np_with_ext_by_kind);
    tcase_add_test(tc, non_gate_descriptor_in_idt_is_gp);
    tcase_add_test(tc, external_interrupt_ignores_gate_dpl);
    tcase_add_test(tc, external_interrupt_sets_ext_in_resulting_error_code);
    tcase_add_test(tc, idt_limit_exceeded_is_gp);
    tcase_add_test(tc, exception_pushes_error_code_and_rf);
    tcase_add_test(tc, rf_image_by_event_kind);
    tcase_add_test(tc, gate16_pushes_a_16bit_frame);
    tcase_add_test(tc, conforming_handler_runs_at_the_current_level);
    tcase_add_test(tc, handler_segment_checks);
    tcase_add_test(tc, tss_problems_during_delivery_carry_ext);
    tcase_add_test(tc, frame_outside_stack_limit_is_ss);
    tcase_add_test(tc, sp_wraps_on_a_16bit_stack);
    tcase_add_test(tc, page_fault_while_delivering_page_fault_is_df);
    tcase_add_test(tc, gp_then_page_fault_is_serial_then_df);
    tcase_add_test(tc, fault_while_delivering_df_is_triple_fault);
    tcase_add_test(tc, contributory_then_contributory_is_df);
    tcase_add_test(tc, benign_then_contributory_is_serial);
    tcase_add_test(tc, page_fault_then_contributory_is_df);
    tcase_add_test(tc, task_gate_in_idt_is_unsupported);
    tcase_add_test(tc, delivery_clears_halted_and_inhibit);
    tcase_add_test(tc, real_mode_delivery_through_ivt);
    tcase_add_test(tc, real_mode_ivt_limit_gives_gp_without_error_code);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(cpu_deliver_suite)
