/* cpu.c — the battery's GDT, IDT, TSS, trap dispatch and ring-3 entry. */
#include "battery.h"

uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(8)));
uint64_t idt[256] __attribute__((aligned(8)));
uint64_t ldt[4] __attribute__((aligned(8)));
struct tss_with_iomap tss __attribute__((aligned(128)));
static uint8_t ring0_stack[16384] __attribute__((aligned(16)));
static uint8_t user_stack[16384] __attribute__((aligned(16)));

struct trap_record last_trap;
volatile uint32_t expect_resume;
static trap_handler_fn handlers[256];
volatile uint32_t sysenter_seen_cs, sysenter_seen_ss, sysenter_seen_esp, sysenter_count;

/* make_seg: a segment descriptor (SDM Vol. 3A §3.4.5). flags = G|D/B|L|AVL nibble. */
uint64_t make_seg(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    uint64_t d = limit & 0xFFFF;
    d |= (uint64_t)(base & 0xFFFFFF) << 16;
    d |= (uint64_t)access << 40;
    d |= (uint64_t)((limit >> 16) & 0xF) << 48;
    d |= (uint64_t)(flags & 0xF) << 52;
    d |= (uint64_t)(base >> 24) << 56;
    return d;
}

/* set_gate: an IDT gate (SDM Vol. 3A §6.11); type_attr e.g. 0x8E interrupt, 0x8F trap, | DPL<<5. */
void set_gate(unsigned vec, uint32_t handler, uint8_t type_attr)
{
    idt[vec] = (handler & 0xFFFF) | ((uint64_t)SEL_KCODE << 16) | ((uint64_t)type_attr << 40) |
               ((uint64_t)(handler >> 16) << 48);
}

extern const uint32_t isr_table[80];
extern const uint32_t isr_128_addr, isr_129_addr;

void cpu_tables_init(void)
{
    gdt[0] = 0;
    gdt[SEL_KCODE >> 3] = make_seg(0, 0xFFFFF, 0x9A, 0xC);
    gdt[SEL_KDATA >> 3] = make_seg(0, 0xFFFFF, 0x92, 0xC);
    gdt[SEL_UCODE >> 3] = make_seg(0, 0xFFFFF, 0xFA, 0xC);
    gdt[SEL_UDATA >> 3] = make_seg(0, 0xFFFFF, 0xF2, 0xC);
    gdt[SEL_TSS >> 3] = make_seg((uint32_t)&tss, sizeof(tss) - 1, 0x89, 0x0);
    gdt[SEL_SMALL >> 3] = make_seg(SMALL_BASE, 0xFFF, 0x92, 0x4);
    gdt[SEL_LDT >> 3] = make_seg((uint32_t)ldt, sizeof(ldt) - 1, 0x82, 0x0);
    gdt[SEL_KCODE2 >> 3] = make_seg(0, 0xFFFFF, 0x9A, 0xC);
    gdt[SEL_XONLY >> 3] = make_seg(0, 0xFFFFF, 0x98, 0xC);
    gdt[SEL_NP >> 3] = make_seg(0, 0xFFFFF, 0x12, 0xC);
    gdt[SEL_STACK16M >> 3] = make_seg(0, 0xFFF, 0x92, 0xC);
    ldt[1] = make_seg(0, 0xFFFFF, 0xF2, 0xC);

    struct dtr g = {sizeof(gdt) - 1, (uint32_t)gdt};
    __asm__ volatile("lgdt %0" ::"m"(g));
    __asm__ volatile("ljmp %0, $1f\n1:" ::"i"(SEL_KCODE));
    __asm__ volatile(
        "mov %0, %%ds; mov %0, %%es; mov %0, %%fs; mov %0, %%gs; mov %0, %%ss" ::"r"(SEL_KDATA));

    for (unsigned v = 0; v < 80; v++)
        set_gate(v, isr_table[v], 0x8E);
    set_gate(3, isr_table[3], 0xEE);                          /* INT3 from CPL 3 */
    set_gate(4, isr_table[4], 0xEE);                          /* INTO from CPL 3 */
    set_gate(VEC_SYSCALL, isr_128_addr, 0xEF);                /* trap gate, DPL 3 */
    set_gate(VEC_USER_EXIT, (uint32_t)user_exit_entry, 0xEE); /* interrupt gate, DPL 3 */
    (void)isr_129_addr;
    struct dtr i = {sizeof(idt) - 1, (uint32_t)idt};
    __asm__ volatile("lidt %0" ::"m"(i));

    memset(&tss, 0, sizeof(tss));
    tss.tss.ss0 = SEL_KDATA;
    tss.tss.esp0 = (uint32_t)ring0_stack + sizeof(ring0_stack);
    tss.tss.iomap_base = offsetof(struct tss_with_iomap, iomap);
    memset(tss.iomap, 0xFF, sizeof(tss.iomap)); /* every port denied at CPL 3 unless IOPL allows */
    __asm__ volatile("ltr %w0" ::"r"(SEL_TSS));
    __asm__ volatile("lldt %w0" ::"r"(SEL_LDT));
}

void set_trap_handler(unsigned vec, trap_handler_fn fn)
{
    handlers[vec] = fn;
}

void trap_reset(void)
{
    memset(&last_trap, 0, sizeof(last_trap));
    last_trap.vector = 0xFFFFFFFF;
}

static const char *const vector_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "r15", "#MF", "#AC", "#MC", "#XM", "#VE",
};

/* trap_dispatch: called by isr_common with the saved frame; may rewrite it. */
void trap_dispatch(struct trap_frame *f)
{
    if (handlers[f->vector]) {
        handlers[f->vector](f);
        return;
    }
    if (f->vector < 32) {
        last_trap.count++;
        last_trap.vector = f->vector;
        last_trap.err = f->err;
        last_trap.eip = f->eip;
        last_trap.cs = f->cs;
        last_trap.eflags = f->eflags;
        last_trap.cr2 = READ_CR(2);
        last_trap.esp = (uint32_t)&f->user_esp;
        if (expect_resume) {
            f->eip = expect_resume;
            expect_resume = 0;
            return;
        }
        /* Traps (the saved EIP is after the instruction) just continue. */
        if (f->vector == 1 || f->vector == 3 || f->vector == 4)
            return;
        const char *name = vector_names[f->vector] ? vector_names[f->vector] : "?";
        bail_out("unexpected exception %s (vector %u) err=%x at %x:%x cr2=%x", name, f->vector,
                 f->err, f->cs, f->eip, last_trap.cr2);
    }
    bail_out("unexpected interrupt vector %u at %x:%x", f->vector, f->cs, f->eip);
}

uint32_t run_user(uint32_t (*fn)(void), unsigned iopl)
{
    uint32_t saved = read_eflags();
    uint32_t fl = (saved & ~(EFL_IOPL | EFL_TF | EFL_NT | EFL_AC)) | ((iopl & 3) << 12);
    uint32_t r = run_user_asm((uint32_t)fn, (uint32_t)user_stack + sizeof(user_stack), fl);
    write_eflags(saved); /* the exit gate cleared IF */
    return r;
}
