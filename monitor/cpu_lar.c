/* cpu_lar.c — LAR, LSL, VERR, VERW. */
#include "monitor/cpu_lar.h"
#include "monitor/cpu_desc.h"

enum probe { PROBE_FOUND, PROBE_ABSENT, PROBE_FAULT };

/* Fetch the descriptor without raising on the selector: null or past the table
 * limit is PROBE_ABSENT; a #PF of the read is PROBE_FAULT with *pf set. */
static enum probe probe_desc(const struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                             struct cpu_desc *d, struct guest_fault *pf)
{
    if (sel_is_null(sel))
        return PROBE_ABSENT;
    const struct guest_fault beyond = guest_fault_make(0xFF, false, 0); /* a marker */
    struct guest_fault f = cpu_desc_fetch(s, m, sel, beyond, d);
    if (!f.raised)
        return PROBE_FOUND;
    if (f.vector == 0xFF)
        return PROBE_ABSENT;
    *pf = f;
    return PROBE_FAULT;
}

/* The privilege test all four share: conforming code is visible at any level, every
 * other descriptor needs DPL >= CPL and DPL >= RPL. */
static bool privilege_ok(const struct vcpu_state *s, uint16_t sel, const struct cpu_desc *d)
{
    if (desc_is_conforming_code(d))
        return true;
    return s->cpl <= desc_dpl(d) && SEL_RPL(sel) <= desc_dpl(d);
}

static void set_zf(struct vcpu_state *s, bool zf)
{
    if (zf)
        s->eflags |= EFLAGS_ZF;
    else
        s->eflags &= ~EFLAGS_ZF;
}

/* LAR accepts every code/data type and the system types TSS (available or busy,
 * 16/32), LDT, call gates and task gates; LSL the same minus the gates. */
static bool type_ok(const struct cpu_desc *d, bool gates_ok)
{
    if (desc_s(d))
        return true;
    switch (desc_type(d)) {
    case DESC_TSS16_AVAIL:
    case DESC_LDT:
    case DESC_TSS16_BUSY:
    case DESC_TSS32_AVAIL:
    case DESC_TSS32_BUSY: return true;
    case DESC_CALL_GATE16:
    case DESC_TASK_GATE:
    case DESC_CALL_GATE32: return gates_ok;
    default: return false;
    }
}

/* Shared body of LAR and LSL. */
static struct cpu_result lar_lsl(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                                 enum cpu_opsize os, uint32_t *value, bool lar)
{
    if (!cpu_protected(s))
        return cpu_fault(guest_fault_make(VEC_UD, false, 0));
    struct cpu_desc d;
    struct guest_fault pf;
    enum probe p = probe_desc(s, m, sel, &d, &pf);
    if (p == PROBE_FAULT)
        return cpu_fault(pf);
    bool ok = p == PROBE_FOUND && type_ok(&d, lar) && privilege_ok(s, sel, &d);
    set_zf(s, ok);
    if (ok) {
        if (lar)
            *value = d.hi & (os == CPU_OP32 ? 0x00F0FF00u : 0xFF00u);
        else
            *value = os == CPU_OP32 ? desc_limit(&d) : (desc_limit(&d) & 0xFFFFu);
    }
    return cpu_ok();
}

struct cpu_result cpu_lar(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                          enum cpu_opsize os, uint32_t *value)
{
    return lar_lsl(s, m, sel, os, value, true);
}

struct cpu_result cpu_lsl(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                          enum cpu_opsize os, uint32_t *value)
{
    return lar_lsl(s, m, sel, os, value, false);
}

/* Shared body of VERR and VERW: code/data segments only, no present check. */
static struct cpu_result verify(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                                bool write)
{
    if (!cpu_protected(s))
        return cpu_fault(guest_fault_make(VEC_UD, false, 0));
    struct cpu_desc d;
    struct guest_fault pf;
    enum probe p = probe_desc(s, m, sel, &d, &pf);
    if (p == PROBE_FAULT)
        return cpu_fault(pf);
    bool ok = p == PROBE_FOUND && desc_s(&d) && privilege_ok(s, sel, &d) &&
              (write ? desc_is_writable_data(&d) : desc_is_readable(&d));
    set_zf(s, ok);
    return cpu_ok();
}

struct cpu_result cpu_verr(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel)
{
    return verify(s, m, sel, false);
}

struct cpu_result cpu_verw(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel)
{
    return verify(s, m, sel, true);
}
