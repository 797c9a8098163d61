/* vm_exec.c — the dispatcher: one virtual CPU's loop (DESIGN.md "Flow of one virtual
 * CPU"): interrupts, HLT, then guest code, directly at CPL 3 or translated otherwise,
 * and what each exit means. */
#include "monitor/cpu_deliver.h"
#include "monitor/cpu_seg.h"
#include "monitor/emu_native.h"
#include "monitor/host_ldt.h"
#include "monitor/seccomp.h"
#include "monitor/vm_internal.h"
#include "shadow_mmu/walk.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Status flags and DF: the EFLAGS bits translated code keeps in the real register. */
#define EFLAGS_ARITH                                                                               \
    (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_DF | EFLAGS_OF)

void vm_fatal(struct vm *vm, int status, const char *fmt, ...)
{
    const struct vcpu_state *s = &vm->s;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bt386: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  guest CS:EIP %04x:%08x (linear %08x), CPL %u, EFLAGS %08x, CR0 %08x\n",
            s->seg[SEG_CS].sel, s->eip, s->seg[SEG_CS].base + s->eip, s->cpl, s->eflags, s->cr0);
    if (vm->last_block != BLOCK_NONE && vm->last_block < vm->blocks.n) {
        const struct tc_block *b = &vm->blocks.v[vm->last_block];
        fprintf(stderr, "  last translated block: guest %08x-%08x, %u instructions\n", b->guest_eip,
                b->guest_eip + b->guest_len, b->n_insns);
    } else {
        fprintf(stderr, "  last translated block: none\n");
    }
    vm->running = false;
    vm->exit_status = status;
}

void vm_sync_from_world(struct vm *vm)
{
    uint32_t keep = EFLAGS_ARITH | (vm->pass_ac ? EFLAGS_AC : 0);
    memcpy(vm->s.gpr, vm->w.gpr, sizeof(vm->s.gpr));
    vm->s.eflags = (vm->s.eflags & ~keep) | (vm->w.eflags & keep);
}

void vm_load_world_segments(struct vm *vm, bool direct)
{
    /* Most world entries find the segment registers as the last one left them: reuse its
     * host selectors (the mirror tables only change in here). */
    struct world *w = &vm->w;
    uint32_t top = direct ? vm->user_top : MON_BASE;
    if (vm->segs_cached && vm->segs_direct == direct && vm->segs_top == top &&
        !memcmp(vm->segs_for, vm->s.seg, sizeof(vm->segs_for))) {
        w->ss = vm->segs_host[SEG_SS], w->ds = vm->segs_host[SEG_DS];
        w->es = vm->segs_host[SEG_ES], w->fs = vm->segs_host[SEG_FS];
        w->gs = vm->segs_host[SEG_GS], w->cs = vm->segs_host[SEG_CS];
        w->ss_base = vm->s.seg[SEG_SS].base;
        return;
    }
    /* Translated PUSH Sreg / MOV r, Sreg read the guest's selectors from here. */
    uint32_t *sels = (uint32_t *)(void *)(vm->mon + (MON_GUEST_SELS - MON_DATA));
    for (unsigned i = 0; i < SEG_COUNT; i++)
        sels[i] = vm->s.seg[i].sel;
    static const enum seg_reg order[] = {SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS};
    uint16_t sel[SEG_COUNT] = {0}, pinned[SEG_COUNT];
    unsigned n = 0;
    vm->mirror.top = direct ? vm->user_top : MON_BASE;
    for (unsigned i = 0; i < 5; i++) {
        const struct seg_cache *c = &vm->s.seg[order[i]];
        /* Direct code can read its segment registers: give it the guest's index. */
        int r = direct ? seg_mirror_fixed(&vm->mirror, c, false, &sel[order[i]])
                       : seg_mirror_data(&vm->mirror, c, pinned, n, &sel[order[i]]);
        if (r != 0)
            vm_fatal(vm, 2, "modify_ldt refused a segment mirror");
        pinned[n++] = sel[order[i]];
    }
    if (direct && seg_mirror_fixed(&vm->mirror, &vm->s.seg[SEG_CS], true, &sel[SEG_CS]) != 0)
        vm_fatal(vm, 2, "modify_ldt refused a code segment mirror");
    vm->mirror.top = MON_BASE;
    w->ss = sel[SEG_SS], w->ds = sel[SEG_DS], w->es = sel[SEG_ES];
    w->fs = sel[SEG_FS], w->gs = sel[SEG_GS];
    w->cs = direct ? sel[SEG_CS] : host_ldt_selector(LDT_SLOT_TC_CODE);
    w->ss_base = vm->s.seg[SEG_SS].base;
    memcpy(vm->segs_for, vm->s.seg, sizeof(vm->segs_for));
    vm->segs_host[SEG_SS] = w->ss, vm->segs_host[SEG_DS] = w->ds;
    vm->segs_host[SEG_ES] = w->es, vm->segs_host[SEG_FS] = w->fs;
    vm->segs_host[SEG_GS] = w->gs, vm->segs_host[SEG_CS] = w->cs;
    vm->segs_direct = direct;
    vm->segs_top = top;
    vm->segs_cached = true;
}

