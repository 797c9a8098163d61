/* loader_lowmem.h — a bump allocator for boot structures in guest low memory. */
#ifndef BT386_MONITOR_LOADER_LOWMEM_H
#define BT386_MONITOR_LOADER_LOWMEM_H

#include "monitor/guest_ram.h"

struct loader_lowmem {
    struct guest_ram *ram;
    uint64_t next; /* first free guest-physical address */
    uint64_t end;  /* allocations stay below this */
};

/* loader_lowmem_init: hand out [start, end) of ram (start > 0). */
void loader_lowmem_init(struct loader_lowmem *lm, struct guest_ram *ram, uint32_t start,
                        uint32_t end);

/* loader_lowmem_alloc: reserve size bytes aligned to align (a power of two), zero them,
 * and return their guest-physical address; 0 if they do not fit. */
uint32_t loader_lowmem_alloc(struct loader_lowmem *lm, uint64_t size, uint32_t align);

/* loader_lowmem_string: copy s (NULL = "") with its NUL into the area; 0 if no room. */
uint32_t loader_lowmem_string(struct loader_lowmem *lm, const char *s);

#endif
