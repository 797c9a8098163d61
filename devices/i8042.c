/* i8042.c — keyboard controller. The command set is the IBM PC/AT 8042 one (IBM PC AT
 * Technical Reference, "Keyboard Controller"); the attached keyboard answers its commands
 * as an MF II keyboard does, and no mouse is attached to the auxiliary port. */
#include "devices/i8042.h"

#include <string.h>

#define KBD_ACK    0xFA
#define KBD_RESEND 0xFE

static void update(struct i8042 *k)
{
    bool obf = k->count > 0;
    bool aux = obf && k->queue[k->head].aux;
    bool kbd_level = obf && !aux && (k->ram[0] & I8042_CTR_KBDINT);
    bool aux_level = aux && (k->ram[0] & I8042_CTR_AUXINT);
    if (kbd_level != k->kbd_level) {
        k->kbd_level = kbd_level;
        irq_line_set(&k->irq_kbd, kbd_level);
    }
    if (aux_level != k->aux_level) {
        k->aux_level = aux_level;
        irq_line_set(&k->irq_aux, aux_level);
    }
    bool a20 = i8042_a20(k);
    if (a20 != k->a20) {
        k->a20 = a20;
        if (k->cb.set_a20)
            k->cb.set_a20(k->cb.ctx, a20);
    }
}

static void push(struct i8042 *k, uint8_t byte, bool aux)
{
    if (k->count == I8042_QUEUE_SIZE)
        return;
    unsigned slot = (k->head + k->count) % I8042_QUEUE_SIZE;
    k->queue[slot].byte = byte;
    k->queue[slot].aux = aux;
    k->count++;
}

static void pulse_reset(struct i8042 *k)
{
    k->resets++;
    if (k->cb.reset)
        k->cb.reset(k->cb.ctx);
}

bool i8042_a20(const struct i8042 *k)
{
    return (k->output_port & I8042_OUT_A20) || (k->port92 & 0x02);
}

static uint8_t read_status(const struct i8042 *k)
{
    uint8_t s = I8042_STR_UNLOCKED;
    if (k->count) {
        s |= I8042_STR_OBF;
        if (k->queue[k->head].aux)
            s |= I8042_STR_AUXDATA;
    }
    if (k->ram[0] & I8042_CTR_SYS)
        s |= I8042_STR_SYS;
    if (k->last_was_command)
        s |= I8042_STR_CMD;
    return s;
}

/* Output port as read by command 0xD0: bits 4/5 mirror the keyboard/aux buffer-full lines. */
static uint8_t read_output_port(const struct i8042 *k)
{
    uint8_t v = k->output_port & (uint8_t)~0x30;
    if (k->kbd_level)
        v |= 0x10;
    if (k->aux_level)
        v |= 0x20;
    return v;
}

static void write_output_port(struct i8042 *k, uint8_t val)
{
    k->output_port = val;
    if (!(val & I8042_OUT_RESET_N))
        pulse_reset(k);
}

static void controller_command(struct i8042 *k, uint8_t cmd)
{
    if (cmd >= 0x20 && cmd <= 0x3F) { /* read controller RAM (0x20: command byte) */
        push(k, k->ram[cmd - 0x20], false);
        return;
    }
    if ((cmd >= 0x60 && cmd <= 0x7F) || (cmd >= 0xD1 && cmd <= 0xD4)) {
        k->pending = cmd; /* the data byte follows on port 0x60 */
        return;
    }
    if (cmd >= 0xF0) {
        /* Pulse output port bits 0-3 whose command bit is 0; bit 0 is the reset line. */
        if (!(cmd & 1))
            pulse_reset(k);
        return;
    }
    switch (cmd) {
    case 0xA7: k->ram[0] |= I8042_CTR_AUXDIS; break;
    case 0xA8: k->ram[0] &= (uint8_t)~I8042_CTR_AUXDIS; break;
    case 0xA9: push(k, 0x00, false); break; /* aux interface test: no error */
    case 0xAA:                              /* self-test passed */
        k->ram[0] |= I8042_CTR_SYS;
        push(k, 0x55, false);
        break;
    case 0xAB: push(k, 0x00, false); break; /* keyboard interface test: no error */
    case 0xAD: k->ram[0] |= I8042_CTR_KBDDIS; break;
    case 0xAE: k->ram[0] &= (uint8_t)~I8042_CTR_KBDDIS; break;
    case 0xD0: push(k, read_output_port(k), false); break;
    case 0xDD: k->output_port &= (uint8_t)~I8042_OUT_A20; break;
    case 0xDF: k->output_port |= I8042_OUT_A20; break;
    default: break; /* unsupported commands are ignored */
    }
}

