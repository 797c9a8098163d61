/* t_priv.c — CPL 3 entry, system calls, privileged instructions and I/O permission. */
#include "battery.h"

/* Each probe runs one instruction at CPL 3 under TRY_ASM; the caller inspects last_trap. */
static uint32_t u_hlt(void)
{
    TRY_ASM("hlt");
    return 0;
}
static uint32_t u_cli(void)
{
    TRY_ASM("cli");
    return 0;
}
static uint32_t u_in(void)
{
    TRY_ASM("inb $0x71, %%al", ::: "eax");
    return 0;
}
static uint32_t u_out80(void)
{
    TRY_ASM("outb %%al, $0x80", ::"a"(0x42));
    return 0;
}
static uint32_t u_out81(void)
{
    TRY_ASM("outb %%al, $0x81", ::"a"(0x42));
    return 0;
}
static uint32_t u_mov_cr0(void)
{
    TRY_ASM("mov %%cr0, %%eax", ::: "eax");
    return 0;
}
static uint32_t u_rdmsr(void)
{
    TRY_ASM("rdmsr", ::"c"(0x174) : "eax", "edx");
    return 0;
}
static uint32_t u_lgdt(void)
{
    static struct dtr d;
    TRY_ASM("lgdt %0", ::"m"(d));
    return 0;
}
static uint32_t u_invlpg(void)
{
    TRY_ASM("invlpg (%0)", ::"r"(0x1000));
    return 0;
}
static uint32_t u_cpl(void)
{
    uint32_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs & 3;
}

static uint32_t sysexit_cs, sysexit_ss, sysexit_esp_ok;
static uint32_t u_sysenter(void)
{
    /* SYSEXIT returns to EDX with ESP = ECX (SDM Vol. 2B SYSEXIT). */
    uint32_t eax, cs, ss, esp_before, esp_after;
    __asm__ volatile("mov %%esp, %3\n\t"
                     "mov %%esp, %%ecx\n\t"
                     "mov $1f, %%edx\n\t"
                     "sysenter\n"
                     "1: mov %%esp, %4\n\t"
                     "mov %%cs, %1\n\t"
                     "mov %%ss, %2"
                     : "=a"(eax), "=r"(cs), "=r"(ss), "=m"(esp_before), "=m"(esp_after)
                     :
                     : "ecx", "edx", "memory");
    sysexit_cs = cs;
    sysexit_ss = ss;
    sysexit_esp_ok = esp_before == esp_after;
    return eax;
}

static void expect_gp0_at_cpl3(uint32_t (*probe)(void), unsigned iopl, const char *name)
{
    trap_reset();
    run_user(probe, iopl);
    check(last_trap.vector == 13 && last_trap.err == 0 && (last_trap.cs & 3) == 3, name,
          "vector=%u err=%x cs=%x", last_trap.vector, last_trap.err, last_trap.cs);
}

static void expect_no_fault_at_cpl3(uint32_t (*probe)(void), unsigned iopl, const char *name)
{
    trap_reset();
    run_user(probe, iopl);
    check(last_trap.count == 0, name, "vector=%u err=%x", last_trap.vector, last_trap.err);
}

void group_priv(void)
{
    /* IRET to an outer level enters CPL 3 (SDM Vol. 2A IRET, return to outer privilege). */
    check(run_user(u_cpl, 0) == 3, "priv/iret-enters-cpl3", "cpl != 3");

    /* SYSENTER: CS = SYSENTER_CS, SS = CS + 8, ESP = SYSENTER_ESP, CPL 0; SYSEXIT: CS =
     * SYSENTER_CS + 16 | 3, SS = SYSENTER_CS + 24 | 3 (SDM Vol. 2B SYSENTER/SYSEXIT). */
    static uint8_t sysenter_stack[4096] __attribute__((aligned(16)));
    wrmsr(0x174, SEL_KCODE);
    wrmsr(0x175, (uint32_t)sysenter_stack + sizeof(sysenter_stack));
    wrmsr(0x176, (uint32_t)sysenter_entry);
    sysenter_count = 0;
    uint32_t r = run_user(u_sysenter, 0);
    check(sysenter_count == 1 && sysenter_seen_cs == SEL_KCODE && sysenter_seen_ss == SEL_KDATA &&
              sysenter_seen_esp == (uint32_t)sysenter_stack + sizeof(sysenter_stack),
          "priv/sysenter-enters-cpl0", "count=%u cs=%x ss=%x esp=%x", sysenter_count,
          sysenter_seen_cs, sysenter_seen_ss, sysenter_seen_esp);
    check(r == 0x5e5e && sysexit_cs == SEL_UCODE && sysexit_ss == SEL_UDATA && sysexit_esp_ok,
          "priv/sysexit-returns-cpl3", "eax=%x cs=%x ss=%x esp_ok=%u", r, sysexit_cs, sysexit_ss,
          sysexit_esp_ok);

    expect_gp0_at_cpl3(u_hlt, 0, "priv/hlt-at-cpl3-gp");
    expect_gp0_at_cpl3(u_cli, 0, "priv/cli-at-cpl3-iopl0-gp");
    expect_gp0_at_cpl3(u_mov_cr0, 0, "priv/mov-cr-at-cpl3-gp");
    expect_gp0_at_cpl3(u_rdmsr, 0, "priv/rdmsr-at-cpl3-gp");
    expect_gp0_at_cpl3(u_lgdt, 0, "priv/lgdt-at-cpl3-gp");
    expect_gp0_at_cpl3(u_invlpg, 0, "priv/invlpg-at-cpl3-gp");
    /* I/O at CPL 3 with CPL > IOPL consults the TSS bitmap (SDM Vol. 1 §19.5). All ports denied. */
    expect_gp0_at_cpl3(u_in, 0, "priv/in-at-cpl3-iopl0-gp");
    expect_gp0_at_cpl3(u_out80, 0, "priv/out-at-cpl3-iopl0-gp");
    /* IOPL 3 allows I/O at CPL 3 without the bitmap. */
    expect_no_fault_at_cpl3(u_in, 3, "priv/in-at-cpl3-iopl3-allowed");
    /* A clear bit in the I/O permission bitmap allows that one port at IOPL 0. */
    tss.iomap[0x80 / 8] &= (uint8_t) ~(1u << (0x80 % 8));
    expect_no_fault_at_cpl3(u_out80, 0, "priv/iomap-permits-port");
    expect_gp0_at_cpl3(u_out81, 0, "priv/iomap-denies-neighbour");
    tss.iomap[0x80 / 8] |= (uint8_t)(1u << (0x80 % 8));
    expect_gp0_at_cpl3(u_out80, 0, "priv/iomap-revoked");
}
