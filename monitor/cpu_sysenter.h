/* cpu_sysenter.h — SYSENTER and SYSEXIT (Intel SDM Vol. 2B "SYSENTER", "SYSEXIT";
 * Vol. 3A §5.8.7). Both load flat, fixed segment caches derived from
 * IA32_SYSENTER_CS without reading any descriptor. */
#ifndef BT386_MONITOR_CPU_SYSENTER_H
#define BT386_MONITOR_CPU_SYSENTER_H

#include "monitor/cpu_result.h"

/* cpu_sysenter: #GP(0) in real mode or when IA32_SYSENTER_CS[15:2] = 0; else CPL 0,
 * CS = SYSENTER_CS & 0xFFFC, SS = CS + 8, ESP/EIP from the MSRs; VM, IF, RF cleared. */
struct cpu_result cpu_sysenter(struct vcpu_state *s);

/* cpu_sysexit: #GP(0) in real mode, at CPL != 0 or when IA32_SYSENTER_CS[15:2] = 0;
 * else CPL 3, CS = (SYSENTER_CS + 16) | 3, SS = (SYSENTER_CS + 24) | 3, ESP = ECX,
 * EIP = EDX. EFLAGS is not changed. */
struct cpu_result cpu_sysexit(struct vcpu_state *s);

#endif
