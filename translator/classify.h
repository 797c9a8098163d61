/* classify.h — sort decoded IA-32 instructions into translator classes.
 *
 * The class decides what the translator emits: a verbatim copy (IC_IDENT),
 * rewritten control flow, an inline virtualization sequence or a callout into
 * the monitor. translator/README.md lists every class with its routine. */
#ifndef BT386_TRANSLATOR_CLASSIFY_H
#define BT386_TRANSLATOR_CLASSIFY_H

#include <stdbool.h>

#include "translator/decode.h"
#include "translator/insn_class.h"

/* classify_insn: the class of a successfully decoded instruction (reads in->zi, in->ops). */
enum insn_class classify_insn(const struct insn *in);

/* insn_sensitivity_kind: control-sensitive, behaviour-sensitive or neither. */
enum sensitivity_kind insn_sensitivity_kind(const struct insn *in);

/* insn_is_sensitive: control- or behaviour-sensitive (needs a virtualization routine). */
bool insn_is_sensitive(const struct insn *in);

/* insn_is_privileged: faults (#GP, or #UD for MONITOR/MWAIT/CLAC/STAC) at CPL > 0 whatever
 * IOPL is, given the control-register settings of the virtual CPU (CR4.PCE=0, no UMIP). */
bool insn_is_privileged(const struct insn *in);

/* insn_is_iopl_sensitive: protected-mode #GP at CPL > IOPL (CLI, STI, IN, OUT, INS, OUTS);
 * in virtual-8086 mode PUSHF/POPF/INT n/IRET also depend on IOPL (not reported here). */
bool insn_is_iopl_sensitive(const struct insn *in);

/* insn_is_control_flow: a class the translator rewrites because it transfers control
 * (near and far jumps, calls, returns, IRET, software interrupts, SYSENTER family). */
bool insn_is_control_flow(const struct insn *in);

/* insn_ends_block: the translator must stop the block after this instruction and
 * return to the monitor (control transfer, HLT, #UD, or a change of the state that
 * translations or interrupt delivery depend on: CRn, DRn, MSRs, tables, IF via POPF). */
bool insn_ends_block(const struct insn *in);

/* insn_sets_interrupt_shadow: STI, MOV SS, POP SS inhibit interrupts until after the
 * next instruction (SDM Vol. 2 STI, MOV), so that instruction must stay in the same
 * block, with no pending-interrupt check between the two. */
bool insn_sets_interrupt_shadow(const struct insn *in);

/* insn_class_kind: the sensitivity kind of a whole class (SENS_NONE for IDENT etc.). */
enum sensitivity_kind insn_class_kind(enum insn_class cls);

#endif
