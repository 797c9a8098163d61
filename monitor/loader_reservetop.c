/* loader_reservetop.c — appending reservetop= to a Linux command line, so that the
 * guest kernel keeps the monitor area at the top of the linear space free. */
#include "monitor/linux_boot.h"

#include "monitor/loader_error.h"

#include <inttypes.h>
#include <stdio.h>

/* has_reservetop: true iff cmdline already holds a word starting "reservetop=". */
static bool has_reservetop(const char *cmdline)
{
    static const char key[] = "reservetop=";
    for (const char *p = strstr(cmdline, key); p != NULL; p = strstr(p + 1, key))
        if (p == cmdline || p[-1] == ' ' || p[-1] == '\t')
            return true;
    return false;
}

enum loader_err linux_cmdline_add_reservetop(const char *cmdline, uint64_t reserve_bytes, char *out,
                                             size_t outlen, char *errbuf, size_t errlen)
{
    struct loader_msg msg = {errbuf, errlen};
    if (out == NULL || outlen == 0)
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "no output buffer");
    if (cmdline == NULL)
        cmdline = "";
    int n;
    if (reserve_bytes == 0 || has_reservetop(cmdline)) {
        n = snprintf(out, outlen, "%s", cmdline);
    } else {
        /* The kernel parses the value with memparse: K and M suffixes are understood. */
        uint64_t v = reserve_bytes;
        const char *unit = "";
        if (v % (1024 * 1024) == 0) {
            v /= 1024 * 1024;
            unit = "M";
        } else if (v % 1024 == 0) {
            v /= 1024;
            unit = "K";
        }
        n = snprintf(out, outlen, "%s%sreservetop=%" PRIu64 "%s", cmdline,
                     cmdline[0] != '\0' ? " " : "", v, unit);
    }
    if (n < 0 || (size_t)n >= outlen) {
        out[0] = '\0';
        return loader_fail(msg, LOADER_ERR_CMDLINE_TOO_LONG,
                           "command line with reservetop= needs %d bytes, buffer has %zu", n + 1,
                           outlen);
    }
    return loader_ok(msg);
}
