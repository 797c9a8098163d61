/* blocks.h — the block table: which guest code has a translation, where, and the
 * per-site facts needed to run it (callout sites, guest EIP of each host range). */
#ifndef BT386_CACHE_BLOCKS_H
#define BT386_CACHE_BLOCKS_H

#include <stdbool.h>
#include <stdint.h>

/* What a callout site does when translated code reaches it. */
enum site_kind {
    SITE_EXIT,     /* leave to the dispatcher, continue at target (chainable) */
    SITE_EMULATE,  /* run the instruction at guest_eip in the slow-path emulator */
    SITE_IRQ_GATE, /* the block-entry interrupt check (never a callout; see translator) */
};

struct tc_site {
    uint32_t resume;    /* TC address after the site's far jump (where a resume continues) */
    uint32_t guest_eip; /* linear address of the guest instruction the site stands for */
    uint32_t target;    /* SITE_EXIT: linear guest address to continue at */
    uint32_t patch_at;  /* TC address of the site's far jump, patched when chained */
    uint32_t block;     /* index of the block holding the site */
    uint32_t ptr;       /* TC address of the far pointer the site's jump goes through */
    uint32_t ret_ic;    /* emulate site of an inline-cached RET: TC address of the sequence */
    uint32_t ret_exit;  /* that sequence's exit site (its number) */
    uint16_t ret_pop;   /* bytes that RET pops: 4 + its imm16 */
    uint8_t kind;
    bool chained;
    bool ret_hit;      /* SITE_EXIT of an inline-cached RET: reaching it is a cache hit */
    uint32_t next_in;  /* the next exit site chained to the same block (number + 1, 0 = none) */
    uint32_t to_block; /* the block it is chained to (valid while chained) */
};

/* One host range per guest instruction: [tc_off, next tc_off) came from guest_off. */
struct pc_entry {
    uint16_t tc_off;
    uint16_t guest_off;
};

struct tc_block {
    uint32_t guest_eip; /* linear address of the first guest instruction */
    uint32_t mode;      /* translation mode key (code size, CPL class, ...) */
    uint32_t guest_len; /* bytes of guest code covered */
    uint32_t tc_start;  /* TC address of the block */
    uint32_t tc_len;
    uint32_t n_insns;
    uint32_t pc_first, pc_count; /* slice of blocks.pcs */
    uint64_t entries;            /* times the dispatcher entered it */
    uint32_t hash_next;          /* chain in the lookup hash, BLOCK_NONE at the end */
    uint32_t page[2];            /* guest-physical page numbers its code came from (+1, 0 = none) */
    uint32_t chained_in;         /* first exit site chained to it (its number + 1, 0 = none) */
    bool dead;                   /* invalidated: never entered or looked up again */
};

#define BLOCK_NONE UINT32_MAX

struct block_stats {
    uint64_t lookups, hits, translated, flushes, invalidations, chained;
};

struct blocks {
    struct tc_block *v;
    uint32_t n, cap;
    struct pc_entry *pcs;
    uint32_t npcs, pcs_cap;
    struct tc_site *sites;
    uint32_t nsites, sites_cap;
    uint32_t *hash; /* (eip, mode) -> first block index */
    uint32_t hash_size;
    struct block_stats stats;
};

/* blocks_init: an empty table sized for about max_blocks blocks; 0 or -ENOMEM. */
int blocks_init(struct blocks *b, uint32_t max_blocks);
void blocks_free(struct blocks *b);
/* blocks_clear: forget everything (with tc_flush). */
void blocks_clear(struct blocks *b);

/* block_lookup: the block for (eip, mode), or BLOCK_NONE; counts lookups and hits. */
uint32_t block_lookup(struct blocks *b, uint32_t eip, uint32_t mode);
/* block_lookup_in: the same, for code that now comes from guest page `page` (number + 1,
 * as in tc_block.page): a translation made under another address space is skipped. */
uint32_t block_lookup_in(struct blocks *b, uint32_t eip, uint32_t mode, uint32_t page);
/* block_add: append a block (its tc_start must be above every earlier block's) and its
 * pc map; returns its index, or BLOCK_NONE when the table is full. */
uint32_t block_add(struct blocks *b, const struct tc_block *blk, const struct pc_entry *pcs,
                   uint32_t npcs);
/* site_add: register a callout site as number b->nsites; false when the table is full. */
bool site_add(struct blocks *b, const struct tc_site *s);
/* site_find: site number id (what its callout stub passes), or NULL. */
struct tc_site *site_find(struct blocks *b, uint32_t id);
/* block_containing: the block whose code holds TC address a, or BLOCK_NONE. */
uint32_t block_containing(const struct blocks *b, uint32_t a);
/* block_guest_eip_at: the linear guest address of the instruction whose translation
 * contains TC address a (a must be inside block i). */
uint32_t block_guest_eip_at(const struct blocks *b, uint32_t i, uint32_t a);
/* block_note_chain: exit site `site` now jumps straight into block `to`. */
void block_note_chain(struct blocks *b, uint32_t site, uint32_t to);
/* block_forget_chain: exit site `site` no longer jumps into its block. */
void block_forget_chain(struct blocks *b, uint32_t site);
/* blocks_invalidate_page: kill every live block whose code came from guest-physical page
 * number pn; unchain(ctx, site) is called for each exit site chained into one of them, so
 * it goes back to leaving through the monitor, and killed(ctx, block) (if not NULL)
 * for each block that dies. Returns how many blocks died. */
uint32_t blocks_invalidate_page(struct blocks *b, uint32_t pn,
                                void (*unchain)(void *ctx, struct tc_site *site),
                                void (*killed)(void *ctx, uint32_t block), void *ctx);
/* blocks_full: true when another block might not fit. */
bool blocks_full(const struct blocks *b);

#endif
