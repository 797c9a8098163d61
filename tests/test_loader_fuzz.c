/* test_loader_fuzz.c — robustness: truncated and randomly corrupted images (a fixed-seed
 * PRNG, so every run is the same) must give an error or a success, never a crash or a
 * write outside guest RAM. Under --enable-sanitizers ASan/UBSan watch every access;
 * without them, guard bytes around guest RAM catch stray writes. */
#include "monitor/loader_dispatch.h"
#include "tests/test_loader_images.h"
#include "tests/unit.h"

#include <string.h>

#define RAM_SIZE  (4u << 20)
#define GUARD     256
#define GUARD_VAL 0xE7

static uint8_t *backing;
static struct guest_ram ram;
static uint8_t base_img[TIMG_BZ_MAX];
static uint8_t img[TIMG_BZ_MAX];
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* xorshift64* (Marsaglia / Vigna): deterministic from the seed. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void setup(void)
{
    backing = malloc(RAM_SIZE + 2 * GUARD);
    ck_assert_ptr_nonnull(backing);
    memset(backing, GUARD_VAL, RAM_SIZE + 2 * GUARD);
    ram.base = backing + GUARD;
    ram.size = RAM_SIZE;
    rng_state = 0x9E3779B97F4A7C15ull;
}

static void teardown(void)
{
    free(backing);
}

static void check_guards(void)
{
    for (size_t i = 0; i < GUARD; i++) {
        ck_assert_uint_eq(backing[i], GUARD_VAL);
        ck_assert_uint_eq(backing[GUARD + RAM_SIZE + i], GUARD_VAL);
    }
}

/* try_load: one load; whatever the verdict, the result must be self-consistent. */
static void try_load(const uint8_t *p, size_t len)
{
    static const uint8_t rd[] = "initrd-bytes";
    struct loader_opts o = {"console=ttyS0", rd, sizeof(rd), sizeof(rd), NULL, 0};
    struct boot_state bs;
    char err[128];
    memset(err, 'Z', sizeof(err));
    enum loader_err e = loader_load_kernel(p, len, &ram, &o, &bs, err, sizeof(err));
    ck_assert_int_ge(e, 0);
    ck_assert_int_lt(e, LOADER_ERR_COUNT);
    ck_assert_ptr_nonnull(memchr(err, '\0', sizeof(err)));
    if (e == LOADER_OK) {
        ck_assert_int_ne(bs.kind, LOADER_KIND_NONE);
        ck_assert_uint_eq(bs.cs.selector, 0x10);
        ck_assert_uint_ge(bs.image_start, 0x100000);
        ck_assert_uint_le(bs.image_end, RAM_SIZE);
        ck_assert_uint_lt(bs.info_addr, 0xA0000);
        ck_assert(!bs.paging);
    } else {
        ck_assert_int_eq(bs.kind, LOADER_KIND_NONE);
        ck_assert_uint_eq(bs.eip, 0);
        ck_assert_str_ne(err, "");
    }
}

static size_t build(int which)
{
    switch (which) {
    case 0: {
        struct timg_elf s = timg_elf_default();
        return timg_build_elf(&s, base_img);
    }
    case 1: {
        struct timg_aout s = timg_aout_default();
        return timg_build_aout(&s, base_img);
    }
    default: {
        struct timg_bz s = timg_bz_default();
        return timg_build_bz(&s, base_img);
    }
    }
}

/* Every prefix of each valid image. */
START_TEST(truncated_images)
{
    for (int which = 0; which < 3; which++) {
        size_t full = build(which);
        for (size_t len = 0; len <= full; len++) {
            memcpy(img, base_img, len);
            try_load(img, len);
        }
    }
    check_guards();
}
END_TEST

/* mutate: overwrite 1-8 bytes, mostly in the headers, with random or boundary values. */
static void mutate(uint8_t *p, size_t len)
{
    static const uint8_t special[] = {0x00, 0xFF, 0x80, 0x7F, 0x01, 0x10, 0xFE};
    int n = 1 + (int)(rng_next() % 8);
    for (int i = 0; i < n; i++) {
        size_t span = (rng_next() & 1) && len > 0x300 ? 0x300 : len;
        size_t at = (size_t)(rng_next() % span);
        uint64_t r = rng_next();
        p[at] = (r & 3) == 0 ? special[(r >> 8) % sizeof(special)] : (uint8_t)(r >> 16);
    }
}

START_TEST(corrupted_images)
{
    for (int which = 0; which < 3; which++) {
        size_t full = build(which);
        for (int iter = 0; iter < 3000; iter++) {
            memcpy(img, base_img, full);
            mutate(img, full);
            size_t len = full;
            if (rng_next() % 4 == 0)
                len = (size_t)(rng_next() % (full + 1));
            try_load(img, len);
        }
    }
    check_guards();
}
END_TEST

/* Random bytes around a valid multiboot header or "HdrS" signature. */
START_TEST(random_images_with_magic)
{
    for (int iter = 0; iter < 2000; iter++) {
        size_t len = (size_t)(rng_next() % 4096);
        for (size_t i = 0; i < len; i++)
            img[i] = (uint8_t)rng_next();
        if (len >= 0x206 && (iter & 1))
            memcpy(img + 0x202, "HdrS", 4);
        else if (len >= 64)
            timg_put_mbhdr(img, (size_t)(rng_next() % ((len - 48) / 4)) * 4,
                           (uint32_t)rng_next() & 0x00010003u);
        try_load(img, len);
    }
    check_guards();
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("loader_fuzz");
    TCase *tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, truncated_images);
    tcase_add_test(tc, corrupted_images);
    tcase_add_test(tc, random_images_with_magic);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
