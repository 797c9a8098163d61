/* test_loader_multiboot.c — multiboot v1 loading of synthetic ELF and a.out-kludge
 * images: bytes at physical addresses, bss, entry state, information structure,
 * and one test per error. */
#include "monitor/loader_mbinfo.h"
#include "monitor/multiboot.h"
#include "tests/test_loader_images.h"
#include "tests/unit.h"

#include <string.h>

#define RAM_SIZE (8u << 20)

static uint8_t img[TIMG_ELF_LEN > TIMG_AOUT_LEN ? TIMG_ELF_LEN : TIMG_AOUT_LEN];
static struct guest_ram ram;
static struct boot_state bs;
static char err[256];

static void setup(void)
{
    ram = timg_ram_new(RAM_SIZE);
    memset(&bs, 0x5A, sizeof(bs));
    err[0] = '\0';
}

static void teardown(void)
{
    timg_ram_free(&ram);
}

static enum loader_err load_elf(const struct timg_elf *s, const char *cmdline)
{
    size_t len = timg_build_elf(s, img);
    return multiboot_load(img, len, &ram, cmdline, &bs, err, sizeof(err));
}

static enum loader_err load_aout(const struct timg_aout *s)
{
    size_t len = timg_build_aout(s, img);
    return multiboot_load(img, len, &ram, "", &bs, err, sizeof(err));
}

/* The file bytes of both segments land at p_paddr; the rest of each is zero. */
START_TEST(elf_segments_loaded_and_bss_zeroed)
{
    struct timg_elf s = timg_elf_default();
    ck_assert_int_eq(load_elf(&s, "x"), LOADER_OK);
    for (uint32_t i = 0; i < 0x100; i++)
        ck_assert_uint_eq(timg_rd8(&ram, 0x100000 + i), timg_seg_byte(0, i));
    for (uint32_t i = 0; i < 0x80; i++)
        ck_assert_uint_eq(timg_rd8(&ram, 0x101000 + i), timg_seg_byte(1, i));
    for (uint32_t i = 0x80; i < 0x1800; i++)
        ck_assert_uint_eq(timg_rd8(&ram, 0x101000 + i), 0);
    /* Bytes between and after the segments are untouched. */
    ck_assert_uint_eq(timg_rd8(&ram, 0x100100), 0xCC);
    ck_assert_uint_eq(timg_rd8(&ram, 0x102800), 0xCC);
    ck_assert_uint_eq(bs.image_start, 0x100000);
    ck_assert_uint_eq(bs.image_end, 0x102800);
    ck_assert_int_eq(bs.kind, LOADER_KIND_MULTIBOOT_ELF);
    ck_assert_str_eq(err, "");
}
END_TEST

/* Spec §3.2: EAX magic, EBX info address, flat segments, PE on, PG off, IF off. */
START_TEST(elf_entry_state)
{
    struct timg_elf s = timg_elf_default();
    s.entry = 0x100020;
    ck_assert_int_eq(load_elf(&s, NULL), LOADER_OK);
    ck_assert_uint_eq(bs.eip, 0x100020);
    ck_assert_uint_eq(bs.eax, 0x2BADB002u);
    ck_assert_uint_eq(bs.ebx, MULTIBOOT_INFO_ADDR);
    ck_assert_uint_eq(bs.info_addr, 0x9000);
    ck_assert_uint_eq(bs.cr0 & 0x80000001u, 1);
    ck_assert(bs.protected_mode);
    ck_assert(!bs.paging);
    ck_assert(bs.a20);
    ck_assert_uint_eq(bs.eflags, 0x2);
    ck_assert_uint_eq(bs.cs.selector, 0x10);
    ck_assert_uint_eq(bs.cs.base, 0);
    ck_assert_uint_eq(bs.cs.limit, 0xFFFFFFFFu);
    ck_assert_uint_eq(bs.cs.type, 0xB);
    ck_assert(bs.cs.db && bs.cs.g && bs.cs.present && bs.cs.s);
    const struct boot_segment *data[] = {&bs.ds, &bs.es, &bs.fs, &bs.gs, &bs.ss};
    for (int i = 0; i < 5; i++) {
        ck_assert_uint_eq(data[i]->selector, 0x18);
        ck_assert_uint_eq(data[i]->base, 0);
        ck_assert_uint_eq(data[i]->limit, 0xFFFFFFFFu);
        ck_assert_uint_eq(data[i]->type, 0x3);
        ck_assert_uint_eq(data[i]->dpl, 0);
    }
}
END_TEST

