/* host_signals.h — host signals as the monitor's trap entry (DESIGN.md "traps into the monitor").
 */
#ifndef BT386_MONITOR_HOST_SIGNALS_H
#define BT386_MONITOR_HOST_SIGNALS_H

#include "monitor/world.h"
#include <signal.h>
#include <stdbool.h>
#include <ucontext.h>

/* What a trap hook decides for a signal taken in guest code. */
enum trap_action {
    TRAP_EXIT,   /* end world_enter() with WORLD_EXIT_TRAP; guest state copied into the world */
    TRAP_RESUME, /* return into the guest with the (possibly edited) ucontext */
};

/* trap_hook: called on the alternate stack with the host FS base restored. It may edit
 * the guest state in uc (registers, RIP) before TRAP_RESUME. */
typedef enum trap_action (*trap_hook)(struct world *w, const struct host_trap *t, ucontext_t *uc);

/* Called before the process exits on SIGTERM, SIGHUP or SIGINT (async-signal-safe code). */
extern void (*host_terminate_hook)(int sig);

/* host_signals_install: an alternate stack and handlers for SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGTRAP and SIGSYS; hook decides (NULL = always TRAP_EXIT). 0 or -errno. */
int host_signals_install(trap_hook hook);
/* host_sud_enable: Syscall User Dispatch, so that guest INT 0x80/SYSENTER/SYSCALL raise
 * SIGSYS instead of reaching the host kernel (DESIGN.md hazard 5). 0 or -errno. */
int host_sud_enable(void);
/* host_trap_decode: fill t from a signal; returns false if it did not come from guest
 * code (CS is not a 32-bit guest selector), i.e. the monitor itself faulted. */
bool host_trap_decode(int sig, const siginfo_t *si, const ucontext_t *uc, struct host_trap *t);
/* world_save_from_ucontext: copy the guest registers at the trap into w. */
void world_save_from_ucontext(struct world *w, const ucontext_t *uc);

#endif
