/* cpu_stack.h — stack frames for far transfers, IRET and event delivery.
 *
 * A frame is staged first (each slot with its offset in SS, SDM Vol. 1 §6.2: the
 * stack pointer is ESP when SS.B = 1 and SP when SS.B = 0), checked against the
 * segment limit, probed page by page for writability, and only then written, so
 * that an operation that faults leaves guest memory as it was. */
#ifndef BT386_MONITOR_CPU_STACK_H
#define BT386_MONITOR_CPU_STACK_H

#include "monitor/guest_access.h"
#include "monitor/vcpu.h"

#include <stdbool.h>
#include <stdint.h>

/* A call gate copies at most 31 parameters; plus SS, ESP, CS, EIP. */
#define CPU_FRAME_MAX 40

struct cpu_frame {
    struct seg_cache ss; /* the stack segment the frame goes to */
    uint32_t esp;        /* ESP after the slots pushed so far */
    bool user;           /* the pushes are CPL-3 accesses */
    unsigned count;
    struct {
        uint32_t off; /* offset in SS */
        uint32_t val;
        uint8_t len; /* 2 or 4 */
    } slot[CPU_FRAME_MAX];
};

/* The mask of the stack-pointer bits SS.B selects: 0xFFFFFFFF or 0xFFFF. */
static inline uint32_t cpu_sp_mask(const struct seg_cache *ss)
{
    return (ss->attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
}

/* ESP with its SS.B-sized part replaced by `val`; the other bits keep `esp`'s. */
static inline uint32_t cpu_sp_merge(const struct seg_cache *ss, uint32_t esp, uint32_t val)
{
    uint32_t mask = cpu_sp_mask(ss);
    return (esp & ~mask) | (val & mask);
}

/* cpu_frame_init: an empty frame on `ss` starting at `esp`. */
void cpu_frame_init(struct cpu_frame *f, const struct seg_cache *ss, uint32_t esp, bool user);
/* cpu_frame_push: stage one slot of len 2 or 4 bytes below the current top. */
void cpu_frame_push(struct cpu_frame *f, uint32_t val, unsigned len);
/* cpu_frame_fits: true iff every staged slot lies inside the SS limit. */
bool cpu_frame_fits(const struct cpu_frame *f);
/* cpu_frame_probe: the #PF the writes of slots [first, end) would raise, in push
 * order, or FAULT_NONE. Sets no accessed/dirty bit. */
struct guest_fault cpu_frame_probe(const struct vcpu_state *s, const struct guest_mem *m,
                                   const struct cpu_frame *f, unsigned first, unsigned end);
/* cpu_frame_write: probe every slot, then write them all (or nothing). */
struct guest_fault cpu_frame_write(const struct vcpu_state *s, const struct guest_mem *m,
                                   const struct cpu_frame *f);

/* cpu_stack_slot_ok: true iff `len` bytes at ESP + `at` (wrapped by SS.B) fit the limit. */
bool cpu_stack_slot_ok(const struct seg_cache *ss, uint32_t esp, uint32_t at, unsigned len);
/* cpu_stack_read: read `len` (2 or 4) bytes at ESP + `at` of stack `ss`, zero-extended.
 * The caller has checked the limit. */
struct guest_fault cpu_stack_read(const struct vcpu_state *s, const struct guest_mem *m,
                                  const struct seg_cache *ss, uint32_t esp, uint32_t at,
                                  unsigned len, bool user, uint32_t *val);

#endif
