/* loader_cpu_state.c — flat 32-bit entry state and descriptor encoding. */
#include "monitor/loader_cpu_state.h"

#include <string.h>

/* flat_segment: base 0, limit 4 GiB - 1 (0xFFFFF pages, G = 1), DPL 0, 32-bit. */
static struct boot_segment flat_segment(uint16_t selector, uint8_t type)
{
    struct boot_segment s = {
        .selector = selector,
        .base = 0,
        .limit = 0xFFFFFFFFu,
        .type = type,
        .dpl = 0,
        .s = true,
        .present = true,
        .db = true,
        .g = true,
    };
    return s;
}

void boot_state_flat32(struct boot_state *bs, uint16_t code_sel, uint16_t data_sel)
{
    memset(bs, 0, sizeof(*bs));
    bs->eflags = BOOT_EFLAGS;
    bs->cr0 = BOOT_CR0_PE | BOOT_CR0_ET;
    bs->protected_mode = true;
    bs->paging = false;
    bs->a20 = true;
    bs->cs = flat_segment(code_sel, BOOT_CODE_TYPE);
    bs->ds = flat_segment(data_sel, BOOT_DATA_TYPE);
    bs->es = bs->ds;
    bs->fs = bs->ds;
    bs->gs = bs->ds;
    bs->ss = bs->ds;
}

uint64_t boot_segment_descriptor(const struct boot_segment *seg)
{
    /* With G = 1 the descriptor holds the limit in 4 KiB units (SDM Vol. 3A §3.4.5). */
    uint32_t limit = seg->g ? seg->limit >> 12 : seg->limit & 0xFFFFFu;
    uint64_t d = 0;
    d |= limit & 0xFFFFu;
    d |= (uint64_t)(seg->base & 0xFFFFFFu) << 16;
    d |= (uint64_t)(seg->type & 0xFu) << 40;
    d |= (uint64_t)(seg->s ? 1 : 0) << 44;
    d |= (uint64_t)(seg->dpl & 3u) << 45;
    d |= (uint64_t)(seg->present ? 1 : 0) << 47;
    d |= (uint64_t)((limit >> 16) & 0xFu) << 48;
    d |= (uint64_t)(seg->db ? 1 : 0) << 54;
    d |= (uint64_t)(seg->g ? 1 : 0) << 55;
    d |= (uint64_t)(seg->base >> 24) << 56;
    return d;
}
