/* cpu_seg.c — MOV/POP/LxS to a data or stack segment register. */
#include "monitor/cpu_seg.h"
#include "monitor/cpu_desc.h"

/* SS: SDM Vol. 2 MOV operation, "IF SS is loaded". */
static struct cpu_result load_ss(struct vcpu_state *s, const struct guest_mem *m, uint16_t sel)
{
    /* A null SS is #GP(0) outside 64-bit mode. */
    if (sel_is_null(sel))
        return cpu_fault(cpu_gp(0));
    struct cpu_desc d;
    struct guest_fault f = cpu_desc_fetch(s, m, sel, cpu_gp(cpu_sel_errcode(sel, false)), &d);
    if (f.raised)
        return cpu_fault(f);
    /* RPL = CPL, a writable data segment, DPL = CPL; else #GP(selector). */
    if (SEL_RPL(sel) != s->cpl || !desc_is_writable_data(&d) || desc_dpl(&d) != s->cpl)
        return cpu_fault(cpu_gp(cpu_sel_errcode(sel, false)));
    /* Not present: #SS(selector), not #NP. */
    if (!desc_present(&d))
        return cpu_fault(cpu_ss_fault(cpu_sel_errcode(sel, false)));
    f = cpu_desc_mark_accessed(s, m, &d);
    if (f.raised)
        return cpu_fault(f);
    s->seg[SEG_SS] = cpu_desc_cache(sel, &d);
    /* MOV SS / POP SS hold off interrupts and debug traps for one instruction (§6.8.3). */
    s->inhibit_irq = true;
    s->inhibit_eip = s->eip;
    return cpu_ok();
}

/* DS/ES/FS/GS: SDM Vol. 2 MOV operation, "IF DS, ES, FS, or GS is loaded". */
static struct cpu_result load_data(struct vcpu_state *s, const struct guest_mem *m,
                                   enum seg_reg reg, uint16_t sel)
{
    /* A null selector loads and marks the register unusable; faults come on use. */
    if (sel_is_null(sel)) {
        s->seg[reg] = cpu_null_seg(sel);
        return cpu_ok();
    }
    uint32_t err = cpu_sel_errcode(sel, false);
    struct cpu_desc d;
    struct guest_fault f = cpu_desc_fetch(s, m, sel, cpu_gp(err), &d);
    if (f.raised)
        return cpu_fault(f);
    /* Data or readable code only (system descriptors and execute-only code fail). */
    if (!desc_is_readable(&d))
        return cpu_fault(cpu_gp(err));
    /* Data and non-conforming code: DPL >= max(CPL, RPL); conforming code is exempt. */
    if (!desc_is_conforming_code(&d) && (SEL_RPL(sel) > desc_dpl(&d) || s->cpl > desc_dpl(&d)))
        return cpu_fault(cpu_gp(err));
    if (!desc_present(&d))
        return cpu_fault(cpu_np(err));
    f = cpu_desc_mark_accessed(s, m, &d);
    if (f.raised)
        return cpu_fault(f);
    s->seg[reg] = cpu_desc_cache(sel, &d);
    return cpu_ok();
}

struct cpu_result cpu_load_seg(struct vcpu_state *s, const struct guest_mem *m, enum seg_reg reg,
                               uint16_t sel)
{
    if (reg == SEG_CS || reg >= SEG_COUNT)
        return cpu_fault(guest_fault_make(VEC_UD, false, 0)); /* MOV CS is #UD */
    if ((s->cr0 & CR0_PE) == 0) {
        /* Real mode: base = selector * 16; limit and attributes stay (SDM Vol. 3A §20.1.1). */
        s->seg[reg].sel = sel;
        s->seg[reg].base = (uint32_t)sel << 4;
        s->seg[reg].valid = true;
        if (reg == SEG_SS) {
            s->inhibit_irq = true;
            s->inhibit_eip = s->eip;
        }
        return cpu_ok();
    }
    if (s->eflags & EFLAGS_VM)
        return cpu_unsupported("segment load in virtual-8086 mode");
    return reg == SEG_SS ? load_ss(s, m, sel) : load_data(s, m, reg, sel);
}

struct cpu_result cpu_mov_to_sreg(struct vcpu_state *s, const struct guest_mem *m, enum seg_reg reg,
                                  uint16_t sel, uint32_t next_eip)
{
    struct cpu_result r = cpu_load_seg(s, m, reg, sel);
    if (r.status != CPU_OK)
        return r;
    s->eip = next_eip;
    if (reg == SEG_SS)
        s->inhibit_eip = next_eip;
    return r;
}

void cpu_null_outer_data_segs(struct vcpu_state *s, unsigned new_cpl)
{
    static const enum seg_reg regs[] = {SEG_ES, SEG_FS, SEG_GS, SEG_DS};
    for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        struct seg_cache *c = &s->seg[regs[i]];
        if (!c->valid)
            continue;
        /* The DPL tested is the one in the hidden part (SDM Vol. 2 IRET operation). */
        if (!cache_is_conforming_code(c) && SEG_ATTR_DPL(c->attr) < new_cpl)
            *c = cpu_null_seg(0);
    }
}

void cpu_commit_cs(struct vcpu_state *s, uint16_t sel, const struct cpu_desc *d, unsigned cpl,
                   uint32_t eip)
{
    s->cpl = cpl;
    s->seg[SEG_CS] = cpu_desc_cache((uint16_t)((sel & 0xFFFCu) | cpl), d);
    s->eip = eip;
}
