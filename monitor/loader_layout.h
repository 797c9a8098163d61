/* loader_layout.h — the guest-physical layout every loader agrees on: the PC
 * memory map reported to the guest (multiboot mmap and Linux e820 alike) and
 * the rule for where a kernel may be loaded. */
#ifndef BT386_MONITOR_LOADER_LAYOUT_H
#define BT386_MONITOR_LOADER_LAYOUT_H

#include "monitor/guest_ram.h"
#include "monitor/loader_error.h"

#define LOADER_EBDA_START 0x9FC00u  /* top 1 KiB of conventional memory: reserved (EBDA) */
#define LOADER_HOLE_START 0xA0000u  /* VGA window and option ROMs: not RAM, not reported */
#define LOADER_BIOS_START 0xF0000u  /* system BIOS: reserved */
#define LOADER_HIGH_START 0x100000u /* 1 MiB: extended memory, where kernels load */

#define LOADER_RAM_MIN 0x200000u /* 2 MiB */
/* 3.5 GiB: the top of the 32-bit physical space is left to MMIO (APICs, BIOS alias),
 * and every loaded address then fits a 32-bit field with room to spare. */
#define LOADER_RAM_MAX 0xE0000000u

#define LOADER_MEM_RAM      1 /* e820 / multiboot type 1: usable RAM */
#define LOADER_MEM_RESERVED 2 /* e820 / multiboot type 2: reserved */

#define LOADER_MEMMAP_ENTRIES 4

struct loader_mem_range {
    uint64_t base;
    uint64_t length;
    uint32_t type;
};

/* loader_check_ram: LOADER_OK iff ram has a base and LOADER_RAM_MIN <= size <= LOADER_RAM_MAX. */
enum loader_err loader_check_ram(const struct guest_ram *ram, struct loader_msg msg);

/* loader_memmap: fill out[] with the map of a PC with ram_size bytes of RAM and return
 * the entry count (LOADER_MEMMAP_ENTRIES): [0, 0x9FC00) RAM, [0x9FC00, 0xA0000)
 * reserved, [0xF0000, 0x100000) reserved, [0x100000, ram_size) RAM. */
size_t loader_memmap(uint64_t ram_size, struct loader_mem_range out[LOADER_MEMMAP_ENTRIES]);

/* loader_mem_lower_kib: KiB of conventional memory from 0 (639). */
uint32_t loader_mem_lower_kib(void);

/* loader_mem_upper_kib: KiB of contiguous RAM from 1 MiB to the end of RAM. */
uint32_t loader_mem_upper_kib(uint64_t ram_size);

/* loader_check_load: LOADER_OK iff the range [start, start + memsz) may receive kernel
 * bytes: at or above 1 MiB (low memory holds the loader's boot structures and the
 * 0xA0000-0xFFFFF hole) and inside RAM. what names the range in the message. */
enum loader_err loader_check_load(const struct guest_ram *ram, uint64_t start, uint64_t memsz,
                                  const char *what, struct loader_msg msg);

#endif
