/* options.c — parsing bt386's command line. */
#include "monitor/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool options_parse_size(const char *s, uint64_t *bytes)
{
    if (!s || !*s || *s == '-')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    unsigned shift = 20; /* a bare number is MiB, as in QEMU */
    if (*end) {
        switch (*end) {
        case 'k':
        case 'K': shift = 10; break;
        case 'm':
        case 'M': shift = 20; break;
        case 'g':
        case 'G': shift = 30; break;
        default: return false;
        }
        if (end[1] && !((end[1] == 'B' || end[1] == 'b') && !end[2]))
            return false;
    }
    if (v > (UINT64_MAX >> shift))
        return false;
    *bytes = (uint64_t)v << shift;
    return true;
}

const char *options_usage(void)
{
    return "usage: bt386 [options] -kernel FILE\n"
           "Run a 32-bit x86 guest by binary translation (no hardware virtualization).\n"
           "\n"
           "  -kernel FILE      multiboot v1 (ELF32) or Linux bzImage kernel\n"
           "  -initrd FILE      initial ramdisk (Linux)\n"
           "  -append STRING    kernel command line\n"
           "  -m SIZE           guest RAM: MiB, or with a K/M/G suffix (default 128M,\n"
           "                    2M to 3584M)\n"
           "  --no-reservetop   do not add reservetop= to a Linux command line\n"
           "  -d LIST           monitor diagnostics on stderr (comma-separated)\n"
           "  --stats FILE      write execution statistics as JSON at exit\n"
           "  --stats-exact     count every executed instruction exactly (slow: no block\n"
           "                    chaining, directly executed code single-stepped)\n"
           "  -h, --help        this text\n"
           "  -V, --version     version\n"
           "\n"
           "COM1 is the terminal. The guest's debug-exit port 0xf4 ends bt386 with status\n"
           "(value << 1) | 1, as QEMU's isa-debug-exit; a clean shutdown exits with 0.\n";
}

bool options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
    memset(o, 0, sizeof(*o));
    o->ram_bytes = OPT_RAM_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            o->help = true;
            continue;
        }
        if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            o->version = true;
            continue;
        }
        if (!strcmp(a, "--no-reservetop")) {
            o->no_reservetop = true;
            continue;
        }
        if (!strcmp(a, "--stats-exact")) {
            o->stats_exact = true;
            continue;
        }
        if (!strcmp(a, "-kernel"))
            slot = &o->kernel;
        else if (!strcmp(a, "-initrd"))
            slot = &o->initrd;
        else if (!strcmp(a, "-append"))
            slot = &o->append;
        else if (!strcmp(a, "--stats"))
            slot = &o->stats_file;
        else if (!strcmp(a, "-d"))
            slot = &o->debug;
        else if (strcmp(a, "-m") != 0) {
            snprintf(err, errlen, "unknown option '%s' (see --help)", a);
            return false;
        }
        if (i + 1 >= argc) {
            snprintf(err, errlen, "option '%s' needs an argument", a);
            return false;
        }
        const char *v = argv[++i];
        if (slot) {
            *slot = v;
            continue;
        }
        /* -m */
        uint64_t bytes;
        if (!options_parse_size(v, &bytes)) {
            snprintf(err, errlen, "-m '%s': not a size (e.g. 128, 256M, 1G)", v);
            return false;
        }
        if (bytes < OPT_RAM_MIN || bytes > OPT_RAM_MAX) {
            snprintf(err, errlen, "-m '%s': guest RAM must be between 2M and 3584M", v);
            return false;
        }
        o->ram_bytes = bytes;
    }
    if (o->stats_exact && !o->stats_file) {
        snprintf(err, errlen, "--stats-exact needs --stats FILE");
        return false;
    }
    if (!o->help && !o->version && !o->kernel) {
        snprintf(err, errlen, "no kernel given: use -kernel FILE (see --help)");
        return false;
    }
    return true;
}
