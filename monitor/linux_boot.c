/* linux_boot.c — Linux/x86 32-bit boot protocol loader (facts from "The Linux/x86
 * Boot Protocol": field offsets, versions, the 32-bit entry conditions). */
#include "monitor/linux_boot.h"

#include "monitor/loader_bytes.h"
#include "monitor/loader_cpu_state.h"
#include "monitor/loader_error.h"
#include "monitor/loader_layout.h"

#include <inttypes.h>

#define PAGE_MASK 0xFFFull

bool linux_is_bzimage(const uint8_t *img, size_t len)
{
    return img != NULL && img_has(len, LINUX_OFF_HEADER, 4) &&
           le32_at(img + LINUX_OFF_HEADER) == LINUX_HDRS_MAGIC;
}

enum loader_err linux_parse_header(const uint8_t *img, size_t len, struct linux_setup_header *h,
                                   char *errbuf, size_t errlen)
{
    struct loader_msg msg = {errbuf, errlen};
    if (h == NULL)
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "no header output given");
    memset(h, 0, sizeof(*h));
    if (!linux_is_bzimage(img, len))
        return loader_fail(msg, LOADER_ERR_LINUX_BAD_HEADER,
                           "no Linux setup header (\"HdrS\" at offset 0x202)");
    if (len < LINUX_SETUP_HEADER_LIMIT)
        return loader_fail(msg, LOADER_ERR_TRUNCATED,
                           "Linux image of %zu bytes ends inside its setup header", len);
    uint16_t boot_flag = le16_at(img + LINUX_OFF_BOOT_FLAG);
    if (boot_flag != LINUX_BOOT_FLAG)
        return loader_fail(msg, LOADER_ERR_LINUX_BAD_HEADER, "Linux boot_flag 0x%04x is not 0xAA55",
                           boot_flag);
    h->version = le16_at(img + LINUX_OFF_VERSION);
    if (h->version < LINUX_MIN_VERSION)
        return loader_fail(msg, LOADER_ERR_LINUX_OLD_PROTOCOL,
                           "Linux boot protocol %u.%02u: bt386 needs 2.04 or later",
                           h->version >> 8, h->version & 0xFF);
    h->loadflags = img[LINUX_OFF_LOADFLAGS];
    if (!(h->loadflags & LINUX_LOADFLAG_LOADED_HIGH))
        return loader_fail(msg, LOADER_ERR_LINUX_NOT_BZIMAGE,
                           "Linux loadflags 0x%02x: LOADED_HIGH clear, a zImage cannot be "
                           "loaded at 1 MiB",
                           h->loadflags);
    h->setup_sects = img[LINUX_OFF_SETUP_SECTS];
    h->setup_bytes = ((h->setup_sects == 0 ? 4u : h->setup_sects) + 1u) * 512u;
    if (len <= h->setup_bytes)
        return loader_fail(msg, LOADER_ERR_TRUNCATED,
                           "Linux image of %zu bytes has no protected-mode kernel after its "
                           "%u setup bytes",
                           len, h->setup_bytes);
    h->syssize = le32_at(img + LINUX_OFF_SYSSIZE);
    uint64_t pm_size = len - h->setup_bytes;
    /* syssize rounds the protected-mode size up to 16 bytes. */
    if ((uint64_t)h->syssize * 16 > pm_size + 15)
        return loader_fail(msg, LOADER_ERR_TRUNCATED,
                           "Linux protected-mode kernel truncated: syssize says %" PRIu64
                           " bytes, the image has %" PRIu64,
                           (uint64_t)h->syssize * 16, pm_size);
    h->code32_start = le32_at(img + LINUX_OFF_CODE32_START);
    h->initrd_addr_max = le32_at(img + LINUX_OFF_INITRD_ADDR_MAX);
    h->kernel_alignment = h->version >= 0x0205 ? le32_at(img + LINUX_OFF_KERNEL_ALIGNMENT) : 0;
    h->relocatable_kernel = h->version >= 0x0205 ? img[LINUX_OFF_RELOCATABLE] : 0;
    h->cmdline_size = h->version >= 0x0206 ? le32_at(img + LINUX_OFF_CMDLINE_SIZE) : 255;
    h->pref_address =
        h->version >= 0x020A ? le64_at(img + LINUX_OFF_PREF_ADDRESS) : LINUX_KERNEL_ADDR;
    h->init_size = h->version >= 0x020A ? le32_at(img + LINUX_OFF_INIT_SIZE) : 0;
    /* The header ends at 0x202 + the byte at 0x201 (the short jump over it). */
    uint32_t end = LINUX_OFF_HEADER + img[LINUX_OFF_JUMP + 1];
    h->header_end = end < LINUX_SETUP_HEADER_LIMIT ? end : LINUX_SETUP_HEADER_LIMIT;
    return loader_ok(msg);
}

