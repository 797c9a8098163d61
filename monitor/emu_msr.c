/* emu_msr.c — RDMSR and WRMSR on the virtual CPU's MSRs. */
#include "monitor/emu_msr.h"

#include "monitor/emu_internal.h"
#include "monitor/world.h"

static uint64_t tsc_now(const struct emu_ctx *ctx)
{
    return ctx->read_tsc ? ctx->read_tsc(ctx->clock_ctx) : 0;
}

/* SDM Vol. 3A §11.12.2: every PAT entry must be a valid memory type (0, 1, 4, 5, 6, 7). */
static bool pat_valid(uint64_t v)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned t = (unsigned)(v >> (8 * i)) & 0xFF;
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

struct guest_fault emu_rdmsr(const struct emu_ctx *ctx, uint32_t msr, uint64_t *val)
{
    const struct vcpu_state *s = ctx->s;
    switch (msr) {
    case MSR_IA32_TSC: *val = tsc_now(ctx) + ctx->v.tsc_offset; break; /* SDM Vol. 3B §18.17 */
    case MSR_IA32_PLATFORM_ID: *val = 0; break;
    case MSR_IA32_APIC_BASE: *val = EMU_APIC_BASE_VALUE; break;
    case MSR_IA32_BIOS_SIGN: *val = EMU_MICROCODE_REV; break;
    /* SDM Vol. 3A §5.8.7.1: the SYSENTER MSRs; a 32-bit CPU keeps 32 bits of each. */
    case MSR_IA32_SYSENTER_CS: *val = s->sysenter_cs; break;
    case MSR_IA32_SYSENTER_ESP: *val = s->sysenter_esp; break;
    case MSR_IA32_SYSENTER_EIP: *val = s->sysenter_eip; break;
    case MSR_IA32_MISC_ENABLE: *val = ctx->v.misc_enable; break;
    case MSR_IA32_PAT: *val = ctx->v.pat; break;
    default: return guest_fault_make(VEC_GP, true, 0); /* SDM Vol. 2B RDMSR */
    }
    return FAULT_NONE;
}

struct guest_fault emu_wrmsr(struct emu_ctx *ctx, uint32_t msr, uint64_t val)
{
    struct vcpu_state *s = ctx->s;
    switch (msr) {
    case MSR_IA32_TSC:
        /* SDM Vol. 3B §18.17: a write sets the counter; kept as an offset to the source. */
        ctx->v.tsc_offset = val - tsc_now(ctx);
        return FAULT_NONE;
    case MSR_IA32_APIC_BASE:
        /* No APIC: the register keeps its value; writing it unchanged is harmless. */
        return val == EMU_APIC_BASE_VALUE ? FAULT_NONE : guest_fault_make(VEC_GP, true, 0);
    case MSR_IA32_BIOS_SIGN: return FAULT_NONE; /* SDM Vol. 3A §10.11.7.1: write 0, CPUID, read */
    case MSR_IA32_SYSENTER_CS: s->sysenter_cs = (uint32_t)val; return FAULT_NONE;
    case MSR_IA32_SYSENTER_ESP: s->sysenter_esp = (uint32_t)val; return FAULT_NONE;
    case MSR_IA32_SYSENTER_EIP: s->sysenter_eip = (uint32_t)val; return FAULT_NONE;
    case MSR_IA32_MISC_ENABLE:
        ctx->v.misc_enable =
            (ctx->v.misc_enable & ~EMU_MISC_ENABLE_WRITABLE) | (val & EMU_MISC_ENABLE_WRITABLE);
        return FAULT_NONE;
    case MSR_IA32_PAT:
        if (!pat_valid(val))
            return guest_fault_make(VEC_GP, true, 0);
        ctx->v.pat = val;
        return FAULT_NONE;
    default: return guest_fault_make(VEC_GP, true, 0); /* SDM Vol. 2B WRMSR */
    }
}

struct guest_fault emu_do_rdmsr(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    /* SDM Vol. 2B RDMSR: #GP(0) at CPL > 0. */
    if (emu_cpl(s) > 0)
        return emu_gp0();
    uint64_t v = 0;
    struct guest_fault f = emu_rdmsr(c->ctx, s->gpr[GPR_ECX], &v);
    if (f.raised)
        return f;
    s->gpr[GPR_EAX] = (uint32_t)v;
    s->gpr[GPR_EDX] = (uint32_t)(v >> 32);
    return FAULT_NONE;
}

struct guest_fault emu_do_wrmsr(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    /* SDM Vol. 2B WRMSR: #GP(0) at CPL > 0. */
    if (emu_cpl(s) > 0)
        return emu_gp0();
    uint64_t v = ((uint64_t)s->gpr[GPR_EDX] << 32) | s->gpr[GPR_EAX];
    struct guest_fault f = emu_wrmsr(c->ctx, s->gpr[GPR_ECX], v);
    if (!f.raised)
        c->flags |= EMU_F_MSR;
    return f;
}
