/* emu_ctrl.c — MOV to/from CRn and DRn, CLTS, INVLPG, INVD/WBINVD, XGETBV/XSETBV and the
 * remaining privileged instructions. */
#include "monitor/emu_ctrl.h"

#include "monitor/emu_internal.h"
#include "monitor/world.h"

/* SDM Vol. 2B MOV (control/debug registers), CLTS, INVLPG, INVD, WBINVD: #GP(0) unless
 * CPL = 0; virtual-8086 mode runs at CPL 3. */
static bool cpl0(const struct vcpu_state *s)
{
    return emu_cpl(s) == 0;
}

static int cr_number(ZydisRegister r)
{
    if (r >= ZYDIS_REGISTER_CR0 && r <= ZYDIS_REGISTER_CR15)
        return (int)(r - ZYDIS_REGISTER_CR0);
    return -1;
}

static int dr_number(ZydisRegister r)
{
    if (r >= ZYDIS_REGISTER_DR0 && r <= ZYDIS_REGISTER_DR15)
        return (int)(r - ZYDIS_REGISTER_DR0);
    return -1;
}

/* The new CR0, or a fault (SDM Vol. 2B MOV CRn, Vol. 3A §2.5). */
static struct guest_fault write_cr0(struct vcpu_state *s, uint32_t v)
{
    /* SDM Vol. 3A §2.5: writes of reserved CR0 bits are ignored; ET is fixed to 1 on P6. */
    v = (v & EMU_CR0_DEFINED) | CR0_ET;
    /* SDM Vol. 2B MOV CRn: PG = 1 with PE = 0, or NW = 1 with CD = 0, is #GP(0). */
    if ((v & CR0_PG) && !(v & CR0_PE))
        return emu_gp0();
    if ((v & CR0_NW) && !(v & CR0_CD))
        return emu_gp0();
    s->cr0 = v;
    return FAULT_NONE;
}

struct guest_fault emu_do_mov_to_cr(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    int cr = cr_number(c->in->ops[0].reg.value);
    /* SDM Vol. 2B MOV CRn: CR1, CR5-CR7 (CR8 is 64-bit only) are #UD. */
    if (cr != 0 && cr != 2 && cr != 3 && cr != 4)
        return emu_ud();
    if (!cpl0(s))
        return emu_gp0();
    /* SDM Vol. 2B MOV CRn: the r/m operand is always a 32-bit register (mod ignored). */
    uint32_t v = emu_reg_read(s, c->in->ops[1].reg.value);
    switch (cr) {
    case 0: return write_cr0(s, v);
    case 2: s->cr2 = v; return FAULT_NONE;
    case 3:
        /* SDM Vol. 3A §4.10.4.1: any write of CR3 flushes the non-global translations. */
        s->cr3 = v;
        c->flags |= EMU_F_CR3;
        return FAULT_NONE;
    default:
        /* SDM Vol. 2B MOV CRn: setting a reserved CR4 bit is #GP(0); bits of features the
         * virtual CPU does not report are reserved (SDM Vol. 3A §2.5). */
        if (v & ~EMU_CR4_SUPPORTED)
            return emu_gp0();
        s->cr4 = v;
        return FAULT_NONE;
    }
}

struct guest_fault emu_do_mov_from_cr(struct emu_call *c)
{
    const struct vcpu_state *s = c->s;
    int cr = cr_number(c->in->ops[1].reg.value);
    if (cr != 0 && cr != 2 && cr != 3 && cr != 4)
        return emu_ud(); /* SDM Vol. 2B MOV CRn: CR1, CR5-CR7 are #UD */
    if (!cpl0(s))
        return emu_gp0();
    uint32_t v = cr == 0 ? s->cr0 : cr == 2 ? s->cr2 : cr == 3 ? s->cr3 : s->cr4;
    emu_reg_write(c->s, c->in->ops[0].reg.value, v);
    return FAULT_NONE;
}

/* Checks shared by both MOV DR directions; *dr becomes the register actually accessed. */
static struct guest_fault dr_access(struct emu_call *c, int *dr)
{
    struct vcpu_state *s = c->s;
    if (*dr < 0 || *dr > 7)
        return emu_ud();
    /* SDM Vol. 2B MOV DRn: #GP(0) at CPL > 0. */
    if (!cpl0(s))
        return emu_gp0();
    /* SDM Vol. 3A §17.2.4: with DR7.GD set, a MOV DR raises #DB before it executes, with
     * DR6.BD set and GD cleared so that the handler can use the debug registers. */
    if (s->dr[7] & EMU_DR7_GD) {
        s->dr[6] |= EMU_DR6_BD;
        s->dr[7] &= ~EMU_DR7_GD;
        c->keep_on_fault = true;
        return guest_fault_make(VEC_DB, false, 0);
    }
    /* SDM Vol. 3A §17.2.2: DR4/DR5 alias DR6/DR7 when CR4.DE = 0, and are #UD when set. */
    if (*dr == 4 || *dr == 5) {
        if (s->cr4 & CR4_DE)
            return emu_ud();
        *dr += 2;
    }
    return FAULT_NONE;
}

