/* decode.c — Zydis 4 wrapper: decode one guest instruction and classify it. */
#include "translator/decode.h"

#include <string.h>

#include "translator/classify.h"

int decoder_init(struct decoder *dec, enum code_size size)
{
    ZydisMachineMode mode;
    ZydisStackWidth stack;

    switch (size) {
    case CODE_16:
        mode = ZYDIS_MACHINE_MODE_LEGACY_16;
        stack = ZYDIS_STACK_WIDTH_16;
        break;
    case CODE_32:
        mode = ZYDIS_MACHINE_MODE_LEGACY_32;
        stack = ZYDIS_STACK_WIDTH_32;
        break;
    default: return -1;
    }
    memset(dec, 0, sizeof(*dec));
    if (!ZYAN_SUCCESS(ZydisDecoderInit(&dec->zy, mode, stack)))
        return -1;
    /* The virtual CPU has no MPX: 0F 1A/1B are then hint NOPs for every ModRM, as on
     * processors without MPX, instead of BND* forms that reject BND4-7. */
    if (!ZYAN_SUCCESS(ZydisDecoderEnableMode(&dec->zy, ZYDIS_DECODER_MODE_MPX, ZYAN_FALSE)))
        return -1;
    dec->size = size;
    return 0;
}

/* Map a Zydis failure to what the guest would see. */
static enum decode_status status_from_zydis(ZyanStatus st, size_t avail)
{
    if (st == ZYDIS_STATUS_NO_MORE_DATA)
        /* With 15 bytes in hand the instruction cannot need more. */
        return avail >= INSN_MAX_LEN ? DECODE_TOO_LONG : DECODE_NEED_MORE;
    if (st == ZYDIS_STATUS_INSTRUCTION_TOO_LONG)
        return DECODE_TOO_LONG;
    return DECODE_INVALID;
}

enum decode_status decode_insn(const struct decoder *dec, const uint8_t *bytes, size_t avail,
                               struct insn *out)
{
    ZyanStatus st = ZydisDecoderDecodeFull(&dec->zy, bytes, avail, &out->zi, out->ops);

    if (!ZYAN_SUCCESS(st)) {
        out->len = 0;
        out->cls = IC_INVALID;
        return status_from_zydis(st, avail);
    }
    out->len = out->zi.length;
    out->cls = classify_insn(out);
    return DECODE_OK;
}

const char *decode_status_name(enum decode_status st)
{
    switch (st) {
    case DECODE_OK: return "OK";
    case DECODE_NEED_MORE: return "NEED_MORE";
    case DECODE_INVALID: return "INVALID";
    case DECODE_TOO_LONG: return "TOO_LONG";
    }
    return "?";
}
