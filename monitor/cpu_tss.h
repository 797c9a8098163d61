/* cpu_tss.h — the inner-level stack of a privilege change, from the current TSS
 * (Intel SDM Vol. 3A §5.8.5, §6.12.1, §7.2.1; Vol. 2 CALL and INT n operation). */
#ifndef BT386_MONITOR_CPU_TSS_H
#define BT386_MONITOR_CPU_TSS_H

#include "monitor/cpu_desc.h"
#include "monitor/guest_access.h"

/* The stack a transfer to privilege level `dpl` switches to. */
struct cpu_inner_stack {
    struct cpu_desc desc; /* the SS descriptor (for the accessed bit) */
    struct seg_cache ss;  /* hidden part to load into SS */
    uint32_t esp;
};

/* cpu_tss_inner_stack: read SSn:ESPn (n = dpl) from the 32-bit or 16-bit TSS that TR
 * holds and check the stack segment. Faults: #TS(TR selector) when the field lies past
 * the TSS limit, #TS(0) for a null SS, #TS(SS) for a bad SS, #SS(SS) when it is not
 * present, #PF of the reads; `ext` sets the EXT bit of their error codes. */
struct guest_fault cpu_tss_inner_stack(const struct vcpu_state *s, const struct guest_mem *m,
                                       unsigned dpl, bool ext, struct cpu_inner_stack *out);

#endif