/* Info flags: mem (0), cmdline (2), mods (3), mmap (6), boot_loader_name (9). */
START_TEST(info_flags_and_memory_sizes)
{
    struct timg_elf s = timg_elf_default();
    ck_assert_int_eq(load_elf(&s, "a"), LOADER_OK);
    uint32_t mbi = bs.ebx;
    ck_assert_uint_eq(timg_rd32(&ram, mbi + 0), 0x24D);
    ck_assert_uint_eq(timg_rd32(&ram, mbi + 4), 639);
    ck_assert_uint_eq(timg_rd32(&ram, mbi + 8), (RAM_SIZE - 0x100000) / 1024);
    ck_assert_uint_eq(timg_rd32(&ram, mbi + 20), 0); /* mods_count */
    /* Fields bt386 does not provide are zero (syms, drives, vbe, framebuffer). */
    ck_assert_uint_eq(timg_rd32(&ram, mbi + 28), 0);
    ck_assert_uint_eq(timg_rd32(&ram, mbi + 52), 0);
    ck_assert_uint_eq(timg_rd32(&ram, mbi + 72), 0);
    ck_assert_uint_eq(timg_rd64(&ram, mbi + 88), 0);
}
END_TEST

/* mmap entries {size = 20, base, length, type}, stepped by size + 4. */
START_TEST(info_memory_map)
{
    struct timg_elf s = timg_elf_default();
    ck_assert_int_eq(load_elf(&s, ""), LOADER_OK);
    uint32_t mbi = bs.ebx;
    uint32_t len = timg_rd32(&ram, mbi + 44), addr = timg_rd32(&ram, mbi + 48);
    ck_assert_uint_eq(len, 96);
    ck_assert_uint_lt(addr, 0xA0000);
    static const uint64_t want[4][3] = {
        {0, 0x9FC00, 1},
        {0x9FC00, 0x400, 2},
        {0xF0000, 0x10000, 2},
        {0x100000, RAM_SIZE - 0x100000, 1},
    };
    uint32_t e = addr;
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(timg_rd32(&ram, e), 20);
        ck_assert_uint_eq(timg_rd64(&ram, e + 4), want[i][0]);
        ck_assert_uint_eq(timg_rd64(&ram, e + 12), want[i][1]);
        ck_assert_uint_eq(timg_rd32(&ram, e + 20), want[i][2]);
        e += timg_rd32(&ram, e) + 4;
    }
    ck_assert_uint_eq(e, addr + len);
}
END_TEST

static const char *guest_str(uint32_t gpa)
{
    const uint8_t *p = guest_ram_ptr(&ram, gpa, 1);
    ck_assert_ptr_nonnull(p);
    return (const char *)p;
}

/* The command line and "bt386" are NUL-terminated strings in low memory. */
START_TEST(info_cmdline_and_loader_name)
{
    struct timg_elf s = timg_elf_default();
    ck_assert_int_eq(load_elf(&s, "console=ttyS0 debug"), LOADER_OK);
    uint32_t mbi = bs.ebx;
    uint32_t cmd = timg_rd32(&ram, mbi + 16);
    ck_assert_uint_eq(cmd, bs.cmdline_addr);
    ck_assert_uint_lt(cmd, 0x9FC00);
    ck_assert_str_eq(guest_str(cmd), "console=ttyS0 debug");
    ck_assert_str_eq(guest_str(timg_rd32(&ram, mbi + 64)), "bt386");
}
END_TEST

/* A NULL command line is passed as the empty string. */
START_TEST(info_null_cmdline_is_empty)
{
    struct timg_elf s = timg_elf_default();
    ck_assert_int_eq(load_elf(&s, NULL), LOADER_OK);
    ck_assert_str_eq(guest_str(timg_rd32(&ram, bs.ebx + 16)), "");
    ck_assert_uint_eq(timg_rd32(&ram, bs.ebx) & 4, 4);
}
END_TEST

