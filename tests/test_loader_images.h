/* test_loader_images.h — synthetic kernel images for the loader tests: a
 * multiboot ELF32 with two PT_LOAD segments, a multiboot a.out-kludge image,
 * and a fake bzImage with a setup header and a payload. */
#ifndef BT386_TESTS_TEST_LOADER_IMAGES_H
#define BT386_TESTS_TEST_LOADER_IMAGES_H

#include "monitor/guest_ram.h"

#include <stddef.h>
#include <stdint.h>

/* Fixed file layout of the ELF image. */
#define TIMG_ELF_PHOFF    0x34
#define TIMG_ELF_MBHDR    0x80
#define TIMG_ELF_SEG0_OFF 0x100
#define TIMG_ELF_SEG1_OFF 0x300
#define TIMG_ELF_SEG_MAX  0x200
#define TIMG_ELF_LEN      0x500

struct timg_elf {
    uint32_t mb_flags;
    uint32_t entry;
    uint32_t paddr[2], filesz[2], memsz[2];
};

/* timg_elf_default: segment 0 = 0x100 bytes of code at 0x100000, segment 1 =
 * 0x80 bytes of data + bss up to 0x1800 at 0x101000, entry 0x100010, flags 0x3. */
struct timg_elf timg_elf_default(void);

/* timg_build_elf: write the image into buf (TIMG_ELF_LEN bytes); return its length. */
size_t timg_build_elf(const struct timg_elf *spec, uint8_t *buf);

/* timg_seg_byte: the content byte i of ELF segment seg (also used by a.out images). */
uint8_t timg_seg_byte(int seg, uint32_t i);

/* a.out kludge image: the file's byte 0 is loaded at load_addr. */
#define TIMG_AOUT_MBHDR 0x40
#define TIMG_AOUT_LEN   0x400

struct timg_aout {
    uint32_t flags; /* bit 16 is forced on */
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* timg_aout_default: load 0x300 bytes at 0x200000, bss to 0x203000, entry 0x200100. */
struct timg_aout timg_aout_default(void);

/* timg_build_aout: write the image into buf (TIMG_AOUT_LEN bytes); return its length. */
size_t timg_build_aout(const struct timg_aout *spec, uint8_t *buf);

/* timg_put_mbhdr: a multiboot header with a correct checksum at buf + off. */
void timg_put_mbhdr(uint8_t *buf, size_t off, uint32_t flags);

/* Fake bzImage. */
#define TIMG_BZ_MAX (64 * 512 + 0x4000)

struct timg_bz {
    uint8_t setup_sects; /* 0 means 4 */
    uint16_t version;
    uint16_t boot_flag;
    uint8_t loadflags;
    uint8_t header_len; /* byte at 0x201: header end = 0x202 + header_len */
    uint32_t code32_start, initrd_addr_max, kernel_alignment, cmdline_size, init_size;
    uint8_t relocatable;
    uint64_t pref_address;
    uint32_t pm_size; /* payload bytes after the setup sectors */
    uint32_t syssize; /* 0 = computed from pm_size */
};

/* timg_bz_default: protocol 2.10, setup_sects 4, LOADED_HIGH, 0x1000-byte payload,
 * init_size 0x10000, pref_address 0x100000, relocatable, cmdline_size 2047. */
struct timg_bz timg_bz_default(void);

/* timg_build_bz: write the image into buf (at most TIMG_BZ_MAX bytes); return its length. */
size_t timg_build_bz(const struct timg_bz *spec, uint8_t *buf);

/* timg_bz_byte: content byte i of the protected-mode payload. */
uint8_t timg_bz_byte(uint32_t i);

/* Test RAM: a heap buffer, pre-filled with 0xCC so that zeroing is visible. */
struct guest_ram timg_ram_new(uint64_t size);
void timg_ram_free(struct guest_ram *ram);

/* Little-endian reads of guest RAM for assertions (0xDEADBEEF.. if out of range). */
uint32_t timg_rd32(const struct guest_ram *ram, uint64_t gpa);
uint64_t timg_rd64(const struct guest_ram *ram, uint64_t gpa);
uint16_t timg_rd16(const struct guest_ram *ram, uint64_t gpa);
uint8_t timg_rd8(const struct guest_ram *ram, uint64_t gpa);

/* Little-endian stores into an image buffer. */
void timg_w16(uint8_t *p, uint16_t v);
void timg_w32(uint8_t *p, uint32_t v);
void timg_w64(uint8_t *p, uint64_t v);

#endif