static size_t fetch_for_emit(void *ctx, uint32_t lin, uint8_t *buf, size_t n)
{
    return vm_fetch(ctx, lin, buf, n, NULL);
}

/* translate: the block at linear lin in mode, or BLOCK_NONE after delivering the fault
 * that fetching its first instruction raised. */
static uint32_t translate(struct vm *vm, uint32_t lin, uint32_t mode)
{
    uint32_t idx = BLOCK_NONE;
    enum emit_status st = emit_block(&vm->env, lin, CODE_32, mode, &idx);
    if (st == EMIT_FULL) {
        vm_flush_translations(vm);
        st = emit_block(&vm->env, lin, CODE_32, mode, &idx);
    }
    if (st == EMIT_NO_CODE) {
        uint8_t b;
        struct guest_fault f = FAULT_NONE;
        vm_fetch(vm, lin, &b, 1, &f);
        if (f.raised)
            vm_deliver_fault(vm, &f);
        else
            vm_fatal(vm, 2, "cannot fetch guest code");
        return BLOCK_NONE;
    }
    if (st != EMIT_OK) {
        vm_fatal(vm, 2, "translation cache exhausted");
        return BLOCK_NONE;
    }
    struct tc_block *b = &vm->blocks.v[idx];
    if (!vm->smc_oneshot) {
        /* Its (at most two) guest-physical pages: write-traced, and where to look when
         * one of them is written. */
        struct mmu_regs regs = {.cr0 = vm->s.cr0, .cr3 = vm->s.cr3, .cr4 = vm->s.cr4};
        uint32_t last = lin + (b->guest_len ? b->guest_len - 1 : 0);
        unsigned k = 0;
        for (uint32_t p = lin & ~0xFFFu; k < 2; p += 0x1000) {
            struct walk_result r =
                walk_probe(&vm->space.ram, &regs, p, WALK_FETCH, WALK_SUPERVISOR);
            if (r.status == WALK_OK) {
                vm_mark_code_page(vm, r.pa);
                b->page[k++] = (uint32_t)(r.pa >> 12) + 1;
            }
            if (p >= (last & ~0xFFFu))
                break;
        }
    }
    vm->smc_oneshot = false;
    return idx;
}

uint32_t code_page_of(struct vm *vm, uint32_t lin)
{
    struct mmu_regs regs = {.cr0 = vm->s.cr0, .cr3 = vm->s.cr3, .cr4 = vm->s.cr4};
    struct walk_result r = walk_probe(&vm->space.ram, &regs, lin, WALK_FETCH, WALK_SUPERVISOR);
    return r.status == WALK_OK ? (uint32_t)(r.pa >> 12) + 1 : 0;
}

/* deliver #DB for a completed single step (SDM Vol. 3A §17.3.1.4: DR6.BS, a trap). */
static void single_step_trap(struct vm *vm)
{
    vm->s.dr[6] |= 0x4000;
    vm_deliver_exception(vm, VEC_DB, false, 0);
}

static void handle_trap(struct vm *vm, bool direct);
static uint64_t now_ns(const struct vm *vm);

