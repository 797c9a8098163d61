/* vm_emulate.c — the slow path: callouts from translated code, one guest instruction
 * run in the monitor, near branches, and delivering what they raise. */
#include "monitor/cpu_deliver.h"
#include "monitor/emu_native.h"
#include "monitor/emu_operand.h"
#include "monitor/host_ldt.h"
#include "monitor/vm_internal.h"

#include <stddef.h>
#include <stdio.h>

static struct vm *vm_of(struct world *w)
{
    return (struct vm *)((char *)w - offsetof(struct vm, w));
}

void vm_deliver_fault(struct vm *vm, const struct guest_fault *f)
{
    struct cpu_deliver_result res;
    vm->st.exceptions++;
    if (f->vector < 32)
        vm->st.traps_by_vector[f->vector]++;
    if (vm->debug) {
        uint8_t b[8] = {0};
        vm_fetch(vm, vm->s.seg[SEG_CS].base + vm->s.eip, b, sizeof(b), NULL);
        fprintf(stderr,
                "bt386: exception %u err=%#x at %04x:%08x cr2=%#x [%02x %02x %02x %02x %02x "
                "%02x %02x %02x] eax=%08x ecx=%08x edx=%08x ebx=%08x esp=%08x ebp=%08x esi=%08x "
                "edi=%08x\n",
                f->vector, f->error_code, vm->s.seg[SEG_CS].sel, vm->s.eip, f->cr2, b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], vm->s.gpr[0], vm->s.gpr[1], vm->s.gpr[2],
                vm->s.gpr[3], vm->s.gpr[4], vm->s.gpr[5], vm->s.gpr[6], vm->s.gpr[7]);
    }
    enum cpu_deliver_status st = cpu_deliver_fault(&vm->s, &vm->mem, f, &res);
    if (st == DELIVER_TRIPLE_FAULT)
        vm_fatal(vm, 2, "triple fault (exception %u, error code %#x, while delivering %u)",
                 res.last_fault.vector, res.last_fault.error_code, f->vector);
    else if (st == DELIVER_UNSUPPORTED)
        vm_fatal(vm, 2, "cannot deliver exception %u: %s", f->vector, res.why ? res.why : "?");
}

void vm_deliver_exception(struct vm *vm, uint8_t vector, bool has_err, uint32_t err)
{
    struct guest_fault f = guest_fault_make(vector, has_err, err);
    vm_deliver_fault(vm, &f);
}

size_t vm_fetch(struct vm *vm, uint32_t lin, uint8_t *buf, size_t n, struct guest_fault *f)
{
    size_t got = 0;
    bool user = vm->s.cpl == 3;
    while (got < n) {
        size_t chunk = 0x1000 - ((lin + got) & 0xFFF);
        if (chunk > n - got)
            chunk = n - got;
        struct guest_fault ff =
            guest_linear_fetch(&vm->mem, &vm->s, lin + (uint32_t)got, buf + got, chunk, user);
        if (ff.raised) {
            if (f)
                *f = ff;
            break;
        }
        got += chunk;
    }
    return got;
}

bool vm_decode_at(struct vm *vm, struct insn *in, uint8_t bytes[INSN_MAX_LEN])
{
    size_t got = vm_fetch(vm, vm->s.seg[SEG_CS].base + vm->s.eip, bytes, INSN_MAX_LEN, NULL);
    return got && decode_insn(&vm->dec32, bytes, got, in) == DECODE_OK;
}

/* RET, RET imm16, JMP r/m, CALL r/m (and the 16-bit forms the emitter leaves to us):
 * near transfers within CS (SDM Vol. 2 CALL/JMP/RET: #GP(0) if the target is beyond
 * CS.limit). */
