/* t_irq.c — 8259A PIC, 8254 PIT, CMOS RTC, and interrupt masking. */
#include "battery.h"

volatile uint32_t timer_ticks;
static volatile uint32_t isr_seen_in_handler, last_vector, no_eoi;

static void on_timer(struct trap_frame *f)
{
    timer_ticks++;
    last_vector = f->vector;
    isr_seen_in_handler = pic_read_isr();
    if (!no_eoi)
        pic_eoi(0);
}

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static int wait_irr0(void)
{
    for (uint32_t i = 0; i < 100000000; i++)
        if (pic_read_irr() & 1)
            return 1;
    return 0;
}

static int is_bcd(uint8_t v, uint8_t max)
{
    return (v & 0xF) <= 9 && (v >> 4) <= 9 && ((v >> 4) * 10 + (v & 0xF)) <= max;
}

void group_irq(void)
{
    /* ICW2 sets the vector base; OCW1 (IMR) reads back what was written (8259A datasheet). */
    pic_init(0x20, 0x28);
    pic_set_mask(0xA5FB);
    uint16_t imr = (uint16_t)(inb(0x21) | (inb(0xA1) << 8));
    check(imr == 0xA5FB, "irq/pic-imr-readback", "imr=%x", imr);
    pic_set_mask(0xFFFF);

    for (unsigned v = 0x20; v < 0x30; v++)
        set_trap_handler(v, on_timer);
    pit_set_periodic(1000);

    /* PIT channel 0 mode 2 raises IRQ 0 periodically; HLT wakes on each (SDM Vol. 2A HLT). */
    timer_ticks = 0;
    pic_set_mask(0xFFFE);
    __asm__ volatile("sti");
    uint32_t halts = 0;
    while (timer_ticks < 10 && halts < 1000) {
        __asm__ volatile("hlt");
        halts++;
    }
    __asm__ volatile("cli");
    /* A tick may also land between STI/the loop test and HLT, so HLTs <= ticks + 1. */
    check(timer_ticks >= 10 && halts >= 1 && halts <= timer_ticks + 1 && last_vector == 0x20,
          "irq/pit-periodic-across-hlt", "ticks=%u halts=%u vector=%x", timer_ticks, halts,
          last_vector);
    check((isr_seen_in_handler & 1) != 0, "irq/isr-bit-in-handler", "isr=%x", isr_seen_in_handler);

    /* With IF=0 the request waits in IRR; STI delivers it (SDM Vol. 3A §6.8.1). */
    int pending = wait_irr0();
    uint32_t t0 = timer_ticks;
    __asm__ volatile("sti; nop; cli");
    /* At least the held request; a slow machine may see the next period in the window too. */
    check(pending && timer_ticks >= t0 + 1, "irq/held-while-if0-then-delivered",
          "pending=%d ticks %u->%u", pending, t0, timer_ticks);

    /* A masked line is not delivered even with IF=1 (8259A OCW1). */
    pic_set_mask(0xFFFF);
    (void)wait_irr0();
    t0 = timer_ticks;
    __asm__ volatile("sti");
    for (volatile uint32_t i = 0; i < 200000; i++)
        ;
    __asm__ volatile("cli");
    uint32_t masked_ticks = timer_ticks - t0;
    pic_set_mask(0xFFFE);
    __asm__ volatile("sti; nop; cli");
    check(masked_ticks == 0 && timer_ticks >= t0 + 1, "irq/mask-holds-then-unmask-delivers",
          "while masked=%u after=%u", masked_ticks, timer_ticks - t0);

    /* Without an EOI the in-service IRQ 0 blocks further IRQ 0 (8259A fully nested mode). */
    no_eoi = 1;
    (void)wait_irr0();
    t0 = timer_ticks;
    __asm__ volatile("sti");
    for (uint32_t i = 0; i < 100000000 && timer_ticks == t0; i++)
        __asm__ volatile("" ::: "memory");
    int requested_again = wait_irr0(); /* the next period is latched in IRR... */
    for (volatile uint32_t i = 0; i < 200000; i++)
        ; /* ...and must stay there while IRQ 0 is in service */
    __asm__ volatile("cli");
    uint32_t blocked = timer_ticks - t0;
    no_eoi = 0;
    pic_eoi(0);
    __asm__ volatile("sti; nop; cli");
    check(requested_again && blocked == 1 && timer_ticks >= t0 + 2, "irq/no-eoi-blocks-same-line",
          "irr=%d without eoi=%u total=%u", requested_again, blocked, timer_ticks - t0);

    /* Re-programming ICW2 moves IRQ 0 to a new vector. */
    pic_init(0x28, 0x30);
    pic_set_mask(0xFFFE);
    (void)wait_irr0();
    __asm__ volatile("sti; nop; cli");
    check(last_vector == 0x28, "irq/icw2-remaps-vector", "vector=%x", last_vector);
    pic_set_mask(0xFFFF);
    pic_init(0x20, 0x28);
    for (unsigned v = 0x20; v < 0x30; v++)
        set_trap_handler(v, 0);

    /* The 8254 counter latch command freezes a down-counting value (8254 datasheet). */
    outb(0x43, 0x00);
    uint32_t c1 = inb(0x40);
    c1 |= (uint32_t)inb(0x40) << 8;
    uint32_t c2 = c1;
    for (uint32_t i = 0; i < 1000000 && c2 == c1; i++) {
        outb(0x43, 0x00);
        c2 = inb(0x40);
        c2 |= (uint32_t)inb(0x40) << 8;
    }
    check(c1 <= 1193 && c2 <= 1193 && c1 != c2, "irq/pit-latch-counts", "c1=%u c2=%u", c1, c2);

    /* PIT channel 2 one-shot gated by port 0x61: OUT2 (bit 5) rises at terminal count. */
    outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));
    outb(0x43, 0xB0); /* counter 2, LSB/MSB, mode 0 */
    outb(0x42, 0x40);
    outb(0x42, 0x00);
    uint8_t early = inb(0x61) & 0x20;
    uint32_t spins = 0;
    while (!(inb(0x61) & 0x20) && spins < 10000000)
        spins++;
    check(!early && (inb(0x61) & 0x20), "irq/pit-ch2-oneshot-port61", "early=%x spins=%u", early,
          spins);
    outb(0x61, inb(0x61) & ~0x03);

    /* CMOS RTC (MC146818): register D has VRT set; time fields are valid for the mode in B. */
    uint8_t regd = cmos_read(0x0D), regb = cmos_read(0x0B);
    for (uint32_t i = 0; i < 1000000 && (cmos_read(0x0A) & 0x80); i++)
        ;
    uint8_t sec = cmos_read(0x00), min = cmos_read(0x02), hour = cmos_read(0x04);
    uint8_t day = cmos_read(0x07), mon = cmos_read(0x08);
    int ok;
    if (regb & 0x04)
        ok = sec < 60 && min < 60 && (hour & 0x7F) < 24 && day >= 1 && day <= 31 && mon >= 1 &&
             mon <= 12;
    else
        ok = is_bcd(sec, 59) && is_bcd(min, 59) && is_bcd(hour & 0x7F, 23) && is_bcd(day, 31) &&
             day && is_bcd(mon, 12) && mon;
    check((regd & 0x80) && ok, "irq/cmos-rtc-read", "regD=%x regB=%x %x:%x:%x %x/%x", regd, regb,
          hour, min, sec, day, mon);

    /* The CMOS seconds advance over about a second and a half of PIT-timed waiting
     * (100 Hz: HLT sleeps between ticks). */
    uint8_t s0 = cmos_read(0x00);
    pit_set_periodic(100);
    pic_set_mask(0xFFFE);
    for (unsigned v = 0x20; v < 0x30; v++)
        set_trap_handler(v, on_timer);
    t0 = timer_ticks;
    __asm__ volatile("sti");
    while (timer_ticks - t0 < 150)
        __asm__ volatile("hlt");
    __asm__ volatile("cli");
    pic_set_mask(0xFFFF);
    for (unsigned v = 0x20; v < 0x30; v++)
        set_trap_handler(v, 0);
    uint8_t s1 = cmos_read(0x00);
    check(s1 != s0, "irq/cmos-seconds-advance", "s0=%x s1=%x", s0, s1);
}
