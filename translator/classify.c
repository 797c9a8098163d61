/* classify.c — assign each decoded IA-32 instruction one translator class.
 *
 * The rules follow the SDM: an instruction is control-sensitive when it
 * changes privileged state or machine resources, behaviour-sensitive when its
 * result depends on privileged state that the VM virtualizes (the real CPL is
 * 3, the real IF is 1, the real GDT is the host's ...). translator/README.md
 * explains each decision. */
#include "translator/classify.h"

#include <stddef.h>

/* Properties shared by every instruction of a class. */
struct class_info {
    const char *name;
    enum sensitivity_kind kind;
    bool ends_block;   /* see insn_ends_block() */
    bool control_flow; /* see insn_is_control_flow() */
    bool privileged;   /* see insn_is_privileged(); refined per mnemonic for XSAVE/XRSTOR */
    bool iopl;         /* see insn_is_iopl_sensitive() */
};

/* The name is the enum identifier without its "IC_" prefix. */
#define C(cls, kind, ends, flow, priv, iopl) [cls] = {#cls + 3, kind, ends, flow, priv, iopl}
enum { N = false, Y = true };

/* clang-format off */
static const struct class_info class_table[IC_COUNT] = {
    /*class             kind            end  flow priv iopl */
    C(IC_INVALID,       SENS_NONE,      Y,   N,   N,   N),
    C(IC_IDENT,         SENS_NONE,      N,   N,   N,   N),
    C(IC_JMP_REL,       SENS_NONE,      Y,   Y,   N,   N),
    C(IC_JCC_REL,       SENS_NONE,      Y,   Y,   N,   N),
    C(IC_CALL_REL,      SENS_NONE,      Y,   Y,   N,   N),
    C(IC_RET,           SENS_NONE,      Y,   Y,   N,   N),
    C(IC_JMP_IND,       SENS_NONE,      Y,   Y,   N,   N),
    C(IC_CALL_IND,      SENS_NONE,      Y,   Y,   N,   N),
    C(IC_JMP_FAR,       SENS_CONTROL,   Y,   Y,   N,   N),
    C(IC_CALL_FAR,      SENS_CONTROL,   Y,   Y,   N,   N),
    C(IC_RET_FAR,       SENS_CONTROL,   Y,   Y,   N,   N),
    C(IC_IRET,          SENS_CONTROL,   Y,   Y,   N,   N),
    C(IC_INT,           SENS_CONTROL,   Y,   Y,   N,   N),
    C(IC_INTO,          SENS_CONTROL,   Y,   Y,   N,   N),
    C(IC_INT1,          SENS_CONTROL,   Y,   Y,   N,   N),
    C(IC_CLI,           SENS_CONTROL,   N,   N,   N,   Y),
    /* STI does not end the block: its interrupt shadow covers the next instruction. */
    C(IC_STI,           SENS_CONTROL,   N,   N,   N,   Y),
    /* POPF may set IF: return so that a pending interrupt is taken. */
    C(IC_POPF,          SENS_CONTROL,   Y,   N,   N,   N),
    C(IC_HLT,           SENS_CONTROL,   Y,   N,   Y,   N),
    C(IC_IO,            SENS_CONTROL,   N,   N,   N,   Y),
    C(IC_IO_STRING,     SENS_CONTROL,   N,   N,   N,   Y),
    C(IC_MOV_TO_SEG,    SENS_CONTROL,   N,   N,   N,   N),
    C(IC_POP_SEG,       SENS_CONTROL,   N,   N,   N,   N),
    C(IC_LOAD_FAR_PTR,  SENS_CONTROL,   N,   N,   N,   N),
    C(IC_MOV_TO_CR,     SENS_CONTROL,   Y,   N,   Y,   N),
    C(IC_MOV_TO_DR,     SENS_CONTROL,   Y,   N,   Y,   N),
    C(IC_DESC_LOAD,     SENS_CONTROL,   Y,   N,   Y,   N),
    C(IC_CLTS,          SENS_CONTROL,   Y,   N,   Y,   N),
    C(IC_TLB,           SENS_CONTROL,   Y,   N,   Y,   N),
    C(IC_CACHE,         SENS_CONTROL,   N,   N,   Y,   N),
    C(IC_WRMSR,         SENS_CONTROL,   Y,   N,   Y,   N),
    C(IC_SYSENTER,      SENS_CONTROL,   Y,   Y,   N,   N),
    C(IC_SYSEXIT,       SENS_CONTROL,   Y,   Y,   Y,   N),
    C(IC_SYSCALL,       SENS_CONTROL,   Y,   Y,   N,   N),
    C(IC_SYSRET,        SENS_CONTROL,   Y,   Y,   Y,   N),
    C(IC_XSETBV,        SENS_CONTROL,   Y,   N,   Y,   N),
    C(IC_XRSTOR,        SENS_CONTROL,   N,   N,   N,   N),
    C(IC_PRIV_OTHER,    SENS_CONTROL,   Y,   N,   Y,   N),
    C(IC_PUSHF,         SENS_BEHAVIOUR, N,   N,   N,   N),
    C(IC_MOV_FROM_SEG,  SENS_BEHAVIOUR, N,   N,   N,   N),
    C(IC_PUSH_SEG,      SENS_BEHAVIOUR, N,   N,   N,   N),
    C(IC_MOV_FROM_CR,   SENS_BEHAVIOUR, N,   N,   Y,   N),
    C(IC_MOV_FROM_DR,   SENS_BEHAVIOUR, N,   N,   Y,   N),
    C(IC_DESC_STORE,    SENS_BEHAVIOUR, N,   N,   N,   N),
    C(IC_SEG_CHECK,     SENS_BEHAVIOUR, N,   N,   N,   N),
    C(IC_CPUID,         SENS_BEHAVIOUR, N,   N,   N,   N),
    C(IC_RDMSR,         SENS_BEHAVIOUR, N,   N,   Y,   N),
    C(IC_TSC_AUX,       SENS_BEHAVIOUR, N,   N,   N,   N),
    C(IC_XGETBV,        SENS_BEHAVIOUR, N,   N,   N,   N),
    C(IC_XSAVE,         SENS_BEHAVIOUR, N,   N,   N,   N),
    C(IC_UD,            SENS_NONE,      Y,   N,   N,   N),
};
/* clang-format on */
#undef C

