/* blocks.c — block table, callout-site table and pc maps. */
#include "cache/blocks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SITES_PER_BLOCK 64
#define MAX_PCS_PER_BLOCK   64

static uint32_t hash_key(uint32_t eip, uint32_t mode, uint32_t size)
{
    uint32_t h = eip * 0x9E3779B1u ^ mode * 0x85EBCA6Bu;
    return (h ^ (h >> 15)) & (size - 1);
}

static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t p = 16;
    while (p < n)
        p <<= 1;
    return p;
}

int blocks_init(struct blocks *b, uint32_t max_blocks)
{
    memset(b, 0, sizeof(*b));
    b->cap = max_blocks;
    b->pcs_cap = max_blocks * 16;
    b->sites_cap = max_blocks * 3;
    b->hash_size = pow2_at_least(max_blocks * 2);
    b->v = calloc(b->cap, sizeof(*b->v));
    b->pcs = calloc(b->pcs_cap, sizeof(*b->pcs));
    b->sites = calloc(b->sites_cap, sizeof(*b->sites));
    b->hash = malloc(b->hash_size * sizeof(*b->hash));
    if (!b->v || !b->pcs || !b->sites || !b->hash) {
        blocks_free(b);
        return -ENOMEM;
    }
    blocks_clear(b);
    b->stats.flushes = 0;
    return 0;
}

void blocks_free(struct blocks *b)
{
    free(b->v);
    free(b->pcs);
    free(b->sites);
    free(b->hash);
    memset(b, 0, sizeof(*b));
}

void blocks_clear(struct blocks *b)
{
    b->n = b->npcs = b->nsites = 0;
    memset(b->hash, 0xFF, b->hash_size * sizeof(*b->hash));
    b->stats.flushes++;
}

bool blocks_full(const struct blocks *b)
{
    return b->n >= b->cap || b->npcs + MAX_PCS_PER_BLOCK > b->pcs_cap ||
           b->nsites + MAX_SITES_PER_BLOCK > b->sites_cap;
}

uint32_t block_lookup(struct blocks *b, uint32_t eip, uint32_t mode)
{
    return block_lookup_in(b, eip, mode, 0);
}

uint32_t block_lookup_in(struct blocks *b, uint32_t eip, uint32_t mode, uint32_t page)
{
    b->stats.lookups++;
    for (uint32_t i = b->hash[hash_key(eip, mode, b->hash_size)]; i != BLOCK_NONE;
         i = b->v[i].hash_next) {
        if (b->v[i].guest_eip == eip && b->v[i].mode == mode && !b->v[i].dead &&
            (!page || b->v[i].page[0] == page)) {
            b->stats.hits++;
            return i;
        }
    }
    return BLOCK_NONE;
}

uint32_t block_add(struct blocks *b, const struct tc_block *blk, const struct pc_entry *pcs,
                   uint32_t npcs)
{
    if (b->n >= b->cap || npcs > b->pcs_cap - b->npcs)
        return BLOCK_NONE;
    uint32_t i = b->n++;
    struct tc_block *d = &b->v[i];
    *d = *blk;
    d->pc_first = b->npcs;
    d->pc_count = npcs;
    memcpy(b->pcs + b->npcs, pcs, npcs * sizeof(*pcs));
    b->npcs += npcs;
    uint32_t h = hash_key(d->guest_eip, d->mode, b->hash_size);
    d->hash_next = b->hash[h];
    b->hash[h] = i;
    b->stats.translated++;
    return i;
}

bool site_add(struct blocks *b, const struct tc_site *s)
{
    if (b->nsites >= b->sites_cap)
        return false;
    b->sites[b->nsites++] = *s;
    return true;
}

struct tc_site *site_find(struct blocks *b, uint32_t id)
{
    return id < b->nsites ? &b->sites[id] : NULL;
}

uint32_t block_containing(const struct blocks *b, uint32_t a)
{
    /* Blocks are appended in TC address order until the next flush: binary search. */
    uint32_t lo = 0, hi = b->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (b->v[mid].tc_start <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return BLOCK_NONE;
    const struct tc_block *blk = &b->v[lo - 1];
    return a - blk->tc_start < blk->tc_len ? lo - 1 : BLOCK_NONE;
}

uint32_t block_guest_eip_at(const struct blocks *b, uint32_t i, uint32_t a)
{
    const struct tc_block *blk = &b->v[i];
    uint32_t off = a - blk->tc_start;
    const struct pc_entry *p = b->pcs + blk->pc_first;
    uint32_t guest_off = 0;
    for (uint32_t k = 0; k < blk->pc_count && p[k].tc_off <= off; k++)
        guest_off = p[k].guest_off;
    return blk->guest_eip + guest_off;
}

void block_note_chain(struct blocks *b, uint32_t site, uint32_t to)
{
    b->sites[site].to_block = to;
    b->sites[site].next_in = b->v[to].chained_in;
    b->v[to].chained_in = site + 1;
}

void block_forget_chain(struct blocks *b, uint32_t site)
{
    uint32_t *link = &b->v[b->sites[site].to_block].chained_in;
    while (*link && *link != site + 1)
        link = &b->sites[*link - 1].next_in;
    if (*link)
        *link = b->sites[site].next_in;
    b->sites[site].next_in = 0;
}

uint32_t blocks_invalidate_page(struct blocks *b, uint32_t pn,
                                void (*unchain)(void *ctx, struct tc_site *site),
                                void (*killed)(void *ctx, uint32_t block), void *ctx)
{
    uint32_t n_killed = 0;
    for (uint32_t i = 0; i < b->n; i++) {
        struct tc_block *blk = &b->v[i];
        if (blk->dead || (blk->page[0] != pn + 1 && blk->page[1] != pn + 1))
            continue;
        blk->dead = true;
        n_killed++;
        if (killed)
            killed(ctx, i);
        for (uint32_t s = blk->chained_in; s;) {
            uint32_t next = b->sites[s - 1].next_in; /* unchain() unlinks s */
            if (b->sites[s - 1].chained)
                unchain(ctx, &b->sites[s - 1]);
            s = next;
        }
        blk->chained_in = 0;
    }
    b->stats.invalidations += n_killed;
    return n_killed;
}