/* Modules go page-aligned above the kernel; mod_end is exclusive. */
START_TEST(modules_placed_above_kernel)
{
    struct timg_elf s = timg_elf_default();
    size_t len = timg_build_elf(&s, img);
    static const uint8_t m0[] = {1, 2, 3, 4, 5};
    static uint8_t m1[5000];
    for (size_t i = 0; i < sizeof(m1); i++)
        m1[i] = (uint8_t)(i * 3);
    struct loader_module mods[2] = {{m0, sizeof(m0), "first arg"}, {m1, sizeof(m1), NULL}};
    ck_assert_int_eq(multiboot_load_modules(img, len, &ram, "k", mods, 2, &bs, err, sizeof(err)),
                     LOADER_OK);
    uint32_t mbi = bs.ebx;
    ck_assert_uint_eq(timg_rd32(&ram, mbi + 20), 2);
    uint32_t list = timg_rd32(&ram, mbi + 24);
    ck_assert_uint_eq(timg_rd32(&ram, list + 0), 0x103000); /* page above 0x102800 */
    ck_assert_uint_eq(timg_rd32(&ram, list + 4), 0x103005);
    ck_assert_str_eq(guest_str(timg_rd32(&ram, list + 8)), "first arg");
    ck_assert_uint_eq(timg_rd32(&ram, list + 16), 0x104000);
    ck_assert_uint_eq(timg_rd32(&ram, list + 20), 0x104000 + 5000);
    ck_assert_str_eq(guest_str(timg_rd32(&ram, list + 24)), "");
    ck_assert_mem_eq(guest_ram_ptr(&ram, 0x103000, 5), m0, 5);
    ck_assert_mem_eq(guest_ram_ptr(&ram, 0x104000, sizeof(m1)), m1, sizeof(m1));
}
END_TEST

/* A module that does not fit in RAM is refused. */
START_TEST(module_too_big_is_refused)
{
    struct timg_elf s = timg_elf_default();
    size_t len = timg_build_elf(&s, img);
    static uint8_t dummy[16];
    struct loader_module m = {dummy, RAM_SIZE, "big"}; /* len lies; never read */
    ck_assert_int_eq(multiboot_load_modules(img, len, &ram, "", &m, 1, &bs, err, sizeof(err)),
                     LOADER_ERR_NO_ROOM);
    ck_assert_ptr_nonnull(strstr(err, "module 0"));
}
END_TEST

/* a.out kludge: file bytes from load_addr to load_end_addr, zero to bss_end_addr. */
START_TEST(aout_kludge_loads_and_zeroes_bss)
{
    struct timg_aout s = timg_aout_default();
    ck_assert_int_eq(load_aout(&s), LOADER_OK);
    ck_assert_int_eq(bs.kind, LOADER_KIND_MULTIBOOT_AOUT);
    for (uint32_t i = 0; i < 0x300; i++) {
        if (i >= TIMG_AOUT_MBHDR && i < TIMG_AOUT_MBHDR + 32)
            continue; /* the header itself */
        ck_assert_uint_eq(timg_rd8(&ram, 0x200000 + i), timg_seg_byte(2, i));
    }
    ck_assert_uint_eq(timg_rd32(&ram, 0x200000 + TIMG_AOUT_MBHDR), 0x1BADB002u);
    for (uint32_t a = 0x200300; a < 0x203000; a++)
        ck_assert_uint_eq(timg_rd8(&ram, a), 0);
    ck_assert_uint_eq(timg_rd8(&ram, 0x203000), 0xCC);
    ck_assert_uint_eq(bs.eip, 0x200100);
    ck_assert_uint_eq(bs.eax, 0x2BADB002u);
    ck_assert_uint_eq(bs.image_start, 0x200000);
    ck_assert_uint_eq(bs.image_end, 0x203000);
}
END_TEST

/* load_end_addr 0 loads the rest of the file; bss_end_addr 0 means no bss; the header
 * may sit after the start of the loaded text (header_addr - load_addr = file offset). */
