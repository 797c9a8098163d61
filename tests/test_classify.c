/* test_classify.c — hand-written decode/classification cases for translator/.
 *
 * Each case is a byte string (hex), the code size, the expected length and
 * the expected class. Decoding always gets 16 bytes (the case padded with
 * NOPs) so that the length comes from the decoder, not from the buffer end. */
#include <stdio.h>
#include <string.h>

#include "tests/unit.h"
#include "translator/classify.h"
#include "translator/decode.h"

struct kase {
    const char *what;
    const char *hex;
    int len;
    enum insn_class cls;
};

/* Parse "0f 01 10" into bytes; returns the count. */
static size_t parse_hex(const char *hex, uint8_t *out, size_t max)
{
    size_t n = 0;
    unsigned v;
    int used;

    while (n < max && sscanf(hex, " %2x%n", &v, &used) == 1) {
        out[n++] = (uint8_t)v;
        hex += used;
    }
    return n;
}

/* Decode hex (padded with NOPs to 16 bytes) in the given code size. */
static enum decode_status decode_hex(enum code_size size, const char *hex, struct insn *in)
{
    struct decoder dec;
    uint8_t buf[16];

    memset(buf, 0x90, sizeof(buf));
    parse_hex(hex, buf, sizeof(buf));
    ck_assert_int_eq(decoder_init(&dec, size), 0);
    return decode_insn(&dec, buf, sizeof(buf), in);
}

static void check_cases(enum code_size size, const struct kase *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct insn in;
        enum decode_status st = decode_hex(size, k[i].hex, &in);

        ck_assert_msg(st == DECODE_OK, "%s [%s]: decode %s", k[i].what, k[i].hex,
                      decode_status_name(st));
        ck_assert_msg(in.len == k[i].len, "%s [%s]: length %d, want %d", k[i].what, k[i].hex,
                      in.len, k[i].len);
        ck_assert_msg(in.cls == k[i].cls, "%s [%s]: class %s, want %s", k[i].what, k[i].hex,
                      insn_class_name(in.cls), insn_class_name(k[i].cls));
    }
}

#define CHECK32(tab) check_cases(CODE_32, tab, sizeof(tab) / sizeof(tab[0]))
#define CHECK16(tab) check_cases(CODE_16, tab, sizeof(tab) / sizeof(tab[0]))

/* --- control-sensitive ------------------------------------------------------ */

