/* loader_error.h — reporting a loader error into the caller's message buffer. */
#ifndef BT386_MONITOR_LOADER_ERROR_H
#define BT386_MONITOR_LOADER_ERROR_H

#include "monitor/loader_types.h"

/* A caller-provided message buffer; buf may be NULL or len 0 (then nothing is written). */
struct loader_msg {
    char *buf;
    size_t len;
};

/* loader_fail: format a detailed message (printf-style; NULL fmt = loader_strerror(err))
 * into msg and return err, so that error paths read `return loader_fail(...)`. */
enum loader_err loader_fail(struct loader_msg msg, enum loader_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* loader_check_initrd: the initrd the caller read (len bytes at data) against the size it
 * expected: no data, a short read (truncated) or a long one are refused with a message. */
enum loader_err loader_check_initrd(const uint8_t *data, size_t len, uint64_t size,
                                    struct loader_msg msg);

/* loader_ok: clear msg to the empty string and return LOADER_OK. */
enum loader_err loader_ok(struct loader_msg msg);

#endif