/* kernel_needs_end: the first byte above everything the kernel uses while it
 * decompresses. A protocol 2.10+ kernel needs init_size bytes from its runtime
 * address: pref_address, or for a relocatable kernel the load address aligned up
 * to kernel_alignment if that is higher. */
static uint64_t kernel_needs_end(const struct linux_setup_header *h, uint64_t load,
                                 uint64_t pm_size)
{
    uint64_t end = load + pm_size;
    if (h->version < 0x020A)
        return end;
    uint64_t runtime = h->pref_address;
    if (h->relocatable_kernel) {
        uint64_t a = h->kernel_alignment ? h->kernel_alignment : 1;
        uint64_t aligned = (load + a - 1) / a * a;
        runtime = aligned > runtime ? aligned : runtime;
    }
    uint64_t init_end = runtime + h->init_size;
    if (init_end < runtime) /* pref_address near 2^64 */
        init_end = UINT64_MAX;
    return init_end > end ? init_end : end;
}

/* place_initrd: as high as possible, page-aligned, below initrd_addr_max and the end
 * of RAM, above everything the kernel needs. */
static enum loader_err place_initrd(const struct linux_setup_header *h,
                                    const struct linux_load_opts *o, uint64_t kernel_end,
                                    struct guest_ram *ram, struct boot_state *bs,
                                    struct loader_msg msg)
{
    if (o->initrd_size == 0 && o->initrd_len == 0)
        return LOADER_OK;
    enum loader_err e = loader_check_initrd(o->initrd, o->initrd_len, o->initrd_size, msg);
    if (e != LOADER_OK)
        return e;
    uint64_t limit = (uint64_t)h->initrd_addr_max + 1;
    limit = limit < ram->size ? limit : ram->size;
    uint64_t floor = (kernel_end + PAGE_MASK) & ~PAGE_MASK;
    uint64_t size = o->initrd_size;
    if (size > limit || ((limit - size) & ~PAGE_MASK) < floor)
        return loader_fail(msg, LOADER_ERR_INITRD_NO_FIT,
                           "initrd of %" PRIu64 " bytes does not fit between the kernel's end "
                           "0x%" PRIx64 " and 0x%" PRIx64
                           " (the lower of initrd_addr_max + 1 and the end of guest RAM)",
                           size, floor, limit);
    uint64_t at = (limit - size) & ~PAGE_MASK;
    guest_ram_write(ram, at, o->initrd, size);
    bs->initrd_addr = (uint32_t)at;
    bs->initrd_size = (uint32_t)size;
    return LOADER_OK;
}

/* place_cmdline: the NUL-terminated command line at LINUX_CMDLINE_ADDR. */
static enum loader_err place_cmdline(const struct linux_setup_header *h, const char *cmdline,
                                     struct guest_ram *ram, struct boot_state *bs,
                                     struct loader_msg msg)
{
    if (cmdline == NULL)
        cmdline = "";
    size_t n = strlen(cmdline);
    if (n > h->cmdline_size)
        return loader_fail(msg, LOADER_ERR_CMDLINE_TOO_LONG,
                           "command line of %zu bytes; the kernel accepts at most %" PRIu32, n,
                           h->cmdline_size);
    if ((uint64_t)n + 1 > LOADER_EBDA_START - LINUX_CMDLINE_ADDR)
        return loader_fail(msg, LOADER_ERR_CMDLINE_TOO_LONG,
                           "command line of %zu bytes does not fit in [0x%x, 0x%x)", n,
                           LINUX_CMDLINE_ADDR, LOADER_EBDA_START);
    guest_ram_write(ram, LINUX_CMDLINE_ADDR, cmdline, n + 1);
    bs->cmdline_addr = LINUX_CMDLINE_ADDR;
    return LOADER_OK;
}

/* build_zero_page: boot_params with the image's setup header and what the loader fills in. */
static void build_zero_page(const uint8_t *img, const struct linux_setup_header *h,
                            struct guest_ram *ram, const struct boot_state *bs)
{
    const uint64_t zp = LINUX_ZERO_PAGE_ADDR;
    guest_ram_fill(ram, zp, 0, LINUX_ZERO_PAGE_SIZE);
    guest_ram_write(ram, zp + LINUX_OFF_SETUP_SECTS, img + LINUX_OFF_SETUP_SECTS,
                    h->header_end - LINUX_OFF_SETUP_SECTS);
    /* screen_info stays zero; isVGA = 0 says "no VGA": the console is serial only. */
    guest_ram_write_u8(ram, zp + LINUX_OFF_ORIG_VIDEO_ISVGA, 0);
    guest_ram_write_u32(ram, zp + LINUX_OFF_ALT_MEM_K, loader_mem_upper_kib(ram->size));

