/* test_shadow_space.c — the guest linear space in the host's low 4 GiB: real
 * host mappings, real host accesses, real SIGSEGVs.
 *
 * Built without AddressSanitizer (its shadow lives in the low 4 GiB); if the
 * reservation is impossible anyway (EEXIST), each test says so and passes. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>

#include "shadow_mmu/space.h"
#include "tests/unit.h"

#define RAM      (16u << 20)
#define MON_BASE SPACE_MONITOR_BASE_DEFAULT
#define LIN_A    0x40000000u
#define LIN_B    0x40001000u
#define LIN_C    0x80000000u
#define GPA_X    0x3000u
#define GPA_Y    0x7000u

static struct space sp;
static bool have_space;

static void setup(void)
{
    int rc = space_create(&sp, RAM, MON_BASE);
    if (rc == -EEXIST) {
        fprintf(stderr, "# skipping: the low 4 GiB is already occupied (EEXIST); "
                        "is this an AddressSanitizer build?\n");
        have_space = false;
        return;
    }
    ck_assert_int_eq(rc, 0);
    have_space = true;
}

static void teardown(void)
{
    if (have_space)
        space_destroy(&sp);
}

#define NEED_SPACE()                                                                               \
    do {                                                                                           \
        if (!have_space)                                                                           \
            return;                                                                                \
    } while (0)

/* Access helpers that report a SIGSEGV instead of dying of it. */
static sigjmp_buf fault_env;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(fault_env, 1);
}

static bool access_faults(uint32_t linear, bool write, uint32_t value, uint32_t *read_out)
{
    struct sigaction sa = {0}, old;
    volatile uint32_t *p = space_linear_ptr(linear);
    volatile bool faulted = false;
    sa.sa_handler = on_segv;
    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGSEGV, &sa, &old), 0);
    if (sigsetjmp(fault_env, 1) == 0) {
        if (write)
            *p = value;
        else if (read_out != NULL)
            *read_out = *p;
        else
            (void)*p;
    } else {
        faulted = true;
    }
    sigaction(SIGSEGV, &old, NULL);
    return faulted;
}

static bool write_faults(uint32_t linear, uint32_t value)
{
    return access_faults(linear, true, value, NULL);
}

static bool read_faults(uint32_t linear)
{
    return access_faults(linear, false, 0, NULL);
}

static uint32_t phys32(uint64_t gpa)
{
    return gphys_read32(&sp.ram, gpa);
}

/* True iff nothing can be mapped at addr any more (our reservation or a mapping is there). */
static bool occupied(uint32_t addr)
{
    void *p = mmap(space_linear_ptr(addr), SPACE_PAGE_SIZE, PROT_NONE,
                   MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return errno == EEXIST;
    munmap(p, SPACE_PAGE_SIZE);
    return false;
}

START_TEST(create_reserves_low_space)
{
    NEED_SPACE();
    ck_assert_uint_eq(sp.low, space_mmap_min_addr());
    ck_assert_uint_ge(sp.low, SPACE_PAGE_SIZE);
    ck_assert_uint_eq(sp.monitor_base, MON_BASE);
    ck_assert(occupied(sp.low));
    ck_assert(occupied(LIN_C));
    ck_assert(occupied(MON_BASE - SPACE_PAGE_SIZE));
    ck_assert(!occupied(MON_BASE));                               /* the monitor area is not ours */
    ck_assert_uint_ge((uintptr_t)sp.ram.base, UINT64_C(1) << 32); /* physmap is 64-bit */
    ck_assert_uint_eq(sp.ram.size, RAM);
    ck_assert_uint_eq(phys32(RAM - 4), 0); /* fresh RAM is zero */
    ck_assert(read_faults(LIN_A));         /* reserved, not accessible */
}
END_TEST

START_TEST(create_twice_is_eexist)
{
    NEED_SPACE();
    struct space other;
    ck_assert_int_eq(space_create(&other, RAM, MON_BASE), -EEXIST);
    ck_assert_int_eq(errno, EEXIST);
}
END_TEST

START_TEST(create_rejects_bad_arguments)
{
    NEED_SPACE();
    struct space other;
    ck_assert_int_eq(space_create(&other, RAM + 1, MON_BASE), -EINVAL);
    ck_assert_int_eq(space_create(&other, 0, MON_BASE), -EINVAL);
    ck_assert_int_eq(space_create(&other, (UINT64_C(1) << 32) + 4096, MON_BASE), -EINVAL);
    ck_assert_int_eq(space_create(&other, RAM, MON_BASE + 1), -EINVAL);
    ck_assert_int_eq(space_create(&other, RAM, 0), -EINVAL);
}
END_TEST

START_TEST(destroy_then_create_again)
{
    NEED_SPACE();
    space_destroy(&sp);
    ck_assert(!occupied(LIN_A));
    ck_assert_int_eq(space_create(&sp, RAM, MON_BASE), 0);
    ck_assert(occupied(LIN_A));
}
END_TEST

START_TEST(map_physmap_write_linear_read)
{
    NEED_SPACE();
    ck_assert(gphys_write32(&sp.ram, GPA_X + 0x10, 0xCAFEF00D));
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ | PROT_WRITE, 0), 0);
    uint32_t v = 0;
    ck_assert(!access_faults(LIN_A + 0x10, false, 0, &v));
    ck_assert_uint_eq(v, 0xCAFEF00D);
    /* And the other way: a store through the low address lands in guest RAM. */
    ck_assert(!write_faults(LIN_A + 0x20, 0x12345678));
    ck_assert_uint_eq(phys32(GPA_X + 0x20), 0x12345678);
    ck_assert_uint_eq(sp.counters.maps, 1);
}
END_TEST

