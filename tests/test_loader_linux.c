/* test_loader_linux.c — Linux 32-bit boot protocol loading of a fake bzImage:
 * kernel bytes at 1 MiB, zero page fields, command line, initrd, entry state,
 * the reservetop= helper, and one test per error. */
#include "monitor/linux_boot.h"
#include "tests/test_loader_images.h"
#include "tests/unit.h"

#include <string.h>

#define RAM_SIZE (16u << 20)
#define ZP       LINUX_ZERO_PAGE_ADDR

static uint8_t img[TIMG_BZ_MAX];
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

static enum loader_err load_bz(const struct timg_bz *s, const struct linux_load_opts *o)
{
    size_t len = timg_build_bz(s, img);
    return linux_load(img, len, &ram, o, &bs, err, sizeof(err));
}

static enum loader_err load_cmdline(const struct timg_bz *s, const char *cmdline)
{
    struct linux_load_opts o = {.cmdline = cmdline};
    return load_bz(s, &o);
}

/* The bytes after (setup_sects + 1) * 512 land at 1 MiB. */
START_TEST(kernel_loaded_at_1mib)
{
    struct timg_bz s = timg_bz_default();
    ck_assert_int_eq(load_cmdline(&s, "console=ttyS0"), LOADER_OK);
    for (uint32_t i = 0; i < s.pm_size; i++)
        ck_assert_uint_eq(timg_rd8(&ram, 0x100000 + i), timg_bz_byte(i));
    ck_assert_uint_eq(timg_rd8(&ram, 0x100000 + s.pm_size), 0xCC);
    ck_assert_uint_eq(bs.image_start, 0x100000);
    ck_assert_uint_eq(bs.image_end, 0x100000 + s.pm_size);
    ck_assert_int_eq(bs.kind, LOADER_KIND_LINUX);
    ck_assert_str_eq(err, "");
}
END_TEST

/* 32-bit entry: ESI = zero page, EBP = EDI = EBX = 0, __BOOT_CS 0x10, __BOOT_DS 0x18. */
START_TEST(entry_state)
{
    struct timg_bz s = timg_bz_default();
    s.code32_start = 0x100200;
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_OK);
    ck_assert_uint_eq(bs.eip, 0x100200);
    ck_assert_uint_eq(bs.esi, ZP);
    ck_assert_uint_eq(bs.ebp, 0);
    ck_assert_uint_eq(bs.edi, 0);
    ck_assert_uint_eq(bs.ebx, 0);
    ck_assert_uint_eq(bs.cs.selector, 0x10);
    ck_assert_uint_eq(bs.cs.type, 0xB);
    ck_assert_uint_eq(bs.cs.limit, 0xFFFFFFFFu);
    ck_assert_uint_eq(bs.ds.selector, 0x18);
    ck_assert_uint_eq(bs.es.selector, 0x18);
    ck_assert_uint_eq(bs.ss.selector, 0x18);
    ck_assert_uint_eq(bs.ds.type, 0x3);
    ck_assert_uint_eq(bs.eflags & 0x200, 0); /* IF = 0 */
    ck_assert(!bs.paging);
    ck_assert_uint_eq(bs.cr0 & 1, 1);
}
END_TEST

