/* emu_operand.c — registers, effective addresses, segmentation checks, guest memory. */
#include "monitor/emu_operand.h"

#include <string.h>

#include "monitor/emu_internal.h"
#include "monitor/world.h"
#include "shadow_mmu/walk.h"

/* Descriptor type bits in seg_cache.attr[3:0] (SDM Vol. 3A §3.4.5.1, Table 3-1). */
#define TYPE_CODE       0x8u /* 1: code segment */
#define TYPE_DATA_EDOWN 0x4u /* data: expand-down (code: conforming) */
#define TYPE_DATA_W     0x2u /* data: writable (code: readable) */
#define TYPE_CODE_R     0x2u

bool emu_gpr_decode(ZydisRegister reg, struct emu_gpr *out)
{
    if (reg >= ZYDIS_REGISTER_AL && reg <= ZYDIS_REGISTER_BL) {
        *out = (struct emu_gpr){.index = (unsigned)(reg - ZYDIS_REGISTER_AL), .bits = 8};
        return true;
    }
    if (reg >= ZYDIS_REGISTER_AH && reg <= ZYDIS_REGISTER_BH) {
        /* AH..BH are bits 15:8 of EAX..EBX (SDM Vol. 1 §3.4.1, Figure 3-5). */
        *out =
            (struct emu_gpr){.index = (unsigned)(reg - ZYDIS_REGISTER_AH), .shift = 8, .bits = 8};
        return true;
    }
    if (reg >= ZYDIS_REGISTER_AX && reg <= ZYDIS_REGISTER_DI) {
        *out = (struct emu_gpr){.index = (unsigned)(reg - ZYDIS_REGISTER_AX), .bits = 16};
        return true;
    }
    if (reg >= ZYDIS_REGISTER_EAX && reg <= ZYDIS_REGISTER_EDI) {
        *out = (struct emu_gpr){.index = (unsigned)(reg - ZYDIS_REGISTER_EAX), .bits = 32};
        return true;
    }
    return false;
}

static uint32_t width_mask(unsigned bits)
{
    return bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1;
}

uint32_t emu_reg_read(const struct vcpu_state *s, ZydisRegister reg)
{
    struct emu_gpr g;
    if (!emu_gpr_decode(reg, &g))
        return 0;
    return (s->gpr[g.index] >> g.shift) & width_mask(g.bits);
}

void emu_reg_write(struct vcpu_state *s, ZydisRegister reg, uint32_t v)
{
    struct emu_gpr g;
    if (!emu_gpr_decode(reg, &g))
        return;
    uint32_t mask = width_mask(g.bits) << g.shift;
    s->gpr[g.index] = (s->gpr[g.index] & ~mask) | ((v << g.shift) & mask);
}

int emu_sreg_decode(ZydisRegister reg)
{
    switch (reg) {
    case ZYDIS_REGISTER_ES: return SEG_ES;
    case ZYDIS_REGISTER_CS: return SEG_CS;
    case ZYDIS_REGISTER_SS: return SEG_SS;
    case ZYDIS_REGISTER_DS: return SEG_DS;
    case ZYDIS_REGISTER_FS: return SEG_FS;
    case ZYDIS_REGISTER_GS: return SEG_GS;
    default: return -1;
    }
}

/* SDM Vol. 2A §2.1.5 (Tables 2-1, 2-2): base + index * scale + displacement, truncated to
 * the address size (16-bit forms wrap at 64 KiB). */
uint32_t emu_effective_offset(const struct vcpu_state *s, const struct insn *in,
                              const ZydisDecodedOperand *op)
{
    uint32_t ea = 0;
    if (op->mem.disp.has_displacement)
        ea = (uint32_t)op->mem.disp.value;
    if (op->mem.base != ZYDIS_REGISTER_NONE)
        ea += emu_reg_read(s, op->mem.base);
    if (op->mem.index != ZYDIS_REGISTER_NONE)
        ea += emu_reg_read(s, op->mem.index) * (op->mem.scale ? op->mem.scale : 1);
    if (in->zi.address_width == 16)
        ea &= 0xFFFF;
    return ea;
}

