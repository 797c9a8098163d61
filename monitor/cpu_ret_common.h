/* cpu_ret_common.h — the checks far RET and IRET share on the popped CS and SS
 * (SDM Vol. 2 RET and IRET operation, PROTECTED-MODE-RETURN). */
#ifndef BT386_MONITOR_CPU_RET_COMMON_H
#define BT386_MONITOR_CPU_RET_COMMON_H

#include "monitor/cpu_desc.h"
#include "monitor/cpu_result.h"
#include "monitor/guest_access.h"

/* cpu_check_return_cs: the return code segment: null #GP(0); past the table, not code,
 * RPL < CPL, conforming with DPL > RPL or non-conforming with DPL != RPL #GP(sel);
 * not present #NP(sel). */
struct guest_fault cpu_check_return_cs(const struct vcpu_state *s, const struct guest_mem *m,
                                       uint16_t sel, struct cpu_desc *d);

/* cpu_check_return_ss: the outer stack segment for a return to level `rpl`: null
 * #GP(0); past the table, RPL != rpl, not writable data, DPL != rpl #GP(sel); not
 * present #SS(sel). */
struct guest_fault cpu_check_return_ss(const struct vcpu_state *s, const struct guest_mem *m,
                                       uint16_t sel, unsigned rpl, struct cpu_desc *d);

/* cpu_return_same: what far RET and IRET share when returning to the current level:
 * EIP against CS's limit (#GP(0)), mark CS accessed, then commit ESP (+ popped bytes;
 * only SP for a 16-bit SS), EFLAGS (if new_flags) and CS:EIP. */
struct cpu_result cpu_return_same(struct vcpu_state *s, const struct guest_mem *m, uint32_t popped,
                                  uint16_t cs_sel, struct cpu_desc *csd, uint32_t eip,
                                  const uint32_t *new_flags);

/* cpu_return_outer: what far RET and IRET share when returning to the outer level RPL of
 * cs_sel: read the outer ESP and SS at stack offset `at` (slot bytes each; #SS(0) outside
 * the stack), check that SS, EIP against CS's limit (#GP(0)), mark both descriptors
 * accessed — all before anything changes — then commit EFLAGS (if new_flags), CS:EIP,
 * SS, ESP (= the popped ESP + release; only SP for a 16-bit SS) and null the data
 * segment registers the new level may not use (SDM Vol. 3A §5.8.6). */
struct cpu_result cpu_return_outer(struct vcpu_state *s, const struct guest_mem *m, uint32_t at,
                                   unsigned slot, uint16_t release, uint16_t cs_sel,
                                   struct cpu_desc *csd, uint32_t eip, const uint32_t *new_flags);

#endif
