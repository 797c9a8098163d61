/* vm_trap.c — the trap hook: what a host signal taken in guest code means, decided on
 * the signal stack. Hidden faults (shadow fills) are fixed there and the guest resumes;
 * everything else ends the run and is handled by the dispatcher (vm_exec.c). */
#include "monitor/host_signals.h"
#include "monitor/vm_internal.h"

#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/time.h>

static struct vm *vm_of(struct world *w)
{
    return (struct vm *)((char *)w - offsetof(struct vm, w));
}

static enum trap_action vm_trap_hook(struct world *w, const struct host_trap *t, ucontext_t *uc)
{
    struct vm *vm = vm_of(w);
    if (vm->in_direct) {
        /* DESIGN.md hazard 4: a segment load in direct code resolved the guest's selector
         * against the host's tables. Any mismatch with the mirrors we loaded goes to the
         * dispatcher, which loads the guest's selector the guest's way and retries. */
        static const enum seg_reg regs[4] = {SEG_DS, SEG_ES, SEG_FS, SEG_GS};
        const uint16_t mine[4] = {w->ds, w->es, w->fs, w->gs};
        uint8_t bad = 0;
        for (unsigned i = 0; i < 4; i++) {
            vm->live_sel[regs[i]] = host_signal_sel[i];
            if (host_signal_sel[i] != mine[i])
                bad |= (uint8_t)(1u << regs[i]);
        }
        uint16_t ss = (uint16_t)((uint64_t)uc->uc_mcontext.gregs[REG_CSGSFS] >> 48);
        vm->live_sel[SEG_SS] = ss;
        if (ss != w->ss)
            bad |= 1u << SEG_SS;
        if (bad) {
            vm->seg_repair = bad;
            return TRAP_EXIT;
        }
    }
    if (t->signo == SIGALRM) {
        vm->st.traps_timer++;
        vm->kick = true;
        if (vm->in_direct)
            return TRAP_EXIT;  /* direct code stops at an instruction boundary */
        vm_set_gate(vm, true); /* translated code stops at the next block entry */
        return TRAP_RESUME;
    }
    if (t->signo == SIGTRAP && t->trapno == 1 && vm->in_direct && vm->count_direct &&
        !(vm->s.eflags & EFLAGS_TF)) {
        /* --stats: one directly executed instruction. A PUSHF next would store the host's
         * TF: stop so that the dispatcher runs it (shadow_lookup: never touch an
         * unmapped page from the signal handler). */
        vm->st.insns_direct++;
        uint32_t rip = (uint32_t)uc->uc_mcontext.gregs[REG_RIP];
        struct shadow_mapping m;
        if ((rip & 0xFFF) < 0xFFF && shadow_lookup(&vm->space, rip, &m) && (m.prot & PROT_READ)) {
            const uint8_t *p = (const uint8_t *)(uintptr_t)rip;
            if (p[0] == 0x9C || (p[0] == 0x66 && p[1] == 0x9C)) {
                vm->step_pushf = true;
                return TRAP_EXIT;
            }
        }
        return TRAP_RESUME;
    }
    if (t->signo == SIGSEGV && t->trapno == 14 && t->cr2 < MON_BASE) {
        struct guest_fault pf;
        unsigned cpl = vm->in_direct ? 3 : vm->s.cpl;
        if (vm_shadow_fill(vm, (uint32_t)t->cr2, (t->err & 2) != 0, cpl, &pf) == FILL_MAPPED)
            return TRAP_RESUME;
    }
    return TRAP_EXIT;
}

int vm_install_trap_hook(struct vm *vm)
{
    (void)vm;
    int r = host_signals_install(vm_trap_hook);
    if (r)
        return r;
    /* The timer kick: 1 kHz, enough for the PIT rates guests program (HZ <= 1000). */
    struct itimerval it = {.it_interval = {0, 1000}, .it_value = {0, 1000}};
    return setitimer(ITIMER_REAL, &it, NULL) == 0 ? 0 : -1;
}
