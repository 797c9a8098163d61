/* world.h — the world switch: guest code in 32-bit compatibility mode, the monitor in 64-bit mode.
 *
 * One struct world holds what crosses the switch: the guest's general registers, EIP,
 * EFLAGS and the host selectors it runs with, the guest's FS/GS bases and extended (x87/
 * SSE/AVX) state while the monitor runs, and the host stack to come back to. The
 * assembly in world_switch.S uses the WORLD_* offsets below; world.c checks them. */
#ifndef BT386_MONITOR_WORLD_H
#define BT386_MONITOR_WORLD_H

#define WORLD_GPR          0 /* uint32_t gpr[8], indexed by GPR_*: the hardware register order */
#define GPR_EAX            0
#define GPR_ECX            1
#define GPR_EDX            2
#define GPR_EBX            3
#define GPR_ESP            4
#define GPR_EBP            5
#define GPR_ESI            6
#define GPR_EDI            7
#define WORLD_EIP          32
#define WORLD_EFLAGS       36
#define WORLD_CS           40 /* uint16_t host selectors: cs ss ds es fs gs */
#define WORLD_SS           42
#define WORLD_DS           44
#define WORLD_ES           46
#define WORLD_FS           48
#define WORLD_GS           50
#define WORLD_EXIT         52 /* uint32_t exit kind, WORLD_EXIT_* */
#define WORLD_HOST_RSP     56
#define WORLD_HOST_FSBASE  64
#define WORLD_GUEST_FSBASE 72
#define WORLD_GUEST_GSBASE 80
#define WORLD_CALLOUT_RET  88  /* uint32_t eip, uint32_t cs: where a resumed callout continues */
#define WORLD_XSAVE_MASK   96  /* uint64_t: XCR0, the components saved */
#define WORLD_SS_BASE      104 /* uint32_t: base of the guest's SS */
#define WORLD_CALLOUT_SITE 108 /* uint32_t: the site number the callout stub passed */
#define WORLD_IBL_TABLE    112 /* uint64_t: RET target table (world_ret_ibl), NULL = none */
#define WORLD_IBL_PTR      120 /* uint32_t eip, uint16_t cs: where world_ret_ibl jumps */
#define WORLD_XSAVE        128 /* 64-byte aligned XSAVE area */
#define WORLD_XSAVE_BYTES  4096

/* Exit kinds in world.exit, returned by world_enter. */
#define WORLD_EXIT_NONE    0
#define WORLD_EXIT_CALLOUT 1 /* a callout handler asked for the dispatcher */
#define WORLD_EXIT_TRAP    2 /* a host signal turned into an exit (see host_trap) */

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

struct ret_ibl_entry;

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
    uint32_t callout_site;
    struct ret_ibl_entry *ibl_table;
    uint32_t ibl_eip;
    uint16_t ibl_cs;
    uint8_t pad[WORLD_XSAVE - 126];
    uint8_t xsave[WORLD_XSAVE_BYTES] __attribute__((aligned(64)));
    /* C-only from here on. */
    struct host_trap trap; /* the signal behind a WORLD_EXIT_TRAP */
};

/* The RET target table the 64-bit fast path reads (WORLD_IBL_ENTRIES entries indexed by
 * the low 16 bits of the guest return address): a hit is neg_target + target == 0 with
 * tc != 0; tc is the translated block to continue in (kernel code, mode 0). */
#define WORLD_IBL_ENTRIES 65536
struct ret_ibl_entry {
    uint32_t neg_target;
    uint32_t tc;
};

/* world_ret_ibl: 64-bit code a RET inline-cache miss site jumps to, with r10 = the bytes
 * the RET pops and r11 = the site's normal callout stub (taken on a table miss). */
void world_ret_ibl(void);

/* The one vCPU context the signal and callout paths reach without arguments. */
extern struct world *world_current;

/* callout_fn: run when translated code reaches a callout site, on the host stack, with
 * the guest's state in w and the site's number in w->callout_site. Return 0 to resume
 * the guest at w->callout_cs:w->callout_eip (compatibility mode) with the state in w,
 * or non-zero to leave world_enter() with exit = WORLD_EXIT_CALLOUT. */
typedef int (*callout_fn)(struct world *w);
extern callout_fn world_callout_handler;

/* world_init: check the host (FSGSBASE, XSAVE) and record the host FS base; 0 or -errno. */
int world_init(struct world *w);
/* world_enter: run guest code at w->cs:w->eip with w's registers until an exit; returns it. */
uint32_t world_enter(struct world *w);
/* world_exit_rip: the 64-bit address a signal handler returns to in order to end world_enter. */
void world_exit_stub(void);
/* The 64-bit entry every callout stub jumps to. */
void world_callout_entry(void);
/* DS, ES, FS, GS as they were when the last host signal arrived (host_signal_entry). */
extern uint16_t host_signal_sel[4];
/* Where a callout stub leaves the guest's RAX (the stub needs one register). */
extern uint64_t callout_scratch;

