/* tc.h — translation-cache memory: executed at a low 32-bit address, written through a
 * second, writable 64-bit alias of the same memfd (DESIGN.md "monitor area"). */
#ifndef BT386_CACHE_TC_H
#define BT386_CACHE_TC_H

#include <stdint.h>

struct tc {
    uint8_t *rw;   /* writable alias (64-bit address) */
    uint32_t base; /* executable address inside the guest linear space */
    uint32_t size; /* bytes */
    uint32_t used; /* bump pointer, bytes from base */
    int fd;
    uint64_t flushes;
};

/* tc_create: size bytes of code memory executable (R+X) at low_base and writable at
 * tc->rw; low_base must be free (mapped with MAP_FIXED_NOREPLACE). 0 or -errno. */
int tc_create(struct tc *tc, uint32_t low_base, uint32_t size);
/* tc_destroy: unmap both views. */
void tc_destroy(struct tc *tc);
/* tc_alloc: n bytes of code (16-byte aligned start); the low address, or 0 when full. */
uint32_t tc_alloc(struct tc *tc, uint32_t n);
/* tc_trim: give back the tail of the last allocation, which ends at low+used_len. */
void tc_trim(struct tc *tc, uint32_t low, uint32_t used_len);
/* tc_flush: forget every translation (the caller drops its block table too). */
void tc_flush(struct tc *tc);
/* tc_free_bytes: room left. */
uint32_t tc_free_bytes(const struct tc *tc);

/* tc_rw: the writable alias of the executable address low. */
static inline uint8_t *tc_rw(const struct tc *tc, uint32_t low)
{
    return tc->rw + (low - tc->base);
}

#endif
