/* pci_none.h — PCI configuration mechanism #1 with no devices behind it. */
#ifndef BT386_DEVICES_PCI_NONE_H
#define BT386_DEVICES_PCI_NONE_H

#include <stdint.h>

#include "devices/io.h"

struct pci_none {
    uint32_t address; /* CONFIG_ADDRESS as last written (dword writes only) */
    uint8_t rcr;      /* reset control register (0xCF9) */
    void (*reset)(void *ctx);
    void *ctx;
    uint64_t config_reads, config_writes;
};

/* Address 0; reset(ctx) (may be NULL) is pulsed by the reset control register. */
void pci_none_init(struct pci_none *p, void (*reset)(void *ctx), void *ctx);

/* Ports 0xCF8..0xCFF as offsets 0..7 (register with max access size 4):
 *   offset 0, dword: CONFIG_ADDRESS, read back as written;
 *   offset 1, byte:  reset control register (bit 2 rising resets; bits 1 and 3 stored);
 *   offsets 4..7:    CONFIG_DATA: every read is all-ones of its size (no device answers),
 *                    writes are dropped;
 *   anything else reads all-ones and ignores writes. */
extern const struct io_ops pci_none_io_ops;

#endif
