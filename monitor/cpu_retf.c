/* cpu_retf.c — far RET in protected mode, to the same or an outer level
 * (SDM Vol. 2 RET operation, Vol. 3A §5.8.6). */
#include "monitor/cpu_desc.h"
#include "monitor/cpu_far.h"
#include "monitor/cpu_ret_common.h"
#include "monitor/cpu_seg.h"
#include "monitor/cpu_stack.h"
#include "monitor/world.h"

struct cpu_result cpu_far_ret(struct vcpu_state *s, const struct guest_mem *m, enum cpu_opsize os,
                              uint16_t release)
{
    if (!cpu_protected(s))
        return cpu_unsupported("far RET outside protected mode");
    const struct seg_cache *ss = &s->seg[SEG_SS];
    uint32_t esp = s->gpr[GPR_ESP];
    unsigned slot = (unsigned)os;
    bool user = s->cpl == 3;

    /* The return address (top 8 or 4 bytes) must be inside the stack: #SS(0). */
    if (!cpu_stack_slot_ok(ss, esp, 0, slot) || !cpu_stack_slot_ok(ss, esp, slot, slot))
        return cpu_fault(cpu_ss_fault(0));
    uint32_t eip, cs_word;
    struct guest_fault f = cpu_stack_read(s, m, ss, esp, 0, slot, user, &eip);
    if (!f.raised)
        f = cpu_stack_read(s, m, ss, esp, slot, slot, user, &cs_word);
    if (f.raised)
        return cpu_fault(f);
    uint16_t cs_sel = (uint16_t)cs_word; /* a 32-bit pop discards the high half */

    struct cpu_desc csd;
    f = cpu_check_return_cs(s, m, cs_sel, &csd);
    if (f.raised)
        return cpu_fault(f);

    unsigned rpl = SEL_RPL(cs_sel);
    /* Same level: EIP inside the limit (#GP(0)), then release the parameters. */
    if (rpl == s->cpl)
        return cpu_return_same(s, m, 2 * slot + release, cs_sel, &csd, eip, NULL);

    /* Outer level: the caller's SS:ESP lies above the released parameters. */
    return cpu_return_outer(s, m, 2 * slot + release, slot, release, cs_sel, &csd, eip, NULL);
}
