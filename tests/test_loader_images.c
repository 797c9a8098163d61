/* test_loader_images.c — builders of synthetic kernel images for the loader tests. */
#include "tests/test_loader_images.h"

#include <stdlib.h>
#include <string.h>

void timg_w16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void timg_w32(uint8_t *p, uint32_t v)
{
    timg_w16(p, (uint16_t)v);
    timg_w16(p + 2, (uint16_t)(v >> 16));
}

void timg_w64(uint8_t *p, uint64_t v)
{
    timg_w32(p, (uint32_t)v);
    timg_w32(p + 4, (uint32_t)(v >> 32));
}

uint8_t timg_seg_byte(int seg, uint32_t i)
{
    return (uint8_t)(0x41 + seg * 0x35 + i * 7 + (i >> 8));
}

uint8_t timg_bz_byte(uint32_t i)
{
    return (uint8_t)(0x5A ^ (i * 13) ^ (i >> 7));
}

void timg_put_mbhdr(uint8_t *buf, size_t off, uint32_t flags)
{
    timg_w32(buf + off, 0x1BADB002u);
    timg_w32(buf + off + 4, flags);
    timg_w32(buf + off + 8, (uint32_t) - (0x1BADB002u + flags));
}

struct timg_elf timg_elf_default(void)
{
    struct timg_elf s = {
        .mb_flags = 0x3,
        .entry = 0x100010,
        .paddr = {0x100000, 0x101000},
        .filesz = {0x100, 0x80},
        .memsz = {0x100, 0x1800},
    };
    return s;
}

size_t timg_build_elf(const struct timg_elf *s, uint8_t *buf)
{
    memset(buf, 0, TIMG_ELF_LEN);
    buf[0] = 0x7F;
    buf[1] = 'E';
    buf[2] = 'L';
    buf[3] = 'F';
    buf[4] = 1;            /* ELFCLASS32 */
    buf[5] = 1;            /* ELFDATA2LSB */
    buf[6] = 1;            /* EV_CURRENT */
    timg_w16(buf + 16, 2); /* ET_EXEC */
    timg_w16(buf + 18, 3); /* EM_386 */
    timg_w32(buf + 20, 1);
    timg_w32(buf + 24, s->entry);
    timg_w32(buf + 28, TIMG_ELF_PHOFF);
    timg_w16(buf + 40, 52);
    timg_w16(buf + 42, 32);
    timg_w16(buf + 44, 2);
    const uint32_t offs[2] = {TIMG_ELF_SEG0_OFF, TIMG_ELF_SEG1_OFF};
    for (int k = 0; k < 2; k++) {
        uint8_t *ph = buf + TIMG_ELF_PHOFF + 32 * k;
        timg_w32(ph + 0, 1); /* PT_LOAD */
        timg_w32(ph + 4, offs[k]);
        timg_w32(ph + 8, s->paddr[k] + 0xC0000000u); /* virtual: higher half, ignored */
        timg_w32(ph + 12, s->paddr[k]);
        timg_w32(ph + 16, s->filesz[k]);
        timg_w32(ph + 20, s->memsz[k]);
        timg_w32(ph + 24, k == 0 ? 5 : 6);
        timg_w32(ph + 28, 0x1000);
        for (uint32_t i = 0; i < s->filesz[k] && i < TIMG_ELF_SEG_MAX; i++)
            buf[offs[k] + i] = timg_seg_byte(k, i);
    }
    timg_put_mbhdr(buf, TIMG_ELF_MBHDR, s->mb_flags);
    return TIMG_ELF_LEN;
}

struct timg_aout timg_aout_default(void)
{
    struct timg_aout s = {
        .flags = 0x3,
        .header_addr = 0x200000 + TIMG_AOUT_MBHDR,
        .load_addr = 0x200000,
        .load_end_addr = 0x200300,
        .bss_end_addr = 0x203000,
        .entry_addr = 0x200100,
    };
    return s;
}

size_t timg_build_aout(const struct timg_aout *s, uint8_t *buf)
{
    for (uint32_t i = 0; i < TIMG_AOUT_LEN; i++)
        buf[i] = timg_seg_byte(2, i);
    uint8_t *h = buf + TIMG_AOUT_MBHDR;
    timg_put_mbhdr(buf, TIMG_AOUT_MBHDR, s->flags | (1u << 16));
    timg_w32(h + 12, s->header_addr);
    timg_w32(h + 16, s->load_addr);
    timg_w32(h + 20, s->load_end_addr);
    timg_w32(h + 24, s->bss_end_addr);
    timg_w32(h + 28, s->entry_addr);
    return TIMG_AOUT_LEN;
}

