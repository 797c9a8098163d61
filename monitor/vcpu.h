/* vcpu.h — the guest CPU's architectural state as the monitor keeps it.
 *
 * This is what the guest would see on real hardware: its own selectors and the
 * hidden descriptor caches behind them (SDM Vol. 3A §3.4.3), its own EFLAGS with
 * IF and IOPL, CR0-CR4, GDTR/IDTR/LDTR/TR, CPL. The host-side mirror of it (LDT
 * selectors, real EFLAGS) lives in struct world and is derived from this. */
#ifndef BT386_MONITOR_VCPU_H
#define BT386_MONITOR_VCPU_H

#include <stdbool.h>
#include <stdint.h>

/* Segment registers in the hardware encoding order (the sreg field of ModRM). */
enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/* Descriptor attribute bits as kept in seg_cache.attr: bits 40-47 of the descriptor
 * in attr[7:0] (type, S, DPL, P) and bits 52-55 in attr[11:8] (AVL, L, D/B, G). */
#define SEG_ATTR_TYPE(a) ((a)&0xF)
#define SEG_ATTR_S       0x10u /* code/data (1) vs system (0) */
#define SEG_ATTR_DPL(a)  (((a) >> 5) & 3)
#define SEG_ATTR_P       0x80u
#define SEG_ATTR_AVL     0x100u
#define SEG_ATTR_DB      0x400u
#define SEG_ATTR_G       0x800u

/* A segment register: the visible selector and the hidden part loaded with it. */
struct seg_cache {
    uint16_t sel;
    uint16_t attr;
    uint32_t base;
    uint32_t limit; /* in bytes, already scaled by G */
    bool valid;     /* false after loading a null selector (any access faults) */
};

struct dtable_reg {
    uint32_t base;
    uint16_t limit;
};

#define EFLAGS_CF         0x00000001u
#define EFLAGS_FIXED      0x00000002u /* bit 1 reads as 1 */
#define EFLAGS_PF         0x00000004u
#define EFLAGS_AF         0x00000010u
#define EFLAGS_ZF         0x00000040u
#define EFLAGS_SF         0x00000080u
#define EFLAGS_TF         0x00000100u
#define EFLAGS_IF         0x00000200u
#define EFLAGS_DF         0x00000400u
#define EFLAGS_OF         0x00000800u
#define EFLAGS_IOPL       0x00003000u
#define EFLAGS_IOPL_SHIFT 12
#define EFLAGS_NT         0x00004000u
#define EFLAGS_RF         0x00010000u
#define EFLAGS_VM         0x00020000u
#define EFLAGS_AC         0x00040000u
#define EFLAGS_VIF        0x00080000u
#define EFLAGS_VIP        0x00100000u
#define EFLAGS_ID         0x00200000u
/* The bits a 486+/Pentium-class CPU lets software change (ID included). */
#define EFLAGS_WRITABLE 0x003F7FD5u

#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u

#define CR4_VME        0x001u
#define CR4_PVI        0x002u
#define CR4_TSD        0x004u
#define CR4_DE         0x008u
#define CR4_PSE        0x010u
#define CR4_PAE        0x020u
#define CR4_MCE        0x040u
#define CR4_PGE        0x080u
#define CR4_PCE        0x100u
#define CR4_OSFXSR     0x200u
#define CR4_OSXMMEXCPT 0x400u

#define MSR_IA32_TSC          0x10u
#define MSR_IA32_SYSENTER_CS  0x174u
#define MSR_IA32_SYSENTER_ESP 0x175u
#define MSR_IA32_SYSENTER_EIP 0x176u

struct vcpu_state {
    uint32_t gpr[8]; /* GPR_EAX .. GPR_EDI (monitor/world.h order) */
    uint32_t eip;
    uint32_t eflags; /* the guest's architectural EFLAGS, IF and IOPL included */
    struct seg_cache seg[SEG_COUNT];
    struct seg_cache ldtr, tr;
    struct dtable_reg gdtr, idtr;
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    unsigned cpl;
    /* Interrupts are inhibited for one instruction after STI and MOV/POP SS
     * (SDM Vol. 3A §6.8.3); this is the EIP at which the inhibition ends. */
    bool inhibit_irq;
    uint32_t inhibit_eip;
    bool halted;
};

/* A guest exception, returned as a value by every operation that can fault. */
struct guest_fault {
    bool raised;
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
    uint32_t cr2; /* for #PF */
};

#define FAULT_NONE ((struct guest_fault){.raised = false})

static inline struct guest_fault guest_fault_make(uint8_t vector, bool has_err, uint32_t err)
{
    return (struct guest_fault){
        .raised = true, .vector = vector, .has_error_code = has_err, .error_code = err};
}

/* Exception vectors (SDM Vol. 3A §6.3.1, table 6-1). */
enum {
    VEC_DE = 0,
    VEC_DB = 1,
    VEC_NMI = 2,
    VEC_BP = 3,
    VEC_OF = 4,
    VEC_BR = 5,
    VEC_UD = 6,
    VEC_NM = 7,
    VEC_DF = 8,
    VEC_TS = 10,
    VEC_NP = 11,
    VEC_SS = 12,
    VEC_GP = 13,
    VEC_PF = 14,
    VEC_MF = 16,
    VEC_AC = 17,
    VEC_MC = 18,
    VEC_XM = 19,
};

#endif
