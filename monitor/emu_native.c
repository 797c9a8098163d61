/* emu_native.c — one instruction with its memory operand emulated and the rest run on
 * the host CPU (see emu_native.h). */
#include "monitor/emu_native.h"
#include "monitor/emu_operand.h"
#include "monitor/world.h"

#include <string.h>
#include <sys/mman.h>

struct native_regs {
    uint32_t gpr[8];
    uint32_t eflags;
    uint32_t pad;
    uint64_t r8;
};
_Static_assert(sizeof(struct native_regs) == 48, "layout used by emu_native_exec.S");

void emu_native_exec(struct native_regs *r, const void *code);

#define STATUS_FLAGS 0x8D5u /* CF PF AF ZF SF OF */

void *emu_native_page(void)
{
    void *p =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Instructions whose meaning is the same with the memory operand in a register and
 * that touch no memory but that operand (DIV/IDIV are left out: a #DE must not happen
 * in the monitor). */
static bool runnable(const struct insn *in)
{
    switch (in->zi.meta.category) {
    case ZYDIS_CATEGORY_SETCC:
    case ZYDIS_CATEGORY_CMOV: return true;
    default: break;
    }
    switch (in->zi.mnemonic) {
    case ZYDIS_MNEMONIC_MOV:
    case ZYDIS_MNEMONIC_MOVZX:
    case ZYDIS_MNEMONIC_MOVSX:
    case ZYDIS_MNEMONIC_ADD:
    case ZYDIS_MNEMONIC_ADC:
    case ZYDIS_MNEMONIC_SUB:
    case ZYDIS_MNEMONIC_SBB:
    case ZYDIS_MNEMONIC_AND:
    case ZYDIS_MNEMONIC_OR:
    case ZYDIS_MNEMONIC_XOR:
    case ZYDIS_MNEMONIC_CMP:
    case ZYDIS_MNEMONIC_TEST:
    case ZYDIS_MNEMONIC_INC:
    case ZYDIS_MNEMONIC_DEC:
    case ZYDIS_MNEMONIC_NEG:
    case ZYDIS_MNEMONIC_NOT:
    case ZYDIS_MNEMONIC_XCHG:
    case ZYDIS_MNEMONIC_XADD:
    case ZYDIS_MNEMONIC_CMPXCHG:
    case ZYDIS_MNEMONIC_BT:
    case ZYDIS_MNEMONIC_BTS:
    case ZYDIS_MNEMONIC_BTR:
    case ZYDIS_MNEMONIC_BTC:
    case ZYDIS_MNEMONIC_SHL:
    case ZYDIS_MNEMONIC_SHR:
    case ZYDIS_MNEMONIC_SAR:
    case ZYDIS_MNEMONIC_ROL:
    case ZYDIS_MNEMONIC_ROR:
    case ZYDIS_MNEMONIC_RCL:
    case ZYDIS_MNEMONIC_RCR:
    case ZYDIS_MNEMONIC_SHLD:
    case ZYDIS_MNEMONIC_SHRD:
    case ZYDIS_MNEMONIC_IMUL:
    case ZYDIS_MNEMONIC_MUL: return true;
    default: return false;
    }
}

/* The one explicit memory operand, or -1. */
static int mem_operand(const struct insn *in)
{
    int found = -1;
    for (unsigned i = 0; i < in->zi.operand_count; i++) {
        const ZydisDecodedOperand *op = &in->ops[i];
        if (op->type != ZYDIS_OPERAND_TYPE_MEMORY)
            continue;
        if (op->visibility != ZYDIS_OPERAND_VISIBILITY_EXPLICIT ||
            op->mem.type != ZYDIS_MEMOP_TYPE_MEM || found >= 0)
            return -1;
        found = (int)i;
    }
    return found;
}

bool emu_native_linear(const struct emu_ctx *ctx, const struct insn *in, uint32_t *lin,
                       unsigned *size)
{
    int m = mem_operand(in);
    if (m < 0)
        return false;
    const ZydisDecodedOperand *op = &in->ops[m];
    const struct vcpu_state *s = ctx->s;
    *size = op->size / 8;
    *lin = s->seg[emu_operand_segment(op)].base + emu_effective_offset(s, in, op);
    return true;
}

/* uses_high_byte_register: AH, CH, DH or BH, which a REX prefix would turn into SPL..DIL. */
static bool uses_high_byte_register(const struct insn *in)
{
    for (unsigned i = 0; i < in->zi.operand_count; i++) {
        ZydisRegister r = in->ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER ? in->ops[i].reg.value
                                                                         : ZYDIS_REGISTER_NONE;
        if (r == ZYDIS_REGISTER_AH || r == ZYDIS_REGISTER_CH || r == ZYDIS_REGISTER_DH ||
            r == ZYDIS_REGISTER_BH || r == ZYDIS_REGISTER_ESP || r == ZYDIS_REGISTER_SP)
            return true;
    }
    return false;
}

/* build: the register-only twin of the instruction, operand -> R8; its length or 0. */
static unsigned build(const struct insn *in, const uint8_t *b, uint8_t *out)
{
    const ZydisDecodedInstructionRaw *raw = &in->zi.raw;
    unsigned n = 0, op_start = raw->prefix_count;
    for (unsigned i = 0; i < raw->prefix_count; i++) {
        uint8_t p = b[i];
        /* Segment overrides, address size and LOCK mean nothing for a register operand. */
        if (p == 0x26 || p == 0x2E || p == 0x36 || p == 0x3E || p == 0x64 || p == 0x65 ||
            p == 0x67 || p == 0xF0)
            continue;
        out[n++] = p;
    }
    out[n++] = 0x41; /* REX.B: ModRM.rm 0 names R8 */
    uint8_t op = b[op_start];
    if (op >= 0xA0 && op <= 0xA3 && !(in->zi.attributes & ZYDIS_ATTRIB_HAS_MODRM)) {
        /* MOV AL/EAX <-> moffs has no ModRM: use 8A/8B/88/89 with reg = AL/EAX. */
        static const uint8_t twin[4] = {0x8A, 0x8B, 0x88, 0x89};
        out[n++] = twin[op - 0xA0];
        out[n++] = 0xC0;
        return n;
    }
    if (!(in->zi.attributes & ZYDIS_ATTRIB_HAS_MODRM))
        return 0;
    unsigned modrm = raw->modrm.offset;
    memcpy(out + n, b + op_start, modrm - op_start);
    n += modrm - op_start;
    out[n++] = (uint8_t)(0xC0 | (raw->modrm.reg << 3));
    for (unsigned k = 0; k < 2; k++) {
        if (!raw->imm[k].size)
            continue;
        unsigned sz = raw->imm[k].size / 8;
        memcpy(out + n, b + raw->imm[k].offset, sz);
        n += sz;
    }
    return n;
}

struct native_result emu_native_mem(struct emu_ctx *ctx, void *page, const struct insn *in,
                                    const uint8_t *bytes, uint32_t eip)
{
    struct native_result res = {.status = NATIVE_UNSUPPORTED};
    struct vcpu_state *s = ctx->s;
    int m = mem_operand(in);
    if (m < 0 || !runnable(in) || uses_high_byte_register(in) || !page)
        return res;
    const ZydisDecodedOperand *op = &in->ops[m];
    unsigned size = op->size / 8;
    if (size != 1 && size != 2 && size != 4)
        return res;
    uint8_t code[32];
    unsigned len = build(in, bytes, code);
    if (!len)
        return res;
    code[len++] = 0xC3; /* ret */

    enum seg_reg seg = emu_operand_segment(op);
    uint32_t off = emu_effective_offset(s, in, op);
    bool reads = (op->actions & ZYDIS_OPERAND_ACTION_MASK_READ) != 0;
    bool writes = (op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) != 0;
    struct native_regs r = {.eflags = s->eflags};
    memcpy(r.gpr, s->gpr, sizeof(r.gpr));
    struct guest_fault f = FAULT_NONE;
    /* All checks first: a write is probed before anything is read or run. */
    if (writes)
        f = emu_mem_probe_write(ctx, seg, off, size);
    if (!f.raised && reads) {
        uint32_t v = 0;
        f = emu_mem_read(ctx, seg, off, &v, size);
        r.r8 = v;
    }
    if (f.raised) {
        res.status = NATIVE_FAULT;
        res.fault = f;
        return res;
    }
    memcpy(page, code, len);
    emu_native_exec(&r, page);
    if (writes) {
        uint32_t v = (uint32_t)r.r8;
        f = emu_mem_write(ctx, seg, off, &v, size);
        if (f.raised) {
            res.status = NATIVE_FAULT;
            res.fault = f;
            return res;
        }
    }
    for (unsigned i = 0; i < 8; i++)
        if (i != GPR_ESP)
            s->gpr[i] = r.gpr[i];
    s->eflags = (s->eflags & ~STATUS_FLAGS) | (r.eflags & STATUS_FLAGS);
    s->eip = eip + in->len;
    res.status = NATIVE_DONE;
    return res;
}
