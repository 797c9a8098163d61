/* emu_cpu_ops.h — the protection engine as the slow-path emulator sees it.
 *
 * Segment loads, far control transfers, IRET, software interrupts, SYSENTER/SYSEXIT,
 * LAR/LSL/VERR/VERW and LLDT/LTR need the descriptor-table rules of SDM Vol. 3A
 * chapters 3, 5, 6 and 7. The emulator does not implement them: it decodes the
 * operands (register, memory, immediate far pointer, the popped selector), then calls
 * one of these functions. Every function reads and writes the guest state through
 * ctx (ctx->s, ctx->mem) and returns FAULT_NONE or the exception to deliver.
 *
 * Contract for every op: on FAULT_NONE the op has made all architectural changes of
 * the instruction except EIP for the non-branching ops (load_seg, lar, lsl, verr, verw,
 * lldt, ltr: the emulator advances EIP). The branching ops (far_jmp, far_call,
 * far_ret, iret, soft_int, sysenter, sysexit) set CS:EIP themselves. On a fault the op
 * leaves the state as the SDM says the fault finds it: unchanged for faults before
 * the instruction commits; a task switch commits first (SDM Vol. 3A §7.3). */
#ifndef BT386_MONITOR_EMU_CPU_OPS_H
#define BT386_MONITOR_EMU_CPU_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/vcpu.h"

struct emu_ctx;

/* Which instruction raised a software interrupt (SDM Vol. 2B INT n/INTO/INT3/INT1). */
enum emu_int_kind {
    EMU_INT_N,     /* INT n (CD ib): gate DPL >= CPL; in virtual-8086 mode IOPL must be 3 */
    EMU_INT_INT3,  /* INT3 (CC): vector 3, gate DPL check, no IOPL check in VM86 */
    EMU_INT_INTO,  /* INTO (CE) with OF = 1: vector 4, gate DPL check */
    EMU_INT_ICEBP, /* INT1 (F1): vector 1 as a #DB trap, no gate DPL check */
};

struct emu_cpu_ops {
    /* MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS: load sel into seg (never SEG_CS). */
    struct guest_fault (*load_seg)(struct emu_ctx *ctx, enum seg_reg seg, uint16_t sel);
    /* JMP ptr16:16/32 or m16:16/32 to sel:off; opsize 16 or 32 (off already truncated);
     * next_eip is what a task switch saves in the old TSS. */
    struct guest_fault (*far_jmp)(struct emu_ctx *ctx, uint16_t sel, uint32_t off, unsigned opsize,
                                  uint32_t next_eip);
    /* CALL far: like far_jmp; pushes CS and next_eip (opsize wide), or switches stacks. */
    struct guest_fault (*far_call)(struct emu_ctx *ctx, uint16_t sel, uint32_t off, unsigned opsize,
                                   uint32_t next_eip);
    /* RETF [imm16]: pops EIP and CS (and ESP and SS on a return to an outer level). */
    struct guest_fault (*far_ret)(struct emu_ctx *ctx, unsigned opsize, uint16_t imm);
    /* IRET (opsize 16) or IRETD (32), NT task return included. */
    struct guest_fault (*iret)(struct emu_ctx *ctx, unsigned opsize);
    /* INT n / INT3 / INTO / INT1 through the guest IDT; next_eip is the return address. */
    struct guest_fault (*soft_int)(struct emu_ctx *ctx, uint8_t vector, enum emu_int_kind kind,
                                   uint32_t next_eip);
    /* SYSENTER / SYSEXIT with the guest's IA32_SYSENTER_* MSRs (ctx->s->sysenter_*). */
    struct guest_fault (*sysenter)(struct emu_ctx *ctx);
    struct guest_fault (*sysexit)(struct emu_ctx *ctx);
    /* LAR/LSL: *zf = the selector passed the checks; then *out is the 32-bit-operand
     * result (LAR: descriptor dword 2 & 0x00FxFF00, LSL: the byte-granular limit). */
    struct guest_fault (*lar)(struct emu_ctx *ctx, uint16_t sel, uint32_t *out, bool *zf);
    struct guest_fault (*lsl)(struct emu_ctx *ctx, uint16_t sel, uint32_t *out, bool *zf);
    /* VERR/VERW: *zf = readable / writable at the current CPL. */
    struct guest_fault (*verr)(struct emu_ctx *ctx, uint16_t sel, bool *zf);
    struct guest_fault (*verw)(struct emu_ctx *ctx, uint16_t sel, bool *zf);
    /* LLDT / LTR (CPL 0 and protected mode are checked by the emulator). */
    struct guest_fault (*lldt)(struct emu_ctx *ctx, uint16_t sel);
    struct guest_fault (*ltr)(struct emu_ctx *ctx, uint16_t sel);
};

#endif
