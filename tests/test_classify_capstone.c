/* test_classify_capstone.c — cross-check translator/ decoding against Capstone 4.
 *
 * Instruction strings are generated systematically over the one-byte, 0F,
 * 0F 38 and 0F 3A opcode maps: every opcode with a spread of ModRM bytes (all
 * 256 for the one-byte and 0F maps), SIB bytes that cover base=5 (disp32) and
 * index=4 (none), a pseudo-random deterministic tail for displacements and
 * immediates, and each of the prefixes 66 67 F2 F3 2E 3E 26 64 65 36 F0
 * (plus 66 F3 and 67 F3); in 32-bit and in 16-bit code. For each string:
 *   - both decoders accept it, or the disagreement matches a listed rule;
 *   - lengths agree, or a listed rule explains why not;
 *   - Capstone's groups agree with our class: PRIVILEGE -> ours privileged or
 *     sensitive, ours privileged -> PRIVILEGE, JUMP/CALL/RET/INT/IRET and
 *     BRANCH_RELATIVE <-> our control-flow classes; or a listed rule;
 *   - the class that Capstone's instruction id and operands imply (a table
 *     written here from the SDM, independent of classify.c) is ours: every
 *     sensitive instruction Capstone sees lands in its class, everything else
 *     is IDENT or near control flow; or a listed rule.
 * Every rule carries its reason; a disagreement no rule explains fails the
 * test, and so does a rule that no longer matches anything (stale). The counts
 * are printed as TAP diagnostics ("# ..."). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "tests/unit.h"
#include "translator/classify.h"
#include "translator/decode.h"

#define BUF_LEN 24

enum opmap { MAP_1, MAP_0F, MAP_0F38, MAP_0F3A, MAP_COUNT };

/* Prefix variants in front of the opcode. */
static const struct {
    const char *name;
    uint8_t bytes[2];
    uint8_t n;
} prefix_variants[] = {
    {"none", {0}, 0},          {"66", {0x66}, 1},         {"67", {0x67}, 1}, {"F2", {0xf2}, 1},
    {"F3", {0xf3}, 1},         {"2E", {0x2e}, 1},         {"3E", {0x3e}, 1}, {"26", {0x26}, 1},
    {"64", {0x64}, 1},         {"65", {0x65}, 1},         {"36", {0x36}, 1}, {"F0", {0xf0}, 1},
    {"66F3", {0x66, 0xf3}, 2}, {"67F3", {0x67, 0xf3}, 2},
};
#define N_PFX (sizeof(prefix_variants) / sizeof(prefix_variants[0]))

/* SIB bytes tried after a ModRM with rm=4: base 5 (disp32 when mod=0), index 4 (none),
 * every scale. */
static const uint8_t sib_bytes[] = {0x24, 0x25, 0x00, 0x65, 0xa5, 0xe5,
                                    0x4c, 0x9d, 0x05, 0x1c, 0xe4};

/* One generated instruction string and what both decoders made of it. */
struct sample {
    enum code_size size;
    unsigned pfx; /* index into prefix_variants */
    enum opmap map;
    uint8_t op, modrm;
    uint8_t bytes[BUF_LEN];
    bool z_ok, c_ok;
    struct insn z;
    const cs_insn *c;
    bool c_grp[X86_GRP_BRANCH_RELATIVE + 1];
    bool c_vm; /* Capstone's X86_GRP_VM: VMX and SVM */
};

/* ------------------------------------------------------------------------------------ */
/* What the decoders say                                                               */
/* ------------------------------------------------------------------------------------ */

static bool is_prefix_byte(uint8_t b)
{
    switch (b) {
    case 0x26:
    case 0x2e:
    case 0x36:
    case 0x3e:
    case 0x64:
    case 0x65:
    case 0x66:
    case 0x67:
    case 0xf0:
    case 0xf2:
    case 0xf3: return true;
    default: return false;
    }
}

static int mod_of(const struct sample *s)
{
    return s->modrm >> 6;
}

static int reg_of(const struct sample *s)
{
    return (s->modrm >> 3) & 7;
}

static bool zy_mnemonic(const struct sample *s, ZydisMnemonic m)
{
    return s->z_ok && s->z.zi.mnemonic == m;
}

static bool cs_id(const struct sample *s, unsigned id)
{
    return s->c_ok && s->c->id == id;
}

static bool has_prefix(const struct sample *s, uint8_t b)
{
    for (unsigned i = 0; i < prefix_variants[s->pfx].n; i++)
        if (prefix_variants[s->pfx].bytes[i] == b)
            return true;
    return false;
}

