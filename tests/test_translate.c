/* test_translate.c — guest code really runs as translated code from the TC: blocks,
 * exits, chaining, guest-visible CALL pushes, emulate sites, fault translation, the
 * interrupt gate. */
#include "cache/blocks.h"
#include "cache/tc.h"
#include "monitor/host_ldt.h"
#include "monitor/host_signals.h"
#include "monitor/world.h"
#include "translator/emit.h"
#include "tests/unit.h"

#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#define MON       0xFF000000u /* trampoline page, then the data page */
#define MON_DATA  (MON + 0x1000)
#define BOUNDS    (MON_DATA + 8)
#define TC_BASE   (MON + 0x10000)
#define TC_BYTES  0x100000u
#define LOW       0x20000000u
#define CODE      (LOW + 0x1000)
#define STACK_TOP (LOW + 0x80000)
#define SLOT_CODE 1
#define SLOT_DATA 2

static struct world w;
static struct tc tc;
static struct blocks blocks;
static struct emit_env env;
static struct tc_site *last_site;
static bool halted;
static uint64_t emulated;

static size_t fetch_direct(void *ctx, uint32_t lin, uint8_t *buf, size_t n)
{
    (void)ctx;
    if (lin < LOW || lin >= LOW + 0x100000)
        return 0;
    memcpy(buf, (void *)(uintptr_t)lin, n);
    return n;
}

static void set_bounds(bool pending)
{
    /* BOUND is signed: [INT_MIN, INT_MAX] never traps; [INT_MAX, INT_MIN] always does. */
    int32_t pair[2] = {pending ? INT32_MAX : INT32_MIN, pending ? INT32_MIN : INT32_MAX};
    memcpy((void *)(uintptr_t)BOUNDS, pair, sizeof(pair));
}

/* The test's stand-in for the monitor's emulator: RET and HLT only. */
static int test_callout(struct world *cw)
{
    struct tc_site *s = site_find(&blocks, cw->callout_site);
    ck_assert_ptr_nonnull(s);
    last_site = s;
    if (s->kind == SITE_EXIT)
        return 1;
    emulated++;
    uint8_t op = *(uint8_t *)(uintptr_t)s->guest_eip;
    if (op == 0xC3) { /* ret: pop the guest return address */
        uint32_t *sp = (uint32_t *)(uintptr_t)cw->gpr[GPR_ESP];
        last_site = NULL;
        cw->eip = *sp;
        cw->gpr[GPR_ESP] += 4;
        return 1;
    }
    ck_assert_uint_eq(op, 0xF4);
    halted = true;
    return 1;
}

