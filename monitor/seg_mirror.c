/* seg_mirror.c — a cache of host LDT mirrors of guest segments. */
#include "monitor/seg_mirror.h"

#include <string.h>

void seg_mirror_init(struct seg_mirror *m, uint32_t top)
{
    memset(m, 0, sizeof(*m));
    m->top = top;
    m->write = host_ldt_write;
}

void seg_mirror_invalidate(struct seg_mirror *m)
{
    for (unsigned i = 0; i < SEG_MIRROR_SLOTS; i++)
        m->slot[i].used = false;
    for (unsigned i = 0; i < SEG_MIRROR_FIRST; i++)
        m->fixed[i].used = false;
}

/* The host kind for a guest data-register segment (SDM Vol. 3A §3.4.5.1 types). */
static enum host_seg_kind data_kind(uint16_t attr)
{
    unsigned type = SEG_ATTR_TYPE(attr);
    if (type & 0x8) /* readable code loaded into a data register */
        return HOST_SEG_DATA_RO;
    return (type & 0x2) ? HOST_SEG_DATA32 : HOST_SEG_DATA_RO;
}

static bool pinned_slot(const uint16_t *pinned, unsigned n, unsigned slot)
{
    for (unsigned i = 0; i < n; i++)
        if (pinned[i] == host_ldt_selector(SEG_MIRROR_FIRST + slot))
            return true;
    return false;
}

/* usable_limit: the host limit for a guest segment, or false if it cannot be used. */
static bool usable_limit(const struct seg_mirror *m, const struct seg_cache *sc, uint32_t *out)
{
    /* Null, not present or entirely inside the monitor area: unusable, like a null DS. */
    if (!sc->valid || !(sc->attr & SEG_ATTR_P) || sc->base >= m->top)
        return false;
    uint32_t room = m->top - 1 - sc->base;
    uint32_t limit = sc->limit < room ? sc->limit : room;
    /* A segment whose offsets wrap around 4 GiB (base + limit beyond it, as Linux's TLS
     * segments with their negative offsets) cannot be truncated without breaking the
     * wrap: it keeps its limit, and only the monitor area's own protections (translated
     * code is never writable) stand between it and the monitor. */
    if (sc->base != 0 && (uint64_t)sc->base + sc->limit > 0xFFFFFFFFull)
        limit = sc->limit;
    /* Host descriptors above 1 MiB are page granular: round the limit down to a page end,
     * never up (an access the guest may not make must still fault). */
    if (limit > 0xFFFFF && (limit & 0xFFF) != 0xFFF)
        limit = (limit & ~0xFFFu) - 1;
    *out = limit;
    return true;
}

static int mirror(struct seg_mirror *m, const struct seg_cache *sc, uint8_t kind,
                  const uint16_t *pinned, unsigned npinned, uint16_t *sel)
{
    uint32_t limit;
    if (!usable_limit(m, sc, &limit)) {
        *sel = 0;
        return 0;
    }
    m->clock++;
    unsigned victim = 0;
    uint64_t oldest = UINT64_MAX;
    for (unsigned i = 0; i < SEG_MIRROR_SLOTS; i++) {
        struct seg_mirror_slot *s = &m->slot[i];
        if (s->used && s->base == sc->base && s->limit == limit && s->kind == kind) {
            s->last_use = m->clock;
            m->hits++;
            *sel = host_ldt_selector(SEG_MIRROR_FIRST + i);
            return 0;
        }
        uint64_t age = s->used ? s->last_use : 0;
        if (age < oldest && !pinned_slot(pinned, npinned, i)) {
            oldest = age;
            victim = i;
        }
    }
    int r = m->write(SEG_MIRROR_FIRST + victim, (enum host_seg_kind)kind, sc->base, limit, true);
    if (r != 0)
        return r;
    m->ldt_writes++;
    m->slot[victim] = (struct seg_mirror_slot){
        .base = sc->base, .limit = limit, .kind = kind, .used = true, .last_use = m->clock};
    *sel = host_ldt_selector(SEG_MIRROR_FIRST + victim);
    return 0;
}

int seg_mirror_data(struct seg_mirror *m, const struct seg_cache *sc, const uint16_t *pinned,
                    unsigned npinned, uint16_t *sel)
{
    return mirror(m, sc, (uint8_t)data_kind(sc->attr), pinned, npinned, sel);
}

int seg_mirror_code(struct seg_mirror *m, const struct seg_cache *sc, const uint16_t *pinned,
                    unsigned npinned, uint16_t *sel)
{
    uint8_t kind = (sc->attr & SEG_ATTR_DB) ? HOST_SEG_CODE32 : HOST_SEG_CODE16;
    return mirror(m, sc, kind, pinned, npinned, sel);
}

int seg_mirror_fixed(struct seg_mirror *m, const struct seg_cache *sc, bool code, uint16_t *sel)
{
    unsigned slot = sc->sel >> 3;
    uint32_t limit;
    if (slot == 0 || slot >= SEG_MIRROR_FIRST || !usable_limit(m, sc, &limit)) {
        *sel = 0;
        return 0;
    }
    uint8_t kind = code ? ((sc->attr & SEG_ATTR_DB) ? HOST_SEG_CODE32 : HOST_SEG_CODE16)
                        : (uint8_t)data_kind(sc->attr);
    struct seg_mirror_slot *f = &m->fixed[slot];
    *sel = host_ldt_selector(slot);
    if (f->used && f->base == sc->base && f->limit == limit && f->kind == kind) {
        m->hits++;
        return 0;
    }
    int r = m->write(slot, (enum host_seg_kind)kind, sc->base, limit, true);
    if (r != 0)
        return r;
    m->ldt_writes++;
    *f = (struct seg_mirror_slot){.base = sc->base, .limit = limit, .kind = kind, .used = true};
    return 0;
}
