/* loader_dispatch.c — format recognition for loader_load_kernel. */
#include "monitor/loader_dispatch.h"

#include "monitor/linux_boot.h"
#include "monitor/loader_error.h"
#include "monitor/loader_mbinfo.h"
#include "monitor/multiboot.h"

#include <inttypes.h>
#include <stdio.h>

#define SHOWN_BYTES 16

/* load_multiboot: the listed modules, plus the initrd as a last module. */
static enum loader_err load_multiboot(const uint8_t *img, size_t len, struct guest_ram *ram,
                                      const struct loader_opts *o, struct boot_state *bs,
                                      char *errbuf, size_t errlen)
{
    struct loader_msg msg = {errbuf, errlen};
    bool has_initrd = o->initrd_size != 0 || o->initrd_len != 0;
    if (!has_initrd)
        return multiboot_load_modules(img, len, ram, o->cmdline, o->modules, o->nmodules, bs,
                                      errbuf, errlen);
    if (o->nmodules >= MBI_MAX_MODULES || (o->nmodules != 0 && o->modules == NULL))
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "bad module list");
    enum loader_err e = loader_check_initrd(o->initrd, o->initrd_len, o->initrd_size, msg);
    if (e != LOADER_OK)
        return e;
    struct loader_module mods[MBI_MAX_MODULES];
    for (size_t i = 0; i < o->nmodules; i++)
        mods[i] = o->modules[i];
    mods[o->nmodules] = (struct loader_module){o->initrd, (size_t)o->initrd_size, "initrd"};
    return multiboot_load_modules(img, len, ram, o->cmdline, mods, o->nmodules + 1, bs, errbuf,
                                  errlen);
}

enum loader_err loader_load_kernel(const uint8_t *img, size_t len, struct guest_ram *ram,
                                   const struct loader_opts *opts, struct boot_state *bs,
                                   char *errbuf, size_t errlen)
{
    struct loader_msg msg = {errbuf, errlen};
    static const struct loader_opts no_opts;
    const struct loader_opts *o = opts ? opts : &no_opts;
    if (img == NULL || bs == NULL)
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "no image or boot state given");
    memset(bs, 0, sizeof(*bs));
    if (linux_is_bzimage(img, len)) {
        struct linux_load_opts lo = {o->cmdline, o->initrd, o->initrd_len, o->initrd_size};
        return linux_load(img, len, ram, &lo, bs, errbuf, errlen);
    }
    struct multiboot_header hdr;
    enum loader_err err = multiboot_find_header(img, len, &hdr, NULL, 0);
    if (err != LOADER_ERR_MB_NO_HEADER) /* a header, even a broken one: multiboot's verdict */
        return load_multiboot(img, len, ram, o, bs, errbuf, errlen);

    char shown[SHOWN_BYTES * 3 + 1] = "";
    size_t n = len < SHOWN_BYTES ? len : SHOWN_BYTES, pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += (size_t)snprintf(shown + pos, sizeof(shown) - pos, "%s%02x", i ? " " : "", img[i]);
    if (len == 0)
        return loader_fail(msg, LOADER_ERR_UNKNOWN_FORMAT,
                           "not a multiboot or Linux bzImage kernel: the image is empty");
    return loader_fail(msg, LOADER_ERR_UNKNOWN_FORMAT,
                       "not a multiboot or Linux bzImage kernel: first bytes %s", shown);
}
