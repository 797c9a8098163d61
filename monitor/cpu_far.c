/* cpu_far.c — far JMP and far CALL in protected mode (SDM Vol. 2 JMP and CALL
 * operation, Vol. 3A §5.8.1–§5.8.5). */
#include "monitor/cpu_far.h"
#include "monitor/cpu_desc.h"
#include "monitor/cpu_seg.h"
#include "monitor/cpu_stack.h"
#include "monitor/cpu_tss.h"
#include "monitor/world.h"

/* The descriptor a far pointer names: null is #GP(0), past the table #GP(sel). */
static struct guest_fault fetch_target(const struct vcpu_state *s, const struct guest_mem *m,
                                       uint16_t sel, struct cpu_desc *d)
{
    if (sel_is_null(sel))
        return cpu_gp(0);
    return cpu_desc_fetch(s, m, sel, cpu_gp(cpu_sel_errcode(sel, false)), d);
}

/* A code segment named directly: conforming needs DPL <= CPL, non-conforming
 * RPL <= CPL and DPL = CPL (#GP(sel)); then present (#NP(sel)) (§5.8.2). */
static struct guest_fault check_direct_code(const struct vcpu_state *s, uint16_t sel,
                                            const struct cpu_desc *d)
{
    uint32_t err = cpu_sel_errcode(sel, false);
    if (desc_is_conforming_code(d)) {
        if (desc_dpl(d) > s->cpl)
            return cpu_gp(err);
    } else if (SEL_RPL(sel) > s->cpl || desc_dpl(d) != s->cpl) {
        return cpu_gp(err);
    }
    if (!desc_present(d))
        return cpu_np(err);
    return FAULT_NONE;
}

/* A task gate or TSS: the checks before a task switch, then CPU_UNSUPPORTED. */
static struct cpu_result task_target(const struct vcpu_state *s, uint16_t sel,
                                     const struct cpu_desc *d)
{
    uint32_t err = cpu_sel_errcode(sel, false);
    unsigned type = desc_type(d);
    /* DPL >= CPL and DPL >= RPL; a busy TSS is #GP(sel) (Vol. 2 JMP, TASK-STATE-SEGMENT). */
    if (desc_dpl(d) < s->cpl || desc_dpl(d) < SEL_RPL(sel) || type == DESC_TSS16_BUSY ||
        type == DESC_TSS32_BUSY)
        return cpu_fault(cpu_gp(err));
    if (!desc_present(d))
        return cpu_fault(cpu_np(err));
    return cpu_unsupported(type == DESC_TASK_GATE ? "far transfer through a task gate"
                                                  : "far transfer to a TSS (task switch)");
}

enum target_kind { TARGET_CODE, TARGET_CALL_GATE, TARGET_TASK, TARGET_BAD };

static enum target_kind target_kind(const struct cpu_desc *d)
{
    if (desc_is_code(d))
        return TARGET_CODE;
    if (desc_s(d))
        return TARGET_BAD; /* data */
    switch (desc_type(d)) {
    case DESC_CALL_GATE16:
    case DESC_CALL_GATE32: return TARGET_CALL_GATE;
    case DESC_TASK_GATE:
    case DESC_TSS16_AVAIL:
    case DESC_TSS16_BUSY:
    case DESC_TSS32_AVAIL:
    case DESC_TSS32_BUSY: return TARGET_TASK;
    default: return TARGET_BAD;
    }
}

/* The call gate itself and the code segment it names, common to JMP and CALL:
 * gate DPL >= max(CPL, RPL) (#GP(gate)), gate present (#NP(gate)), null code
 * selector #GP(0), code descriptor inside its table (#GP(code sel)). */
static struct guest_fault check_call_gate(const struct vcpu_state *s, const struct guest_mem *m,
                                          uint16_t gate_sel, const struct cpu_desc *gate,
                                          struct cpu_desc *csd)
{
    uint32_t err = cpu_sel_errcode(gate_sel, false);
    if (desc_dpl(gate) < s->cpl || desc_dpl(gate) < SEL_RPL(gate_sel))
        return cpu_gp(err);
    if (!desc_present(gate))
        return cpu_np(err);
    uint16_t cs_sel = gate_selector(gate);
    if (sel_is_null(cs_sel))
        return cpu_gp(0);
    return cpu_desc_fetch(s, m, cs_sel, cpu_gp(cpu_sel_errcode(cs_sel, false)), csd);
}

