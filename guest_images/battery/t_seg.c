/* t_seg.c — segment registers, CPL in CS.RPL, LAR/LSL/VERR/VERW, limits, far transfers. */
#include "battery.h"

static uint32_t user_cs_ss(void)
{
    uint32_t cs, ss;
    __asm__ volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
    return (cs & 0xFFFF) | (ss << 16);
}

/* lar/lsl/verr/verw return ZF as 1/0 and the result. */
static int lar(uint32_t sel, uint32_t *out)
{
    uint8_t zf;
    uint32_t v = 0xDEADBEEF;
    __asm__ volatile("lar %2, %0; setz %1" : "+r"(v), "=q"(zf) : "r"(sel) : "cc");
    *out = v;
    return zf;
}
static int lsl(uint32_t sel, uint32_t *out)
{
    uint8_t zf;
    uint32_t v = 0xDEADBEEF;
    __asm__ volatile("lsl %2, %0; setz %1" : "+r"(v), "=q"(zf) : "r"(sel) : "cc");
    *out = v;
    return zf;
}
static int verr(uint16_t sel)
{
    uint8_t zf;
    __asm__ volatile("verr %w1; setz %0" : "=q"(zf) : "r"(sel) : "cc");
    return zf;
}
static int verw(uint16_t sel)
{
    uint8_t zf;
    __asm__ volatile("verw %w1; setz %0" : "=q"(zf) : "r"(sel) : "cc");
    return zf;
}

static uint32_t user_priv_checks(void)
{
    uint32_t v;
    /* bit 0: VERR of DPL-0 data at CPL 3 fails; bit 1: VERR of DPL-3 data succeeds;
     * bit 2: LAR of DPL-0 data fails; bit 3: LAR of DPL-3 code succeeds. */
    return (uint32_t)(!verr(SEL_KDATA)) | (uint32_t)verr(SEL_UDATA) << 1 |
           (uint32_t)(!lar(SEL_KDATA, &v)) << 2 | (uint32_t)lar(SEL_UCODE, &v) << 3;
}

static volatile uint32_t far_marker;
static uint32_t far_pushed_cs, far_seen_cs;