/* The raw Zydis status for the string, from the decoder set up as decoder_init() does
 * (decode_insn() folds the failures into #UD / #GP / need-more). */
static ZyanStatus zydis_status(const struct sample *s)
{
    struct decoder dec;
    ZydisDecodedInstruction zi;

    ck_assert_int_eq(decoder_init(&dec, s->size), 0);
    return ZydisDecoderDecodeInstruction(&dec.zy, NULL, s->bytes, BUF_LEN, &zi);
}

/* ------------------------------------------------------------------------------------ */
/* Rules: the listed, reasoned disagreements                                            */
/* ------------------------------------------------------------------------------------ */

enum diff {
    D_ZYDIS_ONLY,    /* Zydis decodes, Capstone rejects */
    D_CAPSTONE_ONLY, /* Capstone decodes, Zydis rejects */
    D_LENGTH,        /* both decode, lengths differ */
    D_PRIV_C,        /* Capstone PRIVILEGE, ours neither privileged nor sensitive */
    D_PRIV_Z,        /* ours privileged, Capstone not PRIVILEGE */
    D_FLOW,          /* control-flow groups and our control-flow classes disagree */
    D_CLASS,         /* the class Capstone's instruction implies is not ours */
    D_COUNT
};

static const char *const diff_names[D_COUNT] = {
    "zydis-only",     "capstone-only", "length", "capstone-privileged",
    "our-privileged", "flow",          "class",
};

/* Code sizes a rule is expected to fire in (a rule that fires in none is stale). */
#define M16   1u
#define M32   2u
#define MBOTH (M16 | M32)

struct rule {
    enum diff diff;
    unsigned modes;
    const char *reason;
    bool (*match)(const struct sample *s);
};

/* --- helpers for the patterns ------------------------------------------------------- */

static bool at(const struct sample *s, enum opmap map, unsigned lo, unsigned hi)
{
    return s->map == map && s->op >= lo && s->op <= hi;
}

static bool zy_ext(const struct sample *s, ZydisISAExt ext)
{
    return s->z_ok && s->z.zi.meta.isa_ext == ext;
}

/* --- Zydis decodes, Capstone 4 does not -------------------------------------------- */

/* Extensions Capstone 4.0.2 (2019) predates or never had. */
static bool newer_extension(const struct sample *s)
{
    static const ZydisISAExt newer[] = {
        ZYDIS_ISA_EXT_CET,         ZYDIS_ISA_EXT_MOVDIR,    ZYDIS_ISA_EXT_ENQCMD,
        ZYDIS_ISA_EXT_GFNI,        ZYDIS_ISA_EXT_KEYLOCKER, ZYDIS_ISA_EXT_KEYLOCKER_WIDE,
        ZYDIS_ISA_EXT_WAITPKG,     ZYDIS_ISA_EXT_PT,        ZYDIS_ISA_EXT_SERIALIZE,
        ZYDIS_ISA_EXT_PKU,         ZYDIS_ISA_EXT_PCONFIG,   ZYDIS_ISA_EXT_TDX,
        ZYDIS_ISA_EXT_TSX_LDTRK,   ZYDIS_ISA_EXT_SNP,       ZYDIS_ISA_EXT_MCOMMIT,
        ZYDIS_ISA_EXT_RDPRU,       ZYDIS_ISA_EXT_CLZERO,    ZYDIS_ISA_EXT_MONITORX,
        ZYDIS_ISA_EXT_AMD_INVLPGB, ZYDIS_ISA_EXT_SGX_ENCLV, ZYDIS_ISA_EXT_HRESET,
        ZYDIS_ISA_EXT_PREFETCHWT1, ZYDIS_ISA_EXT_RDPID,
    };
    for (size_t i = 0; i < sizeof(newer) / sizeof(newer[0]); i++)
        if (zy_ext(s, newer[i]))
            return true;
    return false;
}

/* 0F 0D and 0F 18-1F: the hint-NOP / prefetch space (SDM NOP, PREFETCHh). */
static bool hint_nop_space(const struct sample *s)
{
    return at(s, MAP_0F, 0x0d, 0x0d) || at(s, MAP_0F, 0x18, 0x1f);
}

/* LFENCE/MFENCE/SFENCE are 0F AE E8+r / F0+r / F8+r: the rm field is ignored. */
static bool fence_any_rm(const struct sample *s)
{
    return at(s, MAP_0F, 0xae, 0xae) && mod_of(s) == 3 && reg_of(s) >= 5 && (s->modrm & 7);
}

