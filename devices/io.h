/* io.h — the one I/O port callback shape and the port bus that dispatches to it. */
#ifndef BT386_DEVICES_IO_H
#define BT386_DEVICES_IO_H

#include <stdbool.h>
#include <stdint.h>

/* The single callback shape every port device implements.
 * `port` is the offset of the accessed port from the base of the range the device
 * was registered at (so a device never hard-codes its ports: devices/pc.c does).
 * `size` is 1, 2 or 4; read results are zero-extended, writes use the low `size` bytes. */
struct io_ops {
    uint32_t (*read)(void *dev, uint16_t port, unsigned size);
    void (*write)(void *dev, uint16_t port, unsigned size, uint32_t val);
};

/* One claimed port range [base, base + count). Accesses of at most `max_size` bytes
 * that lie inside the range go to the device whole; wider or straddling accesses are
 * split by the bus into byte accesses (as an ISA bus does for an 8-bit device). */
struct io_range {
    uint16_t base;
    uint16_t count;
    uint8_t max_size;
    const struct io_ops *ops;
    void *dev;
    const char *name;
};

#define IO_BUS_MAX_RANGES 32

/* Error values returned by io_bus_register (negative, as errors are values here). */
enum io_error {
    IO_OK = 0,
    IO_EINVAL = -1, /* bad range, size or ops */
    IO_EBUSY = -2,  /* overlaps a range already claimed */
    IO_ENOSPC = -3, /* the table is full */
};

/* The port bus: an explicit table of claimed ranges plus counters of unclaimed accesses. */
struct io_bus {
    struct io_range ranges[IO_BUS_MAX_RANGES];
    unsigned nranges;
    uint64_t unclaimed_reads; /* dispatches that found no device (each split byte counts) */
    uint64_t unclaimed_writes;
    uint16_t last_unclaimed_port;
};

/* Empty the bus: no ports claimed, counters zero. */
void io_bus_init(struct io_bus *bus);

/* Claim ports [base, base + count) for (ops, dev); max_size is 1, 2 or 4.
 * Returns IO_OK, or IO_EINVAL / IO_EBUSY / IO_ENOSPC and leaves the bus unchanged. */
int io_bus_register(struct io_bus *bus, uint16_t base, uint16_t count, unsigned max_size,
                    const struct io_ops *ops, void *dev, const char *name);

/* The range that claims `port`, or NULL. */
const struct io_range *io_bus_find(const struct io_bus *bus, uint16_t port);

/* IN of `size` (1, 2, 4) bytes at `port`. Unclaimed ports read as all-ones;
 * an invalid size reads as all-ones and counts as unclaimed. */
uint32_t io_bus_read(struct io_bus *bus, uint16_t port, unsigned size);

/* OUT of `size` (1, 2, 4) bytes at `port`. Writes to unclaimed ports are dropped and counted. */
void io_bus_write(struct io_bus *bus, uint16_t port, unsigned size, uint32_t val);

/* All-ones of `size` bytes (0xFF, 0xFFFF, 0xFFFFFFFF): what a floating ISA bus reads. */
uint32_t io_all_ones(unsigned size);

#endif
