/* cpu_iret.c — protected-mode IRET (SDM Vol. 2 IRET operation). */
#include "monitor/cpu_iret.h"
#include "monitor/cpu_desc.h"
#include "monitor/cpu_ret_common.h"
#include "monitor/cpu_seg.h"
#include "monitor/cpu_stack.h"
#include "monitor/world.h"

uint32_t cpu_iret_eflags(uint32_t cur, uint32_t img, unsigned cpl, enum cpu_opsize os)
{
    /* Always: CF, PF, AF, ZF, SF, TF, DF, OF, NT. */
    uint32_t mask = EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_TF |
                    EFLAGS_DF | EFLAGS_OF | EFLAGS_NT;
    if (os == CPU_OP32)
        mask |= EFLAGS_RF | EFLAGS_AC | EFLAGS_ID;
    /* IF only when CPL <= IOPL (the IOPL before the IRET). */
    if (cpl <= ((cur & EFLAGS_IOPL) >> EFLAGS_IOPL_SHIFT))
        mask |= EFLAGS_IF;
    /* IOPL, VIF and VIP only at CPL 0 (VM = 0 here: a return to V86 is not this path). */
    if (cpl == 0) {
        mask |= EFLAGS_IOPL;
        if (os == CPU_OP32)
            mask |= EFLAGS_VIF | EFLAGS_VIP;
    }
    return ((cur & ~mask) | (img & mask)) | EFLAGS_FIXED;
}

struct cpu_result cpu_iret(struct vcpu_state *s, const struct guest_mem *m, enum cpu_opsize os)
{
    if ((s->cr0 & CR0_PE) == 0)
        return cpu_unsupported("IRET in real mode");
    if (s->eflags & EFLAGS_VM)
        return cpu_unsupported("IRET in virtual-8086 mode");
    /* NT = 1: return to the previous task through the TSS back link. */
    if (s->eflags & EFLAGS_NT)
        return cpu_unsupported("IRET with NT = 1 (task return)");

    const struct seg_cache *ss = &s->seg[SEG_SS];
    uint32_t esp = s->gpr[GPR_ESP];
    unsigned slot = (unsigned)os;
    bool user = s->cpl == 3;
    /* The top 12 (6) bytes: EIP, CS, EFLAGS, inside the stack limit, else #SS(0). */
    for (unsigned i = 0; i < 3; i++)
        if (!cpu_stack_slot_ok(ss, esp, i * slot, slot))
            return cpu_fault(cpu_ss_fault(0));
    uint32_t eip, cs_word, flags_img;
    struct guest_fault f = cpu_stack_read(s, m, ss, esp, 0, slot, user, &eip);
    if (!f.raised)
        f = cpu_stack_read(s, m, ss, esp, slot, slot, user, &cs_word);
    if (!f.raised)
        f = cpu_stack_read(s, m, ss, esp, 2 * slot, slot, user, &flags_img);
    if (f.raised)
        return cpu_fault(f);
    /* tempEFLAGS.VM = 1 at CPL 0 (32-bit operand): return to virtual-8086 mode. */
    if (os == CPU_OP32 && (flags_img & EFLAGS_VM) && s->cpl == 0)
        return cpu_unsupported("IRET to virtual-8086 mode");

    uint16_t cs_sel = (uint16_t)cs_word;
    struct cpu_desc csd;
    f = cpu_check_return_cs(s, m, cs_sel, &csd);
    if (f.raised)
        return cpu_fault(f);
    unsigned rpl = SEL_RPL(cs_sel);
    uint32_t new_flags = cpu_iret_eflags(s->eflags, flags_img, s->cpl, os);

    /* RETURN-TO-SAME-PRIVILEGE-LEVEL: EIP inside the new CS limit, else #GP(0). */
    if (rpl == s->cpl)
        return cpu_return_same(s, m, 3 * slot, cs_sel, &csd, eip, &new_flags);

    /* RETURN-TO-OUTER-PRIVILEGE-LEVEL: ESP and SS follow, the next 8 (4) bytes. */
    return cpu_return_outer(s, m, 3 * slot, slot, 0, cs_sel, &csd, eip, &new_flags);
}
