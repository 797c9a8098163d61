/* seccomp.c — the system calls the monitor may make once guest code runs.
 *
 * Guest code never reaches the host kernel through a system call instruction (Syscall
 * User Dispatch turns those into SIGSYS). This filter is the second line: if guest
 * code escaped its segments (a far jump to the host's 64-bit code selector, DESIGN.md
 * hazard 4), it could do no more than the monitor itself may do. Anything else fails
 * with EPERM, so a monitor path that was forgotten here reports an error instead of
 * dying silently. */
#include "monitor/seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <stddef.h>

static const int allowed[] = {
    SCMP_SYS(read),           SCMP_SYS(write),        SCMP_SYS(writev),
    SCMP_SYS(close),          SCMP_SYS(lseek),        SCMP_SYS(fstat),
    SCMP_SYS(newfstatat),     SCMP_SYS(mmap),         SCMP_SYS(munmap),
    SCMP_SYS(mprotect),       SCMP_SYS(madvise),      SCMP_SYS(brk),
    SCMP_SYS(mremap),         SCMP_SYS(modify_ldt),   SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigprocmask), SCMP_SYS(nanosleep),    SCMP_SYS(clock_nanosleep),
    SCMP_SYS(clock_gettime),  SCMP_SYS(gettimeofday), SCMP_SYS(ppoll),
    SCMP_SYS(poll),           SCMP_SYS(ioctl),        SCMP_SYS(getpid),
    SCMP_SYS(gettid),         SCMP_SYS(tgkill),       SCMP_SYS(exit),
    SCMP_SYS(exit_group),     SCMP_SYS(futex),        SCMP_SYS(getrandom),
};

int monitor_seccomp_install(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (!ctx)
        return -ENOMEM;
    int r = 0;
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && r == 0; i++)
        r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
    if (r == 0)
        r = seccomp_load(ctx);
    seccomp_release(ctx);
    return r;
}
