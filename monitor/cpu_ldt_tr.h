/* cpu_ldt_tr.h — LLDT and LTR (Intel SDM Vol. 2 "LLDT", "LTR"; Vol. 3A §3.5.1, §7.2.4). */
#ifndef BT386_MONITOR_CPU_LDT_TR_H
#define BT386_MONITOR_CPU_LDT_TR_H

#include "monitor/cpu_result.h"
#include "monitor/guest_access.h"

/* cpu_lldt: load LDTR. #UD outside protected mode, #GP(0) at CPL != 0; a null selector
 * makes LDTR invalid; TI = 1, past the GDT limit or not an LDT descriptor #GP(sel);
 * not present #NP(sel). EIP is not changed. */
struct cpu_result cpu_lldt(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel);

/* cpu_ltr: load TR and mark the TSS descriptor busy in the GDT. #UD outside protected
 * mode, #GP(0) at CPL != 0 or for a null selector; TI = 1, past the GDT limit or not an
 * available TSS #GP(sel); not present #NP(sel). */
struct cpu_result cpu_ltr(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel);

#endif
