/* cpu_deliver.c — event delivery with the double-fault and shutdown rules
 * (SDM Vol. 3A §6.15 "Interrupt 8—Double Fault Exception", tables 6-4 and 6-5). */
#include "monitor/cpu_deliver.h"
#include "monitor/cpu_idt.h"

/* Exception classes of table 6-4; every INT n and external interrupt is benign. */
enum event_class { CLASS_BENIGN, CLASS_CONTRIBUTORY, CLASS_PAGE_FAULT, CLASS_DOUBLE_FAULT };

static enum event_class event_class(uint8_t vector, enum cpu_event_kind kind)
{
    if (kind != EVENT_EXCEPTION)
        return CLASS_BENIGN;
    switch (vector) {
    case VEC_DE:
    case VEC_TS:
    case VEC_NP:
    case VEC_SS:
    case VEC_GP:
    case 21: /* #CP */ return CLASS_CONTRIBUTORY;
    case VEC_PF:
    case 20: /* #VE */ return CLASS_PAGE_FAULT;
    case VEC_DF: return CLASS_DOUBLE_FAULT;
    default: return CLASS_BENIGN;
    }
}

struct cpu_result cpu_deliver_once(struct vcpu_state *s, const struct guest_mem *m, uint8_t vector,
                                   enum cpu_event_kind kind, bool has_err, uint32_t err)
{
    if ((s->cr0 & CR0_PE) == 0)
        return cpu_ivt_deliver(s, m, vector);
    if (s->eflags & EFLAGS_VM)
        return cpu_unsupported("event delivery from virtual-8086 mode");
    return cpu_idt_deliver(s, m, vector, kind, has_err, err);
}

/* Bound on nested attempts: benign -> contributory -> #DF -> shutdown needs 3. */
#define DELIVER_MAX_ATTEMPTS 6

enum cpu_deliver_status cpu_deliver(struct vcpu_state *s, const struct guest_mem *m, uint8_t vector,
                                    enum cpu_event_kind kind, bool has_err, uint32_t err,
                                    struct cpu_deliver_result *res)
{
    struct cpu_deliver_result out = {.vector = vector};
    if (kind != EVENT_EXCEPTION)
        has_err = false; /* INT n and interrupts never push an error code */
    for (unsigned attempt = 0; attempt < DELIVER_MAX_ATTEMPTS; attempt++) {
        out.vector = vector;
        out.has_err = has_err;
        out.err = has_err ? err : 0;
        struct cpu_result r = cpu_deliver_once(s, m, vector, kind, has_err, err);
        if (r.status == CPU_OK) {
            s->halted = false;
            s->inhibit_irq = false;
            *res = out;
            return DELIVER_OK;
        }
        if (r.status == CPU_UNSUPPORTED) {
            out.why = r.why;
            *res = out;
            return DELIVER_UNSUPPORTED;
        }
        struct guest_fault f = r.fault;
        out.last_fault = f;
        /* CR2 is loaded when the #PF is detected, even if it then escalates (§6.15, int 14). */
        if (f.vector == VEC_PF)
            s->cr2 = f.cr2;
        enum event_class first = event_class(vector, kind);
        enum event_class second = event_class(f.vector, EVENT_EXCEPTION);
        /* A contributory fault or #PF while delivering #DF: shutdown (§6.15). */
        if (first == CLASS_DOUBLE_FAULT && second != CLASS_BENIGN) {
            *res = out;
            return DELIVER_TRIPLE_FAULT;
        }
        out.nested++;
        /* Table 6-5: contributory+contributory and #PF+(contributory or #PF) give #DF
         * with error code 0; every other pair is handled serially. */
        bool escalate = (first == CLASS_CONTRIBUTORY && second == CLASS_CONTRIBUTORY) ||
                        (first == CLASS_PAGE_FAULT && second != CLASS_BENIGN);
        kind = EVENT_EXCEPTION;
        if (escalate) {
            vector = VEC_DF;
            has_err = true;
            err = 0;
        } else {
            vector = f.vector;
            has_err = f.has_error_code;
            err = f.error_code;
        }
    }
    *res = out;
    return DELIVER_TRIPLE_FAULT;
}

enum cpu_deliver_status cpu_deliver_fault(struct vcpu_state *s, const struct guest_mem *m,
                                          const struct guest_fault *f,
                                          struct cpu_deliver_result *res)
{
    if (f->vector == VEC_PF)
        s->cr2 = f->cr2;
    return cpu_deliver(s, m, f->vector, EVENT_EXCEPTION, f->has_error_code, f->error_code, res);
}
