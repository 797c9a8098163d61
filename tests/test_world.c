/* test_world.c — the world switch: compatibility-mode guest code, callouts, traps, state. */
#include "monitor/host_ldt.h"
#include "monitor/host_signals.h"
#include "monitor/world.h"
#include "tests/unit.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LOW       0x20000000u /* guest code, data and stack for these tests */
#define LOW_BYTES 0x100000u
#define TAILS     (LOW + 0x8000) /* site pointers and 64-bit stubs */
#define CODE      (LOW + 0x1000)
#define FSDATA    (LOW + 0x800)
#define STACK_TOP (LOW + 0x80000)
#define UNMAPPED  0x30000000u
#define SLOT_CODE 1
#define SLOT_DATA 2
#define SLOT_FS   3

static struct world w;
static int callouts;
static int (*callout_policy)(struct world *);

static uint32_t resume_of[16];
static unsigned nsites;
static uint8_t *cp; /* where the next guest code byte goes */

static int test_callout(struct world *cw)
{
    callouts++;
    cw->callout_eip = resume_of[cw->callout_site];
    cw->callout_cs = host_ldt_selector(SLOT_CODE);
    return callout_policy ? callout_policy(cw) : 1;
}

/* Guest code builders: bytes, and a callout site (far jump + pointer + stub). */
static void code_bytes(const uint8_t *b, size_t n)
{
    memcpy(cp, b, n);
    cp += n;
}
#define B(...)                                                                                     \
    do {                                                                                           \
        static const uint8_t b_[] = {__VA_ARGS__};                                                 \
        code_bytes(b_, sizeof(b_));                                                                \
    } while (0)