/* UD0 (0F FF) and UD1 (0F B9) take a ModRM byte (SDM, since 2017). */
static bool ud0_ud1_modrm(const struct sample *s)
{
    return at(s, MAP_0F, 0xff, 0xff) || at(s, MAP_0F, 0xb9, 0xb9);
}

/* 66 then F2/F3 in front of MOV AL/EAX <-> moffs. */
static bool moffs_66_rep(const struct sample *s)
{
    return at(s, MAP_1, 0xa0, 0xa3) && has_prefix(s, 0x66) &&
           (has_prefix(s, 0xf2) || has_prefix(s, 0xf3));
}

/* In 16-bit code Capstone 4 loses the mandatory-prefix forms of the 0F maps (it takes
 * 66 as an operand-size switch only): SSE2-4.2, AES, POPCNT, ADCX/ADOX, ... */
static bool code16_mandatory_prefix(const struct sample *s)
{
    return s->size == CODE_16 && s->map != MAP_1 &&
           (has_prefix(s, 0x66) || has_prefix(s, 0xf2) || has_prefix(s, 0xf3));
}

/* 66/F2 0F 78/79: SSE4a EXTRQ/INSERTQ to Zydis; Capstone 4 in 16-bit code reads
 * VMREAD/VMWRITE with 32-bit operands. */
static bool code16_extrq_vmread(const struct sample *s)
{
    return s->size == CODE_16 && at(s, MAP_0F, 0x78, 0x79) &&
           (has_prefix(s, 0x66) || has_prefix(s, 0xf2));
}

/* --- Capstone 4 decodes, Zydis does not -------------------------------------------- */

static bool illegal_lock(const struct sample *s)
{
    return zydis_status(s) == ZYDIS_STATUS_ILLEGAL_LOCK;
}

static bool mov_cs(const struct sample *s)
{
    return at(s, MAP_1, 0x8e, 0x8e) && reg_of(s) == 1;
}

/* CR1, CR5-CR7 do not exist; CR8 only in 64-bit mode. */
static bool mov_bad_cr(const struct sample *s)
{
    return (at(s, MAP_0F, 0x20, 0x20) || at(s, MAP_0F, 0x22, 0x22)) &&
           (reg_of(s) == 1 || reg_of(s) >= 5);
}

/* The same bytes without the 66/F2/F3 prefixes decode: the prefixed form is an
 * opcode the SDM does not define (the prefix selects the instruction). */
static bool undefined_mandatory_prefix(const struct sample *s)
{
    struct sample bare = *s;
    size_t n = prefix_variants[s->pfx].n;

    if (s->map == MAP_1 || !(has_prefix(s, 0x66) || has_prefix(s, 0xf2) || has_prefix(s, 0xf3)))
        return false;
    if (zydis_status(s) != ZYDIS_STATUS_DECODING_ERROR)
        return false;
    bare.pfx = 0;
    memmove(bare.bytes, s->bytes + n, BUF_LEN - n);
    return zydis_status(&bare) == ZYAN_STATUS_SUCCESS;
}

static bool vex_legacy_prefix(const struct sample *s)
{
    return zydis_status(s) == ZYDIS_STATUS_ILLEGAL_LEGACY_PFX;
}

/* VIA PadLock instructions are defined with their F3 prefix only. */
static bool padlock_without_rep(const struct sample *s)
{
    return at(s, MAP_0F, 0xa6, 0xa7) && !has_prefix(s, 0xf3);
}

/* 0F 0F with a suffix byte that names no 3DNow! instruction. */
static bool amd3dnow_bad_suffix(const struct sample *s)
{
    return at(s, MAP_0F, 0x0f, 0x0f) && cs_id(s, X86_INS_FEMMS);
}

static bool swapgs(const struct sample *s)
{
    return cs_id(s, X86_INS_SWAPGS);
}

/* --- length ---------------------------------------------------------------------- */

/* 66 E8/E9 is CALL/JMP rel16 in 32-bit code; with F2/F3 after the 66 Capstone reads rel32. */
static bool branch_66_rep(const struct sample *s)
{
    return at(s, MAP_1, 0xe8, 0xe9) && has_prefix(s, 0x66) &&
           (has_prefix(s, 0xf2) || has_prefix(s, 0xf3));
}

/* --- classes ---------------------------------------------------------------------- */

static bool ours_ud_vmx_svm(const struct sample *s)
{
    return s->z.cls == IC_UD && (zy_ext(s, ZYDIS_ISA_EXT_VTX) || zy_ext(s, ZYDIS_ISA_EXT_SVM) ||
                                 zy_ext(s, ZYDIS_ISA_EXT_VMFUNC));
}

