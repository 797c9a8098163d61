/* world.h — the world switch: guest code in 32-bit compatibility mode, the monitor in 64-bit mode.
 *
 * One struct world holds what crosses the switch: the guest's general registers, EIP,
 * EFLAGS and the host selectors it runs with, the guest's FS/GS bases and extended (x87/
 * SSE/AVX) state while the monitor runs, and the host stack to come back to. The
 * assembly in world_switch.S uses the WORLD_* offsets below; world.c checks them. */
#ifndef BT386_MONITOR_WORLD_H
#define BT386_MONITOR_WORLD_H

#define WORLD_GPR 0          /* uint32_t gpr[8], indexed by GPR_*: the hardware register order */
#define GPR_EAX 0
#define GPR_ECX 1
#define GPR_EDX 2
#define GPR_EBX 3
#define GPR_ESP 4
#define GPR_EBP 5
#define GPR_ESI 6
#define GPR_EDI 7
#define WORLD_EIP 32
#define WORLD_EFLAGS 36
#define WORLD_CS 40          /* uint16_t host selectors: cs ss ds es fs gs */
#define WORLD_SS 42
#define WORLD_DS 44
#define WORLD_ES 46
#define WORLD_FS 48
#define WORLD_GS 50
#define WORLD_EXIT 52        /* uint32_t exit kind, WORLD_EXIT_* */
#define WORLD_HOST_RSP 56
#define WORLD_HOST_FSBASE 64
#define WORLD_GUEST_FSBASE 72
#define WORLD_GUEST_GSBASE 80
#define WORLD_CALLOUT_RET 88 /* uint32_t eip, uint32_t cs pushed by the guest's far call */
#define WORLD_XSAVE_MASK 96  /* uint64_t: XCR0, the components saved */
#define WORLD_SS_BASE 104    /* uint32_t: base of the guest's SS, for the far-call frame */
#define WORLD_XSAVE 128      /* 64-byte aligned XSAVE area */
#define WORLD_XSAVE_BYTES 4096

/* Exit kinds in world.exit, returned by world_enter. */
#define WORLD_EXIT_NONE 0
#define WORLD_EXIT_CALLOUT 1 /* a callout handler asked for the dispatcher */
#define WORLD_EXIT_TRAP 2    /* a host signal turned into an exit (see host_trap) */

#ifndef __ASSEMBLER__
#include <stdint.h>



/* What a host signal taken in guest code says, decoded from siginfo and the ucontext. */
struct host_trap {
    int signo, code;
    uint32_t trapno; /* the x86 vector the host kernel saw (13 for #GP, 14 for #PF, ...) */
    uint32_t err;    /* the hardware error code (meaningful for #GP/#PF/...) */
    uint64_t cr2;    /* faulting linear address for #PF (si_addr) */
    uint32_t eip;    /* where the guest was */
    uint16_t cs;     /* host selector it ran with */
};

struct world {
    uint32_t gpr[8];
    uint32_t eip;
    uint32_t eflags;
    uint16_t cs, ss, ds, es, fs, gs;
    uint32_t exit;
    uint64_t host_rsp;
    uint64_t host_fsbase;
    uint64_t guest_fsbase;
    uint64_t guest_gsbase;
    uint32_t callout_eip, callout_cs;
    uint64_t xsave_mask;
    uint32_t ss_base;
    uint8_t pad[WORLD_XSAVE - 108];
    uint8_t xsave[WORLD_XSAVE_BYTES] __attribute__((aligned(64)));
    /* C-only from here on. */
    struct host_trap trap; /* the signal behind a WORLD_EXIT_TRAP */
};

/* The one vCPU context the signal and callout paths reach without arguments. */
extern struct world *world_current;

/* callout_fn: run by a guest far call into the callout trampoline, on the host stack,
 * with the guest's state in w. Return 0 to resume the guest after its far call (w may
 * have been changed), or non-zero to leave world_enter() with exit = WORLD_EXIT_CALLOUT. */
typedef int (*callout_fn)(struct world *w);
extern callout_fn world_callout_handler;

/* world_init: check the host (FSGSBASE, XSAVE) and record the host FS base; 0 or -errno. */
int world_init(struct world *w);
/* world_enter: run guest code at w->cs:w->eip with w's registers until an exit; returns it. */
uint32_t world_enter(struct world *w);
/* world_exit_rip: the 64-bit address a signal handler returns to in order to end world_enter. */
void world_exit_stub(void);
/* The 64-bit entry of the callout trampoline (jumped to from the low monitor area). */
void world_callout_entry(void);
#endif

#endif
