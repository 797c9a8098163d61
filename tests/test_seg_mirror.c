/* test_seg_mirror.c — guest segments to host LDT mirrors: truncation, kinds, caching. */
#include "monitor/seg_mirror.h"
#include "tests/unit.h"

#define TOP 0xFF000000u

static struct {
    unsigned slot, kind;
    uint32_t base, limit;
    int calls;
} last;

static int fake_write(unsigned slot, enum host_seg_kind kind, uint32_t base, uint32_t limit,
                      bool present)
{
    (void)present;
    last.slot = slot, last.kind = kind, last.base = base, last.limit = limit;
    last.calls++;
    return 0;
}

static struct seg_mirror m;

static void setup(void)
{
    seg_mirror_init(&m, TOP);
    m.write = fake_write;
    last.calls = 0;
}

static struct seg_cache seg(uint32_t base, uint32_t limit, uint16_t attr)
{
    return (struct seg_cache){
        .sel = 0x10, .attr = attr, .base = base, .limit = limit, .valid = true};
}

#define DATA_RW (SEG_ATTR_P | SEG_ATTR_S | 0x2 | SEG_ATTR_DB | SEG_ATTR_G)
#define DATA_RO (SEG_ATTR_P | SEG_ATTR_S | 0x0 | SEG_ATTR_DB)
#define CODE_R  (SEG_ATTR_P | SEG_ATTR_S | 0xA | SEG_ATTR_DB)

START_TEST(flat_segment_is_truncated_below_monitor_area)
{
    struct seg_cache s = seg(0, 0xFFFFFFFF, DATA_RW);
    uint16_t sel;
    ck_assert_int_eq(seg_mirror_data(&m, &s, NULL, 0, &sel), 0);
    ck_assert_uint_eq(last.limit, TOP - 1);
    ck_assert_uint_eq(last.kind, HOST_SEG_DATA32);
    ck_assert_uint_eq(sel & 7, 7); /* LDT, RPL 3 */
    ck_assert_uint_eq(sel >> 3, last.slot);
}
END_TEST

START_TEST(same_segment_reuses_its_mirror)
{
    struct seg_cache s = seg(0, 0xFFFFFFFF, DATA_RW);
    uint16_t a, b;
    seg_mirror_data(&m, &s, NULL, 0, &a);
    seg_mirror_data(&m, &s, NULL, 0, &b);
    ck_assert_uint_eq(a, b);
    ck_assert_int_eq(last.calls, 1);
    ck_assert_uint_eq(m.hits, 1);
}
END_TEST

START_TEST(small_and_readonly_segments)
{
    struct seg_cache s = seg(0x800000, 0xFFF, DATA_RO);
    uint16_t sel;
    seg_mirror_data(&m, &s, NULL, 0, &sel);
    ck_assert_uint_eq(last.base, 0x800000);
    ck_assert_uint_eq(last.limit, 0xFFF);
    ck_assert_uint_eq(last.kind, HOST_SEG_DATA_RO);
    struct seg_cache c = seg(0, 0xFFFFF, CODE_R);
    seg_mirror_data(&m, &c, NULL, 0, &sel);
    ck_assert_uint_eq(last.kind, HOST_SEG_DATA_RO);
}
END_TEST

START_TEST(unusable_segments_map_to_null)
{
    uint16_t sel = 0x1234;
    struct seg_cache n = seg(0, 0xFFFFFFFF, DATA_RW);
    n.valid = false;
    ck_assert_int_eq(seg_mirror_data(&m, &n, NULL, 0, &sel), 0);
    ck_assert_uint_eq(sel, 0);
    struct seg_cache np = seg(0, 0xFFFFFFFF, DATA_RW & ~SEG_ATTR_P);
    seg_mirror_data(&m, &np, NULL, 0, &sel);
    ck_assert_uint_eq(sel, 0);
    struct seg_cache high = seg(0xFF800000, 0xFFFF, DATA_RW);
    seg_mirror_data(&m, &high, NULL, 0, &sel);
    ck_assert_uint_eq(sel, 0);
    ck_assert_int_eq(last.calls, 0);
}
END_TEST

START_TEST(page_granular_limit_rounds_down)
{
    /* base 0x1234: room = TOP-1-0x1234 does not end in FFF; never round up. */
    struct seg_cache s = seg(0x1234, 0xFFFFFFFF - 0x1234, DATA_RW);
    uint16_t sel;
    seg_mirror_data(&m, &s, NULL, 0, &sel);
    ck_assert_uint_eq(last.limit & 0xFFF, 0xFFF);
    ck_assert_uint_le(last.base + (uint64_t)last.limit, TOP - 1);
}
END_TEST

START_TEST(wrapping_segment_keeps_its_limit)
{
    /* Linux TLS: base B, 4 GiB limit, negative offsets wrap to below B. */
    struct seg_cache s = seg(0xb7f67000, 0xFFFFFFFF, DATA_RW);
    uint16_t sel;
    seg_mirror_data(&m, &s, NULL, 0, &sel);
    ck_assert_uint_eq(last.limit, 0xFFFFFFFF);
    /* Without a wrap the limit is cut below the monitor area. */
    struct seg_cache t = seg(0x10000000, 0xFFFFFFFF - 0x10000000, DATA_RW);
    seg_mirror_data(&m, &t, NULL, 0, &sel);
    ck_assert_uint_le(last.base + (uint64_t)last.limit, TOP - 1);
}
END_TEST

START_TEST(eviction_spares_pinned_selectors)
{
    uint16_t first;
    struct seg_cache s0 = seg(0, 0xFFF, DATA_RW);
    seg_mirror_data(&m, &s0, NULL, 0, &first);
    for (unsigned i = 1; i < SEG_MIRROR_SLOTS + 10; i++) {
        struct seg_cache s = seg(i * 0x1000, 0xFFF, DATA_RW);
        uint16_t sel;
        seg_mirror_data(&m, &s, &first, 1, &sel);
        ck_assert_uint_ne(sel, first);
    }
    /* The pinned mirror is still there: no new LDT write for it. */
    int calls = last.calls;
    uint16_t again;
    seg_mirror_data(&m, &s0, NULL, 0, &again);
    ck_assert_uint_eq(again, first);
    ck_assert_int_eq(last.calls, calls);
}
END_TEST

static Suite *seg_mirror_suite(void)
{
    Suite *s = suite_create("seg_mirror");
    TCase *tc = tcase_create("mirror");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, flat_segment_is_truncated_below_monitor_area);
    tcase_add_test(tc, same_segment_reuses_its_mirror);
    tcase_add_test(tc, small_and_readonly_segments);
    tcase_add_test(tc, unusable_segments_map_to_null);
    tcase_add_test(tc, page_granular_limit_rounds_down);
    tcase_add_test(tc, wrapping_segment_keeps_its_limit);
    tcase_add_test(tc, eviction_spares_pinned_selectors);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(seg_mirror_suite)