static bool ours_ud_rsm(const struct sample *s)
{
    return zy_mnemonic(s, ZYDIS_MNEMONIC_RSM);
}

static bool capstone_unmarked_privileged(const struct sample *s)
{
    return zy_mnemonic(s, ZYDIS_MNEMONIC_CLTS) || zy_mnemonic(s, ZYDIS_MNEMONIC_RDMSR) ||
           zy_mnemonic(s, ZYDIS_MNEMONIC_XSAVES) || zy_mnemonic(s, ZYDIS_MNEMONIC_MONITOR) ||
           zy_mnemonic(s, ZYDIS_MNEMONIC_MWAIT);
}

static bool loop_not_jump(const struct sample *s)
{
    return zy_mnemonic(s, ZYDIS_MNEMONIC_LOOP) || zy_mnemonic(s, ZYDIS_MNEMONIC_LOOPE) ||
           zy_mnemonic(s, ZYDIS_MNEMONIC_LOOPNE);
}

static bool xbegin_ud(const struct sample *s)
{
    return zy_mnemonic(s, ZYDIS_MNEMONIC_XBEGIN) && s->z.cls == IC_UD;
}

static const struct rule rules[] = {
    {D_ZYDIS_ONLY, MBOTH, "ISA extension newer than Capstone 4.0.2", newer_extension},
    {D_ZYDIS_ONLY, MBOTH, "0F 0D / 0F 18-1F hint-NOP space: every ModRM is a NOP or prefetch hint",
     hint_nop_space},
    {D_ZYDIS_ONLY, MBOTH, "LFENCE/MFENCE/SFENCE ignore ModRM.rm; Capstone 4 wants rm=0",
     fence_any_rm},
    {D_ZYDIS_ONLY, MBOTH, "UD0 has a ModRM; Capstone 4 knows only the bare 0F FF", ud0_ud1_modrm},
    {D_ZYDIS_ONLY, M32, "66 F2/F3 before MOV moffs (A0-A3): Capstone 4 rejects, REP is ignored",
     moffs_66_rep},
    {D_ZYDIS_ONLY, M16, "16-bit code: Capstone 4 drops 66/F2/F3 mandatory-prefix forms",
     code16_mandatory_prefix},
    {D_CAPSTONE_ONLY, MBOTH, "LOCK on a non-lockable form is #UD; Capstone 4 does not check LOCK",
     illegal_lock},
    {D_CAPSTONE_ONLY, MBOTH, "MOV CS, r/m (8E /1) is #UD; Capstone 4 decodes it", mov_cs},
    {D_CAPSTONE_ONLY, MBOTH, "MOV to/from CR1, CR5-CR7 is #UD; Capstone 4 decodes it", mov_bad_cr},
    {D_CAPSTONE_ONLY, MBOTH,
     "66/F2/F3 form of a 0F-map opcode the SDM leaves undefined; Capstone 4 ignores the prefix",
     undefined_mandatory_prefix},
    {D_CAPSTONE_ONLY, MBOTH, "66/F2/F3/F0 before VEX/EVEX is #UD; Capstone 4 accepts it",
     vex_legacy_prefix},
    {D_CAPSTONE_ONLY, MBOTH, "SWAPGS exists only in 64-bit mode", swapgs},
    {D_CAPSTONE_ONLY, MBOTH,
     "VIA PadLock (0F A6/A7) is defined only with F3; Capstone 4 accepts it bare",
     padlock_without_rep},
    {D_CAPSTONE_ONLY, MBOTH, "3DNow! suffix byte that names no instruction; Capstone 4 says FEMMS",
     amd3dnow_bad_suffix},
    {D_LENGTH, MBOTH, "UD0/UD1 take a ModRM (SDM); Capstone 4 decodes 0F FF / 0F B9 as 2 bytes",
     ud0_ud1_modrm},
    {D_LENGTH, M32, "66 F2/F3 E8/E9: Capstone 4 drops the 66 and reads rel32; rel16 is right",
     branch_66_rep},
    {D_LENGTH, M16, "16-bit 66/F2 0F 78/79: EXTRQ/INSERTQ (Zydis) vs VMREAD/VMWRITE (Capstone 4)",
     code16_extrq_vmread},
    {D_PRIV_C, M16, "16-bit 66/F2 0F 78/79: EXTRQ/INSERTQ (Zydis) vs VMREAD/VMWRITE (Capstone 4)",
     code16_extrq_vmread},
    {D_PRIV_C, MBOTH, "VMX/SVM: the virtual CPU has neither, so IC_UD (never copied)",
     ours_ud_vmx_svm},
    {D_PRIV_C, MBOTH, "RSM: #UD outside SMM, which the virtual CPU never enters (IC_UD)",
     ours_ud_rsm},
    {D_PRIV_Z, MBOTH, "CPL-0 only per SDM, not in Capstone 4's PRIVILEGE group",
     capstone_unmarked_privileged},
    {D_FLOW, MBOTH, "LOOP/LOOPE/LOOPNE: Capstone 4 omits the JUMP group", loop_not_jump},
    {D_FLOW, MBOTH, "XBEGIN: IC_UD, the virtual CPU has no RTM", xbegin_ud},
    {D_CLASS, MBOTH,
     "newer instruction Capstone 4 reads as its unprefixed neighbour (PTWRITE as XSAVE, "
     "CLRSSBSY as XSAVEOPT, INCSSPD as LFENCE, RDPID as RDSEED)",
     newer_extension},
    {D_CLASS, M16, "16-bit code: Capstone 4 ignores the mandatory prefix and reads the bare opcode",
     code16_mandatory_prefix},
};
#define N_RULES (sizeof(rules) / sizeof(rules[0]))

