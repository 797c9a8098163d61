/* insn_class.h — the classes the binary translator sorts guest instructions into.
 *
 * Every decoded instruction gets exactly one class. The class names the
 * virtualization routine (or inline sequence) the translator emits for it;
 * translator/README.md holds the table with the routine of each class. */
#ifndef BT386_TRANSLATOR_INSN_CLASS_H
#define BT386_TRANSLATOR_INSN_CLASS_H

enum insn_class {
    IC_INVALID = 0, /* bytes that do not decode: the translator raises #UD (or #GP if too long) */
    IC_IDENT,       /* innocuous: copied verbatim */

    /* control flow, rewritten (not sensitive) */
    IC_JMP_REL,  /* JMP rel8/rel16/rel32 */
    IC_JCC_REL,  /* Jcc, LOOP/LOOPE/LOOPNE, JCXZ/JECXZ */
    IC_CALL_REL, /* CALL rel16/rel32 */
    IC_RET,      /* near RET, RET imm16 */
    IC_JMP_IND,  /* JMP r/m (near) */
    IC_CALL_IND, /* CALL r/m (near) */

    /* control-sensitive: change privileged state */
    IC_JMP_FAR,      /* JMP ptr16:32, JMP m16:32 */
    IC_CALL_FAR,     /* CALL ptr16:32, CALL m16:32 */
    IC_RET_FAR,      /* RETF, RETF imm16 */
    IC_IRET,         /* IRET, IRETD */
    IC_INT,          /* INT n, INT3 */
    IC_INTO,         /* INTO: INT 4 if OF=1 */
    IC_INT1,         /* INT1 / ICEBP (F1): #DB without the gate DPL check */
    IC_CLI,          /* CLI */
    IC_STI,          /* STI */
    IC_POPF,         /* POPF, POPFD */
    IC_HLT,          /* HLT */
    IC_IO,           /* IN, OUT (imm8 and DX forms) */
    IC_IO_STRING,    /* INS, OUTS, with or without REP */
    IC_MOV_TO_SEG,   /* MOV Sreg, r/m16 (8E) */
    IC_POP_SEG,      /* POP SS/DS/ES/FS/GS */
    IC_LOAD_FAR_PTR, /* LDS, LES, LFS, LGS, LSS */
    IC_MOV_TO_CR,    /* MOV CRn, r32 */
    IC_MOV_TO_DR,    /* MOV DRn, r32 */
    IC_DESC_LOAD,    /* LGDT, LIDT, LLDT, LTR, LMSW */
    IC_CLTS,         /* CLTS */
    IC_TLB,          /* INVLPG, INVPCID */
    IC_CACHE,        /* INVD, WBINVD (and WBNOINVD = F3 WBINVD) */
    IC_WRMSR,        /* WRMSR */
    IC_SYSENTER,     /* SYSENTER */
    IC_SYSEXIT,      /* SYSEXIT */
    IC_SYSCALL,      /* SYSCALL */
    IC_SYSRET,       /* SYSRET */
    IC_XSETBV,       /* XSETBV */
    IC_XRSTOR,       /* XRSTOR, XRSTORS: load state components selected by XCR0 */
    IC_PRIV_OTHER,   /* other CPL-0 instructions: RDPMC, MONITOR, MWAIT, CLAC, STAC, ... */

    /* behaviour-sensitive: reveal that the machine is virtual */
    IC_PUSHF,        /* PUSHF, PUSHFD */
    IC_MOV_FROM_SEG, /* MOV r/m16, Sreg and MOV r32, Sreg (8C) */
    IC_PUSH_SEG,     /* PUSH CS/SS/DS/ES/FS/GS */
    IC_MOV_FROM_CR,  /* MOV r32, CRn */
    IC_MOV_FROM_DR,  /* MOV r32, DRn */
    IC_DESC_STORE,   /* SGDT, SIDT, SLDT, STR, SMSW */
    IC_SEG_CHECK,    /* LAR, LSL, VERR, VERW */
    IC_CPUID,        /* CPUID */
    IC_RDMSR,        /* RDMSR */
    IC_TSC_AUX,      /* RDTSCP, RDPID: return IA32_TSC_AUX */
    IC_XGETBV,       /* XGETBV */
    IC_XSAVE,        /* XSAVE, XSAVEC, XSAVEOPT, XSAVES: layout follows XCR0 */

    /* always #UD on the virtual CPU */
    IC_UD, /* UD0/UD1/UD2, RSM, and extensions the virtual CPU never reports (README) */

    IC_COUNT
};

/* What makes an instruction sensitive (Popek & Goldberg). */
enum sensitivity_kind {
    SENS_NONE = 0,  /* innocuous, or control flow that is rewritten only for the TC */
    SENS_CONTROL,   /* changes privileged state (or the machine's resources: I/O) */
    SENS_BEHAVIOUR, /* result depends on privileged state the VM virtualizes */
};

/* insn_class_name: the enum name without the IC_ prefix ("CLI", "MOV_TO_SEG", ...);
 * "?" for a value outside the enum. */
const char *insn_class_name(enum insn_class cls);

#endif