static const struct class_info *info(enum insn_class cls)
{
    if ((unsigned)cls >= IC_COUNT || class_table[cls].name == NULL)
        return NULL;
    return &class_table[cls];
}

const char *insn_class_name(enum insn_class cls)
{
    const struct class_info *ci = info(cls);
    return ci ? ci->name : "?";
}

enum sensitivity_kind insn_class_kind(enum insn_class cls)
{
    const struct class_info *ci = info(cls);
    return ci ? ci->kind : SENS_NONE;
}

/* Extensions the virtual CPU never reports in CPUID. Each of them either needs
 * hardware the monitor cannot lend to a guest (VMX, SVM, SMX, SGX, TDX, SEV-SNP,
 * ENQCMD device queues, Key Locker's wrapping key, INVLPGB broadcasts), would act on
 * the host process (PKU's PKRU guards the monitor's own pages, CET shadow stacks,
 * RTM transactions spanning callouts) or is 64-bit only (UINTR, AMX).
 * With the feature bit clear the SDM specifies #UD, so that is what the guest gets. */
static bool extension_not_virtualized(const ZydisDecodedInstruction *zi)
{
    switch (zi->meta.isa_ext) {
    case ZYDIS_ISA_EXT_VTX:
    case ZYDIS_ISA_EXT_VMFUNC:
    case ZYDIS_ISA_EXT_SVM:
    case ZYDIS_ISA_EXT_SMX:
    case ZYDIS_ISA_EXT_SGX:
    case ZYDIS_ISA_EXT_SGX_ENCLV:
    case ZYDIS_ISA_EXT_TDX:
    case ZYDIS_ISA_EXT_SNP:
    case ZYDIS_ISA_EXT_RTM:
    case ZYDIS_ISA_EXT_TSX_LDTRK:
    case ZYDIS_ISA_EXT_PKU:
    case ZYDIS_ISA_EXT_PCONFIG:
    case ZYDIS_ISA_EXT_ENQCMD:
    case ZYDIS_ISA_EXT_KEYLOCKER:
    case ZYDIS_ISA_EXT_KEYLOCKER_WIDE:
    case ZYDIS_ISA_EXT_UINTR:
    case ZYDIS_ISA_EXT_AMX_TILE:
    case ZYDIS_ISA_EXT_AMX_INT8:
    case ZYDIS_ISA_EXT_AMX_BF16:
    case ZYDIS_ISA_EXT_MCOMMIT:
    case ZYDIS_ISA_EXT_RDPRU:
    case ZYDIS_ISA_EXT_AMD_INVLPGB:
    case ZYDIS_ISA_EXT_HRESET: return true;
    case ZYDIS_ISA_EXT_CET:
        /* ENDBR and RDSSP sit in the hint-NOP space and execute as NOPs while
         * CET is off; the other CET instructions raise #UD then. */
        switch (zi->mnemonic) {
        case ZYDIS_MNEMONIC_ENDBR32:
        case ZYDIS_MNEMONIC_ENDBR64:
        case ZYDIS_MNEMONIC_RDSSPD:
        case ZYDIS_MNEMONIC_RDSSPQ: return false;
        default: return true;
        }
    default: return false;
    }
}

