/* test_loader_common.c — the parts shared by both protocols: guest RAM bounds,
 * descriptor encoding, the memory map, error strings, and format dispatch. */
#include "monitor/linux_boot.h"
#include "monitor/loader_cpu_state.h"
#include "monitor/loader_dispatch.h"
#include "monitor/loader_layout.h"
#include "monitor/multiboot.h"
#include "tests/test_loader_images.h"
#include "tests/unit.h"

#include <string.h>

#define RAM_SIZE (8u << 20)

static struct guest_ram ram;
static struct boot_state bs;
static char err[256];
static uint8_t img[TIMG_BZ_MAX];

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

/* Accesses that touch a byte outside [0, size) are refused, even with wrap-around. */
START_TEST(guest_ram_bounds)
{
    uint8_t b[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    ck_assert(guest_ram_write(&ram, RAM_SIZE - 8, b, 8));
    ck_assert(!guest_ram_write(&ram, RAM_SIZE - 7, b, 8));
    ck_assert(!guest_ram_write(&ram, UINT64_MAX - 2, b, 8));
    ck_assert(!guest_ram_fill(&ram, 8, 0, UINT64_MAX - 4));
    ck_assert(guest_ram_contains(&ram, RAM_SIZE, 0));
    ck_assert(!guest_ram_contains(&ram, RAM_SIZE + 1, 0));
    ck_assert_ptr_null(guest_ram_ptr(&ram, RAM_SIZE, 1));
    ck_assert(guest_ram_write_u32(&ram, 0x1000, 0x11223344));
    ck_assert_uint_eq(ram.base[0x1000], 0x44);
    ck_assert_uint_eq(ram.base[0x1003], 0x11);
    uint32_t v;
    ck_assert(guest_ram_read_u32(&ram, 0x1000, &v));
    ck_assert_uint_eq(v, 0x11223344);
    ck_assert(!guest_ram_read_u32(&ram, RAM_SIZE - 3, &v));
    ck_assert(!guest_ram_write_u64(&ram, RAM_SIZE - 4, 0));
    struct guest_ram none = {NULL, 100};
    ck_assert(!guest_ram_contains(&none, 0, 1));
}
END_TEST

/* The boot segments encode as the classic flat descriptors (accessed bit set). */
START_TEST(flat_descriptors)
{
    struct boot_state st;
    boot_state_flat32(&st, BOOT_CS_SELECTOR, BOOT_DS_SELECTOR);
    ck_assert_uint_eq(boot_segment_descriptor(&st.cs), 0x00CF9B000000FFFFull);
    ck_assert_uint_eq(boot_segment_descriptor(&st.ds), 0x00CF93000000FFFFull);
    struct boot_segment odd = {.selector = 0x28,
                               .base = 0x12345678,
                               .limit = 0xABCDE,
                               .type = 0x2,
                               .dpl = 3,
                               .s = true,
                               .present = true};
    ck_assert_uint_eq(boot_segment_descriptor(&odd), 0x120AF2345678BCDEull);
    ck_assert_uint_eq(st.cr0, 0x11);
    ck_assert_uint_eq(st.eflags, 0x2);
}
END_TEST

/* mem_lower and mem_upper follow the RAM size; the map ends at the end of RAM. */
START_TEST(memory_map_and_sizes)
{
    struct loader_mem_range m[LOADER_MEMMAP_ENTRIES];
    ck_assert_uint_eq(loader_memmap(0x4000000, m), 4);
    ck_assert_uint_eq(m[3].base + m[3].length, 0x4000000);
    ck_assert_uint_eq(m[1].base + m[1].length, 0xA0000);
    ck_assert_uint_eq(m[2].base, 0xF0000);
    ck_assert_uint_eq(loader_mem_lower_kib(), 639);
    ck_assert_uint_eq(loader_mem_upper_kib(0x4000000), 64 * 1024 - 1024);
    ck_assert_uint_eq(loader_mem_upper_kib(0x2000000 + 0x800), 31 * 1024 + 2);
}
END_TEST

/* Every error has its own non-empty message; out-of-range values do not crash. */
START_TEST(error_strings)
{
    for (int i = 0; i < LOADER_ERR_COUNT; i++) {
        const char *a = loader_strerror((enum loader_err)i);
        ck_assert_ptr_nonnull(a);
        ck_assert_uint_gt(strlen(a), 3);
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(a, loader_strerror((enum loader_err)j));
    }
    ck_assert_str_eq(loader_strerror((enum loader_err)9999), "unknown loader error");
}
END_TEST

/* The dispatcher picks Linux for "HdrS" and multiboot for a multiboot header. */
START_TEST(dispatch_recognises_formats)
{
    struct timg_bz bz = timg_bz_default();
    size_t len = timg_build_bz(&bz, img);
    struct loader_opts o = {.cmdline = "hello"};
    ck_assert_int_eq(loader_load_kernel(img, len, &ram, &o, &bs, err, sizeof(err)), LOADER_OK);
    ck_assert_int_eq(bs.kind, LOADER_KIND_LINUX);
    ck_assert_uint_eq(bs.esi, LINUX_ZERO_PAGE_ADDR);
    struct timg_elf e = timg_elf_default();
    len = timg_build_elf(&e, img);
    ck_assert_int_eq(loader_load_kernel(img, len, &ram, &o, &bs, err, sizeof(err)), LOADER_OK);
    ck_assert_int_eq(bs.kind, LOADER_KIND_MULTIBOOT_ELF);
    ck_assert_uint_eq(bs.eax, MULTIBOOT_BOOTLOADER_MAGIC);
    ck_assert_str_eq((const char *)guest_ram_ptr(&ram, bs.cmdline_addr, 1), "hello");
    struct timg_aout a = timg_aout_default();
    len = timg_build_aout(&a, img);
    ck_assert_int_eq(loader_load_kernel(img, len, &ram, NULL, &bs, err, sizeof(err)), LOADER_OK);
    ck_assert_int_eq(bs.kind, LOADER_KIND_MULTIBOOT_AOUT);
}
END_TEST

/* Anything else is named by its first bytes. */
START_TEST(dispatch_unknown_format)
{
    static const uint8_t pe[] = {'M', 'Z', 0x90, 0x00, 0x03};
    ck_assert_int_eq(loader_load_kernel(pe, sizeof(pe), &ram, NULL, &bs, err, sizeof(err)),
                     LOADER_ERR_UNKNOWN_FORMAT);
    ck_assert_str_eq(err, "not a multiboot or Linux bzImage kernel: first bytes 4d 5a 90 00 03");
    ck_assert_uint_eq(bs.eip, 0);
    ck_assert_int_eq(loader_load_kernel(pe, 0, &ram, NULL, &bs, err, sizeof(err)),
                     LOADER_ERR_UNKNOWN_FORMAT);
    ck_assert_ptr_nonnull(strstr(err, "empty"));
    memset(img, 0x41, 64);
    ck_assert_int_eq(loader_load_kernel(img, 64, &ram, NULL, &bs, NULL, 0),
                     LOADER_ERR_UNKNOWN_FORMAT);
    ck_assert_int_eq(loader_load_kernel(img, 64, &ram, NULL, &bs, err, 8),
                     LOADER_ERR_UNKNOWN_FORMAT);
    ck_assert_str_eq(err, "not a m"); /* truncated to the buffer, NUL-terminated */
}
END_TEST

/* A broken multiboot header gets multiboot's specific verdict, not "unknown". */
START_TEST(dispatch_bad_multiboot_checksum)
{
    struct timg_elf e = timg_elf_default();
    size_t len = timg_build_elf(&e, img);
    img[TIMG_ELF_MBHDR + 4] ^= 0x10;
    ck_assert_int_eq(loader_load_kernel(img, len, &ram, NULL, &bs, err, sizeof(err)),
                     LOADER_ERR_MB_BAD_CHECKSUM);
}
END_TEST

/* For a multiboot kernel the initrd becomes the last module, named "initrd". */
START_TEST(dispatch_multiboot_initrd_as_module)
{
    struct timg_elf e = timg_elf_default();
    size_t len = timg_build_elf(&e, img);
    static const uint8_t rd[] = "RAMDISK";
    static const uint8_t m0[] = "M0";
    struct loader_module mods[1] = {{m0, 2, "m0"}};
    struct loader_opts o = {"", rd, 7, 7, mods, 1};
    ck_assert_int_eq(loader_load_kernel(img, len, &ram, &o, &bs, err, sizeof(err)), LOADER_OK);
    ck_assert_uint_eq(timg_rd32(&ram, bs.ebx + 20), 2);
    uint32_t list = timg_rd32(&ram, bs.ebx + 24);
    uint32_t start = timg_rd32(&ram, list + 16);
    ck_assert_uint_eq(timg_rd32(&ram, list + 20) - start, 7);
    ck_assert_mem_eq(guest_ram_ptr(&ram, start, 7), rd, 7);
    ck_assert_str_eq((const char *)guest_ram_ptr(&ram, timg_rd32(&ram, list + 24), 1), "initrd");
    o.initrd_len = 3;
    ck_assert_int_eq(loader_load_kernel(img, len, &ram, &o, &bs, err, sizeof(err)),
                     LOADER_ERR_INITRD_TRUNCATED);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("loader_common");
    TCase *tc = tcase_create("common");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, guest_ram_bounds);
    tcase_add_test(tc, flat_descriptors);
    tcase_add_test(tc, memory_map_and_sizes);
    tcase_add_test(tc, error_strings);
    tcase_add_test(tc, dispatch_recognises_formats);
    tcase_add_test(tc, dispatch_unknown_format);
    tcase_add_test(tc, dispatch_bad_multiboot_checksum);
    tcase_add_test(tc, dispatch_multiboot_initrd_as_module);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
