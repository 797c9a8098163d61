/* loader_mbinfo.c — the multiboot information structure, memory map and modules. */
#include "monitor/loader_mbinfo.h"

#include "monitor/loader_layout.h"
#include "monitor/loader_lowmem.h"
#include "monitor/multiboot.h"

#include <inttypes.h>

#define PAGE_SIZE 4096u

/* place_modules: copy each module page-aligned above modules_from; record its range. */
static enum loader_err place_modules(struct guest_ram *ram, const struct loader_module *mods,
                                     size_t nmods, uint32_t modules_from, uint32_t *starts,
                                     uint32_t *end_out, struct loader_msg msg)
{
    uint64_t at = modules_from;
    for (size_t i = 0; i < nmods; i++) {
        at = (at + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        if (mods[i].data == NULL && mods[i].len != 0)
            return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "module %zu has no data", i);
        if (!guest_ram_contains(ram, at, mods[i].len))
            return loader_fail(msg, LOADER_ERR_NO_ROOM,
                               "module %zu (%zu bytes) does not fit in guest RAM at 0x%" PRIx64
                               " (RAM ends at 0x%" PRIx64 ")",
                               i, mods[i].len, at, ram->size);
        guest_ram_write(ram, at, mods[i].data, mods[i].len);
        starts[i] = (uint32_t)at;
        at += mods[i].len;
    }
    *end_out = (uint32_t)at;
    return LOADER_OK;
}

/* write_mmap: the memory map as multiboot entries {size = 20, base, length, type}. */
static uint32_t write_mmap(struct loader_lowmem *lm)
{
    struct loader_mem_range map[LOADER_MEMMAP_ENTRIES];
    size_t n = loader_memmap(lm->ram->size, map);
    uint32_t at = loader_lowmem_alloc(lm, n * MBI_MMAP_ENTRY_SIZE, 16);
    if (at == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t e = at + (uint32_t)i * MBI_MMAP_ENTRY_SIZE;
        /* size counts the bytes after itself, so that entry i + 1 is at e + size + 4. */
        guest_ram_write_u32(lm->ram, e, MBI_MMAP_ENTRY_SIZE - 4);
        guest_ram_write_u64(lm->ram, e + 4, map[i].base);
        guest_ram_write_u64(lm->ram, e + 12, map[i].length);
        guest_ram_write_u32(lm->ram, e + 20, map[i].type);
    }
    return at;
}

enum loader_err loader_mbinfo_build(struct guest_ram *ram, const char *cmdline,
                                    const struct loader_module *mods, size_t nmods,
                                    uint32_t modules_from, struct loader_mbinfo_result *out,
                                    struct loader_msg msg)
{
    if (nmods > MBI_MAX_MODULES)
        return loader_fail(msg, LOADER_ERR_NO_ROOM, "%zu modules: at most %d are supported", nmods,
                           MBI_MAX_MODULES);
    if (nmods != 0 && mods == NULL)
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "module count without modules");
    uint32_t starts[MBI_MAX_MODULES];
    uint32_t modules_end;
    enum loader_err err = place_modules(ram, mods, nmods, modules_from, starts, &modules_end, msg);
    if (err != LOADER_OK)
        return err;

    struct loader_lowmem lm;
    loader_lowmem_init(&lm, ram, MULTIBOOT_INFO_ADDR, MULTIBOOT_INFO_END);
    uint32_t info = loader_lowmem_alloc(&lm, MULTIBOOT_INFO_SIZE, 16);
    uint32_t mmap = write_mmap(&lm);
    uint32_t modlist = loader_lowmem_alloc(&lm, nmods * MBI_MODULE_SIZE, 16);
    uint32_t name = loader_lowmem_string(&lm, MULTIBOOT_LOADER_NAME);
    if (info == 0 || mmap == 0 || modlist == 0 || name == 0)
        return loader_fail(msg, LOADER_ERR_NO_ROOM, "no room for the multiboot information");
    uint32_t cmd = loader_lowmem_string(&lm, cmdline);
    if (cmd == 0)
        return loader_fail(msg, LOADER_ERR_CMDLINE_TOO_LONG,
                           "command line of %zu bytes does not fit in [0x%x, 0x%x)",
                           cmdline ? strlen(cmdline) : 0, MULTIBOOT_INFO_ADDR, MULTIBOOT_INFO_END);
    for (size_t i = 0; i < nmods; i++) {
        uint32_t str = loader_lowmem_string(&lm, mods[i].cmdline);
        if (str == 0)
            return loader_fail(msg, LOADER_ERR_NO_ROOM, "no room for module %zu's string", i);
        uint32_t e = modlist + (uint32_t)i * MBI_MODULE_SIZE;
        guest_ram_write_u32(ram, e + 0, starts[i]);
        guest_ram_write_u32(ram, e + 4, starts[i] + (uint32_t)mods[i].len);
        guest_ram_write_u32(ram, e + 8, str);
        guest_ram_write_u32(ram, e + 12, 0);
    }

    uint32_t flags =
        MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_MODS | MBI_FLAG_MMAP | MBI_FLAG_LOADER_NAME;
    guest_ram_write_u32(ram, info + MBI_OFF_FLAGS, flags);
    guest_ram_write_u32(ram, info + MBI_OFF_MEM_LOWER, loader_mem_lower_kib());
    guest_ram_write_u32(ram, info + MBI_OFF_MEM_UPPER, loader_mem_upper_kib(ram->size));
    guest_ram_write_u32(ram, info + MBI_OFF_CMDLINE, cmd);
    guest_ram_write_u32(ram, info + MBI_OFF_MODS_COUNT, (uint32_t)nmods);
    guest_ram_write_u32(ram, info + MBI_OFF_MODS_ADDR, modlist);
    guest_ram_write_u32(ram, info + MBI_OFF_MMAP_LENGTH,
                        LOADER_MEMMAP_ENTRIES * MBI_MMAP_ENTRY_SIZE);
    guest_ram_write_u32(ram, info + MBI_OFF_MMAP_ADDR, mmap);
    guest_ram_write_u32(ram, info + MBI_OFF_BOOT_LOADER_NAME, name);

    out->info_addr = info;
    out->cmdline_addr = cmd;
    out->modules_end = modules_end;
    return LOADER_OK;
}
