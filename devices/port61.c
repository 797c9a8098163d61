/* port61.c — system control port B. Linux calibrates the TSC by gating PIT counter 2 through
 * bit 0 and polling OUT2 on bit 5, so both follow the 8254 model exactly. */
#include "devices/port61.h"

void port61_init(struct port61 *p, struct pit *pit)
{
    p->pit = pit;
    p->control = 0;
    pit_set_gate(pit, 2, 0);
}

static uint32_t port61_read(void *dev, uint16_t port, unsigned size)
{
    struct port61 *p = dev;
    (void)port;
    (void)size;
    uint64_t now = pit_now_ns(p->pit);
    uint8_t val = p->control & 0x0F;
    if ((now / PORT61_REFRESH_NS) & 1)
        val |= 0x10;
    if (pit_read_out(p->pit, 2))
        val |= 0x20;
    return val;
}

static void port61_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    struct port61 *p = dev;
    (void)port;
    (void)size;
    p->control = (uint8_t)val & 0x0F;
    pit_set_gate(p->pit, 2, val & 1);
}

const struct io_ops port61_io_ops = {.read = port61_read, .write = port61_write};
