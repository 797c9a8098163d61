/* port80.h — the POST diagnostic port: firmware and kernels write progress codes (and Linux
 * writes it as an I/O delay); it only has to accept them. */
#ifndef BT386_DEVICES_PORT80_H
#define BT386_DEVICES_PORT80_H

#include <stdint.h>

#include "devices/io.h"

struct port80 {
    uint8_t last; /* the last POST code written */
    uint64_t writes;
};

/* No code written yet (last = 0). */
void port80_init(struct port80 *p);

/* Port handler: writes remember their low byte; reads return all-ones (as on QEMU's PC,
 * where the port has no read side). dev = the struct port80. */
extern const struct io_ops port80_io_ops;

#endif
