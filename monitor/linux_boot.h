/* linux_boot.h — the Linux/x86 32-bit boot protocol (protocol 2.04 and later):
 * a bzImage's setup header, the protected-mode kernel at 1 MiB, the zero page
 * ("boot_params"), command line, initrd, e820 map, and the 32-bit entry state. */
#ifndef BT386_MONITOR_LINUX_BOOT_H
#define BT386_MONITOR_LINUX_BOOT_H

#include "monitor/guest_ram.h"
#include "monitor/loader_types.h"

/* Guest-physical placement chosen by bt386 (the protocol lets the loader choose):
 * the zero page at 64 KiB, the command line 64 KiB above it (the classic layout,
 * with heap_end_ptr covering the 64 KiB in between), the kernel at 1 MiB, the
 * initrd page-aligned as high as initrd_addr_max and the end of RAM allow. */
#define LINUX_ZERO_PAGE_ADDR 0x10000u
#define LINUX_ZERO_PAGE_SIZE 0x1000u
#define LINUX_CMDLINE_ADDR   0x20000u
#define LINUX_KERNEL_ADDR    0x100000u
#define LINUX_HEAP_END_PTR   0xFE00u /* heap end (64 KiB) minus 0x200, per the protocol */
#define LINUX_TYPE_OF_LOADER 0xFFu   /* "undefined" boot loader id */

/* Offsets in the boot sector / setup header / zero page. */
#define LINUX_OFF_ORIG_VIDEO_ISVGA 0x00F
#define LINUX_OFF_ALT_MEM_K        0x1E0
#define LINUX_OFF_E820_ENTRIES     0x1E8
#define LINUX_OFF_SETUP_SECTS      0x1F1
#define LINUX_OFF_SYSSIZE          0x1F4
#define LINUX_OFF_BOOT_FLAG        0x1FE
#define LINUX_OFF_JUMP             0x200
#define LINUX_OFF_HEADER           0x202
#define LINUX_OFF_VERSION          0x206
#define LINUX_OFF_TYPE_OF_LOADER   0x210
#define LINUX_OFF_LOADFLAGS        0x211
#define LINUX_OFF_CODE32_START     0x214
#define LINUX_OFF_RAMDISK_IMAGE    0x218
#define LINUX_OFF_RAMDISK_SIZE     0x21C
#define LINUX_OFF_HEAP_END_PTR     0x224
#define LINUX_OFF_CMD_LINE_PTR     0x228
#define LINUX_OFF_INITRD_ADDR_MAX  0x22C
#define LINUX_OFF_KERNEL_ALIGNMENT 0x230
#define LINUX_OFF_RELOCATABLE      0x234
#define LINUX_OFF_CMDLINE_SIZE     0x238
#define LINUX_OFF_SETUP_DATA       0x250
#define LINUX_OFF_PREF_ADDRESS     0x258
#define LINUX_OFF_INIT_SIZE        0x260
#define LINUX_OFF_E820_TABLE       0x2D0
#define LINUX_SETUP_HEADER_LIMIT   0x290 /* the zero page's setup-header slot ends here */
#define LINUX_E820_ENTRY_SIZE      20
#define LINUX_E820_MAX_ENTRIES     128

#define LINUX_HDRS_MAGIC            0x53726448u /* "HdrS" */
#define LINUX_BOOT_FLAG             0xAA55u
#define LINUX_MIN_VERSION           0x0204u
#define LINUX_LOADFLAG_LOADED_HIGH  0x01u
#define LINUX_LOADFLAG_CAN_USE_HEAP 0x80u

/* The setup-header fields bt386 uses, with protocol defaults applied for fields
 * older protocol versions lack. */
struct linux_setup_header {
    uint16_t version;
    uint8_t setup_sects;  /* as stored; 0 means 4 */
    uint32_t setup_bytes; /* (setup_sects + 1) * 512: where the 32-bit kernel starts */
    uint32_t syssize;     /* protected-mode size in 16-byte units */
    uint8_t loadflags;
    uint32_t code32_start;
    uint32_t initrd_addr_max;  /* 2.03+: always present in the 2.04+ images accepted */
    uint32_t kernel_alignment; /* 2.05+, else 0 */
    uint8_t relocatable_kernel;
    uint32_t cmdline_size; /* 2.06+, else 255 */
    uint64_t pref_address; /* 2.10+, else 0x100000 */
    uint32_t init_size;    /* 2.10+, else 0 */
    uint32_t header_end;   /* end of the setup header to copy (<= 0x290) */
};

/* What the caller gives besides the kernel. initrd_len is what was read,
 * initrd_size what was expected (the file size); both 0 = no initrd. */
struct linux_load_opts {
    const char *cmdline; /* NULL = "" */
    const uint8_t *initrd;
    size_t initrd_len;
    uint64_t initrd_size;
};

/* linux_is_bzimage: true iff img has the "HdrS" setup-header magic at 0x202. */
bool linux_is_bzimage(const uint8_t *img, size_t len);

/* linux_parse_header: validate and read the setup header: "HdrS", boot_flag 0xAA55,
 * protocol >= 2.04, LOADED_HIGH set, a protected-mode part present and as long as
 * syssize says. */
enum loader_err linux_parse_header(const uint8_t *img, size_t len, struct linux_setup_header *h,
                                   char *errbuf, size_t errlen);

/* linux_load: load the protected-mode kernel at 1 MiB, the command line, the initrd and
 * the zero page, and set *bs to the 32-bit entry state: EIP = code32_start, ESI = zero
 * page, EBP = EDI = EBX = 0, CS = 0x10 / DS = ES = FS = GS = SS = 0x18 flat, IF = 0,
 * PG = 0. On error *bs is zeroed and guest RAM contents are unspecified. */
enum loader_err linux_load(const uint8_t *img, size_t len, struct guest_ram *ram,
                           const struct linux_load_opts *opts, struct boot_state *bs, char *errbuf,
                           size_t errlen);

/* linux_cmdline_add_reservetop: write cmdline (NULL = "") into out followed by
 * " reservetop=<reserve_bytes>" (K/M suffix when exact), so that the kernel leaves the
 * top reserve_bytes of the linear space (the monitor area) alone. Writes cmdline
 * unchanged when reserve_bytes is 0 (disabled) or it already has a reservetop= word.
 * LOADER_ERR_CMDLINE_TOO_LONG if out (outlen bytes with the NUL) is too small. */
enum loader_err linux_cmdline_add_reservetop(const char *cmdline, uint64_t reserve_bytes, char *out,
                                             size_t outlen, char *errbuf, size_t errlen);

#endif