/* The setup header [0x1F1, 0x202 + byte 0x201) is copied; the boot sector is not. */
START_TEST(zero_page_has_setup_header)
{
    struct timg_bz s = timg_bz_default();
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_OK);
    ck_assert_uint_eq(timg_rd8(&ram, ZP + 0x1F1), 4);
    ck_assert_uint_eq(timg_rd16(&ram, ZP + 0x1FA), 0xFFFF);
    ck_assert_uint_eq(timg_rd16(&ram, ZP + 0x1FC), 0x0301);
    ck_assert_uint_eq(timg_rd16(&ram, ZP + 0x1FE), 0xAA55);
    ck_assert_uint_eq(timg_rd32(&ram, ZP + 0x202), 0x53726448u);
    ck_assert_uint_eq(timg_rd16(&ram, ZP + 0x206), 0x020A);
    ck_assert_uint_eq(timg_rd16(&ram, ZP + 0x20E), 0x0123);
    ck_assert_uint_eq(timg_rd32(&ram, ZP + 0x214), 0x100000);
    ck_assert_uint_eq(timg_rd32(&ram, ZP + 0x248), 0x3A5);
    ck_assert_uint_eq(timg_rd32(&ram, ZP + 0x260), 0x10000);
    ck_assert_uint_eq(timg_rd64(&ram, ZP + 0x250), 0); /* setup_data cleared */
    ck_assert_uint_eq(timg_rd8(&ram, ZP + 0x1F0), 0);  /* not the 0xB5 boot sector */
    ck_assert_uint_eq(timg_rd8(&ram, ZP + 0x264), 0);  /* past the header end */
    ck_assert_uint_eq(timg_rd8(&ram, ZP + 0xFFF), 0);
}
END_TEST

/* Loader-owned fields: type_of_loader, loadflags, heap_end_ptr, cmd_line_ptr. */
START_TEST(zero_page_loader_fields)
{
    struct timg_bz s = timg_bz_default();
    ck_assert_int_eq(load_cmdline(&s, "root=/dev/ram0 console=ttyS0"), LOADER_OK);
    ck_assert_uint_eq(timg_rd8(&ram, ZP + 0x210), 0xFF);
    ck_assert_uint_eq(timg_rd8(&ram, ZP + 0x211), 0x81);
    ck_assert_uint_eq(timg_rd16(&ram, ZP + 0x224), 0xFE00);
    uint32_t cmd = timg_rd32(&ram, ZP + 0x228);
    ck_assert_uint_eq(cmd, LINUX_CMDLINE_ADDR);
    ck_assert_uint_eq(bs.cmdline_addr, cmd);
    ck_assert_str_eq((const char *)guest_ram_ptr(&ram, cmd, 1), "root=/dev/ram0 console=ttyS0");
    ck_assert_uint_eq(timg_rd32(&ram, ZP + 0x218), 0); /* no initrd */
    ck_assert_uint_eq(timg_rd32(&ram, ZP + 0x21C), 0);
    ck_assert_uint_eq(timg_rd8(&ram, ZP + 0x0F), 0); /* orig_video_isVGA */
    ck_assert_uint_eq(timg_rd32(&ram, ZP + 0x1E0), (RAM_SIZE - 0x100000) / 1024);
}
END_TEST

/* e820: 4 entries of {u64 addr, u64 size, u32 type} at 0x2D0. */
START_TEST(zero_page_e820)
{
    struct timg_bz s = timg_bz_default();
    ck_assert_int_eq(load_cmdline(&s, NULL), LOADER_OK);
    ck_assert_uint_eq(timg_rd8(&ram, ZP + 0x1E8), 4);
    static const uint64_t want[4][3] = {
        {0, 0x9FC00, 1},
        {0x9FC00, 0x400, 2},
        {0xF0000, 0x10000, 2},
        {0x100000, RAM_SIZE - 0x100000, 1},
    };
    for (int i = 0; i < 4; i++) {
        uint64_t e = ZP + 0x2D0 + 20 * i;
        ck_assert_uint_eq(timg_rd64(&ram, e), want[i][0]);
        ck_assert_uint_eq(timg_rd64(&ram, e + 8), want[i][1]);
        ck_assert_uint_eq(timg_rd32(&ram, e + 16), want[i][2]);
    }
    ck_assert_uint_eq(timg_rd64(&ram, ZP + 0x2D0 + 80), 0);
    ck_assert_str_eq((const char *)guest_ram_ptr(&ram, LINUX_CMDLINE_ADDR, 1), "");
}
END_TEST