struct guest_fault emu_do_mov_to_dr(struct emu_call *c)
{
    int dr = dr_number(c->in->ops[0].reg.value);
    struct guest_fault f = dr_access(c, &dr);
    if (f.raised)
        return f;
    uint32_t v = emu_reg_read(c->s, c->in->ops[1].reg.value);
    if (dr == 6)
        v = (v & EMU_DR6_WRITABLE) | EMU_DR6_FIXED1; /* SDM Vol. 3A §17.2.3 */
    else if (dr == 7)
        v = (v & EMU_DR7_WRITABLE) | EMU_DR7_FIXED1; /* SDM Vol. 3A §17.2.4 */
    c->s->dr[dr] = v;
    c->flags |= EMU_F_DR;
    return FAULT_NONE;
}

struct guest_fault emu_do_mov_from_dr(struct emu_call *c)
{
    int dr = dr_number(c->in->ops[1].reg.value);
    struct guest_fault f = dr_access(c, &dr);
    if (f.raised)
        return f;
    emu_reg_write(c->s, c->in->ops[0].reg.value, c->s->dr[dr]);
    return FAULT_NONE;
}

struct guest_fault emu_do_clts(struct emu_call *c)
{
    if (!cpl0(c->s))
        return emu_gp0(); /* SDM Vol. 2A CLTS */
    c->s->cr0 &= ~CR0_TS;
    return FAULT_NONE;
}

struct guest_fault emu_do_tlb(struct emu_call *c)
{
    const struct insn *in = c->in;
    /* INVPCID needs CPUID.(EAX=07H):EBX.INVPCID, which is not reported: #UD. */
    if (in->zi.mnemonic != ZYDIS_MNEMONIC_INVLPG || in->ops[0].type != ZYDIS_OPERAND_TYPE_MEMORY)
        return emu_ud();
    if (!cpl0(c->s))
        return emu_gp0(); /* SDM Vol. 2A INVLPG */
    /* SDM Vol. 2A INVLPG: the operand is a linear address (segment base + offset); no
     * segment limit or type check and no page walk. */
    const ZydisDecodedOperand *op = &in->ops[0];
    c->invlpg_addr = c->s->seg[emu_operand_segment(op)].base + emu_effective_offset(c->s, in, op);
    c->flags |= EMU_F_INVLPG;
    return FAULT_NONE;
}

struct guest_fault emu_do_cache(struct emu_call *c)
{
    /* SDM Vol. 2A INVD, WBINVD: #GP(0) at CPL > 0; emulated memory has no cache to flush. */
    return cpl0(c->s) ? FAULT_NONE : emu_gp0();
}

/* SDM Vol. 2C XGETBV: #UD while CR4.OSXSAVE = 0; ECX = 0 selects XCR0, others #GP(0). */
struct guest_fault emu_do_xgetbv(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    if (!(s->cr4 & EMU_CR4_OSXSAVE))
        return emu_ud();
    if (s->gpr[GPR_ECX] != 0)
        return emu_gp0();
    s->gpr[GPR_EAX] = (uint32_t)c->ctx->v.xcr0;
    s->gpr[GPR_EDX] = (uint32_t)(c->ctx->v.xcr0 >> 32);
    return FAULT_NONE;
}

/* SDM Vol. 2C XSETBV: #UD while CR4.OSXSAVE = 0; then #GP(0) at CPL > 0, for ECX != 0,
 * for unsupported bits, and for clearing bit 0 (x87). */
struct guest_fault emu_do_xsetbv(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    if (!(s->cr4 & EMU_CR4_OSXSAVE))
        return emu_ud();
    if (!cpl0(s) || s->gpr[GPR_ECX] != 0)
        return emu_gp0();
    uint64_t v = ((uint64_t)s->gpr[GPR_EDX] << 32) | s->gpr[GPR_EAX];
    if ((v & ~EMU_XCR0_SUPPORTED) || !(v & 1))
        return emu_gp0();
    c->ctx->v.xcr0 = v;
    return FAULT_NONE;
}

/* RDPMC, and instructions of extensions the virtual CPU does not report. */
struct guest_fault emu_do_priv_other(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    switch (c->in->zi.mnemonic) {
    case ZYDIS_MNEMONIC_RDPMC:
        /* SDM Vol. 2B RDPMC: #GP(0) at CPL > 0 unless CR4.PCE = 1, and for a counter the
         * CPU lacks; a P6 has counters 0 and 1. The virtual counters never count. */
        if (emu_cpl(s) > 0 && !(s->cr4 & CR4_PCE))
            return emu_gp0();
        if (s->gpr[GPR_ECX] > 1)
            return emu_gp0();
        s->gpr[GPR_EAX] = 0;
        s->gpr[GPR_EDX] = 0;
        return FAULT_NONE;
    default:
        /* MONITOR/MWAIT (CPUID.1:ECX.MONITOR), CLAC/STAC (SMAP) and anything newer: the
         * feature is not reported, so #UD at every CPL (SDM Vol. 3A §6.9: an invalid
         * opcode has priority over the privilege check). */
        return emu_ud();
    }
}
