/* cpu_tss.c — SSn:ESPn from the current TSS and the checks on the new stack segment. */
#include "monitor/cpu_tss.h"
#include "monitor/cpu_result.h"

struct guest_fault cpu_tss_inner_stack(const struct vcpu_state *s, const struct guest_mem *m,
                                       unsigned dpl, bool ext, struct cpu_inner_stack *out)
{
    struct guest_fault tss_fault = cpu_ts(cpu_sel_errcode(s->tr.sel, ext));
    if (!s->tr.valid)
        return tss_fault;
    bool tss32 = (SEG_ATTR_TYPE(s->tr.attr) & 0x8u) != 0;
    uint16_t new_ss = 0;
    uint32_t new_esp = 0;
    struct guest_fault f;
    if (tss32) {
        /* 32-bit TSS: ESPn at 8n+4, SSn at 8n+8; both must be inside the limit. */
        uint32_t at = (dpl << 3) + 4;
        if (at + 5 > s->tr.limit)
            return tss_fault;
        f = guest_linear_read(m, s, s->tr.base + at, &new_esp, 4, false);
        if (f.raised)
            return f;
        f = guest_linear_read(m, s, s->tr.base + at + 4, &new_ss, 2, false);
    } else {
        /* 16-bit TSS: SPn at 4n+2, SSn at 4n+4. */
        uint32_t at = (dpl << 2) + 2;
        uint16_t sp = 0;
        if (at + 3 > s->tr.limit)
            return tss_fault;
        f = guest_linear_read(m, s, s->tr.base + at, &sp, 2, false);
        if (f.raised)
            return f;
        new_esp = sp;
        f = guest_linear_read(m, s, s->tr.base + at + 2, &new_ss, 2, false);
    }
    if (f.raised)
        return f;

    /* SDM Vol. 2 INT n, INTER-PRIVILEGE-LEVEL-INTERRUPT: null SS is #TS(EXT). */
    if (sel_is_null(new_ss))
        return cpu_ts(cpu_sel_errcode(0, ext));
    uint32_t err = cpu_sel_errcode(new_ss, ext);
    /* Beyond the table or RPL != new CPL: #TS(SS). */
    if (SEL_RPL(new_ss) != dpl)
        return cpu_ts(err);
    f = cpu_desc_fetch(s, m, new_ss, cpu_ts(err), &out->desc);
    if (f.raised)
        return f;
    /* DPL != new CPL or not a writable data segment: #TS(SS). */
    if (desc_dpl(&out->desc) != dpl || !desc_is_writable_data(&out->desc))
        return cpu_ts(err);
    /* Not present: #SS(SS). */
    if (!desc_present(&out->desc))
        return cpu_ss_fault(err);
    out->ss = cpu_desc_cache(new_ss, &out->desc);
    out->esp = new_esp;
    return FAULT_NONE;
}
