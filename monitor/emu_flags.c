/* emu_flags.c — CLI, STI, PUSHF, POPF and HLT on the guest's architectural EFLAGS. */
#include "monitor/emu_internal.h"

/* Status flags, DF and the system flags POPF may load (SDM Vol. 1 §3.4.3). */
#define POPF_LOW16                                                                                 \
    (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_TF | EFLAGS_IF |           \
     EFLAGS_DF | EFLAGS_OF | EFLAGS_IOPL | EFLAGS_NT)
#define POPF_HIGH (EFLAGS_AC | EFLAGS_ID)

/* CLI/STI are allowed: real mode; protected mode with CPL <= IOPL; virtual-8086 mode with
 * IOPL = 3 (the virtual CPU has no PVI/VME). SDM Vol. 2A CLI, Vol. 2B STI (decision tables). */
static bool if_change_allowed(const struct vcpu_state *s)
{
    if (!(s->cr0 & CR0_PE))
        return true;
    if (s->eflags & EFLAGS_VM)
        return emu_iopl(s) == 3;  /* SDM Vol. 2A CLI: VM86 without VME needs IOPL 3 */
    return s->cpl <= emu_iopl(s); /* SDM Vol. 2A CLI: #GP(0) when CPL > IOPL */
}

struct guest_fault emu_do_cli(struct emu_call *c)
{
    if (!if_change_allowed(c->s))
        return emu_gp0();
    c->s->eflags &= ~EFLAGS_IF;
    return FAULT_NONE;
}

struct guest_fault emu_do_sti(struct emu_call *c)
{
    if (!if_change_allowed(c->s))
        return emu_gp0();
    /* SDM Vol. 2B STI: interrupts stay blocked until after the next instruction, when IF
     * was 0; STI with IF already 1 opens no new window. */
    if (!(c->s->eflags & EFLAGS_IF))
        c->flags |= EMU_F_SHADOW;
    c->s->eflags |= EFLAGS_IF;
    return FAULT_NONE;
}

struct guest_fault emu_do_pushf(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    /* SDM Vol. 2B PUSHF: in virtual-8086 mode with IOPL < 3 (no VME): #GP(0). */
    if ((s->cr0 & CR0_PE) && (s->eflags & EFLAGS_VM) && emu_iopl(s) < 3)
        return emu_gp0();
    /* SDM Vol. 2B PUSHF: the image on the stack has VM and RF cleared. */
    uint32_t image = (s->eflags & ~(EFLAGS_VM | EFLAGS_RF)) | EFLAGS_FIXED;
    unsigned bytes = c->in->zi.operand_width / 8;
    return emu_push(c->ctx, &image, bytes, bytes);
}

/* The bits POPF loads (SDM Vol. 2B POPF, operation table). */
static uint32_t popf_mask(const struct vcpu_state *s, unsigned opsize)
{
    uint32_t mask = POPF_LOW16;
    if (opsize == 32)
        mask |= POPF_HIGH; /* VIP, VIF, VM never; RF is cleared */
    unsigned cpl = emu_cpl(s);
    if (s->eflags & EFLAGS_VM) {
        mask &= ~EFLAGS_IOPL; /* SDM Vol. 2B POPF: VM86 with IOPL 3 keeps IOPL */
    } else if (cpl > 0) {
        mask &= ~EFLAGS_IOPL; /* SDM Vol. 2B POPF: IOPL changes only at CPL 0 */
        if (cpl > emu_iopl(s))
            mask &= ~EFLAGS_IF; /* SDM Vol. 2B POPF: IF changes only if CPL <= IOPL */
    }
    return mask;
}

struct guest_fault emu_do_popf(struct emu_call *c)
{
    struct vcpu_state *s = c->s;
    unsigned opsize = c->in->zi.operand_width;
    /* SDM Vol. 2B POPF: in virtual-8086 mode with IOPL < 3 (no VME): #GP(0). */
    if ((s->cr0 & CR0_PE) && (s->eflags & EFLAGS_VM) && emu_iopl(s) < 3)
        return emu_gp0();
    uint32_t image = 0;
    struct guest_fault f = emu_stack_read(c->ctx, 0, &image, opsize / 8);
    if (f.raised)
        return f;
    uint32_t mask = popf_mask(s, opsize);
    uint32_t e = (s->eflags & ~mask) | (image & mask) | EFLAGS_FIXED;
    if (opsize == 32)
        e &= ~EFLAGS_RF; /* SDM Vol. 2B POPF: a 32-bit POPF clears RF */
    s->eflags = e;
    emu_stack_adjust(s, (int32_t)(opsize / 8));
    return FAULT_NONE;
}

struct guest_fault emu_do_hlt(struct emu_call *c)
{
    /* SDM Vol. 2A HLT: #GP(0) at CPL > 0 (also in virtual-8086 mode). */
    if (emu_cpl(c->s) > 0)
        return emu_gp0();
    /* SDM Vol. 2A HLT: execution resumes after HLT when an interrupt arrives. */
    c->s->halted = true;
    c->flags |= EMU_F_HALT;
    return FAULT_NONE;
}
