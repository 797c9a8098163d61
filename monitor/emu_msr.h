/* emu_msr.h — the model-specific registers of the virtual CPU.
 *
 * Only the MSRs that go with the reported CPUID features exist; any other index raises
 * #GP(0) (SDM Vol. 2B RDMSR/WRMSR). */
#ifndef BT386_MONITOR_EMU_MSR_H
#define BT386_MONITOR_EMU_MSR_H

#include <stdint.h>

#include "monitor/emu.h"

#define MSR_IA32_PLATFORM_ID 0x17u  /* read-only, 0 */
#define MSR_IA32_APIC_BASE   0x1Bu  /* read-only: no APIC is reported or enabled */
#define MSR_IA32_BIOS_SIGN   0x8Bu  /* microcode revision in EDX; writes are accepted */
#define MSR_IA32_MISC_ENABLE 0x1A0u /* fast strings (bit 0) and the CPUID limit (bit 22) */
#define MSR_IA32_PAT         0x277u

/* IA32_APIC_BASE as read: base 0xFEE00000, BSP (bit 8), global enable (bit 11) clear. */
#define EMU_APIC_BASE_VALUE UINT64_C(0xFEE00100)
/* IA32_BIOS_SIGN_ID as read: revision 1 in the high half. */
#define EMU_MICROCODE_REV UINT64_C(0x100000000)
/* IA32_MISC_ENABLE bits a WRMSR may change. */
#define EMU_MISC_ENABLE_WRITABLE UINT64_C(0x400001)

/* emu_rdmsr: the value of MSR msr, or #GP(0) for an MSR the virtual CPU lacks. */
struct guest_fault emu_rdmsr(const struct emu_ctx *ctx, uint32_t msr, uint64_t *val);

/* emu_wrmsr: write MSR msr (ctx->s / ctx->v), or #GP(0) without a change. */
struct guest_fault emu_wrmsr(struct emu_ctx *ctx, uint32_t msr, uint64_t val);

#endif