static const struct kase control_sensitive[] = {
    {"cli", "fa", 1, IC_CLI},
    {"sti", "fb", 1, IC_STI},
    {"popfd", "9d", 1, IC_POPF},
    {"popf (16-bit)", "66 9d", 2, IC_POPF},
    {"iretd", "cf", 1, IC_IRET},
    {"iret (16-bit)", "66 cf", 2, IC_IRET},
    {"jmp far ptr16:32", "ea 44 33 22 11 08 00", 7, IC_JMP_FAR},
    {"jmp far ptr16:16", "66 ea 22 11 08 00", 6, IC_JMP_FAR},
    {"jmp far m16:32 [eax]", "ff 28", 2, IC_JMP_FAR},
    {"jmp far m16:32 [disp32]", "ff 2d 00 10 00 00", 6, IC_JMP_FAR},
    {"jmp far m16:32 [esp+8]", "ff 6c 24 08", 4, IC_JMP_FAR},
    {"jmp far m16:16", "66 ff 28", 3, IC_JMP_FAR},
    {"jmp far cs:[ebx+esi*4+disp32]", "2e ff ac b3 00 01 00 00", 8, IC_JMP_FAR},
    {"call far ptr16:32", "9a 44 33 22 11 08 00", 7, IC_CALL_FAR},
    {"call far ptr16:16", "66 9a 22 11 08 00", 6, IC_CALL_FAR},
    {"call far m16:32 [eax]", "ff 18", 2, IC_CALL_FAR},
    {"call far m16:32 [esp+4]", "ff 5c 24 04", 4, IC_CALL_FAR},
    {"call far m16:32 [disp32]", "ff 1d 00 20 00 00", 6, IC_CALL_FAR},
    {"retf", "cb", 1, IC_RET_FAR},
    {"retf imm16", "ca 08 00", 3, IC_RET_FAR},
    {"retf (16-bit)", "66 cb", 2, IC_RET_FAR},
    {"int 0x80", "cd 80", 2, IC_INT},
    {"int 3 (two bytes)", "cd 03", 2, IC_INT},
    {"int3", "cc", 1, IC_INT},
    {"into", "ce", 1, IC_INTO},
    {"int1/icebp", "f1", 1, IC_INT1},
    {"hlt", "f4", 1, IC_HLT},
    {"mov cr0, eax", "0f 22 c0", 3, IC_MOV_TO_CR},
    {"mov cr3, eax (mod bits ignored)", "0f 22 18", 3, IC_MOV_TO_CR},
    {"mov cr4, ecx", "0f 22 e1", 3, IC_MOV_TO_CR},
    {"mov dr7, eax", "0f 23 f8", 3, IC_MOV_TO_DR},
    {"mov dr0, edx", "0f 23 c2", 3, IC_MOV_TO_DR},
    {"lgdt [eax]", "0f 01 10", 3, IC_DESC_LOAD},
    {"lgdt [disp32]", "0f 01 15 00 10 00 00", 7, IC_DESC_LOAD},
    {"lgdt (66) [eax]", "66 0f 01 10", 4, IC_DESC_LOAD},
    {"lgdt cs:[esp+ebx*2+8]", "2e 0f 01 54 5c 08", 6, IC_DESC_LOAD},
    {"lidt [eax]", "0f 01 18", 3, IC_DESC_LOAD},
    {"lidt [ebp-4]", "0f 01 5d fc", 4, IC_DESC_LOAD},
    {"lldt ax", "0f 00 d0", 3, IC_DESC_LOAD},
    {"lldt [eax]", "0f 00 10", 3, IC_DESC_LOAD},
    {"ltr ax", "0f 00 d8", 3, IC_DESC_LOAD},
    {"ltr [esi]", "0f 00 1e", 3, IC_DESC_LOAD},
    {"lmsw ax", "0f 01 f0", 3, IC_DESC_LOAD},
    {"lmsw [eax]", "0f 01 30", 3, IC_DESC_LOAD},
    {"clts", "0f 06", 2, IC_CLTS},
    {"invlpg [eax]", "0f 01 38", 3, IC_TLB},
    {"invlpg fs:[disp32]", "64 0f 01 3d 00 10 00 00", 8, IC_TLB},
    {"invpcid eax, [ecx]", "66 0f 38 82 01", 5, IC_TLB},
    {"invd", "0f 08", 2, IC_CACHE},
    {"wbinvd", "0f 09", 2, IC_CACHE},
    {"wbnoinvd (f3 wbinvd)", "f3 0f 09", 3, IC_CACHE},
    {"wrmsr", "0f 30", 2, IC_WRMSR},
    {"in al, imm8", "e4 60", 2, IC_IO},
    {"in eax, imm8", "e5 60", 2, IC_IO},
    {"in ax, imm8", "66 e5 60", 3, IC_IO},
    {"in al, dx", "ec", 1, IC_IO},
    {"rep in al, imm8 (REP ignored)", "f3 e4 60", 3, IC_IO},
    {"in eax, dx", "ed", 1, IC_IO},
    {"in ax, dx", "66 ed", 2, IC_IO},
    {"out imm8, al", "e6 80", 2, IC_IO},
    {"out imm8, eax", "e7 80", 2, IC_IO},
    {"out dx, al", "ee", 1, IC_IO},
    {"out dx, eax", "ef", 1, IC_IO},
    {"out dx, ax", "66 ef", 2, IC_IO},
    {"insb", "6c", 1, IC_IO_STRING},
    {"insd", "6d", 1, IC_IO_STRING},
    {"insw", "66 6d", 2, IC_IO_STRING},
    {"rep insb", "f3 6c", 2, IC_IO_STRING},
    {"rep insd", "f3 6d", 2, IC_IO_STRING},
    {"rep insw (66 f3)", "66 f3 6d", 3, IC_IO_STRING},
    {"rep insw (f3 66)", "f3 66 6d", 3, IC_IO_STRING},
    {"rep insd a16", "67 f3 6d", 3, IC_IO_STRING},
    {"outsb", "6e", 1, IC_IO_STRING},
    {"outsd", "6f", 1, IC_IO_STRING},
    {"rep outsb", "f3 6e", 2, IC_IO_STRING},
    {"rep outsd", "f3 6f", 2, IC_IO_STRING},
    {"rep outsb cs:", "2e f3 6e", 3, IC_IO_STRING},
    {"outsd fs:", "64 6f", 2, IC_IO_STRING},
    {"mov ds, ax", "8e d8", 2, IC_MOV_TO_SEG},
    {"mov ss, ax", "8e d0", 2, IC_MOV_TO_SEG},
    {"mov es, ax", "8e c0", 2, IC_MOV_TO_SEG},
    {"mov fs, ax", "8e e0", 2, IC_MOV_TO_SEG},
    {"mov gs, ax", "8e e8", 2, IC_MOV_TO_SEG},
    {"mov ds, [eax]", "8e 18", 2, IC_MOV_TO_SEG},
    {"mov ds, [esp+4]", "8e 5c 24 04", 4, IC_MOV_TO_SEG},
    {"mov ss, [disp32]", "8e 15 00 10 00 00", 6, IC_MOV_TO_SEG},
    {"mov ds, ax (66)", "66 8e d8", 3, IC_MOV_TO_SEG},
    {"pop ss", "17", 1, IC_POP_SEG},
    {"pop ds", "1f", 1, IC_POP_SEG},
    {"pop es", "07", 1, IC_POP_SEG},
    {"pop fs", "0f a1", 2, IC_POP_SEG},
    {"pop gs", "0f a9", 2, IC_POP_SEG},
    {"pop ds (16-bit)", "66 1f", 2, IC_POP_SEG},
    {"lds eax, [esi]", "c5 06", 2, IC_LOAD_FAR_PTR},
    {"les ebx, [esi]", "c4 1e", 2, IC_LOAD_FAR_PTR},
    {"lfs eax, [esi]", "0f b4 06", 3, IC_LOAD_FAR_PTR},
    {"lgs eax, [esi]", "0f b5 06", 3, IC_LOAD_FAR_PTR},
    {"lss esp, [esi]", "0f b2 26", 3, IC_LOAD_FAR_PTR},
    {"lss sp, [esi] (66)", "66 0f b2 26", 4, IC_LOAD_FAR_PTR},
    {"lds eax, [ebx+disp32]", "c5 83 00 01 00 00", 6, IC_LOAD_FAR_PTR},
    {"sysenter", "0f 34", 2, IC_SYSENTER},
    {"sysexit", "0f 35", 2, IC_SYSEXIT},
    {"syscall", "0f 05", 2, IC_SYSCALL},
    {"sysret", "0f 07", 2, IC_SYSRET},
    {"xsetbv", "0f 01 d1", 3, IC_XSETBV},
    {"xrstor [eax]", "0f ae 28", 3, IC_XRSTOR},
    {"xrstors [eax]", "0f c7 18", 3, IC_XRSTOR},
    {"rdpmc", "0f 33", 2, IC_PRIV_OTHER},
    {"monitor", "0f 01 c8", 3, IC_PRIV_OTHER},
    {"mwait", "0f 01 c9", 3, IC_PRIV_OTHER},
    {"clac", "0f 01 ca", 3, IC_PRIV_OTHER},
    {"stac", "0f 01 cb", 3, IC_PRIV_OTHER},
};

