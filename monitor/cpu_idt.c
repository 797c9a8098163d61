/* cpu_idt.c — one protected-mode delivery through an IDT interrupt or trap gate
 * (SDM Vol. 3A §6.12.1, Vol. 2 INT n operation), and real-mode delivery (§20.1.4). */
#include "monitor/cpu_idt.h"
#include "monitor/cpu_desc.h"
#include "monitor/cpu_stack.h"
#include "monitor/cpu_tss.h"
#include "monitor/world.h"

uint32_t cpu_event_eflags_image(uint32_t eflags, uint8_t vector, enum cpu_event_kind kind)
{
    if (kind == EVENT_SOFTWARE_INT)
        return eflags & ~EFLAGS_RF; /* cleared at the start of INT n */
    if (kind == EVENT_EXCEPTION) {
        switch (vector) {
        case VEC_DE:
        case VEC_BR:
        case VEC_UD:
        case VEC_NM:
        case VEC_TS:
        case VEC_NP:
        case VEC_SS:
        case VEC_GP:
        case VEC_PF:
        case VEC_MF:
        case VEC_AC:
        case VEC_XM: return eflags | EFLAGS_RF; /* fault class: the instruction restarts */
        default: break;
        }
    }
    return eflags;
}

/* Protected-mode delivery: every check first, then the writes, then the commit. */
struct cpu_result cpu_idt_deliver(struct vcpu_state *s, const struct guest_mem *m, uint8_t vector,
                                  enum cpu_event_kind kind, bool has_err, uint32_t err)
{
    /* EXT: the event is external to the program (interrupt or earlier exception), §6.13. */
    bool ext = kind != EVENT_SOFTWARE_INT;
    bool push_err = kind == EVENT_EXCEPTION && has_err;
    uint32_t idt_err = ((uint32_t)vector << 3) | 2u | (ext ? 1u : 0u);

    /* The 8-byte gate must lie inside the IDT limit: #GP(vector*8 + 2 + EXT) (§6.10). */
    if (((uint32_t)vector << 3) + 7 > s->idtr.limit)
        return cpu_fault(cpu_gp(idt_err));
    /* IDT reads are implicit supervisor accesses (SDM §4.6). */
    uint32_t raw[2];
    uint32_t gate_lin = s->idtr.base + ((uint32_t)vector << 3);
    struct guest_fault f = guest_linear_read(m, s, gate_lin, raw, sizeof raw, false);
    if (f.raised)
        return cpu_fault(f);
    struct cpu_desc gate = {.lo = raw[0], .hi = raw[1], .lin = gate_lin};
    unsigned type = desc_type(&gate);
    /* Only task, interrupt and trap gates (16/32-bit) belong in the IDT (§6.11). */
    bool gate_ok = !desc_s(&gate) &&
                   (type == DESC_TASK_GATE || type == DESC_INT_GATE16 || type == DESC_TRAP_GATE16 ||
                    type == DESC_INT_GATE32 || type == DESC_TRAP_GATE32);
    if (!gate_ok)
        return cpu_fault(cpu_gp(idt_err));
    /* INT n/INT3/INTO need gate DPL >= CPL: #GP(vector*8 + 2), EXT clear (§6.12.1.1). */
    if (kind == EVENT_SOFTWARE_INT && desc_dpl(&gate) < s->cpl)
        return cpu_fault(cpu_gp(((uint32_t)vector << 3) | 2u));
    if (!desc_present(&gate))
        return cpu_fault(cpu_np(idt_err));
    if (type == DESC_TASK_GATE)
        return cpu_unsupported("task gate in the IDT (hardware task switch)");

    bool gate32 = (type & 0x8u) != 0;
    bool int_gate = type == DESC_INT_GATE16 || type == DESC_INT_GATE32;
    unsigned slot = gate32 ? 4 : 2;
    uint16_t cs_sel = gate_selector(&gate);
    uint32_t new_eip = gate32 ? gate_offset(&gate) : (gate_offset(&gate) & 0xFFFFu);
    uint32_t cs_err = cpu_sel_errcode(cs_sel, ext);

    /* The target code segment (Vol. 2 INT n, TRAP-OR-INTERRUPT-GATE). */
    if (sel_is_null(cs_sel))
        return cpu_fault(cpu_gp(cpu_sel_errcode(0, ext)));
    struct cpu_desc csd;
    f = cpu_desc_fetch(s, m, cs_sel, cpu_gp(cs_err), &csd);
    if (f.raised)
        return cpu_fault(f);
    if (!desc_is_code(&csd) || desc_dpl(&csd) > s->cpl)
        return cpu_fault(cpu_gp(cs_err));
    if (!desc_present(&csd))
        return cpu_fault(cpu_np(cs_err));

