/* cpu_ldt_tr.c — LLDT and LTR. */
#include "monitor/cpu_ldt_tr.h"
#include "monitor/cpu_desc.h"
#include "monitor/cpu_seg.h"

/* Shared start: mode and privilege, then the GDT descriptor (TI = 1 is #GP(sel)). */
static struct guest_fault system_desc(const struct vcpu_state *s, const struct guest_mem *m,
                                      uint16_t sel, struct cpu_desc *d)
{
    uint32_t err = cpu_sel_errcode(sel, false);
    if (sel & SEL_TI)
        return cpu_gp(err);
    return cpu_desc_fetch(s, m, sel, cpu_gp(err), d);
}

struct cpu_result cpu_lldt(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel)
{
    if (!cpu_protected(s))
        return cpu_fault(guest_fault_make(VEC_UD, false, 0));
    if (s->cpl != 0)
        return cpu_fault(cpu_gp(0));
    /* Bits 15:2 zero: LDTR becomes invalid (a later LDT reference faults). */
    if (sel_is_null(sel)) {
        s->ldtr = cpu_null_seg(sel);
        return cpu_ok();
    }
    struct cpu_desc d;
    struct guest_fault f = system_desc(s, m, sel, &d);
    if (f.raised)
        return cpu_fault(f);
    if (desc_s(&d) || desc_type(&d) != DESC_LDT)
        return cpu_fault(cpu_gp(cpu_sel_errcode(sel, false)));
    if (!desc_present(&d))
        return cpu_fault(cpu_np(cpu_sel_errcode(sel, false)));
    s->ldtr = cpu_desc_cache(sel, &d);
    return cpu_ok();
}

struct cpu_result cpu_ltr(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel)
{
    if (!cpu_protected(s))
        return cpu_fault(guest_fault_make(VEC_UD, false, 0));
    if (s->cpl != 0)
        return cpu_fault(cpu_gp(0));
    if (sel_is_null(sel))
        return cpu_fault(cpu_gp(0));
    struct cpu_desc d;
    struct guest_fault f = system_desc(s, m, sel, &d);
    if (f.raised)
        return cpu_fault(f);
    /* Only an available TSS (16- or 32-bit) may be loaded. */
    if (desc_s(&d) || (desc_type(&d) != DESC_TSS16_AVAIL && desc_type(&d) != DESC_TSS32_AVAIL))
        return cpu_fault(cpu_gp(cpu_sel_errcode(sel, false)));
    if (!desc_present(&d))
        return cpu_fault(cpu_np(cpu_sel_errcode(sel, false)));
    /* Set the busy flag (type bit 1) in the GDT, a locked read-modify-write on hardware. */
    f = cpu_desc_write_type(s, m, &d, desc_type(&d) | 0x2u);
    if (f.raised)
        return cpu_fault(f);
    s->tr = cpu_desc_cache(sel, &d);
    return cpu_ok();
}