static struct emu_result near_branch(struct vm *vm, const struct insn *in, uint32_t eip)
{
    struct emu_ctx *ctx = &vm->emu;
    struct vcpu_state *s = &vm->s;
    struct emu_result r = {.status = EMU_DONE, .flags = EMU_F_BRANCH};
    unsigned os = in->zi.operand_width / 8;
    uint32_t next = eip + in->len, target = 0, mask = os == 2 ? 0xFFFF : 0xFFFFFFFF;
    struct guest_fault f = FAULT_NONE;
    s->eip = eip;
    switch (in->cls) {
    case IC_RET: {
        uint32_t v = 0;
        f = emu_stack_read(ctx, 0, &v, os);
        target = v & mask;
        if (!f.raised && target > s->seg[SEG_CS].limit)
            f = guest_fault_make(VEC_GP, true, 0);
        if (!f.raised) {
            uint32_t imm = in->zi.operand_count && in->ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE
                               ? (uint32_t)in->ops[0].imm.value.u
                               : 0;
            emu_stack_adjust(s, (int32_t)(os + imm));
        }
        break;
    }
    case IC_JMP_IND:
    case IC_CALL_IND: {
        uint32_t v = 0;
        f = emu_operand_read(ctx, in, 0, &v);
        target = v & mask;
        if (!f.raised && target > s->seg[SEG_CS].limit)
            f = guest_fault_make(VEC_GP, true, 0);
        if (!f.raised && in->cls == IC_CALL_IND)
            f = emu_push(ctx, &next, os, os);
        break;
    }
    case IC_JMP_REL:
    case IC_CALL_REL: {
        target = (next + (uint32_t)in->ops[0].imm.value.s) & mask;
        if (target > s->seg[SEG_CS].limit)
            f = guest_fault_make(VEC_GP, true, 0);
        else if (in->cls == IC_CALL_REL)
            f = emu_push(ctx, &next, os, os);
        break;
    }
    default: r.status = EMU_UNHANDLED; return r;
    }
    if (f.raised) {
        r.status = EMU_FAULT;
        r.fault = f;
        r.next_eip = eip;
        return r;
    }
    s->eip = target;
    r.next_eip = target;
    return r;
}

/* The state translated code runs with depends on these: any change goes through the
 * dispatcher. */
#define EXIT_FLAGS                                                                                 \
    (EMU_F_CR0 | EMU_F_CR3 | EMU_F_CR4 | EMU_F_PAGING | EMU_F_IF_SET | EMU_F_TF_SET |              \
     EMU_F_EFLAGS_SYS | EMU_F_HALT | EMU_F_BRANCH | EMU_F_CPL | EMU_F_SHADOW | EMU_F_XCR0)

enum step_result vm_emulate_at(struct vm *vm)
{
    struct vcpu_state *s = &vm->s;
    uint32_t eip = s->eip, lin = s->seg[SEG_CS].base + eip;
    uint8_t bytes[INSN_MAX_LEN];
    struct guest_fault ff = FAULT_NONE;
    size_t got = vm_fetch(vm, lin, bytes, sizeof(bytes), &ff);
    struct insn in;
    enum decode_status ds = got ? decode_insn(&vm->dec32, bytes, got, &in) : DECODE_NEED_MORE;
    if (ds == DECODE_NEED_MORE && ff.raised) {
        vm_deliver_fault(vm, &ff);
        return STEP_EXIT;
    }
    if (ds != DECODE_OK) {
        /* SDM Vol. 2 §2.3.11: more than 15 bytes is #GP(0); anything else undefined #UD. */
        vm_deliver_exception(vm, ds == DECODE_TOO_LONG ? VEC_GP : VEC_UD, ds == DECODE_TOO_LONG, 0);
        return STEP_EXIT;
    }
    return vm_emulate_insn(vm, &in);
}

