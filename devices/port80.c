/* port80.c — POST code latch. */
#include "devices/port80.h"

void port80_init(struct port80 *p)
{
    p->last = 0;
    p->writes = 0;
}

static uint32_t port80_read(void *dev, uint16_t port, unsigned size)
{
    (void)dev;
    (void)port;
    return io_all_ones(size);
}

static void port80_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    struct port80 *p = dev;
    (void)port;
    (void)size;
    p->last = (uint8_t)val;
    p->writes++;
}

const struct io_ops port80_io_ops = {.read = port80_read, .write = port80_write};
