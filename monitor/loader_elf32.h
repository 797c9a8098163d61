/* loader_elf32.h — loading the PT_LOAD segments of an ELF32 i386 executable
 * into guest-physical RAM at their physical addresses (p_paddr). */
#ifndef BT386_MONITOR_LOADER_ELF32_H
#define BT386_MONITOR_LOADER_ELF32_H

#include "monitor/guest_ram.h"
#include "monitor/loader_error.h"

#define ELF32_EHDR_SIZE 52
#define ELF32_PHDR_SIZE 32

struct loader_elf32_result {
    uint32_t entry;     /* e_entry */
    uint32_t start;     /* lowest p_paddr of a loaded segment */
    uint32_t end;       /* highest p_paddr + p_memsz */
    unsigned nsegments; /* PT_LOAD segments with p_memsz != 0 */
};

/* loader_elf32_is_elf: true iff img starts with the ELF magic 0x7F 'E' 'L' 'F'. */
bool loader_elf32_is_elf(const uint8_t *img, size_t len);

/* loader_elf32_load: validate img as an ELFCLASS32, ELFDATA2LSB, EM_386, ET_EXEC file,
 * check every PT_LOAD segment (data inside the file, p_filesz <= p_memsz, placement
 * per loader_check_load), then copy p_filesz bytes to p_paddr and zero up to p_memsz.
 * Guest RAM is written only after every segment passed its checks. */
enum loader_err loader_elf32_load(const uint8_t *img, size_t len, struct guest_ram *ram,
                                  struct loader_elf32_result *out, struct loader_msg msg);

#endif
