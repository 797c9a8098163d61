/* cpu_seg.h — data and stack segment-register loads (MOV/POP Sreg, LDS/LES/LFS/LGS/LSS),
 * Intel SDM Vol. 2 "MOV—Move" / "POP" operation, Vol. 3A §5.5–§5.7. */
#ifndef BT386_MONITOR_CPU_SEG_H
#define BT386_MONITOR_CPU_SEG_H

#include "monitor/cpu_desc.h"
#include "monitor/cpu_result.h"
#include "monitor/guest_access.h"

/* cpu_load_seg: load `sel` into ES, SS, DS, FS or GS with every protected-mode check
 * (#GP(sel), #GP(0) for a null SS, #SS(sel) / #NP(sel) for a not-present segment) and
 * set the descriptor's accessed bit. A load of SS also sets inhibit_irq with
 * inhibit_eip = s->eip (see cpu_mov_to_sreg). EIP is not changed. In real mode the
 * base becomes sel << 4; virtual-8086 mode is CPU_UNSUPPORTED. SEG_CS gives #UD. */
struct cpu_result cpu_load_seg(struct vcpu_state *s, const struct guest_mem *m, enum seg_reg reg,
                               uint16_t sel);

/* cpu_mov_to_sreg: the whole MOV Sreg / POP Sreg commit: cpu_load_seg, then on success
 * EIP = next_eip and, for SS, interrupts held off until the instruction at next_eip
 * has executed (inhibit_eip = next_eip, SDM Vol. 3A §6.8.3). The caller adjusts ESP
 * for POP. */
struct cpu_result cpu_mov_to_sreg(struct vcpu_state *s, const struct guest_mem *m, enum seg_reg reg,
                                  uint16_t sel, uint32_t next_eip);

/* cpu_null_outer_data_segs: after a return to the outer level `new_cpl`, make ES, FS, GS
 * and DS null where they hold data or non-conforming code with DPL < new_cpl
 * (SDM Vol. 2 RET and IRET operation, Vol. 3A §5.8.6). */
void cpu_null_outer_data_segs(struct vcpu_state *s, unsigned new_cpl);

/* cpu_commit_cs: CS:EIP and CPL after a far transfer to code segment d; the
 * selector's RPL becomes the new CPL (SDM Vol. 2 JMP/CALL "CS(RPL) <- CPL"). */
void cpu_commit_cs(struct vcpu_state *s, uint16_t sel, const struct cpu_desc *d, unsigned cpl,
                   uint32_t eip);

/* The hidden part of a segment register loaded with a null selector. */
static inline struct seg_cache cpu_null_seg(uint16_t sel)
{
    return (struct seg_cache){.sel = sel, .valid = false};
}

#endif
