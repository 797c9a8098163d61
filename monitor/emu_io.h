/* emu_io.h — guest port I/O: the protected-mode permission check and the port bus.
 *
 * SDM Vol. 1 §19.5: IN, OUT, INS and OUTS are allowed when CPL <= IOPL (protected mode)
 * or, failing that and always in virtual-8086 mode, when every bit of the accessed ports
 * is clear in the I/O permission bit map of the current 32-bit TSS. */
#ifndef BT386_MONITOR_EMU_IO_H
#define BT386_MONITOR_EMU_IO_H

#include <stdint.h>

#include "monitor/emu.h"

/* The offset of the I/O map base field in a 32-bit TSS (SDM Vol. 3A §7.2.1, Figure 7-2). */
#define TSS32_IOMAP_BASE 0x66u

/* emu_io_permitted: FAULT_NONE if ports [port, port + size) may be accessed now,
 * #GP(0) if not, or the #PF of reading the TSS (an implicit supervisor access). */
struct guest_fault emu_io_permitted(const struct emu_ctx *ctx, uint16_t port, unsigned size);

/* emu_port_in / emu_port_out: one access of size 1, 2 or 4 through ctx->bus. */
uint32_t emu_port_in(const struct emu_ctx *ctx, uint16_t port, unsigned size);
void emu_port_out(const struct emu_ctx *ctx, uint16_t port, unsigned size, uint32_t val);

#endif
