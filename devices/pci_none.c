/* pci_none.c — "no PCI devices": configuration reads float to all-ones, which is how a
 * host bridge reports a missing function (PCI Local Bus Specification 3.0, 3.2.2.3.2
 * Configuration Mechanism #1; a vendor ID of 0xFFFF means no device). The reset control
 * register at 0xCF9 is the PIIX/ICH one (bit 1 hard reset, bit 2 reset CPU). */
#include "devices/pci_none.h"

#include <stdbool.h>

void pci_none_init(struct pci_none *p, void (*reset)(void *ctx), void *ctx)
{
    p->address = 0;
    p->rcr = 0;
    p->reset = reset;
    p->ctx = ctx;
    p->config_reads = 0;
    p->config_writes = 0;
}

static uint32_t pci_read(void *dev, uint16_t port, unsigned size)
{
    struct pci_none *p = dev;
    if (port == 0 && size == 4)
        return p->address;
    if (port == 1 && size == 1)
        return p->rcr;
    if (port >= 4)
        p->config_reads++;
    return io_all_ones(size);
}

static void pci_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    struct pci_none *p = dev;
    if (port == 0 && size == 4) {
        p->address = val;
    } else if (port == 1 && size == 1) {
        /* A 0-to-1 transition of "reset CPU" (bit 2) starts the reset. */
        bool rising = (val & 0x04) && !(p->rcr & 0x04);
        p->rcr = (uint8_t)val & 0x0A;
        if (rising && p->reset)
            p->reset(p->ctx);
    } else if (port >= 4) {
        p->config_writes++;
    }
}

const struct io_ops pci_none_io_ops = {.read = pci_read, .write = pci_write};
