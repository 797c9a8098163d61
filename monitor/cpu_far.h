/* cpu_far.h — far JMP, far CALL and far RET in protected mode
 * (Intel SDM Vol. 2 "JMP", "CALL", "RET" operation; Vol. 3A §5.8).
 *
 * Targets are code segments (conforming or not) and call gates (16/32-bit),
 * including CALL through a gate to an inner level with the stack switch from the
 * TSS and the parameter copy, and RET to an outer level. A task gate or TSS as
 * the target is CPU_UNSUPPORTED (no hardware task switch), after the checks the
 * CPU makes before the switch. Real and virtual-8086 mode are CPU_UNSUPPORTED.
 * On CPU_FAULT nothing in *s nor on the stack changed. */
#ifndef BT386_MONITOR_CPU_FAR_H
#define BT386_MONITOR_CPU_FAR_H

#include "monitor/cpu_result.h"
#include "monitor/guest_access.h"

/* cpu_far_jmp: JMP ptr16:16/32 or m16:16/32 to sel:offset (offset is used only for a
 * code-segment target; os = the instruction's operand size). */
struct cpu_result cpu_far_jmp(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                              uint32_t offset, enum cpu_opsize os);

/* cpu_far_call: CALL ptr16:16/32 or m16:16/32; `next_eip` is the return address. */
struct cpu_result cpu_far_call(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel,
                               uint32_t offset, enum cpu_opsize os, uint32_t next_eip);

/* cpu_far_ret: RETF / RETF imm16 (`release` = imm16, bytes of parameters to drop). */
struct cpu_result cpu_far_ret(struct vcpu_state *s, const struct guest_mem *m, enum cpu_opsize os,
                              uint16_t release);

#endif
