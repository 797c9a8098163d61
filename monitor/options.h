/* options.h — bt386's command line, QEMU-style. */
#ifndef BT386_MONITOR_OPTIONS_H
#define BT386_MONITOR_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPT_RAM_DEFAULT (128ull << 20)
#define OPT_RAM_MIN     (2ull << 20)
#define OPT_RAM_MAX     (3584ull << 20) /* below the PCI hole and the monitor area */

struct options {
    uint64_t ram_bytes;
    const char *kernel;
    const char *initrd;
    const char *append;
    const char *stats_file;
    const char *debug; /* -d: comma-separated diagnostics */
    bool no_reservetop;
    bool stats_exact; /* --stats-exact: exact instruction counts (no chaining, single-stepping) */
    bool help, version;
};

/* options_parse: fill o from argv; on error write a one-line message to err and
 * return false. */
bool options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);
/* options_parse_size: "256", "256M", "1G", "65536K" -> bytes (plain numbers are MiB, as
 * in QEMU's -m); false if malformed or overflowing. */
bool options_parse_size(const char *s, uint64_t *bytes);
/* options_usage: the --help text. */
const char *options_usage(void);

#endif
