/* emu_native.h — running one ordinary instruction for the guest when its memory operand
 * cannot be reached natively (guest page 0 below the host's mmap_min_addr, the monitor
 * area, guest-physical addresses without RAM).
 *
 * The memory operand is read through the guest's segmentation and page tables, the
 * instruction is rewritten so that the operand becomes host register R8 (REX.B, ModRM
 * mod = 3), that register-only instruction runs on the host CPU with the guest's
 * registers and status flags, and the result goes back to guest memory. Only
 * instructions whose single memory operand is explicit and whose behaviour does not
 * depend on the mode are accepted (MOV, ALU, shifts, bit tests, SETcc, CMOVcc, ...). */
#ifndef BT386_MONITOR_EMU_NATIVE_H
#define BT386_MONITOR_EMU_NATIVE_H

#include "monitor/emu.h"

enum native_status {
    NATIVE_DONE,        /* state and memory updated, EIP advanced */
    NATIVE_FAULT,       /* deliver result.fault at the instruction's EIP; nothing changed */
    NATIVE_UNSUPPORTED, /* not an instruction this path can run */
};

struct native_result {
    enum native_status status;
    struct guest_fault fault;
};

/* emu_native_page: the executable host page the rewritten instruction runs from
 * (mapped once, before the system-call filter is installed); NULL on failure. */
void *emu_native_page(void);

/* emu_native_mem: run `in` (its bytes at `bytes`, guest EIP eip) on ctx->s with its
 * memory operand emulated, using the executable page `page`. */
struct native_result emu_native_mem(struct emu_ctx *ctx, void *page, const struct insn *in,
                                    const uint8_t *bytes, uint32_t eip);

/* emu_native_linear: the linear address and size of the instruction's memory operand;
 * false if it has none (or it is not a plain memory access). */
bool emu_native_linear(const struct emu_ctx *ctx, const struct insn *in, uint32_t *lin,
                       unsigned *size);

#endif