    struct loader_mem_range map[LOADER_MEMMAP_ENTRIES];
    size_t n = loader_memmap(ram->size, map);
    guest_ram_write_u8(ram, zp + LINUX_OFF_E820_ENTRIES, (uint8_t)n);
    for (size_t i = 0; i < n; i++) {
        uint64_t e = zp + LINUX_OFF_E820_TABLE + i * LINUX_E820_ENTRY_SIZE;
        guest_ram_write_u64(ram, e, map[i].base);
        guest_ram_write_u64(ram, e + 8, map[i].length);
        guest_ram_write_u32(ram, e + 16, map[i].type);
    }

    guest_ram_write_u8(ram, zp + LINUX_OFF_TYPE_OF_LOADER, LINUX_TYPE_OF_LOADER);
    guest_ram_write_u8(ram, zp + LINUX_OFF_LOADFLAGS,
                       h->loadflags | LINUX_LOADFLAG_LOADED_HIGH | LINUX_LOADFLAG_CAN_USE_HEAP);
    guest_ram_write_u16(ram, zp + LINUX_OFF_HEAP_END_PTR, LINUX_HEAP_END_PTR);
    guest_ram_write_u32(ram, zp + LINUX_OFF_CMD_LINE_PTR, bs->cmdline_addr);
    guest_ram_write_u32(ram, zp + LINUX_OFF_RAMDISK_IMAGE, bs->initrd_addr);
    guest_ram_write_u32(ram, zp + LINUX_OFF_RAMDISK_SIZE, bs->initrd_size);
    /* No setup_data list: a copied non-zero pointer would lead nowhere. */
    if (h->header_end >= LINUX_OFF_SETUP_DATA + 8)
        guest_ram_write_u64(ram, zp + LINUX_OFF_SETUP_DATA, 0);
}

enum loader_err linux_load(const uint8_t *img, size_t len, struct guest_ram *ram,
                           const struct linux_load_opts *opts, struct boot_state *bs, char *errbuf,
                           size_t errlen)
{
    struct loader_msg msg = {errbuf, errlen};
    if (bs == NULL || img == NULL)
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "no image or boot state given");
    static const struct linux_load_opts no_opts;
    const struct linux_load_opts *o = opts ? opts : &no_opts;
    /* 32-bit entry: __BOOT_CS = 0x10 and __BOOT_DS = 0x18, both 4 GiB flat; interrupts
     * off; paging off. */
    boot_state_flat32(bs, BOOT_CS_SELECTOR, BOOT_DS_SELECTOR);
    struct linux_setup_header h;
    enum loader_err err = loader_check_ram(ram, msg);
    if (err == LOADER_OK)
        err = linux_parse_header(img, len, &h, errbuf, errlen);
    if (err != LOADER_OK)
        goto fail;

    uint64_t pm_size = len - h.setup_bytes;
    err = loader_check_load(ram, LINUX_KERNEL_ADDR, pm_size, "Linux protected-mode kernel", msg);
    if (err != LOADER_OK)
        goto fail;
    uint64_t kernel_end = LINUX_KERNEL_ADDR + pm_size;
    if (h.code32_start < LINUX_KERNEL_ADDR || h.code32_start >= kernel_end) {
        err = loader_fail(msg, LOADER_ERR_LINUX_BAD_ENTRY,
                          "Linux code32_start 0x%08" PRIx32 " outside the kernel loaded at "
                          "[0x%x, 0x%" PRIx64 ")",
                          h.code32_start, LINUX_KERNEL_ADDR, kernel_end);
        goto fail;
    }
    uint64_t needs_end = kernel_needs_end(&h, LINUX_KERNEL_ADDR, pm_size);
    if (needs_end > ram->size) {
        err = loader_fail(msg, LOADER_ERR_SEGMENT_OUTSIDE_RAM,
                          "Linux kernel needs guest RAM up to 0x%" PRIx64
                          " to decompress (init_size 0x%" PRIx32 ", pref_address 0x%" PRIx64
                          ") but guest RAM ends at 0x%" PRIx64,
                          needs_end, h.init_size, h.pref_address, ram->size);
        goto fail;
    }
    err = place_cmdline(&h, o->cmdline, ram, bs, msg);
    if (err == LOADER_OK)
        err = place_initrd(&h, o, needs_end, ram, bs, msg);
    if (err != LOADER_OK)
        goto fail;

    guest_ram_write(ram, LINUX_KERNEL_ADDR, img + h.setup_bytes, pm_size);
    build_zero_page(img, &h, ram, bs);
    bs->kind = LOADER_KIND_LINUX;
    bs->eip = h.code32_start;
    bs->esi = LINUX_ZERO_PAGE_ADDR;
    bs->ebp = bs->edi = bs->ebx = 0;
    bs->info_addr = LINUX_ZERO_PAGE_ADDR;
    bs->image_start = LINUX_KERNEL_ADDR;
    bs->image_end = (uint32_t)kernel_end;
    return loader_ok(msg);

fail:
    memset(bs, 0, sizeof(*bs));
    return err;
}
