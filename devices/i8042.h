/* i8042.h — the PC keyboard controller (8042) and system control port A (0x92):
 * enough for firmware-free guests to probe it, gate A20 and reset the machine. */
#ifndef BT386_DEVICES_I8042_H
#define BT386_DEVICES_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/io.h"
#include "devices/irq.h"

#define I8042_QUEUE_SIZE 16

/* Status register (port 0x64 read). */
#define I8042_STR_OBF      0x01
#define I8042_STR_IBF      0x02
#define I8042_STR_SYS      0x04
#define I8042_STR_CMD      0x08 /* last write went to the command port */
#define I8042_STR_UNLOCKED 0x10
#define I8042_STR_AUXDATA  0x20

/* Controller command byte (RAM byte 0). */
#define I8042_CTR_KBDINT 0x01
#define I8042_CTR_AUXINT 0x02
#define I8042_CTR_SYS    0x04
#define I8042_CTR_KBDDIS 0x10
#define I8042_CTR_AUXDIS 0x20

/* Output port. */
#define I8042_OUT_RESET_N 0x01 /* 0 holds the CPU in reset */
#define I8042_OUT_A20     0x02

struct i8042_callbacks {
    void (*reset)(void *ctx);                /* pulse the CPU reset line (may be NULL) */
    void (*set_a20)(void *ctx, int enabled); /* A20 gate changed (may be NULL) */
    void *ctx;
};

struct i8042 {
    uint8_t ram[32]; /* ram[0] is the command byte */
    uint8_t output_port;
    uint8_t port92;      /* system control port A: bit 0 fast reset, bit 1 A20 */
    uint8_t pending;     /* controller command waiting for its data byte, or 0 */
    uint8_t kbd_pending; /* keyboard command waiting for its parameter, or 0 */
    bool last_was_command;
    struct {
        uint8_t byte;
        bool aux;
    } queue[I8042_QUEUE_SIZE];
    unsigned head, count;
    uint8_t last_read;
    bool a20;
    struct i8042_callbacks cb;
    struct irq_line irq_kbd, irq_aux;
    bool kbd_level, aux_level;
    uint64_t resets;
};

/* State a PC BIOS leaves: command byte 0x45 (keyboard interrupt, system flag, translation),
 * output port 0xCF (not in reset, A20 enabled), empty output buffer. */
void i8042_init(struct i8042 *k, const struct i8042_callbacks *cb, struct irq_line irq_kbd,
                struct irq_line irq_aux);

/* Is the A20 gate open (output port bit 1 OR port 0x92 bit 1, as PC chipsets combine them)? */
bool i8042_a20(const struct i8042 *k);

/* Ports: data (offset 0) and command/status (offset 0) are separate ranges; so is port A. */
extern const struct io_ops i8042_data_io_ops;
extern const struct io_ops i8042_command_io_ops;
extern const struct io_ops i8042_port92_io_ops;

#endif
