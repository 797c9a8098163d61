/* irq.h — how a device drives an interrupt line without knowing who listens. */
#ifndef BT386_DEVICES_IRQ_H
#define BT386_DEVICES_IRQ_H

/* An injected interrupt sink: set_irq(ctx, line, level) drives input `line` of whatever
 * interrupt controller the machine wires up (the 8259A pair on a PC) to `level` (0/1).
 * Devices only ever call this; none of them knows about the PIC. */
struct irq_sink {
    void (*set_irq)(void *ctx, unsigned line, int level);
    void *ctx;
};

/* A device's output: the sink plus the line number the machine table assigned to it. */
struct irq_line {
    struct irq_sink sink;
    unsigned line;
};

/* Drive `l` to `level`; a line without a sink is left unconnected. */
static inline void irq_line_set(const struct irq_line *l, int level)
{
    if (l->sink.set_irq)
        l->sink.set_irq(l->sink.ctx, l->line, level != 0);
}

#endif
