/* multiboot.h — the Multiboot Specification 0.6.96 (version 1) boot loader:
 * header search, ELF32 and a.out-kludge loading, the multiboot information
 * structure, and the machine state of spec §3.2. */
#ifndef BT386_MONITOR_MULTIBOOT_H
#define BT386_MONITOR_MULTIBOOT_H

#include "monitor/guest_ram.h"
#include "monitor/loader_types.h"

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002u /* in the OS image header */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u /* in EAX at entry */
#define MULTIBOOT_SEARCH_BYTES     8192        /* the header lies in the first 8 KiB */

/* Header flags (spec §3.1.2). Bits 0-15 are requirements: a loader that cannot
 * honour one must refuse the image. bt386 honours 0 (it always page-aligns
 * modules) and 1 (it always passes mem_* and the memory map); it refuses 2
 * (video mode table: bt386 has a serial console only, no VBE or framebuffer)
 * and every undefined bit 3-15. Bit 16 selects the a.out-kludge addresses. */
#define MULTIBOOT_FLAG_PAGE_ALIGN  (1u << 0)
#define MULTIBOOT_FLAG_MEMORY_INFO (1u << 1)
#define MULTIBOOT_FLAG_VIDEO_MODE  (1u << 2)
#define MULTIBOOT_FLAG_AOUT_KLUDGE (1u << 16)
#define MULTIBOOT_REQUIRED_MASK    0x0000FFFFu
#define MULTIBOOT_SUPPORTED_FLAGS  (MULTIBOOT_FLAG_PAGE_ALIGN | MULTIBOOT_FLAG_MEMORY_INFO)

/* Information structure flags (spec §3.3) that bt386 sets. */
#define MBI_FLAG_MEM         (1u << 0)
#define MBI_FLAG_CMDLINE     (1u << 2)
#define MBI_FLAG_MODS        (1u << 3)
#define MBI_FLAG_MMAP        (1u << 6)
#define MBI_FLAG_LOADER_NAME (1u << 9)

/* Where the information structure and everything it points to go: a bump
 * region of conventional memory, [0x9000, 0x9FC00). The structure itself is
 * at 0x9000; kernels are only loaded at or above 1 MiB, so nothing overlaps. */
#define MULTIBOOT_INFO_ADDR   0x9000u
#define MULTIBOOT_INFO_END    0x9FC00u
#define MULTIBOOT_INFO_SIZE   116 /* through the framebuffer fields of 0.6.96 */
#define MULTIBOOT_LOADER_NAME "bt386"

/* A parsed header. offset is the file offset of the magic. */
struct multiboot_header {
    uint32_t offset;
    uint32_t magic, flags, checksum;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr; /* bit 16 */
    uint32_t mode_type, width, height, depth;                                 /* bit 2 */
};

/* multiboot_find_header: find the first 4-byte-aligned header in the first 8192 bytes
 * whose magic + flags + checksum == 0 (mod 2^32). Errors: LOADER_ERR_MB_NO_HEADER (no
 * magic), LOADER_ERR_MB_BAD_CHECKSUM (magic only with a wrong checksum),
 * LOADER_ERR_TRUNCATED (the fields its flags announce run past the image). */
enum loader_err multiboot_find_header(const uint8_t *img, size_t len, struct multiboot_header *hdr,
                                      char *errbuf, size_t errlen);

/* multiboot_load: load a multiboot kernel image into ram, build the information structure
 * (cmdline = the kernel command line, NULL = ""), and set *bs to the §3.2 entry state:
 * EAX = 0x2BADB002, EBX = info structure, flat CS/DS/ES/FS/GS/SS, PE = 1, PG = 0, IF = 0.
 * On error *bs is zeroed, a message is written to errbuf (if errlen > 0) and guest RAM
 * contents are unspecified. */
enum loader_err multiboot_load(const uint8_t *img, size_t len, struct guest_ram *ram,
                               const char *cmdline, struct boot_state *bs, char *errbuf,
                               size_t errlen);

/* multiboot_load_modules: multiboot_load with nmods boot modules, placed page-aligned
 * above the kernel; mod_end in the module list is exclusive (one past the last byte). */
enum loader_err multiboot_load_modules(const uint8_t *img, size_t len, struct guest_ram *ram,
                                       const char *cmdline, const struct loader_module *mods,
                                       size_t nmods, struct boot_state *bs, char *errbuf,
                                       size_t errlen);

#endif
