/* emu_exec.c — dispatch one sensitive instruction to its routine, keep faults precise,
 * and tell the caller what changed. */
#include "monitor/emu.h"

#include <string.h>

#include "monitor/emu_internal.h"

void emu_ctx_init(struct emu_ctx *ctx, struct vcpu_state *s, const struct guest_mem *mem,
                  struct io_bus *bus, const struct emu_cpu_ops *ops, void *ops_ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->s = s;
    ctx->mem = mem;
    ctx->bus = bus;
    ctx->ops = ops;
    ctx->ops_ctx = ops_ctx;
    ctx->v.pat = EMU_PAT_RESET;
    ctx->v.misc_enable = EMU_MISC_ENABLE_RESET;
    ctx->v.xcr0 = EMU_XCR0_RESET;
}

/* Classes a virtual CPU without the feature answers with #UD (SDM Vol. 2: #UD when the
 * CPUID bit is clear): SYSCALL/SYSRET outside 64-bit mode on an Intel CPU, RDTSCP/RDPID
 * (not reported), XSAVE and XRSTOR in all forms (CR4.OSXSAVE can never be set, see
 * emu_ctrl.c). */
static struct guest_fault emu_do_ud(struct emu_call *c)
{
    (void)c;
    return emu_ud();
}

static emu_routine routine_of(enum insn_class cls)
{
    switch (cls) {
    case IC_CLI: return emu_do_cli;
    case IC_STI: return emu_do_sti;
    case IC_PUSHF: return emu_do_pushf;
    case IC_POPF: return emu_do_popf;
    case IC_HLT: return emu_do_hlt;
    case IC_IO: return emu_do_io;
    case IC_IO_STRING: return emu_do_io_string;
    case IC_MOV_TO_CR: return emu_do_mov_to_cr;
    case IC_MOV_FROM_CR: return emu_do_mov_from_cr;
    case IC_MOV_TO_DR: return emu_do_mov_to_dr;
    case IC_MOV_FROM_DR: return emu_do_mov_from_dr;
    case IC_DESC_LOAD: return emu_do_desc_load;
    case IC_DESC_STORE: return emu_do_desc_store;
    case IC_CLTS: return emu_do_clts;
    case IC_TLB: return emu_do_tlb;
    case IC_CACHE: return emu_do_cache;
    case IC_CPUID: return emu_do_cpuid;
    case IC_RDMSR: return emu_do_rdmsr;
    case IC_WRMSR: return emu_do_wrmsr;
    case IC_XGETBV: return emu_do_xgetbv;
    case IC_XSETBV: return emu_do_xsetbv;
    case IC_PRIV_OTHER: return emu_do_priv_other;
    case IC_MOV_FROM_SEG: return emu_do_mov_from_seg;
    case IC_PUSH_SEG: return emu_do_push_seg;
    case IC_MOV_TO_SEG: return emu_do_mov_to_seg;
    case IC_POP_SEG: return emu_do_pop_seg;
    case IC_LOAD_FAR_PTR: return emu_do_load_far_ptr;
    case IC_JMP_FAR: return emu_do_jmp_far;
    case IC_CALL_FAR: return emu_do_call_far;
    case IC_RET_FAR: return emu_do_ret_far;
    case IC_IRET: return emu_do_iret;
    case IC_INT: return emu_do_int;
    case IC_INTO: return emu_do_into;
    case IC_INT1: return emu_do_int1;
    case IC_SYSENTER: return emu_do_sysenter;
    case IC_SYSEXIT: return emu_do_sysexit;
    case IC_SEG_CHECK: return emu_do_seg_check;
    case IC_UD:
    case IC_SYSCALL:
    case IC_SYSRET:
    case IC_TSC_AUX:
    case IC_XSAVE:
    case IC_XRSTOR: return emu_do_ud;
    default: return NULL; /* IDENT, near branches, IC_INVALID: not this module's */
    }
}

static bool seg_cache_equal(const struct seg_cache *a, const struct seg_cache *b)
{
    return a->sel == b->sel && a->attr == b->attr && a->base == b->base && a->limit == b->limit &&
           a->valid == b->valid;
}

#define EFLAGS_SYSTEM                                                                              \
    (EFLAGS_TF | EFLAGS_IF | EFLAGS_IOPL | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM | EFLAGS_AC |         \
     EFLAGS_VIF | EFLAGS_VIP | EFLAGS_ID)

