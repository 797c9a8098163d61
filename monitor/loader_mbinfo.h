/* loader_mbinfo.h — building the multiboot information structure (spec §3.3)
 * and placing boot modules, after the kernel image has been loaded. */
#ifndef BT386_MONITOR_LOADER_MBINFO_H
#define BT386_MONITOR_LOADER_MBINFO_H

#include "monitor/guest_ram.h"
#include "monitor/loader_error.h"

/* Field offsets inside the information structure (spec §3.3). */
#define MBI_OFF_FLAGS            0
#define MBI_OFF_MEM_LOWER        4
#define MBI_OFF_MEM_UPPER        8
#define MBI_OFF_BOOT_DEVICE      12
#define MBI_OFF_CMDLINE          16
#define MBI_OFF_MODS_COUNT       20
#define MBI_OFF_MODS_ADDR        24
#define MBI_OFF_MMAP_LENGTH      44
#define MBI_OFF_MMAP_ADDR        48
#define MBI_OFF_BOOT_LOADER_NAME 64

#define MBI_MMAP_ENTRY_SIZE 24 /* size field (4) + base_addr (8) + length (8) + type (4) */
#define MBI_MODULE_SIZE     16 /* mod_start, mod_end, string, reserved */
#define MBI_MAX_MODULES     64

struct loader_mbinfo_result {
    uint32_t info_addr;
    uint32_t cmdline_addr;
    uint32_t modules_end; /* first byte above the last module (= modules_from if none) */
};

/* loader_mbinfo_build: place the nmods modules page-aligned from modules_from upward,
 * then build the information structure and its strings, memory map and module list in
 * [MULTIBOOT_INFO_ADDR, MULTIBOOT_INFO_END) of ram. */
enum loader_err loader_mbinfo_build(struct guest_ram *ram, const char *cmdline,
                                    const struct loader_module *mods, size_t nmods,
                                    uint32_t modules_from, struct loader_mbinfo_result *out,
                                    struct loader_msg msg);

#endif