START_TEST(aout_kludge_zero_end_fields)
{
    struct timg_aout s = timg_aout_default();
    s.load_addr = 0x300020;
    s.header_addr = 0x300020 + TIMG_AOUT_MBHDR - 0x20; /* file offset 0x20 -> 0x300020 */
    s.load_end_addr = 0;
    s.bss_end_addr = 0;
    s.entry_addr = 0x300020;
    ck_assert_int_eq(load_aout(&s), LOADER_OK);
    ck_assert_uint_eq(timg_rd8(&ram, 0x300020), timg_seg_byte(2, 0x20));
    ck_assert_uint_eq(timg_rd8(&ram, 0x300020 + TIMG_AOUT_LEN - 0x20 - 1),
                      timg_seg_byte(2, TIMG_AOUT_LEN - 1));
    ck_assert_uint_eq(bs.image_end, 0x300020 + TIMG_AOUT_LEN - 0x20);
    ck_assert_uint_eq(timg_rd8(&ram, bs.image_end), 0xCC);
    ck_assert_uint_eq(timg_rd8(&ram, 0x30001F), 0xCC);
}
END_TEST

START_TEST(err_no_header)
{
    memset(img, 0x90, sizeof(img));
    ck_assert_int_eq(multiboot_load(img, sizeof(img), &ram, "", &bs, err, sizeof(err)),
                     LOADER_ERR_MB_NO_HEADER);
    ck_assert_ptr_nonnull(strstr(err, "8192"));
    ck_assert_uint_eq(bs.eip, 0); /* state cleared on error */
    ck_assert_uint_eq(bs.eax, 0);
}
END_TEST

/* The header must start in the first 8192 bytes and be 4-byte aligned. */
START_TEST(header_search_limits)
{
    static uint8_t big[8192 + 64];
    struct multiboot_header h;
    memset(big, 0, sizeof(big));
    timg_put_mbhdr(big, 8192, 0);
    ck_assert_int_eq(multiboot_find_header(big, sizeof(big), &h, err, sizeof(err)),
                     LOADER_ERR_MB_NO_HEADER);
    memset(big, 0, sizeof(big));
    timg_put_mbhdr(big, 8192 - 12, 0);
    ck_assert_int_eq(multiboot_find_header(big, sizeof(big), &h, err, sizeof(err)), LOADER_OK);
    ck_assert_uint_eq(h.offset, 8192 - 12);
    memset(big, 0, sizeof(big));
    timg_put_mbhdr(big, 18, 0);
    ck_assert_int_eq(multiboot_find_header(big, sizeof(big), &h, err, sizeof(err)),
                     LOADER_ERR_MB_NO_HEADER);
}
END_TEST

/* A magic with a wrong checksum is skipped; a later good header is still found. */
START_TEST(err_bad_checksum)
{
    struct timg_elf s = timg_elf_default();
    size_t len = timg_build_elf(&s, img);
    img[TIMG_ELF_MBHDR + 8] ^= 1;
    ck_assert_int_eq(multiboot_load(img, len, &ram, "", &bs, err, sizeof(err)),
                     LOADER_ERR_MB_BAD_CHECKSUM);
    ck_assert_ptr_nonnull(strstr(err, "0x80"));
    timg_put_mbhdr(img, TIMG_ELF_MBHDR + 0x10, 0x3);
    struct multiboot_header h;
    ck_assert_int_eq(multiboot_find_header(img, len, &h, err, sizeof(err)), LOADER_OK);
    ck_assert_uint_eq(h.offset, TIMG_ELF_MBHDR + 0x10);
}
END_TEST

/* Bit 2 (video mode) is refused with a message saying why. */
START_TEST(err_video_flag_refused)
{
    struct timg_elf s = timg_elf_default();
    s.mb_flags = 0x7;
    ck_assert_int_eq(load_elf(&s, ""), LOADER_ERR_MB_UNSUPPORTED_FLAG);
    ck_assert_ptr_nonnull(strstr(err, "video"));
}
END_TEST

/* Undefined required bits (3-15) are refused; optional bits (17-31) are ignored. */
START_TEST(required_and_optional_flags)
{
    struct timg_elf s = timg_elf_default();
    s.mb_flags = 0x3 | (1u << 5);
    ck_assert_int_eq(load_elf(&s, ""), LOADER_ERR_MB_UNSUPPORTED_FLAG);
    ck_assert_ptr_nonnull(strstr(err, "0x0020"));
    s.mb_flags = 0x3 | (1u << 20) | (1u << 31);
    ck_assert_int_eq(load_elf(&s, ""), LOADER_OK);
    s.mb_flags = 0;
    ck_assert_int_eq(load_elf(&s, ""), LOADER_OK);
}
END_TEST

