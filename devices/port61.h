/* port61.h — PC system control port B (0x61): PIT gate 2, speaker, refresh, OUT2. */
#ifndef BT386_DEVICES_PORT61_H
#define BT386_DEVICES_PORT61_H

#include <stdint.h>

#include "devices/io.h"
#include "devices/pit.h"

/* Refresh requests toggle bit 4 every 15.085 us on PC/AT-compatible chipsets. */
#define PORT61_REFRESH_NS 15085u

struct port61 {
    struct pit *pit;
    uint8_t control; /* bits 0..3 as last written */
};

/* Bind port B to the PIT whose counter 2 it gates (gate 2 starts low). */
void port61_init(struct port61 *p, struct pit *pit);

/* Port handler (one port, offset 0); dev = the struct port61.
 * Read:  bit 0 gate 2, bit 1 speaker data, bits 2-3 as written, bit 4 refresh toggle,
 *        bit 5 OUT2, bits 6-7 (parity / I/O channel check) 0.
 * Write: bits 0-3 stored; bit 0 drives PIT gate 2. */
extern const struct io_ops port61_io_ops;

#endif
