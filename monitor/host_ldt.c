/* host_ldt.c — writing host LDT entries through modify_ldt(2). */
#include "monitor/host_ldt.h"

#include <asm/ldt.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* modify_ldt func 0x11: write one entry, "new" mode (no legacy useable-bit quirks). */
static int ldt_write_desc(struct user_desc *d)
{
    return syscall(SYS_modify_ldt, 0x11, d, sizeof(*d)) == 0 ? 0 : -errno;
}

int host_ldt_write(unsigned slot, enum host_seg_kind kind, uint32_t base, uint32_t limit,
                   bool present)
{
    if (slot >= HOST_LDT_ENTRIES)
        return -EINVAL;
    struct user_desc d;
    memset(&d, 0, sizeof(d));
    d.entry_number = slot;
    d.base_addr = base;
    /* Limits above 1 MiB must be page granular (SDM Vol. 3A §3.4.5: G flag). */
    if (limit > 0xFFFFF) {
        d.limit = limit >> 12;
        d.limit_in_pages = 1;
    } else {
        d.limit = limit;
    }
    d.seg_32bit = kind != HOST_SEG_CODE16;
    d.seg_not_present = !present;
    d.useable = 1;
    switch (kind) {
    case HOST_SEG_CODE32:
    case HOST_SEG_CODE16: d.contents = MODIFY_LDT_CONTENTS_CODE; break;
    case HOST_SEG_DATA32: d.contents = MODIFY_LDT_CONTENTS_DATA; break;
    case HOST_SEG_DATA_RO:
        d.contents = MODIFY_LDT_CONTENTS_DATA;
        d.read_exec_only = 1;
        break;
    case HOST_SEG_STACK32: d.contents = MODIFY_LDT_CONTENTS_STACK; break;
    }
    return ldt_write_desc(&d);
}

int host_ldt_clear(unsigned slot)
{
    if (slot >= HOST_LDT_ENTRIES)
        return -EINVAL;
    struct user_desc d;
    memset(&d, 0, sizeof(d));
    d.entry_number = slot;
    d.read_exec_only = 1;
    d.seg_not_present = 1;
    return ldt_write_desc(&d);
}