/* ELFCLASS64, big-endian, EM_X86_64 and ET_DYN are all refused as unsupported. */
START_TEST(err_elf_not_i386_exec)
{
    struct timg_elf s = timg_elf_default();
    static const struct {
        size_t off;
        uint8_t val;
    } patches[] = {{4, 2}, {5, 2}, {18, 62}, {16, 3}};
    for (size_t i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
        size_t len = timg_build_elf(&s, img);
        img[patches[i].off] = patches[i].val;
        ck_assert_int_eq(multiboot_load(img, len, &ram, "", &bs, err, sizeof(err)),
                         LOADER_ERR_ELF_UNSUPPORTED);
    }
}
END_TEST

START_TEST(err_phdrs_out_of_file)
{
    struct timg_elf s = timg_elf_default();
    size_t len = timg_build_elf(&s, img);
    timg_w32(img + 28, TIMG_ELF_LEN - 40); /* e_phoff: two headers do not fit */
    ck_assert_int_eq(multiboot_load(img, len, &ram, "", &bs, err, sizeof(err)),
                     LOADER_ERR_ELF_PHDR_OUT_OF_FILE);
    timg_build_elf(&s, img);
    timg_w16(img + 44, 0); /* e_phnum */
    ck_assert_int_eq(multiboot_load(img, len, &ram, "", &bs, err, sizeof(err)),
                     LOADER_ERR_ELF_NO_SEGMENTS);
}
END_TEST

START_TEST(err_segment_out_of_file)
{
    struct timg_elf s = timg_elf_default();
    s.filesz[1] = 0x300; /* from 0x300: beyond the 0x500-byte file */
    s.memsz[1] = 0x300;
    ck_assert_int_eq(load_elf(&s, ""), LOADER_ERR_ELF_SEGMENT_OUT_OF_FILE);
    ck_assert_ptr_nonnull(strstr(err, "segment 1"));
}
END_TEST

START_TEST(err_filesz_above_memsz)
{
    struct timg_elf s = timg_elf_default();
    s.memsz[0] = 0x80;
    ck_assert_int_eq(load_elf(&s, ""), LOADER_ERR_ELF_BAD_SEGMENT);
}
END_TEST

/* A failed load leaves guest RAM untouched: all segments are checked first. */
START_TEST(err_segment_outside_ram_no_partial_load)
{
    struct timg_elf s = timg_elf_default();
    s.paddr[1] = RAM_SIZE - 0x1000; /* bss runs past the end of RAM */
    ck_assert_int_eq(load_elf(&s, ""), LOADER_ERR_SEGMENT_OUTSIDE_RAM);
    ck_assert_uint_eq(timg_rd8(&ram, 0x100000), 0xCC);
    ck_assert_uint_eq(timg_rd8(&ram, RAM_SIZE - 1), 0xCC);
    s = timg_elf_default();
    s.paddr[0] = 0xFFFFFF80; /* wraps around 4 GiB */
    ck_assert_int_eq(load_elf(&s, ""), LOADER_ERR_ELF_BAD_SEGMENT);
}
END_TEST

/* Below 1 MiB is refused, and overlapping 0xA0000-0xFFFFF is called a hole. */
START_TEST(err_segment_below_1mib)
{
    struct timg_elf s = timg_elf_default();
    s.paddr[0] = 0x8000;
    ck_assert_int_eq(load_elf(&s, ""), LOADER_ERR_SEGMENT_BELOW_1MIB);
    ck_assert_ptr_null(strstr(err, "hole"));
    s.paddr[0] = 0xFFF80;
    ck_assert_int_eq(load_elf(&s, ""), LOADER_ERR_SEGMENT_BELOW_1MIB);
    ck_assert_ptr_nonnull(strstr(err, "hole"));
}
END_TEST

START_TEST(err_not_elf_without_kludge)
{
    memset(img, 0, sizeof(img));
    timg_put_mbhdr(img, 0x20, 0x3);
    ck_assert_int_eq(multiboot_load(img, 0x100, &ram, "", &bs, err, sizeof(err)),
                     LOADER_ERR_ELF_NOT_ELF);
    ck_assert_ptr_nonnull(strstr(err, "bit 16"));
}
END_TEST

