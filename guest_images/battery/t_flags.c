/* t_flags.c — PUSHF/POPF, IF and IOPL at CPL 0 and 3, interrupt shadows, DF, AC, TF, ID. */
#include "battery.h"

static uint32_t user_popf_if_iopl(void)
{
    /* At CPL 3 with IOPL 0, POPF leaves IF and IOPL unchanged (SDM Vol. 2B POPF, table 4-x). */
    uint32_t f = read_eflags();
    write_eflags((f & ~EFL_IF) | EFL_IOPL);
    return read_eflags();
}

static uint32_t user_pushf(void)
{
    return read_eflags();
}

static uint32_t user_cli_sti(void)
{
    /* IOPL 3: CLI and STI are allowed at CPL 3 (SDM Vol. 2A CLI). */
    __asm__ volatile("cli");
    uint32_t f = read_eflags();
    __asm__ volatile("sti");
    return f;
}

static uint32_t db_eips[8];
static volatile uint32_t db_count;
static void on_debug(struct trap_frame *f)
{
    if (db_count < 8)
        db_eips[db_count] = f->eip;
    db_count++;
    if (db_count >= 3)
        f->eflags &= ~EFL_TF;
}

static volatile uint32_t irq_eip, irq_hits;
static void on_irq0(struct trap_frame *f)
{
    if (irq_hits++ == 0)
        irq_eip = f->eip; /* the first one is the held request; later ones are new periods */
    pic_eoi(0);
}

static uint32_t ac_user_probe(void)
{
    /* CPL 3 + CR0.AM + EFLAGS.AC: a misaligned access raises #AC(0) (SDM Vol. 3A §6.15 #AC). */
    static uint8_t buf[16] __attribute__((aligned(16)));
    uint32_t f = read_eflags();
    write_eflags(f | EFL_AC);
    TRY_ASM("movl 1(%0), %%eax", ::"r"(buf) : "eax");
    write_eflags(f);
    return 0;
}

