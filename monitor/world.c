/* world.c — host checks and set-up for the world switch (the switch itself is world_switch.S). */
#include "monitor/world.h"

#include <cpuid.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/auxv.h>

_Static_assert(offsetof(struct world, gpr) == WORLD_GPR, "WORLD_GPR");
_Static_assert(offsetof(struct world, eip) == WORLD_EIP, "WORLD_EIP");
_Static_assert(offsetof(struct world, eflags) == WORLD_EFLAGS, "WORLD_EFLAGS");
_Static_assert(offsetof(struct world, cs) == WORLD_CS, "WORLD_CS");
_Static_assert(offsetof(struct world, ss) == WORLD_SS, "WORLD_SS");
_Static_assert(offsetof(struct world, ds) == WORLD_DS, "WORLD_DS");
_Static_assert(offsetof(struct world, es) == WORLD_ES, "WORLD_ES");
_Static_assert(offsetof(struct world, fs) == WORLD_FS, "WORLD_FS");
_Static_assert(offsetof(struct world, gs) == WORLD_GS, "WORLD_GS");
_Static_assert(offsetof(struct world, exit) == WORLD_EXIT, "WORLD_EXIT");
_Static_assert(offsetof(struct world, host_rsp) == WORLD_HOST_RSP, "WORLD_HOST_RSP");
_Static_assert(offsetof(struct world, host_fsbase) == WORLD_HOST_FSBASE, "WORLD_HOST_FSBASE");
_Static_assert(offsetof(struct world, guest_fsbase) == WORLD_GUEST_FSBASE, "WORLD_GUEST_FSBASE");
_Static_assert(offsetof(struct world, guest_gsbase) == WORLD_GUEST_GSBASE, "WORLD_GUEST_GSBASE");
_Static_assert(offsetof(struct world, callout_eip) == WORLD_CALLOUT_RET, "WORLD_CALLOUT_RET");
_Static_assert(offsetof(struct world, xsave_mask) == WORLD_XSAVE_MASK, "WORLD_XSAVE_MASK");
_Static_assert(offsetof(struct world, ss_base) == WORLD_SS_BASE, "WORLD_SS_BASE");
_Static_assert(offsetof(struct world, xsave) == WORLD_XSAVE, "WORLD_XSAVE");
_Static_assert(offsetof(struct world, ibl_table) == WORLD_IBL_TABLE, "WORLD_IBL_TABLE");
_Static_assert(offsetof(struct world, ibl_eip) == WORLD_IBL_PTR, "WORLD_IBL_PTR");
_Static_assert(offsetof(struct world, ibl_cs) == WORLD_IBL_PTR + 4, "WORLD_IBL_PTR cs");

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

struct world *world_current;
callout_fn world_callout_handler;
extern uint64_t world_host_fsbase;

static uint64_t read_xcr0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t read_fsbase(void)
{
    uint64_t v;
    __asm__ volatile("rdfsbase %0" : "=r"(v));
    return v;
}

int world_init(struct world *w)
{
    /* WRFSBASE in user mode needs CR4.FSGSBASE, which the kernel reports in HWCAP2. */
    if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE))
        return -ENOTSUP;
    unsigned a, b, c, d;
    /* XSAVE enabled by the OS: CPUID.1:ECX.OSXSAVE[27] (SDM Vol. 1 §13.2). */
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)))
        return -ENOTSUP;
    uint64_t xcr0 = read_xcr0();
    /* CPUID.(EAX=0DH,ECX=0):EBX = XSAVE area size for the features enabled in XCR0. */
    __cpuid_count(0xD, 0, a, b, c, d);
    if (b > WORLD_XSAVE_BYTES)
        return -ENOSPC;

    memset(w, 0, sizeof(*w));
    w->xsave_mask = xcr0;
    /* A zero XSAVE header means "every component in its initial state" for XRSTOR;
     * MXCSR is still read from the legacy area, so give it its reset value 0x1F80. */
    uint32_t mxcsr = 0x1F80;
    memcpy(w->xsave + 24, &mxcsr, sizeof(mxcsr));
    w->eflags = 0x2;
    w->host_fsbase = read_fsbase();
    world_host_fsbase = w->host_fsbase;
    return 0;
}