START_TEST(control_sensitive_classes)
{
    CHECK32(control_sensitive);
}
END_TEST

/* --- behaviour-sensitive ---------------------------------------------------- */

static const struct kase behaviour_sensitive[] = {
    {"pushfd", "9c", 1, IC_PUSHF},
    {"pushf (16-bit)", "66 9c", 2, IC_PUSHF},
    {"sgdt [eax]", "0f 01 00", 3, IC_DESC_STORE},
    {"sgdt [disp32]", "0f 01 05 00 10 00 00", 7, IC_DESC_STORE},
    {"sidt [esp]", "0f 01 0c 24", 4, IC_DESC_STORE},
    {"sidt ss:[ebp+8]", "36 0f 01 4d 08", 5, IC_DESC_STORE},
    {"sldt eax", "0f 00 c0", 3, IC_DESC_STORE},
    {"sldt ax", "66 0f 00 c0", 4, IC_DESC_STORE},
    {"sldt [eax]", "0f 00 00", 3, IC_DESC_STORE},
    {"str eax", "0f 00 c8", 3, IC_DESC_STORE},
    {"str [eax]", "0f 00 08", 3, IC_DESC_STORE},
    {"str [ebx+esi*8+disp8]", "0f 00 4c f3 10", 5, IC_DESC_STORE},
    {"smsw eax (reveals CR0)", "0f 01 e0", 3, IC_DESC_STORE},
    {"smsw ax", "66 0f 01 e0", 4, IC_DESC_STORE},
    {"smsw [eax]", "0f 01 20", 3, IC_DESC_STORE},
    {"lar eax, ecx", "0f 02 c1", 3, IC_SEG_CHECK},
    {"lar eax, [esi]", "0f 02 06", 3, IC_SEG_CHECK},
    {"lsl eax, ecx", "0f 03 c1", 3, IC_SEG_CHECK},
    {"lsl ax, [eax] (66)", "66 0f 03 00", 4, IC_SEG_CHECK},
    {"verr ax", "0f 00 e0", 3, IC_SEG_CHECK},
    {"verw ax", "0f 00 e8", 3, IC_SEG_CHECK},
    {"verw [disp32]", "0f 00 2d 00 10 00 00", 7, IC_SEG_CHECK},
    {"mov eax, ds (MOV r32, Sreg)", "8c d8", 2, IC_MOV_FROM_SEG},
    {"mov ax, ds (MOV r16, Sreg)", "66 8c d8", 3, IC_MOV_FROM_SEG},
    {"mov eax, cs", "8c c8", 2, IC_MOV_FROM_SEG},
    {"mov eax, ss", "8c d0", 2, IC_MOV_FROM_SEG},
    {"mov [eax], ds (MOV m16, Sreg)", "8c 18", 2, IC_MOV_FROM_SEG},
    {"mov [disp32], cs", "8c 0d 00 10 00 00", 6, IC_MOV_FROM_SEG},
    {"mov gs:[eax], fs", "65 8c 20", 3, IC_MOV_FROM_SEG},
    {"push cs", "0e", 1, IC_PUSH_SEG},
    {"push ss", "16", 1, IC_PUSH_SEG},
    {"push ds", "1e", 1, IC_PUSH_SEG},
    {"push es", "06", 1, IC_PUSH_SEG},
    {"push fs", "0f a0", 2, IC_PUSH_SEG},
    {"push gs", "0f a8", 2, IC_PUSH_SEG},
    {"push cs (16-bit)", "66 0e", 2, IC_PUSH_SEG},
    {"mov eax, cr0", "0f 20 c0", 3, IC_MOV_FROM_CR},
    {"mov eax, cr2", "0f 20 d0", 3, IC_MOV_FROM_CR},
    {"mov eax, dr6", "0f 21 f0", 3, IC_MOV_FROM_DR},
    {"cpuid", "0f a2", 2, IC_CPUID},
    {"rdmsr", "0f 32", 2, IC_RDMSR},
    {"rdtscp", "0f 01 f9", 3, IC_TSC_AUX},
    {"rdpid eax", "f3 0f c7 f8", 4, IC_TSC_AUX},
    {"xgetbv", "0f 01 d0", 3, IC_XGETBV},
    {"xsave [eax]", "0f ae 20", 3, IC_XSAVE},
    {"xsaveopt [eax]", "0f ae 30", 3, IC_XSAVE},
    {"xsavec [eax]", "0f c7 20", 3, IC_XSAVE},
    {"xsaves [eax]", "0f c7 28", 3, IC_XSAVE},
};

START_TEST(behaviour_sensitive_classes)
{
    CHECK32(behaviour_sensitive);
}
END_TEST

/* --- innocuous ---------------------------------------------------------------- */

