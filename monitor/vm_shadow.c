/* vm_shadow.c — shadow page-table policy: fills from the guest walk, flushes, the
 * write protection of pages that hold translated code, and the interrupt gate. */
#include "monitor/vm_internal.h"
#include "shadow_mmu/shadow_prot.h"
#include "shadow_mmu/walk.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void vm_set_gate(struct vm *vm, bool trap)
{
    /* BOUND compares signed: [INT_MIN, INT_MAX] never traps, [INT_MAX, INT_MIN] always. */
    int32_t pair[2] = {trap ? INT32_MAX : INT32_MIN, trap ? INT32_MIN : INT32_MAX};
    memcpy(vm->mon + (MON_BOUNDS - MON_DATA), pair, sizeof(pair));
}

void vm_update_gate(struct vm *vm)
{
    vm_set_gate(vm, vm->kick || (vm->intr_level && (vm->s.eflags & EFLAGS_IF)));
}

bool vm_code_page(const struct vm *vm, uint64_t gpa)
{
    uint64_t pn = gpa >> 12;
    return pn < vm->ram_pages && (vm->code_pages[pn / 8] >> (pn % 8)) & 1;
}

void vm_mark_code_page(struct vm *vm, uint64_t gpa)
{
    uint64_t pn = gpa >> 12;
    if (pn >= vm->ram_pages || vm_code_page(vm, gpa))
        return;
    vm->code_pages[pn / 8] |= (uint8_t)(1u << (pn % 8));
    shadow_clear_write_gpa(&vm->space, gpa & ~0xFFFull);
}

void vm_flush_translations(struct vm *vm)
{
    vm->tc_generation++;
    memset(vm->ibl, 0, WORLD_IBL_ENTRIES * sizeof(*vm->ibl));
    tc_flush(&vm->tc);
    blocks_clear(&vm->blocks);
    memset(vm->code_pages, 0, vm->ram_pages / 8 + 1);
    vm->exit_site = NULL;
    vm->last_block = BLOCK_NONE;
}

void vm_flush_shadow(struct vm *vm, bool keep_global)
{
    shadow_unmap_all(&vm->space, keep_global);
    vm->nsup = 0;
}

/* Remember supervisor-only pages mapped where CPL 3 code could reach them. */
static void note_supervisor_page(struct vm *vm, uint32_t linear)
{
    if (vm->nsup == vm->sup_cap) {
        uint32_t *n = realloc(vm->sup_pages, 2 * vm->sup_cap * sizeof(*n));
        if (!n) {
            /* Out of memory for the list: forget every mapping instead. */
            vm_flush_shadow(vm, false);
            return;
        }
        vm->sup_pages = n;
        vm->sup_cap *= 2;
    }
    vm->sup_pages[vm->nsup++] = linear & ~0xFFFu;
}

/* Before CPL 3 code runs directly, kernel-only mappings below the user segments' top
 * go (DESIGN.md hazard 11). */
void vm_hide_supervisor_pages(struct vm *vm)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < vm->nsup; i++) {
        uint32_t lin = vm->sup_pages[i];
        if (lin < vm->user_top)
            shadow_unmap_page(&vm->space, lin);
        else
            vm->sup_pages[kept++] = lin;
    }
    vm->nsup = kept;
}

enum fill_result vm_shadow_fill(struct vm *vm, uint32_t linear, bool write, unsigned cpl,
                                struct guest_fault *pf)
{
    if (linear < vm->space.low || linear >= MON_BASE)
        return FILL_UNBACKED;
    struct mmu_regs regs = {.cr0 = vm->s.cr0, .cr3 = vm->s.cr3, .cr4 = vm->s.cr4};
    struct walk_result r;
    do
        r = walk_translate(&vm->space.ram, &regs, linear, write ? WALK_WRITE : WALK_READ,
                           cpl == 3 ? WALK_USER : WALK_SUPERVISOR);
    while (r.status == WALK_CONTENDED);
    if (r.status == WALK_FAULT) {
        *pf = guest_fault_make(VEC_PF, true, r.error_code);
        pf->cr2 = linear;
        return FILL_GUEST_PF;
    }
    if (r.status != WALK_OK || !gphys_contains(&vm->space.ram, r.pa & ~0xFFFull, 4096))
        return FILL_UNBACKED;
    uint64_t gpa = r.pa & ~0xFFFull;
    bool code = vm_code_page(vm, gpa);
    if (write && code) {
        vm->smc_gpa = gpa;
        return FILL_SMC;
    }
    int prot = shadow_prot_for_walk(&r, vm->s.cr0, cpl, code);
    /* Kernel code never executes from guest pages (it runs from the TC); user code does. */
    if (prot == PROT_NONE)
        return FILL_UNBACKED;
    if (shadow_map_page(&vm->space, linear, gpa, prot, r.global ? SHADOW_GLOBAL : 0) != 0)
        return FILL_UNBACKED;
    /* A mapping made for the kernel that grants more than user code may have (a
     * supervisor page, or a read-only user page written with CR0.WP = 0) is removed
     * before CPL 3 code runs directly. */
    if (cpl < 3 && linear < USER_TOP_PAGING && shadow_prot_for_walk(&r, vm->s.cr0, 3, code) != prot)
        note_supervisor_page(vm, linear);
    vm->st.shadow_faults_hidden++;
    return FILL_MAPPED;
}

static void unchain_site(void *ctx, struct tc_site *site)
{
    struct vm *vm = ctx;
    emit_unchain(&vm->env, site);
}

/* A dying block leaves the RET target table too. */
static void forget_block(void *ctx, uint32_t block)
{
    struct vm *vm = ctx;
    const struct tc_block *b = &vm->blocks.v[block];
    struct ret_ibl_entry *e = &vm->ibl[b->guest_eip & (WORLD_IBL_ENTRIES - 1)];
    if (e->tc == b->tc_start)
        *e = (struct ret_ibl_entry){0, 0};
}

void vm_invalidate_code_page(struct vm *vm, uint64_t gpa)
{
    uint64_t pn = gpa >> 12;
    if (pn >= vm->ram_pages)
        return;
    vm->st.invalidations +=
        blocks_invalidate_page(&vm->blocks, (uint32_t)pn, unchain_site, forget_block, vm);
    vm->code_pages[pn / 8] &= (uint8_t) ~(1u << (pn % 8));
    vm->tc_generation++;
}
