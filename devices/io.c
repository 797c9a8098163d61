/* io.c — port dispatch through an explicit table of claimed ranges. */
#include "devices/io.h"

#include <string.h>

void io_bus_init(struct io_bus *bus)
{
    memset(bus, 0, sizeof(*bus));
}

uint32_t io_all_ones(unsigned size)
{
    return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

static bool valid_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

/* [a, a + an) and [b, b + bn) share a port. Computed in 32 bits: ranges may end at 0x10000. */
static bool ranges_overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
    return a < b + bn && b < a + an;
}

int io_bus_register(struct io_bus *bus, uint16_t base, uint16_t count, unsigned max_size,
                    const struct io_ops *ops, void *dev, const char *name)
{
    if (count == 0 || (uint32_t)base + count > 0x10000u || !valid_size(max_size) || !ops ||
        !ops->read || !ops->write)
        return IO_EINVAL;
    for (unsigned i = 0; i < bus->nranges; i++) {
        const struct io_range *r = &bus->ranges[i];
        if (ranges_overlap(base, count, r->base, r->count))
            return IO_EBUSY;
    }
    if (bus->nranges == IO_BUS_MAX_RANGES)
        return IO_ENOSPC;
    bus->ranges[bus->nranges++] = (struct io_range){.base = base,
                                                    .count = count,
                                                    .max_size = (uint8_t)max_size,
                                                    .ops = ops,
                                                    .dev = dev,
                                                    .name = name};
    return IO_OK;
}

const struct io_range *io_bus_find(const struct io_bus *bus, uint16_t port)
{
    for (unsigned i = 0; i < bus->nranges; i++) {
        const struct io_range *r = &bus->ranges[i];
        if (port >= r->base && (uint32_t)port < (uint32_t)r->base + r->count)
            return r;
    }
    return NULL;
}

/* Does the whole access fit the range and its width, so the device takes it at once? */
static bool fits_whole(const struct io_range *r, uint16_t port, unsigned size)
{
    return size <= r->max_size && (uint32_t)port + size <= (uint32_t)r->base + r->count;
}

static uint32_t read_byte(struct io_bus *bus, uint16_t port)
{
    const struct io_range *r = io_bus_find(bus, port);
    if (!r) {
        bus->unclaimed_reads++;
        bus->last_unclaimed_port = port;
        return 0xFF;
    }
    return r->ops->read(r->dev, (uint16_t)(port - r->base), 1) & 0xFF;
}

static void write_byte(struct io_bus *bus, uint16_t port, uint8_t val)
{
    const struct io_range *r = io_bus_find(bus, port);
    if (!r) {
        bus->unclaimed_writes++;
        bus->last_unclaimed_port = port;
        return;
    }
    r->ops->write(r->dev, (uint16_t)(port - r->base), 1, val);
}

uint32_t io_bus_read(struct io_bus *bus, uint16_t port, unsigned size)
{
    if (!valid_size(size)) {
        bus->unclaimed_reads++;
        bus->last_unclaimed_port = port;
        return 0xFFFFFFFFu;
    }
    const struct io_range *r = io_bus_find(bus, port);
    if (!r) {
        bus->unclaimed_reads++;
        bus->last_unclaimed_port = port;
        return io_all_ones(size);
    }
    if (fits_whole(r, port, size))
        return r->ops->read(r->dev, (uint16_t)(port - r->base), size) & io_all_ones(size);
    /* Split little-endian into byte accesses; port numbers wrap at 0xFFFF like the CPU's. */
    uint32_t val = 0;
    for (unsigned i = 0; i < size; i++)
        val |= read_byte(bus, (uint16_t)(port + i)) << (8 * i);
    return val;
}

void io_bus_write(struct io_bus *bus, uint16_t port, unsigned size, uint32_t val)
{
    if (!valid_size(size)) {
        bus->unclaimed_writes++;
        bus->last_unclaimed_port = port;
        return;
    }
    const struct io_range *r = io_bus_find(bus, port);
    if (!r) {
        bus->unclaimed_writes++;
        bus->last_unclaimed_port = port;
        return;
    }
    if (fits_whole(r, port, size)) {
        r->ops->write(r->dev, (uint16_t)(port - r->base), size, val & io_all_ones(size));
        return;
    }
    for (unsigned i = 0; i < size; i++)
        write_byte(bus, (uint16_t)(port + i), (uint8_t)(val >> (8 * i)));
}