START_TEST(map_with_offsets_uses_pages)
{
    NEED_SPACE();
    ck_assert(gphys_write32(&sp.ram, GPA_X, 0xA5A5A5A5));
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A + 0x123, GPA_X + 0x456, PROT_READ, 0), 0);
    struct shadow_mapping m;
    ck_assert(shadow_lookup(&sp, LIN_A + 0xFFF, &m));
    ck_assert_uint_eq(m.linear, LIN_A);
    ck_assert_uint_eq(m.gpa, GPA_X);
    ck_assert_int_eq(m.prot, PROT_READ);
    ck_assert(!m.global);
    ck_assert_uint_eq(*(volatile uint32_t *)space_linear_ptr(LIN_A), 0xA5A5A5A5);
}
END_TEST

START_TEST(aliases_share_memory)
{
    NEED_SPACE();
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ | PROT_WRITE, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_C, GPA_X, PROT_READ, 0), 0);
    ck_assert(!write_faults(LIN_A + 8, 0x600DF00D));
    ck_assert_uint_eq(*(volatile uint32_t *)space_linear_ptr(LIN_C + 8), 0x600DF00D);
    ck_assert(write_faults(LIN_C + 8, 1)); /* the read-only alias stays read-only */
}
END_TEST

START_TEST(protect_readonly_faults_on_write)
{
    NEED_SPACE();
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ | PROT_WRITE, 0), 0);
    ck_assert(!write_faults(LIN_A, 1));
    ck_assert_int_eq(shadow_protect_page(&sp, LIN_A + 4, PROT_READ), 0);
    ck_assert(write_faults(LIN_A, 2));
    ck_assert_uint_eq(phys32(GPA_X), 1); /* the faulting store did not happen */
    ck_assert(!read_faults(LIN_A));
    ck_assert_int_eq(shadow_protect_page(&sp, LIN_A, PROT_NONE), 0);
    ck_assert(read_faults(LIN_A));
    ck_assert_int_eq(shadow_protect_page(&sp, LIN_A, PROT_READ | PROT_WRITE), 0);
    ck_assert(!write_faults(LIN_A, 3));
    ck_assert_uint_eq(sp.counters.protects, 3);
}
END_TEST

START_TEST(protect_same_prot_is_free)
{
    NEED_SPACE();
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ, 0), 0);
    uint64_t calls = sp.counters.host_calls;
    ck_assert_int_eq(shadow_protect_page(&sp, LIN_A, PROT_READ), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ, 0), 0); /* same frame+prot */
    ck_assert_uint_eq(sp.counters.host_calls, calls);
    ck_assert_uint_eq(sp.counters.protects, 0);
    ck_assert_uint_eq(sp.counters.maps, 1);
}
END_TEST

