/* emu_cpuid.c — the CPUID leaves of the virtual CPU and the CPUID instruction. */
#include "monitor/emu_cpuid.h"

#include <string.h>

#include "monitor/emu_internal.h"
#include "monitor/world.h"

/* Leaf 2 cache and TLB descriptors (SDM Vol. 2A CPUID, Table 3-12): AL = 01 (run once),
 * 30h 32 KiB L1 code 8-way 64 B, 2Ch 32 KiB L1 data 8-way 64 B, 7Dh 2 MiB L2 8-way 64 B;
 * EBX 03h data TLB 4 KiB pages 4-way 64 entries, 01h code TLB 4 KiB pages 4-way 32 entries. */
#define LEAF2_EAX 0x7D2C3001u
#define LEAF2_EBX 0x00000103u

/* Four little-endian characters of the brand string starting at byte i. */
static uint32_t brand_word(unsigned i)
{
    char brand[48] = {0};
    memcpy(brand, EMU_CPUID_BRAND, sizeof(EMU_CPUID_BRAND));
    uint32_t w;
    memcpy(&w, brand + i, 4);
    return w;
}

static struct cpuid_regs brand_leaf(unsigned n)
{
    unsigned at = n * 16;
    return (struct cpuid_regs){brand_word(at), brand_word(at + 4), brand_word(at + 8),
                               brand_word(at + 12)};
}

struct cpuid_regs emu_cpuid_leaf(uint32_t leaf, uint32_t subleaf)
{
    (void)subleaf; /* no leaf of this CPU has subleaves */
    switch (leaf) {
    case 0:
        /* SDM Vol. 2A CPUID leaf 0: EBX, EDX, ECX spell "GenuineIntel". */
        return (struct cpuid_regs){EMU_CPUID_MAX_BASIC, 0x756E6547u, 0x6C65746Eu, 0x49656E69u};
    case 1:
        return (struct cpuid_regs){EMU_CPUID_SIGNATURE, EMU_CPUID_1_EBX, EMU_CPUID_1_ECX,
                                   EMU_CPUID_1_EDX};
    case 2: return (struct cpuid_regs){LEAF2_EAX, LEAF2_EBX, 0, 0};
    case 0x80000000u: return (struct cpuid_regs){EMU_CPUID_MAX_EXTENDED, 0, 0, 0};
    case 0x80000001u: return (struct cpuid_regs){0, 0, 0, 0}; /* no NX, LM, SYSCALL, LAHF64 */
    case 0x80000002u: return brand_leaf(0);
    case 0x80000003u: return brand_leaf(1);
    case 0x80000004u: return brand_leaf(2);
    default:
        /* SDM Vol. 2A CPUID: an input above the highest basic or extended leaf returns the
         * data of the highest basic leaf (Intel behaviour; 0x40000000 included, so no
         * hypervisor leaves are visible). */
        return emu_cpuid_leaf(EMU_CPUID_MAX_BASIC, 0);
    }
}

struct guest_fault emu_do_cpuid(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    /* SDM Vol. 2A CPUID: executes at every CPL; EAX and ECX in, EAX..EDX out. */
    struct cpuid_regs r = emu_cpuid_leaf(s->gpr[GPR_EAX], s->gpr[GPR_ECX]);
    s->gpr[GPR_EAX] = r.eax;
    s->gpr[GPR_EBX] = r.ebx;
    s->gpr[GPR_ECX] = r.ecx;
    s->gpr[GPR_EDX] = r.edx;
    return FAULT_NONE;
}