static const struct kase innocuous[] = {
    {"add eax, ecx", "01 c8", 2, IC_IDENT},
    {"mov ebp, esp", "89 e5", 2, IC_IDENT},
    {"mov eax, [ebp+8]", "8b 45 08", 3, IC_IDENT},
    {"mov eax, [esp]", "8b 04 24", 3, IC_IDENT},
    {"mov eax, [disp32]", "8b 05 00 10 00 00", 6, IC_IDENT},
    {"mov eax, [ebp*4+disp32] (SIB base 5, mod 0)", "8b 04 ad 00 10 00 00", 7, IC_IDENT},
    {"mov dword [disp32], imm32", "c7 05 00 10 00 00 01 00 00 00", 10, IC_IDENT},
    {"mov word [disp32], imm16", "66 c7 05 00 10 00 00 01 00", 9, IC_IDENT},
    {"mov ax, [bx+si] (a16)", "67 8b 00", 3, IC_IDENT},
    {"mov eax, [disp16] (a16)", "67 8b 06 00 10", 5, IC_IDENT},
    {"add esp, 16", "83 c4 10", 3, IC_IDENT},
    {"sub esp, imm32", "81 ec 00 01 00 00", 6, IC_IDENT},
    {"push imm32", "68 00 10 00 00", 5, IC_IDENT},
    {"push imm8", "6a 01", 2, IC_IDENT},
    {"push imm16", "66 68 00 10", 4, IC_IDENT},
    {"push eax", "50", 1, IC_IDENT},
    {"pop eax", "58", 1, IC_IDENT},
    {"push [eax]", "ff 30", 2, IC_IDENT},
    {"pop [eax]", "8f 00", 2, IC_IDENT},
    {"pushad", "60", 1, IC_IDENT},
    {"popad", "61", 1, IC_IDENT},
    {"rep movsd", "f3 a5", 2, IC_IDENT},
    {"rep stosb", "f3 aa", 2, IC_IDENT},
    {"movsb es:[edi], fs:[esi]", "64 a4", 2, IC_IDENT},
    {"repne scasb", "f2 ae", 2, IC_IDENT},
    {"lock cmpxchg [edx], ecx", "f0 0f b1 0a", 4, IC_IDENT},
    {"lock inc dword [eax]", "f0 ff 00", 3, IC_IDENT},
    {"lock xadd [eax], ecx", "f0 0f c1 08", 4, IC_IDENT},
    {"xchg [ebx], eax", "87 03", 2, IC_IDENT},
    {"imul eax, ecx", "0f af c1", 3, IC_IDENT},
    {"movzx eax, al", "0f b6 c0", 3, IC_IDENT},
    {"lea eax, [esp+4]", "8d 44 24 04", 4, IC_IDENT},
    {"leave", "c9", 1, IC_IDENT},
    {"enter 8, 0", "c8 08 00 00", 4, IC_IDENT},
    {"sahf", "9e", 1, IC_IDENT},
    {"lahf", "9f", 1, IC_IDENT},
    {"xlat", "d7", 1, IC_IDENT},
    {"nop", "90", 1, IC_IDENT},
    {"pause", "f3 90", 2, IC_IDENT},
    {"nop dword [eax+eax]", "0f 1f 44 00 00", 5, IC_IDENT},
    {"rdtsc (host TSC is the virtual TSC)", "0f 31", 2, IC_IDENT},
    {"bound (raises #BR like native)", "62 06", 2, IC_IDENT},
    {"arpl ax, cx", "63 c8", 2, IC_IDENT},
    {"daa", "27", 1, IC_IDENT},
    {"aam", "d4 0a", 2, IC_IDENT},
    {"mov eax, fs:[eax]", "64 8b 00", 3, IC_IDENT},
    {"mov eax, gs:moffs32", "65 a1 00 10 00 00", 6, IC_IDENT},
    {"cld", "fc", 1, IC_IDENT},
    {"std", "fd", 1, IC_IDENT},
    {"clc", "f8", 1, IC_IDENT},
    {"bswap eax", "0f c8", 2, IC_IDENT},
    {"bt [eax], ecx", "0f a3 08", 3, IC_IDENT},
    {"setz al", "0f 94 c0", 3, IC_IDENT},
    {"cmovz eax, ecx", "0f 44 c1", 3, IC_IDENT},
    {"cmpxchg8b [esi]", "0f c7 0e", 3, IC_IDENT},
    {"fld st0", "d9 c0", 2, IC_IDENT},
    {"fstp qword [esp]", "dd 1c 24", 3, IC_IDENT},
    {"fnstsw ax", "df e0", 2, IC_IDENT},
    {"fnstsw [eax]", "dd 38", 2, IC_IDENT},
    {"fnstcw [eax]", "d9 38", 2, IC_IDENT},
    {"fninit", "db e3", 2, IC_IDENT},
    {"fwait", "9b", 1, IC_IDENT},
    {"fnsave [eax]", "dd 30", 2, IC_IDENT},
    {"fnstenv [eax]", "d9 30", 2, IC_IDENT},
    {"movq mm0, mm1", "0f 6f c1", 3, IC_IDENT},
    {"emms", "0f 77", 2, IC_IDENT},
    {"movdqa xmm0, xmm1", "66 0f 6f c1", 4, IC_IDENT},
    {"movaps xmm0, xmm1", "0f 28 c1", 3, IC_IDENT},
    {"movss xmm0, [eax]", "f3 0f 10 00", 4, IC_IDENT},
    {"fxsave [eax]", "0f ae 00", 3, IC_IDENT},
    {"fxrstor [eax]", "0f ae 08", 3, IC_IDENT},
    {"ldmxcsr [eax]", "0f ae 10", 3, IC_IDENT},
    {"stmxcsr [eax]", "0f ae 18", 3, IC_IDENT},
    {"sfence", "0f ae f8", 3, IC_IDENT},
    {"lfence", "0f ae e8", 3, IC_IDENT},
    {"mfence", "0f ae f0", 3, IC_IDENT},
    {"clflush [eax]", "0f ae 38", 3, IC_IDENT},
    {"vzeroupper (VEX in 32-bit mode)", "c5 f8 77", 3, IC_IDENT},
    {"pshufb xmm0, xmm1", "66 0f 38 00 c1", 5, IC_IDENT},
    {"palignr xmm0, xmm1, 8", "66 0f 3a 0f c1 08", 6, IC_IDENT},
    {"endbr32 (hint NOP)", "f3 0f 1e fb", 4, IC_IDENT},
    {"rdrand eax", "0f c7 f0", 3, IC_IDENT},
    {"prefetchw [eax]", "0f 0d 08", 3, IC_IDENT},
    {"popcnt eax, ecx", "f3 0f b8 c1", 4, IC_IDENT},
    {"movbe eax, [ecx]", "0f 38 f0 01", 4, IC_IDENT},
    {"crc32 eax, cl", "f2 0f 38 f0 c1", 5, IC_IDENT},
};