enum step_result vm_emulate_insn(struct vm *vm, const struct insn *ip)
{
    struct vcpu_state *s = &vm->s;
    uint32_t eip = s->eip;
    const struct insn in = *ip;
    /* CR0.TS/EM: the FPU instruction raises #NM (SDM Vol. 3A §2.5, table 2-2). */
    if (in.cls == IC_IDENT && insn_uses_fpu(&in) && (s->cr0 & (CR0_TS | CR0_EM))) {
        vm_deliver_exception(vm, VEC_NM, false, 0);
        return STEP_EXIT;
    }
    if (in.cls == IC_IDENT)
        return STEP_IDENT;
    vm->st.insns_emulated++;
    vm->st.callouts[in.cls]++;
    struct emu_result r = emu_exec(&vm->emu, &in, eip);
    if (r.status == EMU_UNHANDLED)
        r = near_branch(vm, &in, eip);
    if (r.status == EMU_UNHANDLED) {
        vm_fatal(vm, 2, "cannot run instruction of class %s", insn_class_name(in.cls));
        return STEP_EXIT;
    }
    if (r.status == EMU_FAULT) {
        s->eip = eip;
        vm_deliver_fault(vm, &r.fault);
        return STEP_EXIT;
    }
    if (r.flags & EMU_F_SHADOW)
        vm->shadow_from_ss = in.cls == IC_MOV_TO_SEG || in.cls == IC_POP_SEG;
    if (r.flags & EMU_F_INVLPG)
        shadow_unmap_page(&vm->space, r.invlpg_addr);
    if (r.flags & EMU_F_PAGING) {
        vm_flush_shadow(vm, false);
        vm_flush_translations(vm);
    } else if (r.flags & EMU_F_CR3) {
        vm_flush_shadow(vm, (s->cr4 & CR4_PGE) != 0);
    }
    if (r.flags & (EMU_F_IF_SET | EMU_F_EFLAGS_SYS))
        vm_update_gate(vm);
    if ((r.flags & EXIT_FLAGS) || ((r.flags & EMU_F_SEG) && (r.seg_mask & (1u << SEG_SS))) ||
        r.next_eip != eip + in.len)
        return STEP_EXIT;
    return STEP_RESUME;
}

bool vm_emulate_memory(struct vm *vm)
{
    struct vcpu_state *s = &vm->s;
    uint32_t eip = s->eip;
    uint8_t bytes[INSN_MAX_LEN];
    struct insn in;
    if (!vm_decode_at(vm, &in, bytes))
        return false;
    struct native_result r = emu_native_mem(&vm->emu, vm->native_page, &in, bytes, eip);
    if (r.status == NATIVE_UNSUPPORTED)
        return false;
    vm->st.memory_emulated++;
    vm->st.insns_emulated++;
    if (r.status == NATIVE_FAULT)
        vm_deliver_fault(vm, &r.fault);
    return true;
}

/* An inline-cached RET missed: if its target already has a block in this block's mode,
 * pop, re-predict, and continue there straight from the callout — no decoding, no trip
 * through the dispatcher. The inline cache has just read and written the return slot
 * through the guest's SS, so its page is mapped and within the segment. */
static bool ret_miss_fast(struct vm *vm, const struct tc_site *site)
{
    struct vcpu_state *s = &vm->s;
    uint32_t mode = vm->blocks.v[site->block].mode;
    if (mode & (EMIT_MODE_SINGLE | EMIT_MODE_ONCE | EMIT_MODE_USER | EMIT_MODE_SS16))
        return false;
    uint32_t esp = s->gpr[GPR_ESP];
    uint32_t target;
    memcpy(&target, (const void *)(uintptr_t)(s->seg[SEG_SS].base + esp), 4);
    if (target > s->seg[SEG_CS].limit)
        return false; /* #GP(0): the emulator raises it */
    uint32_t lin = s->seg[SEG_CS].base + target;
    uint32_t idx = block_lookup_in(&vm->blocks, lin, mode, code_page_of(vm, lin));
    if (idx == BLOCK_NONE)
        return false;
    vm->st.insns_emulated++;
    vm->st.callouts[IC_RET]++;
    emit_ret_patch(&vm->env, (struct tc_site *)site, lin);
    /* Next time a RET misses towards this target, world_ret_ibl finds it. */
    if (mode == 0 && s->seg[SEG_CS].base == 0)
        vm->ibl[target & (WORLD_IBL_ENTRIES - 1)] =
            (struct ret_ibl_entry){(uint32_t)-target, vm->blocks.v[idx].tc_start};
    s->gpr[GPR_ESP] = esp + site->ret_pop;
    s->eip = target;
    struct world *w = &vm->w;
    w->gpr[GPR_ESP] = s->gpr[GPR_ESP];
    w->callout_eip = vm->blocks.v[idx].tc_start;
    w->callout_cs = host_ldt_selector(LDT_SLOT_TC_CODE);
    vm->last_block = idx;
    return true;
}

