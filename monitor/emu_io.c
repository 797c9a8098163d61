/* emu_io.c — IN, OUT, INS, OUTS: permission checks, the REP loop, the port bus. */
#include "monitor/emu_io.h"

#include "monitor/emu_internal.h"
#include "monitor/world.h"

/* Iterations of one REP INS/OUTS call before the instruction is re-executed, so that
 * interrupts get a window (SDM Vol. 2B REP: interruptible between iterations). */
#define EMU_REP_BATCH 4096u

/* TSS descriptor types that carry an I/O map: 32-bit TSS, available or busy
 * (SDM Vol. 3A §7.2.2, Table 3-2). */
#define TSS32_AVAILABLE 0x9u
#define TSS32_BUSY      0xBu

struct guest_fault emu_io_permitted(const struct emu_ctx *ctx, uint16_t port, unsigned size)
{
    const struct vcpu_state *s = ctx->s;
    /* SDM Vol. 1 §19.5.1: real mode has no I/O protection; protected mode allows CPL <= IOPL. */
    if (!(s->cr0 & CR0_PE))
        return FAULT_NONE;
    /* SDM Vol. 3A §20.2.8.1: virtual-8086 mode always consults the bit map, whatever IOPL. */
    if (!(s->eflags & EFLAGS_VM) && s->cpl <= emu_iopl(s))
        return FAULT_NONE;
    /* SDM Vol. 1 §19.5.2: only a 32-bit TSS has an I/O permission bit map. */
    const struct seg_cache *tr = &s->tr;
    unsigned type = SEG_ATTR_TYPE(tr->attr);
    if (!tr->valid || (type != TSS32_AVAILABLE && type != TSS32_BUSY))
        return emu_gp0();
    if (tr->limit < TSS32_IOMAP_BASE + 1)
        return emu_gp0();
    uint16_t map_base = 0;
    /* The TSS reads are implicit supervisor accesses (SDM Vol. 3A §4.6). */
    struct guest_fault f =
        guest_linear_read(ctx->mem, s, tr->base + TSS32_IOMAP_BASE, &map_base, 2, false);
    if (f.raised)
        return f;
    /* SDM Vol. 1 §19.5.2: the CPU reads two bytes of the map for every check; both must lie
     * within the TSS limit, else the access is refused. */
    uint32_t byte = (uint32_t)map_base + (port >> 3);
    if (byte + 1 > tr->limit)
        return emu_gp0();
    uint16_t bits = 0;
    f = guest_linear_read(ctx->mem, s, tr->base + byte, &bits, 2, false);
    if (f.raised)
        return f;
    /* SDM Vol. 1 §19.5.2: every port of a multi-byte access must have its bit clear. */
    uint32_t mask = ((1u << size) - 1) << (port & 7);
    if (bits & mask)
        return emu_gp0();
    return FAULT_NONE;
}

uint32_t emu_port_in(const struct emu_ctx *ctx, uint16_t port, unsigned size)
{
    if (ctx->bus == NULL)
        return io_all_ones(size);
    return io_bus_read(ctx->bus, port, size);
}

void emu_port_out(const struct emu_ctx *ctx, uint16_t port, unsigned size, uint32_t val)
{
    if (ctx->bus != NULL)
        io_bus_write(ctx->bus, port, size, val);
}

