/* vm_cpu_ops.c — the emulator's ops table, served by the protection engine. */
#include "monitor/cpu_deliver.h"
#include "monitor/cpu_far.h"
#include "monitor/cpu_iret.h"
#include "monitor/cpu_lar.h"
#include "monitor/cpu_ldt_tr.h"
#include "monitor/cpu_seg.h"
#include "monitor/cpu_sysenter.h"
#include "monitor/vm.h"

/* A protection-engine path bt386 does not implement (task switch, V86) is reported
 * by the engine as CPU_UNSUPPORTED; the guest sees #GP(0) and the monitor says so. */
static struct guest_fault result_fault(struct emu_ctx *ctx, struct cpu_result r)
{
    if (r.status == CPU_UNSUPPORTED) {
        struct vm *vm = ctx->ops_ctx;
        vm_fatal(vm, 2, "unsupported architectural path: %s", r.why ? r.why : "?");
        return guest_fault_make(VEC_GP, true, 0);
    }
    return r.status == CPU_FAULT ? r.fault : FAULT_NONE;
}

static enum cpu_opsize opsize(unsigned bits)
{
    return bits == 16 ? CPU_OP16 : CPU_OP32;
}

static struct guest_fault op_load_seg(struct emu_ctx *ctx, enum seg_reg seg, uint16_t sel)
{
    return result_fault(ctx, cpu_load_seg(ctx->s, ctx->mem, seg, sel));
}

static struct guest_fault op_far_jmp(struct emu_ctx *ctx, uint16_t sel, uint32_t off, unsigned os,
                                     uint32_t next_eip)
{
    (void)next_eip; /* only a task switch would save it */
    return result_fault(ctx, cpu_far_jmp(ctx->s, ctx->mem, sel, off, opsize(os)));
}

static struct guest_fault op_far_call(struct emu_ctx *ctx, uint16_t sel, uint32_t off, unsigned os,
                                      uint32_t next_eip)
{
    return result_fault(ctx, cpu_far_call(ctx->s, ctx->mem, sel, off, opsize(os), next_eip));
}

static struct guest_fault op_far_ret(struct emu_ctx *ctx, unsigned os, uint16_t imm)
{
    return result_fault(ctx, cpu_far_ret(ctx->s, ctx->mem, opsize(os), imm));
}

static struct guest_fault op_iret(struct emu_ctx *ctx, unsigned os)
{
    return result_fault(ctx, cpu_iret(ctx->s, ctx->mem, opsize(os)));
}

static struct guest_fault op_soft_int(struct emu_ctx *ctx, uint8_t vector, enum emu_int_kind kind,
                                      uint32_t next_eip)
{
    struct vm *vm = ctx->ops_ctx;
    /* INT n is a trap: the frame holds the next instruction (SDM Vol. 3A §6.5). */
    uint32_t eip = ctx->s->eip;
    ctx->s->eip = next_eip;
    enum cpu_event_kind ek = kind == EMU_INT_ICEBP ? EVENT_EXCEPTION : EVENT_SOFTWARE_INT;
    struct cpu_result r = cpu_deliver_once(ctx->s, ctx->mem, vector, ek, false, 0);
    if (r.status == CPU_OK) {
        vm->st.interrupts++;
        return FAULT_NONE;
    }
    ctx->s->eip = eip;
    return result_fault(ctx, r);
}

static struct guest_fault op_sysenter(struct emu_ctx *ctx)
{
    return result_fault(ctx, cpu_sysenter(ctx->s));
}

static struct guest_fault op_sysexit(struct emu_ctx *ctx)
{
    return result_fault(ctx, cpu_sysexit(ctx->s));
}

static bool zf_of(const struct vcpu_state *s)
{
    return (s->eflags & EFLAGS_ZF) != 0;
}

static struct guest_fault op_lar(struct emu_ctx *ctx, uint16_t sel, uint32_t *out, bool *zf)
{
    struct cpu_result r = cpu_lar(ctx->s, ctx->mem, sel, CPU_OP32, out);
    *zf = zf_of(ctx->s);
    return result_fault(ctx, r);
}

static struct guest_fault op_lsl(struct emu_ctx *ctx, uint16_t sel, uint32_t *out, bool *zf)
{
    struct cpu_result r = cpu_lsl(ctx->s, ctx->mem, sel, CPU_OP32, out);
    *zf = zf_of(ctx->s);
    return result_fault(ctx, r);
}

static struct guest_fault op_verr(struct emu_ctx *ctx, uint16_t sel, bool *zf)
{
    struct cpu_result r = cpu_verr(ctx->s, ctx->mem, sel);
    *zf = zf_of(ctx->s);
    return result_fault(ctx, r);
}

static struct guest_fault op_verw(struct emu_ctx *ctx, uint16_t sel, bool *zf)
{
    struct cpu_result r = cpu_verw(ctx->s, ctx->mem, sel);
    *zf = zf_of(ctx->s);
    return result_fault(ctx, r);
}

static struct guest_fault op_lldt(struct emu_ctx *ctx, uint16_t sel)
{
    return result_fault(ctx, cpu_lldt(ctx->s, ctx->mem, sel));
}

static struct guest_fault op_ltr(struct emu_ctx *ctx, uint16_t sel)
{
    return result_fault(ctx, cpu_ltr(ctx->s, ctx->mem, sel));
}

const struct emu_cpu_ops vm_cpu_ops = {
    .load_seg = op_load_seg,
    .far_jmp = op_far_jmp,
    .far_call = op_far_call,
    .far_ret = op_far_ret,
    .iret = op_iret,
    .soft_int = op_soft_int,
    .sysenter = op_sysenter,
    .sysexit = op_sysexit,
    .lar = op_lar,
    .lsl = op_lsl,
    .verr = op_verr,
    .verw = op_verw,
    .lldt = op_lldt,
    .ltr = op_ltr,
};
