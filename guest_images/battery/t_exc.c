/* t_exc.c — exception vectors, error codes, CR2, gates, IRET. */
#include "battery.h"

static volatile uint32_t soft_count;
static void on_soft(struct trap_frame *f)
{
    soft_count++;
    f->eax = 0x600d;
}

static uint32_t seen_esp, seen_ss, seen_cs_pushed, seen_ss_pushed, seen_if;
static void on_syscall(struct trap_frame *f)
{
    uint32_t ss;
    __asm__ volatile("mov %%ss, %0" : "=r"(ss));
    seen_ss = ss;
    seen_esp = (uint32_t)(&f->user_ss + 1);
    seen_cs_pushed = f->cs;
    seen_ss_pushed = f->user_ss;
    seen_if = read_eflags() & EFL_IF;
    f->eax = f->eax * 2 + 1;
}

static uint32_t user_syscall(void)
{
    uint32_t v = 20;
    __asm__ volatile("int $0x80" : "+a"(v));
    return v;
}

static uint32_t user_int_dpl0(void)
{
    /* INT 0x40 through a DPL-0 gate at CPL 3: #GP(0x40*8+2) (SDM Vol. 3A §6.12.1.1). */
    TRY_ASM("int $0x40");
    return 0;
}

void group_exc(void)
{
    /* #DE: a fault, EIP at the DIV (SDM Vol. 3A §6.15 interrupt 0). */
    uint32_t at;
    trap_reset();
    TRY_ASM("movl $2f, %0; xor %%edx, %%edx; xor %%ecx, %%ecx; mov $1, %%eax\n2: div %%ecx",
            : "=m"(at)::"eax", "ecx", "edx");
    check(last_trap.vector == 0 && last_trap.eip == at, "exc/de-divide-by-zero",
          "vector=%u eip=%x want %x", last_trap.vector, last_trap.eip, at);

    /* #BP: a trap, EIP after INT3. */
    trap_reset();
    __asm__ volatile("int3\n2: movl $2b, %0" : "=m"(at));
    check(last_trap.vector == 3 && last_trap.eip == at, "exc/bp-int3", "vector=%u eip=%x want %x",
          last_trap.vector, last_trap.eip, at);

    /* #OF: INTO traps only when OF=1. */
    trap_reset();
    __asm__ volatile("xor %%eax, %%eax; into" ::: "eax", "cc");
    uint32_t none = last_trap.count;
    __asm__ volatile("mov $0x7f, %%al; add $1, %%al; into\n2: movl $2b, %0"
                     : "=m"(at)::"eax", "cc");
    check(none == 0 && last_trap.vector == 4 && last_trap.eip == at, "exc/of-into",
          "clean=%u vector=%u eip=%x want %x", none, last_trap.vector, last_trap.eip, at);

    /* #BR: BOUND with the index outside [lower, upper] (SDM Vol. 2A BOUND). */
    static int32_t bounds[2] = {10, 20};
    trap_reset();
    int32_t idx = 15;
    __asm__ volatile("bound %0, %1" ::"r"(idx), "m"(bounds));
    uint32_t clean = last_trap.count;
    idx = 21;
    TRY_ASM("movl $2f, %0\n2: bound %1, %2", : "=m"(at) : "r"(idx), "m"(bounds));
    check(clean == 0 && last_trap.vector == 5 && last_trap.eip == at, "exc/br-bound",
          "clean=%u vector=%u eip=%x want %x", clean, last_trap.vector, last_trap.eip, at);

    /* #UD: UD2. */
    trap_reset();
    TRY_ASM("movl $2f, %0\n2: ud2", : "=m"(at));
    check(last_trap.vector == 6 && last_trap.eip == at, "exc/ud-ud2", "vector=%u eip=%x",
          last_trap.vector, last_trap.eip);

    /* #NM: x87 instruction with CR0.TS=1; CLTS clears it (SDM Vol. 3A §6.15 interrupt 7). */
    trap_reset();
    WRITE_CR(0, READ_CR(0) | CR0_TS);
    TRY_ASM("fninit");
    uint32_t nm = last_trap.vector;
    __asm__ volatile("clts");
    uint32_t cr0 = READ_CR(0);
    trap_reset();
    __asm__ volatile("fninit");
    check(nm == 7 && !(cr0 & CR0_TS) && last_trap.count == 0, "exc/nm-ts-then-clts",
          "vector=%u cr0=%x", nm, cr0);

    /* INT n through an interrupt gate and IRET to the same level. */
    set_trap_handler(0x41, on_soft);
    soft_count = 0;
    uint32_t ret = 0;
    uint32_t esp_before, esp_after;
    __asm__ volatile("mov %%esp, %1; int $0x41; mov %%esp, %2"
                     : "=a"(ret), "=r"(esp_before), "=r"(esp_after)
                     : "a"(0));
    check(soft_count == 1 && ret == 0x600d && esp_before == esp_after, "exc/int-iret-same-level",
          "count=%u eax=%x esp %x->%x", soft_count, ret, esp_before, esp_after);
    set_trap_handler(0x41, 0);

    /* INT to a not-present gate: #NP with error code vector*8+2 (IDT bit). */
    uint64_t saved = idt[0x42];
    idt[0x42] &= ~(1ull << 47);
    trap_reset();
    TRY_ASM("int $0x42");
    idt[0x42] = saved;
    check(last_trap.vector == 11 && last_trap.err == 0x42 * 8 + 2, "exc/int-not-present-gate-np",
          "vector=%u err=%x", last_trap.vector, last_trap.err);

    /* INT n from CPL 3 through a DPL-0 gate: #GP(vector*8+2). */
    trap_reset();
    run_user(user_int_dpl0, 0);
    check(last_trap.vector == 13 && last_trap.err == 0x40 * 8 + 2 && (last_trap.cs & 3) == 3,
          "exc/int-gate-dpl-below-cpl-gp", "vector=%u err=%x cs=%x", last_trap.vector,
          last_trap.err, last_trap.cs);

    /* INT 0x80 from CPL 3: stack switch to TSS.SS0:ESP0, frame with user SS:ESP, CS:EIP
     * (SDM Vol. 3A §6.12.1 figure 6-4); a trap gate leaves IF as it was. */
    set_trap_handler(VEC_SYSCALL, on_syscall);
    __asm__ volatile("sti");
    uint32_t r = run_user(user_syscall, 0);
    __asm__ volatile("cli");
    set_trap_handler(VEC_SYSCALL, 0);
    check(r == 41, "exc/int80-syscall-returns", "eax=%u", r);
    check(seen_ss == SEL_KDATA && seen_esp == tss.tss.esp0, "exc/int80-tss-stack-switch",
          "ss=%x esp=%x want %x", seen_ss, seen_esp, tss.tss.esp0);
    check(seen_cs_pushed == SEL_UCODE && seen_ss_pushed == SEL_UDATA, "exc/int80-frame-selectors",
          "cs=%x ss=%x", seen_cs_pushed, seen_ss_pushed);
    check(seen_if != 0, "exc/trap-gate-keeps-if", "if=%x", seen_if);

    /* An interrupt gate clears IF in the handler (SDM Vol. 3A §6.12.1.3). */
    set_trap_handler(0x41, on_syscall);
    __asm__ volatile("sti; int $0x41; cli" ::: "eax", "memory");
    set_trap_handler(0x41, 0);
    check(seen_if == 0, "exc/interrupt-gate-clears-if", "if=%x", seen_if);
}
