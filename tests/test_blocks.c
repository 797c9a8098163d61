/* test_blocks.c — the block table: lookup by key, TC-address search, pc maps, chains and
 * invalidation by guest page. */
#include "cache/blocks.h"
#include "tests/unit.h"

static struct blocks b;
static unsigned unchained[16], nunchained;

static void setup(void)
{
    ck_assert_int_eq(blocks_init(&b, 64), 0);
    nunchained = 0;
}

static void teardown(void)
{
    blocks_free(&b);
}

static uint32_t add(uint32_t eip, uint32_t tc, uint32_t page0, uint32_t page1)
{
    struct tc_block blk = {
        .guest_eip = eip, .tc_start = tc, .tc_len = 0x40, .n_insns = 3, .guest_len = 8};
    blk.page[0] = page0, blk.page[1] = page1;
    struct pc_entry pcs[3] = {{7, 0}, {10, 2}, {20, 5}};
    return block_add(&b, &blk, pcs, 3);
}

static uint32_t exit_site(uint32_t block, uint32_t target)
{
    struct tc_site s = {.kind = SITE_EXIT, .target = target, .block = block};
    ck_assert(site_add(&b, &s));
    return b.nsites - 1;
}

static void on_unchain(void *ctx, struct tc_site *s)
{
    (void)ctx;
    unchained[nunchained++] = (unsigned)(s - b.sites);
    s->chained = false;
    block_forget_chain(&b, (uint32_t)(s - b.sites));
}

START_TEST(lookup_containing_and_pc_map)
{
    uint32_t a = add(0x1000, 0xFF010000, 2, 0), c = add(0x2000, 0xFF010100, 3, 0);
    ck_assert_uint_eq(block_lookup(&b, 0x1000, 0), a);
    ck_assert_uint_eq(block_lookup(&b, 0x2000, 0), c);
    ck_assert_uint_eq(block_lookup(&b, 0x2000, 1), BLOCK_NONE);
    ck_assert_uint_eq(block_containing(&b, 0xFF010105), c);
    ck_assert_uint_eq(block_containing(&b, 0xFF010040), BLOCK_NONE); /* the gap */
    ck_assert_uint_eq(block_guest_eip_at(&b, a, 0xFF010000 + 12), 0x1002);
    ck_assert_uint_eq(block_guest_eip_at(&b, a, 0xFF010000 + 25), 0x1005);
}
END_TEST

START_TEST(invalidating_a_page_kills_its_blocks_and_unchains_into_them)
{
    uint32_t a = add(0x1000, 0xFF010000, 2 + 1, 0);     /* guest page 2 */
    uint32_t c = add(0x3000, 0xFF010100, 3 + 1, 2 + 1); /* pages 3 and 2 */
    uint32_t d = add(0x5000, 0xFF010200, 5 + 1, 0);     /* page 5 */
    uint32_t s1 = exit_site(d, 0x1000), s2 = exit_site(d, 0x3000), s3 = exit_site(a, 0x5000);
    b.sites[s1].chained = b.sites[s2].chained = b.sites[s3].chained = true;
    block_note_chain(&b, s1, a);
    block_note_chain(&b, s2, c);
    block_note_chain(&b, s3, d);
    ck_assert_uint_eq(blocks_invalidate_page(&b, 2, on_unchain, NULL, NULL), 2);
    ck_assert(b.v[a].dead && b.v[c].dead && !b.v[d].dead);
    ck_assert_uint_eq(block_lookup(&b, 0x1000, 0), BLOCK_NONE);
    ck_assert_uint_eq(block_lookup(&b, 0x5000, 0), d);
    /* Exactly the exits chained into the dead blocks went back to the monitor. */
    ck_assert_uint_eq(nunchained, 2);
    ck_assert(!b.sites[s1].chained && !b.sites[s2].chained && b.sites[s3].chained);
    /* A retranslation of the same code is found again. */
    uint32_t a2 = add(0x1000, 0xFF010300, 2 + 1, 0);
    ck_assert_uint_eq(block_lookup(&b, 0x1000, 0), a2);
    ck_assert_uint_eq(b.stats.invalidations, 2);
}
END_TEST

START_TEST(forgetting_a_chain_keeps_the_others)
{
    uint32_t a = add(0x1000, 0xFF010000, 1, 0), d = add(0x5000, 0xFF010100, 6, 0);
    uint32_t s1 = exit_site(d, 0x1000), s2 = exit_site(d, 0x1000), s3 = exit_site(d, 0x1000);
    b.sites[s1].chained = b.sites[s2].chained = b.sites[s3].chained = true;
    block_note_chain(&b, s1, a);
    block_note_chain(&b, s2, a);
    block_note_chain(&b, s3, a);
    b.sites[s2].chained = false;
    block_forget_chain(&b, s2); /* retargeted elsewhere */
    blocks_invalidate_page(&b, 0, on_unchain, NULL, NULL);
    ck_assert_uint_eq(nunchained, 2);
    ck_assert(!b.sites[s1].chained && !b.sites[s3].chained);
}
END_TEST

static Suite *blocks_suite(void)
{
    Suite *s = suite_create("blocks");
    TCase *tc = tcase_create("table");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, lookup_containing_and_pc_map);
    tcase_add_test(tc, invalidating_a_page_kills_its_blocks_and_unchains_into_them);
    tcase_add_test(tc, forgetting_a_chain_keeps_the_others);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(blocks_suite)
