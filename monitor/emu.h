/* emu.h — the slow-path emulator: virtualization routines for sensitive instructions.
 *
 * For each sensitive instruction (translator/insn_class.h) the translator emits a
 * callout; the callout decodes the instruction and calls emu_exec(), which performs
 * on the guest's architectural state exactly what an IA-32 CPU does. Memory goes
 * through the guest's segmentation (emu_operand.h) and page tables
 * (guest_access.h), ports through the device bus (devices/io.h), and the
 * descriptor-table machinery through the ops table (emu_cpu_ops.h).
 *
 * Outcome: EMU_DONE (state updated, EIP advanced or set by a control transfer),
 * EMU_FAULT (the exception to deliver at the instruction's EIP; the register state is
 * as before the instruction, except the completed iterations of a REP INS/OUTS and the
 * DR6/DR7 update of a general-detect #DB), or EMU_UNHANDLED (not a class this module
 * emulates, or an op missing from the table). The flags tell the caller what it must
 * react to. */
#ifndef BT386_MONITOR_EMU_H
#define BT386_MONITOR_EMU_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/io.h"
#include "monitor/emu_cpu_ops.h"
#include "monitor/guest_access.h"
#include "monitor/vcpu.h"
#include "translator/decode.h"

/* Registers of the virtual CPU that struct vcpu_state does not hold. */
struct emu_vregs {
    uint64_t tsc_offset;  /* IA32_TSC = read_tsc() + tsc_offset */
    uint64_t pat;         /* IA32_PAT (0x277) */
    uint64_t misc_enable; /* IA32_MISC_ENABLE (0x1A0) */
    uint64_t xcr0;        /* XCR0 (reachable only with CR4.OSXSAVE, which MOV CR4 refuses) */
};

struct emu_ctx {
    struct vcpu_state *s;
    const struct guest_mem *mem;
    struct io_bus *bus; /* NULL: ports read all-ones, writes are dropped */
    const struct emu_cpu_ops *ops;
    void *ops_ctx; /* the protection engine's own state, for the ops */
    /* The time-stamp counter the guest's IA32_TSC is derived from (NULL reads 0). */
    uint64_t (*read_tsc)(void *clock_ctx);
    void *clock_ctx;
    struct emu_vregs v;
};

enum emu_status {
    EMU_DONE = 0,
    EMU_FAULT,     /* deliver result.fault at the instruction's EIP */
    EMU_UNHANDLED, /* not emulated here (IDENT, near branches, XSAVE, ...) or op missing */
};

/* What changed; the caller reacts (flush the shadow, reload host selectors, ...). */
#define EMU_F_CR0        (1u << 0)  /* CR0 changed (TS/EM/MP: FPU trapping) */
#define EMU_F_CR3        (1u << 1)  /* CR3 written: flush non-global translations */
#define EMU_F_CR4        (1u << 2)  /* CR4 changed */
#define EMU_F_PAGING     (1u << 3)  /* CR0.PE/PG/WP or CR4.PSE/PGE/PAE changed: flush shadow */
#define EMU_F_INVLPG     (1u << 4)  /* INVLPG of result.invlpg_addr */
#define EMU_F_GDT        (1u << 5)  /* LGDT executed (or GDTR changed) */
#define EMU_F_IDT        (1u << 6)  /* LIDT executed (or IDTR changed) */
#define EMU_F_LDT        (1u << 7)  /* LDTR loaded or changed */
#define EMU_F_TR         (1u << 8)  /* TR loaded or changed */
#define EMU_F_SEG        (1u << 9)  /* segment registers in result.seg_mask loaded */
#define EMU_F_IF_SET     (1u << 10) /* EFLAGS.IF went 0 -> 1: look for pending interrupts */
#define EMU_F_TF_SET     (1u << 11) /* EFLAGS.TF went 0 -> 1: single-step from the next insn */
#define EMU_F_EFLAGS_SYS (1u << 12) /* TF, IF, IOPL, NT, RF, VM, AC, VIF, VIP or ID changed */
#define EMU_F_SHADOW     (1u << 13) /* STI / MOV SS / POP SS interrupt shadow set */
#define EMU_F_HALT       (1u << 14) /* HLT: s->halted, wait for an interrupt */
#define EMU_F_BRANCH     (1u << 15) /* CS:EIP set by a control transfer */
#define EMU_F_CPL        (1u << 16) /* CPL changed */
#define EMU_F_DR         (1u << 17) /* a debug register written */
#define EMU_F_MSR        (1u << 18) /* WRMSR changed a model-specific register */
#define EMU_F_XCR0       (1u << 19) /* XCR0 changed */
#define EMU_F_TSC        (1u << 20) /* IA32_TSC written (tsc_offset changed) */
#define EMU_F_IO         (1u << 21) /* a port was accessed: device state (IRQs) may change */

struct emu_result {
    enum emu_status status;
    struct guest_fault fault; /* EMU_FAULT */
    uint32_t flags;           /* EMU_F_*, also for a fault that left partial state */
    uint32_t next_eip;        /* EMU_DONE: the new s->eip; EMU_FAULT: the insn's EIP */
    uint32_t invlpg_addr;     /* EMU_F_INVLPG: the linear address */
    uint8_t seg_mask;         /* EMU_F_SEG: 1 << SEG_x for every segment register loaded */
};

/* Reset values of the extra registers (SDM Vol. 3A §9.1.1, Vol. 4 MSR tables). */
#define EMU_PAT_RESET         UINT64_C(0x0007040600070406)
#define EMU_MISC_ENABLE_RESET UINT64_C(0x1801) /* fast strings; BTS, PEBS unavailable */
#define EMU_XCR0_RESET        UINT64_C(1)      /* x87 */

/* emu_ctx_init: point ctx at the guest state and its resources; extra registers at reset. */
void emu_ctx_init(struct emu_ctx *ctx, struct vcpu_state *s, const struct guest_mem *mem,
                  struct io_bus *bus, const struct emu_cpu_ops *ops, void *ops_ctx);

/* emu_exec: execute the decoded instruction `in` located at guest EIP `eip` (CS-relative)
 * on ctx->s (s->eip is set to eip first; ctx->s must hold the current GPRs and EFLAGS).
 * STI / MOV SS / POP SS record their shadow as s->inhibit_irq with s->inhibit_eip = the
 * EIP of the shadowed instruction (no interrupt while EIP == inhibit_eip); executing
 * that instruction here ends the shadow. */
struct emu_result emu_exec(struct emu_ctx *ctx, const struct insn *in, uint32_t eip);

#endif
