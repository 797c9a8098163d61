/* emit.c — the block translator: IDENT copies, exits, guest-visible CALL pushes, sites. */
#include "translator/emit.h"
#include "monitor/world.h"
#include "translator/classify.h"

#include <string.h>

/* A block's code never exceeds this: 32 instructions of at most 15 bytes or two sites,
 * then every site's pointer and 64-bit stub. */
#define BLOCK_BYTES_MAX                                                                            \
    (EMIT_MAX_INSNS * 2 * (SITE_CALL_BYTES + 2 + WORLD_SITE_TAIL_BYTES) + WORLD_SITE_IBL_BYTES + 64)

struct out {
    uint8_t *p;     /* writable alias cursor */
    uint32_t low;   /* executable address of the cursor */
    uint32_t start; /* executable address of the block */
    struct tc_site sites[EMIT_MAX_INSNS * 2];
    unsigned nsites;
    struct pc_entry pcs[EMIT_MAX_INSNS + 1];
    unsigned npcs;
    uint32_t mode;
};

static void put8(struct out *o, uint8_t v)
{
    *o->p++ = v;
    o->low++;
}

static void put32(struct out *o, uint32_t v)
{
    memcpy(o->p, &v, 4);
    o->p += 4;
    o->low += 4;
}

/* A far jump into the monitor, registered as a site of the given kind; its pointer and
 * stub are written after the block's code (emit_site_tails). */
static void emit_site(const struct emit_env *env, struct out *o, uint8_t kind, uint32_t guest_eip,
                      uint32_t target)
{
    (void)env;
    uint32_t at = o->low;
    o->p += SITE_CALL_BYTES;
    o->low += SITE_CALL_BYTES;
    o->sites[o->nsites++] = (struct tc_site){
        .resume = o->low, .guest_eip = guest_eip, .target = target, .patch_at = at, .kind = kind};
}

/* The out-of-line part of every site: pointer + 64-bit stub, then the far jumps. */
static void emit_site_tails(const struct emit_env *env, struct out *o)
{
    for (unsigned i = 0; i < o->nsites; i++) {
        while (o->low & 7)
            put8(o, 0xCC);
        uint32_t ptr = o->low;
        uint8_t *tail = o->p;
        unsigned n = world_site_tail(tail, ptr, env->blocks->nsites + i);
        /* A RET inline-cache miss in plain kernel code first tries the table lookup of
         * world_ret_ibl, without the monitor's C code. */
        if (o->sites[i].ret_ic && o->mode == 0 && env->ret_ibl)
            n += world_site_ibl_tail(tail, ptr, o->sites[i].ret_pop);
        o->p += n;
        o->low += n;
        world_site_jmp(tc_rw(env->tc, o->sites[i].patch_at), ptr);
        o->sites[i].ptr = ptr;
    }
}

static void note_pc(struct out *o, uint32_t guest_off)
{
    o->pcs[o->npcs++] = (struct pc_entry){.tc_off = (uint16_t)(o->low - o->start),
                                          .guest_off = (uint16_t)guest_off};
}

/* ES..GS in the hardware order of Zydis' segment registers. */
static unsigned seg_index(ZydisRegister r)
{
    return (unsigned)(r - ZYDIS_REGISTER_ES);
}

/* The ModRM number of a 32- or 16-bit general register, or -1. */
static int gpr_index(ZydisRegister r)
{
    if (r >= ZYDIS_REGISTER_EAX && r <= ZYDIS_REGISTER_EDI)
        return (int)(r - ZYDIS_REGISTER_EAX);
    if (r >= ZYDIS_REGISTER_AX && r <= ZYDIS_REGISTER_DI)
        return (int)(r - ZYDIS_REGISTER_AX);
    return -1;
}

/* RET through a one-entry inline cache, touching no flags and no register the guest
 * sees: ECX is swapped with the return address on the stack, compared with the
 * predicted target by LEA and JECXZ, and put back. A hit restores ECX and the stack
 * slot, pops, and leaves through an exit site (chained to the target's block); a miss
 * runs RET in the monitor, which predicts the new target next time. */
static void emit_ret_ic(const struct emit_env *env, struct out *o, const struct insn *in,
                        uint32_t pc)
{
    uint32_t imm = in->zi.operand_count && in->ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE
                       ? (uint32_t)in->ops[0].imm.value.u
                       : 0;
    uint32_t seq = o->low;
    static const uint8_t head[] = {
        0x87, 0x0C, 0x24,          /* xchg %ecx, (%esp) */
        0x8D, 0x89, 0,    0, 0, 0, /* lea -PRED(%ecx), %ecx */
        0xE3, 16,                  /* jecxz hit */
        0x8D, 0x89, 0,    0, 0, 0, /* lea +PRED(%ecx), %ecx */
        0x87, 0x0C, 0x24,          /* xchg %ecx, (%esp) */
    };
    memcpy(o->p, head, sizeof(head));
    o->p += sizeof(head);
    o->low += sizeof(head);
    emit_site(env, o, SITE_EMULATE, pc, 0);
    unsigned miss = o->nsites - 1;
    /* hit: */
    static const uint8_t hit[] = {
        0x8B, 0x0C, 0x24,             /* mov (%esp), %ecx */
        0xC7, 0x04, 0x24, 0, 0, 0, 0, /* movl $PRED, (%esp) */
        0x8D, 0xA4, 0x24,             /* lea disp32(%esp), %esp */
    };
    memcpy(o->p, hit, sizeof(hit));
    o->p += sizeof(hit);
    o->low += sizeof(hit);
    put32(o, 4 + imm);
    emit_site(env, o, SITE_EXIT, pc, 0);
    o->sites[o->nsites - 1].ret_hit = true;
    o->sites[miss].ret_ic = seq;
    o->sites[miss].ret_pop = (uint16_t)(4 + imm);
    o->sites[miss].ret_exit = env->blocks->nsites + o->nsites - 1;
}

