/* loader_dispatch.h — one entry point that recognises a kernel image's format
 * (Linux bzImage or multiboot) and loads it with the matching protocol. */
#ifndef BT386_MONITOR_LOADER_DISPATCH_H
#define BT386_MONITOR_LOADER_DISPATCH_H

#include "monitor/guest_ram.h"
#include "monitor/loader_types.h"

/* Everything besides the kernel image. For a multiboot kernel the initrd, if any,
 * becomes one more module (after the listed ones) with the string "initrd". */
struct loader_opts {
    const char *cmdline; /* NULL = "" */
    const uint8_t *initrd;
    size_t initrd_len;                   /* bytes read */
    uint64_t initrd_size;                /* bytes expected; both 0 = no initrd */
    const struct loader_module *modules; /* multiboot only */
    size_t nmodules;
};

/* loader_load_kernel: load img as a Linux bzImage if it has "HdrS" at 0x202, else as a
 * multiboot kernel if a multiboot magic lies in its first 8192 bytes, else fail with
 * LOADER_ERR_UNKNOWN_FORMAT ("not a multiboot or Linux bzImage kernel: <first bytes>"). */
enum loader_err loader_load_kernel(const uint8_t *img, size_t len, struct guest_ram *ram,
                                   const struct loader_opts *opts, struct boot_state *bs,
                                   char *errbuf, size_t errlen);

#endif
