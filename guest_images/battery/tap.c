/* tap.c — COM1 output, a small printf and TAP reporting for the battery. */
#include "battery.h"

#define COM1 0x3f8

static unsigned tests_run, tests_failed;

void serial_init(void)
{
    outb(COM1 + 1, 0x00); /* IER: no interrupts */
    outb(COM1 + 3, 0x80); /* LCR: DLAB */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xC7); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
    /* Wait for THRE (16550 LSR bit 5) with a bound: output must never hang the battery. */
    for (unsigned i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        ;
    outb(COM1, (uint8_t)c);
}

static void put_uint(uint32_t v, unsigned base, int width, char pad)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n < width--)
        serial_putc(pad);
    while (n)
        serial_putc(buf[--n]);
}

void kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            if (*fmt == '\n')
                serial_putc('\r');
            serial_putc(*fmt);
            continue;
        }
        char pad = ' ';
        int width = 0;
        fmt++;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        switch (*fmt) {
        case 'd': {
            int32_t v = va_arg(ap, int32_t);
            if (v < 0)
                serial_putc('-'), v = -v;
            put_uint((uint32_t)v, 10, width, pad);
            break;
        }
        case 'u': put_uint(va_arg(ap, uint32_t), 10, width, pad); break;
        case 'x': put_uint(va_arg(ap, uint32_t), 16, width, pad); break;
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                serial_putc(*s);
            break;
        case 'c': serial_putc((char)va_arg(ap, int)); break;
        default: serial_putc(*fmt); break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

int check(int ok, const char *name, const char *detail_fmt, ...)
{
    tests_run++;
    if (ok) {
        kprintf("ok %u - %s\n", tests_run, name);
        return 1;
    }
    tests_failed++;
    kprintf("not ok %u - %s # ", tests_run, name);
    va_list ap;
    va_start(ap, detail_fmt);
    kvprintf(detail_fmt, ap);
    va_end(ap);
    kprintf("\n");
    return 0;
}

void machine_exit(uint32_t code)
{
    /* isa-debug-exit: the host exits with (code << 1) | 1. */
    outl(0xf4, code);
    /* Without the exit device: stop here. */
    for (;;)
        __asm__ volatile("cli; hlt");
}

void bail_out(const char *fmt, ...)
{
    va_list ap;
    kprintf("Bail out! ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    machine_exit(2);
}

/* tap_finish: print the plan and summary, then exit with 0 iff all passed. */

void tap_finish(void)
{
    kprintf("1..%u\n", tests_run);
    kprintf("# battery: %u passed, %u failed\n", tests_run - tests_failed, tests_failed);
    machine_exit(tests_failed ? 1 : 0);
}

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}
