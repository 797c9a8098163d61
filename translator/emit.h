/* emit.h — translating one block of guest code into the translation cache.
 *
 * A block starts with the interrupt gate (a BOUND on EAX against a pair in the monitor
 * area that the monitor flips to "always out of range" when an interrupt is pending:
 * BOUND changes neither flags nor registers, so the check is invisible to the guest).
 * Innocuous instructions are copied verbatim (IDENT). Direct control flow ends the block
 * in exit sites (far jumps into the monitor, later patched into direct jumps: chaining);
 * a near CALL pushes the *guest* return address. Every other instruction that is not
 * IDENT becomes an emulate site: a far jump to the monitor, which runs it and resumes
 * after the site or leaves to the dispatcher. No site writes the guest stack. */
#ifndef BT386_TRANSLATOR_EMIT_H
#define BT386_TRANSLATOR_EMIT_H

#include "cache/blocks.h"
#include "cache/tc.h"
#include "translator/decode.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EMIT_MAX_INSNS  32 /* instructions per block at most */
#define SITE_CALL_BYTES 7  /* 2E FF 1D disp32: lcall *%cs:disp32 */
#define IRQ_GATE_BYTES  7  /* 2E 62 05 disp32: bound %eax, %cs:disp32 */

struct emit_env {
    struct tc *tc;
    struct blocks *blocks;
    uint32_t irq_bounds; /* linear address of the BOUND pair used as the interrupt gate */
    /* linear address of uint32_t[6]: the guest's ES..GS selectors (0: emulate instead) */
    uint32_t guest_sels;
    bool ret_ibl; /* RET misses in mode-0 blocks try world_ret_ibl first */
    /* fetch: copy up to n guest code bytes at linear address lin into buf; returns how
     * many could be fetched (fewer at an unfetchable page). */
    size_t (*fetch)(void *ctx, uint32_t lin, uint8_t *buf, size_t n);
    void *ctx;
};

/* Mode bits: part of a block's lookup key, and they change how it is translated. */
#define EMIT_MODE_SINGLE   0x1 /* one guest instruction per block (single-step, shadows, SMC) */
#define EMIT_MODE_FPU_TRAP 0x2 /* CR0.TS or CR0.EM: x87/MMX/SSE instructions become sites */
#define EMIT_MODE_ONCE     0x4 /* never looked up again (its code page is not write-traced) */
#define EMIT_MODE_SS16     0x8 /* SS.B = 0: stack accesses use SP (no inline RET) */
#define EMIT_MODE_USER                                                                             \
    0x10 /* CPL 3 code: checked against its page at every lookup, never chained */

/* The inline-cached RET (emit_ret_patch): offsets of PRED inside its sequence. */
#define RET_IC_LEA1 5  /* lea -PRED(%ecx), %ecx */
#define RET_IC_LEA2 13 /* lea +PRED(%ecx), %ecx */
#define RET_IC_MOVL 33 /* movl $PRED, (%esp) */

/* insn_uses_fpu: an x87, MMX or SSE instruction (CR0.TS/EM make it raise #NM). */
bool insn_uses_fpu(const struct insn *in);

enum emit_status {
    EMIT_OK,
    EMIT_FULL,    /* TC or block table full: flush and retry */
    EMIT_NO_CODE, /* not one byte of the first instruction could be fetched */
};

/* emit_block: translate the block at linear address eip for code of the given size and
 * mode key; on EMIT_OK *index is the new block's index in env->blocks. */
enum emit_status emit_block(const struct emit_env *env, uint32_t eip, enum code_size size,
                            uint32_t mode, uint32_t *index);

/* emit_chain: patch exit site s to jump straight into block number `block`. */
void emit_chain(const struct emit_env *env, struct tc_site *s, uint32_t block);
/* emit_unchain: give exit site s its far jump back (its target is about to change). */
void emit_unchain(const struct emit_env *env, struct tc_site *s);
/* emit_ret_patch: make the inline-cached RET whose emulate site is s predict `target`
 * (a guest linear address). */
void emit_ret_patch(const struct emit_env *env, struct tc_site *s, uint32_t target);
/* emit_unchain: give exit site s its far jump back (its target is about to change). */
void emit_unchain(const struct emit_env *env, struct tc_site *s);
/* emit_ret_patch: make the inline-cached RET whose emulate site is s predict `target`
 * (a guest linear address). */
void emit_ret_patch(const struct emit_env *env, struct tc_site *s, uint32_t target);

#endif