/* Inconsistent a.out-kludge address sets. */
START_TEST(err_aout_inconsistent)
{
    struct timg_aout s = timg_aout_default();
    s.load_addr = s.header_addr + 4; /* load_addr above header_addr */
    ck_assert_int_eq(load_aout(&s), LOADER_ERR_MB_BAD_AOUT);
    s = timg_aout_default();
    s.load_addr = s.header_addr - TIMG_AOUT_MBHDR - 4; /* text would start before the file */
    ck_assert_int_eq(load_aout(&s), LOADER_ERR_MB_BAD_AOUT);
    s = timg_aout_default();
    s.bss_end_addr = s.load_end_addr - 1;
    ck_assert_int_eq(load_aout(&s), LOADER_ERR_MB_BAD_AOUT);
    s = timg_aout_default();
    s.load_end_addr = s.load_addr - 1;
    ck_assert_int_eq(load_aout(&s), LOADER_ERR_MB_BAD_AOUT);
}
END_TEST

/* load_end_addr beyond the end of the file, and a header cut off after 12 bytes. */
START_TEST(err_aout_truncated)
{
    struct timg_aout s = timg_aout_default();
    s.load_end_addr = s.load_addr + TIMG_AOUT_LEN + 1;
    s.bss_end_addr = 0;
    ck_assert_int_eq(load_aout(&s), LOADER_ERR_TRUNCATED);
    s = timg_aout_default();
    timg_build_aout(&s, img);
    ck_assert_int_eq(multiboot_load(img, TIMG_AOUT_MBHDR + 16, &ram, "", &bs, err, sizeof(err)),
                     LOADER_ERR_TRUNCATED);
}
END_TEST

START_TEST(err_ram_unsuitable)
{
    struct timg_elf s = timg_elf_default();
    size_t len = timg_build_elf(&s, img);
    struct guest_ram small = {ram.base, 0x100000};
    ck_assert_int_eq(multiboot_load(img, len, &small, "", &bs, err, sizeof(err)),
                     LOADER_ERR_BAD_RAM);
    struct guest_ram none = {NULL, RAM_SIZE};
    ck_assert_int_eq(multiboot_load(img, len, &none, "", &bs, err, sizeof(err)),
                     LOADER_ERR_BAD_ARGUMENT);
}
END_TEST

/* A command line larger than the low boot area is refused. */
START_TEST(err_cmdline_too_long)
{
    struct timg_elf s = timg_elf_default();
    size_t n = MULTIBOOT_INFO_END - MULTIBOOT_INFO_ADDR;
    char *huge = malloc(n + 1);
    ck_assert_ptr_nonnull(huge);
    memset(huge, 'a', n);
    huge[n] = '\0';
    ck_assert_int_eq(load_elf(&s, huge), LOADER_ERR_CMDLINE_TOO_LONG);
    free(huge);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("loader_multiboot");
    TCase *tc = tcase_create("multiboot");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, elf_segments_loaded_and_bss_zeroed);
    tcase_add_test(tc, elf_entry_state);
    tcase_add_test(tc, info_flags_and_memory_sizes);
    tcase_add_test(tc, info_memory_map);
    tcase_add_test(tc, info_cmdline_and_loader_name);
    tcase_add_test(tc, info_null_cmdline_is_empty);
    tcase_add_test(tc, modules_placed_above_kernel);
    tcase_add_test(tc, module_too_big_is_refused);
    tcase_add_test(tc, aout_kludge_loads_and_zeroes_bss);
    tcase_add_test(tc, aout_kludge_zero_end_fields);
    tcase_add_test(tc, err_no_header);
    tcase_add_test(tc, header_search_limits);
    tcase_add_test(tc, err_bad_checksum);
    tcase_add_test(tc, err_video_flag_refused);
    tcase_add_test(tc, required_and_optional_flags);
    tcase_add_test(tc, err_elf_not_i386_exec);
    tcase_add_test(tc, err_phdrs_out_of_file);
    tcase_add_test(tc, err_segment_out_of_file);
    tcase_add_test(tc, err_filesz_above_memsz);
    tcase_add_test(tc, err_segment_outside_ram_no_partial_load);
    tcase_add_test(tc, err_segment_below_1mib);
    tcase_add_test(tc, err_not_elf_without_kludge);
    tcase_add_test(tc, err_aout_inconsistent);
    tcase_add_test(tc, err_aout_truncated);
    tcase_add_test(tc, err_ram_unsuitable);
    tcase_add_test(tc, err_cmdline_too_long);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