void group_flags(void)
{
    uint32_t f0 = read_eflags();
    /* PUSHF reports IF as set by STI and cleared by CLI (SDM Vol. 2A CLI/STI). */
    __asm__ volatile("sti");
    uint32_t on = read_eflags();
    __asm__ volatile("cli");
    uint32_t off = read_eflags();
    check((on & EFL_IF) && !(off & EFL_IF), "flags/cli-sti-visible-in-pushf", "on=%x off=%x", on,
          off);

    /* At CPL 0, POPF changes IF and IOPL (SDM Vol. 2B POPF). */
    write_eflags(off | EFL_IF | EFL_IOPL);
    uint32_t got = read_eflags();
    write_eflags(off);
    uint32_t back = read_eflags();
    check((got & EFL_IF) && (got & EFL_IOPL) == EFL_IOPL && !(back & (EFL_IF | EFL_IOPL)),
          "flags/popf-cpl0-if-iopl", "set=%x cleared=%x", got, back);

    /* The reserved bit 1 reads as 1, bits 3/5/15 as 0. */
    check((got & 0x802A) == 0x2, "flags/reserved-bits", "eflags=%x", got);

    __asm__ volatile("sti");
    uint32_t u = run_user(user_popf_if_iopl, 0);
    check((u & EFL_IF) && (u & EFL_IOPL) == 0, "flags/popf-cpl3-keeps-if-iopl", "eflags=%x", u);
    __asm__ volatile("cli");

    u = run_user(user_pushf, 3);
    check((u & EFL_IOPL) == EFL_IOPL, "flags/iopl-visible-at-cpl3", "eflags=%x", u);
    trap_reset();
    u = run_user(user_cli_sti, 3);
    check(last_trap.count == 0 && !(u & EFL_IF), "flags/cli-at-cpl3-iopl3", "traps=%u eflags=%x",
          last_trap.count, u);

    /* DF: STD makes string instructions run backwards (SDM Vol. 1 §3.4.3.2). */
    char src[4] = {'a', 'b', 'c', 'd'}, dst[4] = {0, 0, 0, 0};
    const char *si = src + 3;
    char *di = dst + 3;
    uint32_t cnt = 4, dff;
    __asm__ volatile("std\n\tpushf\n\tpop %0\n\trep movsb\n\tcld"
                     : "=&r"(dff), "+S"(si), "+D"(di), "+c"(cnt)
                     :
                     : "memory");
    check((dff & EFL_DF) && dst[0] == 'a' && dst[3] == 'd' && !(read_eflags() & EFL_DF),
          "flags/df-backwards-movs", "eflags=%x dst=%c%c", dff, dst[0], dst[3]);

    /* AC and ID are writable on a 486+/CPUID-capable CPU (SDM Vol. 1 §3.4.3.3). */
    write_eflags(f0 | EFL_AC | EFL_ID);
    uint32_t acid = read_eflags();
    write_eflags(f0 & ~(EFL_AC | EFL_ID));
    uint32_t noacid = read_eflags();
    write_eflags(f0);
    check((acid & (EFL_AC | EFL_ID)) == (EFL_AC | EFL_ID) && !(noacid & (EFL_AC | EFL_ID)),
          "flags/ac-id-toggle", "set=%x clear=%x", acid, noacid);

    /* Alignment check fires only at CPL 3 with CR0.AM and EFLAGS.AC. */
    WRITE_CR(0, READ_CR(0) | CR0_AM);
    trap_reset();
    run_user(ac_user_probe, 0);
    WRITE_CR(0, READ_CR(0) & ~CR0_AM);
    check(last_trap.vector == 17 && last_trap.err == 0 && (last_trap.cs & 3) == 3,
          "flags/ac-at-cpl3", "vector=%u err=%x cs=%x", last_trap.vector, last_trap.err,
          last_trap.cs);

    /* TF: a #DB trap after each instruction, EIP pointing past it; DR6.BS set (SDM Vol. 3A
     * §17.3.1.4). */
    set_trap_handler(1, on_debug);
    db_count = 0;
    uint32_t l1, l2, l3;
    __asm__ volatile("pushf; orl $0x100, (%%esp); popf\n"
                     "1: nop\n"
                     "2: nop\n"
                     "3: nop\n"
                     "4: nop\n\t"
                     "movl $1b, %0; movl $2b, %1; movl $3b, %2"
                     : "=m"(l1), "=m"(l2), "=m"(l3)
                     :
                     : "memory");
    set_trap_handler(1, 0);
    uint32_t dr6;
    __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
    check(db_count == 3 && db_eips[0] == l2 && db_eips[1] == l3 && (dr6 & 0x4000),
          "flags/tf-single-step", "count=%u eips=%x,%x want %x,%x dr6=%x", db_count, db_eips[0],
          db_eips[1], l2, l3, dr6);
    (void)l1;

    /* MOV SS inhibits the single-step trap for the next instruction (SDM Vol. 3A §6.8.3). */
    set_trap_handler(1, on_debug);
    db_count = 0;
    uint32_t m2, m3;
    __asm__ volatile("mov %%ss, %%eax\n\t"
                     "pushf; orl $0x100, (%%esp); popf\n\t"
                     "mov %%eax, %%ss\n"
                     "1: nop\n"
                     "2: nop\n"
                     "3: nop\n"
                     "4: nop\n\t"
                     "movl $2b, %0; movl $3b, %1"
                     : "=m"(m2), "=m"(m3)
                     :
                     : "eax", "memory");
    set_trap_handler(1, 0);
    check(db_count == 3 && db_eips[0] == m2 && db_eips[1] == m3, "flags/mov-ss-shadow-tf",
          "count=%u eips=%x,%x want %x,%x", db_count, db_eips[0], db_eips[1], m2, m3);

    /* STI delays interrupt recognition by one instruction (SDM Vol. 2B STI). */
    pic_init(0x20, 0x28);
    set_trap_handler(0x20, on_irq0);
    pit_set_periodic(1000);
    pic_set_mask(0xFFFE);
    for (uint32_t i = 0; i < 50000000 && !(pic_read_irr() & 1); i++)
        ;
    irq_hits = 0;
    uint32_t after_next;
    __asm__ volatile("sti\n\t"
                     "nop\n"
                     "1: cli\n\t"
                     "movl $1b, %0"
                     : "=m"(after_next)
                     :
                     : "memory");
    pic_set_mask(0xFFFF);
    set_trap_handler(0x20, 0);
    /* A slow machine may take the next PIT period in the window too: only the first
     * delivery, the held request, is the one STI's shadow decides. */
    check(irq_hits >= 1 && irq_eip == after_next, "flags/sti-shadow", "hits=%u eip=%x want %x",
          irq_hits, irq_eip, after_next);
    write_eflags(f0);
}