/* Branch target of a relative control transfer (operand 0 is the immediate). */
static uint32_t rel_target(const struct insn *in, uint32_t eip)
{
    uint32_t next = eip + in->len;
    uint32_t t = next + (uint32_t)in->ops[0].imm.value.s;
    return in->zi.operand_width == 16 ? (t & 0xFFFF) : t;
}

/* Jcc/LOOP/JECXZ: the original condition jumps over a two-byte JMP to the taken exit;
 * the JMP skips to the fall-through exit. */
static void emit_jcc(const struct emit_env *env, struct out *o, const uint8_t *bytes,
                     const struct insn *in, uint32_t eip)
{
    unsigned imm_size = in->zi.raw.imm[0].size / 8;
    memcpy(o->p, bytes, in->len - imm_size);
    o->p += in->len - imm_size;
    o->low += in->len - imm_size;
    if (imm_size == 1)
        put8(o, 2);
    else if (imm_size == 2) {
        put8(o, 2), put8(o, 0);
    } else
        put32(o, 2);
    put8(o, 0xEB); /* jmp +SITE_CALL_BYTES */
    put8(o, SITE_CALL_BYTES);
    emit_site(env, o, SITE_EXIT, eip, rel_target(in, eip));
    emit_site(env, o, SITE_EXIT, eip, eip + in->len);
}

bool insn_uses_fpu(const struct insn *in)
{
    switch (in->zi.meta.isa_ext) {
    case ZYDIS_ISA_EXT_X87:
    case ZYDIS_ISA_EXT_MMX:
    case ZYDIS_ISA_EXT_SSE:
    case ZYDIS_ISA_EXT_SSE2:
    case ZYDIS_ISA_EXT_SSE3:
    case ZYDIS_ISA_EXT_SSSE3:
    case ZYDIS_ISA_EXT_SSE4:
    case ZYDIS_ISA_EXT_SSE4A:
    case ZYDIS_ISA_EXT_AMD3DNOW: return true;
    default: return in->zi.meta.isa_set == ZYDIS_ISA_SET_FXSAVE;
    }
}

