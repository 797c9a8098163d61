/* multiboot.c — Multiboot 0.6.96 loader: header, ELF / a.out-kludge images, entry state. */
#include "monitor/multiboot.h"

#include "monitor/loader_bytes.h"
#include "monitor/loader_cpu_state.h"
#include "monitor/loader_elf32.h"
#include "monitor/loader_error.h"
#include "monitor/loader_layout.h"
#include "monitor/loader_mbinfo.h"

#include <inttypes.h>

#define HDR_BASE_SIZE  12 /* magic, flags, checksum */
#define HDR_AOUT_SIZE  32 /* + header_addr .. entry_addr */
#define HDR_VIDEO_SIZE 48 /* + mode_type .. depth */

/* parse_header: read the fields at off that hdr's flags announce. */
static enum loader_err parse_header(const uint8_t *img, size_t len, uint32_t off,
                                    struct multiboot_header *hdr, struct loader_msg msg)
{
    const uint8_t *p = img + off;
    memset(hdr, 0, sizeof(*hdr));
    hdr->offset = off;
    hdr->magic = le32_at(p);
    hdr->flags = le32_at(p + 4);
    hdr->checksum = le32_at(p + 8);
    uint32_t need = HDR_BASE_SIZE;
    if (hdr->flags & MULTIBOOT_FLAG_AOUT_KLUDGE)
        need = HDR_AOUT_SIZE;
    if (hdr->flags & MULTIBOOT_FLAG_VIDEO_MODE)
        need = HDR_VIDEO_SIZE;
    if (!img_has(len, off, need))
        return loader_fail(msg, LOADER_ERR_TRUNCATED,
                           "multiboot header at offset 0x%" PRIx32 " (flags 0x%08" PRIx32
                           ") needs %" PRIu32 " bytes but the image ends after %zu",
                           off, hdr->flags, need, len);
    if (need >= HDR_AOUT_SIZE) {
        hdr->header_addr = le32_at(p + 12);
        hdr->load_addr = le32_at(p + 16);
        hdr->load_end_addr = le32_at(p + 20);
        hdr->bss_end_addr = le32_at(p + 24);
        hdr->entry_addr = le32_at(p + 28);
    }
    if (need >= HDR_VIDEO_SIZE) {
        hdr->mode_type = le32_at(p + 32);
        hdr->width = le32_at(p + 36);
        hdr->height = le32_at(p + 40);
        hdr->depth = le32_at(p + 44);
    }
    return LOADER_OK;
}

enum loader_err multiboot_find_header(const uint8_t *img, size_t len, struct multiboot_header *hdr,
                                      char *errbuf, size_t errlen)
{
    struct loader_msg msg = {errbuf, errlen};
    if (img == NULL || hdr == NULL)
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "no image given");
    size_t limit = len < MULTIBOOT_SEARCH_BYTES ? len : MULTIBOOT_SEARCH_BYTES;
    bool magic_seen = false;
    uint32_t bad_off = 0;
    for (size_t off = 0; off + HDR_BASE_SIZE <= limit; off += 4) {
        if (le32_at(img + off) != MULTIBOOT_HEADER_MAGIC)
            continue;
        uint32_t sum = MULTIBOOT_HEADER_MAGIC + le32_at(img + off + 4) + le32_at(img + off + 8);
        if (sum != 0) {
            if (!magic_seen)
                bad_off = (uint32_t)off;
            magic_seen = true;
            continue;
        }
        enum loader_err err = parse_header(img, len, (uint32_t)off, hdr, msg);
        if (err == LOADER_OK)
            loader_ok(msg);
        return err;
    }
    if (magic_seen)
        return loader_fail(
            msg, LOADER_ERR_MB_BAD_CHECKSUM,
            "multiboot magic at offset 0x%" PRIx32 " but magic + flags + checksum != 0", bad_off);
    return loader_fail(msg, LOADER_ERR_MB_NO_HEADER,
                       "no multiboot header (magic 0x1BADB002, 4-byte aligned) in the first "
                       "%d bytes",
                       MULTIBOOT_SEARCH_BYTES);
}

/* check_flags: refuse every requirement (bits 0-15) that bt386 cannot honour. */
static enum loader_err check_flags(const struct multiboot_header *hdr, struct loader_msg msg)
{
    uint32_t unsupported = hdr->flags & MULTIBOOT_REQUIRED_MASK & ~MULTIBOOT_SUPPORTED_FLAGS;
    if (unsupported & MULTIBOOT_FLAG_VIDEO_MODE)
        return loader_fail(msg, LOADER_ERR_MB_UNSUPPORTED_FLAG,
                           "multiboot header flag bit 2 (video mode information) is required "
                           "but bt386 has a serial console only, no VBE or framebuffer");
    if (unsupported != 0)
        return loader_fail(msg, LOADER_ERR_MB_UNSUPPORTED_FLAG,
                           "multiboot header requires undefined feature bits 0x%04" PRIx32
                           " (flags 0x%08" PRIx32 ")",
                           unsupported, hdr->flags);
    return LOADER_OK;
}

/* load_aout: the a.out kludge (flag bit 16): the file bytes from the offset matching
 * load_addr go to load_addr .. load_end_addr (0 = end of file); bss up to bss_end_addr
 * (0 = none) is zeroed. header_addr is where the header itself lands. */