static void setup(void)
{
    uint8_t *mon = mmap((void *)(uintptr_t)MON, 0x2000, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    ck_assert_ptr_eq(mon, (void *)(uintptr_t)MON);
    set_bounds(false);
    ck_assert_ptr_eq(mmap((void *)(uintptr_t)LOW, 0x100000, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
                     (void *)(uintptr_t)LOW);
    ck_assert_int_eq(tc_create(&tc, TC_BASE, TC_BYTES), 0);
    ck_assert_int_eq(blocks_init(&blocks, 1024), 0);
    env = (struct emit_env){
        .tc = &tc, .blocks = &blocks, .irq_bounds = BOUNDS, .fetch = fetch_direct};
    ck_assert_int_eq(host_ldt_write(SLOT_CODE, HOST_SEG_CODE32, 0, 0xFFFFFFFF, true), 0);
    ck_assert_int_eq(host_ldt_write(SLOT_DATA, HOST_SEG_DATA32, 0, 0xFFFFFFFF, true), 0);
    ck_assert_int_eq(world_init(&w), 0);
    ck_assert_int_eq(host_signals_install(NULL), 0);
    world_callout_handler = test_callout;
    w.cs = host_ldt_selector(SLOT_CODE);
    w.ss = w.ds = w.es = host_ldt_selector(SLOT_DATA);
    w.gpr[GPR_ESP] = STACK_TOP;
    w.eflags = 0x202;
    halted = false;
    emulated = 0;
}

/* run: the dispatcher: find or translate the block at eip, enter it, follow exits. */
static uint32_t run(uint32_t eip, unsigned max_exits)
{
    for (unsigned i = 0; i < max_exits && !halted; i++) {
        uint32_t idx = block_lookup(&blocks, eip, 0);
        if (idx == BLOCK_NONE)
            ck_assert_int_eq(emit_block(&env, eip, CODE_32, 0, &idx), EMIT_OK);
        if (last_site && last_site->kind == SITE_EXIT && !last_site->chained)
            emit_chain(&env, last_site, idx);
        blocks.v[idx].entries++;
        last_site = NULL;
        w.eip = blocks.v[idx].tc_start;
        uint32_t exit = world_enter(&w);
        if (exit != WORLD_EXIT_CALLOUT)
            return exit;
        if (last_site && last_site->kind == SITE_EXIT)
            eip = last_site->target;
        else if (!halted)
            eip = w.eip; /* set by the emulated control transfer */
    }
    return WORLD_EXIT_CALLOUT;
}

static void load(const uint8_t *code, size_t n)
{
    memcpy((void *)(uintptr_t)CODE, code, n);
}

/* xor %eax,%eax; mov $100,%ecx; L: call F; dec %ecx; jnz L; hlt; F: add %ecx,%eax; ret */
static const uint8_t sum_loop[] = {0x31, 0xc0, 0xb9, 100,  0,    0,    0,    0xe8, 0x04, 0,
                                   0,    0,    0x49, 0x75, 0xf8, 0xf4, 0x01, 0xc8, 0xc3};

START_TEST(loop_with_calls_runs_translated)
{
    setup();
    load(sum_loop, sizeof(sum_loop));
    ck_assert_uint_eq(run(CODE, 10000), WORLD_EXIT_CALLOUT);
    ck_assert(halted);
    ck_assert_uint_eq(w.gpr[GPR_EAX], 5050);
    ck_assert_uint_eq(w.gpr[GPR_ECX], 0);
    ck_assert_uint_eq(w.gpr[GPR_ESP], STACK_TOP);
    /* 100 RETs went through the emulate site; the JNZ back edge was chained. */
    ck_assert_uint_eq(emulated, 101);
    ck_assert_uint_gt(blocks.stats.chained, 0);
    ck_assert_uint_le(blocks.stats.translated, 6);
    ck_assert_uint_gt(blocks.stats.hits, 90);
}
END_TEST

START_TEST(call_pushes_guest_return_address)
{
    setup();
    /* call F; hlt; F: mov (%esp),%ebx; hlt */
    static const uint8_t code[] = {0xe8, 0x01, 0, 0, 0, 0xf4, 0x8b, 0x1c, 0x24, 0xf4};
    load(code, sizeof(code));
    run(CODE, 100);
    ck_assert(halted);
    ck_assert_uint_eq(w.gpr[GPR_EBX], CODE + 5);
    ck_assert_uint_eq(w.gpr[GPR_ESP], STACK_TOP - 4);
}
END_TEST

START_TEST(fault_in_translated_code_maps_to_guest_eip)
{
    setup();
    /* inc %eax; inc %eax; mov 0x30000000,%ebx; hlt */
    static const uint8_t code[] = {0x40, 0x40, 0x8b, 0x1d, 0, 0, 0, 0x30, 0xf4};
    load(code, sizeof(code));
    w.gpr[GPR_EAX] = 1;
    ck_assert_uint_eq(run(CODE, 10), WORLD_EXIT_TRAP);
    ck_assert_uint_eq(w.trap.trapno, 14);
    uint32_t b = block_containing(&blocks, w.trap.eip);
    ck_assert_uint_ne(b, BLOCK_NONE);
    ck_assert_uint_eq(block_guest_eip_at(&blocks, b, w.trap.eip), CODE + 2);
    /* Precise state: the two INCs are done, nothing of the faulting MOV is. */
    ck_assert_uint_eq(w.gpr[GPR_EAX], 3);
}
END_TEST

START_TEST(pending_interrupt_stops_at_block_entry)
{
    setup();
    load(sum_loop, sizeof(sum_loop));
    set_bounds(true);
    ck_assert_uint_eq(run(CODE, 10), WORLD_EXIT_TRAP);
    ck_assert_uint_eq(w.trap.trapno, 5); /* #BR from the gate */
    uint32_t b = block_containing(&blocks, w.trap.eip);
    ck_assert_uint_eq(w.trap.eip, blocks.v[b].tc_start);
    ck_assert_uint_eq(block_guest_eip_at(&blocks, b, w.trap.eip), CODE);
    /* The guest registers are untouched by the gate. */
    ck_assert_uint_eq(w.gpr[GPR_ESP], STACK_TOP);
    set_bounds(false);
}
END_TEST

START_TEST(blocks_lookup_and_containing)
{
    setup();
    load(sum_loop, sizeof(sum_loop));
    uint32_t a, b;
    ck_assert_int_eq(emit_block(&env, CODE, CODE_32, 0, &a), EMIT_OK);
    ck_assert_int_eq(emit_block(&env, CODE + 16, CODE_32, 0, &b), EMIT_OK);
    ck_assert_uint_eq(block_lookup(&blocks, CODE, 0), a);
    ck_assert_uint_eq(block_lookup(&blocks, CODE, 1), BLOCK_NONE);
    ck_assert_uint_eq(block_lookup(&blocks, CODE + 16, 0), b);
    ck_assert_uint_eq(block_containing(&blocks, blocks.v[b].tc_start + 1), b);
    ck_assert_uint_eq(block_containing(&blocks, TC_BASE - 1), BLOCK_NONE);
    /* The first block: gate, xor, mov, push $ret, exit. */
    ck_assert_uint_eq(blocks.v[a].n_insns, 3);
    ck_assert_uint_eq(blocks.v[a].guest_len, 12);
}
END_TEST

static Suite *translate_suite(void)
{
    Suite *s = suite_create("translate");
    TCase *tc_ = tcase_create("tc");
    tcase_add_test(tc_, loop_with_calls_runs_translated);
    tcase_add_test(tc_, call_pushes_guest_return_address);
    tcase_add_test(tc_, fault_in_translated_code_maps_to_guest_eip);
    tcase_add_test(tc_, pending_interrupt_stops_at_block_entry);
    tcase_add_test(tc_, blocks_lookup_and_containing);
    suite_add_tcase(s, tc_);
    return s;
}

UNIT_MAIN(translate_suite)