START_TEST(innocuous_is_ident)
{
    CHECK32(innocuous);
}
END_TEST

/* --- control flow --------------------------------------------------------------- */

static const struct kase control_flow[] = {
    {"jmp rel8", "eb fe", 2, IC_JMP_REL},
    {"jmp rel32", "e9 00 01 00 00", 5, IC_JMP_REL},
    {"jmp rel16 (66)", "66 e9 00 01", 4, IC_JMP_REL},
    {"jmp rel8 (66)", "66 eb 10", 3, IC_JMP_REL},
    {"je rel8", "74 10", 2, IC_JCC_REL},
    {"jne rel32", "0f 85 00 01 00 00", 6, IC_JCC_REL},
    {"je rel16 (66)", "66 0f 84 00 01", 5, IC_JCC_REL},
    {"jg rel8 with ds branch hint", "3e 7f 10", 3, IC_JCC_REL},
    {"jo rel8", "70 10", 2, IC_JCC_REL},
    {"jle rel32", "0f 8e 00 01 00 00", 6, IC_JCC_REL},
    {"loop", "e2 fe", 2, IC_JCC_REL},
    {"loope", "e1 fe", 2, IC_JCC_REL},
    {"loopne", "e0 fe", 2, IC_JCC_REL},
    {"loop (a16: cx)", "67 e2 fe", 3, IC_JCC_REL},
    {"jecxz", "e3 fe", 2, IC_JCC_REL},
    {"jcxz (a16)", "67 e3 fe", 3, IC_JCC_REL},
    {"call rel32", "e8 00 01 00 00", 5, IC_CALL_REL},
    {"call rel16 (66)", "66 e8 00 01", 4, IC_CALL_REL},
    {"ret", "c3", 1, IC_RET},
    {"ret imm16", "c2 08 00", 3, IC_RET},
    {"ret (66)", "66 c3", 2, IC_RET},
    {"rep ret", "f3 c3", 2, IC_RET},
    {"jmp eax", "ff e0", 2, IC_JMP_IND},
    {"jmp [eax]", "ff 20", 2, IC_JMP_IND},
    {"jmp [eax*4+disp32]", "ff 24 85 00 10 00 00", 7, IC_JMP_IND},
    {"jmp [disp32]", "ff 25 00 10 00 00", 6, IC_JMP_IND},
    {"notrack jmp eax", "3e ff e0", 3, IC_JMP_IND},
    {"jmp ax (66)", "66 ff e0", 3, IC_JMP_IND},
    {"jmp cs:[ebx]", "2e ff 23", 3, IC_JMP_IND},
    {"call eax", "ff d0", 2, IC_CALL_IND},
    {"call [eax]", "ff 10", 2, IC_CALL_IND},
    {"call [disp32]", "ff 15 00 10 00 00", 6, IC_CALL_IND},
    {"call [esp]", "ff 14 24", 3, IC_CALL_IND},
    {"call [esp+8]", "ff 54 24 08", 4, IC_CALL_IND},
    {"call [ebx+esi*4+disp32]", "ff 94 b3 00 01 00 00", 7, IC_CALL_IND},
};

START_TEST(control_flow_classes)
{
    CHECK32(control_flow);
}
END_TEST

/* --- #UD on the virtual CPU --------------------------------------------------------- */

static const struct kase always_ud[] = {
    {"ud2", "0f 0b", 2, IC_UD},
    {"ud1 eax, eax (has ModRM)", "0f b9 c0", 3, IC_UD},
    {"ud0 eax, eax (has ModRM)", "0f ff c0", 3, IC_UD},
    {"rsm (never in SMM)", "0f aa", 2, IC_UD},
    {"vmcall (no VMX)", "0f 01 c1", 3, IC_UD},
    {"vmxon [eax] (no VMX)", "f3 0f c7 30", 4, IC_UD},
    {"vmread eax, ecx (no VMX)", "0f 78 c8", 3, IC_UD},
    {"vmrun (no SVM)", "0f 01 d8", 3, IC_UD},
    {"invlpga (no SVM)", "0f 01 df", 3, IC_UD},
    {"getsec (no SMX)", "0f 37", 2, IC_UD},
    {"enclu (no SGX)", "0f 01 d7", 3, IC_UD},
    {"xbegin (no RTM)", "c7 f8 00 00 00 00", 6, IC_UD},
    {"xend (no RTM)", "0f 01 d5", 3, IC_UD},
    {"xtest (no RTM/HLE)", "0f 01 d6", 3, IC_UD},
    {"xabort (no RTM)", "c6 f8 01", 3, IC_UD},
    {"wrpkru (no PKU)", "0f 01 ef", 3, IC_UD},
    {"rdpkru (no PKU)", "0f 01 ee", 3, IC_UD},
    {"incsspd (no CET)", "f3 0f ae e8", 4, IC_UD},
    {"setssbsy (no CET)", "f3 0f 01 e8", 4, IC_UD},
    {"enqcmds ecx, [eax] (no ENQCMD)", "f3 0f 38 f8 08", 5, IC_UD},
    {"enqcmd ecx, [eax] (no ENQCMD)", "f2 0f 38 f8 08", 5, IC_UD},
};

