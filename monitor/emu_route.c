/* emu_route.c — instructions whose work is the protection engine's (emu_cpu_ops.h): far
 * JMP/CALL/RET, IRET, INT n/INT3/INTO/INT1, SYSENTER/SYSEXIT, LAR/LSL/VERR/VERW. This file
 * only fetches their operands and reports the outcome. */
#include "monitor/emu_internal.h"

/* An op's fault stands as the op left the state (a task switch commits before some
 * faults, SDM Vol. 3A §7.3); its success is a control transfer. */
static struct guest_fault transfer_done(struct emu_call *c, struct guest_fault f)
{
    if (f.raised)
        c->keep_on_fault = true;
    else
        c->branched = true;
    return f;
}

static bool missing(struct emu_call *c, bool present)
{
    if (present)
        return false;
    c->unhandled = true;
    return true;
}

/* The target of a far JMP/CALL: ptr16:16/32 in the instruction or m16:16/32 in memory,
 * offset first, then the selector (SDM Vol. 2A CALL, JMP). */
static struct guest_fault far_target(struct emu_call *c, uint16_t *sel, uint32_t *off)
{
    const ZydisDecodedOperand *op = &c->in->ops[0];
    unsigned obytes = c->in->zi.operand_width / 8;
    if (op->type == ZYDIS_OPERAND_TYPE_POINTER) {
        *sel = op->ptr.segment;
        *off = obytes == 2 ? (op->ptr.offset & 0xFFFF) : op->ptr.offset;
        return FAULT_NONE;
    }
    if (op->type != ZYDIS_OPERAND_TYPE_MEMORY)
        return emu_ud(); /* SDM Vol. 2A JMP: FF /5 with a register operand is #UD */
    uint8_t b[6] = {0};
    struct guest_fault f = emu_mem_read(c->ctx, emu_operand_segment(op),
                                        emu_effective_offset(c->s, c->in, op), b, obytes + 2);
    if (f.raised)
        return f;
    *off = (uint32_t)b[0] | (uint32_t)b[1] << 8;
    if (obytes == 4)
        *off |= (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    *sel = (uint16_t)(b[obytes] | b[obytes + 1] << 8);
    return FAULT_NONE;
}

/* The far JMP and far CALL ops share a shape: sel:off, operand size, next EIP. */
typedef struct guest_fault (*far_branch_op)(struct emu_ctx *ctx, uint16_t sel, uint32_t off,
                                            unsigned opsize, uint32_t next_eip);

static struct guest_fault far_branch(struct emu_call *c, far_branch_op op)
{
    if (missing(c, op != NULL))
        return FAULT_NONE;
    uint16_t sel;
    uint32_t off;
    struct guest_fault f = far_target(c, &sel, &off);
    if (f.raised)
        return f;
    return transfer_done(c, op(c->ctx, sel, off, c->in->zi.operand_width, c->next));
}

struct guest_fault emu_do_jmp_far(struct emu_call *c)
{
    return far_branch(c, c->ctx->ops ? c->ctx->ops->far_jmp : NULL);
}

struct guest_fault emu_do_call_far(struct emu_call *c)
{
    return far_branch(c, c->ctx->ops ? c->ctx->ops->far_call : NULL);
}

struct guest_fault emu_do_ret_far(struct emu_call *c)
{
    if (missing(c, c->ctx->ops && c->ctx->ops->far_ret))
        return FAULT_NONE;
    uint16_t imm = 0;
    if (c->in->ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
        imm = (uint16_t)c->in->ops[0].imm.value.u; /* SDM Vol. 2B RET: imm16 bytes released */
    return transfer_done(c, c->ctx->ops->far_ret(c->ctx, c->in->zi.operand_width, imm));
}

struct guest_fault emu_do_iret(struct emu_call *c)
{
    if (missing(c, c->ctx->ops && c->ctx->ops->iret))
        return FAULT_NONE;
    /* SDM Vol. 2A IRET: IRET pops 16-bit slots, IRETD 32-bit ones. */
    return transfer_done(c, c->ctx->ops->iret(c->ctx, c->in->zi.operand_width));
}

static struct guest_fault soft_int(struct emu_call *c, uint8_t vector, enum emu_int_kind kind)
{
    if (missing(c, c->ctx->ops && c->ctx->ops->soft_int))
        return FAULT_NONE;
    /* SDM Vol. 2A INT n: the return address pushed is the next instruction's. */
    return transfer_done(c, c->ctx->ops->soft_int(c->ctx, vector, kind, c->next));
}

struct guest_fault emu_do_int(struct emu_call *c)
{
    if (c->in->zi.mnemonic == ZYDIS_MNEMONIC_INT3)
        return soft_int(c, VEC_BP, EMU_INT_INT3);
    return soft_int(c, (uint8_t)c->in->ops[0].imm.value.u, EMU_INT_N);
}

struct guest_fault emu_do_into(struct emu_call *c)
{
    /* SDM Vol. 2A INTO: a no-op unless OF = 1, then INT 4. */
    if (!(c->s->eflags & EFLAGS_OF))
        return FAULT_NONE;
    return soft_int(c, VEC_OF, EMU_INT_INTO);
}

struct guest_fault emu_do_int1(struct emu_call *c)
{
    /* SDM Vol. 2A INT1: a #DB trap without the gate DPL check. */
    return soft_int(c, VEC_DB, EMU_INT_ICEBP);
}

struct guest_fault emu_do_sysenter(struct emu_call *c)
{
    if (missing(c, c->ctx->ops && c->ctx->ops->sysenter))
        return FAULT_NONE;
    return transfer_done(c, c->ctx->ops->sysenter(c->ctx));
}

struct guest_fault emu_do_sysexit(struct emu_call *c)
{
    if (missing(c, c->ctx->ops && c->ctx->ops->sysexit))
        return FAULT_NONE;
    return transfer_done(c, c->ctx->ops->sysexit(c->ctx));
}

static void set_zf(struct vcpu_state *s, bool zf)
{
    s->eflags = zf ? (s->eflags | EFLAGS_ZF) : (s->eflags & ~EFLAGS_ZF);
}

struct guest_fault emu_do_seg_check(struct emu_call *c)
{
    const struct emu_cpu_ops *ops = c->ctx->ops;
    ZydisMnemonic m = c->in->zi.mnemonic;
    /* SDM Vol. 2A LAR, LSL, VERR/VERW: #UD in real-address and virtual-8086 mode. */
    if (!emu_protected(c->s))
        return emu_ud();
    bool two_ops = m == ZYDIS_MNEMONIC_LAR || m == ZYDIS_MNEMONIC_LSL;
    bool present = false;
    if (ops)
        present = m == ZYDIS_MNEMONIC_LAR    ? ops->lar != NULL
                  : m == ZYDIS_MNEMONIC_LSL  ? ops->lsl != NULL
                  : m == ZYDIS_MNEMONIC_VERR ? ops->verr != NULL
                                             : ops->verw != NULL;
    if (missing(c, present))
        return FAULT_NONE;
    uint32_t sel = 0;
    struct guest_fault f = emu_operand_read(c->ctx, c->in, two_ops ? 1 : 0, &sel);
    if (f.raised)
        return f;
    bool zf = false;
    uint32_t out = 0;
    switch (m) {
    case ZYDIS_MNEMONIC_LAR: f = ops->lar(c->ctx, (uint16_t)sel, &out, &zf); break;
    case ZYDIS_MNEMONIC_LSL: f = ops->lsl(c->ctx, (uint16_t)sel, &out, &zf); break;
    case ZYDIS_MNEMONIC_VERR: f = ops->verr(c->ctx, (uint16_t)sel, &zf); break;
    default: f = ops->verw(c->ctx, (uint16_t)sel, &zf); break;
    }
    if (f.raised) {
        c->keep_on_fault = true;
        return f;
    }
    set_zf(c->s, zf);
    /* SDM Vol. 2A LAR/LSL: the destination is written only when ZF = 1; a 16-bit
     * destination receives the low 16 bits. */
    if (two_ops && zf)
        emu_reg_write(c->s, c->in->ops[0].reg.value, out);
    return FAULT_NONE;
}