/* setup_sects 0 means 4; setup_sects 2 moves the kernel start to 3 * 512. */
START_TEST(setup_sects_zero_means_four)
{
    struct timg_bz s = timg_bz_default();
    s.setup_sects = 0;
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_OK);
    ck_assert_uint_eq(timg_rd8(&ram, 0x100000), timg_bz_byte(0));
    ck_assert_uint_eq(timg_rd8(&ram, 0x100000 + s.pm_size - 1), timg_bz_byte(s.pm_size - 1));
    struct linux_setup_header h;
    size_t len = timg_build_bz(&s, img);
    ck_assert_int_eq(linux_parse_header(img, len, &h, err, sizeof(err)), LOADER_OK);
    ck_assert_uint_eq(h.setup_bytes, 5 * 512);
    s.setup_sects = 2;
    len = timg_build_bz(&s, img);
    ck_assert_int_eq(linux_parse_header(img, len, &h, err, sizeof(err)), LOADER_OK);
    ck_assert_uint_eq(h.setup_bytes, 3 * 512);
    ck_assert_uint_eq(h.cmdline_size, 2047);
    ck_assert_uint_eq(h.init_size, 0x10000);
}
END_TEST

/* The initrd goes page-aligned at the top of RAM. */
START_TEST(initrd_at_top_of_ram)
{
    struct timg_bz s = timg_bz_default();
    static uint8_t rd[10000];
    for (size_t i = 0; i < sizeof(rd); i++)
        rd[i] = (uint8_t)(i ^ 0x3C);
    struct linux_load_opts o = {"", rd, sizeof(rd), sizeof(rd)};
    ck_assert_int_eq(load_bz(&s, &o), LOADER_OK);
    uint32_t want = (RAM_SIZE - sizeof(rd)) & ~0xFFFu;
    ck_assert_uint_eq(timg_rd32(&ram, ZP + 0x218), want);
    ck_assert_uint_eq(timg_rd32(&ram, ZP + 0x21C), sizeof(rd));
    ck_assert_uint_eq(bs.initrd_addr, want);
    ck_assert_uint_eq(bs.initrd_size, sizeof(rd));
    ck_assert_mem_eq(guest_ram_ptr(&ram, want, sizeof(rd)), rd, sizeof(rd));
}
END_TEST

/* initrd_addr_max (the last byte the initrd may occupy) caps the placement. */
START_TEST(initrd_below_initrd_addr_max)
{
    struct timg_bz s = timg_bz_default();
    s.initrd_addr_max = 0x7FFFFF;
    static uint8_t rd[0x1800];
    memset(rd, 0x77, sizeof(rd));
    struct linux_load_opts o = {"", rd, sizeof(rd), sizeof(rd)};
    ck_assert_int_eq(load_bz(&s, &o), LOADER_OK);
    ck_assert_uint_eq(timg_rd32(&ram, ZP + 0x218), 0x7FE000);
    ck_assert_uint_eq(timg_rd8(&ram, 0x7FE000 + sizeof(rd) - 1), 0x77);
    ck_assert_uint_le(bs.initrd_addr + bs.initrd_size, 0x800000);
}
END_TEST

START_TEST(err_initrd_truncated)
{
    struct timg_bz s = timg_bz_default();
    static uint8_t rd[100];
    struct linux_load_opts o = {"", rd, 60, 100};
    ck_assert_int_eq(load_bz(&s, &o), LOADER_ERR_INITRD_TRUNCATED);
    ck_assert_ptr_nonnull(strstr(err, "60 of 100"));
    ck_assert_uint_eq(bs.esi, 0);
}
END_TEST

/* An initrd that would collide with the kernel's init_size area does not fit. */
START_TEST(err_initrd_does_not_fit)
{
    struct timg_bz s = timg_bz_default();
    s.initrd_addr_max = 0x1FFFFF; /* 2 MiB: the kernel needs up to 0x110000 */
    static uint8_t rd[0x100000];
    struct linux_load_opts o = {"", rd, sizeof(rd), sizeof(rd)};
    ck_assert_int_eq(load_bz(&s, &o), LOADER_ERR_INITRD_NO_FIT);
    o.initrd_len = o.initrd_size = 0xF0000; /* fits exactly above 0x110000 */
    ck_assert_int_eq(load_bz(&s, &o), LOADER_OK);
    ck_assert_uint_eq(bs.initrd_addr, 0x110000);
}
END_TEST

