/* test_emu_common.c — the guest, the fake device and the fake ops of the emulator tests. */
#include "tests/test_emu_common.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "shadow_mmu/walk.h"

struct emu_env env;

void put8(uint32_t pa, uint8_t v)
{
    env.ram[pa] = v;
}
void put16(uint32_t pa, uint16_t v)
{
    memcpy(env.ram + pa, &v, 2);
}
void put32(uint32_t pa, uint32_t v)
{
    memcpy(env.ram + pa, &v, 4);
}
uint8_t get8(uint32_t pa)
{
    return env.ram[pa];
}
uint16_t get16(uint32_t pa)
{
    uint16_t v;
    memcpy(&v, env.ram + pa, 2);
    return v;
}
uint32_t get32(uint32_t pa)
{
    uint32_t v;
    memcpy(&v, env.ram + pa, 4);
    return v;
}

/* --- the fake device: reads count up, every access is logged ---------------------- */
static void dev_log(struct fake_dev *d, uint16_t port, unsigned size, int write, uint32_t val)
{
    if (d->n < sizeof(d->log) / sizeof(d->log[0]))
        d->log[d->n] =
            (struct io_access){(uint16_t)(T_PORT_BASE + port), (uint8_t)size, (uint8_t)write, val};
    d->n++;
}

static uint32_t dev_read(void *dev, uint16_t port, unsigned size)
{
    struct fake_dev *d = dev;
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    uint32_t v = d->next_read & mask;
    d->next_read += 0x01010101u;
    dev_log(d, port, size, 0, v);
    return v;
}

static void dev_write(void *dev, uint16_t port, unsigned size, uint32_t val)
{
    dev_log(dev, port, size, 1, val);
}

static const struct io_ops dev_ops = {.read = dev_read, .write = dev_write};

/* --- the fake protection engine ---------------------------------------------------- */
static struct guest_fault note(const char *name)
{
    env.rec.calls++;
    env.rec.name = name;
    return env.rec.fail;
}

static struct guest_fault f_load_seg(struct emu_ctx *ctx, enum seg_reg seg, uint16_t sel)
{
    env.rec.seg = seg;
    env.rec.sel = sel;
    struct guest_fault f = note("load_seg");
    if (!f.raised) {
        ctx->s->seg[seg].sel = sel;
        ctx->s->seg[seg].valid = (sel & ~3) != 0;
    }
    return f;
}

static struct guest_fault f_far_jmp(struct emu_ctx *ctx, uint16_t sel, uint32_t off,
                                    unsigned opsize, uint32_t next_eip)
{
    env.rec.sel = sel;
    env.rec.off = off;
    env.rec.opsize = opsize;
    env.rec.next_eip = next_eip;
    struct guest_fault f = note("far_jmp");
    if (!f.raised) {
        ctx->s->seg[SEG_CS].sel = sel;
        ctx->s->eip = off;
    }
    return f;
}

static struct guest_fault f_far_call(struct emu_ctx *ctx, uint16_t sel, uint32_t off,
                                     unsigned opsize, uint32_t next_eip)
{
    env.rec.sel = sel;
    env.rec.off = off;
    env.rec.opsize = opsize;
    env.rec.next_eip = next_eip;
    struct guest_fault f = note("far_call");
    if (!f.raised) {
        ctx->s->seg[SEG_CS].sel = sel;
        ctx->s->eip = off;
    }
    return f;
}

static struct guest_fault f_far_ret(struct emu_ctx *ctx, unsigned opsize, uint16_t imm)
{
    env.rec.opsize = opsize;
    env.rec.imm = imm;
    struct guest_fault f = note("far_ret");
    if (!f.raised)
        ctx->s->eip = 0x1234;
    return f;
}

static struct guest_fault f_iret(struct emu_ctx *ctx, unsigned opsize)
{
    env.rec.opsize = opsize;
    struct guest_fault f = note("iret");
    if (!f.raised) {
        ctx->s->eip = 0x5678;
        ctx->s->eflags |= EFLAGS_IF;
    }
    return f;
}

static struct guest_fault f_soft_int(struct emu_ctx *ctx, uint8_t vector, enum emu_int_kind kind,
                                     uint32_t next_eip)
{
    env.rec.vector = vector;
    env.rec.kind = kind;
    env.rec.next_eip = next_eip;
    struct guest_fault f = note("soft_int");
    if (!f.raised)
        ctx->s->eip = 0xC0DE;
    return f;
}

