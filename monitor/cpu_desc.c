/* cpu_desc.c — descriptor fetch, decode and the accessed bit. */
#include "monitor/cpu_desc.h"

struct guest_fault cpu_desc_fetch(const struct vcpu_state *s, const struct guest_mem *m,
                                  uint16_t sel, struct guest_fault beyond, struct cpu_desc *d)
{
    uint32_t base, limit;
    if (sel & SEL_TI) {
        /* A null LDTR makes every LDT reference fail its limit check (SDM §3.5.1). */
        if (!s->ldtr.valid)
            return beyond;
        base = s->ldtr.base;
        limit = s->ldtr.limit;
    } else {
        base = s->gdtr.base;
        limit = s->gdtr.limit;
    }
    uint32_t off = sel & 0xFFF8u;
    /* The whole 8-byte descriptor must lie inside the table (SDM §3.5.1). */
    if ((uint64_t)off + 7 > limit)
        return beyond;
    uint32_t raw[2];
    /* Descriptor-table reads are implicit supervisor accesses at any CPL (SDM §4.6). */
    struct guest_fault f = guest_linear_read(m, s, base + off, raw, sizeof raw, false);
    if (f.raised)
        return f;
    d->lo = raw[0];
    d->hi = raw[1];
    d->lin = base + off;
    return FAULT_NONE;
}

struct guest_fault cpu_desc_write_type(const struct vcpu_state *s, const struct guest_mem *m,
                                       struct cpu_desc *d, unsigned type)
{
    uint8_t b = (uint8_t)(((d->hi >> 8) & 0xF0u) | (type & 0xFu));
    struct guest_fault f = guest_linear_write(m, s, d->lin + 5, &b, 1, false);
    if (f.raised)
        return f;
    d->hi = (d->hi & ~0xF00u) | ((type & 0xFu) << 8);
    return FAULT_NONE;
}

struct guest_fault cpu_desc_mark_accessed(const struct vcpu_state *s, const struct guest_mem *m,
                                          struct cpu_desc *d)
{
    /* SDM §3.4.5.1: loading a segment register sets A in the descriptor in memory
     * if it is clear; a descriptor that already has A = 1 is not written. */
    if (!desc_s(d) || (desc_type(d) & DESC_TYPE_ACCESSED))
        return FAULT_NONE;
    return cpu_desc_write_type(s, m, d, desc_type(d) | DESC_TYPE_ACCESSED);
}

struct seg_cache cpu_desc_cache(uint16_t sel, const struct cpu_desc *d)
{
    return (struct seg_cache){
        .sel = sel,
        .attr = desc_attr(d),
        .base = desc_base(d),
        .limit = desc_limit(d),
        .valid = true,
    };
}

bool cpu_seg_range_ok(const struct seg_cache *c, uint32_t off, uint32_t len)
{
    if (len == 0)
        return true;
    uint64_t last = (uint64_t)off + len - 1;
    bool data = (c->attr & SEG_ATTR_S) && !(SEG_ATTR_TYPE(c->attr) & DESC_TYPE_CODE);
    if (data && (SEG_ATTR_TYPE(c->attr) & DESC_TYPE_EXPANDDOWN)) {
        /* Expand-down: valid offsets are limit+1 .. 0xFFFF (B = 0) or 0xFFFFFFFF
         * (B = 1), SDM §5.3. */
        uint64_t upper = (c->attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
        return off > c->limit && last <= upper;
    }
    return last <= c->limit;
}
