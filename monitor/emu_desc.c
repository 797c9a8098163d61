/* emu_desc.c — LGDT, LIDT, LLDT, LTR, LMSW and SGDT, SIDT, SLDT, STR, SMSW. */
#include "monitor/emu_internal.h"

/* Read the 6-byte pseudo-descriptor (limit, base) of LGDT/LIDT at operand 0. */
static struct guest_fault read_pseudo_desc(struct emu_call *c, struct dtable_reg *out)
{
    const ZydisDecodedOperand *op = &c->in->ops[0];
    uint8_t b[6];
    struct guest_fault f =
        emu_mem_read(c->ctx, emu_operand_segment(op), emu_effective_offset(c->s, c->in, op), b, 6);
    if (f.raised)
        return f;
    out->limit = (uint16_t)(b[0] | b[1] << 8);
    out->base = (uint32_t)b[2] | (uint32_t)b[3] << 8 | (uint32_t)b[4] << 16 | (uint32_t)b[5] << 24;
    /* SDM Vol. 2A LGDT/LIDT: with a 16-bit operand size only 24 bits of base are loaded. */
    if (c->in->zi.operand_width == 16)
        out->base &= 0x00FFFFFFu;
    return FAULT_NONE;
}

/* LLDT/LTR: the selector from r/m16, then the protection engine. */
static struct guest_fault load_system_segment(struct emu_call *c, bool ldt)
{
    const struct emu_cpu_ops *ops = c->ctx->ops;
    struct guest_fault (*op)(struct emu_ctx *, uint16_t) = NULL;
    if (ops)
        op = ldt ? ops->lldt : ops->ltr;
    if (op == NULL) {
        c->unhandled = true;
        return FAULT_NONE;
    }
    uint32_t sel = 0;
    struct guest_fault f = emu_operand_read(c->ctx, c->in, 0, &sel);
    if (f.raised)
        return f;
    f = op(c->ctx, (uint16_t)sel);
    if (f.raised) {
        c->keep_on_fault = true;
        return f;
    }
    c->flags |= ldt ? EMU_F_LDT : EMU_F_TR;
    return FAULT_NONE;
}

struct guest_fault emu_do_desc_load(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    ZydisMnemonic m = c->in->zi.mnemonic;
    /* SDM Vol. 2A LLDT, LTR: #UD in real-address and virtual-8086 mode. */
    if ((m == ZYDIS_MNEMONIC_LLDT || m == ZYDIS_MNEMONIC_LTR) && !emu_protected(s))
        return emu_ud();
    /* SDM Vol. 2A LGDT/LIDT/LLDT/LTR/LMSW: #GP(0) at CPL > 0 (VM86 included). */
    if (emu_cpl(s) > 0)
        return emu_gp0();
    switch (m) {
    case ZYDIS_MNEMONIC_LGDT:
    case ZYDIS_MNEMONIC_LIDT: {
        struct dtable_reg d;
        struct guest_fault f = read_pseudo_desc(c, &d);
        if (f.raised)
            return f;
        if (m == ZYDIS_MNEMONIC_LGDT) {
            s->gdtr = d;
            c->flags |= EMU_F_GDT; /* the table contents may have changed behind the same GDTR */
        } else {
            s->idtr = d;
            c->flags |= EMU_F_IDT;
        }
        return FAULT_NONE;
    }
    case ZYDIS_MNEMONIC_LLDT: return load_system_segment(c, true);
    case ZYDIS_MNEMONIC_LTR: return load_system_segment(c, false);
    case ZYDIS_MNEMONIC_LMSW: {
        uint32_t v = 0;
        struct guest_fault f = emu_operand_read(c->ctx, c->in, 0, &v);
        if (f.raised)
            return f;
        /* SDM Vol. 2A LMSW: loads PE, MP, EM, TS only; it can set PE but never clear it. */
        uint32_t msw = CR0_PE | CR0_MP | CR0_EM | CR0_TS;
        s->cr0 = (s->cr0 & ~msw) | (v & msw) | (s->cr0 & CR0_PE);
        return FAULT_NONE;
    }
    default: return emu_ud();
    }
}

/* Store a 16-bit selector-like value: a register gets it zero-extended to its operand size
 * (SDM Vol. 2B SLDT/STR: "high-order 16 bits cleared" for a 32-bit register), memory gets
 * 16 bits whatever the operand size. */
static struct guest_fault store_word(struct emu_call *c, uint32_t v32, uint16_t v16)
{
    const ZydisDecodedOperand *op = &c->in->ops[0];
    if (op->type == ZYDIS_OPERAND_TYPE_REGISTER) {
        emu_reg_write(c->s, op->reg.value, v32);
        return FAULT_NONE;
    }
    return emu_mem_write(c->ctx, emu_operand_segment(op), emu_effective_offset(c->s, c->in, op),
                         &v16, 2);
}

struct guest_fault emu_do_desc_store(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    const ZydisDecodedOperand *op = &c->in->ops[0];
    switch (c->in->zi.mnemonic) {
    case ZYDIS_MNEMONIC_SGDT:
    case ZYDIS_MNEMONIC_SIDT: {
        /* SDM Vol. 2B SGDT/SIDT: limit in bytes 0-1, the full 32-bit base in bytes 2-5, for
         * 16- and 32-bit operand sizes alike; any CPL (the virtual CPU has no UMIP). */
        const struct dtable_reg *d =
            c->in->zi.mnemonic == ZYDIS_MNEMONIC_SGDT ? &s->gdtr : &s->idtr;
        uint8_t b[6] = {(uint8_t)d->limit,        (uint8_t)(d->limit >> 8),
                        (uint8_t)d->base,         (uint8_t)(d->base >> 8),
                        (uint8_t)(d->base >> 16), (uint8_t)(d->base >> 24)};
        return emu_mem_write(c->ctx, emu_operand_segment(op), emu_effective_offset(s, c->in, op), b,
                             6);
    }
    case ZYDIS_MNEMONIC_SLDT:
    case ZYDIS_MNEMONIC_STR: {
        /* SDM Vol. 2B SLDT/STR: #UD in real-address and virtual-8086 mode. */
        if (!emu_protected(s))
            return emu_ud();
        uint16_t sel = c->in->zi.mnemonic == ZYDIS_MNEMONIC_SLDT ? s->ldtr.sel : s->tr.sel;
        return store_word(c, sel, sel);
    }
    case ZYDIS_MNEMONIC_SMSW:
        /* SDM Vol. 2B SMSW: a 32-bit register receives CR0 (its high half is "undefined" and
         * is CR0[31:16] on P6 and later), a 16-bit register or memory CR0[15:0]. */
        return store_word(c, s->cr0, (uint16_t)s->cr0);
    default: return emu_ud();
    }
}
