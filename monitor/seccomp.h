/* seccomp.h — the monitor's system-call allowlist (monitor/README.md, "Sandbox"). */
#ifndef BT386_MONITOR_SECCOMP_H
#define BT386_MONITOR_SECCOMP_H

/* monitor_seccomp_install: from now on only the listed system calls work (the others
 * fail with EPERM); call it once set-up is done, before the first guest instruction.
 * 0 or -errno. */
int monitor_seccomp_install(void);

#endif
