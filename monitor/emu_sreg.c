/* emu_sreg.c — segment registers: MOV from Sreg and PUSH Sreg read the guest selectors;
 * MOV to Sreg, POP Sreg and LDS/LES/LFS/LGS/LSS fetch the selector and hand it to the
 * protection engine (ops->load_seg). */
#include "monitor/emu_internal.h"
#include "monitor/world.h"

struct guest_fault emu_do_mov_from_seg(struct emu_call *c)
{
    const ZydisDecodedOperand *dst = &c->in->ops[0];
    int seg = emu_sreg_decode(c->in->ops[1].reg.value);
    if (seg < 0)
        return emu_ud();
    uint16_t sel = c->s->seg[seg].sel;
    /* SDM Vol. 2B MOV: to a 32-bit register the selector is zero-extended (P6 and later);
     * to a 16-bit register or to memory 16 bits are stored whatever the operand size. */
    if (dst->type == ZYDIS_OPERAND_TYPE_REGISTER) {
        emu_reg_write(c->s, dst->reg.value, sel);
        return FAULT_NONE;
    }
    return emu_mem_write(c->ctx, emu_operand_segment(dst), emu_effective_offset(c->s, c->in, dst),
                         &sel, 2);
}

struct guest_fault emu_do_push_seg(struct emu_call *c)
{
    int seg = emu_sreg_decode(c->in->ops[0].reg.value);
    if (seg < 0)
        return emu_ud();
    uint32_t sel = c->s->seg[seg].sel;
    unsigned slot = c->in->zi.operand_width / 8;
    /* SDM Vol. 2B PUSH: with a 32-bit operand size a CPU either pushes the zero-extended
     * selector or writes only its 16 bits. bt386 zero-extends, as qemu-system-i386 (the
     * reference machine) does, and as the translator's inline PUSH Sreg does. */
    return emu_push(c->ctx, &sel, slot, slot);
}

/* Call ops->load_seg; on success mark the register loaded and open the MOV/POP SS shadow. */
static struct guest_fault load_seg(struct emu_call *c, enum seg_reg seg, uint16_t sel, bool shadow)
{
    struct guest_fault f = c->ctx->ops->load_seg(c->ctx, seg, sel);
    if (f.raised) {
        c->keep_on_fault = true;
        return f;
    }
    c->flags |= EMU_F_SEG;
    c->seg_mask |= (uint8_t)(1u << seg);
    /* SDM Vol. 3A §6.8.3: MOV SS and POP SS inhibit interrupts and debug traps until the
     * next instruction completes (LSS does not). */
    if (seg == SEG_SS && shadow)
        c->flags |= EMU_F_SHADOW;
    return FAULT_NONE;
}

static bool have_load_seg(struct emu_call *c)
{
    if (c->ctx->ops && c->ctx->ops->load_seg)
        return true;
    c->unhandled = true;
    return false;
}

struct guest_fault emu_do_mov_to_seg(struct emu_call *c)
{
    int seg = emu_sreg_decode(c->in->ops[0].reg.value);
    /* SDM Vol. 2B MOV: loading CS with MOV is #UD (the decoder already refuses it). */
    if (seg < 0 || seg == SEG_CS)
        return emu_ud();
    if (!have_load_seg(c))
        return FAULT_NONE;
    uint32_t sel = 0;
    struct guest_fault f = emu_operand_read(c->ctx, c->in, 1, &sel);
    if (f.raised)
        return f;
    return load_seg(c, (enum seg_reg)seg, (uint16_t)sel, true);
}

struct guest_fault emu_do_pop_seg(struct emu_call *c)
{
    int seg = emu_sreg_decode(c->in->ops[0].reg.value);
    if (seg < 0 || seg == SEG_CS)
        return emu_ud();
    if (!have_load_seg(c))
        return FAULT_NONE;
    unsigned slot = c->in->zi.operand_width / 8;
    uint32_t slotval = 0;
    /* SDM Vol. 2B POP: a 2- or 4-byte pop; the selector is its low 16 bits. */
    struct guest_fault f = emu_stack_read(c->ctx, 0, &slotval, slot);
    if (f.raised)
        return f;
    uint16_t sel = (uint16_t)slotval;
    /* ESP moves by the slot in the old stack's width, after the load succeeded. */
    bool was32 = emu_stack_is32(c->s);
    uint32_t esp = c->s->gpr[GPR_ESP];
    f = load_seg(c, (enum seg_reg)seg, sel, true);
    if (f.raised)
        return f;
    uint32_t moved = esp + slot;
    c->s->gpr[GPR_ESP] = was32 ? moved : ((esp & 0xFFFF0000u) | (moved & 0xFFFF));
    return FAULT_NONE;
}

struct guest_fault emu_do_load_far_ptr(struct emu_call *c)
{
    enum seg_reg seg;
    switch (c->in->zi.mnemonic) {
    case ZYDIS_MNEMONIC_LDS: seg = SEG_DS; break;
    case ZYDIS_MNEMONIC_LES: seg = SEG_ES; break;
    case ZYDIS_MNEMONIC_LFS: seg = SEG_FS; break;
    case ZYDIS_MNEMONIC_LGS: seg = SEG_GS; break;
    case ZYDIS_MNEMONIC_LSS: seg = SEG_SS; break;
    default: return emu_ud();
    }
    const ZydisDecodedOperand *mem = &c->in->ops[1];
    if (mem->type != ZYDIS_OPERAND_TYPE_MEMORY)
        return emu_ud(); /* SDM Vol. 2A LDS: a register source is #UD */
    if (!have_load_seg(c))
        return FAULT_NONE;
    /* SDM Vol. 2A LDS: m16:16 or m16:32, the offset first, the selector after it. */
    unsigned obytes = c->in->zi.operand_width / 8;
    uint8_t b[6] = {0};
    struct guest_fault f = emu_mem_read(c->ctx, emu_operand_segment(mem),
                                        emu_effective_offset(c->s, c->in, mem), b, obytes + 2);
    if (f.raised)
        return f;
    uint32_t off = (uint32_t)b[0] | (uint32_t)b[1] << 8;
    if (obytes == 4)
        off |= (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    uint16_t sel = (uint16_t)(b[obytes] | b[obytes + 1] << 8);
    /* The segment register first: its fault leaves the general register unchanged. */
    f = load_seg(c, seg, sel, false);
    if (f.raised)
        return f;
    emu_reg_write(c->s, c->in->ops[0].reg.value, off);
    return FAULT_NONE;
}
