/* debug_exit.c — the exit port used by test guests (QEMU -device isa-debug-exit,iosize=4). */
#include "devices/debug_exit.h"

void debug_exit_init(struct debug_exit *d, void (*request_exit)(void *ctx, uint32_t status),
                     void *ctx)
{
    d->request_exit = request_exit;
    d->ctx = ctx;
    d->requests = 0;
}

uint32_t debug_exit_status(uint32_t v)
{
    return (v << 1) | 1u;
}

static uint32_t debug_exit_read(void *dev, uint16_t port, unsigned size)
{
    (void)dev;
    (void)port;
    return io_all_ones(size);
}

static void debug_exit_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    struct debug_exit *d = dev;
    (void)port;
    (void)size;
    d->requests++;
    if (d->request_exit)
        d->request_exit(d->ctx, debug_exit_status(val));
}

const struct io_ops debug_exit_io_ops = {.read = debug_exit_read, .write = debug_exit_write};
