/* loader_layout.c — PC memory map and load-range policy. */
#include "monitor/loader_layout.h"

#include <inttypes.h>

enum loader_err loader_check_ram(const struct guest_ram *ram, struct loader_msg msg)
{
    if (ram == NULL || ram->base == NULL)
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "no guest RAM given");
    if (ram->size < LOADER_RAM_MIN || ram->size > LOADER_RAM_MAX)
        return loader_fail(msg, LOADER_ERR_BAD_RAM,
                           "guest RAM of %" PRIu64 " KiB: must be between %u KiB and %u MiB",
                           ram->size / 1024, LOADER_RAM_MIN / 1024, LOADER_RAM_MAX >> 20);
    return LOADER_OK;
}

size_t loader_memmap(uint64_t ram_size, struct loader_mem_range out[LOADER_MEMMAP_ENTRIES])
{
    out[0] = (struct loader_mem_range){0, LOADER_EBDA_START, LOADER_MEM_RAM};
    out[1] = (struct loader_mem_range){LOADER_EBDA_START, LOADER_HOLE_START - LOADER_EBDA_START,
                                       LOADER_MEM_RESERVED};
    out[2] = (struct loader_mem_range){LOADER_BIOS_START, LOADER_HIGH_START - LOADER_BIOS_START,
                                       LOADER_MEM_RESERVED};
    out[3] = (struct loader_mem_range){
        LOADER_HIGH_START, ram_size > LOADER_HIGH_START ? ram_size - LOADER_HIGH_START : 0,
        LOADER_MEM_RAM};
    return LOADER_MEMMAP_ENTRIES;
}

uint32_t loader_mem_lower_kib(void)
{
    return LOADER_EBDA_START / 1024;
}

uint32_t loader_mem_upper_kib(uint64_t ram_size)
{
    if (ram_size <= LOADER_HIGH_START)
        return 0;
    if (ram_size > LOADER_RAM_MAX)
        ram_size = LOADER_RAM_MAX;
    return (uint32_t)((ram_size - LOADER_HIGH_START) / 1024);
}

enum loader_err loader_check_load(const struct guest_ram *ram, uint64_t start, uint64_t memsz,
                                  const char *what, struct loader_msg msg)
{
    uint64_t end = memsz > UINT64_MAX - start ? UINT64_MAX : start + memsz; /* for messages */
    if (start < LOADER_HIGH_START) {
        if (end > LOADER_HOLE_START)
            return loader_fail(msg, LOADER_ERR_SEGMENT_BELOW_1MIB,
                               "%s [0x%" PRIx64 ", 0x%" PRIx64
                               ") overlaps the low-memory hole 0xA0000-0xFFFFF; kernels must "
                               "load at or above 1 MiB",
                               what, start, end);
        return loader_fail(msg, LOADER_ERR_SEGMENT_BELOW_1MIB,
                           "%s [0x%" PRIx64 ", 0x%" PRIx64
                           ") lies below 1 MiB, which is kept for the boot structures; kernels "
                           "must load at or above 1 MiB",
                           what, start, end);
    }
    if (!guest_ram_contains(ram, start, memsz))
        return loader_fail(msg, LOADER_ERR_SEGMENT_OUTSIDE_RAM,
                           "%s [0x%" PRIx64 ", 0x%" PRIx64 ") does not fit in %" PRIu64
                           " KiB of guest RAM (ends at 0x%" PRIx64 ")",
                           what, start, end, ram->size / 1024, ram->size);
    return LOADER_OK;
}
