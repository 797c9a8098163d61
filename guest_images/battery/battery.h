/* battery.h — the battery guest's runtime: ports, TAP reporting, traps, ring 3. */
#ifndef BATTERY_H
#define BATTERY_H

#include "layout.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- port I/O and control registers ---- */
static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
#define READ_CR(n)                                                                                 \
    ({                                                                                             \
        uint32_t v_;                                                                               \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_));                                         \
        v_;                                                                                        \
    })
#define WRITE_CR(n, v) __asm__ volatile("mov %0, %%cr" #n ::"r"((uint32_t)(v)) : "memory")

static inline uint32_t read_eflags(void)
{
    uint32_t f;
    __asm__ volatile("pushf; pop %0" : "=r"(f));
    return f;
}
static inline void write_eflags(uint32_t f)
{
    __asm__ volatile("push %0; popf" ::"r"(f) : "memory", "cc");
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline void cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}
static inline void invlpg(uint32_t lin)
{
    __asm__ volatile("invlpg (%0)" ::"r"(lin) : "memory");
}

#define EFL_CF   0x1u
#define EFL_TF   0x100u
#define EFL_IF   0x200u
#define EFL_DF   0x400u
#define EFL_OF   0x800u
#define EFL_IOPL 0x3000u
#define EFL_NT   0x4000u
#define EFL_RF   0x10000u
#define EFL_AC   0x40000u
#define EFL_ID   0x200000u

/* ---- output and TAP ---- */
void serial_init(void);
void kprintf(const char *fmt, ...);
void kvprintf(const char *fmt, va_list ap);
/* check: report one TAP result; detail (printf format) is printed on failure. */
int check(int ok, const char *name, const char *detail_fmt, ...);
/* bail_out: TAP "Bail out!" and exit the machine with failure. */
void bail_out(const char *fmt, ...) __attribute__((noreturn));
void machine_exit(uint32_t code) __attribute__((noreturn));
/* The compiler may call these even in freestanding code. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void tap_finish(void) __attribute__((noreturn));

/* ---- descriptor tables ---- */
struct __attribute__((packed)) dtr {
    uint16_t limit;
    uint32_t base;
};
struct tss32 {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
};
#define IOMAP_BYTES 8192
struct tss_with_iomap {
    struct tss32 tss;
    uint8_t iomap[IOMAP_BYTES + 1]; /* + the terminating all-ones byte (SDM §19.5.2) */
};
extern uint64_t gdt[GDT_ENTRIES];
extern uint64_t idt[256];
extern uint64_t ldt[4];
extern struct tss_with_iomap tss;
#define SMALL_BASE 0x00800000u
uint64_t make_seg(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);
void set_gate(unsigned vec, uint32_t handler, uint8_t type_attr);
void cpu_tables_init(void);

/* ---- traps ---- */
struct trap_frame {
    uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
    uint32_t gs, fs, es, ds;
    uint32_t vector, err;
    uint32_t eip, cs, eflags;
    uint32_t user_esp, user_ss; /* valid only when the trap came from CPL 3 */
};
typedef void (*trap_handler_fn)(struct trap_frame *f);
/* set_trap_handler: route vector to fn (NULL restores the default recorder). */
void set_trap_handler(unsigned vec, trap_handler_fn fn);
void trap_dispatch(struct trap_frame *f);

/* The last exception seen by the default handler. */
struct trap_record {
    volatile uint32_t count;
    uint32_t vector, err, eip, cs, cr2, eflags, esp;
};
extern struct trap_record last_trap;
/* Where the default handler resumes after a fault (0 = unexpected: bail out). */
extern volatile uint32_t expect_resume;

/* EXPECT_FAULT(asm text, outputs..., inputs..., clobbers...): run asm; a
 * fault inside it resumes after it. Use trap_reset() before and inspect last_trap. */
void trap_reset(void);
#define TRY_ASM(text, ...)                                                                         \
    __asm__ volatile("movl $1f, expect_resume\n\t" text                                            \
                     "\n1:\n\tmovl $0, expect_resume" __VA_ARGS__)

/* ---- ring 3 ---- */
/* run_user: run fn at CPL 3 (flat user segments, user stack) with the given
 * IOPL and IF; returns fn's return value. */
uint32_t run_user(uint32_t (*fn)(void), unsigned iopl);
uint32_t run_user_asm(uint32_t fn, uint32_t user_esp, uint32_t eflags);
void user_exit_entry(void);
void sysenter_entry(void);
extern volatile uint32_t sysenter_seen_cs, sysenter_seen_ss, sysenter_seen_esp, sysenter_count;

/* ---- paging ---- */
#define PTE_P   0x001u
#define PTE_W   0x002u
#define PTE_U   0x004u
#define PTE_A   0x020u
#define PTE_D   0x040u
#define PTE_PS  0x080u
#define PTE_G   0x100u
#define CR0_PE  0x1u
#define CR0_MP  0x2u
#define CR0_EM  0x4u
#define CR0_TS  0x8u
#define CR0_WP  0x10000u
#define CR0_AM  0x40000u
#define CR0_PG  0x80000000u
#define CR4_PSE 0x10u
#define CR4_PGE 0x80u
extern uint32_t page_dir[1024];
/* paging_enable: identity-map the low 16 MiB (4 KiB pages, user-accessible) and turn paging on. */
void paging_enable(void);
void paging_disable(void);
uint32_t *pte_of(uint32_t linear); /* PTE slot for linear in the identity tables */
void flush_tlb(void);

/* ---- PIC / PIT ---- */
void pic_init(uint8_t base_master, uint8_t base_slave);
void pic_set_mask(uint16_t mask);
uint16_t pic_read_irr(void);
uint16_t pic_read_isr(void);
void pic_eoi(unsigned irq);
void pit_set_periodic(uint32_t hz);
extern volatile uint32_t timer_ticks;

/* ---- groups ---- */
void group_dt(void);
void group_seg(void);
void group_flags(void);
void group_exc(void);
void group_priv(void);
void group_paging(void);
void group_smc(void);
void group_irq(void);
void group_cpu(void);

#endif
