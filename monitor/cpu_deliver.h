/* cpu_deliver.h — exception and interrupt delivery to the guest
 * (Intel SDM Vol. 3A §6.4–§6.15, Vol. 2 "INT n/INTO/INT3/INT1" operation).
 *
 * Protected mode goes through the IDT: gate checks, the target code segment, a
 * stack switch from the TSS on a change to an inner level, the frame, the EFLAGS
 * updates. A fault raised while delivering is itself delivered, or escalates to
 * #DF by SDM table 6-5; a fault while delivering #DF is a triple fault (shutdown).
 * Real mode goes through the IVT. Virtual-8086 mode and task gates are
 * DELIVER_UNSUPPORTED (bt386 does no hardware task switch). */
#ifndef BT386_MONITOR_CPU_DELIVER_H
#define BT386_MONITOR_CPU_DELIVER_H

#include "monitor/cpu_result.h"
#include "monitor/guest_access.h"

/* Where an event comes from; decides the gate DPL check, the EXT bit of error codes
 * of faults raised while delivering it, and its class for #DF. */
enum cpu_event_kind {
    EVENT_EXTERNAL,     /* INTR or NMI: EXT = 1, no DPL check, no error code */
    EVENT_SOFTWARE_INT, /* INT n, INT3, INTO: gate DPL >= CPL required, EXT = 0 */
    EVENT_EXCEPTION,    /* a processor exception (INT1/ICEBP included): EXT = 1 */
};

enum cpu_deliver_status {
    DELIVER_OK,           /* the guest handler is entered: CS:EIP, SS:ESP, EFLAGS, CPL set */
    DELIVER_TRIPLE_FAULT, /* shutdown: state as before the last attempt, CR2 updated */
    DELIVER_UNSUPPORTED,  /* task gate or virtual-8086 mode: state unchanged */
};

struct cpu_deliver_result {
    uint8_t vector; /* the event finally delivered (e.g. VEC_DF after an escalation) */
    bool has_err;
    uint32_t err;
    unsigned nested;               /* faults raised while delivering, before the last attempt */
    struct guest_fault last_fault; /* DELIVER_TRIPLE_FAULT: the fault that caused it */
    const char *why;               /* DELIVER_UNSUPPORTED */
};

/* cpu_deliver: deliver event `vector` of `kind` to the guest. For faults s->eip is the
 * faulting instruction's EIP, for traps and INT n the next instruction's (the caller
 * sets it). `has_err`/`err` apply to EVENT_EXCEPTION only. For #PF the caller has set
 * CR2 (cpu_deliver_fault does). On DELIVER_OK, halted and inhibit_irq are cleared. */
enum cpu_deliver_status cpu_deliver(struct vcpu_state *s, const struct guest_mem *m, uint8_t vector,
                                    enum cpu_event_kind kind, bool has_err, uint32_t err,
                                    struct cpu_deliver_result *res);

/* cpu_deliver_fault: deliver a fault an operation returned (sets CR2 for #PF). */
enum cpu_deliver_status cpu_deliver_fault(struct vcpu_state *s, const struct guest_mem *m,
                                          const struct guest_fault *f,
                                          struct cpu_deliver_result *res);

/* cpu_deliver_once: one delivery attempt with no escalation; CPU_FAULT returns the
 * fault the attempt raised (state unchanged). Exposed for tests and the emulator. */
struct cpu_result cpu_deliver_once(struct vcpu_state *s, const struct guest_mem *m, uint8_t vector,
                                   enum cpu_event_kind kind, bool has_err, uint32_t err);

#endif
