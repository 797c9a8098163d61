/* emu_ctrl.h — what the virtual CPU accepts in its control and debug registers.
 *
 * The CR4 bits follow the CPUID the virtual CPU reports (emu_cpuid.h): a bit whose
 * feature is absent is reserved, and setting it raises #GP(0) (SDM Vol. 3A §2.5). */
#ifndef BT386_MONITOR_EMU_CTRL_H
#define BT386_MONITOR_EMU_CTRL_H

#include "monitor/vcpu.h"

/* CR0 bits a P6-class CPU implements; the others read as 0 (SDM Vol. 3A §2.5). */
#define EMU_CR0_DEFINED                                                                            \
    (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD |     \
     CR0_PG)

/* CR4 bits of the virtual CPU: TSD (TSC), DE, PSE, PGE, PCE (RDPMC), OSFXSR (FXSR),
 * OSXMMEXCPT (SSE). No VME/PVI, PAE, MCE, UMIP, VMXE, SMXE, FSGSBASE, PCIDE, OSXSAVE,
 * SMEP, SMAP, PKE: their features are not reported. */
#define EMU_CR4_SUPPORTED                                                                          \
    (CR4_TSD | CR4_DE | CR4_PSE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT)

#define EMU_CR4_OSXSAVE 0x00040000u /* bit 18: never settable here (no XSAVE) */

/* DR6/DR7 fixed bits on P6 and later (SDM Vol. 3A §17.2.3, §17.2.4). */
#define EMU_DR6_FIXED1   0xFFFF0FF0u /* reserved bits that read as 1 */
#define EMU_DR6_WRITABLE 0x0000E00Fu /* B0-B3, BD, BS, BT */
#define EMU_DR6_BD       0x00002000u
#define EMU_DR7_FIXED1   0x00000400u /* bit 10 reads as 1 */
#define EMU_DR7_WRITABLE 0xFFFF23FFu /* L/G 0-3, LE, GE, GD, R/W and LEN fields */
#define EMU_DR7_GD       0x00002000u

/* XCR0 bits the virtual CPU would support: x87 and SSE state. */
#define EMU_XCR0_SUPPORTED UINT64_C(3)

#endif
