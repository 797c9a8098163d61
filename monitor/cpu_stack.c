/* cpu_stack.c — staged stack frames: limit check, page probe, then write. */
#include "monitor/cpu_stack.h"
#include "monitor/cpu_desc.h"
#include "shadow_mmu/walk.h"

void cpu_frame_init(struct cpu_frame *f, const struct seg_cache *ss, uint32_t esp, bool user)
{
    f->ss = *ss;
    f->esp = esp;
    f->user = user;
    f->count = 0;
}

void cpu_frame_push(struct cpu_frame *f, uint32_t val, unsigned len)
{
    if (f->count == CPU_FRAME_MAX)
        return; /* callers stay below the bound (31 parameters + 4) */
    /* PUSH decrements ESP (SS.B = 1) or SP (SS.B = 0) first, then stores. */
    f->esp = cpu_sp_merge(&f->ss, f->esp, f->esp - len);
    f->slot[f->count].off = f->esp & cpu_sp_mask(&f->ss);
    f->slot[f->count].val = len == 2 ? (val & 0xFFFFu) : val;
    f->slot[f->count].len = (uint8_t)len;
    f->count++;
}

bool cpu_frame_fits(const struct cpu_frame *f)
{
    for (unsigned i = 0; i < f->count; i++)
        if (!cpu_seg_range_ok(&f->ss, f->slot[i].off, f->slot[i].len))
            return false;
    return true;
}

/* The #PF a write of n bytes at lin would raise, without touching A/D bits. */
static struct guest_fault probe_write(const struct vcpu_state *s, const struct guest_mem *m,
                                      uint32_t lin, uint32_t n, bool user)
{
    struct mmu_regs regs = {.cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4};
    uint32_t done = 0;
    while (done < n) {
        uint32_t at = lin + done;
        struct walk_result r =
            walk_probe(&m->ram, &regs, at, WALK_WRITE, user ? WALK_USER : WALK_SUPERVISOR);
        if (r.status == WALK_FAULT) {
            struct guest_fault f = guest_fault_make(VEC_PF, true, r.error_code);
            f.cr2 = at;
            return f;
        }
        if (r.status != WALK_OK)
            return guest_fault_make(VEC_GP, true, 0); /* as guest_access: PAE is not emulated */
        done += 0x1000u - (at & 0xFFFu);
    }
    return FAULT_NONE;
}

struct guest_fault cpu_frame_probe(const struct vcpu_state *s, const struct guest_mem *m,
                                   const struct cpu_frame *f, unsigned first, unsigned end)
{
    for (unsigned i = first; i < end && i < f->count; i++) {
        struct guest_fault pf =
            probe_write(s, m, f->ss.base + f->slot[i].off, f->slot[i].len, f->user);
        if (pf.raised)
            return pf;
    }
    return FAULT_NONE;
}

struct guest_fault cpu_frame_write(const struct vcpu_state *s, const struct guest_mem *m,
                                   const struct cpu_frame *f)
{
    struct guest_fault pf = cpu_frame_probe(s, m, f, 0, f->count);
    if (pf.raised)
        return pf;
    for (unsigned i = 0; i < f->count; i++) {
        uint8_t b[4] = {(uint8_t)f->slot[i].val, (uint8_t)(f->slot[i].val >> 8),
                        (uint8_t)(f->slot[i].val >> 16), (uint8_t)(f->slot[i].val >> 24)};
        pf = guest_linear_write(m, s, f->ss.base + f->slot[i].off, b, f->slot[i].len, f->user);
        if (pf.raised)
            return pf;
    }
    return FAULT_NONE;
}

bool cpu_stack_slot_ok(const struct seg_cache *ss, uint32_t esp, uint32_t at, unsigned len)
{
    return cpu_seg_range_ok(ss, (esp + at) & cpu_sp_mask(ss), len);
}

struct guest_fault cpu_stack_read(const struct vcpu_state *s, const struct guest_mem *m,
                                  const struct seg_cache *ss, uint32_t esp, uint32_t at,
                                  unsigned len, bool user, uint32_t *val)
{
    uint8_t b[4] = {0, 0, 0, 0};
    uint32_t off = (esp + at) & cpu_sp_mask(ss);
    struct guest_fault f = guest_linear_read(m, s, ss->base + off, b, len, user);
    if (f.raised)
        return f;
    *val = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
    return FAULT_NONE;
}
