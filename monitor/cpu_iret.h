/* cpu_iret.h — IRET/IRETD in protected mode (Intel SDM Vol. 2 "IRET/IRETD" operation,
 * Vol. 3A §6.12.1).
 *
 * Returns to the same level or to an outer level (pop SS:ESP, null data segment
 * registers the outer level may not use). EFLAGS: the arithmetic flags, TF, DF, NT
 * always; RF, AC, ID with a 32-bit operand; IF only if CPL <= IOPL; IOPL (and with
 * a 32-bit operand VIF, VIP) only at CPL 0. NT = 1 (return from a nested task), a
 * return to virtual-8086 mode, and IRET in real or virtual-8086 mode are
 * CPU_UNSUPPORTED. On CPU_FAULT nothing changed (nothing is popped). */
#ifndef BT386_MONITOR_CPU_IRET_H
#define BT386_MONITOR_CPU_IRET_H

#include "monitor/cpu_result.h"
#include "monitor/guest_access.h"

/* cpu_iret: execute IRET (os = CPU_OP16) or IRETD (os = CPU_OP32). */
struct cpu_result cpu_iret(struct vcpu_state *s, const struct guest_mem *m, enum cpu_opsize os);

/* cpu_iret_eflags: the EFLAGS IRET at privilege level `cpl` makes of the current value
 * `cur` and the popped image `img` (exposed for POPF-like emulation and tests). */
uint32_t cpu_iret_eflags(uint32_t cur, uint32_t img, unsigned cpl, enum cpu_opsize os);

#endif