/* A relocatable kernel runs at max(aligned load address, pref_address): init_size
 * counts from there and must fit in RAM. */
START_TEST(err_init_size_beyond_ram)
{
    struct timg_bz s = timg_bz_default();
    s.pref_address = 0x1000000; /* 16 MiB */
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_ERR_SEGMENT_OUTSIDE_RAM);
    ck_assert_ptr_nonnull(strstr(err, "init_size"));
    s = timg_bz_default();
    s.init_size = RAM_SIZE;
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_ERR_SEGMENT_OUTSIDE_RAM);
}
END_TEST

/* The initrd floor is the end of init_size counted from the runtime address: for a
 * relocatable kernel the load address aligned up to kernel_alignment, for another
 * one pref_address. */
START_TEST(initrd_floor_follows_runtime_address)
{
    struct timg_bz s = timg_bz_default();
    s.kernel_alignment = 0x400000; /* runs at 4 MiB: needs up to 0x410000 */
    s.initrd_addr_max = 0x47FFFF;
    static uint8_t rd[0x71000];
    struct linux_load_opts o = {"", rd, 0x70000, 0x70000};
    ck_assert_int_eq(load_bz(&s, &o), LOADER_OK);
    ck_assert_uint_eq(bs.initrd_addr, 0x410000);
    o.initrd_len = o.initrd_size = 0x71000;
    ck_assert_int_eq(load_bz(&s, &o), LOADER_ERR_INITRD_NO_FIT);
    ck_assert_ptr_nonnull(strstr(err, "0x410000"));
    s.relocatable = 0; /* runs at pref_address 1 MiB: needs up to 0x110000 */
    ck_assert_int_eq(load_bz(&s, &o), LOADER_OK);
    ck_assert_uint_eq(bs.initrd_addr, 0x40F000);
}
END_TEST

START_TEST(err_bad_header)
{
    struct timg_bz s = timg_bz_default();
    size_t len = timg_build_bz(&s, img);
    img[0x203] = 'x';
    ck_assert_int_eq(linux_load(img, len, &ram, NULL, &bs, err, sizeof(err)),
                     LOADER_ERR_LINUX_BAD_HEADER);
    s.boot_flag = 0x55AA;
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_ERR_LINUX_BAD_HEADER);
    ck_assert_ptr_nonnull(strstr(err, "0x55aa"));
}
END_TEST

START_TEST(err_old_protocol)
{
    struct timg_bz s = timg_bz_default();
    s.version = 0x0202;
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_ERR_LINUX_OLD_PROTOCOL);
    ck_assert_ptr_nonnull(strstr(err, "2.02"));
    s.version = 0x0204; /* the oldest accepted: no cmdline_size, 255 bytes max */
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_OK);
}
END_TEST

START_TEST(err_not_bzimage)
{
    struct timg_bz s = timg_bz_default();
    s.loadflags = 0;
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_ERR_LINUX_NOT_BZIMAGE);
}
END_TEST

/* No payload after the setup sectors, or less than syssize promises. */
START_TEST(err_truncated)
{
    struct timg_bz s = timg_bz_default();
    size_t len = timg_build_bz(&s, img);
    ck_assert_int_eq(linux_load(img, 5 * 512, &ram, NULL, &bs, err, sizeof(err)),
                     LOADER_ERR_TRUNCATED);
    ck_assert_int_eq(linux_load(img, 0x280, &ram, NULL, &bs, err, sizeof(err)),
                     LOADER_ERR_TRUNCATED);
    ck_assert_int_eq(linux_load(img, len - 16, &ram, NULL, &bs, err, sizeof(err)),
                     LOADER_ERR_TRUNCATED);
    ck_assert_int_eq(linux_load(img, len, &ram, NULL, &bs, err, sizeof(err)), LOADER_OK);
}
END_TEST