enum emit_status emit_block(const struct emit_env *env, uint32_t eip, enum code_size size,
                            uint32_t mode, uint32_t *index)
{
    if (blocks_full(env->blocks) || tc_free_bytes(env->tc) < BLOCK_BYTES_MAX + 16)
        return EMIT_FULL;
    struct decoder dec;
    decoder_init(&dec, size);
    uint32_t start = tc_alloc(env->tc, BLOCK_BYTES_MAX);
    struct out o = {.p = tc_rw(env->tc, start), .low = start, .start = start, .mode = mode};

    /* The interrupt gate: BOUND EAX against the monitor's pair. */
    put8(&o, 0x2E);
    put8(&o, 0x62);
    put8(&o, 0x05);
    put32(&o, env->irq_bounds);

    uint32_t pc = eip;
    unsigned n = 0;
    bool ended = false;
    unsigned max = (mode & EMIT_MODE_SINGLE) ? 1 : EMIT_MAX_INSNS;
    while (!ended && n < max) {
        uint8_t bytes[INSN_MAX_LEN];
        size_t got = env->fetch(env->ctx, pc, bytes, sizeof(bytes));
        struct insn in;
        enum decode_status st = got ? decode_insn(&dec, bytes, got, &in) : DECODE_NEED_MORE;
        if (st == DECODE_NEED_MORE && n > 0)
            break; /* the next instruction crosses into an unfetchable page: let it fault later */
        note_pc(&o, pc - eip);
        n++;
        if (st != DECODE_OK) {
            /* Undecodable, too long or unfetchable: the emulator raises the exact fault. */
            emit_site(env, &o, SITE_EMULATE, pc, 0);
            ended = true;
            break;
        }
        enum insn_class cls = in.cls;
        if (cls == IC_IDENT && (mode & EMIT_MODE_FPU_TRAP) && insn_uses_fpu(&in))
            cls = IC_COUNT; /* an emulate site: the monitor raises #NM */
        switch (cls) {
        case IC_IDENT:
            memcpy(o.p, bytes, in.len);
            o.p += in.len;
            o.low += in.len;
            break;
        case IC_JMP_REL:
            emit_site(env, &o, SITE_EXIT, pc, rel_target(&in, pc));
            ended = true;
            break;
        case IC_JCC_REL:
            emit_jcc(env, &o, bytes, &in, pc);
            ended = true;
            break;
        case IC_RET:
            if (in.zi.operand_width == 32 && in.zi.address_width == 32 &&
                !(mode & EMIT_MODE_SS16)) {
                emit_ret_ic(env, &o, &in, pc);
                ended = true;
                break;
            }
            emit_site(env, &o, SITE_EMULATE, pc, 0);
            ended = true;
            break;
        case IC_PUSH_SEG:
            /* PUSH Sreg reveals the guest's selector: push it from the monitor's copy
             * (pushl %cs:slot, zero-extended like the emulator). */
            if (in.zi.operand_width == 32 && env->guest_sels) {
                put8(&o, 0x2E);
                put8(&o, 0xFF);
                put8(&o, 0x35);
                put32(&o, env->guest_sels + 4 * seg_index(in.ops[0].reg.value));
                break;
            }
            emit_site(env, &o, SITE_EMULATE, pc, 0);
            break;
        case IC_MOV_FROM_SEG:
            /* MOV r32/r16, Sreg: load the guest's selector from the monitor's copy. */
            if (in.ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER && env->guest_sels &&
                gpr_index(in.ops[0].reg.value) >= 0) {
                if (in.ops[0].size == 16)
                    put8(&o, 0x66);
                put8(&o, 0x2E);
                put8(&o, 0x8B);
                put8(&o, (uint8_t)(0x05 | (gpr_index(in.ops[0].reg.value) << 3)));
                put32(&o, env->guest_sels + 4 * seg_index(in.ops[1].reg.value));
                break;
            }
            emit_site(env, &o, SITE_EMULATE, pc, 0);
            break;
        case IC_CALL_REL:
            if (in.zi.operand_width == 32) {
                put8(&o, 0x68); /* push $return: the guest sees its own return address */
                put32(&o, pc + in.len);
                emit_site(env, &o, SITE_EXIT, pc, rel_target(&in, pc));
                ended = true;
                break;
            }
            /* 16-bit calls are emulated */
            /* fall through */
        default:
            emit_site(env, &o, SITE_EMULATE, pc, 0);
            /* If the monitor resumes after it, the block goes on at the next instruction. */
            if ((ended = insn_ends_block(&in)))
                emit_site(env, &o, SITE_EXIT, pc, pc + in.len);
            break;
        }
        pc += in.len;
    }
    if (n == 0) {
        tc_trim(env->tc, start, 0);
        return EMIT_NO_CODE;
    }
    if (!ended) /* block limit or page end: continue in the next block */
        emit_site(env, &o, SITE_EXIT, pc, pc);
    uint32_t code_len = o.low - start;
    emit_site_tails(env, &o);

    struct tc_block blk = {.guest_eip = eip,
                           .mode = mode,
                           .guest_len = pc - eip,
                           .tc_start = start,
                           .tc_len = code_len,
                           .n_insns = n};
    uint32_t idx = block_add(env->blocks, &blk, o.pcs, o.npcs);
    if (idx == BLOCK_NONE) {
        tc_trim(env->tc, start, 0);
        return EMIT_FULL;
    }
    for (unsigned i = 0; i < o.nsites; i++) {
        o.sites[i].block = idx;
        site_add(env->blocks, &o.sites[i]);
    }
    tc_trim(env->tc, start, o.low - start);
    *index = idx;
    return EMIT_OK;
}

void emit_chain(const struct emit_env *env, struct tc_site *s, uint32_t block)
{
    uint32_t target = env->blocks->v[block].tc_start;
    uint8_t *p = tc_rw(env->tc, s->patch_at);
    int32_t rel = (int32_t)(target - (s->patch_at + 5));
    /* Only the monitor writes here, never while translated code runs (one vCPU). */
    memcpy(p + 1, &rel, 4);
    p[5] = 0x90;
    p[6] = 0x90;
    p[0] = 0xE9;
    s->chained = true;
    block_note_chain(env->blocks, (uint32_t)(s - env->blocks->sites), block);
    env->blocks->stats.chained++;
}

void emit_unchain(const struct emit_env *env, struct tc_site *s)
{
    if (!s->chained)
        return;
    world_site_jmp(tc_rw(env->tc, s->patch_at), s->ptr);
    s->chained = false;
    block_forget_chain(env->blocks, (uint32_t)(s - env->blocks->sites));
}

void emit_ret_patch(const struct emit_env *env, struct tc_site *s, uint32_t target)
{
    struct tc_site *exit = site_find(env->blocks, s->ret_exit);
    if (!s->ret_ic || !exit || exit->target == target)
        return;
    uint8_t *p = tc_rw(env->tc, s->ret_ic);
    uint32_t neg = (uint32_t)-target;
    memcpy(p + RET_IC_LEA1, &neg, 4);
    memcpy(p + RET_IC_LEA2, &target, 4);
    /* movl $PRED, (%esp) sits after the miss site: 3 bytes into the hit path. */
    memcpy(p + RET_IC_MOVL, &target, 4);
    emit_unchain(env, exit);
    exit->target = target;
}