/* ------------------------------------------------------------------------------------ */
/* The sweep                                                                            */
/* ------------------------------------------------------------------------------------ */

struct tally {
    unsigned long tried, both, agreed, zonly, conly;
    unsigned long listed[D_COUNT];
    unsigned long unlisted[D_COUNT];
    unsigned long rule_hits[N_RULES];
    unsigned printed;
};

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void report_unlisted(struct tally *t, const struct sample *s, enum diff d)
{
    char h[2 * BUF_LEN + 1];
    const unsigned limit = getenv("BT386_XCHECK_ALL") ? ~0u : 40;

    t->unlisted[d]++;
    if (t->printed++ >= limit)
        return;
    hex(s->bytes, 12, h);
    printf("# UNLISTED %s: mode=%d pfx=%s map=%d op=%02x modrm=%02x bytes=%s | zydis: %s len=%d "
           "class=%s | capstone: %s %s len=%d groups=",
           diff_names[d], s->size, prefix_variants[s->pfx].name, s->map, s->op, s->modrm, h,
           s->z_ok ? ZydisMnemonicGetString(s->z.zi.mnemonic) : "-", s->z.len,
           insn_class_name(s->z.cls), s->c_ok ? s->c->mnemonic : "-", s->c_ok ? s->c->op_str : "",
           s->c_ok ? s->c->size : 0);
    for (int g = 0; g <= X86_GRP_BRANCH_RELATIVE; g++)
        if (s->c_grp[g])
            printf("%d,", g);
    printf("\n");
}

/* Record disagreement d of s: listed (first matching rule) or not. */
static void disagree(struct tally *t, const struct sample *s, enum diff d)
{
    for (size_t i = 0; i < N_RULES; i++) {
        if (rules[i].diff == d && rules[i].match(s)) {
            t->listed[d]++;
            t->rule_hits[i]++;
            return;
        }
    }
    report_unlisted(t, s, d);
}

static bool ours_in(enum insn_class c, const enum insn_class *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == c)
            return true;
    return false;
}

#define IN_SET(c, ...)                                                                             \
    ours_in(c, (const enum insn_class[]){__VA_ARGS__},                                             \
            sizeof((const enum insn_class[]){__VA_ARGS__}) / sizeof(enum insn_class))

/* Compare one group with our classes; true when they agree. */
static bool flow_agrees(const struct sample *s)
{
    enum insn_class c = s->z.cls;
    bool jump = IN_SET(c, IC_JMP_REL, IC_JCC_REL, IC_JMP_IND, IC_JMP_FAR);
    bool call = IN_SET(c, IC_CALL_REL, IC_CALL_IND, IC_CALL_FAR);
    bool ret = IN_SET(c, IC_RET, IC_RET_FAR);
    bool intr = IN_SET(c, IC_INT, IC_INTO, IC_INT1, IC_SYSENTER, IC_SYSCALL);
    bool iret = IN_SET(c, IC_IRET, IC_SYSEXIT, IC_SYSRET);
    bool rel = IN_SET(c, IC_JMP_REL, IC_JCC_REL, IC_CALL_REL);

    return jump == s->c_grp[X86_GRP_JUMP] && call == s->c_grp[X86_GRP_CALL] &&
           ret == s->c_grp[X86_GRP_RET] && intr == s->c_grp[X86_GRP_INT] &&
           iret == s->c_grp[X86_GRP_IRET] && rel == s->c_grp[X86_GRP_BRANCH_RELATIVE];
}

