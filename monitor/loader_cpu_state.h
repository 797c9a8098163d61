/* loader_cpu_state.h — the flat 32-bit protected-mode entry state shared by the
 * multiboot and Linux 32-bit boot protocols, and GDT descriptor encoding. */
#ifndef BT386_MONITOR_LOADER_CPU_STATE_H
#define BT386_MONITOR_LOADER_CPU_STATE_H

#include "monitor/loader_types.h"

/* The selectors both protocols get. The Linux 32-bit protocol requires
 * __BOOT_CS = 0x10 and __BOOT_DS = 0x18; multiboot leaves selector values
 * undefined, so it uses the same ones and the monitor builds one GDT:
 * index 0 null, 1 unused, 2 flat code, 3 flat data. */
#define BOOT_CS_SELECTOR 0x10
#define BOOT_DS_SELECTOR 0x18

#define BOOT_CR0_PE 0x00000001u
#define BOOT_CR0_ET 0x00000010u
#define BOOT_CR0_PG 0x80000000u
#define BOOT_EFLAGS 0x00000002u /* only the always-one bit 1: IF = 0, VM = 0 */

/* Descriptor types with the accessed bit already set, so that loading them
 * never makes the CPU write the accessed bit back into the GDT (SDM Vol. 3A
 * §3.4.5.1): code = execute/read, data = read/write, both expand-up. */
#define BOOT_CODE_TYPE 0xB
#define BOOT_DATA_TYPE 0x3

/* boot_state_flat32: zero *bs and set the common protected-mode entry state: CR0 PE=1
 * PG=0, EFLAGS 0x2, A20 on, CS = code_sel flat 4 GiB execute/read, DS/ES/FS/GS/SS =
 * data_sel flat 4 GiB read/write, all DPL 0, 32-bit. */
void boot_state_flat32(struct boot_state *bs, uint16_t code_sel, uint16_t data_sel);

/* boot_segment_descriptor: the 8-byte GDT descriptor encoding seg (SDM Vol. 3A §3.4.5).
 * A limit above 0xFFFFF must be a multiple of 4 KiB minus 1 and needs seg->g. */
uint64_t boot_segment_descriptor(const struct boot_segment *seg);

#endif
