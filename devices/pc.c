/* pc.c — the one table that assigns ports and IRQ lines to the devices of a PC. */
#include "devices/pc.h"

#include <stddef.h>
#include <string.h>

/* A port range bound to the device found at `offset` bytes into struct pc_devices. */
struct pc_port_row {
    struct pc_port_binding at;
    const struct io_ops *ops;
    size_t offset;
};

#define ROW(base, count, size, name, ops, member)                                                  \
    {                                                                                              \
        {(base), (count), (size), (name)}, &(ops), offsetof(struct pc_devices, member)             \
    }

static const struct pc_port_row pc_ports[] = {
    ROW(0x0020, 2, 1, "pic-master", pic_chip_io_ops, pic.chip[0]),
    ROW(0x0040, 4, 1, "pit", pit_io_ops, pit),
    ROW(0x0060, 1, 1, "i8042-data", i8042_data_io_ops, kbc),
    ROW(0x0061, 1, 1, "port-b", port61_io_ops, port61),
    ROW(0x0064, 1, 1, "i8042-command", i8042_command_io_ops, kbc),
    ROW(0x0070, 2, 1, "cmos", cmos_io_ops, cmos),
    ROW(0x0080, 1, 1, "post", port80_io_ops, port80),
    ROW(0x0092, 1, 1, "port-a", i8042_port92_io_ops, kbc),
    ROW(0x00A0, 2, 1, "pic-slave", pic_chip_io_ops, pic.chip[1]),
    ROW(0x00F4, 4, 4, "debug-exit", debug_exit_io_ops, debug_exit),
    ROW(0x03F8, 8, 1, "com1", uart_io_ops, com1),
    ROW(0x04D0, 2, 1, "elcr", pic_elcr_io_ops, pic),
    ROW(0x0CF8, 8, 4, "pci-conf1", pci_none_io_ops, pci),
};

unsigned pc_port_map_size(void)
{
    return sizeof(pc_ports) / sizeof(pc_ports[0]);
}

const struct pc_port_binding *pc_port_map_entry(unsigned i)
{
    return i < pc_port_map_size() ? &pc_ports[i].at : NULL;
}

/* The interrupt sink every device drives: the 8259A pair. */
static void pc_set_irq(void *ctx, unsigned line, int level)
{
    struct pc_devices *pc = ctx;
    pic_set_irq(&pc->pic, line, level);
}

static struct irq_line pc_irq(struct pc_devices *pc, unsigned line)
{
    return (struct irq_line){.sink = {.set_irq = pc_set_irq, .ctx = pc}, .line = line};
}

int pc_devices_init(struct pc_devices *pc, const struct pc_callbacks *cb)
{
    memset(pc, 0, sizeof(*pc));
    pc->cb = *cb;
    struct dev_clock clock = {.now_ns = cb->now_ns, .ctx = cb->ctx};
    struct dev_wall_clock wall = {.unix_seconds = cb->wall_seconds, .ctx = cb->ctx};
    uint64_t now = cb->now_ns ? cb->now_ns(cb->ctx) : 0;

    pic_init(&pc->pic, cb->intr_changed, cb->ctx);
    pit_init(&pc->pit, &clock, pc_irq(pc, PC_IRQ_PIT), now);
    port61_init(&pc->port61, &pc->pit);
    cmos_init(&pc->cmos, &wall, &clock, pc_irq(pc, PC_IRQ_RTC));
    uart_init(&pc->com1, cb->uart_tx, cb->ctx, pc_irq(pc, PC_IRQ_COM1));
    debug_exit_init(&pc->debug_exit, cb->request_exit, cb->ctx);
    port80_init(&pc->port80);
    struct i8042_callbacks kbc_cb = {.reset = cb->reset, .set_a20 = cb->set_a20, .ctx = cb->ctx};
    i8042_init(&pc->kbc, &kbc_cb, pc_irq(pc, PC_IRQ_KEYBOARD), pc_irq(pc, PC_IRQ_MOUSE));
    pci_none_init(&pc->pci, cb->reset, cb->ctx);

    io_bus_init(&pc->bus);
    for (size_t i = 0; i < sizeof(pc_ports) / sizeof(pc_ports[0]); i++) {
        const struct pc_port_row *row = &pc_ports[i];
        int err = io_bus_register(&pc->bus, row->at.base, row->at.count, row->at.max_size, row->ops,
                                  (char *)pc + row->offset, row->at.name);
        if (err != IO_OK)
            return err;
    }
    return IO_OK;
}

uint64_t pc_devices_advance(struct pc_devices *pc, uint64_t now_ns)
{
    uint64_t ticks = pit_advance(&pc->pit, now_ns);
    cmos_advance(&pc->cmos, now_ns);
    return ticks;
}

uint64_t pc_devices_next_deadline_ns(const struct pc_devices *pc)
{
    uint64_t pit = pit_next_deadline_ns(&pc->pit);
    uint64_t rtc = cmos_next_deadline_ns(&pc->cmos);
    return pit < rtc ? pit : rtc;
}
