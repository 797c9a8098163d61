/* loader_elf32.c — ELF32 executable loading (System V ABI, i386 supplement). */
#include "monitor/loader_elf32.h"

#include "monitor/loader_bytes.h"
#include "monitor/loader_layout.h"

#include <inttypes.h>
#include <stdio.h>

/* ELF identification and header field offsets (System V gABI, ELF32). */
#define EI_CLASS    4
#define EI_DATA     5
#define ELFCLASS32  1
#define ELFDATA2LSB 1
#define ET_EXEC     2
#define EM_386      3
#define PT_LOAD     1
#define E_TYPE      16
#define E_MACHINE   18
#define E_ENTRY     24
#define E_PHOFF     28
#define E_PHENTSIZE 42
#define E_PHNUM     44
#define P_TYPE      0
#define P_OFFSET    4
#define P_PADDR     12
#define P_FILESZ    16
#define P_MEMSZ     20

struct elf32_phdr {
    uint32_t type, offset, paddr, filesz, memsz;
};

static struct elf32_phdr read_phdr(const uint8_t *p)
{
    struct elf32_phdr ph = {
        .type = le32_at(p + P_TYPE),
        .offset = le32_at(p + P_OFFSET),
        .paddr = le32_at(p + P_PADDR),
        .filesz = le32_at(p + P_FILESZ),
        .memsz = le32_at(p + P_MEMSZ),
    };
    return ph;
}

bool loader_elf32_is_elf(const uint8_t *img, size_t len)
{
    return img != NULL && len >= 4 && img[0] == 0x7F && img[1] == 'E' && img[2] == 'L' &&
           img[3] == 'F';
}

/* check_ehdr: the identification and file-type checks. */
static enum loader_err check_ehdr(const uint8_t *img, size_t len, struct loader_msg msg)
{
    if (!loader_elf32_is_elf(img, len))
        return loader_fail(msg, LOADER_ERR_ELF_NOT_ELF, "no ELF magic");
    if (len < ELF32_EHDR_SIZE)
        return loader_fail(msg, LOADER_ERR_TRUNCATED, "ELF header truncated: %zu of %d bytes", len,
                           ELF32_EHDR_SIZE);
    if (img[EI_CLASS] != ELFCLASS32)
        return loader_fail(msg, LOADER_ERR_ELF_UNSUPPORTED, "ELF class %u is not ELFCLASS32 (1)",
                           img[EI_CLASS]);
    if (img[EI_DATA] != ELFDATA2LSB)
        return loader_fail(msg, LOADER_ERR_ELF_UNSUPPORTED,
                           "ELF data encoding %u is not little-endian (1)", img[EI_DATA]);
    uint16_t type = le16_at(img + E_TYPE), machine = le16_at(img + E_MACHINE);
    if (machine != EM_386)
        return loader_fail(msg, LOADER_ERR_ELF_UNSUPPORTED, "ELF machine %u is not EM_386 (3)",
                           machine);
    if (type != ET_EXEC)
        return loader_fail(msg, LOADER_ERR_ELF_UNSUPPORTED, "ELF type %u is not ET_EXEC (2)", type);
    return LOADER_OK;
}

/* check_segment: placement and file-range checks of one PT_LOAD header. */
static enum loader_err check_segment(const struct elf32_phdr *ph, unsigned index, size_t len,
                                     const struct guest_ram *ram, struct loader_msg msg)
{
    if (ph->filesz > ph->memsz)
        return loader_fail(msg, LOADER_ERR_ELF_BAD_SEGMENT,
                           "ELF segment %u: p_filesz 0x%" PRIx32 " > p_memsz 0x%" PRIx32, index,
                           ph->filesz, ph->memsz);
    if ((uint64_t)ph->paddr + ph->memsz > UINT64_C(0x100000000))
        return loader_fail(msg, LOADER_ERR_ELF_BAD_SEGMENT,
                           "ELF segment %u at 0x%" PRIx32 " + 0x%" PRIx32 " wraps around 4 GiB",
                           index, ph->paddr, ph->memsz);
    if (!img_has(len, ph->offset, ph->filesz))
        return loader_fail(msg, LOADER_ERR_ELF_SEGMENT_OUT_OF_FILE,
                           "ELF segment %u: file bytes [0x%" PRIx32 ", 0x%" PRIx64
                           ") beyond the end of the %zu-byte file",
                           index, ph->offset, (uint64_t)ph->offset + ph->filesz, len);
    char what[32];
    snprintf(what, sizeof(what), "ELF segment %u", index);
    return loader_check_load(ram, ph->paddr, ph->memsz, what, msg);
}

enum loader_err loader_elf32_load(const uint8_t *img, size_t len, struct guest_ram *ram,
                                  struct loader_elf32_result *out, struct loader_msg msg)
{
    enum loader_err err = check_ehdr(img, len, msg);
    if (err != LOADER_OK)
        return err;
    uint32_t phoff = le32_at(img + E_PHOFF);
    uint16_t phentsize = le16_at(img + E_PHENTSIZE), phnum = le16_at(img + E_PHNUM);
    if (phnum == 0)
        return loader_fail(msg, LOADER_ERR_ELF_NO_SEGMENTS, "ELF file has no program headers");
    if (phentsize < ELF32_PHDR_SIZE)
        return loader_fail(msg, LOADER_ERR_ELF_UNSUPPORTED,
                           "ELF e_phentsize %u is smaller than an Elf32_Phdr (%d)", phentsize,
                           ELF32_PHDR_SIZE);
    if (!img_has(len, phoff, (uint64_t)phnum * phentsize))
        return loader_fail(msg, LOADER_ERR_ELF_PHDR_OUT_OF_FILE,
                           "ELF program headers [0x%" PRIx32 ", 0x%" PRIx64
                           ") beyond the end of the %zu-byte file",
                           phoff, (uint64_t)phoff + (uint64_t)phnum * phentsize, len);

    /* Pass 1: check every segment, so that a bad image leaves RAM untouched. */
    uint64_t lo = UINT64_MAX, hi = 0;
    unsigned nloaded = 0;
    for (unsigned i = 0; i < phnum; i++) {
        struct elf32_phdr ph = read_phdr(img + phoff + (size_t)i * phentsize);
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        err = check_segment(&ph, i, len, ram, msg);
        if (err != LOADER_OK)
            return err;
        lo = ph.paddr < lo ? ph.paddr : lo;
        hi = (uint64_t)ph.paddr + ph.memsz > hi ? (uint64_t)ph.paddr + ph.memsz : hi;
        nloaded++;
    }
    if (nloaded == 0)
        return loader_fail(msg, LOADER_ERR_ELF_NO_SEGMENTS,
                           "ELF file has no PT_LOAD segment with a non-zero size");

    /* Pass 2: copy file bytes, zero the rest of each segment (bss). */
    for (unsigned i = 0; i < phnum; i++) {
        struct elf32_phdr ph = read_phdr(img + phoff + (size_t)i * phentsize);
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        guest_ram_write(ram, ph.paddr, img + ph.offset, ph.filesz);
        guest_ram_fill(ram, (uint64_t)ph.paddr + ph.filesz, 0, ph.memsz - ph.filesz);
    }
    out->entry = le32_at(img + E_ENTRY);
    out->start = (uint32_t)lo;
    out->end = (uint32_t)hi; /* hi <= ram->size <= 4 GiB; 4 GiB itself is impossible */
    out->nsegments = nloaded;
    return LOADER_OK;
}
