/* cpu_reset.h — initial guest CPU states: after RESET (Intel SDM Vol. 3A §9.1.1,
 * table 9-1) and the flat 32-bit protected-mode state boot loaders hand over. */
#ifndef BT386_MONITOR_CPU_RESET_H
#define BT386_MONITOR_CPU_RESET_H

#include "monitor/vcpu.h"

/* cpu_reset_power_on: the state after RESET: real mode, CS:EIP = F000:FFF0 with CS base
 * FFFF0000H, EDX = `signature` (CPUID.1:EAX), CR0 = 60000010H, EFLAGS = 2, 64 KiB
 * segments, GDTR/IDTR base 0 limit FFFFH, DR6 = FFFF0FF0H, DR7 = 400H. */
void cpu_reset_power_on(struct vcpu_state *s, uint32_t signature);

/* cpu_reset_protected_flat: CPL 0 32-bit protected mode, paging off (CR0 = PE | ET),
 * EFLAGS = 2, CS = code_sel and SS/DS/ES/FS/GS = data_sel with flat 4 GiB accessed
 * caches, LDTR and TR null, other registers zero. The descriptors the selectors name
 * in the guest's GDT are the caller's business. */
void cpu_reset_protected_flat(struct vcpu_state *s, uint16_t code_sel, uint16_t data_sel);

#endif
