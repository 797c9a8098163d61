/* debug_exit.h — QEMU's isa-debug-exit convention: a guest write ends the machine. */
#ifndef BT386_DEVICES_DEBUG_EXIT_H
#define BT386_DEVICES_DEBUG_EXIT_H

#include <stdint.h>

#include "devices/io.h"

struct debug_exit {
    void (*request_exit)(void *ctx, uint32_t status);
    void *ctx;
    uint64_t requests;
};

/* request_exit(ctx, status) is called for every write (may be NULL). */
void debug_exit_init(struct debug_exit *d, void (*request_exit)(void *ctx, uint32_t status),
                     void *ctx);

/* The host exit status for a written value v: (v << 1) | 1, as QEMU computes it (the host
 * keeps its low 8 bits), so a guest cannot make the monitor report plain success (0). */
uint32_t debug_exit_status(uint32_t v);

/* Port handler (iosize 4: a 1-, 2- or 4-byte write at any offset requests the exit with the
 * value written); reads return all-ones. dev = the struct debug_exit. */
extern const struct io_ops debug_exit_io_ops;

#endif
