/* pic.c — the 8259A pair as a register state machine.
 * Section names refer to the Intel 8259A Programmable Interrupt Controller datasheet
 * (order no. 231468): "Interrupt Sequence", "Initialization Command Words",
 * "Operation Command Words", "Fully Nested Mode", "End of Interrupt", "Automatic
 * Rotation", "Special Mask Mode", "Poll Command", "Edge and Level Triggered Modes",
 * "Cascade Mode", "Special Fully Nested Mode". */
#include "devices/pic.h"

#include <string.h>

/* On a PC the slave's INT pin is wired to master IR2, and the ISA bus's IRQ2 pin to
 * slave IR1 (IRQ9). */
#define PIC_CASCADE_IR        2
#define PIC_ISA_IRQ2_REDIRECT 9

static struct pic_chip *master(struct pic *pic)
{
    return &pic->chip[0];
}

static struct pic_chip *slave(struct pic *pic)
{
    return &pic->chip[1];
}

/* "Fully Nested Mode" / "Automatic Rotation": priority rank of `irq`, 0 = highest.
 * The IR after the lowest-priority one has the highest priority. */
static unsigned rank(const struct pic_chip *c, unsigned irq)
{
    return (irq - c->lowest_priority - 1u) & 7u;
}

/* The highest-priority IR whose bit is set in `mask`, or -1. */
static int highest(const struct pic_chip *c, uint8_t mask)
{
    for (unsigned r = 0; r < 8; r++) {
        unsigned irq = (c->lowest_priority + 1u + r) & 7u;
        if (mask & (1u << irq))
            return (int)irq;
    }
    return -1;
}

static bool level_mode(const struct pic_chip *c, unsigned irq)
{
    return c->ltim || (c->elcr & (1u << irq));
}

static bool is_cascade_line(const struct pic_chip *c, unsigned irq)
{
    return c->is_master && !c->single && (c->icw3 & (1u << irq));
}

/* The IR this chip would present at the next INTA, or -1: the highest-priority unmasked
 * request, if no IR of equal or higher priority is in service ("Fully Nested Mode").
 * In special mask mode, in-service levels that are masked do not block ("Special Mask
 * Mode"); in special fully nested mode the master lets a cascade line interrupt its own
 * in-service level ("Special Fully Nested Mode"). */
static int chip_deliverable(const struct pic_chip *c)
{
    uint8_t pending = c->irr & (uint8_t)~c->imr;
    int best = highest(c, pending);
    if (best < 0)
        return -1;
    uint8_t blocking = c->isr;
    if (c->special_mask)
        blocking &= (uint8_t)~c->imr;
    if (c->sfnm && is_cascade_line(c, (unsigned)best))
        blocking &= (uint8_t) ~(1u << best);
    int in_service = highest(c, blocking);
    if (in_service >= 0 && rank(c, (unsigned)in_service) <= rank(c, (unsigned)best))
        return -1;
    return best;
}

/* Propagate the slave's INT to master IR2 and the master's INT to the CPU's INTR.
 * Master IR2 latches the slave's INT at its rising edge and holds it until the INTA
 * that services it: the master has committed to the cascade at INTA time, so if the
 * slave's own request vanished meanwhile the slave answers with its default IR7
 * (spurious IRQ15, "Interrupt Sequence") while master ISR2 is set. */
static void pic_update(struct pic *pic)
{
    struct pic_chip *m = master(pic);
    bool slave_int = chip_deliverable(slave(pic)) >= 0;
    bool was_high = m->input & (1u << PIC_CASCADE_IR);
    if (slave_int && !was_high)
        m->irr |= 1u << PIC_CASCADE_IR;
    if (slave_int)
        m->input |= 1u << PIC_CASCADE_IR;
    else
        m->input &= (uint8_t) ~(1u << PIC_CASCADE_IR);

    bool intr = chip_deliverable(m) >= 0;
    if (intr != pic->intr) {
        pic->intr = intr;
        if (pic->intr_changed)
            pic->intr_changed(pic->intr_ctx, intr);
    }
}

/* "Edge and Level Triggered Modes": in edge mode a low-to-high transition sets IRR; in
 * level mode IRR follows a high input. In both modes the request must stay high until
 * INTA, so a falling input withdraws it (and an INTA then yields the default IR7). */
static void chip_set_input(struct pic_chip *c, unsigned irq, bool level)
{
    uint8_t bit = (uint8_t)(1u << irq);
    bool was_high = c->input & bit;
    if (level) {
        c->input |= bit;
        if (!was_high || level_mode(c, irq))
            c->irr |= bit;
    } else {
        c->input &= (uint8_t)~bit;
        c->irr &= (uint8_t)~bit;
    }
}