static ZydisRegisterClass reg_class(const ZydisDecodedOperand *op)
{
    if (op->type != ZYDIS_OPERAND_TYPE_REGISTER)
        return ZYDIS_REGCLASS_INVALID;
    return ZydisRegisterGetClass(op->reg.value);
}

static bool is_reg(const ZydisDecodedOperand *op, ZydisRegister reg)
{
    return op->type == ZYDIS_OPERAND_TYPE_REGISTER && op->reg.value == reg;
}

/* MOV: GPR/memory moves are innocuous; segment, control, debug and test
 * register forms are not (8C/8E, 0F 20-23, 0F 24/26). */
static enum insn_class classify_mov(const struct insn *in)
{
    switch (reg_class(&in->ops[0])) {
    case ZYDIS_REGCLASS_SEGMENT: return IC_MOV_TO_SEG;
    case ZYDIS_REGCLASS_CONTROL: return IC_MOV_TO_CR;
    case ZYDIS_REGCLASS_DEBUG: return IC_MOV_TO_DR;
    case ZYDIS_REGCLASS_TEST: return IC_UD; /* 386/486 test registers: #UD since P5 */
    default: break;
    }
    switch (reg_class(&in->ops[1])) {
    case ZYDIS_REGCLASS_SEGMENT: return IC_MOV_FROM_SEG;
    case ZYDIS_REGCLASS_CONTROL: return IC_MOV_FROM_CR;
    case ZYDIS_REGCLASS_DEBUG: return IC_MOV_FROM_DR;
    case ZYDIS_REGCLASS_TEST: return IC_UD;
    default: return IC_IDENT;
    }
}

/* JMP/CALL: far (ptr16:32 or m16:32), relative (rel8/16/32) or indirect (r/m). */
static enum insn_class classify_branch(const ZydisDecodedInstruction *zi, enum insn_class rel,
                                       enum insn_class ind, enum insn_class far)
{
    if (zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
        return far;
    if (zi->attributes & ZYDIS_ATTRIB_IS_RELATIVE)
        return rel;
    return ind;
}

enum insn_class classify_insn(const struct insn *in)
{
    const ZydisDecodedInstruction *zi = &in->zi;

    if (extension_not_virtualized(zi))
        return IC_UD;

