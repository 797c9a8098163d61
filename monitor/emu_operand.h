/* emu_operand.h — operands of emulated instructions: registers, effective addresses,
 * segmentation checks, guest memory and the stack.
 *
 * Memory operands are CS-independent: offset from the Zydis operand (base, index,
 * scale, displacement; 16- or 32-bit address size), segment as Zydis resolved it
 * (an override prefix, else SS for an EBP/ESP/BP base, else DS; ES for the string
 * destination). The segment checks run on the guest's descriptor caches (SDM Vol. 3A
 * §5.3 limit, §5.4.1 type), then the access goes through the guest page tables with
 * user = (CPL == 3). Nothing is written unless every check of the access passed. */
#ifndef BT386_MONITOR_EMU_OPERAND_H
#define BT386_MONITOR_EMU_OPERAND_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/emu.h"

enum emu_access { EMU_READ, EMU_WRITE };

/* A general register operand: which of gpr[8], where, how wide. */
struct emu_gpr {
    unsigned index; /* GPR_EAX .. GPR_EDI */
    unsigned shift; /* 8 for AH, CH, DH, BH; 0 otherwise */
    unsigned bits;  /* 8, 16 or 32 */
};

/* emu_gpr_decode: the IA-32 general register behind a Zydis register; false if none. */
bool emu_gpr_decode(ZydisRegister reg, struct emu_gpr *out);

/* emu_reg_read: value of an 8/16/32-bit general register (zero-extended). */
uint32_t emu_reg_read(const struct vcpu_state *s, ZydisRegister reg);

/* emu_reg_write: write the low bits of v; the untouched bits of the register stay. */
void emu_reg_write(struct vcpu_state *s, ZydisRegister reg, uint32_t v);

/* emu_sreg_decode: SEG_ES..SEG_GS for a Zydis segment register, -1 otherwise. */
int emu_sreg_decode(ZydisRegister reg);

/* emu_effective_offset: the offset of a memory operand (address-size wrapped). */
uint32_t emu_effective_offset(const struct vcpu_state *s, const struct insn *in,
                              const ZydisDecodedOperand *op);

/* emu_operand_segment: the segment register of a memory operand (SEG_DS if unknown). */
enum seg_reg emu_operand_segment(const ZydisDecodedOperand *op);

/* emu_seg_linear: check an access of size bytes at seg:off and give its linear address.
 * #GP(0) for a null segment, a type violation or the limit; #SS(0) for SS's limit. */
struct guest_fault emu_seg_linear(const struct vcpu_state *s, enum seg_reg seg, uint32_t off,
                                  unsigned size, enum emu_access acc, uint32_t *lin);

/* emu_mem_read / emu_mem_write: segment checks, then the guest page tables. */
struct guest_fault emu_mem_read(const struct emu_ctx *ctx, enum seg_reg seg, uint32_t off,
                                void *buf, unsigned size);
struct guest_fault emu_mem_write(const struct emu_ctx *ctx, enum seg_reg seg, uint32_t off,
                                 const void *buf, unsigned size);

/* emu_mem_probe_write: every check of a write (segment, page rights, A/D as the write
 * would set them) without storing, so a side effect (a port read) can follow safely. */
struct guest_fault emu_mem_probe_write(const struct emu_ctx *ctx, enum seg_reg seg, uint32_t off,
                                       unsigned size);

/* emu_operand_read: operand i (register, memory or immediate) of op->size bits. */
struct guest_fault emu_operand_read(const struct emu_ctx *ctx, const struct insn *in, unsigned i,
                                    uint32_t *val);

/* emu_operand_write: write operand i (register or memory), op->size bits of val. */
struct guest_fault emu_operand_write(const struct emu_ctx *ctx, const struct insn *in, unsigned i,
                                     uint32_t val);

/* The stack: width from SS.B (SDM Vol. 3A §6.2.3 / Vol. 1 §6.2.3: ESP if B = 1, SP if 0). */
bool emu_stack_is32(const struct vcpu_state *s);
/* emu_stack_offset: SS offset `depth` bytes above the top of stack (wrapped to the width). */
uint32_t emu_stack_offset(const struct vcpu_state *s, uint32_t depth);
/* emu_stack_adjust: ESP += delta in the stack width (the high half of ESP stays for SP). */
void emu_stack_adjust(struct vcpu_state *s, int32_t delta);
/* emu_push: slot bytes down, write the low `len` bytes of data at the new top, then ESP. */
struct guest_fault emu_push(const struct emu_ctx *ctx, const void *data, unsigned len,
                            unsigned slot);
/* emu_stack_read: read n bytes at depth above the top of stack; ESP unchanged. */
struct guest_fault emu_stack_read(const struct emu_ctx *ctx, uint32_t depth, void *buf, unsigned n);

#endif