/* --- the class Capstone's decoding implies ---------------------------------------------- */

enum reg_kind { RK_OTHER, RK_SEG, RK_CR, RK_DR };

static enum reg_kind cs_reg_kind(const cs_insn *c, int i)
{
    const cs_x86 *x = &c->detail->x86;
    x86_reg r;

    if (i >= x->op_count || x->operands[i].type != X86_OP_REG)
        return RK_OTHER;
    r = x->operands[i].reg;
    if (r == X86_REG_CS || r == X86_REG_DS || r == X86_REG_ES || r == X86_REG_FS ||
        r == X86_REG_GS || r == X86_REG_SS)
        return RK_SEG;
    if (r >= X86_REG_CR0 && r <= X86_REG_CR15)
        return RK_CR;
    if (r >= X86_REG_DR0 && r <= X86_REG_DR15)
        return RK_DR;
    return RK_OTHER;
}

/* The class a sensitive (or always-#UD) instruction must get, from Capstone's instruction
 * id and operands; IC_COUNT for every other instruction (then ours must be IDENT or near
 * control flow). Written from the SDM independently of classify.c. */
static enum insn_class expected_class(const struct sample *s)
{
    const cs_insn *c = s->c;

    if (s->c_vm)
        return IC_UD;
    switch (c->id) {
    case X86_INS_CLI: return IC_CLI;
    case X86_INS_STI: return IC_STI;
    case X86_INS_POPF:
    case X86_INS_POPFD: return IC_POPF;
    case X86_INS_PUSHF:
    case X86_INS_PUSHFD: return IC_PUSHF;
    case X86_INS_IRET:
    case X86_INS_IRETD: return IC_IRET;
    case X86_INS_LJMP: return IC_JMP_FAR;
    case X86_INS_LCALL: return IC_CALL_FAR;
    case X86_INS_RETF: return IC_RET_FAR;
    case X86_INS_INT:
    case X86_INS_INT3: return IC_INT;
    case X86_INS_INTO: return IC_INTO;
    case X86_INS_INT1: return IC_INT1;
    case X86_INS_HLT: return IC_HLT;
    case X86_INS_IN:
    case X86_INS_OUT: return IC_IO;
    case X86_INS_INSB:
    case X86_INS_INSW:
    case X86_INS_INSD:
    case X86_INS_OUTSB:
    case X86_INS_OUTSW:
    case X86_INS_OUTSD: return IC_IO_STRING;
    case X86_INS_LDS:
    case X86_INS_LES:
    case X86_INS_LFS:
    case X86_INS_LGS:
    case X86_INS_LSS: return IC_LOAD_FAR_PTR;
    case X86_INS_LGDT:
    case X86_INS_LIDT:
    case X86_INS_LLDT:
    case X86_INS_LTR:
    case X86_INS_LMSW: return IC_DESC_LOAD;
    case X86_INS_SGDT:
    case X86_INS_SIDT:
    case X86_INS_SLDT:
    case X86_INS_STR:
    case X86_INS_SMSW: return IC_DESC_STORE;
    case X86_INS_LAR:
    case X86_INS_LSL:
    case X86_INS_VERR:
    case X86_INS_VERW: return IC_SEG_CHECK;
    case X86_INS_CLTS: return IC_CLTS;
    case X86_INS_INVLPG:
    case X86_INS_INVPCID: return IC_TLB;
    case X86_INS_INVD:
    case X86_INS_WBINVD: return IC_CACHE;
    case X86_INS_WRMSR: return IC_WRMSR;
    case X86_INS_RDMSR: return IC_RDMSR;
    case X86_INS_CPUID: return IC_CPUID;
    case X86_INS_RDTSCP: return IC_TSC_AUX;
    case X86_INS_SYSENTER: return IC_SYSENTER;
    case X86_INS_SYSEXIT: return IC_SYSEXIT;
    case X86_INS_SYSCALL: return IC_SYSCALL;
    case X86_INS_SYSRET: return IC_SYSRET;
    case X86_INS_XSETBV: return IC_XSETBV;
    case X86_INS_XGETBV: return IC_XGETBV;
    case X86_INS_XSAVE:
    case X86_INS_XSAVEC:
    case X86_INS_XSAVEOPT:
    case X86_INS_XSAVES: return IC_XSAVE;
    case X86_INS_XRSTOR:
    case X86_INS_XRSTORS: return IC_XRSTOR;
    case X86_INS_RDPMC:
    case X86_INS_MONITOR:
    case X86_INS_MWAIT:
    case X86_INS_CLAC:
    case X86_INS_STAC: return IC_PRIV_OTHER;
    case X86_INS_UD0:
    case X86_INS_UD2:
    case X86_INS_UD2B:
    case X86_INS_RSM:
    case X86_INS_GETSEC:
    case X86_INS_ENCLS:
    case X86_INS_ENCLU:
    case X86_INS_XBEGIN:
    case X86_INS_XEND:
    case X86_INS_XABORT:
    case X86_INS_XTEST: return IC_UD;
    case X86_INS_MOV:
        switch (cs_reg_kind(c, 0)) {
        case RK_SEG: return IC_MOV_TO_SEG;
        case RK_CR: return IC_MOV_TO_CR;
        case RK_DR: return IC_MOV_TO_DR;
        default: break;
        }
        switch (cs_reg_kind(c, 1)) {
        case RK_SEG: return IC_MOV_FROM_SEG;
        case RK_CR: return IC_MOV_FROM_CR;
        case RK_DR: return IC_MOV_FROM_DR;
        default: return IC_COUNT;
        }
    case X86_INS_PUSH: return cs_reg_kind(c, 0) == RK_SEG ? IC_PUSH_SEG : IC_COUNT;
    case X86_INS_POP: return cs_reg_kind(c, 0) == RK_SEG ? IC_POP_SEG : IC_COUNT;
    default: return IC_COUNT;
    }
}