/* A callout site, without touching the guest stack (a far CALL would push there, and a
 * far call whose push faults never reaches the host's signal handler on some hosts):
 *   compatibility mode:  ljmp *%cs:ptr            2E FF 2D <ptr>     (WORLD_SITE_JMP_BYTES)
 *   ptr:                 .long stub; .word 0x33  (8 bytes with padding)
 *   stub, 64-bit mode:   movabs %rax, scratch      48 A3 <imm64>
 *                        mov $site, %eax           B8 <imm32>
 *                        jmp *slot(%rip)           FF 25 03000000, pad, slot: <imm64>
 * world_site_tail writes ptr and stub at `out` (executed at `at`, 8-aligned) and
 * returns their size. */
#define WORLD_SITE_JMP_BYTES  7
#define WORLD_SITE_TAIL_BYTES 40

static inline unsigned world_site_tail(uint8_t *out, uint32_t at, uint32_t site)
{
    uint32_t stub = at + 8;
    uint64_t scratch = (uint64_t)(uintptr_t)&callout_scratch;
    uint64_t entry = (uint64_t)(uintptr_t)world_callout_entry;
    uint8_t *p = out;
    for (unsigned i = 0; i < 4; i++)
        *p++ = (uint8_t)(stub >> (8 * i));
    *p++ = 0x33, *p++ = 0x00, *p++ = 0, *p++ = 0; /* 64-bit user code selector, padding */
    *p++ = 0x48, *p++ = 0xA3;
    for (unsigned i = 0; i < 8; i++)
        *p++ = (uint8_t)(scratch >> (8 * i));
    *p++ = 0xB8;
    for (unsigned i = 0; i < 4; i++)
        *p++ = (uint8_t)(site >> (8 * i));
    /* jmp *slot(%rip) with the slot 8-aligned at out + 32: the guest's EFLAGS.AC may
     * still be set here (CPL 3 with CR0.AM), so no data access may be misaligned. */
    *p++ = 0xFF, *p++ = 0x25, *p++ = 3, *p++ = 0, *p++ = 0, *p++ = 0;
    while (p - out < 32)
        *p++ = 0xCC;
    for (unsigned i = 0; i < 8; i++)
        *p++ = (uint8_t)(entry >> (8 * i));
    return WORLD_SITE_TAIL_BYTES;
}

/* world_site_ibl_tail: after a site's tail (at `at`, WORLD_SITE_TAIL_BYTES, written by
 * world_site_tail), the entry of an inline-cached RET's miss site: r10 = pop bytes,
 * r11 = the normal stub, then world_ret_ibl; the site's pointer is aimed here. Returns
 * the bytes added (the slot of world_ret_ibl's address is 8-aligned). */
#define WORLD_SITE_IBL_BYTES 32

static inline unsigned world_site_ibl_tail(uint8_t *tail, uint32_t at, uint16_t pop)
{
    uint8_t *p = tail + WORLD_SITE_TAIL_BYTES;
    uint32_t stub = at + 8;
    uint64_t ibl = (uint64_t)(uintptr_t)world_ret_ibl;
    *p++ = 0x41, *p++ = 0xBA; /* mov $pop, %r10d */
    for (unsigned i = 0; i < 4; i++)
        *p++ = (uint8_t)(pop >> (8 * i));
    *p++ = 0x49, *p++ = 0xBB; /* movabs $stub, %r11 */
    for (unsigned i = 0; i < 8; i++)
        *p++ = (uint8_t)((uint64_t)stub >> (8 * i));
    *p++ = 0xFF, *p++ = 0x25, *p++ = 2, *p++ = 0, *p++ = 0, *p++ = 0; /* jmp *slot(%rip) */
    while (p - tail < WORLD_SITE_TAIL_BYTES + 24)
        *p++ = 0xCC;
    for (unsigned i = 0; i < 8; i++)
        *p++ = (uint8_t)(ibl >> (8 * i));
    uint32_t entry = at + WORLD_SITE_TAIL_BYTES;
    for (unsigned i = 0; i < 4; i++)
        tail[i] = (uint8_t)(entry >> (8 * i));
    return WORLD_SITE_IBL_BYTES;
}

/* world_site_jmp: the 7-byte far jump of a site whose pointer is at ptr. */
static inline void world_site_jmp(uint8_t *out, uint32_t ptr)
{
    out[0] = 0x2E, out[1] = 0xFF, out[2] = 0x2D;
    for (unsigned i = 0; i < 4; i++)
        out[3 + i] = (uint8_t)(ptr >> (8 * i));
}
#endif

#endif
