/* host_signals.c — signal handlers on an alternate stack that turn host traps into guest exits. */
#include "monitor/host_signals.h"
#include "monitor/host_ldt.h"

#include <errno.h>
#include <linux/prctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ALT_STACK_BYTES (256 * 1024)

void host_signal_entry(int sig, siginfo_t *si, void *uc);
int host_signal_handler(int sig, siginfo_t *si, ucontext_t *uc);
extern char host_sigreturn[], host_sigreturn_end[];
extern uint8_t sud_selector;
extern uint64_t host_signal_fsbase, world_host_fsbase;

static trap_hook current_hook;

/* The kernel's struct sigaction: glibc would replace sa_restorer with its own, which
 * lies outside the Syscall User Dispatch region. */
struct kernel_sigaction {
    void (*handler)(int, siginfo_t *, void *);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};
#define KSA_RESTORER 0x04000000UL

/* SIGALRM is the monitor's timer kick: asynchronous, harmless in monitor code. */
/* SIGTERM, SIGHUP, SIGINT end the process (after host_terminate_hook, e.g. restoring the
 * terminal) wherever they arrive, guest code included. */
static const int trap_signals[] = {SIGSEGV, SIGBUS,  SIGILL,  SIGFPE, SIGTRAP,
                                   SIGSYS,  SIGALRM, SIGTERM, SIGHUP, SIGINT};
void (*host_terminate_hook)(int sig);

int host_signals_install(trap_hook hook)
{
    current_hook = hook;
    void *stack = mmap(NULL, ALT_STACK_BYTES, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        return -errno;
    stack_t ss = {.ss_sp = stack, .ss_size = ALT_STACK_BYTES, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0)
        return -errno;
    struct kernel_sigaction ka;
    memset(&ka, 0, sizeof(ka));
    ka.handler = host_signal_entry;
    ka.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART | KSA_RESTORER;
    ka.restorer = (void (*)(void))host_sigreturn;
    /* No trap may nest inside the handler: block all of them while it runs. */
    for (size_t i = 0; i < sizeof(trap_signals) / sizeof(trap_signals[0]); i++)
        ka.mask |= 1ULL << (trap_signals[i] - 1);
    for (size_t i = 0; i < sizeof(trap_signals) / sizeof(trap_signals[0]); i++)
        if (syscall(SYS_rt_sigaction, trap_signals[i], &ka, NULL, sizeof(ka.mask)) != 0)
            return -errno;
    return 0;
}

int host_sud_enable(void)
{
    sud_selector = SYSCALL_DISPATCH_FILTER_ALLOW;
    if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, (unsigned long)host_sigreturn,
              (unsigned long)(host_sigreturn_end - host_sigreturn), &sud_selector) != 0)
        return -errno;
    return 0;
}

static uint16_t uc_cs(const ucontext_t *uc)
{
    return (uint16_t)(uc->uc_mcontext.gregs[REG_CSGSFS] & 0xFFFF);
}

bool host_trap_decode(int sig, const siginfo_t *si, const ucontext_t *uc, struct host_trap *t)
{
    memset(t, 0, sizeof(*t));
    t->signo = sig;
    t->code = si->si_code;
    t->trapno = (uint32_t)uc->uc_mcontext.gregs[REG_TRAPNO];
    t->err = (uint32_t)uc->uc_mcontext.gregs[REG_ERR];
    t->cr2 = (uint64_t)(uintptr_t)si->si_addr;
    t->eip = (uint32_t)uc->uc_mcontext.gregs[REG_RIP];
    t->cs = uc_cs(uc);
    /* Guest code runs with 32-bit LDT code selectors (TI=1); anything else is the host. */
    return (t->cs & 4) != 0 && (uint64_t)uc->uc_mcontext.gregs[REG_RIP] <= 0xFFFFFFFFull;
}

void world_save_from_ucontext(struct world *w, const ucontext_t *uc)
{
    const greg_t *g = uc->uc_mcontext.gregs;
    w->gpr[GPR_EAX] = (uint32_t)g[REG_RAX];
    w->gpr[GPR_ECX] = (uint32_t)g[REG_RCX];
    w->gpr[GPR_EDX] = (uint32_t)g[REG_RDX];
    w->gpr[GPR_EBX] = (uint32_t)g[REG_RBX];
    w->gpr[GPR_ESP] = (uint32_t)g[REG_RSP];
    w->gpr[GPR_EBP] = (uint32_t)g[REG_RBP];
    w->gpr[GPR_ESI] = (uint32_t)g[REG_RSI];
    w->gpr[GPR_EDI] = (uint32_t)g[REG_RDI];
    w->eip = (uint32_t)g[REG_RIP];
    w->eflags = (uint32_t)g[REG_EFL];
    w->cs = uc_cs(uc);
    w->guest_fsbase = host_signal_fsbase;
}

/* monitor_fault: the monitor itself faulted — nothing to hand to the guest. */
static void monitor_fault(int sig, const siginfo_t *si, const ucontext_t *uc)
{
    char msg[160];
    int n =
        snprintf(msg, sizeof(msg),
                 "bt386: internal error: signal %d (code %d) in the monitor at rip %#llx, "
                 "address %p\n",
                 sig, si->si_code, (unsigned long long)uc->uc_mcontext.gregs[REG_RIP], si->si_addr);
    if (n > 0 && write(2, msg, (size_t)n) < 0)
        _exit(70);
    _exit(70);
}

/* Called by host_signal_entry with the host FS base in place; 1 = back into guest code. */
int host_signal_handler(int sig, siginfo_t *si, ucontext_t *uc)
{
    struct host_trap t;
    struct world *w = world_current;
    if (sig == SIGTERM || sig == SIGHUP || sig == SIGINT) {
        if (host_terminate_hook)
            host_terminate_hook(sig);
        _exit(128 + sig);
    }
    if (!host_trap_decode(sig, si, uc, &t) || !w) {
        if (sig == SIGALRM)
            return 0; /* the monitor itself was running: it looks at the clock anyway */
        monitor_fault(sig, si, uc);
    }
    enum trap_action act = current_hook ? current_hook(w, &t, uc) : TRAP_EXIT;
    if (act == TRAP_RESUME)
        return 1;
    world_save_from_ucontext(w, uc);
    w->trap = t;
    w->exit = WORLD_EXIT_TRAP;
    /* Return into world_exit_stub in 64-bit mode on the host stack, with glibc's FS base. */
    greg_t *g = uc->uc_mcontext.gregs;
    g[REG_RIP] = (greg_t)(uintptr_t)world_exit_stub;
    g[REG_RSP] = (greg_t)w->host_rsp;
    g[REG_CSGSFS] = (g[REG_CSGSFS] & ~(greg_t)0xFFFF) | HOST_SEL_USER_CS;
    /* The SS slot of the sigcontext (bits 63:48); valid with UC_SIGCONTEXT_SS. */
    g[REG_CSGSFS] = (g[REG_CSGSFS] & 0x0000FFFFFFFFFFFFLL) | ((greg_t)HOST_SEL_USER_DS << 48);
    g[REG_EFL] &= ~(greg_t)(0x100 | 0x400 | 0x40000); /* no TF, DF or AC in monitor code */
    host_signal_fsbase = world_host_fsbase;
    return 0;
}