/* The chip's part of an INTA for `irq` ("Interrupt Sequence", "Automatic End of Interrupt
 * (AEOI) Mode", "Automatic Rotation"). */
static void chip_ack(struct pic_chip *c, unsigned irq)
{
    uint8_t bit = (uint8_t)(1u << irq);
    c->irr &= (uint8_t)~bit;
    if (level_mode(c, irq) && (c->input & bit) && !is_cascade_line(c, irq))
        c->irr |= bit;
    if (c->auto_eoi) {
        if (c->rotate_on_aeoi)
            c->lowest_priority = (uint8_t)irq;
    } else {
        c->isr |= bit;
    }
}

void pic_set_irq(struct pic *pic, unsigned line, int level)
{
    if (line >= 16)
        return;
    if (line == PIC_CASCADE_IR)
        line = PIC_ISA_IRQ2_REDIRECT;
    chip_set_input(&pic->chip[line / 8], line % 8, level != 0);
    pic_update(pic);
}

bool pic_has_interrupt(const struct pic *pic)
{
    return chip_deliverable(&pic->chip[0]) >= 0;
}

uint8_t pic_acknowledge(struct pic *pic)
{
    struct pic_chip *m = master(pic);
    struct pic_chip *s = slave(pic);
    uint8_t vector;
    int irq = chip_deliverable(m);
    if (irq < 0) {
        pic->spurious++;
        vector = m->vector_base | 7u;
    } else if (is_cascade_line(m, (unsigned)irq)) {
        chip_ack(m, (unsigned)irq);
        int sirq = chip_deliverable(s);
        if (sirq < 0) {
            pic->spurious++;
            vector = s->vector_base | 7u;
        } else {
            chip_ack(s, (unsigned)sirq);
            vector = (uint8_t)(s->vector_base | (unsigned)sirq);
        }
        /* Forget the cascade input level so that a slave INT still high after this
         * INTA (another request pending, auto-EOI) is latched again. */
        m->input &= (uint8_t) ~(1u << PIC_CASCADE_IR);
    } else {
        chip_ack(m, (unsigned)irq);
        vector = (uint8_t)(m->vector_base | (unsigned)irq);
    }
    pic_update(pic);
    return vector;
}

/* "Initialization Command Words": ICW1 starts the sequence and resets the chip. */
static void write_icw1(struct pic_chip *c, uint8_t val)
{
    c->icw4_needed = val & 0x01;
    c->single = val & 0x02;
    c->ltim = val & 0x08;
    c->init_step = 2;
    /* ICW1 clears the IMR, resets the edge-sense circuit (a new low-to-high transition is
     * needed), gives IR7 the lowest priority, clears special mask mode, selects IRR for
     * status reads, and zeroes the ICW4 functions when IC4 = 0. */
    c->imr = 0;
    c->isr = 0;
    c->irr = 0;
    for (unsigned irq = 0; irq < 8; irq++)
        if (level_mode(c, irq) && (c->input & (1u << irq)) && !is_cascade_line(c, irq))
            c->irr |= (uint8_t)(1u << irq);
    c->lowest_priority = 7;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->rotate_on_aeoi = false;
    if (!c->icw4_needed) {
        c->microprocessor_8086 = false;
        c->auto_eoi = false;
        c->buffered = false;
        c->buffered_master = false;
        c->sfnm = false;
    }
}

/* "Operation Command Words": OCW2 selects EOI, rotation and priority commands. */
static void write_ocw2(struct pic_chip *c, uint8_t val)
{
    unsigned level = val & 7u;
    int irq;
    switch (val >> 5) {
    case 0: c->rotate_on_aeoi = false; break; /* rotate in AEOI mode (clear) */
    case 4: c->rotate_on_aeoi = true; break;  /* rotate in AEOI mode (set) */
    case 2: break;                            /* no operation */
    case 1:                                   /* non-specific EOI */
    case 5:                                   /* rotate on non-specific EOI */
        /* In special mask mode an in-service level masked in the IMR is not cleared by a
         * non-specific EOI ("Special Mask Mode"). */
        irq = highest(c, c->special_mask ? (uint8_t)(c->isr & ~c->imr) : c->isr);
        if (irq >= 0) {
            c->isr &= (uint8_t) ~(1u << irq);
            if (val >> 5 == 5)
                c->lowest_priority = (uint8_t)irq;
        }
        break;
    case 3: c->isr &= (uint8_t) ~(1u << level); break; /* specific EOI */
    case 7:                                            /* rotate on specific EOI */
        c->isr &= (uint8_t) ~(1u << level);
        c->lowest_priority = (uint8_t)level;
        break;
    case 6: c->lowest_priority = (uint8_t)level; break; /* set priority */
    }
}

