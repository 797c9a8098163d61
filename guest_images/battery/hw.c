/* hw.c — paging set-up and the 8259A / 8254 programming used by the battery. */
#include "battery.h"

#define ID_MAP_MB 16
uint32_t page_dir[1024] __attribute__((aligned(4096)));
static uint32_t id_tables[ID_MAP_MB / 4][1024] __attribute__((aligned(4096)));

uint32_t *pte_of(uint32_t linear)
{
    return &id_tables[linear >> 22][(linear >> 12) & 1023];
}

void paging_enable(void)
{
    for (unsigned t = 0; t < ID_MAP_MB / 4; t++) {
        for (unsigned i = 0; i < 1024; i++)
            id_tables[t][i] = ((t * 1024 + i) << 12) | PTE_P | PTE_W | PTE_U;
        page_dir[t] = (uint32_t)id_tables[t] | PTE_P | PTE_W | PTE_U;
    }
    id_tables[0][0] = 0; /* page 0 stays unmapped: catches null accesses */
    WRITE_CR(3, (uint32_t)page_dir);
    WRITE_CR(0, READ_CR(0) | CR0_PG);
}

void paging_disable(void)
{
    WRITE_CR(0, READ_CR(0) & ~CR0_PG);
}

void flush_tlb(void)
{
    WRITE_CR(3, READ_CR(3));
}

/* 8259A: ICW1 (edge, cascade, ICW4 needed), ICW2 vector base, ICW3 cascade on
 * IR2, ICW4 8086 mode (Intel 8259A datasheet, "Initialization Command Words"). */
void pic_init(uint8_t base_master, uint8_t base_slave)
{
    outb(0x20, 0x11);
    outb(0xA0, 0x11);
    outb(0x21, base_master);
    outb(0xA1, base_slave);
    outb(0x21, 0x04);
    outb(0xA1, 0x02);
    outb(0x21, 0x01);
    outb(0xA1, 0x01);
    pic_set_mask(0xFFFF);
}

void pic_set_mask(uint16_t mask)
{
    outb(0x21, (uint8_t)mask);
    outb(0xA1, (uint8_t)(mask >> 8));
}

/* OCW3 0x0A selects IRR, 0x0B selects ISR for the next read of the command port. */
uint16_t pic_read_irr(void)
{
    outb(0x20, 0x0A);
    outb(0xA0, 0x0A);
    return (uint16_t)(inb(0x20) | (inb(0xA0) << 8));
}

uint16_t pic_read_isr(void)
{
    outb(0x20, 0x0B);
    outb(0xA0, 0x0B);
    return (uint16_t)(inb(0x20) | (inb(0xA0) << 8));
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(0xA0, 0x20);
    outb(0x20, 0x20);
}

/* 8254 counter 0, mode 2 (rate generator), LSB then MSB, 1.193182 MHz input. */
void pit_set_periodic(uint32_t hz)
{
    uint32_t div = 1193182 / hz;
    outb(0x43, 0x34);
    outb(0x40, (uint8_t)div);
    outb(0x40, (uint8_t)(div >> 8));
}