START_TEST(undefined_on_virtual_cpu)
{
    CHECK32(always_ud);
}
END_TEST

/* --- decode errors ------------------------------------------------------------------ */

struct bad {
    const char *what;
    const char *hex;
    int avail; /* bytes handed to the decoder; -1: the whole NOP-padded buffer */
    enum decode_status want;
};

static const struct bad bad_cases[] = {
    {"mov cs, ax is #UD", "8e c8", -1, DECODE_INVALID},
    {"mov cs, [eax] is #UD", "8e 08", -1, DECODE_INVALID},
    {"mov sreg6, ax is #UD", "8e f0", -1, DECODE_INVALID},
    {"mov eax, sreg7 is #UD", "8c f8", -1, DECODE_INVALID},
    {"lock add eax, ecx (register destination)", "f0 01 c8", -1, DECODE_INVALID},
    {"lock cli", "f0 fa", -1, DECODE_INVALID},
    {"lock mov cr0 (AMD's CR8 alias)", "f0 0f 22 c0", -1, DECODE_INVALID},
    {"lock mov ds, ax", "f0 8e d8", -1, DECODE_INVALID},
    {"lgdt with a register operand (0f 01 d2)", "0f 01 d2", -1, DECODE_INVALID},
    {"clgi (0f 01 dd) decodes, as #UD class", "0f 01 dd", -1, DECODE_OK},
    {"invlpg with a register operand", "0f 01 f8", -1, DECODE_INVALID}, /* SWAPGS: 64-bit only */
    {"c4 with mod=3 is a VEX prefix, not LES", "c4 c0", 2, DECODE_NEED_MORE},
    {"mov tr, eax (486 test registers)", "0f 26 c0", -1, DECODE_INVALID},
    {"ff /7", "ff ff", -1, DECODE_INVALID},
    {"fe /2", "fe 10", -1, DECODE_INVALID},
    {"0f 04", "0f 04", -1, DECODE_INVALID},
    {"truncated two-byte opcode", "0f", 1, DECODE_NEED_MORE},
    {"truncated rel32", "e9 00 00", 3, DECODE_NEED_MORE},
    {"truncated modrm", "0f 01", 2, DECODE_NEED_MORE},
    {"truncated far pointer", "ea 00 10 00 00 08", 6, DECODE_NEED_MORE},
    {"prefixes only", "66 f3", 2, DECODE_NEED_MORE},
    {"nothing", "", 0, DECODE_NEED_MORE},
};

START_TEST(decode_errors)
{
    struct decoder dec;

    ck_assert_int_eq(decoder_init(&dec, CODE_32), 0);
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad *b = &bad_cases[i];
        uint8_t buf[16];
        struct insn in;
        enum decode_status st;

        memset(buf, 0x90, sizeof(buf));
        parse_hex(b->hex, buf, sizeof(buf));
        st = decode_insn(&dec, buf, b->avail < 0 ? sizeof(buf) : (size_t)b->avail, &in);
        ck_assert_msg(st == b->want, "%s [%s]: %s, want %s", b->what, b->hex,
                      decode_status_name(st), decode_status_name(b->want));
        if (st != DECODE_OK) {
            ck_assert_int_eq(in.len, 0);
            ck_assert_int_eq(in.cls, IC_INVALID);
        }
    }
}
END_TEST

START_TEST(instruction_length_limit)
{
    struct decoder dec;
    uint8_t buf[20];
    struct insn in;

    ck_assert_int_eq(decoder_init(&dec, CODE_32), 0);
    /* 14 operand-size prefixes + NOP: exactly 15 bytes, legal. */
    memset(buf, 0x66, sizeof(buf));
    buf[14] = 0x90;
    ck_assert_int_eq(decode_insn(&dec, buf, sizeof(buf), &in), DECODE_OK);
    ck_assert_int_eq(in.len, 15);
    ck_assert_int_eq(in.cls, IC_IDENT);
    /* 15 prefixes + NOP: 16 bytes, #GP(0) (SDM Vol. 2, 2.3.11). */
    buf[14] = 0x66;
    buf[15] = 0x90;
    ck_assert_int_eq(decode_insn(&dec, buf, sizeof(buf), &in), DECODE_TOO_LONG);
    /* Only 15 bytes available, all prefixes: still too long, not "need more". */
    ck_assert_int_eq(decode_insn(&dec, buf, 15, &in), DECODE_TOO_LONG);
    /* 16-byte segment-override run before a sensitive instruction. */
    memset(buf, 0x2e, sizeof(buf));
    buf[15] = 0xfa;
    ck_assert_int_eq(decode_insn(&dec, buf, 16, &in), DECODE_TOO_LONG);
}
END_TEST

START_TEST(decoder_init_rejects_bad_size)
{
    struct decoder dec;

    ck_assert_int_eq(decoder_init(&dec, (enum code_size)64), -1);
    ck_assert_int_eq(decoder_init(&dec, CODE_16), 0);
    ck_assert_int_eq(dec.size, CODE_16);
}
END_TEST

/* --- 16-bit code segments ------------------------------------------------------------ */