static struct guest_fault f_sysenter(struct emu_ctx *ctx)
{
    struct guest_fault f = note("sysenter");
    if (!f.raised)
        ctx->s->eip = ctx->s->sysenter_eip;
    return f;
}

static struct guest_fault f_sysexit(struct emu_ctx *ctx)
{
    struct guest_fault f = note("sysexit");
    if (!f.raised)
        ctx->s->eip = ctx->s->gpr[GPR_EDX];
    return f;
}

static struct guest_fault f_lar(struct emu_ctx *ctx, uint16_t sel, uint32_t *out, bool *zf)
{
    (void)ctx;
    env.rec.sel = sel;
    *out = env.rec.out;
    *zf = env.rec.zf;
    return note("lar");
}

static struct guest_fault f_lsl(struct emu_ctx *ctx, uint16_t sel, uint32_t *out, bool *zf)
{
    (void)ctx;
    env.rec.sel = sel;
    *out = env.rec.out;
    *zf = env.rec.zf;
    return note("lsl");
}

static struct guest_fault f_verr(struct emu_ctx *ctx, uint16_t sel, bool *zf)
{
    (void)ctx;
    env.rec.sel = sel;
    *zf = env.rec.zf;
    return note("verr");
}

static struct guest_fault f_verw(struct emu_ctx *ctx, uint16_t sel, bool *zf)
{
    (void)ctx;
    env.rec.sel = sel;
    *zf = env.rec.zf;
    return note("verw");
}

static struct guest_fault f_lldt(struct emu_ctx *ctx, uint16_t sel)
{
    env.rec.sel = sel;
    struct guest_fault f = note("lldt");
    if (!f.raised) {
        ctx->s->ldtr.sel = sel;
        ctx->s->ldtr.valid = true;
    }
    return f;
}

static struct guest_fault f_ltr(struct emu_ctx *ctx, uint16_t sel)
{
    env.rec.sel = sel;
    struct guest_fault f = note("ltr");
    if (!f.raised)
        ctx->s->tr.sel = sel;
    return f;
}

const struct emu_cpu_ops fake_ops = {
    .load_seg = f_load_seg,
    .far_jmp = f_far_jmp,
    .far_call = f_far_call,
    .far_ret = f_far_ret,
    .iret = f_iret,
    .soft_int = f_soft_int,
    .sysenter = f_sysenter,
    .sysexit = f_sysexit,
    .lar = f_lar,
    .lsl = f_lsl,
    .verr = f_verr,
    .verw = f_verw,
    .lldt = f_lldt,
    .ltr = f_ltr,
};

static uint64_t read_tsc(void *clock_ctx)
{
    return *(uint64_t *)clock_ctx;
}

/* --- the guest ----------------------------------------------------------------------- */
static void put_desc(uint32_t pa, uint32_t base, uint32_t limit, uint16_t attr)
{
    uint32_t lo = (limit & 0xFFFF) | (base << 16);
    uint32_t hi = ((base >> 16) & 0xFF) | ((uint32_t)(attr & 0xFF) << 8) | (limit & 0xF0000) |
                  ((uint32_t)(attr & 0xF00) << 12) | (base & 0xFF000000u);
    put32(pa, lo);
    put32(pa + 4, hi);
}

void set_seg(enum seg_reg seg, uint16_t sel, uint32_t base, uint32_t limit, uint16_t attr)
{
    env.s.seg[seg] =
        (struct seg_cache){.sel = sel, .attr = attr, .base = base, .limit = limit, .valid = true};
}

void set_cpl(unsigned cpl)
{
    env.s.cpl = cpl;
    uint16_t rpl = (uint16_t)cpl;
    set_seg(SEG_CS, (uint16_t)((cpl == 3 ? SEL_UCODE & ~3 : SEL_KCODE) | rpl), 0, 0xFFFFFFFFu,
            ATTR_CODE32(cpl));
    set_seg(SEG_SS, (uint16_t)((cpl == 3 ? SEL_UDATA & ~3 : SEL_KDATA) | rpl), 0, 0xFFFFFFFFu,
            ATTR_DATA32(cpl));
}

void set_iopl(unsigned iopl)
{
    env.s.eflags = (env.s.eflags & ~EFLAGS_IOPL) | (iopl << EFLAGS_IOPL_SHIFT);
}

void iomap_allow(uint16_t port, int allow)
{
    uint32_t at = T_TSS + T_TSS_IOMAP + port / 8;
    uint8_t bit = (uint8_t)(1u << (port & 7));
    env.ram[at] = allow ? (uint8_t)(env.ram[at] & ~bit) : (uint8_t)(env.ram[at] | bit);
}

