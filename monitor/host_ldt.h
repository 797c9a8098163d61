/* host_ldt.h — the host LDT entries that mirror guest segments (modify_ldt). */
#ifndef BT386_MONITOR_HOST_LDT_H
#define BT386_MONITOR_HOST_LDT_H

#include <stdbool.h>
#include <stdint.h>

#define HOST_LDT_ENTRIES 8192
/* Host selectors valid at ring 3 in the Linux x86-64 GDT (DESIGN.md hazard 4). */
#define HOST_SEL_USER32_CS 0x23
#define HOST_SEL_USER_DS   0x2b
#define HOST_SEL_USER_CS   0x33

enum host_seg_kind {
    HOST_SEG_CODE32,  /* execute/read, 32-bit */
    HOST_SEG_CODE16,  /* execute/read, 16-bit */
    HOST_SEG_DATA32,  /* read/write, expand-up, B=1 */
    HOST_SEG_DATA_RO, /* read-only, expand-up */
    HOST_SEG_STACK32, /* read/write, expand-down, B=1 */
};

/* host_ldt_selector: the ring-3 LDT selector (TI=1, RPL=3) of slot. */
static inline uint16_t host_ldt_selector(unsigned slot)
{
    return (uint16_t)((slot << 3) | 7);
}

/* host_ldt_write: set slot to a segment of kind at base with limit bytes-1 (byte or
 * page granular as needed), present or not; 0 or -errno. */
int host_ldt_write(unsigned slot, enum host_seg_kind kind, uint32_t base, uint32_t limit,
                   bool present);
/* host_ldt_clear: make slot an empty (null) descriptor; 0 or -errno. */
int host_ldt_clear(unsigned slot);

#endif
