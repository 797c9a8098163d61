/* cpu_result.h — what a protection-engine operation reports.
 *
 * Every operation (segment load, far transfer, IRET, SYSENTER/SYSEXIT, LLDT/LTR)
 * either completes (CPU_OK: the state in struct vcpu_state and guest memory
 * changed as the instruction would change them), raises a guest exception
 * (CPU_FAULT: nothing in struct vcpu_state changed, the caller delivers
 * `fault` with cpu_deliver_fault), or meets an architectural path bt386 does not
 * implement (CPU_UNSUPPORTED: task switches, virtual-8086 mode; nothing changed,
 * `why` names the path). */
#ifndef BT386_MONITOR_CPU_RESULT_H
#define BT386_MONITOR_CPU_RESULT_H

#include "monitor/vcpu.h"

enum cpu_status { CPU_OK, CPU_FAULT, CPU_UNSUPPORTED };

struct cpu_result {
    enum cpu_status status;
    struct guest_fault fault; /* CPU_FAULT */
    const char *why;          /* CPU_UNSUPPORTED: static text */
};

static inline struct cpu_result cpu_ok(void)
{
    return (struct cpu_result){.status = CPU_OK, .fault = FAULT_NONE};
}

static inline struct cpu_result cpu_fault(struct guest_fault f)
{
    return (struct cpu_result){.status = CPU_FAULT, .fault = f};
}

static inline struct cpu_result cpu_unsupported(const char *why)
{
    return (struct cpu_result){.status = CPU_UNSUPPORTED, .fault = FAULT_NONE, .why = why};
}

/* Operand size of a far transfer or IRET, in bytes (the size of one stack slot). */
enum cpu_opsize { CPU_OP16 = 2, CPU_OP32 = 4 };

/* Shorthands for the exceptions with a selector error code (SDM Vol. 3A §6.13:
 * bits 15:3 index, bit 2 TI, bit 1 IDT, bit 0 EXT; the RPL bits are not part of it). */
static inline uint32_t cpu_sel_errcode(uint16_t sel, bool ext)
{
    return (uint32_t)(sel & 0xFFFCu) | (ext ? 1u : 0u);
}

static inline struct guest_fault cpu_gp(uint32_t err)
{
    return guest_fault_make(VEC_GP, true, err);
}

static inline struct guest_fault cpu_np(uint32_t err)
{
    return guest_fault_make(VEC_NP, true, err);
}

static inline struct guest_fault cpu_ss_fault(uint32_t err)
{
    return guest_fault_make(VEC_SS, true, err);
}

static inline struct guest_fault cpu_ts(uint32_t err)
{
    return guest_fault_make(VEC_TS, true, err);
}

/* True in protected mode outside virtual-8086 mode: the only mode these
 * operations implement besides real-mode delivery. */
static inline bool cpu_protected(const struct vcpu_state *s)
{
    return (s->cr0 & CR0_PE) != 0 && (s->eflags & EFLAGS_VM) == 0;
}

#endif