static const struct kase code16[] = {
    {"str ax", "0f 00 c8", 3, IC_DESC_STORE},
    {"0f is an escape, never POP CS", "0f 0b", 2, IC_UD},
    {"pop fs", "0f a1", 2, IC_POP_SEG},
    {"pushf", "9c", 1, IC_PUSHF},
    {"pushfd (66)", "66 9c", 2, IC_PUSHF},
    {"popf", "9d", 1, IC_POPF},
    {"jmp far ptr16:16", "ea 00 10 00 f0", 5, IC_JMP_FAR},
    {"jmp far ptr16:32 (66)", "66 ea 00 10 00 00 f0 00", 8, IC_JMP_FAR},
    {"jmp far m16:16 [bx]", "ff 2f", 2, IC_JMP_FAR},
    {"call far ptr16:16", "9a 00 10 00 f0", 5, IC_CALL_FAR},
    {"jmp rel16", "e9 00 10", 3, IC_JMP_REL},
    {"jmp rel32 (66)", "66 e9 00 10 00 00", 6, IC_JMP_REL},
    {"jz rel16", "0f 84 00 10", 4, IC_JCC_REL},
    {"call rel16", "e8 00 10", 3, IC_CALL_REL},
    {"call [bx]", "ff 17", 2, IC_CALL_IND},
    {"ret", "c3", 1, IC_RET},
    {"retf", "cb", 1, IC_RET_FAR},
    {"int 0x10", "cd 10", 2, IC_INT},
    {"iret", "cf", 1, IC_IRET},
    {"cli", "fa", 1, IC_CLI},
    {"mov ds, ax", "8e d8", 2, IC_MOV_TO_SEG},
    {"mov ss, [bp+2]", "8e 56 02", 3, IC_MOV_TO_SEG},
    {"mov ax, cs", "8c c8", 2, IC_MOV_FROM_SEG},
    {"push cs", "0e", 1, IC_PUSH_SEG},
    {"in al, 0x60", "e4 60", 2, IC_IO},
    {"rep insw", "f3 6d", 2, IC_IO_STRING},
    {"smsw ax", "0f 01 e0", 3, IC_DESC_STORE},
    {"lmsw ax", "0f 01 f0", 3, IC_DESC_LOAD},
    {"lgdt [disp16]", "0f 01 16 00 10", 5, IC_DESC_LOAD},
    {"lgdt [disp32] (67)", "67 0f 01 15 00 10 00 00", 8, IC_DESC_LOAD},
    {"mov cr0, eax", "0f 22 c0", 3, IC_MOV_TO_CR},
    {"mov ax, [bp+4]", "8b 46 04", 3, IC_IDENT},
    {"mov ax, [bx]", "8b 07", 2, IC_IDENT},
    {"mov eax, [disp32] (66 67)", "66 67 8b 05 00 10 00 00", 8, IC_IDENT},
    {"lds si, [bx]", "c5 37", 2, IC_LOAD_FAR_PTR},
    {"hlt", "f4", 1, IC_HLT},
};

START_TEST(code16_classes)
{
    CHECK16(code16);
}
END_TEST

/* --- predicates ---------------------------------------------------------------------- */

static struct insn decoded(const char *hex)
{
    struct insn in;
    enum decode_status st = decode_hex(CODE_32, hex, &in);

    ck_assert_msg(st == DECODE_OK, "[%s]: %s", hex, decode_status_name(st));
    return in;
}

#define ASSERT_PRED(pred, hex, want)                                                               \
    do {                                                                                           \
        struct insn in_ = decoded(hex);                                                            \
        ck_assert_msg(pred(&in_) == (want), #pred "([%s] %s) != %d", hex,                          \
                      insn_class_name(in_.cls), (int)(want));                                      \
    } while (0)

START_TEST(privileged_predicate)
{
    static const char *const priv[] = {
        "f4",    "0f 01 10", "0f 01 18", "0f 00 10", "0f 00 18", "0f 01 30",
        "0f 06", "0f 22 c0", "0f 20 c0", "0f 23 f8", "0f 21 f8", "0f 01 38",
        "0f 08", "0f 09",    "0f 30",    "0f 32",    "0f 01 d1", "0f 35",
        "0f 07", "0f 33",    "0f c7 28", "0f c7 18", "0f 01 c8", "0f 01 c9",
    };
    static const char *const unpriv[] = {
        "fa",       "fb",       "9c",    "9d",       "0f 01 00", "0f 00 c8",
        "0f 01 e0", "ec",       "ee",    "6c",       "cd 80",    "cf",
        "8e d8",    "8c d8",    "0f a2", "0f 01 d0", "0f ae 20", "0f ae 28",
        "0f 34",    "0f 01 f9", "01 c8", "c3",       "0f 02 c1", "ea 00 00 00 00 08 00",
    };
    for (size_t i = 0; i < sizeof(priv) / sizeof(priv[0]); i++)
        ASSERT_PRED(insn_is_privileged, priv[i], true);
    for (size_t i = 0; i < sizeof(unpriv) / sizeof(unpriv[0]); i++)
        ASSERT_PRED(insn_is_privileged, unpriv[i], false);
}
END_TEST

START_TEST(iopl_predicate)
{
    static const char *const iopl[] = {"fa", "fb", "e4 60", "e6 80", "ec", "ef", "6c", "f3 6f"};
    static const char *const not_iopl[] = {"9c", "9d", "f4", "cd 80", "cf", "0f 01 10", "01 c8"};

    for (size_t i = 0; i < sizeof(iopl) / sizeof(iopl[0]); i++)
        ASSERT_PRED(insn_is_iopl_sensitive, iopl[i], true);
    for (size_t i = 0; i < sizeof(not_iopl) / sizeof(not_iopl[0]); i++)
        ASSERT_PRED(insn_is_iopl_sensitive, not_iopl[i], false);
}
END_TEST