    /* Non-conforming code with DPL < CPL: to an inner level with a stack switch;
     * conforming code or DPL = CPL: at the current level (§6.12.1). */
    bool inner = !desc_is_conforming_code(&csd) && desc_dpl(&csd) < s->cpl;
    unsigned new_cpl = inner ? desc_dpl(&csd) : s->cpl;
    uint32_t image = cpu_event_eflags_image(s->eflags, vector, kind);
    struct cpu_inner_stack st;
    struct cpu_frame fr;
    if (inner) {
        f = cpu_tss_inner_stack(s, m, new_cpl, ext, &st);
        if (f.raised)
            return cpu_fault(f);
        cpu_frame_init(&fr, &st.ss, st.esp, new_cpl == 3);
        cpu_frame_push(&fr, s->seg[SEG_SS].sel, slot);
        cpu_frame_push(&fr, s->gpr[GPR_ESP], slot);
    } else {
        cpu_frame_init(&fr, &s->seg[SEG_SS], s->gpr[GPR_ESP], s->cpl == 3);
    }
    cpu_frame_push(&fr, image, slot);
    cpu_frame_push(&fr, s->seg[SEG_CS].sel, slot);
    cpu_frame_push(&fr, s->eip, slot);
    if (push_err)
        cpu_frame_push(&fr, err, slot);
    /* Room for the frame: #SS(new SS + EXT) after a switch, else #SS(EXT). */
    if (!cpu_frame_fits(&fr))
        return cpu_fault(cpu_ss_fault(inner ? cpu_sel_errcode(st.ss.sel, ext) : (ext ? 1u : 0u)));
    /* The handler's EIP must be inside the new CS limit: #GP(EXT). */
    if (new_eip > desc_limit(&csd))
        return cpu_fault(cpu_gp(ext ? 1u : 0u));

    /* Checks done. Probe the frame, set the accessed bits, write the frame. */
    f = cpu_frame_probe(s, m, &fr, 0, fr.count);
    if (!f.raised && inner)
        f = cpu_desc_mark_accessed(s, m, &st.desc);
    if (!f.raised)
        f = cpu_desc_mark_accessed(s, m, &csd);
    if (!f.raised)
        f = cpu_frame_write(s, m, &fr);
    if (f.raised)
        return cpu_fault(f);

    if (inner)
        s->seg[SEG_SS] = cpu_desc_cache(st.ss.sel, &st.desc);
    s->gpr[GPR_ESP] = fr.esp;
    s->cpl = new_cpl;
    s->seg[SEG_CS] = cpu_desc_cache((uint16_t)((cs_sel & 0xFFFCu) | new_cpl), &csd);
    s->eip = new_eip;
    /* TF, NT, RF, VM cleared; an interrupt gate also clears IF (§6.12.1.2). */
    s->eflags &= ~(EFLAGS_TF | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM);
    if (int_gate)
        s->eflags &= ~EFLAGS_IF;
    return cpu_ok();
}

/* Real-address mode: the IVT holds 4-byte IP:CS vectors at IDTR.base (SDM Vol. 3A
 * §20.1.4, Vol. 2 INT n REAL-ADDRESS-MODE). Exceptions push no error code here. */
struct cpu_result cpu_ivt_deliver(struct vcpu_state *s, const struct guest_mem *m, uint8_t vector)
{
    if (((uint32_t)vector << 2) + 3 > s->idtr.limit)
        return cpu_fault(guest_fault_make(VEC_GP, false, 0));
    uint16_t vec[2];
    struct guest_fault f =
        guest_linear_read(m, s, s->idtr.base + ((uint32_t)vector << 2), vec, 4, false);
    if (f.raised)
        return cpu_fault(f);
    struct cpu_frame fr;
    cpu_frame_init(&fr, &s->seg[SEG_SS], s->gpr[GPR_ESP], false);
    cpu_frame_push(&fr, s->eflags, 2);
    cpu_frame_push(&fr, s->seg[SEG_CS].sel, 2);
    cpu_frame_push(&fr, s->eip, 2);
    /* No room for the 6-byte frame: #SS. */
    if (!cpu_frame_fits(&fr))
        return cpu_fault(guest_fault_make(VEC_SS, false, 0));
    f = cpu_frame_write(s, m, &fr);
    if (f.raised)
        return cpu_fault(f);
    s->gpr[GPR_ESP] = fr.esp;
    s->seg[SEG_CS].sel = vec[1];
    s->seg[SEG_CS].base = (uint32_t)vec[1] << 4;
    s->eip = vec[0];
    /* IF, TF and AC cleared. */
    s->eflags &= ~(EFLAGS_IF | EFLAGS_TF | EFLAGS_AC);
    return cpu_ok();
}