enum seg_reg emu_operand_segment(const ZydisDecodedOperand *op)
{
    int seg = emu_sreg_decode(op->mem.segment);
    return seg < 0 ? SEG_DS : (enum seg_reg)seg;
}

struct guest_fault emu_seg_linear(const struct vcpu_state *s, enum seg_reg seg, uint32_t off,
                                  unsigned size, enum emu_access acc, uint32_t *lin)
{
    const struct seg_cache *c = &s->seg[seg];
    /* SDM Vol. 3A §6.15: limit faults through SS are #SS(0), all others #GP(0). */
    struct guest_fault limit_fault = guest_fault_make(seg == SEG_SS ? VEC_SS : VEC_GP, true, 0);
    bool protected_mode = (s->cr0 & CR0_PE) && !(s->eflags & EFLAGS_VM);
    unsigned type = SEG_ATTR_TYPE(c->attr);

    if (protected_mode) {
        /* SDM Vol. 3A §5.4.1: a null selector can be loaded but not used. */
        if (!c->valid)
            return guest_fault_make(VEC_GP, true, 0);
        /* SDM Vol. 3A §5.4.1: no writes into code segments, no reads of execute-only code,
         * no writes into read-only data segments. */
        if (type & TYPE_CODE) {
            if (acc == EMU_WRITE || !(type & TYPE_CODE_R))
                return guest_fault_make(seg == SEG_SS ? VEC_SS : VEC_GP, true, 0);
        } else if (acc == EMU_WRITE && !(type & TYPE_DATA_W)) {
            return guest_fault_make(seg == SEG_SS ? VEC_SS : VEC_GP, true, 0);
        }
    }
    uint64_t first = off, last = (uint64_t)off + size - 1;
    if (!(type & TYPE_CODE) && (type & TYPE_DATA_EDOWN)) {
        /* SDM Vol. 3A §5.3: expand-down: valid offsets are limit+1 .. 0xFFFF or 0xFFFFFFFF
         * (by the B flag). */
        uint64_t upper = (c->attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
        if (first <= c->limit || last > upper)
            return limit_fault;
    } else if (last > c->limit) {
        /* SDM Vol. 3A §5.3: every byte of the access must lie at or below the limit. */
        return limit_fault;
    }
    *lin = c->base + off;
    return FAULT_NONE;
}

static bool user_access(const struct vcpu_state *s)
{
    /* SDM Vol. 3A §4.6: accesses at CPL 3 (virtual-8086 mode included) are user-mode. */
    return emu_cpl(s) == 3;
}

struct guest_fault emu_mem_read(const struct emu_ctx *ctx, enum seg_reg seg, uint32_t off,
                                void *buf, unsigned size)
{
    uint32_t lin;
    struct guest_fault f = emu_seg_linear(ctx->s, seg, off, size, EMU_READ, &lin);
    if (f.raised)
        return f;
    return guest_linear_read(ctx->mem, ctx->s, lin, buf, size, user_access(ctx->s));
}

struct guest_fault emu_mem_write(const struct emu_ctx *ctx, enum seg_reg seg, uint32_t off,
                                 const void *buf, unsigned size)
{
    uint32_t lin;
    struct guest_fault f = emu_seg_linear(ctx->s, seg, off, size, EMU_WRITE, &lin);
    if (f.raised)
        return f;
    return guest_linear_write(ctx->mem, ctx->s, lin, buf, size, user_access(ctx->s));
}

struct guest_fault emu_mem_probe_write(const struct emu_ctx *ctx, enum seg_reg seg, uint32_t off,
                                       unsigned size)
{
    uint32_t lin;
    struct guest_fault f = emu_seg_linear(ctx->s, seg, off, size, EMU_WRITE, &lin);
    if (f.raised)
        return f;
    const struct vcpu_state *s = ctx->s;
    struct mmu_regs regs = {.cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4};
    /* Walk the first and the last byte's page: an access is at most a page long. */
    uint32_t pages[2] = {lin, lin + size - 1};
    unsigned n = ((pages[0] ^ pages[1]) & ~0xFFFu) ? 2 : 1;
    for (unsigned i = 0; i < n; i++) {
        struct walk_result r;
        do
            r = walk_translate(&ctx->mem->ram, &regs, pages[i] & (i ? ~0xFFFu : ~0u), WALK_WRITE,
                               user_access(s) ? WALK_USER : WALK_SUPERVISOR);
        while (r.status == WALK_CONTENDED);
        if (r.status == WALK_FAULT) {
            f = guest_fault_make(VEC_PF, true, r.error_code);
            f.cr2 = r.cr2;
            return f;
        }
        if (r.status != WALK_OK)
            return guest_fault_make(VEC_GP, true, 0);
    }
    return FAULT_NONE;
}

struct guest_fault emu_operand_read(const struct emu_ctx *ctx, const struct insn *in, unsigned i,
                                    uint32_t *val)
{
    const ZydisDecodedOperand *op = &in->ops[i];
    switch (op->type) {
    case ZYDIS_OPERAND_TYPE_REGISTER: {
        int seg = emu_sreg_decode(op->reg.value);
        *val = seg >= 0 ? ctx->s->seg[seg].sel : emu_reg_read(ctx->s, op->reg.value);
        return FAULT_NONE;
    }
    case ZYDIS_OPERAND_TYPE_MEMORY: {
        uint32_t v = 0;
        unsigned bytes = op->size / 8;
        if (bytes > 4)
            bytes = 4;
        struct guest_fault f = emu_mem_read(ctx, emu_operand_segment(op),
                                            emu_effective_offset(ctx->s, in, op), &v, bytes);
        if (!f.raised)
            *val = v;
        return f;
    }
    case ZYDIS_OPERAND_TYPE_IMMEDIATE: *val = (uint32_t)op->imm.value.u; return FAULT_NONE;
    default: return guest_fault_make(VEC_UD, false, 0);
    }
}

struct guest_fault emu_operand_write(const struct emu_ctx *ctx, const struct insn *in, unsigned i,
                                     uint32_t val)
{
    const ZydisDecodedOperand *op = &in->ops[i];
    switch (op->type) {
    case ZYDIS_OPERAND_TYPE_REGISTER: emu_reg_write(ctx->s, op->reg.value, val); return FAULT_NONE;
    case ZYDIS_OPERAND_TYPE_MEMORY: {
        unsigned bytes = op->size / 8;
        if (bytes > 4)
            bytes = 4;
        return emu_mem_write(ctx, emu_operand_segment(op), emu_effective_offset(ctx->s, in, op),
                             &val, bytes);
    }
    default: return guest_fault_make(VEC_UD, false, 0);
    }
}

bool emu_stack_is32(const struct vcpu_state *s)
{
    return (s->seg[SEG_SS].attr & SEG_ATTR_DB) != 0;
}

uint32_t emu_stack_offset(const struct vcpu_state *s, uint32_t depth)
{
    uint32_t sp = s->gpr[GPR_ESP] + depth;
    return emu_stack_is32(s) ? sp : (sp & 0xFFFF);
}

void emu_stack_adjust(struct vcpu_state *s, int32_t delta)
{
    uint32_t esp = s->gpr[GPR_ESP];
    uint32_t moved = esp + (uint32_t)delta;
    s->gpr[GPR_ESP] = emu_stack_is32(s) ? moved : ((esp & 0xFFFF0000u) | (moved & 0xFFFF));
}

struct guest_fault emu_push(const struct emu_ctx *ctx, const void *data, unsigned len,
                            unsigned slot)
{
    uint32_t top = emu_stack_offset(ctx->s, (uint32_t)-slot);
    uint32_t lin;
    /* SDM Vol. 2B PUSH: the whole slot must fit the stack segment, else #SS(0). */
    struct guest_fault f = emu_seg_linear(ctx->s, SEG_SS, top, slot, EMU_WRITE, &lin);
    if (f.raised)
        return f;
    f = guest_linear_write(ctx->mem, ctx->s, lin, data, len, user_access(ctx->s));
    if (f.raised)
        return f;
    emu_stack_adjust(ctx->s, -(int32_t)slot);
    return FAULT_NONE;
}

struct guest_fault emu_stack_read(const struct emu_ctx *ctx, uint32_t depth, void *buf, unsigned n)
{
    return emu_mem_read(ctx, SEG_SS, emu_stack_offset(ctx->s, depth), buf, n);
}