static bool class_agrees(const struct sample *s)
{
    enum insn_class want = expected_class(s);
    enum insn_class ours = s->z.cls;

    if (want != IC_COUNT)
        return ours == want;
    return !insn_is_sensitive(&s->z) && ours != IC_UD && ours != IC_PRIV_OTHER;
}

static void compare(struct tally *t, struct sample *s)
{
    bool ok = true;

    t->tried++;
    if (s->z_ok != s->c_ok) {
        if (s->z_ok) {
            t->zonly++;
            disagree(t, s, D_ZYDIS_ONLY);
        } else {
            t->conly++;
            disagree(t, s, D_CAPSTONE_ONLY);
        }
        return;
    }
    if (!s->z_ok)
        return; /* both reject: agreement, nothing more to compare */
    t->both++;
    if (s->z.len != s->c->size) {
        disagree(t, s, D_LENGTH);
        return; /* different instructions: the classes are not comparable */
    }
    if (s->c_grp[X86_GRP_PRIVILEGE] && !insn_is_privileged(&s->z) && !insn_is_sensitive(&s->z)) {
        disagree(t, s, D_PRIV_C);
        ok = false;
    }
    if (insn_is_privileged(&s->z) && !s->c_grp[X86_GRP_PRIVILEGE]) {
        disagree(t, s, D_PRIV_Z);
        ok = false;
    }
    if (!flow_agrees(s)) {
        disagree(t, s, D_FLOW);
        ok = false;
    }
    if (!class_agrees(s)) {
        disagree(t, s, D_CLASS);
        ok = false;
    }
    if (ok)
        t->agreed++;
}

static void decode_both(const struct decoder *dec, csh cs, cs_insn *ci, struct sample *s)
{
    const uint8_t *code = s->bytes;
    size_t size = BUF_LEN;
    uint64_t addr = 0x1000;

    s->z_ok = decode_insn(dec, s->bytes, BUF_LEN, &s->z) == DECODE_OK;
    s->c_ok = cs_disasm_iter(cs, &code, &size, &addr, ci);
    s->c = ci;
    memset(s->c_grp, 0, sizeof(s->c_grp));
    s->c_vm = false;
    if (s->c_ok)
        for (int g = 0; g < ci->detail->groups_count; g++) {
            if (ci->detail->groups[g] <= X86_GRP_BRANCH_RELATIVE)
                s->c_grp[ci->detail->groups[g]] = true;
            if (ci->detail->groups[g] == X86_GRP_VM)
                s->c_vm = true;
        }
}

/* Build the string: prefixes, escape bytes, opcode, ModRM, SIB, pseudo-random tail. */
static void build(struct sample *s, uint32_t *seed)
{
    size_t n = 0;

    memcpy(s->bytes, prefix_variants[s->pfx].bytes, prefix_variants[s->pfx].n);
    n = prefix_variants[s->pfx].n;
    if (s->map != MAP_1)
        s->bytes[n++] = 0x0f;
    if (s->map == MAP_0F38)
        s->bytes[n++] = 0x38;
    if (s->map == MAP_0F3A)
        s->bytes[n++] = 0x3a;
    s->bytes[n++] = s->op;
    s->bytes[n++] = s->modrm;
    s->bytes[n++] = sib_bytes[(s->modrm + s->op * 3u + s->pfx) % sizeof(sib_bytes)];
    while (n < BUF_LEN) {
        *seed = *seed * 1103515245u + 12345u;
        s->bytes[n++] = (uint8_t)(*seed >> 24);
    }
}