void enable_paging(uint32_t hole, uint32_t super)
{
    put32(T_PD, T_PT | MMU_PTE_P | MMU_PTE_RW | MMU_PTE_US);
    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t pa = i << 12;
        uint32_t pte = pa | MMU_PTE_P | MMU_PTE_RW | MMU_PTE_US;
        if (hole && pa == hole)
            pte = 0;
        if (super && pa == super)
            pte &= ~MMU_PTE_US;
        put32(T_PT + 4 * i, pte);
    }
    env.s.cr3 = T_PD;
    env.s.cr0 |= CR0_PG;
}

void env_setup(void)
{
    memset(&env, 0, sizeof(env));
    env.ram = calloc(1, T_RAM_BYTES);
    ck_assert_ptr_nonnull(env.ram);
    env.mem = (struct guest_mem){.ram = {.base = env.ram, .size = T_RAM_BYTES}};

    /* GDT: null, kernel code/data, user code/data, TSS, LDT. */
    put_desc(T_GDT + 0x08, 0, 0xFFFFF, ATTR_CODE32(0));
    put_desc(T_GDT + 0x10, 0, 0xFFFFF, ATTR_DATA32(0));
    put_desc(T_GDT + 0x18, 0, 0xFFFFF, ATTR_CODE32(3));
    put_desc(T_GDT + 0x20, 0, 0xFFFFF, ATTR_DATA32(3));
    put_desc(T_GDT + 0x28, T_TSS, T_TSS_LIMIT, ATTR_TSS32_BUSY);
    /* TSS: I/O map base at 0x66, every port denied, the trailing 0xFF byte. */
    put16(T_TSS + 0x66, T_TSS_IOMAP);
    memset(env.ram + T_TSS + T_TSS_IOMAP, 0xFF, 0x2001);

    struct vcpu_state *s = &env.s;
    s->cr0 = CR0_PE | CR0_ET;
    s->eflags = EFLAGS_FIXED;
    s->gdtr = (struct dtable_reg){.base = T_GDT, .limit = 0x37};
    s->idtr = (struct dtable_reg){.base = 0x2000, .limit = 0x7FF};
    set_cpl(0);
    for (int seg = SEG_ES; seg < SEG_COUNT; seg++)
        if (seg != SEG_CS && seg != SEG_SS)
            set_seg((enum seg_reg)seg, SEL_UDATA, 0, 0xFFFFFFFFu, ATTR_DATA32(3));
    s->tr = (struct seg_cache){.sel = SEL_TSS,
                               .attr = ATTR_TSS32_BUSY,
                               .base = T_TSS,
                               .limit = T_TSS_LIMIT,
                               .valid = true};
    s->ldtr = (struct seg_cache){.sel = 0};
    s->gpr[GPR_ESP] = T_STACK_TOP;
    s->eip = T_CODE;
    s->dr[6] = 0xFFFF0FF0u;
    s->dr[7] = 0x400;

    io_bus_init(&env.bus);
    ck_assert_int_eq(
        io_bus_register(&env.bus, T_PORT_BASE, T_PORT_COUNT, 4, &dev_ops, &env.dev, "fake"), IO_OK);
    env.dev.next_read = 0x44332211u;
    emu_ctx_init(&env.ctx, &env.s, &env.mem, &env.bus, &fake_ops, NULL);
    env.ctx.read_tsc = read_tsc;
    env.ctx.clock_ctx = &env.tsc;
    ck_assert_int_eq(decoder_init(&env.dec32, CODE_32), 0);
    ck_assert_int_eq(decoder_init(&env.dec16, CODE_16), 0);
}

void env_teardown(void)
{
    free(env.ram);
    env.ram = NULL;
}

static struct emu_result run(const struct decoder *dec, const uint8_t *bytes, size_t n)
{
    enum decode_status st = decode_insn(dec, bytes, n, &env.last);
    ck_assert_msg(st == DECODE_OK, "decode: %s", decode_status_name(st));
    ck_assert_uint_eq(env.last.len, n);
    if (env.s.eip + n <= T_RAM_BYTES)
        memcpy(env.ram + env.s.eip, bytes, n);
    return emu_exec(&env.ctx, &env.last, env.s.eip);
}

struct emu_result run32(const uint8_t *bytes, size_t n)
{
    return run(&env.dec32, bytes, n);
}

struct emu_result run16(const uint8_t *bytes, size_t n)
{
    return run(&env.dec16, bytes, n);
}
