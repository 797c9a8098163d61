/* cpu_idt.h — one delivery attempt in protected mode and in real mode (internal to
 * cpu_deliver.c; see cpu_deliver.h for the contract). */
#ifndef BT386_MONITOR_CPU_IDT_H
#define BT386_MONITOR_CPU_IDT_H

#include "monitor/cpu_deliver.h"

/* cpu_idt_deliver: deliver through the IDT (protected mode, VM = 0), no escalation. */
struct cpu_result cpu_idt_deliver(struct vcpu_state *s, const struct guest_mem *m, uint8_t vector,
                                  enum cpu_event_kind kind, bool has_err, uint32_t err);

/* cpu_ivt_deliver: deliver through the real-mode interrupt vector table. */
struct cpu_result cpu_ivt_deliver(struct vcpu_state *s, const struct guest_mem *m, uint8_t vector);

/* The EFLAGS image an event pushes: RF = 1 for fault-class exceptions, RF = 0 for
 * INT n, else EFLAGS.RF (SDM Vol. 3A §17.3.1.1). */
uint32_t cpu_event_eflags_image(uint32_t eflags, uint8_t vector, enum cpu_event_kind kind);

#endif