/* cmdline_size bounds the command line (without its NUL). */
START_TEST(err_cmdline_too_long)
{
    struct timg_bz s = timg_bz_default();
    s.cmdline_size = 16;
    ck_assert_int_eq(load_cmdline(&s, "0123456789abcdefg"), LOADER_ERR_CMDLINE_TOO_LONG);
    ck_assert_int_eq(load_cmdline(&s, "0123456789abcdef"), LOADER_OK);
    ck_assert_str_eq((const char *)guest_ram_ptr(&ram, LINUX_CMDLINE_ADDR, 1), "0123456789abcdef");
}
END_TEST

START_TEST(err_code32_start_outside_kernel)
{
    struct timg_bz s = timg_bz_default();
    s.code32_start = 0x100000 + s.pm_size;
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_ERR_LINUX_BAD_ENTRY);
    s.code32_start = 0xFFFFF;
    ck_assert_int_eq(load_cmdline(&s, ""), LOADER_ERR_LINUX_BAD_ENTRY);
}
END_TEST

/* reservetop= is appended with a K/M suffix, unless disabled or already present. */
START_TEST(reservetop_helper)
{
    char out[64];
    ck_assert_int_eq(
        linux_cmdline_add_reservetop("console=ttyS0", 16u << 20, out, sizeof(out), err, 64),
        LOADER_OK);
    ck_assert_str_eq(out, "console=ttyS0 reservetop=16M");
    ck_assert_int_eq(linux_cmdline_add_reservetop(NULL, 0x3000, out, sizeof(out), NULL, 0),
                     LOADER_OK);
    ck_assert_str_eq(out, "reservetop=12K");
    ck_assert_int_eq(linux_cmdline_add_reservetop("a", 1000, out, sizeof(out), NULL, 0), LOADER_OK);
    ck_assert_str_eq(out, "a reservetop=1000");
    ck_assert_int_eq(linux_cmdline_add_reservetop("quiet", 0, out, sizeof(out), NULL, 0),
                     LOADER_OK);
    ck_assert_str_eq(out, "quiet");
    ck_assert_int_eq(
        linux_cmdline_add_reservetop("x reservetop=32M", 16u << 20, out, sizeof(out), NULL, 0),
        LOADER_OK);
    ck_assert_str_eq(out, "x reservetop=32M");
    ck_assert_int_eq(
        linux_cmdline_add_reservetop("noreservetop=1", 1u << 20, out, sizeof(out), NULL, 0),
        LOADER_OK);
    ck_assert_str_eq(out, "noreservetop=1 reservetop=1M");
    ck_assert_int_eq(linux_cmdline_add_reservetop("console=ttyS0", 16u << 20, out, 20, err, 64),
                     LOADER_ERR_CMDLINE_TOO_LONG);
    ck_assert_str_eq(out, "");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("loader_linux");
    TCase *tc = tcase_create("linux");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, kernel_loaded_at_1mib);
    tcase_add_test(tc, entry_state);
    tcase_add_test(tc, zero_page_has_setup_header);
    tcase_add_test(tc, zero_page_loader_fields);
    tcase_add_test(tc, zero_page_e820);
    tcase_add_test(tc, setup_sects_zero_means_four);
    tcase_add_test(tc, initrd_at_top_of_ram);
    tcase_add_test(tc, initrd_below_initrd_addr_max);
    tcase_add_test(tc, err_initrd_truncated);
    tcase_add_test(tc, err_initrd_does_not_fit);
    tcase_add_test(tc, err_init_size_beyond_ram);
    tcase_add_test(tc, initrd_floor_follows_runtime_address);
    tcase_add_test(tc, err_bad_header);
    tcase_add_test(tc, err_old_protocol);
    tcase_add_test(tc, err_not_bzimage);
    tcase_add_test(tc, err_truncated);
    tcase_add_test(tc, err_cmdline_too_long);
    tcase_add_test(tc, err_code32_start_outside_kernel);
    tcase_add_test(tc, reservetop_helper);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