static void run_translated(struct vm *vm)
{
    struct vcpu_state *s = &vm->s;
    if (!(s->seg[SEG_CS].attr & SEG_ATTR_DB) || (s->eflags & EFLAGS_VM) || !(s->cr0 & CR0_PE)) {
        vm_fatal(vm, 2, "16-bit, real-mode and virtual-8086 code are not supported yet");
        return;
    }
    bool stepping = (s->eflags & EFLAGS_TF) != 0;
    bool shadowed = s->inhibit_irq && s->eip == s->inhibit_eip;
    uint32_t mode = 0;
    /* One instruction, then back here: a single step, the end of an interrupt shadow. */
    if (stepping || shadowed)
        mode |= EMIT_MODE_SINGLE;
    if (vm->smc_oneshot)
        mode |= EMIT_MODE_SINGLE | EMIT_MODE_ONCE;
    if (s->cr0 & (CR0_TS | CR0_EM))
        mode |= EMIT_MODE_FPU_TRAP;
    if (!(s->seg[SEG_SS].attr & SEG_ATTR_DB))
        mode |= EMIT_MODE_SS16;
    /* Translations are keyed by linear address and checked against the guest-physical
     * page the code comes from now, so another address space's code at the same address
     * is not run. Kernel code is assumed mapped alike in every address space (as Linux
     * maps it), so only kernel blocks are chained; CPL 3 blocks always pass here. */
    if (s->cpl == 3)
        mode |= EMIT_MODE_USER;
    uint32_t lin = s->seg[SEG_CS].base + s->eip;
    uint32_t idx = (mode & EMIT_MODE_ONCE)
                       ? BLOCK_NONE
                       : block_lookup_in(&vm->blocks, lin, mode, code_page_of(vm, lin));
    if (idx == BLOCK_NONE && (idx = translate(vm, lin, mode)) == BLOCK_NONE)
        return;
    struct tc_block *b = &vm->blocks.v[idx];
    /* Read only now: translating may have flushed the cache, which forgets exit_site. */
    struct tc_site *from = vm->exit_site;
    /* Chain only when this block is the exit's own target: an interrupt or exception
     * delivered since the exit sends the guest elsewhere. */
    if (vm->chaining && from && !from->chained && from->target == lin &&
        !(mode & (EMIT_MODE_SINGLE | EMIT_MODE_ONCE | EMIT_MODE_USER)) &&
        vm->blocks.v[from->block].mode == mode) {
        emit_chain(&vm->env, from, idx);
        vm->st.chained_exits++;
    }
    vm->last_block = idx;
    b->entries++;
    vm->st.translated_entries++;
    vm->st.insns_translated += b->n_insns;

    struct world *w = &vm->w;
    memcpy(w->gpr, s->gpr, sizeof(w->gpr));
    /* Alignment checking is the host's job exactly when the guest's would be on: CPL 3
     * with CR0.AM (the host runs at CPL 3 with CR0.AM set; SDM Vol. 3A §6.15 #AC). */
    vm->pass_ac = s->cpl == 3 && (s->cr0 & CR0_AM);
    w->eflags =
        (s->eflags & (EFLAGS_ARITH | (vm->pass_ac ? EFLAGS_AC : 0))) | EFLAGS_FIXED | EFLAGS_IF;
    w->eip = b->tc_start;
    vm_load_world_segments(vm, false);
    /* The RET table holds offsets into a flat CS only; exact counting skips it. */
    w->ibl_table = (s->seg[SEG_CS].base == 0 && !vm->opts.stats_exact) ? vm->ibl : NULL;
    w->ibl_cs = host_ldt_selector(LDT_SLOT_TC_CODE);
    vm->exit_site = NULL;
    vm->in_direct = false;
    bool shadow_before = s->inhibit_irq;
    uint64_t delivered = vm->st.exceptions + vm->st.interrupts;
    if (shadowed)
        vm_set_gate(vm, false); /* no interrupt before the shadowed instruction has run */
    else
        vm_update_gate(vm);
    uint64_t t0 = now_ns(vm);
    uint32_t exit = world_enter(w);
    vm->st.ns_translated += now_ns(vm) - t0;
    if (exit == WORLD_EXIT_TRAP) {
        vm_sync_from_world(vm);
        handle_trap(vm, false);
    }
    /* The instructions of the block before its exit site ran natively; the site's own
     * instruction was counted by the emulator. */
    if (stepping && vm->running && vm->st.exceptions + vm->st.interrupts == delivered &&
        !(s->inhibit_irq && !shadow_before && vm->shadow_from_ss))
        single_step_trap(vm);
}

