/* vm_internal.h — the pieces of struct vm's implementation that call each other. */
#ifndef BT386_MONITOR_VM_INTERNAL_H
#define BT386_MONITOR_VM_INTERNAL_H

#include "monitor/vm.h"

enum fill_result {
    FILL_MAPPED,   /* the page is mapped: retry the access */
    FILL_GUEST_PF, /* the guest's own page tables refuse: deliver *pf */
    FILL_SMC,      /* a write to a page holding translated code */
    FILL_UNBACKED, /* no RAM behind the address (or below mmap_min_addr): emulate */
};

/* vm_shadow_fill: map the page for a guest access that took a host #PF (vm_shadow.c). */
enum fill_result vm_shadow_fill(struct vm *vm, uint32_t linear, bool write, unsigned cpl,
                                struct guest_fault *pf);
/* vm_mark_code_page: translations now come from gpa's page: trace writes to it. */
void vm_mark_code_page(struct vm *vm, uint64_t gpa);
/* vm_hide_supervisor_pages: unmap kernel-only mappings below vm->user_top. */
void vm_hide_supervisor_pages(struct vm *vm);

/* vm_fetch: up to n code bytes at linear lin with the guest's rights, page by page; how
 * many were fetched (the fault that stopped it in *f, if f). */
size_t vm_fetch(struct vm *vm, uint32_t lin, uint8_t *buf, size_t n, struct guest_fault *f);
/* vm_decode_at: fetch and decode the instruction at CS:EIP; false if either fails. */
bool vm_decode_at(struct vm *vm, struct insn *in, uint8_t bytes[INSN_MAX_LEN]);

/* Outcome of running one guest instruction in the monitor (vm_emulate.c). */
enum step_result {
    STEP_RESUME, /* sequential, nothing the translated code must notice: continue */
    STEP_EXIT,   /* state changed in a way that needs the dispatcher */
    STEP_IDENT,  /* an innocuous instruction: nothing was done (its host fault stands) */
};
/* vm_emulate_at: run the instruction at s.eip in the slow path (fetch, decode,
 * emu_exec or a near branch), delivering any fault it raises. */
enum step_result vm_emulate_at(struct vm *vm);
/* vm_emulate_insn: the same for an instruction already decoded (it is at s.eip). */
enum step_result vm_emulate_insn(struct vm *vm, const struct insn *in);
/* vm_emulate_memory: run the instruction at s.eip whose memory operand the host cannot
 * reach (page 0, the monitor area, no RAM); false if it is not one this path runs. */
bool vm_emulate_memory(struct vm *vm);
/* vm_deliver_fault: deliver f at the current s.eip (a fault's own EIP). */
void vm_deliver_fault(struct vm *vm, const struct guest_fault *f);
/* vm_deliver_trap: deliver exception vector as a trap (EIP already past the insn). */
void vm_deliver_exception(struct vm *vm, uint8_t vector, bool has_err, uint32_t err);
/* The callout handler translated code reaches through every site. */
int vm_callout(struct world *w);

/* code_page_of: the guest-physical page (number + 1) code at lin comes from, 0 if none. */
uint32_t code_page_of(struct vm *vm, uint32_t lin);

/* World <-> vCPU state (vm_exec.c). */
void vm_sync_from_world(struct vm *vm);
void vm_load_world_segments(struct vm *vm, bool direct);

#endif