START_TEST(sensitivity_kinds)
{
    static const struct {
        const char *hex;
        enum sensitivity_kind kind;
    } k[] = {
        {"8c d8", SENS_BEHAVIOUR}, /* MOV r/m, Sreg reveals the selector (RPL = CPL) */
        {"8e d8", SENS_CONTROL},   /* MOV Sreg, r/m loads a descriptor */
        {"68 00 10 00 00", SENS_NONE},
        {"6a 01", SENS_NONE},
        {"0e", SENS_BEHAVIOUR},
        {"1f", SENS_CONTROL},
        {"9c", SENS_BEHAVIOUR},
        {"9d", SENS_CONTROL},
        {"0f a2", SENS_BEHAVIOUR},
        {"0f 01 00", SENS_BEHAVIOUR},
        {"0f 01 10", SENS_CONTROL},
        {"0f 01 e0", SENS_BEHAVIOUR},
        {"0f 01 f0", SENS_CONTROL},
        {"0f 20 c0", SENS_BEHAVIOUR},
        {"0f 22 c0", SENS_CONTROL},
        {"0f 32", SENS_BEHAVIOUR},
        {"0f 30", SENS_CONTROL},
        {"ec", SENS_CONTROL},
        {"cd 80", SENS_CONTROL},
        {"ea 00 00 00 00 08 00", SENS_CONTROL},
        {"eb fe", SENS_NONE},
        {"ff e0", SENS_NONE},
        {"c3", SENS_NONE},
        {"df e0", SENS_NONE}, /* FNSTSW AX */
        {"0f 0b", SENS_NONE},
    };
    for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        struct insn in = decoded(k[i].hex);

        ck_assert_msg(insn_sensitivity_kind(&in) == k[i].kind, "[%s] %s: kind %d, want %d",
                      k[i].hex, insn_class_name(in.cls), insn_sensitivity_kind(&in), k[i].kind);
        ck_assert_int_eq(insn_is_sensitive(&in), k[i].kind != SENS_NONE);
    }
}
END_TEST

START_TEST(block_end_and_shadow)
{
    static const char *const ends[] = {
        "eb fe", "74 10",    "e8 00 00 00 00", "c3",       "ff e0",
        "ff d0", "cf",       "cd 80",          "ce",       "f1",
        "f4",    "0f 22 d8", "0f 23 f8",       "0f 01 10", "0f 30",
        "9d",    "cb",       "0f 01 38",       "0f 34",    "0f 0b",
        "0f 06",
    };
    static const char *const continues[] = {
        "fb", "fa", "8e d0", "17", "8e d8", "01 c8", "ec", "6c", "9c", "0f a2", "0f 20 c0",
    };
    for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
        ASSERT_PRED(insn_ends_block, ends[i], true);
    for (size_t i = 0; i < sizeof(continues) / sizeof(continues[0]); i++)
        ASSERT_PRED(insn_ends_block, continues[i], false);

    ASSERT_PRED(insn_sets_interrupt_shadow, "fb", true);
    ASSERT_PRED(insn_sets_interrupt_shadow, "8e d0", true);
    ASSERT_PRED(insn_sets_interrupt_shadow, "8e 10", true);
    ASSERT_PRED(insn_sets_interrupt_shadow, "17", true);
    ASSERT_PRED(insn_sets_interrupt_shadow, "8e d8", false);
    ASSERT_PRED(insn_sets_interrupt_shadow, "1f", false);
    ASSERT_PRED(insn_sets_interrupt_shadow, "0f b2 26", false); /* LSS: no shadow */
    ASSERT_PRED(insn_sets_interrupt_shadow, "fa", false);

    ASSERT_PRED(insn_is_control_flow, "ea 00 00 00 00 08 00", true);
    ASSERT_PRED(insn_is_control_flow, "0f 35", true);
    ASSERT_PRED(insn_is_control_flow, "74 10", true);
    ASSERT_PRED(insn_is_control_flow, "f4", false);
    ASSERT_PRED(insn_is_control_flow, "9d", false);
}
END_TEST

START_TEST(class_names)
{
    ck_assert_str_eq(insn_class_name(IC_CLI), "CLI");
    ck_assert_str_eq(insn_class_name(IC_MOV_TO_SEG), "MOV_TO_SEG");
    ck_assert_str_eq(insn_class_name(IC_IDENT), "IDENT");
    ck_assert_str_eq(insn_class_name(IC_UD), "UD");
    ck_assert_str_eq(insn_class_name(IC_COUNT), "?");
    ck_assert_str_eq(insn_class_name((enum insn_class) - 1), "?");
    for (int a = 0; a < IC_COUNT; a++) {
        ck_assert_str_ne(insn_class_name((enum insn_class)a), "?");
        for (int b = a + 1; b < IC_COUNT; b++)
            ck_assert_str_ne(insn_class_name((enum insn_class)a),
                             insn_class_name((enum insn_class)b));
    }
    ck_assert_str_eq(decode_status_name(DECODE_TOO_LONG), "TOO_LONG");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("classify");
    TCase *tc = tcase_create("classify");

    tcase_add_test(tc, control_sensitive_classes);
    tcase_add_test(tc, behaviour_sensitive_classes);
    tcase_add_test(tc, innocuous_is_ident);
    tcase_add_test(tc, control_flow_classes);
    tcase_add_test(tc, undefined_on_virtual_cpu);
    tcase_add_test(tc, decode_errors);
    tcase_add_test(tc, instruction_length_limit);
    tcase_add_test(tc, decoder_init_rejects_bad_size);
    tcase_add_test(tc, code16_classes);
    tcase_add_test(tc, privileged_predicate);
    tcase_add_test(tc, iopl_predicate);
    tcase_add_test(tc, sensitivity_kinds);
    tcase_add_test(tc, block_end_and_shadow);
    tcase_add_test(tc, class_names);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