void group_seg(void)
{
    /* MOV to and from segment registers round-trips the selector (SDM Vol. 2B MOV). */
    uint32_t v = 0;
    __asm__ volatile("mov %1, %%fs; mov %%fs, %0; mov %2, %%fs"
                     : "=r"(v)
                     : "r"(SEL_UDATA), "r"(SEL_KDATA));
    check(v == SEL_UDATA, "seg/mov-sreg-roundtrip", "fs=%x", v);

    /* PUSH sreg in 32-bit mode moves ESP by 4; POP sreg loads it (SDM Vol. 2B PUSH). */
    uint32_t before, after, gs = 0;
    __asm__ volatile("mov %%esp, %0; push %%ds; mov %%esp, %1; pop %%gs; mov %%gs, %2"
                     : "=r"(before), "=r"(after), "=r"(gs));
    check(before - after == 4 && gs == SEL_KDATA, "seg/push-pop-sreg", "delta=%u gs=%x",
          before - after, gs);

    uint32_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    /* SDM Vol. 3A §5.5: CPL is CS.RPL; the guest kernel must see 0. */
    check((cs & 3) == 0 && cs == SEL_KCODE, "seg/cs-rpl-is-cpl0", "cs=%x", cs);
    uint32_t u = run_user(user_cs_ss, 0);
    check((u & 0xFFFF) == SEL_UCODE && (u >> 16) == SEL_UDATA, "seg/cs-ss-rpl-is-cpl3",
          "cs=%x ss=%x", u & 0xFFFF, u >> 16);

    /* LAR: access rights of the descriptor masked with 0x00F0FF00 (SDM Vol. 2A LAR). */
    uint32_t ar;
    int zf = lar(SEL_KCODE, &ar);
    /* Bits 19:16 (limit 19:16) are undefined for LAR: compare under 0x00F0FF00. The
     * accessed bit (bit 8) is left out: a CPU sets it when CS is loaded (SDM Vol. 3A
     * §3.4.5.1), QEMU's TCG does not on far jumps. */
    check(zf && (ar & 0x00F0FE00) == 0x00C09A00, "seg/lar-kernel-code", "zf=%d ar=%x", zf, ar);
    zf = lar(0, &ar);
    check(!zf && ar == 0xDEADBEEF, "seg/lar-null-fails", "zf=%d ar=%x", zf, ar);
    zf = lar(GDT_ENTRIES * 8 + 8, &ar);
    check(!zf, "seg/lar-beyond-gdt-limit-fails", "zf=%d", zf);
    zf = lar(0x0C | 4, &ar); /* LDT index 1: DPL-3 data */
    check(zf && (ar & 0x00F0FF00) == 0x00C0F200, "seg/lar-ldt-descriptor", "zf=%d ar=%x", zf, ar);

    /* LSL: the byte-granular limit, scaled when G=1 (SDM Vol. 2A LSL). */
    uint32_t lim;
    int z1 = lsl(SEL_SMALL, &lim);
    uint32_t lim2;
    int z2 = lsl(SEL_KDATA, &lim2);
    check(z1 && lim == 0xFFF && z2 && lim2 == 0xFFFFFFFF, "seg/lsl-small-and-flat",
          "small=%d/%x flat=%d/%x", z1, lim, z2, lim2);

    /* VERR/VERW: readable code passes VERR, code never passes VERW, writable data passes both. */
    check(verr(SEL_KCODE) && !verw(SEL_KCODE) && verr(SEL_KDATA) && verw(SEL_KDATA) &&
              !verr(SEL_XONLY),
          "seg/verr-verw-types", "code r%d w%d data r%d w%d xonly r%d", verr(SEL_KCODE),
          verw(SEL_KCODE), verr(SEL_KDATA), verw(SEL_KDATA), verr(SEL_XONLY));

    /* At CPL 3, DPL < CPL makes VERR and LAR fail (SDM Vol. 2B VERR, Vol. 2A LAR). */
    uint32_t p = run_user(user_priv_checks, 0);
    check(p == 0xF, "seg/verr-lar-privilege-at-cpl3", "bits=%x", p);

    /* A selector beyond the GDT limit raises #GP(selector) (SDM Vol. 3A §6.15 #GP). */
    trap_reset();
    TRY_ASM("mov %0, %%ds", ::"r"(0x1F8));
    __asm__ volatile("mov %0, %%ds" ::"r"(SEL_KDATA));
    check(last_trap.vector == 13 && last_trap.err == 0x1F8, "seg/load-beyond-gdt-gp",
          "vector=%u err=%x", last_trap.vector, last_trap.err);

    /* SS must be a writable data segment with DPL = CPL (SDM Vol. 2B MOV: #GP(selector)). */
    trap_reset();
    TRY_ASM("mov %0, %%ss", ::"r"(SEL_UDATA));
    check(last_trap.vector == 13 && last_trap.err == (SEL_UDATA & ~3u), "seg/ss-dpl-mismatch-gp",
          "vector=%u err=%x", last_trap.vector, last_trap.err);

    /* An execute-only code segment cannot be loaded into DS: #GP(selector). */
    trap_reset();
    TRY_ASM("mov %0, %%ds", ::"r"(SEL_XONLY));
    __asm__ volatile("mov %0, %%ds" ::"r"(SEL_KDATA));
    check(last_trap.vector == 13 && last_trap.err == SEL_XONLY, "seg/xonly-code-into-ds-gp",
          "vector=%u err=%x", last_trap.vector, last_trap.err);

    /* A not-present data segment raises #NP(selector). */
    trap_reset();
    TRY_ASM("mov %0, %%es", ::"r"(SEL_NP));
    __asm__ volatile("mov %0, %%es" ::"r"(SEL_KDATA));
    check(last_trap.vector == 11 && last_trap.err == SEL_NP, "seg/not-present-np",
          "vector=%u err=%x", last_trap.vector, last_trap.err);

    /* A small-limit segment: base applies, access past the limit raises #GP(0). */
    volatile uint32_t *flat = (volatile uint32_t *)(SMALL_BASE + 0x10);
    *flat = 0;
    __asm__ volatile("mov %0, %%fs; movl $0x5a5a1234, %%fs:0x10; mov %1, %%fs" ::"r"(SEL_SMALL),
                     "r"(SEL_KDATA)
                     : "memory");
    check(*flat == 0x5a5a1234, "seg/small-segment-base", "flat=%x", *flat);
    trap_reset();
    TRY_ASM("mov %0, %%fs; movl %%fs:0xFFE, %%eax", ::"r"(SEL_SMALL) : "eax");
    __asm__ volatile("mov %0, %%fs" ::"r"(SEL_KDATA));
    check(last_trap.vector == 13 && last_trap.err == 0, "seg/limit-violation-gp0",
          "vector=%u err=%x", last_trap.vector, last_trap.err);

    /* A stack-segment limit violation raises #SS(0) (SDM Vol. 3A §6.15 #SS). */
    trap_reset();
    TRY_ASM("mov %%ss, %%edx; mov %0, %%ss; movl (%%esp, %1), %%eax; mov %%edx, %%ss",
            ::"r"(SEL_STACK16M), "r"(0x02000000)
            : "eax", "edx");
    __asm__ volatile("mov %0, %%ss" ::"r"(SEL_KDATA));
    check(last_trap.vector == 12 && last_trap.err == 0, "seg/stack-limit-ss", "vector=%u err=%x",
          last_trap.vector, last_trap.err);

    /* Far JMP to another code segment and back changes CS (SDM Vol. 2A JMP far). */
    uint32_t mid_cs = 0;
    __asm__ volatile("ljmp %1, $1f\n1: mov %%cs, %0\n\tljmp %2, $2f\n2:"
                     : "=r"(mid_cs)
                     : "i"(SEL_KCODE2), "i"(SEL_KCODE));
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    check(mid_cs == SEL_KCODE2 && cs == SEL_KCODE, "seg/far-jmp", "mid=%x after=%x", mid_cs, cs);

    /* Far CALL pushes CS:EIP; far RET pops them (SDM Vol. 2A CALL far). */
    far_marker = 0;
    __asm__ volatile("lcall %2, $3f\n\t"
                     "jmp 4f\n"
                     "3: mov 4(%%esp), %%eax\n\t"
                     "mov %%eax, %0\n\t"
                     "mov %%cs, %%eax\n\t"
                     "mov %%eax, %1\n\t"
                     "movl $1, far_marker\n\t"
                     "lret\n"
                     "4:"
                     : "=m"(far_pushed_cs), "=m"(far_seen_cs)
                     : "i"(SEL_KCODE2)
                     : "eax", "memory");
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    check(far_marker == 1 && far_pushed_cs == SEL_KCODE && far_seen_cs == SEL_KCODE2 &&
              cs == SEL_KCODE,
          "seg/far-call-ret", "marker=%u pushed=%x seen=%x after=%x", far_marker, far_pushed_cs,
          far_seen_cs, cs);
}