START_TEST(unmap_returns_to_reservation)
{
    NEED_SPACE();
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ | PROT_WRITE, 0), 0);
    ck_assert_int_eq(shadow_unmap_page(&sp, LIN_A + 0x800), 0);
    ck_assert(read_faults(LIN_A));
    ck_assert(occupied(LIN_A)); /* reserved again, not a hole */
    struct shadow_mapping m;
    ck_assert(!shadow_lookup(&sp, LIN_A, &m));
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_X, NULL, 0), 0);
    ck_assert_uint_eq(sp.counters.unmaps, 1);
    ck_assert_int_eq(shadow_unmap_page(&sp, LIN_A), 0); /* idempotent, not counted */
    ck_assert_uint_eq(sp.counters.unmaps, 1);
}
END_TEST

START_TEST(remap_to_other_frame)
{
    NEED_SPACE();
    ck_assert(gphys_write32(&sp.ram, GPA_Y, 0x77777777));
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_Y, PROT_READ, 0), 0);
    ck_assert_uint_eq(*(volatile uint32_t *)space_linear_ptr(LIN_A), 0x77777777);
    uint32_t lin[4];
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_X, lin, 4), 0);
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_Y, lin, 4), 1);
    ck_assert_uint_eq(lin[0], LIN_A);
    ck_assert_uint_eq(sp.live_count, 1);
}
END_TEST

START_TEST(reverse_map_lists_aliases)
{
    NEED_SPACE();
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_B, GPA_X, PROT_READ, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_C, GPA_X, PROT_READ, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_C + 0x1000, GPA_Y, PROT_READ, 0), 0);
    uint32_t lin[8] = {0};
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_X + 0x10, lin, 8), 3);
    bool a = false, b = false, c = false;
    for (int i = 0; i < 3; i++) {
        a |= lin[i] == LIN_A;
        b |= lin[i] == LIN_B;
        c |= lin[i] == LIN_C;
    }
    ck_assert(a && b && c);
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_X, lin, 1), 3); /* count beyond max */
    ck_assert_int_eq(shadow_unmap_page(&sp, LIN_B), 0);    /* middle of the chain */
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_X, lin, 8), 2);
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_Y, lin, 8), 1);
    ck_assert_uint_eq(lin[0], LIN_C + 0x1000);
    ck_assert_uint_eq(shadow_rmap(&sp, RAM, lin, 8), 0); /* beyond RAM */
}
END_TEST

START_TEST(unmap_gpa_removes_every_alias)
{
    NEED_SPACE();
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_C, GPA_X, PROT_READ, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_B, GPA_Y, PROT_READ, 0), 0);
    ck_assert_int_eq(shadow_unmap_gpa(&sp, GPA_X), 0);
    ck_assert(read_faults(LIN_A));
    ck_assert(read_faults(LIN_C));
    ck_assert(!read_faults(LIN_B));
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_X, NULL, 0), 0);
    ck_assert_uint_eq(sp.live_count, 1);
    ck_assert_uint_eq(sp.counters.unmaps, 2);
}
END_TEST

START_TEST(clear_write_gpa_write_protects_aliases)
{
    NEED_SPACE();
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ | PROT_WRITE, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_C, GPA_X, PROT_READ | PROT_WRITE | PROT_EXEC, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_B, GPA_Y, PROT_READ | PROT_WRITE, 0), 0);
    ck_assert_int_eq(shadow_clear_write_gpa(&sp, GPA_X), 0);
    ck_assert(write_faults(LIN_A, 1));
    ck_assert(write_faults(LIN_C, 1));
    ck_assert(!write_faults(LIN_B, 1));
    struct shadow_mapping m;
    ck_assert(shadow_lookup(&sp, LIN_C, &m));
    ck_assert_int_eq(m.prot, PROT_READ | PROT_EXEC);
    ck_assert_uint_eq(sp.counters.protects, 2);
}
END_TEST

