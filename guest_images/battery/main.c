/* main.c — the battery guest: runs every group and reports TAP on COM1. */
#include "battery.h"

void kmain(uint32_t magic, uint32_t mbi);
void kmain(uint32_t magic, uint32_t mbi)
{
    (void)mbi;
    serial_init();
    kprintf("# bt386 battery\n");
    if (magic != 0x2BADB002)
        bail_out("not started by a multiboot loader (eax=%x)", magic);
    cpu_tables_init();
    pic_init(0x20, 0x28); /* all lines masked until a group unmasks one */
    trap_reset();
    group_cpu();
    group_dt();
    group_seg();
    group_flags();
    group_exc();
    group_priv();
    group_paging();
    group_smc();
    group_irq();
    tap_finish();
}
