/* cpu_ret_common.c — checks on the CS and SS a far RET or IRET pops. */
#include "monitor/cpu_ret_common.h"
#include "monitor/cpu_result.h"

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