static bool can_run_direct(const struct vm *vm)
{
    const struct vcpu_state *s = &vm->s;
    return s->cpl == 3 && (s->cr0 & CR0_PE) && !(s->eflags & (EFLAGS_VM | EFLAGS_TF)) &&
           (s->eflags & EFLAGS_IF) && !(s->eflags & EFLAGS_IOPL) &&
           !((s->eflags & EFLAGS_AC) && !(s->cr0 & CR0_AM)) && !(s->cr0 & (CR0_TS | CR0_EM)) &&
           (s->seg[SEG_CS].attr & SEG_ATTR_DB);
}

static void run_direct(struct vm *vm)
{
    struct vcpu_state *s = &vm->s;
    struct world *w = &vm->w;
    vm->user_top = (s->cr0 & CR0_PG) ? USER_TOP_PAGING : MON_BASE;
    vm_hide_supervisor_pages(vm);
    memcpy(w->gpr, s->gpr, sizeof(w->gpr));
    vm->pass_ac = true; /* can_run_direct: AC only with CR0.AM */
    w->eflags = (s->eflags & (EFLAGS_ARITH | EFLAGS_AC)) | EFLAGS_FIXED | EFLAGS_IF |
                (vm->count_direct ? EFLAGS_TF : 0);
    w->eip = s->eip;
    vm_load_world_segments(vm, true);
    vm->st.direct_entries++;
    vm->in_direct = true;
    vm->last_block = BLOCK_NONE;
    uint64_t t0 = now_ns(vm);
    uint32_t exit = world_enter(w);
    vm->st.ns_direct += now_ns(vm) - t0;
    vm->in_direct = false;
    vm_sync_from_world(vm);
    s->eip = w->eip;
    if (exit == WORLD_EXIT_TRAP)
        handle_trap(vm, true);
}

/* The class of the guest instruction at s.eip (IC_INVALID if it cannot be fetched). */
static enum insn_class insn_class_at(struct vm *vm)
{
    uint8_t b[INSN_MAX_LEN];
    struct insn in;
    return vm_decode_at(vm, &in, b) ? in.cls : IC_INVALID;
}

/* A host #PF the trap hook could not fix on the signal stack. */
static void page_fault(struct vm *vm, const struct host_trap *t, unsigned cpl)
{
    if (t->cr2 >= MON_BASE) {
        if (!vm_emulate_memory(vm))
            vm_fatal(vm, 2, "guest access to the monitor area at %#llx cannot be emulated",
                     (unsigned long long)t->cr2);
        return;
    }
    struct guest_fault pf;
    switch (vm_shadow_fill(vm, (uint32_t)t->cr2, (t->err & 2) != 0, cpl, &pf)) {
    case FILL_MAPPED: return;
    case FILL_GUEST_PF:
        /* The inline-cached RET writes its stack slot: let the emulator redo the RET so
         * that the guest sees the read fault a RET makes. */
        if (cpl < 3 && insn_class_at(vm) == IC_RET) {
            vm_emulate_at(vm);
            return;
        }
        vm->st.shadow_faults_guest++;
        if (vm->debug) {
            uint32_t pde = 0, pte = 0, lin = (uint32_t)t->cr2;
            const uint8_t *ram = vm->space.ram.base;
            uint64_t pdea = (vm->s.cr3 & ~0xFFFu) + (lin >> 22) * 4;
            if (pdea + 4 <= vm->space.ram.size)
                memcpy(&pde, ram + pdea, 4);
            uint64_t ptea = (pde & ~0xFFFu) + ((lin >> 12) & 1023) * 4;
            if ((pde & 1) && !(pde & 0x80) && ptea + 4 <= vm->space.ram.size)
                memcpy(&pte, ram + ptea, 4);
            fprintf(stderr, "bt386: guest #PF at %#x (host err %#x): pde %#x pte %#x\n", lin,
                    t->err, pde, pte);
        }
        vm_deliver_fault(vm, &pf);
        return;
    case FILL_SMC:
        /* A write to a page with translations: drop them, run the writer alone, unprotected. */
        vm->st.smc_faults++;
        vm_invalidate_code_page(vm, vm->smc_gpa);
        vm->smc_oneshot = true;
        return;
    case FILL_UNBACKED:
        /* Page 0 (below the host's mmap_min_addr) or no RAM: run the access in the
         * monitor (DESIGN.md hazard 7). */
        if (!vm_emulate_memory(vm))
            vm_fatal(vm, 2, "guest access to %#llx cannot be emulated", (unsigned long long)t->cr2);
        return;
    }
}

