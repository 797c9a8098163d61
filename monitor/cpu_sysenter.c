/* cpu_sysenter.c — SYSENTER/SYSEXIT with their fixed flat segments. */
#include "monitor/cpu_sysenter.h"
#include "monitor/world.h"

/* The caches SYSENTER/SYSEXIT load: base 0, limit 4 GiB (FFFFFH, G = 1), 32-bit,
 * present; code type 11 (execute/read, accessed), data type 3 (read/write, accessed). */
static struct seg_cache flat_cache(uint16_t sel, unsigned type, unsigned dpl)
{
    return (struct seg_cache){
        .sel = sel,
        .attr = (uint16_t)(type | SEG_ATTR_S | (dpl << 5) | SEG_ATTR_P | SEG_ATTR_DB | SEG_ATTR_G),
        .base = 0,
        .limit = 0xFFFFFFFFu,
        .valid = true,
    };
}

struct cpu_result cpu_sysenter(struct vcpu_state *s)
{
    /* #GP(0) if CR0.PE = 0 or IA32_SYSENTER_CS[15:2] = 0. */
    if ((s->cr0 & CR0_PE) == 0 || (s->sysenter_cs & 0xFFFCu) == 0)
        return cpu_fault(cpu_gp(0));
    uint16_t cs = (uint16_t)(s->sysenter_cs & 0xFFFCu); /* RPL forced to 0 */
    s->eflags &= ~(EFLAGS_VM | EFLAGS_IF | EFLAGS_RF);
    s->seg[SEG_CS] = flat_cache(cs, 0xB, 0);
    s->seg[SEG_SS] = flat_cache((uint16_t)(cs + 8), 0x3, 0);
    s->cpl = 0;
    s->gpr[GPR_ESP] = s->sysenter_esp;
    s->eip = s->sysenter_eip;
    return cpu_ok();
}

struct cpu_result cpu_sysexit(struct vcpu_state *s)
{
    /* #GP(0) if IA32_SYSENTER_CS[15:2] = 0, CR0.PE = 0 or CPL != 0 (V86 mode has CPL 3). */
    if ((s->cr0 & CR0_PE) == 0 || (s->sysenter_cs & 0xFFFCu) == 0 || s->cpl != 0 ||
        (s->eflags & EFLAGS_VM))
        return cpu_fault(cpu_gp(0));
    uint16_t base = (uint16_t)s->sysenter_cs;
    s->seg[SEG_CS] = flat_cache((uint16_t)((base + 16) | 3), 0xB, 3);
    s->seg[SEG_SS] = flat_cache((uint16_t)((base + 24) | 3), 0x3, 3);
    s->cpl = 3;
    s->gpr[GPR_ESP] = s->gpr[GPR_ECX];
    s->eip = s->gpr[GPR_EDX];
    return cpu_ok();
}
