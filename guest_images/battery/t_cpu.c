/* t_cpu.c — CPUID, RDTSC and the SYSENTER MSRs. */
#include "battery.h"

void group_cpu(void)
{
    uint32_t r[4];
    cpuid(0, r);
    char vendor[13];
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;
    int printable = 1;
    for (int i = 0; i < 12; i++)
        printable &= vendor[i] >= 0x20 && vendor[i] < 0x7f;
    /* SDM Vol. 2A CPUID leaf 0: EAX = highest basic leaf, EBX:EDX:ECX = vendor string. */
    check(r[0] >= 1 && printable, "cpu/cpuid-leaf0-vendor", "max leaf %u", r[0]);

    cpuid(1, r);
    /* Leaf 1 EDX: FPU(0) TSC(4) MSR(5) PSE(3) CX8(8) SEP(11) PGE(13) — the battery uses them all.
     */
    uint32_t need =
        (1u << 0) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 8) | (1u << 11) | (1u << 13);
    check((r[3] & need) == need, "cpu/cpuid-leaf1-features", "edx=%x missing %x", r[3],
          need & ~r[3]);
    /* Leaf 1 EAX family >= 6 makes SEP meaningful (SDM: SYSENTER on family 6 model >= 3). */
    check(((r[0] >> 8) & 0xF) >= 6, "cpu/cpuid-family", "eax=%x", r[0]);

    /* SDM Vol. 2B RDTSC: the time-stamp counter only increases. */
    uint64_t prev = rdtsc();
    int mono = 1;
    for (int i = 0; i < 1000; i++) {
        uint64_t t = rdtsc();
        mono &= t >= prev;
        prev = t;
    }
    uint64_t t0 = rdtsc();
    for (volatile int i = 0; i < 10000; i++)
        ;
    check(mono && rdtsc() > t0, "cpu/rdtsc-monotonic", "not monotonic");

    /* SDM Vol. 4 table 2-2: IA32_SYSENTER_CS/ESP/EIP (0x174-0x176) read back what was written. */
    wrmsr(0x174, SEL_KCODE);
    wrmsr(0x175, 0x12345678);
    wrmsr(0x176, 0x9abcdef0);
    uint32_t cs = (uint32_t)rdmsr(0x174), esp = (uint32_t)rdmsr(0x175),
             eip = (uint32_t)rdmsr(0x176);
    check(cs == SEL_KCODE && esp == 0x12345678 && eip == 0x9abcdef0, "cpu/sysenter-msrs",
          "cs=%x esp=%x eip=%x", cs, esp, eip);

    /* CPUID leaf 1 EDX bit 0: x87 present; FNINIT leaves a default control word 0x37F. */
    uint16_t fcw = 0;
    __asm__ volatile("fninit; fnstcw %0" : "=m"(fcw));
    check(fcw == 0x37F, "cpu/fpu-fninit-control-word", "fcw=%x", fcw);
}
