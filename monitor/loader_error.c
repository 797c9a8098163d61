/* loader_error.c — error strings and message formatting for the boot loaders. */
#include "monitor/loader_error.h"

#include <inttypes.h>

#include <stdarg.h>
#include <stdio.h>

static const char *const loader_err_text[LOADER_ERR_COUNT] = {
    [LOADER_OK] = "success",
    [LOADER_ERR_BAD_ARGUMENT] = "invalid argument",
    [LOADER_ERR_BAD_RAM] = "guest RAM size unsuitable for booting",
    [LOADER_ERR_UNKNOWN_FORMAT] = "not a multiboot or Linux bzImage kernel",
    [LOADER_ERR_TRUNCATED] = "kernel image is truncated",
    [LOADER_ERR_MB_NO_HEADER] = "no multiboot header in the first 8192 bytes",
    [LOADER_ERR_MB_BAD_CHECKSUM] = "multiboot header checksum is wrong",
    [LOADER_ERR_MB_UNSUPPORTED_FLAG] = "multiboot header requires an unsupported feature",
    [LOADER_ERR_MB_BAD_AOUT] = "inconsistent multiboot a.out-kludge addresses",
    [LOADER_ERR_ELF_NOT_ELF] = "multiboot image is neither ELF nor a.out-kludge",
    [LOADER_ERR_ELF_UNSUPPORTED] = "ELF image is not a 32-bit little-endian i386 executable",
    [LOADER_ERR_ELF_PHDR_OUT_OF_FILE] = "ELF program headers lie outside the file",
    [LOADER_ERR_ELF_SEGMENT_OUT_OF_FILE] = "ELF segment data lies outside the file",
    [LOADER_ERR_ELF_BAD_SEGMENT] = "malformed ELF segment",
    [LOADER_ERR_ELF_NO_SEGMENTS] = "ELF image has no loadable segment",
    [LOADER_ERR_SEGMENT_OUTSIDE_RAM] = "kernel does not fit in guest RAM",
    [LOADER_ERR_SEGMENT_BELOW_1MIB] = "kernel segment below 1 MiB",
    [LOADER_ERR_CMDLINE_TOO_LONG] = "kernel command line too long",
    [LOADER_ERR_NO_ROOM] = "no room in guest RAM for boot structures or modules",
    [LOADER_ERR_LINUX_BAD_HEADER] = "malformed Linux setup header",
    [LOADER_ERR_LINUX_OLD_PROTOCOL] = "Linux boot protocol older than 2.04",
    [LOADER_ERR_LINUX_NOT_BZIMAGE] = "Linux kernel is not a bzImage (LOADED_HIGH clear)",
    [LOADER_ERR_LINUX_BAD_ENTRY] = "Linux code32_start outside the loaded kernel",
    [LOADER_ERR_INITRD_TRUNCATED] = "initrd is truncated",
    [LOADER_ERR_INITRD_NO_FIT] = "initrd does not fit in guest RAM",
};

const char *loader_strerror(enum loader_err err)
{
    if ((unsigned)err >= LOADER_ERR_COUNT || loader_err_text[err] == NULL)
        return "unknown loader error";
    return loader_err_text[err];
}

enum loader_err loader_fail(struct loader_msg msg, enum loader_err err, const char *fmt, ...)
{
    if (msg.buf == NULL || msg.len == 0)
        return err;
    if (fmt == NULL) {
        snprintf(msg.buf, msg.len, "%s", loader_strerror(err));
        return err;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg.buf, msg.len, fmt, ap);
    va_end(ap);
    return err;
}

enum loader_err loader_ok(struct loader_msg msg)
{
    if (msg.buf != NULL && msg.len != 0)
        msg.buf[0] = '\0';
    return LOADER_OK;
}

enum loader_err loader_check_initrd(const uint8_t *data, size_t len, uint64_t size,
                                    struct loader_msg msg)
{
    if (data == NULL)
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT, "initrd size given without data");
    if (len < size)
        return loader_fail(msg, LOADER_ERR_INITRD_TRUNCATED,
                           "initrd truncated: read %zu of %" PRIu64 " bytes", len, size);
    if (len > size)
        return loader_fail(msg, LOADER_ERR_BAD_ARGUMENT,
                           "initrd has %zu bytes, more than the expected %" PRIu64, len, size);
    return LOADER_OK;
}