START_TEST(unmap_all_keeps_global_when_asked)
{
    NEED_SPACE();
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ, SHADOW_GLOBAL), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_B, GPA_Y, PROT_READ, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_B + 0x1000, GPA_Y, PROT_READ, 0), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_C, GPA_X, PROT_READ, SHADOW_GLOBAL), 0);
    ck_assert_uint_eq(sp.global_count, 2);

    ck_assert_int_eq(shadow_unmap_all(&sp, true), 0);
    ck_assert(!read_faults(LIN_A));
    ck_assert(!read_faults(LIN_C));
    ck_assert(read_faults(LIN_B));
    ck_assert(read_faults(LIN_B + 0x1000));
    ck_assert(occupied(LIN_B));
    ck_assert_uint_eq(sp.live_count, 2);
    ck_assert_uint_eq(sp.counters.unmaps, 2);
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_Y, NULL, 0), 0);
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_X, NULL, 0), 2);

    ck_assert_int_eq(shadow_unmap_all(&sp, false), 0);
    ck_assert(read_faults(LIN_A));
    ck_assert(read_faults(LIN_C));
    ck_assert(occupied(LIN_A));
    ck_assert_uint_eq(sp.live_count, 0);
    ck_assert_uint_eq(sp.global_count, 0);
    ck_assert_uint_eq(sp.counters.unmaps, 4);
    ck_assert_uint_eq(shadow_rmap(&sp, GPA_X, NULL, 0), 0);
}
END_TEST

START_TEST(global_flag_follows_latest_map)
{
    NEED_SPACE();
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ, SHADOW_GLOBAL), 0);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, PROT_READ, 0), 0);
    ck_assert_uint_eq(sp.global_count, 0);
    ck_assert_int_eq(shadow_unmap_all(&sp, true), 0);
    ck_assert(read_faults(LIN_A));
}
END_TEST

START_TEST(rejects_out_of_range)
{
    NEED_SPACE();
    ck_assert_int_eq(shadow_map_page(&sp, 0, GPA_X, PROT_READ, 0), -EINVAL);
    ck_assert_int_eq(shadow_map_page(&sp, sp.low - 1, GPA_X, PROT_READ, 0), -EINVAL);
    ck_assert_int_eq(shadow_map_page(&sp, MON_BASE, GPA_X, PROT_READ, 0), -EINVAL);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, RAM, PROT_READ, 0), -EINVAL);
    ck_assert_int_eq(shadow_map_page(&sp, LIN_A, GPA_X, 0x40, 0), -EINVAL);
    ck_assert_int_eq(shadow_protect_page(&sp, LIN_A, PROT_READ), -ENOENT);
    ck_assert_int_eq(shadow_unmap_page(&sp, MON_BASE + 0x1000), -EINVAL);
    ck_assert_int_eq(shadow_unmap_page(&sp, LIN_A), 0);
    struct shadow_mapping m;
    ck_assert(!shadow_lookup(&sp, MON_BASE, &m));
    ck_assert_uint_eq(sp.counters.maps + sp.counters.unmaps + sp.counters.protects, 0);
}
END_TEST

START_TEST(last_page_below_monitor_area)
{
    NEED_SPACE();
    uint32_t last = MON_BASE - SPACE_PAGE_SIZE;
    ck_assert_int_eq(shadow_map_page(&sp, last, RAM - SPACE_PAGE_SIZE, PROT_READ | PROT_WRITE, 0),
                     0);
    ck_assert(!write_faults(last + 0xFFC, 0x0BADCAFE));
    ck_assert_uint_eq(phys32(RAM - 4), 0x0BADCAFE);
    ck_assert(!occupied(MON_BASE));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("shadow_space");
    TCase *t = tcase_create("space");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, create_reserves_low_space);
    tcase_add_test(t, create_twice_is_eexist);
    tcase_add_test(t, create_rejects_bad_arguments);
    tcase_add_test(t, destroy_then_create_again);
    tcase_add_test(t, map_physmap_write_linear_read);
    tcase_add_test(t, map_with_offsets_uses_pages);
    tcase_add_test(t, aliases_share_memory);
    tcase_add_test(t, protect_readonly_faults_on_write);
    tcase_add_test(t, protect_same_prot_is_free);
    tcase_add_test(t, unmap_returns_to_reservation);
    tcase_add_test(t, remap_to_other_frame);
    tcase_add_test(t, reverse_map_lists_aliases);
    tcase_add_test(t, unmap_gpa_removes_every_alias);
    tcase_add_test(t, clear_write_gpa_write_protects_aliases);
    tcase_add_test(t, unmap_all_keeps_global_when_asked);
    tcase_add_test(t, global_flag_follows_latest_map);
    tcase_add_test(t, rejects_out_of_range);
    tcase_add_test(t, last_page_below_monitor_area);
    suite_add_tcase(s, t);
    return s;
}

UNIT_MAIN(make_suite)