/* Does the instruction at s.eip access memory at or above the monitor area? */
static bool reaches_monitor_area(struct vm *vm)
{
    uint8_t bytes[INSN_MAX_LEN];
    struct insn in;
    uint32_t at;
    unsigned size;
    return vm_decode_at(vm, &in, bytes) && emu_native_linear(&vm->emu, &in, &at, &size) &&
           (uint64_t)at + size > MON_BASE;
}

/* Direct code loaded segment registers natively (seg_repair): give them the guest's
 * meaning, then let the trapping instruction run again. A load the guest's tables
 * refuse is reported at the current instruction (the load itself has retired). */
static void repair_segments(struct vm *vm)
{
    for (unsigned r = 0; r < SEG_COUNT; r++) {
        if (!(vm->seg_repair & (1u << r)))
            continue;
        struct cpu_result res = cpu_load_seg(&vm->s, &vm->mem, (enum seg_reg)r, vm->live_sel[r]);
        if (res.status == CPU_FAULT) {
            vm->seg_repair = 0;
            vm_deliver_fault(vm, &res.fault);
            return;
        }
    }
    vm->seg_repair = 0;
}

static void handle_trap(struct vm *vm, bool direct)
{
    struct vcpu_state *s = &vm->s;
    const struct host_trap *t = &vm->w.trap;
    if (direct && vm->seg_repair) {
        repair_segments(vm);
        return;
    }
    if (!direct) {
        uint32_t b = block_containing(&vm->blocks, t->eip);
        if (b == BLOCK_NONE) {
            vm_fatal(vm, 2, "host signal %d (trap %u) outside translated code at %#x", t->signo,
                     t->trapno, t->eip);
            return;
        }
        vm->last_block = b;
        s->eip = block_guest_eip_at(&vm->blocks, b, t->eip) - s->seg[SEG_CS].base;
        if (t->signo == SIGSEGV && t->trapno == 5 && t->eip == vm->blocks.v[b].tc_start) {
            vm->st.traps_irq_gate++; /* the interrupt gate: the dispatcher looks */
            return;
        }
    }
    switch (t->signo) {
    case SIGALRM: return;
    case SIGSEGV:
        switch (t->trapno) {
        case 14: page_fault(vm, t, direct ? 3 : s->cpl); return;
        case 12: vm_deliver_exception(vm, VEC_SS, true, 0); return;
        case 5: vm_deliver_exception(vm, VEC_BR, false, 0); return;
        case 13:
            /* Direct code: a sensitive instruction (INT n, CLI, IN, HLT, ...) is run by the
             * emulator, which raises the guest's own fault if it must. */
            if (direct && vm_emulate_at(vm) != STEP_IDENT)
                return;
            /* An access that reaches the monitor area hits the truncated segment limit:
             * the guest's own segment may allow it. */
            if (reaches_monitor_area(vm) && vm_emulate_memory(vm))
                return;
            vm_deliver_exception(vm, VEC_GP, true, 0);
            return;
        default: break;
        }
        break;
    case SIGSYS: /* INT 0x80 / SYSENTER from direct code: the host stopped after it */
        s->eip -= 2;
        vm->st.traps_syscall++;
        if (vm_emulate_at(vm) == STEP_IDENT)
            vm_fatal(vm, 2, "system call trap without a system call instruction");
        return;
    case SIGTRAP:
        if (t->trapno == 3 || t->trapno == 4) { /* INT3 / INTO ran natively: a trap */
            s->eip -= 1;
            if (vm_emulate_at(vm) == STEP_IDENT)
                vm_fatal(vm, 2, "breakpoint trap without INT3/INTO");
            return;
        }
        if (direct && vm->step_pushf) {
            vm->step_pushf = false;
            vm_emulate_at(vm); /* the PUSHF, with the guest's own EFLAGS */
            return;
        }
        single_step_trap(vm);
        return;
    case SIGILL:
        /* SYSENTER is #UD in compatibility mode on AMD hosts: direct code's SYSENTER
         * arrives here, not through Syscall User Dispatch. */
        if (direct && vm_emulate_at(vm) != STEP_IDENT)
            return;
        vm_deliver_exception(vm, VEC_UD, false, 0);
        return;
    case SIGFPE:
        vm_deliver_exception(vm,
                             t->trapno == 16   ? VEC_MF
                             : t->trapno == 19 ? VEC_XM
                                               : VEC_DE,
                             false, 0);
        return;
    case SIGBUS: /* Linux reports #SS and #AC as SIGBUS */
        if (t->trapno == 12) {
            vm_deliver_exception(vm, VEC_SS, true, 0);
            return;
        }
        if (t->trapno == 17) {
            vm_deliver_exception(vm, VEC_AC, true, 0);
            return;
        }
        break;
    default: break;
    }
    vm_fatal(vm, 2, "unexpected host signal %d (trap %u, error %#x) in guest code", t->signo,
             t->trapno, t->err);
}

