/* emu_internal.h — how emu_exec() and the per-class routines talk (not public).
 *
 * A routine gets one struct emu_call, changes the guest state, and returns FAULT_NONE
 * or the exception. emu_exec() restores the register state on a fault (unless the
 * routine keeps it) and advances EIP to c->next unless the routine branched. */
#ifndef BT386_MONITOR_EMU_INTERNAL_H
#define BT386_MONITOR_EMU_INTERNAL_H

#include "monitor/emu.h"
#include "monitor/emu_operand.h"

struct emu_call {
    struct emu_ctx *ctx;
    struct vcpu_state *s;
    const struct insn *in;
    uint32_t eip;  /* this instruction */
    uint32_t next; /* EIP after it (a REP routine sets it to eip to run again) */
    /* outputs */
    uint32_t flags;       /* EMU_F_* the state diff cannot see (CR3 rewrite, LGDT, ...) */
    uint32_t invlpg_addr; /* with EMU_F_INVLPG */
    uint8_t seg_mask;     /* segment registers loaded (with EMU_F_SEG) */
    bool branched;        /* an op set CS:EIP */
    bool keep_on_fault;   /* the fault comes after architectural changes that stand */
    bool unhandled;       /* return EMU_UNHANDLED */
};

typedef struct guest_fault (*emu_routine)(struct emu_call *c);

/* Fault helpers. */
static inline struct guest_fault emu_gp0(void)
{
    return guest_fault_make(VEC_GP, true, 0);
}

static inline struct guest_fault emu_ud(void)
{
    return guest_fault_make(VEC_UD, false, 0);
}

/* CR0.PE = 1 and EFLAGS.VM = 0. */
static inline bool emu_protected(const struct vcpu_state *s)
{
    return (s->cr0 & CR0_PE) && !(s->eflags & EFLAGS_VM);
}

static inline unsigned emu_iopl(const struct vcpu_state *s)
{
    return (s->eflags & EFLAGS_IOPL) >> EFLAGS_IOPL_SHIFT;
}

/* The CPL an instruction runs at: 0 in real mode, 3 in virtual-8086 mode. */
static inline unsigned emu_cpl(const struct vcpu_state *s)
{
    if (!(s->cr0 & CR0_PE))
        return 0;
    if (s->eflags & EFLAGS_VM)
        return 3;
    return s->cpl;
}

/* emu_flags.c */
struct guest_fault emu_do_cli(struct emu_call *c);
struct guest_fault emu_do_sti(struct emu_call *c);
struct guest_fault emu_do_pushf(struct emu_call *c);
struct guest_fault emu_do_popf(struct emu_call *c);
struct guest_fault emu_do_hlt(struct emu_call *c);
/* emu_io.c */
struct guest_fault emu_do_io(struct emu_call *c);
struct guest_fault emu_do_io_string(struct emu_call *c);
/* emu_ctrl.c */
struct guest_fault emu_do_mov_to_cr(struct emu_call *c);
struct guest_fault emu_do_mov_from_cr(struct emu_call *c);
struct guest_fault emu_do_mov_to_dr(struct emu_call *c);
struct guest_fault emu_do_mov_from_dr(struct emu_call *c);
struct guest_fault emu_do_clts(struct emu_call *c);
struct guest_fault emu_do_tlb(struct emu_call *c);
struct guest_fault emu_do_cache(struct emu_call *c);
struct guest_fault emu_do_xgetbv(struct emu_call *c);
struct guest_fault emu_do_xsetbv(struct emu_call *c);
struct guest_fault emu_do_priv_other(struct emu_call *c);
struct guest_fault emu_do_cpuid(struct emu_call *c);
struct guest_fault emu_do_rdmsr(struct emu_call *c);
struct guest_fault emu_do_wrmsr(struct emu_call *c);
/* emu_desc.c */
struct guest_fault emu_do_desc_load(struct emu_call *c);
struct guest_fault emu_do_desc_store(struct emu_call *c);
/* emu_sreg.c */
struct guest_fault emu_do_mov_from_seg(struct emu_call *c);
struct guest_fault emu_do_push_seg(struct emu_call *c);
struct guest_fault emu_do_mov_to_seg(struct emu_call *c);
struct guest_fault emu_do_pop_seg(struct emu_call *c);
struct guest_fault emu_do_load_far_ptr(struct emu_call *c);
/* emu_route.c */
struct guest_fault emu_do_jmp_far(struct emu_call *c);
struct guest_fault emu_do_call_far(struct emu_call *c);
struct guest_fault emu_do_ret_far(struct emu_call *c);
struct guest_fault emu_do_iret(struct emu_call *c);
struct guest_fault emu_do_int(struct emu_call *c);
struct guest_fault emu_do_into(struct emu_call *c);
struct guest_fault emu_do_int1(struct emu_call *c);
struct guest_fault emu_do_sysenter(struct emu_call *c);
struct guest_fault emu_do_sysexit(struct emu_call *c);
struct guest_fault emu_do_seg_check(struct emu_call *c);

#endif
