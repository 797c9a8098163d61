/* emu_cpuid.h — the CPUID of the virtual CPU.
 *
 * A GenuineIntel P6-family CPU (family 6, model 15, stepping 11) that reports only
 * what bt386 virtualizes: x87, DE, PSE, TSC, MSR, CX8, SEP, PGE, CMOV, PAT, CLFSH, MMX,
 * FXSR, SSE, SSE2. Not reported: VME, PAE, PSE-36, APIC, MTRR, MCE/MCA, ACPI, DS, HTT,
 * any leaf-1 ECX feature (SSE3 and later, MONITOR, VMX, XSAVE, hypervisor bit), every
 * extended feature (NX, SYSCALL, LM, RDTSCP) and the extensions translator/README.md
 * lists. monitor/README.md has the table. */
#ifndef BT386_MONITOR_EMU_CPUID_H
#define BT386_MONITOR_EMU_CPUID_H

#include <stdint.h>

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

/* Leaf 1 EDX feature bits (SDM Vol. 2A CPUID, Table 3-11). */
#define CPUID_1_EDX_FPU   (1u << 0)
#define CPUID_1_EDX_DE    (1u << 2)
#define CPUID_1_EDX_PSE   (1u << 3)
#define CPUID_1_EDX_TSC   (1u << 4)
#define CPUID_1_EDX_MSR   (1u << 5)
#define CPUID_1_EDX_CX8   (1u << 8)
#define CPUID_1_EDX_SEP   (1u << 11)
#define CPUID_1_EDX_PGE   (1u << 13)
#define CPUID_1_EDX_CMOV  (1u << 15)
#define CPUID_1_EDX_PAT   (1u << 16)
#define CPUID_1_EDX_CLFSH (1u << 19)
#define CPUID_1_EDX_MMX   (1u << 23)
#define CPUID_1_EDX_FXSR  (1u << 24)
#define CPUID_1_EDX_SSE   (1u << 25)
#define CPUID_1_EDX_SSE2  (1u << 26)

#define EMU_CPUID_MAX_BASIC    2u
#define EMU_CPUID_MAX_EXTENDED 0x80000004u
#define EMU_CPUID_SIGNATURE    0x000006FBu /* family 6, model 15, stepping 11 */
#define EMU_CPUID_1_EBX        0x00000800u /* CLFLUSH line 8 x 8 = 64 bytes, APIC ID 0 */
#define EMU_CPUID_1_ECX        0u
#define EMU_CPUID_1_EDX                                                                            \
    (CPUID_1_EDX_FPU | CPUID_1_EDX_DE | CPUID_1_EDX_PSE | CPUID_1_EDX_TSC | CPUID_1_EDX_MSR |      \
     CPUID_1_EDX_CX8 | CPUID_1_EDX_SEP | CPUID_1_EDX_PGE | CPUID_1_EDX_CMOV | CPUID_1_EDX_PAT |    \
     CPUID_1_EDX_CLFSH | CPUID_1_EDX_MMX | CPUID_1_EDX_FXSR | CPUID_1_EDX_SSE | CPUID_1_EDX_SSE2)
#define EMU_CPUID_BRAND "bt386 virtual CPU"

/* emu_cpuid_leaf: the virtual CPU's answer to CPUID with EAX = leaf, ECX = subleaf. */
struct cpuid_regs emu_cpuid_leaf(uint32_t leaf, uint32_t subleaf);

#endif
