/* test_guest_access.c — linear accesses through guest page tables into guest RAM. */
#include "monitor/guest_access.h"
#include "shadow_mmu/walk.h"
#include "tests/unit.h"

#include <stdlib.h>
#include <string.h>

#define RAM_BYTES (1u << 20)
#define PD        0x1000u
#define PT        0x2000u

static uint8_t *ram;
static struct guest_mem mem;
static struct vcpu_state st;
static uint32_t writes_seen;

static void note_write(void *ctx, uint32_t gpa, uint32_t len)
{
    (void)ctx;
    (void)gpa;
    writes_seen += len;
}

static void put32(uint32_t pa, uint32_t v)
{
    memcpy(ram + pa, &v, 4);
}

/* Linear 0x400000-0x401FFF -> physical 0x10000-0x11FFF; 0x402000 not present. */
static void setup(void)
{
    ram = calloc(1, RAM_BYTES);
    mem = (struct guest_mem){.ram = {.base = ram, .size = RAM_BYTES}, .on_write = note_write};
    memset(&st, 0, sizeof(st));
    st.cr0 = CR0_PE | CR0_PG;
    st.cr3 = PD;
    put32(PD + 1 * 4, PT | MMU_PTE_P | MMU_PTE_RW | MMU_PTE_US);
    put32(PT + 0 * 4, 0x10000 | MMU_PTE_P | MMU_PTE_RW);
    put32(PT + 1 * 4, 0x11000 | MMU_PTE_P | MMU_PTE_RW);
    writes_seen = 0;
}

static void teardown(void)
{
    free(ram);
}

START_TEST(read_through_page_tables)
{
    put32(0x10010, 0xA1B2C3D4);
    uint32_t v = 0;
    struct guest_fault f = guest_linear_read(&mem, &st, 0x400010, &v, 4, false);
    ck_assert(!f.raised);
    ck_assert_uint_eq(v, 0xA1B2C3D4);
}
END_TEST

START_TEST(cross_page_write_lands_in_both_frames)
{
    uint32_t v = 0x11223344;
    struct guest_fault f = guest_linear_write(&mem, &st, 0x400FFE, &v, 4, false);
    ck_assert(!f.raised);
    ck_assert_uint_eq(ram[0x10FFE], 0x44);
    ck_assert_uint_eq(ram[0x11001], 0x11);
    ck_assert_uint_eq(writes_seen, 4);
}
END_TEST

START_TEST(fault_on_second_page_writes_nothing)
{
    uint32_t v = 0xFFFFFFFF;
    struct guest_fault f = guest_linear_write(&mem, &st, 0x401FFE, &v, 4, false);
    ck_assert(f.raised);
    ck_assert_uint_eq(f.vector, VEC_PF);
    ck_assert_uint_eq(f.cr2, 0x402000);
    ck_assert_uint_eq(f.error_code, MMU_PF_W);
    ck_assert_uint_eq(ram[0x11FFE], 0);
    ck_assert_uint_eq(writes_seen, 0);
}
END_TEST

START_TEST(user_access_to_supervisor_page_faults)
{
    uint32_t v;
    struct guest_fault f = guest_linear_read(&mem, &st, 0x400000, &v, 4, true);
    ck_assert(f.raised);
    ck_assert_uint_eq(f.error_code, MMU_PF_P | MMU_PF_U);
}
END_TEST

START_TEST(paging_off_is_physical_and_unbacked_reads_ones)
{
    st.cr0 = CR0_PE;
    uint32_t v = 0;
    put32(0x3000, 0x5A5A5A5A);
    ck_assert(!guest_linear_read(&mem, &st, 0x3000, &v, 4, false).raised);
    ck_assert_uint_eq(v, 0x5A5A5A5A);
    ck_assert(!guest_linear_read(&mem, &st, RAM_BYTES + 0x100, &v, 4, false).raised);
    ck_assert_uint_eq(v, 0xFFFFFFFF);
}
END_TEST

START_TEST(accessed_and_dirty_bits_follow_the_access)
{
    uint32_t v = 1;
    ck_assert(!guest_linear_write(&mem, &st, 0x401000, &v, 4, false).raised);
    uint32_t pte;
    memcpy(&pte, ram + PT + 4, 4);
    ck_assert_uint_eq(pte & (MMU_PTE_A | MMU_PTE_D), MMU_PTE_A | MMU_PTE_D);
}
END_TEST

static Suite *guest_access_suite(void)
{
    Suite *s = suite_create("guest_access");
    TCase *tc = tcase_create("linear");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, read_through_page_tables);
    tcase_add_test(tc, cross_page_write_lands_in_both_frames);
    tcase_add_test(tc, fault_on_second_page_writes_nothing);
    tcase_add_test(tc, user_access_to_supervisor_page_faults);
    tcase_add_test(tc, paging_off_is_physical_and_unbacked_reads_ones);
    tcase_add_test(tc, accessed_and_dirty_bits_follow_the_access);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(guest_access_suite)
