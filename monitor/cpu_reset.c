/* cpu_reset.c — power-on and flat protected-mode states. */
#include "monitor/cpu_reset.h"
#include "monitor/world.h"

#include <string.h>

/* Present, S = 1, DPL 0: code execute/read accessed (type 11), data read/write accessed (3). */
#define ATTR_CODE16 (0xBu | SEG_ATTR_S | SEG_ATTR_P)
#define ATTR_DATA16 (0x3u | SEG_ATTR_S | SEG_ATTR_P)
#define ATTR_FLAT   (SEG_ATTR_DB | SEG_ATTR_G)

void cpu_reset_power_on(struct vcpu_state *s, uint32_t signature)
{
    memset(s, 0, sizeof *s);
    s->eip = 0xFFF0;
    s->eflags = EFLAGS_FIXED;
    s->gpr[GPR_EDX] = signature;
    s->cr0 = CR0_CD | CR0_NW | CR0_ET;
    /* CS selector F000H with base FFFF0000H: the first fetch is at FFFFFFF0H. */
    s->seg[SEG_CS] = (struct seg_cache){
        .sel = 0xF000, .attr = ATTR_CODE16, .base = 0xFFFF0000u, .limit = 0xFFFF, .valid = true};
    for (int r = 0; r < SEG_COUNT; r++)
        if (r != SEG_CS)
            s->seg[r] = (struct seg_cache){.attr = ATTR_DATA16, .limit = 0xFFFF, .valid = true};
    s->gdtr.limit = 0xFFFF;
    s->idtr.limit = 0xFFFF;
    s->ldtr = (struct seg_cache){.attr = 0x2u | SEG_ATTR_P, .limit = 0xFFFF, .valid = true};
    s->tr = (struct seg_cache){.attr = 0xBu | SEG_ATTR_P, .limit = 0xFFFF, .valid = true};
    s->dr[6] = 0xFFFF0FF0u;
    s->dr[7] = 0x400u;
}

void cpu_reset_protected_flat(struct vcpu_state *s, uint16_t code_sel, uint16_t data_sel)
{
    memset(s, 0, sizeof *s);
    s->eflags = EFLAGS_FIXED;
    s->cr0 = CR0_PE | CR0_ET;
    s->seg[SEG_CS] = (struct seg_cache){
        .sel = code_sel, .attr = ATTR_CODE16 | ATTR_FLAT, .limit = 0xFFFFFFFFu, .valid = true};
    for (int r = 0; r < SEG_COUNT; r++)
        if (r != SEG_CS)
            s->seg[r] = (struct seg_cache){.sel = data_sel,
                                           .attr = ATTR_DATA16 | ATTR_FLAT,
                                           .limit = 0xFFFFFFFFu,
                                           .valid = true};
    s->dr[6] = 0xFFFF0FF0u;
    s->dr[7] = 0x400u;
}