struct timg_bz timg_bz_default(void)
{
    struct timg_bz s = {
        .setup_sects = 4,
        .version = 0x020A,
        .boot_flag = 0xAA55,
        .loadflags = 0x01,
        .header_len = 0x62, /* header ends at 0x264, after init_size */
        .code32_start = 0x100000,
        .initrd_addr_max = 0x7FFFFFFF,
        .kernel_alignment = 0x100000,
        .cmdline_size = 2047,
        .init_size = 0x10000,
        .relocatable = 1,
        .pref_address = 0x100000,
        .pm_size = 0x1000,
        .syssize = 0,
    };
    return s;
}

size_t timg_build_bz(const struct timg_bz *s, uint8_t *buf)
{
    uint32_t setup = ((s->setup_sects ? s->setup_sects : 4u) + 1u) * 512u;
    size_t len = setup + s->pm_size;
    if (len > TIMG_BZ_MAX)
        abort();
    memset(buf, 0, len);
    for (uint32_t i = 0; i < 0x1F1; i++) /* boot sector junk the loader must not copy */
        buf[i] = 0xB5;
    for (uint32_t i = 0x264; i < setup; i++) /* real-mode setup code after the header */
        buf[i] = 0x90;
    buf[0x1F1] = s->setup_sects;
    timg_w16(buf + 0x1F2, 1); /* root_flags */
    timg_w32(buf + 0x1F4, s->syssize ? s->syssize : (s->pm_size + 15) / 16);
    timg_w16(buf + 0x1FA, 0xFFFF); /* vid_mode: normal */
    timg_w16(buf + 0x1FC, 0x0301); /* root_dev */
    timg_w16(buf + 0x1FE, s->boot_flag);
    buf[0x200] = 0xEB;
    buf[0x201] = s->header_len;
    memcpy(buf + 0x202, "HdrS", 4);
    timg_w16(buf + 0x206, s->version);
    timg_w16(buf + 0x20E, 0x0123); /* kernel_version pointer */
    buf[0x211] = s->loadflags;
    timg_w32(buf + 0x214, s->code32_start);
    timg_w32(buf + 0x22C, s->initrd_addr_max);
    timg_w32(buf + 0x230, s->kernel_alignment);
    buf[0x234] = s->relocatable;
    buf[0x235] = 21; /* min_alignment */
    timg_w32(buf + 0x238, s->cmdline_size);
    timg_w32(buf + 0x248, 0x3A5);  /* payload_offset */
    timg_w32(buf + 0x24C, 0x777);  /* payload_length */
    timg_w64(buf + 0x250, 0x1234); /* setup_data: the loader must clear it */
    timg_w64(buf + 0x258, s->pref_address);
    timg_w32(buf + 0x260, s->init_size);
    for (uint32_t i = 0; i < s->pm_size; i++)
        buf[setup + i] = timg_bz_byte(i);
    return len;
}

struct guest_ram timg_ram_new(uint64_t size)
{
    struct guest_ram ram = {malloc((size_t)size), size};
    if (ram.base == NULL)
        abort();
    memset(ram.base, 0xCC, (size_t)size);
    return ram;
}

void timg_ram_free(struct guest_ram *ram)
{
    free(ram->base);
    ram->base = NULL;
    ram->size = 0;
}

static uint64_t rd(const struct guest_ram *ram, uint64_t gpa, unsigned n)
{
    uint64_t v;
    if (!guest_ram_read_le(ram, gpa, &v, n))
        return 0xDEADBEEFDEADBEEFull;
    return v;
}

uint64_t timg_rd64(const struct guest_ram *ram, uint64_t gpa)
{
    return rd(ram, gpa, 8);
}

uint32_t timg_rd32(const struct guest_ram *ram, uint64_t gpa)
{
    return (uint32_t)rd(ram, gpa, 4);
}

uint16_t timg_rd16(const struct guest_ram *ram, uint64_t gpa)
{
    return (uint16_t)rd(ram, gpa, 2);
}

uint8_t timg_rd8(const struct guest_ram *ram, uint64_t gpa)
{
    return (uint8_t)rd(ram, gpa, 1);
}