static enum loader_err load_aout(const uint8_t *img, size_t len, const struct multiboot_header *h,
                                 struct guest_ram *ram, uint32_t *start, uint32_t *end,
                                 struct loader_msg msg)
{
    if (h->load_addr > h->header_addr)
        return loader_fail(msg, LOADER_ERR_MB_BAD_AOUT,
                           "a.out kludge: load_addr 0x%08" PRIx32 " above header_addr 0x%08" PRIx32,
                           h->load_addr, h->header_addr);
    uint32_t delta = h->header_addr - h->load_addr;
    if (delta > h->offset)
        return loader_fail(msg, LOADER_ERR_MB_BAD_AOUT,
                           "a.out kludge: header_addr - load_addr = 0x%" PRIx32
                           " but the header is at file offset 0x%" PRIx32,
                           delta, h->offset);
    uint64_t file_off = h->offset - delta;
    uint64_t load_size;
    if (h->load_end_addr == 0) {
        load_size = len - file_off;
    } else {
        if (h->load_end_addr < h->load_addr)
            return loader_fail(msg, LOADER_ERR_MB_BAD_AOUT,
                               "a.out kludge: load_end_addr 0x%08" PRIx32
                               " below load_addr 0x%08" PRIx32,
                               h->load_end_addr, h->load_addr);
        load_size = h->load_end_addr - h->load_addr;
        if (!img_has(len, file_off, load_size))
            return loader_fail(msg, LOADER_ERR_TRUNCATED,
                               "a.out kludge: 0x%" PRIx64 " bytes from file offset 0x%" PRIx64
                               " but the image has %zu bytes",
                               load_size, file_off, len);
    }
    uint64_t mem_end = (uint64_t)h->load_addr + load_size;
    if (h->bss_end_addr != 0) {
        if (h->bss_end_addr < mem_end)
            return loader_fail(msg, LOADER_ERR_MB_BAD_AOUT,
                               "a.out kludge: bss_end_addr 0x%08" PRIx32
                               " below the end of the loaded data 0x%08" PRIx64,
                               h->bss_end_addr, mem_end);
        mem_end = h->bss_end_addr;
    }
    if (mem_end == h->load_addr)
        return loader_fail(msg, LOADER_ERR_MB_BAD_AOUT, "a.out kludge: nothing to load");
    enum loader_err err =
        loader_check_load(ram, h->load_addr, mem_end - h->load_addr, "a.out kludge image", msg);
    if (err != LOADER_OK)
        return err;
    guest_ram_write(ram, h->load_addr, img + file_off, load_size);
    guest_ram_fill(ram, h->load_addr + load_size, 0, mem_end - h->load_addr - load_size);
    *start = h->load_addr;
    *end = (uint32_t)mem_end;
    return LOADER_OK;
}

/* load_kernel: the image proper, by the a.out kludge if flag 16 says so, else as ELF. */
static enum loader_err load_kernel(const uint8_t *img, size_t len,
                                   const struct multiboot_header *hdr, struct guest_ram *ram,
                                   struct boot_state *bs, struct loader_msg msg)
{
    if (hdr->flags & MULTIBOOT_FLAG_AOUT_KLUDGE) {
        bs->kind = LOADER_KIND_MULTIBOOT_AOUT;
        bs->eip = hdr->entry_addr;
        return load_aout(img, len, hdr, ram, &bs->image_start, &bs->image_end, msg);
    }
    if (!loader_elf32_is_elf(img, len))
        return loader_fail(msg, LOADER_ERR_ELF_NOT_ELF,
                           "multiboot image is not ELF and header flag bit 16 (a.out kludge "
                           "addresses) is clear");
    struct loader_elf32_result elf;
    enum loader_err err = loader_elf32_load(img, len, ram, &elf, msg);
    if (err != LOADER_OK)
        return err;
    bs->kind = LOADER_KIND_MULTIBOOT_ELF;
    bs->eip = elf.entry;
    bs->image_start = elf.start;
    bs->image_end = elf.end;
    return LOADER_OK;
}

enum loader_err multiboot_load_modules(const uint8_t *img, size_t len, struct guest_ram *ram,
                                       const char *cmdline, const struct loader_module *mods,
                                       size_t nmods, struct boot_state *bs, char *errbuf,
                                       size_t errlen)
{
    struct loader_msg msg = {errbuf, errlen};
    if (bs == NULL || img == NULL)
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "no image or boot state given");
    /* Spec §3.2: CS a 32-bit read/execute flat segment, data segments flat
     * read/write, A20 on, CR0.PG = 0, CR0.PE = 1, EFLAGS.VM = 0, EFLAGS.IF = 0. */
    boot_state_flat32(bs, BOOT_CS_SELECTOR, BOOT_DS_SELECTOR);
    enum loader_err err = loader_check_ram(ram, msg);
    struct multiboot_header hdr;
    if (err == LOADER_OK)
        err = multiboot_find_header(img, len, &hdr, errbuf, errlen);
    if (err == LOADER_OK)
        err = check_flags(&hdr, msg);
    if (err == LOADER_OK)
        err = load_kernel(img, len, &hdr, ram, bs, msg);
    struct loader_mbinfo_result mbi;
    if (err == LOADER_OK)
        err = loader_mbinfo_build(ram, cmdline, mods, nmods, bs->image_end, &mbi, msg);
    if (err != LOADER_OK) {
        memset(bs, 0, sizeof(*bs));
        return err;
    }
    bs->eax = MULTIBOOT_BOOTLOADER_MAGIC;
    bs->ebx = mbi.info_addr;
    bs->info_addr = mbi.info_addr;
    bs->cmdline_addr = mbi.cmdline_addr;
    return loader_ok(msg);
}

enum loader_err multiboot_load(const uint8_t *img, size_t len, struct guest_ram *ram,
                               const char *cmdline, struct boot_state *bs, char *errbuf,
                               size_t errlen)
{
    return multiboot_load_modules(img, len, ram, cmdline, NULL, 0, bs, errbuf, errlen);
}
