/* loader_types.h — what every boot loader returns: an error value or the
 * initial CPU state of the guest (struct boot_state). */
#ifndef BT386_MONITOR_LOADER_TYPES_H
#define BT386_MONITOR_LOADER_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every way a load can fail. Each is a distinct value so that callers and tests
 * can tell them apart; the detailed text goes to the caller's message buffer. */
enum loader_err {
    LOADER_OK = 0,
    LOADER_ERR_BAD_ARGUMENT,        /* NULL image, NULL state, ... */
    LOADER_ERR_BAD_RAM,             /* guest RAM below 2 MiB or above 3.5 GiB */
    LOADER_ERR_UNKNOWN_FORMAT,      /* neither multiboot nor Linux bzImage */
    LOADER_ERR_TRUNCATED,           /* the image ends before a structure it declares */
    LOADER_ERR_MB_NO_HEADER,        /* no multiboot magic in the first 8192 bytes */
    LOADER_ERR_MB_BAD_CHECKSUM,     /* magic found, but magic + flags + checksum != 0 */
    LOADER_ERR_MB_UNSUPPORTED_FLAG, /* a required header flag (bits 0-15) we cannot honour */
    LOADER_ERR_MB_BAD_AOUT,         /* inconsistent a.out-kludge addresses */
    LOADER_ERR_ELF_NOT_ELF,         /* no ELF magic and no a.out kludge */
    LOADER_ERR_ELF_UNSUPPORTED,     /* not ELFCLASS32 / little-endian / EM_386 / ET_EXEC */
    LOADER_ERR_ELF_PHDR_OUT_OF_FILE,
    LOADER_ERR_ELF_SEGMENT_OUT_OF_FILE,
    LOADER_ERR_ELF_BAD_SEGMENT,     /* p_filesz > p_memsz, address wrap-around */
    LOADER_ERR_ELF_NO_SEGMENTS,     /* no PT_LOAD segment with a non-zero size */
    LOADER_ERR_SEGMENT_OUTSIDE_RAM, /* a loaded range ends beyond guest RAM */
    LOADER_ERR_SEGMENT_BELOW_1MIB,  /* a loaded range starts below 1 MiB */
    LOADER_ERR_CMDLINE_TOO_LONG,
    LOADER_ERR_NO_ROOM,            /* boot structures or modules do not fit */
    LOADER_ERR_LINUX_BAD_HEADER,   /* no "HdrS", boot_flag != 0xAA55, bad setup_sects */
    LOADER_ERR_LINUX_OLD_PROTOCOL, /* boot protocol older than 2.04 */
    LOADER_ERR_LINUX_NOT_BZIMAGE,  /* loadflags.LOADED_HIGH clear (zImage) */
    LOADER_ERR_LINUX_BAD_ENTRY,    /* code32_start outside the loaded kernel */
    LOADER_ERR_INITRD_TRUNCATED,   /* fewer initrd bytes than the expected size */
    LOADER_ERR_INITRD_NO_FIT,      /* no room for the initrd below initrd_addr_max */
    LOADER_ERR_COUNT
};

/* Which protocol produced a boot_state. */
enum loader_kind {
    LOADER_KIND_NONE = 0,
    LOADER_KIND_MULTIBOOT_ELF,
    LOADER_KIND_MULTIBOOT_AOUT,
    LOADER_KIND_LINUX,
};

/* A segment register as the guest must find it at entry: the visible selector
 * and the descriptor the monitor must place at GDT index selector >> 3.
 * limit is the byte-granular effective limit (0xFFFFFFFF for flat). */
struct boot_segment {
    uint16_t selector;
    uint32_t base;
    uint32_t limit;
    uint8_t type; /* descriptor type field (bits 8-11 of the high dword) */
    uint8_t dpl;
    bool s; /* code/data (not system) */
    bool present;
    bool db; /* 32-bit default operand size / big stack */
    bool g;  /* 4 KiB granularity */
};

/* The initial state of the boot CPU, as the protocol specifies it. Registers
 * the protocol leaves undefined are 0. */
struct boot_state {
    enum loader_kind kind;
    uint32_t eip, eax, ebx, ecx, edx, esi, edi, ebp, esp;
    uint32_t eflags;     /* 0x2: IF = 0, VM = 0, reserved bit 1 set */
    uint32_t cr0;        /* PE = 1, PG = 0 (ET = 1 as on every 486+) */
    bool protected_mode; /* CR0.PE */
    bool paging;         /* CR0.PG: always false at entry */
    bool a20;            /* A20 gate enabled: always true */
    struct boot_segment cs, ds, es, fs, gs, ss;
    /* Where things went in guest-physical memory (for logs and tests). */
    uint32_t image_start, image_end; /* loaded kernel, [start, end) including bss */
    uint32_t info_addr;              /* multiboot info structure / Linux zero page */
    uint32_t cmdline_addr;
    uint32_t initrd_addr, initrd_size; /* Linux initrd (0 if none) */
};

/* A multiboot module (or the initrd given to a multiboot kernel). */
struct loader_module {
    const uint8_t *data;
    size_t len;
    const char *cmdline; /* NULL = empty string */
};

/* loader_strerror: a fixed human-readable description of err (never NULL). */
const char *loader_strerror(enum loader_err err);

#endif