/* ModRM bytes tried for an opcode map: all 256, or (three-byte maps) every mod and reg
 * with rm = 0, 4 (SIB), 5 (disp32 / EBP). */
static bool modrm_tried(enum opmap map, unsigned modrm)
{
    unsigned rm = modrm & 7;

    if (map == MAP_1 || map == MAP_0F)
        return true;
    return rm == 0 || rm == 4 || rm == 5;
}

static void sweep(struct tally *t, enum code_size size)
{
    struct decoder dec;
    csh cs;
    cs_insn *ci;
    uint32_t seed = 0x2545f491u;
    struct sample s;

    memset(t, 0, sizeof(*t));
    ck_assert_int_eq(decoder_init(&dec, size), 0);
    ck_assert_int_eq(cs_open(CS_ARCH_X86, size == CODE_16 ? CS_MODE_16 : CS_MODE_32, &cs),
                     CS_ERR_OK);
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    ci = cs_malloc(cs);
    memset(&s, 0, sizeof(s));
    s.size = size;
    for (unsigned map = 0; map < MAP_COUNT; map++) {
        for (unsigned p = 0; p < N_PFX; p++) {
            for (unsigned op = 0; op < 256; op++) {
                if (map == MAP_1 && (op == 0x0f || is_prefix_byte((uint8_t)op)))
                    continue;
                for (unsigned m = 0; m < 256; m++) {
                    if (!modrm_tried(map, m))
                        continue;
                    s.map = map;
                    s.pfx = p;
                    s.op = (uint8_t)op;
                    s.modrm = (uint8_t)m;
                    build(&s, &seed);
                    decode_both(&dec, cs, ci, &s);
                    compare(t, &s);
                }
            }
        }
    }
    cs_free(ci, 1);
    cs_close(&cs);
}

static void print_tally(const struct tally *t, enum code_size size, unsigned mode)
{
    unsigned long listed = 0, unlisted = 0;

    for (int d = 0; d < D_COUNT; d++) {
        listed += t->listed[d];
        unlisted += t->unlisted[d];
    }
    printf("# %d-bit: %lu strings tried, %lu decoded by both, %lu agree fully; zydis-only %lu, "
           "capstone-only %lu; %lu listed differences, %lu unlisted\n",
           size, t->tried, t->both, t->agreed, t->zonly, t->conly, listed, unlisted);
    for (int d = 0; d < D_COUNT; d++)
        printf("#   %-20s listed %7lu  unlisted %lu\n", diff_names[d], t->listed[d],
               t->unlisted[d]);
    for (size_t i = 0; i < N_RULES; i++)
        if (rules[i].modes & mode)
            printf("#   rule %2zu %-19s %7lu  %s\n", i, diff_names[rules[i].diff], t->rule_hits[i],
                   rules[i].reason);
    fflush(stdout);
}

/* Sweep one code size; fail on any unlisted disagreement or on a stale rule. */
static void cross_check(enum code_size size)
{
    static struct tally t;
    const unsigned mode = size == CODE_16 ? M16 : M32;
    unsigned long unlisted = 0;

    sweep(&t, size);
    print_tally(&t, size, mode);
    for (int d = 0; d < D_COUNT; d++)
        unlisted += t.unlisted[d];
    ck_assert_msg(unlisted == 0, "%lu unlisted disagreements with Capstone (%d-bit)", unlisted,
                  size);
    for (size_t i = 0; i < N_RULES; i++)
        ck_assert_msg(!(rules[i].modes & mode) || t.rule_hits[i] > 0, "stale rule %zu (%d-bit): %s",
                      i, size, rules[i].reason);
    /* A rule must not fire where it is not expected either. */
    for (size_t i = 0; i < N_RULES; i++)
        ck_assert_msg((rules[i].modes & mode) || t.rule_hits[i] == 0,
                      "rule %zu fired in %d-bit code: %s", i, size, rules[i].reason);
    /* The sweep must have exercised both decoders on most strings. */
    ck_assert_uint_gt(t.both, t.tried / 2);
}

START_TEST(capstone_cross_check_32)
{
    cross_check(CODE_32);
}
END_TEST

START_TEST(capstone_cross_check_16)
{
    cross_check(CODE_16);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("classify_capstone");
    TCase *tc = tcase_create("cross_check");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, capstone_cross_check_32);
    tcase_add_test(tc, capstone_cross_check_16);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
