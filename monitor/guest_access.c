/* guest_access.c — linear-address accesses through the guest page tables. */
#include "monitor/guest_access.h"
#include "shadow_mmu/walk.h"

#include <string.h>

/* Split a range at page boundaries: walk every page first (so a fault leaves memory
 * untouched, as a real CPU's access that faults has no effect), then copy. */
#define MAX_PAGES 3 /* accesses are at most a few bytes (descriptors, TSS fields, frames) */

static struct guest_fault access_range(const struct guest_mem *m, const struct vcpu_state *s,
                                       uint32_t lin, void *buf, size_t n, bool user,
                                       enum access_kind kind)
{
    struct mmu_regs regs = {.cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4};
    enum walk_access wa = kind == ACCESS_WRITE   ? WALK_WRITE
                          : kind == ACCESS_FETCH ? WALK_FETCH
                                                 : WALK_READ;
    uint64_t pa[MAX_PAGES];
    size_t len[MAX_PAGES];
    size_t pages = 0, done = 0;
    while (done < n) {
        uint32_t at = lin + (uint32_t)done;
        size_t chunk = 0x1000 - (at & 0xFFF);
        if (chunk > n - done)
            chunk = n - done;
        if (pages == MAX_PAGES)
            return guest_fault_make(VEC_GP, true, 0); /* a monitor bug, not a guest event */
        struct walk_result r;
        do
            r = walk_translate(&m->ram, &regs, at, wa, user ? WALK_USER : WALK_SUPERVISOR);
        while (r.status == WALK_CONTENDED);
        if (r.status == WALK_FAULT) {
            struct guest_fault f = guest_fault_make(VEC_PF, true, r.error_code);
            f.cr2 = at;
            return f;
        }
        if (r.status != WALK_OK)
            return guest_fault_make(VEC_GP, true, 0);
        pa[pages] = r.pa;
        len[pages] = chunk;
        pages++;
        done += chunk;
    }
    uint8_t *b = buf;
    for (size_t i = 0; i < pages; i++) {
        if (kind == ACCESS_WRITE) {
            if (gphys_contains(&m->ram, pa[i], len[i])) {
                memcpy(m->ram.base + pa[i], b, len[i]);
                if (m->on_write)
                    m->on_write(m->ctx, (uint32_t)pa[i], (uint32_t)len[i]);
            }
        } else if (gphys_contains(&m->ram, pa[i], len[i])) {
            memcpy(b, m->ram.base + pa[i], len[i]);
        } else {
            memset(b, 0xFF, len[i]); /* unbacked physical memory reads as all-ones */
        }
        b += len[i];
    }
    return FAULT_NONE;
}

struct guest_fault guest_linear_read(const struct guest_mem *m, const struct vcpu_state *s,
                                     uint32_t lin, void *buf, size_t n, bool user)
{
    return access_range(m, s, lin, buf, n, user, ACCESS_READ);
}

struct guest_fault guest_linear_write(const struct guest_mem *m, const struct vcpu_state *s,
                                      uint32_t lin, const void *buf, size_t n, bool user)
{
    return access_range(m, s, lin, (void *)(uintptr_t)buf, n, user, ACCESS_WRITE);
}

struct guest_fault guest_linear_fetch(const struct guest_mem *m, const struct vcpu_state *s,
                                      uint32_t lin, void *buf, size_t n, bool user)
{
    return access_range(m, s, lin, buf, n, user, ACCESS_FETCH);
}
