/* cpu_ret_common.c — checks on the CS and SS a far RET or IRET pops. */
#include "monitor/cpu_ret_common.h"
#include "monitor/cpu_result.h"
#include "monitor/cpu_seg.h"
#include "monitor/cpu_stack.h"
#include "monitor/world.h"

struct guest_fault cpu_check_return_cs(const struct vcpu_state *s, const struct guest_mem *m,
                                       uint16_t sel, struct cpu_desc *d)
{
    if (sel_is_null(sel))
        return cpu_gp(0);
    uint32_t err = cpu_sel_errcode(sel, false);
    struct guest_fault f = cpu_desc_fetch(s, m, sel, cpu_gp(err), d);
    if (f.raised)
        return f;
    if (!desc_is_code(d))
        return cpu_gp(err);
    /* A return never goes to a more privileged level. */
    if (SEL_RPL(sel) < s->cpl)
        return cpu_gp(err);
    if (desc_is_conforming_code(d) ? desc_dpl(d) > SEL_RPL(sel) : desc_dpl(d) != SEL_RPL(sel))
        return cpu_gp(err);
    if (!desc_present(d))
        return cpu_np(err);
    return FAULT_NONE;
}

struct guest_fault cpu_check_return_ss(const struct vcpu_state *s, const struct guest_mem *m,
                                       uint16_t sel, unsigned rpl, struct cpu_desc *d)
{
    if (sel_is_null(sel))
        return cpu_gp(0);
    uint32_t err = cpu_sel_errcode(sel, false);
    struct guest_fault f = cpu_desc_fetch(s, m, sel, cpu_gp(err), d);
    if (f.raised)
        return f;
    if (SEL_RPL(sel) != rpl || !desc_is_writable_data(d) || desc_dpl(d) != rpl)
        return cpu_gp(err);
    if (!desc_present(d))
        return cpu_ss_fault(err);
    return FAULT_NONE;
}

struct cpu_result cpu_return_same(struct vcpu_state *s, const struct guest_mem *m, uint32_t popped,
                                  uint16_t cs_sel, struct cpu_desc *csd, uint32_t eip,
                                  const uint32_t *new_flags)
{
    if (eip > desc_limit(csd))
        return cpu_fault(cpu_gp(0));
    struct guest_fault f = cpu_desc_mark_accessed(s, m, csd);
    if (f.raised)
        return cpu_fault(f);
    uint32_t esp = s->gpr[GPR_ESP];
    s->gpr[GPR_ESP] = cpu_sp_merge(&s->seg[SEG_SS], esp, esp + popped);
    if (new_flags)
        s->eflags = *new_flags;
    cpu_commit_cs(s, cs_sel, csd, SEL_RPL(cs_sel), eip);
    return cpu_ok();
}

struct cpu_result cpu_return_outer(struct vcpu_state *s, const struct guest_mem *m, uint32_t at,
                                   unsigned slot, uint16_t release, uint16_t cs_sel,
                                   struct cpu_desc *csd, uint32_t eip, const uint32_t *new_flags)
{
    const struct seg_cache *ss = &s->seg[SEG_SS];
    uint32_t esp = s->gpr[GPR_ESP];
    unsigned rpl = SEL_RPL(cs_sel);
    bool user = s->cpl == 3;
    if (!cpu_stack_slot_ok(ss, esp, at, slot) || !cpu_stack_slot_ok(ss, esp, at + slot, slot))
        return cpu_fault(cpu_ss_fault(0));
    uint32_t new_esp, ss_word;
    struct guest_fault f = cpu_stack_read(s, m, ss, esp, at, slot, user, &new_esp);
    if (!f.raised)
        f = cpu_stack_read(s, m, ss, esp, at + slot, slot, user, &ss_word);
    if (f.raised)
        return cpu_fault(f);
    struct cpu_desc ssd;
    f = cpu_check_return_ss(s, m, (uint16_t)ss_word, rpl, &ssd);
    if (f.raised)
        return cpu_fault(f);
    if (eip > desc_limit(csd))
        return cpu_fault(cpu_gp(0));
    f = cpu_desc_mark_accessed(s, m, csd);
    if (!f.raised)
        f = cpu_desc_mark_accessed(s, m, &ssd);
    if (f.raised)
        return cpu_fault(f);

    if (new_flags)
        s->eflags = *new_flags;
    cpu_commit_cs(s, cs_sel, csd, rpl, eip);
    struct seg_cache new_ss = cpu_desc_cache((uint16_t)ss_word, &ssd);
    /* With a 16-bit new SS only SP is loaded and the upper half of ESP keeps the inner
     * value, as on hardware (the behaviour Linux's "espfix" works around). */
    s->gpr[GPR_ESP] = cpu_sp_merge(&new_ss, esp, new_esp + release);
    s->seg[SEG_SS] = new_ss;
    cpu_null_outer_data_segs(s, rpl);
    return cpu_ok();
}
