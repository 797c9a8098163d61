/* initrd_check.c — gzip integrity of an initrd, with zlib. */
#include "monitor/initrd_check.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

bool initrd_check(const uint8_t *data, size_t len, char *err, size_t errlen)
{
    if (len < 2 || data[0] != 0x1F || data[1] != 0x8B)
        return true; /* not gzip: the kernel judges it */
    z_stream z;
    memset(&z, 0, sizeof(z));
    /* 16 + MAX_WBITS: gzip wrapper (header, CRC-32 and ISIZE trailer are checked). */
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        snprintf(err, errlen, "cannot check the initrd (zlib)");
        return false;
    }
    uint8_t sink[65536];
    size_t pos = 0;
    int r = Z_OK;
    while (pos < len) {
        z.next_in = (Bytef *)(uintptr_t)(data + pos);
        z.avail_in = (uInt)((len - pos) > 0x40000000 ? 0x40000000 : (len - pos));
        size_t before = z.avail_in;
        do {
            z.next_out = sink;
            z.avail_out = sizeof(sink);
            r = inflate(&z, Z_NO_FLUSH);
        } while (r == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
        pos += before - z.avail_in;
        if (r == Z_STREAM_END) {
            /* Another gzip member may follow (concatenated archives); trailing zero
             * padding is allowed, as the kernel allows it. */
            while (pos < len && data[pos] == 0)
                pos++;
            if (pos < len)
                inflateReset(&z);
            continue;
        }
        if (r != Z_OK)
            break;
        if (z.avail_in == 0 && pos >= len)
            break;
    }
    inflateEnd(&z);
    if (r == Z_STREAM_END)
        return true;
    snprintf(err, errlen, "%s (gzip data %s)", "initrd is truncated or corrupt",
             r == Z_OK || r == Z_BUF_ERROR ? "ends early" : "is corrupt");
    return false;
}