static void site(void)
{
    uint32_t ptr = TAILS + nsites * 64;
    world_site_tail((uint8_t *)(uintptr_t)ptr, ptr, nsites);
    world_site_jmp(cp, ptr);
    cp += WORLD_SITE_JMP_BYTES;
    resume_of[nsites++] = (uint32_t)(uintptr_t)cp;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* setup: low code region, trampoline, LDT code/data selectors, a fresh world. */
static void setup(void)
{
    uint8_t *low = mmap((void *)(uintptr_t)LOW, LOW_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    ck_assert_ptr_eq(low, (void *)(uintptr_t)LOW);
    put32(low + (FSDATA - LOW), 0xCAFEBABE);

    ck_assert_int_eq(host_ldt_write(SLOT_CODE, HOST_SEG_CODE32, 0, 0xFFFFFFFF, true), 0);
    ck_assert_int_eq(host_ldt_write(SLOT_DATA, HOST_SEG_DATA32, 0, 0xFFFFFFFF, true), 0);
    ck_assert_int_eq(host_ldt_write(SLOT_FS, HOST_SEG_DATA32, FSDATA, 0xFFF, true), 0);
    ck_assert_int_eq(world_init(&w), 0);
    ck_assert_int_eq(host_signals_install(NULL), 0);
    world_callout_handler = test_callout;
    cp = (uint8_t *)(uintptr_t)CODE;
    nsites = 0;
    callouts = 0;
    callout_policy = NULL;
    w.cs = host_ldt_selector(SLOT_CODE);
    w.ss = w.ds = w.es = host_ldt_selector(SLOT_DATA);
    w.fs = w.gs = 0;
    w.eip = CODE;
    w.gpr[GPR_ESP] = STACK_TOP;
    w.eflags = 0x202;
}

START_TEST(callout_exit_carries_registers)
{
    setup();
    B(0xb8, 5, 0, 0, 0, 0x01, 0xc8); /* mov $5,%eax; add %ecx,%eax */
    site();
    w.gpr[GPR_ECX] = 10;
    w.gpr[GPR_EDI] = 0xD1D1D1D1;
    ck_assert_uint_eq(world_enter(&w), WORLD_EXIT_CALLOUT);
    ck_assert_uint_eq(w.gpr[GPR_EAX], 15);
    ck_assert_uint_eq(w.gpr[GPR_EDI], 0xD1D1D1D1);
    ck_assert_uint_eq(w.gpr[GPR_ESP], STACK_TOP);
    ck_assert_uint_eq(w.callout_site, 0);
    ck_assert_int_eq(callouts, 1);
}
END_TEST

static int add_100_to_ebx_then_exit(struct world *cw)
{
    if (callouts == 1) {
        cw->gpr[GPR_EBX] += 100;
        return 0;
    }
    return 1;
}

START_TEST(callout_resume_sees_changed_state)
{
    setup();
    site();
    B(0x89, 0xd8); /* mov %ebx,%eax */
    site();
    callout_policy = add_100_to_ebx_then_exit;
    w.gpr[GPR_EBX] = 7;
    ck_assert_uint_eq(world_enter(&w), WORLD_EXIT_CALLOUT);
    ck_assert_int_eq(callouts, 2);
    ck_assert_uint_eq(w.gpr[GPR_EAX], 107);
    ck_assert_uint_eq(w.gpr[GPR_ESP], STACK_TOP);
}
END_TEST

static int clobber_xmm0(struct world *cw)
{
    __asm__ volatile("pcmpeqd %%xmm0, %%xmm0" ::: "xmm0");
    return add_100_to_ebx_then_exit(cw);
}

START_TEST(callout_restores_xmm_after_monitor_clobbers_it)
{
    setup();
    /* mov $0x12345678,%eax; movd %eax,%xmm0; site; movd %xmm0,%ebx; site */
    B(0xb8, 0x78, 0x56, 0x34, 0x12, 0x66, 0x0f, 0x6e, 0xc0);
    site();
    B(0x66, 0x0f, 0x7e, 0xc3);
    site();
    callout_policy = clobber_xmm0;
    ck_assert_uint_eq(world_enter(&w), WORLD_EXIT_CALLOUT);
    /* EBX = 0x12345678 from XMM0, not 0xFFFFFFFF (+100 was applied before the movd). */
    ck_assert_uint_eq(w.gpr[GPR_EBX], 0x12345678);
}
END_TEST

static void expect_trap(const uint8_t *code, size_t n, int signo, uint32_t trapno, uint32_t eip)
{
    code_bytes(code, n);
    ck_assert_uint_eq(world_enter(&w), WORLD_EXIT_TRAP);
    ck_assert_int_eq(w.trap.signo, signo);
    ck_assert_uint_eq(w.trap.trapno, trapno);
    ck_assert_uint_eq(w.trap.eip, eip);
    ck_assert_uint_eq(w.eip, eip);
    ck_assert_uint_eq(w.trap.cs, host_ldt_selector(SLOT_CODE));
}

START_TEST(hlt_is_gp0)
{
    setup();
    static const uint8_t code[] = {0x90, 0xf4}; /* nop; hlt */
    expect_trap(code, sizeof(code), SIGSEGV, 13, CODE + 1);
    ck_assert_uint_eq(w.trap.err, 0);
}
END_TEST

START_TEST(unmapped_read_is_pf_with_address)
{
    setup();
    static const uint8_t code[] = {0xa1, 0x00, 0x00, 0x00, 0x30}; /* mov 0x30000000,%eax */
    expect_trap(code, sizeof(code), SIGSEGV, 14, CODE);
    ck_assert_uint_eq(w.trap.cr2, UNMAPPED);
    ck_assert_uint_eq(w.trap.err & 7, 4); /* user, read, not present */
}
END_TEST

START_TEST(ud2_is_ud)
{
    setup();
    static const uint8_t code[] = {0x0f, 0x0b};
    expect_trap(code, sizeof(code), SIGILL, 6, CODE);
}
END_TEST

START_TEST(int3_is_bp_after_instruction)
{
    setup();
    static const uint8_t code[] = {0x90, 0xcc};
    expect_trap(code, sizeof(code), SIGTRAP, 3, CODE + 2);
}
END_TEST

START_TEST(divide_by_zero_is_de)
{
    setup();
    static const uint8_t code[] = {0x31, 0xc9, 0xf7, 0xf1}; /* xor %ecx,%ecx; div %ecx */
    expect_trap(code, sizeof(code), SIGFPE, 0, CODE + 2);
}
END_TEST

START_TEST(fs_segment_base_and_host_tls)
{
    setup();
    static const uint8_t code[] = {0x64, 0xa1, 0, 0, 0, 0, 0xf4}; /* mov %fs:0,%eax; hlt */
    w.fs = host_ldt_selector(SLOT_FS);
    expect_trap(code, sizeof(code), SIGSEGV, 13, CODE + 6);
    ck_assert_uint_eq(w.gpr[GPR_EAX], 0xCAFEBABE);
    ck_assert_uint_eq(w.guest_fsbase, FSDATA);
    /* glibc's TLS is intact: errno and strerror work after the guest used FS. */
    errno = EDOM;
    ck_assert_int_eq(errno, EDOM);
    ck_assert_str_eq(strerror(EINVAL), "Invalid argument");
}
END_TEST

START_TEST(guest_int80_becomes_sigsys)
{
    setup();
    ck_assert_int_eq(host_sud_enable(), 0);
    B(0xb8, 20, 0, 0, 0, 0xcd, 0x80, 0xf4); /* getpid via int 0x80 */
    ck_assert_uint_eq(world_enter(&w), WORLD_EXIT_TRAP);
    ck_assert_int_eq(w.trap.signo, SIGSYS);
    /* The host kernel never ran the call: EAX is still the guest's number. */
    ck_assert_uint_eq(w.gpr[GPR_EAX], 20);
    /* The monitor's own system calls still work. */
    ck_assert_int_gt(getpid(), 0);
}
END_TEST

static enum trap_action skip_hlt_set_eax(struct world *tw, const struct host_trap *t,
                                         ucontext_t *uc)
{
    (void)tw;
    if (t->trapno != 13)
        return TRAP_EXIT;
    uc->uc_mcontext.gregs[REG_RIP] += 1;
    uc->uc_mcontext.gregs[REG_RAX] = 77;
    return TRAP_RESUME;
}

START_TEST(trap_hook_resumes_guest)
{
    setup();
    ck_assert_int_eq(host_signals_install(skip_hlt_set_eax), 0);
    ck_assert_int_eq(host_sud_enable(), 0);
    B(0xf4);
    site();
    ck_assert_uint_eq(world_enter(&w), WORLD_EXIT_CALLOUT);
    ck_assert_uint_eq(w.gpr[GPR_EAX], 77);
}
END_TEST

START_TEST(eflags_arithmetic_and_df_cross_the_switch)
{
    setup();
    B(0x9c, 0x58); /* pushf; pop %eax */
    site();
    w.eflags = 0x2 | 0x1 | 0x400 | 0x80; /* CF, DF, SF */
    ck_assert_uint_eq(world_enter(&w), WORLD_EXIT_CALLOUT);
    ck_assert_uint_eq(w.gpr[GPR_EAX] & 0x481, 0x481);
    ck_assert_uint_eq(w.eflags & 0x481, 0x481);
}
END_TEST

START_TEST(site_never_touches_the_guest_stack)
{
    setup();
    /* ESP = 0: a far CALL would push at 0xFFFFFFF8; a site must work regardless. */
    B(0x90);
    site();
    w.gpr[GPR_ESP] = 0;
    ck_assert_uint_eq(world_enter(&w), WORLD_EXIT_CALLOUT);
    ck_assert_uint_eq(w.gpr[GPR_ESP], 0);
    ck_assert_uint_eq(w.callout_site, 0);
}
END_TEST

static Suite *world_suite(void)
{
    Suite *s = suite_create("world");
    TCase *tc = tcase_create("switch");
    tcase_add_test(tc, callout_exit_carries_registers);
    tcase_add_test(tc, callout_resume_sees_changed_state);
    tcase_add_test(tc, callout_restores_xmm_after_monitor_clobbers_it);
    tcase_add_test(tc, hlt_is_gp0);
    tcase_add_test(tc, unmapped_read_is_pf_with_address);
    tcase_add_test(tc, ud2_is_ud);
    tcase_add_test(tc, int3_is_bp_after_instruction);
    tcase_add_test(tc, divide_by_zero_is_de);
    tcase_add_test(tc, fs_segment_base_and_host_tls);
    tcase_add_test(tc, guest_int80_becomes_sigsys);
    tcase_add_test(tc, trap_hook_resumes_guest);
    tcase_add_test(tc, eflags_arithmetic_and_df_cross_the_switch);
    tcase_add_test(tc, site_never_touches_the_guest_stack);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(world_suite)