static void write_ocw3(struct pic_chip *c, uint8_t val)
{
    if (val & 0x40) /* ESMM */
        c->special_mask = val & 0x20;
    if (val & 0x04)
        c->poll = true;
    if (val & 0x02) /* RR */
        c->read_isr = val & 0x01;
}

static void write_command(struct pic_chip *c, uint8_t val)
{
    if (val & 0x10)
        write_icw1(c, val);
    else if (val & 0x08)
        write_ocw3(c, val);
    else
        write_ocw2(c, val);
}

static void write_data(struct pic_chip *c, uint8_t val)
{
    switch (c->init_step) {
    case 2:
        /* ICW2: T7..T3 of the vector; the IR number supplies T2..T0 in 8086 mode. */
        c->vector_base = val & 0xF8;
        c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
        break;
    case 3:
        c->icw3 = c->is_master ? val : (val & 7u);
        c->init_step = c->icw4_needed ? 4 : 0;
        break;
    case 4:
        c->microprocessor_8086 = val & 0x01;
        c->auto_eoi = val & 0x02;
        c->buffered_master = val & 0x04;
        c->buffered = val & 0x08;
        c->sfnm = val & 0x10;
        c->init_step = 0;
        break;
    default: c->imr = val; break; /* OCW1 */
    }
}

/* "Poll Command": the read acts as an INTA on this chip alone and returns
 * I (bit 7) and W2..W0 (the highest-priority request). */
static uint8_t read_poll(struct pic_chip *c)
{
    c->poll = false;
    int irq = chip_deliverable(c);
    if (irq < 0)
        return 0;
    chip_ack(c, (unsigned)irq);
    if (is_cascade_line(c, (unsigned)irq))
        c->input &= (uint8_t) ~(1u << irq);
    return (uint8_t)(0x80u | (unsigned)irq);
}

static uint32_t chip_io_read(void *dev, uint16_t port, unsigned size)
{
    struct pic_chip *c = dev;
    uint8_t val;
    (void)size;
    if (port & 1)
        val = c->imr;
    else if (c->poll)
        val = read_poll(c);
    else
        val = c->read_isr ? c->isr : c->irr;
    pic_update(c->owner);
    return val;
}

static void chip_io_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    struct pic_chip *c = dev;
    (void)size;
    if (port & 1)
        write_data(c, (uint8_t)val);
    else
        write_command(c, (uint8_t)val);
    pic_update(c->owner);
}

const struct io_ops pic_chip_io_ops = {.read = chip_io_read, .write = chip_io_write};

static uint32_t elcr_io_read(void *dev, uint16_t port, unsigned size)
{
    struct pic *pic = dev;
    (void)size;
    return pic->chip[port & 1].elcr;
}

/* Lines switched to level mode pick up a high input as a request at once. */
static void elcr_io_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    struct pic *pic = dev;
    struct pic_chip *c = &pic->chip[port & 1];
    (void)size;
    c->elcr = (uint8_t)val & c->elcr_writable;
    for (unsigned irq = 0; irq < 8; irq++)
        if ((c->elcr & (1u << irq)) && (c->input & (1u << irq)) && !is_cascade_line(c, irq))
            c->irr |= (uint8_t)(1u << irq);
    pic_update(pic);
}

const struct io_ops pic_elcr_io_ops = {.read = elcr_io_read, .write = elcr_io_write};

/* Run the initialisation sequence a PC BIOS performs (ICW1 0x11, ICW2, ICW3, ICW4 0x01). */
static void chip_bios_init(struct pic_chip *c, uint8_t base, uint8_t icw3, uint8_t imr)
{
    write_command(c, 0x11);
    write_data(c, base);
    write_data(c, icw3);
    write_data(c, 0x01);
    write_data(c, imr);
}

void pic_init(struct pic *pic, void (*intr_changed)(void *ctx, int level), void *ctx)
{
    memset(pic, 0, sizeof(*pic));
    for (unsigned i = 0; i < 2; i++)
        pic->chip[i].owner = pic;
    pic->chip[0].is_master = true;
    /* PIIX ELCR: IRQ0, 1, 2, 8 and 13 are always edge-triggered. */
    pic->chip[0].elcr_writable = 0xF8;
    pic->chip[1].elcr_writable = 0xDE;
    chip_bios_init(&pic->chip[0], 0x08, 1u << PIC_CASCADE_IR, (uint8_t) ~(1u << PIC_CASCADE_IR));
    chip_bios_init(&pic->chip[1], 0x70, PIC_CASCADE_IR, 0xFF);
    pic->intr_changed = intr_changed;
    pic->intr_ctx = ctx;
}
