/* decode.h — a thin wrapper over the Zydis 4 decoder for guest code.
 *
 * The translator decodes guest code one instruction at a time. decode_insn()
 * keeps Zydis' full result (instruction and operands) and adds the length and
 * the translator's class (see insn_class.h, classify.h). Errors come back as
 * values so the caller can tell "fetch more bytes" from "raise #UD/#GP". */
#ifndef BT386_TRANSLATOR_DECODE_H
#define BT386_TRANSLATOR_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include <Zydis/Zydis.h>

#include "translator/insn_class.h"

/* The longest legal IA-32 instruction (SDM Vol. 2, 2.3.11: longer raises #GP(0)). */
#define INSN_MAX_LEN 15

/* Default operand/address size of the code segment being decoded (CS.D). */
enum code_size {
    CODE_16 = 16, /* CS.D=0: 16-bit protected-mode (or real-mode) code */
    CODE_32 = 32, /* CS.D=1: 32-bit protected-mode code */
};

struct decoder {
    ZydisDecoder zy;
    enum code_size size;
};

enum decode_status {
    DECODE_OK = 0,
    DECODE_NEED_MORE, /* the bytes end inside the instruction: fetch more and retry */
    DECODE_INVALID,   /* undefined opcode or illegal encoding (LOCK, VEX prefix rules): #UD */
    DECODE_TOO_LONG,  /* longer than 15 bytes: #GP(0) */
};

struct insn {
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    uint8_t len;         /* bytes, 1..15; 0 when decoding failed */
    enum insn_class cls; /* IC_INVALID when decoding failed */
};

/* decoder_init: set *dec up for code of the given default size; 0, or -1 for a bad size. */
int decoder_init(struct decoder *dec, enum code_size size);

/* decode_insn: decode and classify the instruction at bytes[0..avail).
 * On DECODE_OK *out holds it; otherwise out->len = 0 and out->cls = IC_INVALID. */
enum decode_status decode_insn(const struct decoder *dec, const uint8_t *bytes, size_t avail,
                               struct insn *out);

/* decode_status_name: "OK", "NEED_MORE", "INVALID", "TOO_LONG" ("?" otherwise). */
const char *decode_status_name(enum decode_status st);

#endif
