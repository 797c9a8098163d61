/* guest_access.h — the monitor's accesses to guest memory by linear address.
 *
 * Every emulated access goes through the guest's own page tables (walk with
 * accessed/dirty updates) to guest physical RAM, so the guest observes exactly the
 * A/D bits and #PF a real CPU would produce. Segmentation is applied by the caller
 * (linear = segment base + offset, after the limit and type checks). */
#ifndef BT386_MONITOR_GUEST_ACCESS_H
#define BT386_MONITOR_GUEST_ACCESS_H

#include "monitor/vcpu.h"
#include "shadow_mmu/gphys.h"

#include <stddef.h>

enum access_kind { ACCESS_READ, ACCESS_WRITE, ACCESS_FETCH };

struct guest_mem {
    struct gphys ram;
    /* Optional: told about every guest-physical page the monitor writes, so that
     * translated code on that page can be invalidated (NULL: nobody listens). */
    void (*on_write)(void *ctx, uint32_t gpa, uint32_t len);
    void *ctx;
};

/* guest_linear_read: read n bytes at linear address lin; `user` = a CPL-3 access that
 * is not an implicit supervisor access. Returns FAULT_NONE or the #PF, before any byte
 * is read if any page of the range faults. */
struct guest_fault guest_linear_read(const struct guest_mem *m, const struct vcpu_state *s,
                                     uint32_t lin, void *buf, size_t n, bool user);
/* guest_linear_write: write n bytes; checks every page before writing any. */
struct guest_fault guest_linear_write(const struct guest_mem *m, const struct vcpu_state *s,
                                      uint32_t lin, const void *buf, size_t n, bool user);
/* guest_linear_fetch: like read, but an instruction fetch. */
struct guest_fault guest_linear_fetch(const struct guest_mem *m, const struct vcpu_state *s,
                                      uint32_t lin, void *buf, size_t n, bool user);

#endif