static uint32_t gate_eip(const struct cpu_desc *gate)
{
    /* A 16-bit gate gives IP: the offset's high half is ignored. */
    return desc_type(gate) == DESC_CALL_GATE32 ? gate_offset(gate) : (gate_offset(gate) & 0xFFFFu);
}

struct cpu_result cpu_far_jmp(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                              uint32_t offset, enum cpu_opsize os)
{
    if (!cpu_protected(s))
        return cpu_unsupported("far JMP outside protected mode");
    struct cpu_desc d, csd;
    struct guest_fault f = fetch_target(s, m, sel, &d);
    if (f.raised)
        return cpu_fault(f);
    uint32_t eip;
    uint16_t cs_sel;
    switch (target_kind(&d)) {
    case TARGET_CODE:
        f = check_direct_code(s, sel, &d);
        if (f.raised)
            return cpu_fault(f);
        csd = d;
        cs_sel = sel;
        eip = os == CPU_OP16 ? (offset & 0xFFFFu) : offset;
        break;
    case TARGET_CALL_GATE: {
        f = check_call_gate(s, m, sel, &d, &csd);
        if (f.raised)
            return cpu_fault(f);
        cs_sel = gate_selector(&d);
        uint32_t err = cpu_sel_errcode(cs_sel, false);
        /* JMP through a gate never changes CPL: conforming DPL <= CPL, else DPL = CPL. */
        if (!desc_is_code(&csd) || (desc_is_conforming_code(&csd) && desc_dpl(&csd) > s->cpl) ||
            (!desc_is_conforming_code(&csd) && desc_dpl(&csd) != s->cpl))
            return cpu_fault(cpu_gp(err));
        if (!desc_present(&csd))
            return cpu_fault(cpu_np(err));
        eip = gate_eip(&d);
        break;
    }
    case TARGET_TASK: return task_target(s, sel, &d);
    default: return cpu_fault(cpu_gp(cpu_sel_errcode(sel, false)));
    }
    /* EIP outside the code segment limit: #GP(0). */
    if (eip > desc_limit(&csd))
        return cpu_fault(cpu_gp(0));
    f = cpu_desc_mark_accessed(s, m, &csd);
    if (f.raised)
        return cpu_fault(f);
    cpu_commit_cs(s, cs_sel, &csd, s->cpl, eip);
    return cpu_ok();
}

/* CALL to a code segment at the current level: push CS and the return EIP with the
 * given slot size (the operand size, or the gate size through a gate). */
static struct cpu_result call_same_level(struct vcpu_state *s, const struct guest_mem *m,
                                         uint16_t cs_sel, struct cpu_desc *csd, uint32_t eip,
                                         unsigned slot, uint32_t next_eip)
{
    struct cpu_frame fr;
    cpu_frame_init(&fr, &s->seg[SEG_SS], s->gpr[GPR_ESP], s->cpl == 3);
    cpu_frame_push(&fr, s->seg[SEG_CS].sel, slot); /* zero-extended in a 32-bit slot */
    cpu_frame_push(&fr, next_eip, slot);
    /* No room for the return address: #SS(0). */
    if (!cpu_frame_fits(&fr))
        return cpu_fault(cpu_ss_fault(0));
    if (eip > desc_limit(csd))
        return cpu_fault(cpu_gp(0));
    struct guest_fault f = cpu_frame_probe(s, m, &fr, 0, fr.count);
    if (!f.raised)
        f = cpu_desc_mark_accessed(s, m, csd);
    if (!f.raised)
        f = cpu_frame_write(s, m, &fr);
    if (f.raised)
        return cpu_fault(f);
    s->gpr[GPR_ESP] = fr.esp;
    cpu_commit_cs(s, cs_sel, csd, s->cpl, eip);
    return cpu_ok();
}

/* CALL through a call gate to a non-conforming segment with DPL < CPL: new stack
 * from the TSS, push old SS:ESP, copy the parameters, push CS:EIP (Vol. 2 CALL,
 * MORE-PRIVILEGE; Vol. 3A §5.8.5). */
static struct cpu_result call_inner_level(struct vcpu_state *s, const struct guest_mem *m,
                                          const struct cpu_desc *gate, uint16_t cs_sel,
                                          struct cpu_desc *csd, uint32_t next_eip)
{
    unsigned new_cpl = desc_dpl(csd);
    unsigned slot = desc_type(gate) == DESC_CALL_GATE32 ? 4 : 2;
    unsigned params = gate_param_count(gate); /* 5 bits: up to 31 words or dwords */
    uint32_t eip = gate_eip(gate);
    struct cpu_inner_stack st;
    struct guest_fault f = cpu_tss_inner_stack(s, m, new_cpl, false, &st);
    if (f.raised)
        return cpu_fault(f);