/* The keyboard's side: every command is acknowledged (0xFA); reset reports a passed BAT
 * (0xAA), identify reports an MF II keyboard (0xAB 0x83), echo answers 0xEE. */
static void keyboard_command(struct i8042 *k, uint8_t val)
{
    if (k->kbd_pending) {
        k->kbd_pending = 0;
        push(k, KBD_ACK, false);
        return;
    }
    switch (val) {
    case 0xFF:
        push(k, KBD_ACK, false);
        push(k, 0xAA, false);
        break;
    case 0xF2:
        push(k, KBD_ACK, false);
        push(k, 0xAB, false);
        push(k, 0x83, false);
        break;
    case 0xEE: push(k, 0xEE, false); break;
    case 0xED: /* set LEDs */
    case 0xF0: /* select scan code set */
    case 0xF3: /* set typematic rate */
        k->kbd_pending = val;
        push(k, KBD_ACK, false);
        break;
    default: push(k, KBD_ACK, false); break;
    }
}

static void write_data(struct i8042 *k, uint8_t val)
{
    uint8_t cmd = k->pending;
    k->pending = 0;
    k->last_was_command = false;
    if (cmd >= 0x60 && cmd <= 0x7F) {
        k->ram[cmd - 0x60] = val;
        return;
    }
    switch (cmd) {
    case 0xD1: write_output_port(k, val); break;
    case 0xD2: push(k, val, false); break;       /* as if from the keyboard */
    case 0xD3: push(k, val, true); break;        /* as if from the aux device */
    case 0xD4: push(k, KBD_RESEND, true); break; /* no mouse answers */
    default: keyboard_command(k, val); break;
    }
}

static uint32_t data_read(void *dev, uint16_t port, unsigned size)
{
    struct i8042 *k = dev;
    (void)port;
    (void)size;
    if (k->count) {
        k->last_read = k->queue[k->head].byte;
        k->head = (k->head + 1) % I8042_QUEUE_SIZE;
        k->count--;
        /* Reading empties the output buffer: the interrupt line falls, and loading the
         * next queued byte raises it again — a new edge for the edge-triggered 8259A,
         * one interrupt per byte as with the real controller. */
        if (k->kbd_level) {
            k->kbd_level = false;
            irq_line_set(&k->irq_kbd, 0);
        }
        if (k->aux_level) {
            k->aux_level = false;
            irq_line_set(&k->irq_aux, 0);
        }
    }
    update(k);
    return k->last_read;
}

static void data_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    (void)port;
    (void)size;
    write_data(dev, (uint8_t)val);
    update(dev);
}

static uint32_t command_read(void *dev, uint16_t port, unsigned size)
{
    (void)port;
    (void)size;
    return read_status(dev);
}

static void command_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    struct i8042 *k = dev;
    (void)port;
    (void)size;
    k->pending = 0;
    k->last_was_command = true;
    controller_command(k, (uint8_t)val);
    update(k);
}

const struct io_ops i8042_data_io_ops = {.read = data_read, .write = data_write};
const struct io_ops i8042_command_io_ops = {.read = command_read, .write = command_write};

static uint32_t port92_read(void *dev, uint16_t port, unsigned size)
{
    struct i8042 *k = dev;
    (void)port;
    (void)size;
    return k->port92;
}

/* Port A: a 0-to-1 transition of bit 0 requests a fast reset; bit 1 opens A20. */
static void port92_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    struct i8042 *k = dev;
    (void)port;
    (void)size;
    bool rising = (val & 1) && !(k->port92 & 1);
    k->port92 = (uint8_t)val & 0x03;
    if (rising)
        pulse_reset(k);
    update(k);
}

const struct io_ops i8042_port92_io_ops = {.read = port92_read, .write = port92_write};

void i8042_init(struct i8042 *k, const struct i8042_callbacks *cb, struct irq_line irq_kbd,
                struct irq_line irq_aux)
{
    memset(k, 0, sizeof(*k));
    if (cb)
        k->cb = *cb;
    k->irq_kbd = irq_kbd;
    k->irq_aux = irq_aux;
    k->ram[0] = 0x45;
    k->output_port = 0xCF;
    k->a20 = true; /* the A20 state the machine starts with; no callback for it */
}