/* The port operand: an 8-bit immediate or DX (SDM Vol. 2A IN, Vol. 2B OUT). */
static uint16_t port_operand(const struct vcpu_state *s, const ZydisDecodedOperand *op)
{
    if (op->type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
        return (uint16_t)(op->imm.value.u & 0xFF);
    return (uint16_t)s->gpr[GPR_EDX];
}

struct guest_fault emu_do_io(struct emu_call *c)
{
    const struct insn *in = c->in;
    bool is_in = in->zi.mnemonic == ZYDIS_MNEMONIC_IN;
    /* IN: ops = {AL/AX/EAX, imm8/DX}; OUT: ops = {imm8/DX, AL/AX/EAX}. */
    const ZydisDecodedOperand *data = &in->ops[is_in ? 0 : 1];
    const ZydisDecodedOperand *port_op = &in->ops[is_in ? 1 : 0];
    uint16_t port = port_operand(c->s, port_op);
    unsigned size = data->size / 8;

    struct guest_fault f = emu_io_permitted(c->ctx, port, size);
    if (f.raised)
        return f;
    c->flags |= EMU_F_IO;
    if (is_in)
        emu_reg_write(c->s, data->reg.value, emu_port_in(c->ctx, port, size));
    else
        emu_port_out(c->ctx, port, size, emu_reg_read(c->s, data->reg.value));
    return FAULT_NONE;
}

/* ESI/EDI/ECX or SI/DI/CX by the address size (SDM Vol. 2A INS, Vol. 2B OUTS, REP). */
static uint32_t addr_reg(const struct vcpu_state *s, unsigned gpr, bool a16)
{
    return a16 ? (s->gpr[gpr] & 0xFFFF) : s->gpr[gpr];
}

static void addr_reg_set(struct vcpu_state *s, unsigned gpr, bool a16, uint32_t v)
{
    s->gpr[gpr] = a16 ? ((s->gpr[gpr] & 0xFFFF0000u) | (v & 0xFFFF)) : v;
}

struct guest_fault emu_do_io_string(struct emu_call *c)
{
    const struct insn *in = c->in;
    struct vcpu_state *s = c->s;
    ZydisMnemonic m = in->zi.mnemonic;
    bool is_in = m == ZYDIS_MNEMONIC_INSB || m == ZYDIS_MNEMONIC_INSW || m == ZYDIS_MNEMONIC_INSD;
    unsigned size = in->zi.operand_width / 8;
    bool a16 = in->zi.address_width == 16;
    /* F2 before INS/OUTS repeats like F3 (both are REP for non-comparing strings). */
    bool rep = (in->zi.attributes &
                (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE | ZYDIS_ATTRIB_HAS_REPNE)) != 0;
    /* The memory operand carries the segment: ES for INS (no override, SDM Vol. 2A INS),
     * DS or the override for OUTS. */
    enum seg_reg seg = is_in ? SEG_ES : SEG_DS;
    for (unsigned i = 0; i < in->zi.operand_count; i++)
        if (in->ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY)
            seg = emu_operand_segment(&in->ops[i]);
    unsigned idx = is_in ? GPR_EDI : GPR_ESI;
    uint16_t port = (uint16_t)s->gpr[GPR_EDX];
    int32_t step = (s->eflags & EFLAGS_DF) ? -(int32_t)size : (int32_t)size;

    uint32_t count = rep ? addr_reg(s, GPR_ECX, a16) : 1;
    if (count == 0)
        return FAULT_NONE; /* SDM Vol. 2B REP: a zero count executes no iteration */
    struct guest_fault f = emu_io_permitted(c->ctx, port, size);
    if (f.raised)
        return f;
    c->flags |= EMU_F_IO;

    for (uint32_t done = 0; count != 0 && done < EMU_REP_BATCH; done++) {
        uint32_t off = addr_reg(s, idx, a16);
        uint32_t val = 0;
        if (is_in) {
            /* Check the destination before the port read: a device read has side effects. */
            f = emu_mem_probe_write(c->ctx, seg, off, size);
            if (!f.raised) {
                val = emu_port_in(c->ctx, port, size);
                f = emu_mem_write(c->ctx, seg, off, &val, size);
            }
        } else {
            f = emu_mem_read(c->ctx, seg, off, &val, size);
            if (!f.raised)
                emu_port_out(c->ctx, port, size, val);
        }
        if (f.raised) {
            /* SDM Vol. 2B REP: after a fault, ECX/ESI/EDI reflect the iterations done. */
            c->keep_on_fault = true;
            return f;
        }
        addr_reg_set(s, idx, a16, off + (uint32_t)step);
        if (rep) {
            count--;
            addr_reg_set(s, GPR_ECX, a16, count);
        } else {
            count = 0;
        }
    }
    if (count != 0)
        c->next = c->eip; /* more to do: run the instruction again after an interrupt window */
    return FAULT_NONE;
}