    switch (zi->mnemonic) {
    case ZYDIS_MNEMONIC_JMP: return classify_branch(zi, IC_JMP_REL, IC_JMP_IND, IC_JMP_FAR);
    case ZYDIS_MNEMONIC_CALL: return classify_branch(zi, IC_CALL_REL, IC_CALL_IND, IC_CALL_FAR);
    case ZYDIS_MNEMONIC_RET:
        return zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR ? IC_RET_FAR : IC_RET;
    case ZYDIS_MNEMONIC_JO:
    case ZYDIS_MNEMONIC_JNO:
    case ZYDIS_MNEMONIC_JB:
    case ZYDIS_MNEMONIC_JNB:
    case ZYDIS_MNEMONIC_JZ:
    case ZYDIS_MNEMONIC_JNZ:
    case ZYDIS_MNEMONIC_JBE:
    case ZYDIS_MNEMONIC_JNBE:
    case ZYDIS_MNEMONIC_JS:
    case ZYDIS_MNEMONIC_JNS:
    case ZYDIS_MNEMONIC_JP:
    case ZYDIS_MNEMONIC_JNP:
    case ZYDIS_MNEMONIC_JL:
    case ZYDIS_MNEMONIC_JNL:
    case ZYDIS_MNEMONIC_JLE:
    case ZYDIS_MNEMONIC_JNLE:
    case ZYDIS_MNEMONIC_JCXZ:
    case ZYDIS_MNEMONIC_JECXZ:
    case ZYDIS_MNEMONIC_LOOP:
    case ZYDIS_MNEMONIC_LOOPE:
    case ZYDIS_MNEMONIC_LOOPNE: return IC_JCC_REL;

    case ZYDIS_MNEMONIC_IRET:
    case ZYDIS_MNEMONIC_IRETD: return IC_IRET;
    case ZYDIS_MNEMONIC_INT:
    case ZYDIS_MNEMONIC_INT3: return IC_INT;
    case ZYDIS_MNEMONIC_INTO: return IC_INTO;
    case ZYDIS_MNEMONIC_INT1: return IC_INT1;
    case ZYDIS_MNEMONIC_SYSENTER: return IC_SYSENTER;
    case ZYDIS_MNEMONIC_SYSEXIT: return IC_SYSEXIT;
    case ZYDIS_MNEMONIC_SYSCALL: return IC_SYSCALL;
    case ZYDIS_MNEMONIC_SYSRET: return IC_SYSRET;

    case ZYDIS_MNEMONIC_CLI: return IC_CLI;
    case ZYDIS_MNEMONIC_STI: return IC_STI;
    case ZYDIS_MNEMONIC_PUSHF:
    case ZYDIS_MNEMONIC_PUSHFD: return IC_PUSHF;
    case ZYDIS_MNEMONIC_POPF:
    case ZYDIS_MNEMONIC_POPFD: return IC_POPF;
    case ZYDIS_MNEMONIC_HLT: return IC_HLT;

    case ZYDIS_MNEMONIC_IN:
    case ZYDIS_MNEMONIC_OUT: return IC_IO;
    case ZYDIS_MNEMONIC_INSB:
    case ZYDIS_MNEMONIC_INSW:
    case ZYDIS_MNEMONIC_INSD:
    case ZYDIS_MNEMONIC_OUTSB:
    case ZYDIS_MNEMONIC_OUTSW:
    case ZYDIS_MNEMONIC_OUTSD: return IC_IO_STRING;

    case ZYDIS_MNEMONIC_MOV: return classify_mov(in);
    case ZYDIS_MNEMONIC_PUSH:
        return reg_class(&in->ops[0]) == ZYDIS_REGCLASS_SEGMENT ? IC_PUSH_SEG : IC_IDENT;
    case ZYDIS_MNEMONIC_POP:
        return reg_class(&in->ops[0]) == ZYDIS_REGCLASS_SEGMENT ? IC_POP_SEG : IC_IDENT;
    case ZYDIS_MNEMONIC_LDS:
    case ZYDIS_MNEMONIC_LES:
    case ZYDIS_MNEMONIC_LFS:
    case ZYDIS_MNEMONIC_LGS:
    case ZYDIS_MNEMONIC_LSS: return IC_LOAD_FAR_PTR;

    case ZYDIS_MNEMONIC_LGDT:
    case ZYDIS_MNEMONIC_LIDT:
    case ZYDIS_MNEMONIC_LLDT:
    case ZYDIS_MNEMONIC_LTR:
    case ZYDIS_MNEMONIC_LMSW: return IC_DESC_LOAD;
    case ZYDIS_MNEMONIC_SGDT:
    case ZYDIS_MNEMONIC_SIDT:
    case ZYDIS_MNEMONIC_SLDT:
    case ZYDIS_MNEMONIC_STR:
    case ZYDIS_MNEMONIC_SMSW: return IC_DESC_STORE;
    case ZYDIS_MNEMONIC_LAR:
    case ZYDIS_MNEMONIC_LSL:
    case ZYDIS_MNEMONIC_VERR:
    case ZYDIS_MNEMONIC_VERW: return IC_SEG_CHECK;

    case ZYDIS_MNEMONIC_CLTS: return IC_CLTS;
    case ZYDIS_MNEMONIC_INVLPG:
    case ZYDIS_MNEMONIC_INVPCID: return IC_TLB;
    case ZYDIS_MNEMONIC_INVD:
    case ZYDIS_MNEMONIC_WBINVD: return IC_CACHE;
    case ZYDIS_MNEMONIC_WRMSR: return IC_WRMSR;
    case ZYDIS_MNEMONIC_RDMSR: return IC_RDMSR;
    case ZYDIS_MNEMONIC_CPUID: return IC_CPUID;
    case ZYDIS_MNEMONIC_RDTSCP:
    case ZYDIS_MNEMONIC_RDPID: return IC_TSC_AUX;
    case ZYDIS_MNEMONIC_XSETBV: return IC_XSETBV;
    case ZYDIS_MNEMONIC_XGETBV: return IC_XGETBV;
    case ZYDIS_MNEMONIC_XSAVE:
    case ZYDIS_MNEMONIC_XSAVEC:
    case ZYDIS_MNEMONIC_XSAVEOPT:
    case ZYDIS_MNEMONIC_XSAVES: return IC_XSAVE;
    case ZYDIS_MNEMONIC_XRSTOR:
    case ZYDIS_MNEMONIC_XRSTORS: return IC_XRSTOR;

    case ZYDIS_MNEMONIC_RDPMC: /* #GP at CPL > 0 while CR4.PCE = 0 */
    case ZYDIS_MNEMONIC_MONITOR:
    case ZYDIS_MNEMONIC_MWAIT:
    case ZYDIS_MNEMONIC_CLAC:
    case ZYDIS_MNEMONIC_STAC: return IC_PRIV_OTHER;

    case ZYDIS_MNEMONIC_UD0:
    case ZYDIS_MNEMONIC_UD1:
    case ZYDIS_MNEMONIC_UD2:
    case ZYDIS_MNEMONIC_RSM: /* #UD outside SMM; the virtual CPU never enters SMM */ return IC_UD;
    default: break;
    }
    /* Anything else Zydis knows to be CPL-0 only must not run verbatim. */
    if (zi->attributes & ZYDIS_ATTRIB_IS_PRIVILEGED)
        return IC_PRIV_OTHER;
    return IC_IDENT;
}

enum sensitivity_kind insn_sensitivity_kind(const struct insn *in)
{
    return insn_class_kind(in->cls);
}

bool insn_is_sensitive(const struct insn *in)
{
    return insn_sensitivity_kind(in) != SENS_NONE;
}

bool insn_is_privileged(const struct insn *in)
{
    const struct class_info *ci = info(in->cls);

    if (in->cls == IC_XSAVE || in->cls == IC_XRSTOR)
        /* XSAVES/XRSTORS are the supervisor forms (#GP at CPL > 0). */
        return in->zi.mnemonic == ZYDIS_MNEMONIC_XSAVES ||
               in->zi.mnemonic == ZYDIS_MNEMONIC_XRSTORS;
    return ci != NULL && ci->privileged;
}

bool insn_is_iopl_sensitive(const struct insn *in)
{
    const struct class_info *ci = info(in->cls);
    return ci != NULL && ci->iopl;
}

bool insn_is_control_flow(const struct insn *in)
{
    const struct class_info *ci = info(in->cls);
    return ci != NULL && ci->control_flow;
}

bool insn_ends_block(const struct insn *in)
{
    const struct class_info *ci = info(in->cls);
    return ci == NULL || ci->ends_block;
}

bool insn_sets_interrupt_shadow(const struct insn *in)
{
    switch (in->cls) {
    case IC_STI: return true;
    case IC_MOV_TO_SEG:
    case IC_POP_SEG: return is_reg(&in->ops[0], ZYDIS_REGISTER_SS);
    default: return false;
    }
}