/* Flags implied by comparing the state before and after the instruction. */
static uint32_t diff_flags(const struct vcpu_state *a, const struct vcpu_state *b,
                           const struct emu_vregs *va, const struct emu_vregs *vb,
                           uint8_t *seg_mask)
{
    uint32_t f = 0;
    if (a->cr0 != b->cr0)
        f |= EMU_F_CR0;
    if (a->cr3 != b->cr3)
        f |= EMU_F_CR3;
    if (a->cr4 != b->cr4)
        f |= EMU_F_CR4;
    /* SDM Vol. 3A §4.10.4.1: these bits change how every linear address translates. */
    if (((a->cr0 ^ b->cr0) & (CR0_PE | CR0_PG | CR0_WP)) ||
        ((a->cr4 ^ b->cr4) & (CR4_PSE | CR4_PGE | CR4_PAE)))
        f |= EMU_F_PAGING;
    if (a->gdtr.base != b->gdtr.base || a->gdtr.limit != b->gdtr.limit)
        f |= EMU_F_GDT;
    if (a->idtr.base != b->idtr.base || a->idtr.limit != b->idtr.limit)
        f |= EMU_F_IDT;
    if (!seg_cache_equal(&a->ldtr, &b->ldtr))
        f |= EMU_F_LDT;
    if (!seg_cache_equal(&a->tr, &b->tr))
        f |= EMU_F_TR;
    for (unsigned i = 0; i < SEG_COUNT; i++)
        if (!seg_cache_equal(&a->seg[i], &b->seg[i]))
            *seg_mask |= (uint8_t)(1u << i);
    if (*seg_mask)
        f |= EMU_F_SEG;
    if (!(a->eflags & EFLAGS_IF) && (b->eflags & EFLAGS_IF))
        f |= EMU_F_IF_SET;
    if (!(a->eflags & EFLAGS_TF) && (b->eflags & EFLAGS_TF))
        f |= EMU_F_TF_SET;
    if ((a->eflags ^ b->eflags) & EFLAGS_SYSTEM)
        f |= EMU_F_EFLAGS_SYS;
    if (a->cpl != b->cpl)
        f |= EMU_F_CPL;
    if (memcmp(a->dr, b->dr, sizeof(a->dr)) != 0)
        f |= EMU_F_DR;
    if (a->sysenter_cs != b->sysenter_cs || a->sysenter_esp != b->sysenter_esp ||
        a->sysenter_eip != b->sysenter_eip || va->pat != vb->pat ||
        va->misc_enable != vb->misc_enable)
        f |= EMU_F_MSR;
    if (va->tsc_offset != vb->tsc_offset)
        f |= EMU_F_TSC | EMU_F_MSR;
    if (va->xcr0 != vb->xcr0)
        f |= EMU_F_XCR0;
    if (!a->halted && b->halted)
        f |= EMU_F_HALT;
    return f;
}

struct emu_result emu_exec(struct emu_ctx *ctx, const struct insn *in, uint32_t eip)
{
    struct emu_result res = {.status = EMU_UNHANDLED, .next_eip = eip};
    emu_routine routine = routine_of(in->cls);
    if (routine == NULL)
        return res;

    struct vcpu_state *s = ctx->s;
    /* The routines and the ops see EIP at this instruction (translated code does not keep
     * s->eip current). */
    s->eip = eip;
    const struct vcpu_state before = *s;
    const struct emu_vregs vbefore = ctx->v;
    /* SDM Vol. 3A §6.8.3: the shadow covers the one instruction after STI / MOV SS. */
    bool in_shadow = s->inhibit_irq && s->inhibit_eip == eip;
    struct emu_call c = {.ctx = ctx, .s = s, .in = in, .eip = eip, .next = eip + in->len};

    struct guest_fault f = routine(&c);
    if (c.unhandled) {
        *s = before;
        ctx->v = vbefore;
        return res;
    }
    if (f.raised) {
        res.status = EMU_FAULT;
        res.fault = f;
        if (c.keep_on_fault) {
            /* REP progress, the #DB of DR7.GD, or an op whose fault follows a commit. */
            res.flags = c.flags | diff_flags(&before, s, &vbefore, &ctx->v, &res.seg_mask);
        } else {
            /* SDM Vol. 3A §6.5: a fault reports the state before the instruction. */
            *s = before;
            ctx->v = vbefore;
        }
        res.next_eip = s->eip;
        return res;
    }

    if (!c.branched)
        s->eip = c.next;
    if (c.flags & EMU_F_SHADOW) {
        s->inhibit_irq = true;
        s->inhibit_eip = s->eip;
    } else if (in_shadow) {
        s->inhibit_irq = false;
    }
    res.status = EMU_DONE;
    res.seg_mask = c.seg_mask;
    res.flags = c.flags | diff_flags(&before, s, &vbefore, &ctx->v, &res.seg_mask);
    if (c.branched)
        res.flags |= EMU_F_BRANCH;
    res.invlpg_addr = c.invlpg_addr;
    res.next_eip = s->eip;
    return res;
}
