/* cpu_lar.h — LAR, LSL, VERR, VERW (Intel SDM Vol. 2 instruction pages).
 *
 * They test a selector without faulting on it: a null selector, a descriptor past the
 * table limit, a wrong type or too little privilege clear ZF. Only reading the
 * descriptor can fault (#PF). They set or clear EFLAGS.ZF in *s; LAR and LSL also
 * return the value the caller writes to the destination register when ZF = 1 (ZF = 0
 * leaves the destination unchanged). EIP is not changed. Outside protected mode they
 * are #UD. */
#ifndef BT386_MONITOR_CPU_LAR_H
#define BT386_MONITOR_CPU_LAR_H

#include "monitor/cpu_result.h"
#include "monitor/guest_access.h"

/* cpu_lar: access rights, descriptor bits 63:32 masked by 00F0FF00H (FF00H for 16-bit). */
struct cpu_result cpu_lar(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                          enum cpu_opsize os, uint32_t *value);
/* cpu_lsl: the byte-granular segment limit (low 16 bits for a 16-bit operand). */
struct cpu_result cpu_lsl(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                          enum cpu_opsize os, uint32_t *value);
/* cpu_verr: ZF = 1 iff the segment is readable at CPL and RPL. */
struct cpu_result cpu_verr(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel);
/* cpu_verw: ZF = 1 iff the segment is writable at CPL and RPL. */
struct cpu_result cpu_verw(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel);

#endif