    struct cpu_frame fr;
    cpu_frame_init(&fr, &st.ss, st.esp, new_cpl == 3);
    cpu_frame_push(&fr, s->seg[SEG_SS].sel, slot);
    cpu_frame_push(&fr, s->gpr[GPR_ESP], slot);
    for (unsigned i = 0; i < params; i++)
        cpu_frame_push(&fr, 0, slot); /* filled below */
    cpu_frame_push(&fr, s->seg[SEG_CS].sel, slot);
    cpu_frame_push(&fr, next_eip, slot);
    /* The new stack must hold parameters plus 16 (8 for a 16-bit gate) bytes: #SS(SS). */
    if (!cpu_frame_fits(&fr))
        return cpu_fault(cpu_ss_fault(cpu_sel_errcode(st.ss.sel, false)));
    if (eip > desc_limit(csd))
        return cpu_fault(cpu_gp(0));
    /* In push order: old SS:ESP, then each parameter read from the caller's stack. */
    f = cpu_frame_probe(s, m, &fr, 0, 2);
    if (f.raised)
        return cpu_fault(f);
    const struct seg_cache *old_ss = &s->seg[SEG_SS];
    for (unsigned i = 0; i < params; i++) {
        /* The parameter farthest from the old top is pushed first, keeping the order. */
        uint32_t at = (params - 1 - i) * slot;
        /* Parameters beyond the caller's stack limit: #SS(0). */
        if (!cpu_stack_slot_ok(old_ss, s->gpr[GPR_ESP], at, slot))
            return cpu_fault(cpu_ss_fault(0));
        f = cpu_stack_read(s, m, old_ss, s->gpr[GPR_ESP], at, slot, s->cpl == 3,
                           &fr.slot[2 + i].val);
        if (f.raised)
            return cpu_fault(f);
    }
    f = cpu_frame_probe(s, m, &fr, 2, fr.count);
    if (!f.raised)
        f = cpu_desc_mark_accessed(s, m, &st.desc);
    if (!f.raised)
        f = cpu_desc_mark_accessed(s, m, csd);
    if (!f.raised)
        f = cpu_frame_write(s, m, &fr);
    if (f.raised)
        return cpu_fault(f);
    s->seg[SEG_SS] = cpu_desc_cache(st.ss.sel, &st.desc);
    s->gpr[GPR_ESP] = fr.esp;
    cpu_commit_cs(s, cs_sel, csd, new_cpl, eip);
    return cpu_ok();
}

struct cpu_result cpu_far_call(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                               uint32_t offset, enum cpu_opsize os, uint32_t next_eip)
{
    if (!cpu_protected(s))
        return cpu_unsupported("far CALL outside protected mode");
    struct cpu_desc d, csd;
    struct guest_fault f = fetch_target(s, m, sel, &d);
    if (f.raised)
        return cpu_fault(f);
    switch (target_kind(&d)) {
    case TARGET_CODE:
        f = check_direct_code(s, sel, &d);
        if (f.raised)
            return cpu_fault(f);
        return call_same_level(s, m, sel, &d, os == CPU_OP16 ? (offset & 0xFFFFu) : offset,
                               (unsigned)os, next_eip);
    case TARGET_CALL_GATE: {
        f = check_call_gate(s, m, sel, &d, &csd);
        if (f.raised)
            return cpu_fault(f);
        uint16_t cs_sel = gate_selector(&d);
        uint32_t err = cpu_sel_errcode(cs_sel, false);
        /* Not code, or DPL > CPL: #GP(code sel); not present: #NP(code sel). */
        if (!desc_is_code(&csd) || desc_dpl(&csd) > s->cpl)
            return cpu_fault(cpu_gp(err));
        if (!desc_present(&csd))
            return cpu_fault(cpu_np(err));
        if (!desc_is_conforming_code(&csd) && desc_dpl(&csd) < s->cpl)
            return call_inner_level(s, m, &d, cs_sel, &csd, next_eip);
        return call_same_level(s, m, cs_sel, &csd, gate_eip(&d),
                               desc_type(&d) == DESC_CALL_GATE32 ? 4 : 2, next_eip);
    }
    case TARGET_TASK: return task_target(s, sel, &d);
    default: return cpu_fault(cpu_gp(cpu_sel_errcode(sel, false)));
    }
}