static uint64_t now_ns(const struct vm *vm)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec - vm->t0_ns;
}

/* Deliver the PIC's request if the guest can take it now (SDM Vol. 3A §6.8.1). */
static bool deliver_interrupt(struct vm *vm)
{
    struct vcpu_state *s = &vm->s;
    if (!vm->intr_level || !(s->eflags & EFLAGS_IF) || (s->inhibit_irq && s->eip == s->inhibit_eip))
        return false;
    uint8_t vec = pic_acknowledge(&vm->pc.pic);
    struct cpu_deliver_result res;
    vm->st.interrupts++;
    if (vm->debug > 1)
        fprintf(stderr, "bt386: interrupt %#x at %04x:%08x eflags %08x esp %08x\n", vec,
                s->seg[SEG_CS].sel, s->eip, s->eflags, s->gpr[GPR_ESP]);
    enum cpu_deliver_status st = cpu_deliver(s, &vm->mem, vec, EVENT_EXTERNAL, false, 0, &res);
    if (vm->debug > 1)
        fprintf(stderr, "bt386:   -> %04x:%08x eflags %08x esp %08x\n", s->seg[SEG_CS].sel, s->eip,
                s->eflags, s->gpr[GPR_ESP]);
    if (st == DELIVER_TRIPLE_FAULT)
        vm_fatal(vm, 2, "triple fault while delivering interrupt vector %u", vec);
    else if (st == DELIVER_UNSUPPORTED)
        vm_fatal(vm, 2, "cannot deliver interrupt %u: %s", vec, res.why ? res.why : "?");
    return true;
}

/* Terminal input into COM1 as far as its receiver takes it; Ctrl-A x ends the run. */
static void service_console(struct vm *vm, int timeout_ms)
{
    if (console_read(&vm->con, vm->con.count ? 0 : timeout_ms) == CONSOLE_QUIT) {
        vm->running = false;
        vm->exit_status = 0;
        return;
    }
    uint8_t b;
    while (uart_rx_space(&vm->pc.com1) && console_take(&vm->con, &b))
        uart_receive(&vm->pc.com1, b);
}

int vm_run(struct vm *vm)
{
    struct vcpu_state *s = &vm->s;
    world_callout_handler = vm_callout;
    vm->env = (struct emit_env){.tc = &vm->tc,
                                .blocks = &vm->blocks,
                                .irq_bounds = MON_BOUNDS,
                                .guest_sels = MON_GUEST_SELS,
                                .ret_ibl = !vm->opts.stats_exact,
                                .fetch = fetch_for_emit,
                                .ctx = vm};
    vm->last_block = BLOCK_NONE;
    int r = monitor_seccomp_install();
    if (r) {
        fprintf(stderr, "bt386: cannot install the system-call filter: %s\n", strerror(-r));
        return 2;
    }
    uint64_t start = now_ns(vm);
    while (vm->running) {
        if (vm->kick)
            service_console(vm, 0);
        vm->kick = false;
        pc_devices_advance(&vm->pc, now_ns(vm));
        if (s->inhibit_irq && s->eip != s->inhibit_eip)
            s->inhibit_irq = false;
        if (deliver_interrupt(vm))
            continue;
        if (s->halted) {
            if (!(s->eflags & EFLAGS_IF)) {
                fprintf(stderr, "bt386: the guest halted with interrupts disabled\n");
                vm->running = false;
                break;
            }
            /* Idle: wait for the terminal or the timer kick (1 kHz). */
            service_console(vm, 1);
            continue;
        }
        if (can_run_direct(vm))
            run_direct(vm);
        else
            run_translated(vm);
    }
    vm->st.ns_total = now_ns(vm) - start;
    return vm->exit_status;
}
