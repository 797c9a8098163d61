/* test_shadow_prot.c — guest rights → host protection of a shadow mapping. */
#include <sys/mman.h>

#include "shadow_mmu/shadow_prot.h"
#include "tests/unit.h"

#define R    PROT_READ
#define W    PROT_WRITE
#define X    PROT_EXEC
#define NONE PROT_NONE

/* The whole table: U/S × R/W × CR0.WP × CPL(0/3) × D, no monitor write
 * protection. Columns: user, writable, wp, cpl, dirty → host protection. */
static const struct row {
    bool user, writable, wp;
    unsigned cpl;
    bool dirty;
    int prot;
} table[] = {
    /* supervisor page */
    {0, 0, 0, 0, 0, R},     /* WP=0: supervisor may write, but D clear */
    {0, 0, 0, 0, 1, R | W}, /* WP=0: writes ignore R/W */
    {0, 0, 0, 3, 0, NONE},  /* CPL 3 never sees supervisor pages */
    {0, 0, 0, 3, 1, NONE},
    {0, 0, 1, 0, 0, R},
    {0, 0, 1, 0, 1, R}, /* WP=1: read-only stays read-only */
    {0, 0, 1, 3, 0, NONE},
    {0, 0, 1, 3, 1, NONE},
    {0, 1, 0, 0, 0, R}, /* writable but not yet dirty */
    {0, 1, 0, 0, 1, R | W},
    {0, 1, 0, 3, 0, NONE},
    {0, 1, 0, 3, 1, NONE},
    {0, 1, 1, 0, 0, R},
    {0, 1, 1, 0, 1, R | W},
    {0, 1, 1, 3, 0, NONE},
    {0, 1, 1, 3, 1, NONE},
    /* user page */
    {1, 0, 0, 0, 0, R},     /* kernel code never executes natively: no X */
    {1, 0, 0, 0, 1, R | W}, /* WP=0 supervisor write to a user read-only page */
    {1, 0, 0, 3, 0, R | X},
    {1, 0, 0, 3, 1, R | X}, /* user writes need R/W whatever WP */
    {1, 0, 1, 0, 0, R},
    {1, 0, 1, 0, 1, R},
    {1, 0, 1, 3, 0, R | X},
    {1, 0, 1, 3, 1, R | X},
    {1, 1, 0, 0, 0, R},
    {1, 1, 0, 0, 1, R | W},
    {1, 1, 0, 3, 0, R | X}, /* first user write traps to set D */
    {1, 1, 0, 3, 1, R | W | X},
    {1, 1, 1, 0, 0, R},
    {1, 1, 1, 0, 1, R | W},
    {1, 1, 1, 3, 0, R | X},
    {1, 1, 1, 3, 1, R | W | X},
};

static struct shadow_prot_in in_of(const struct row *r, bool write_protect)
{
    return (struct shadow_prot_in){.user = r->user,
                                   .writable = r->writable,
                                   .dirty = r->dirty,
                                   .cr0_wp = r->wp,
                                   .cpl = r->cpl,
                                   .write_protect = write_protect};
}

START_TEST(table_is_complete)
{
    /* Every combination appears exactly once. */
    int seen[32] = {0};
    ck_assert_uint_eq(sizeof table / sizeof table[0], 32);
    for (size_t i = 0; i < 32; i++) {
        const struct row *r = &table[i];
        seen[r->user << 4 | r->writable << 3 | r->wp << 2 | (r->cpl == 3) << 1 | r->dirty]++;
    }
    for (int i = 0; i < 32; i++)
        ck_assert_int_eq(seen[i], 1);
}
END_TEST

START_TEST(table_row)
{
    const struct row *r = &table[_i];
    struct shadow_prot_in in = in_of(r, false);
    ck_assert_int_eq(shadow_prot(&in), r->prot);
}
END_TEST

START_TEST(write_protect_removes_write_only)
{
    const struct row *r = &table[_i];
    struct shadow_prot_in in = in_of(r, true);
    ck_assert_int_eq(shadow_prot(&in), r->prot & ~PROT_WRITE);
}
END_TEST

START_TEST(cpl1_and_cpl2_are_supervisor)
{
    for (size_t i = 0; i < 32; i++) {
        if (table[i].cpl != 0)
            continue;
        for (unsigned cpl = 1; cpl <= 2; cpl++) {
            struct shadow_prot_in in = in_of(&table[i], false);
            in.cpl = cpl;
            ck_assert_int_eq(shadow_prot(&in), table[i].prot);
        }
    }
}
END_TEST

START_TEST(for_walk_uses_walk_fields)
{
    struct walk_result w = {.status = WALK_OK, .user = true, .writable = true, .dirty = true};
    ck_assert_int_eq(shadow_prot_for_walk(&w, MMU_CR0_PG | MMU_CR0_WP, 3, false), R | W | X);
    ck_assert_int_eq(shadow_prot_for_walk(&w, MMU_CR0_PG | MMU_CR0_WP, 3, true), R | X);
    w.dirty = false;
    ck_assert_int_eq(shadow_prot_for_walk(&w, MMU_CR0_PG | MMU_CR0_WP, 3, false), R | X);
    w = (struct walk_result){.status = WALK_OK, .user = false, .writable = false, .dirty = true};
    ck_assert_int_eq(shadow_prot_for_walk(&w, MMU_CR0_PG, 0, false), R | W);
    ck_assert_int_eq(shadow_prot_for_walk(&w, MMU_CR0_PG | MMU_CR0_WP, 0, false), R);
    ck_assert_int_eq(shadow_prot_for_walk(&w, MMU_CR0_PG | MMU_CR0_WP, 3, false), NONE);
}
END_TEST

START_TEST(for_walk_non_ok_is_none)
{
    struct walk_result w = {.status = WALK_FAULT, .user = true, .writable = true, .dirty = true};
    ck_assert_int_eq(shadow_prot_for_walk(&w, 0, 0, false), NONE);
    w.status = WALK_CONTENDED;
    ck_assert_int_eq(shadow_prot_for_walk(&w, 0, 3, false), NONE);
    w.status = WALK_UNSUPPORTED;
    ck_assert_int_eq(shadow_prot_for_walk(&w, 0, 3, false), NONE);
}
END_TEST

START_TEST(paging_off_walk)
{
    /* Paging off: every page is user, writable and dirty. */
    struct gphys ram = {0};
    struct mmu_regs regs = {.cr0 = MMU_CR0_PE};
    struct walk_result w = walk_translate(&ram, &regs, 0x1234, WALK_READ, WALK_SUPERVISOR);
    ck_assert_int_eq(shadow_prot_for_walk(&w, regs.cr0, 0, false), R | W);
    ck_assert_int_eq(shadow_prot_for_walk(&w, regs.cr0, 3, false), R | W | X);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("shadow_prot");
    TCase *t = tcase_create("prot");
    tcase_add_test(t, table_is_complete);
    tcase_add_loop_test(t, table_row, 0, 32);
    tcase_add_loop_test(t, write_protect_removes_write_only, 0, 32);
    tcase_add_test(t, cpl1_and_cpl2_are_supervisor);
    tcase_add_test(t, for_walk_uses_walk_fields);
    tcase_add_test(t, for_walk_non_ok_is_none);
    tcase_add_test(t, paging_off_walk);
    suite_add_tcase(s, t);
    return s;
}

UNIT_MAIN(make_suite)