/* emulate_site: the instruction of emulate site `id` (at s.eip). A site's instruction
 * cannot change while the site lives — a write to its page kills its block — so the
 * decoded form is kept (a small direct-mapped cache, tagged with the site number and
 * the TC flush count, since a flush reuses site numbers). */
static enum step_result emulate_site(struct vm *vm, uint32_t id)
{
    struct insn_cache_entry *e = &vm->icache[id % VM_ICACHE_ENTRIES];
    if (e->valid && e->site == id && e->flushes == vm->tc.flushes)
        return vm_emulate_insn(vm, &e->in);
    uint8_t bytes[INSN_MAX_LEN];
    if (!vm_decode_at(vm, &e->in, bytes)) {
        e->valid = false;
        return vm_emulate_at(vm); /* delivers the fetch fault, #UD or #GP */
    }
    e->valid = true;
    e->site = id;
    e->flushes = vm->tc.flushes;
    return vm_emulate_insn(vm, &e->in);
}

int vm_callout(struct world *w)
{
    struct vm *vm = vm_of(w);
    struct tc_site *site = site_find(&vm->blocks, w->callout_site);
    vm_sync_from_world(vm);
    if (!site) {
        vm_fatal(vm, 2, "translated code called the monitor from an unknown site %u",
                 w->callout_site);
        return 1;
    }
    uint32_t cs_base = vm->s.seg[SEG_CS].base;
    if (site->kind == SITE_EXIT) {
        vm->exit_site = site;
        vm->s.eip = site->target - cs_base;
        vm->st.exits++;
        vm->st.ret_ic_hits += site->ret_hit;
        return 1;
    }
    vm->exit_site = NULL;
    vm->s.eip = site->guest_eip - cs_base;
    if (site->ret_ic && ret_miss_fast(vm, site))
        return 0;
    uint64_t generation = vm->tc_generation;
    enum step_result step = emulate_site(vm, w->callout_site);
    /* The instruction wrote to translated code (maybe this very block): do not resume
     * into translations that just died. */
    if (step == STEP_RESUME && vm->tc_generation != generation)
        step = STEP_EXIT;
    /* A missed inline-cached RET predicts its latest target from now on. */
    if (site->ret_ic && step == STEP_EXIT && vm->running)
        emit_ret_patch(&vm->env, site, cs_base + vm->s.eip);
    if (step == STEP_IDENT)
        vm_fatal(vm, 2, "an emulate site stands for an innocuous instruction");
    if (step != STEP_RESUME || !vm->running)
        return 1;
    /* Resume the translated code after the site with the new state. */
    for (unsigned i = 0; i < 8; i++)
        w->gpr[i] = vm->s.gpr[i];
    uint32_t keep = 0xCD5u | (vm->pass_ac ? EFLAGS_AC : 0);
    w->eflags = (w->eflags & ~keep) | (vm->s.eflags & keep);
    vm_load_world_segments(vm, false);
    w->callout_eip = site->resume;
    w->callout_cs = host_ldt_selector(LDT_SLOT_TC_CODE);
    return 0;
}
