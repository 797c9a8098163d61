/* loader_lowmem.c — bump allocation of boot structures in guest low memory. */
#include "monitor/loader_lowmem.h"

void loader_lowmem_init(struct loader_lowmem *lm, struct guest_ram *ram, uint32_t start,
                        uint32_t end)
{
    lm->ram = ram;
    lm->next = start;
    lm->end = end;
}

uint32_t loader_lowmem_alloc(struct loader_lowmem *lm, uint64_t size, uint32_t align)
{
    if (align == 0)
        align = 1;
    uint64_t at = (lm->next + align - 1) & ~(uint64_t)(align - 1);
    if (at < lm->next || at > lm->end || size > lm->end - at)
        return 0;
    if (!guest_ram_fill(lm->ram, at, 0, size))
        return 0;
    lm->next = at + size;
    return (uint32_t)at;
}

uint32_t loader_lowmem_string(struct loader_lowmem *lm, const char *s)
{
    if (s == NULL)
        s = "";
    uint64_t n = strlen(s) + 1;
    uint32_t at = loader_lowmem_alloc(lm, n, 1);
    if (at != 0)
        guest_ram_write(lm->ram, at, s, n);
    return at;
}
