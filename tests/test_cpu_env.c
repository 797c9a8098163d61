/* test_cpu_env.c — the shared protected-mode fixture of the protection engine tests. */
#include "tests/test_cpu_env.h"
#include "monitor/world.h"
#include "shadow_mmu/walk.h"

#include <stdlib.h>
#include <string.h>

uint8_t *env_ram;
struct guest_mem env_mem;
struct vcpu_state env_s;
unsigned env_writes;

static void note_write(void *ctx, uint32_t gpa, uint32_t len)
{
    (void)ctx;
    (void)gpa;
    env_writes += len;
}

uint32_t env_rd32(uint32_t pa)
{
    uint32_t v;
    memcpy(&v, env_ram + pa, 4);
    return v;
}

uint16_t env_rd16(uint32_t pa)
{
    uint16_t v;
    memcpy(&v, env_ram + pa, 2);
    return v;
}

void env_wr32(uint32_t pa, uint32_t v)
{
    memcpy(env_ram + pa, &v, 4);
}

void env_wr16(uint32_t pa, uint16_t v)
{
    memcpy(env_ram + pa, &v, 2);
}

void env_put_desc(uint32_t table, unsigned index, uint32_t base, uint32_t limit, unsigned type,
                  bool s, unsigned dpl, bool present, bool db, bool g)
{
    uint32_t lo = (limit & 0xFFFFu) | (base << 16);
    uint32_t hi = ((base >> 16) & 0xFFu) | (type << 8) | (s ? 1u << 12 : 0) | (dpl << 13) |
                  (present ? 1u << 15 : 0) | (limit & 0xF0000u) | (db ? 1u << 22 : 0) |
                  (g ? 1u << 23 : 0) | (base & 0xFF000000u);
    env_wr32(table + index * 8, lo);
    env_wr32(table + index * 8 + 4, hi);
}

void env_put_gate(uint32_t table, unsigned index, unsigned type, unsigned dpl, bool present,
                  uint16_t sel, uint32_t offset, unsigned params)
{
    uint32_t lo = (offset & 0xFFFFu) | ((uint32_t)sel << 16);
    uint32_t hi = (offset & 0xFFFF0000u) | (present ? 1u << 15 : 0) | (dpl << 13) | (type << 8) |
                  (params & 0x1Fu);
    env_wr32(table + index * 8, lo);
    env_wr32(table + index * 8 + 4, hi);
}

unsigned env_gdt_type(unsigned index)
{
    return env_ram[ENV_GDT + index * 8 + 5] & 0xFu;
}

struct seg_cache env_flat(uint16_t sel, unsigned type, unsigned dpl)
{
    return (struct seg_cache){
        .sel = sel,
        .attr = (uint16_t)(type | SEG_ATTR_S | (dpl << 5) | SEG_ATTR_P | SEG_ATTR_DB | SEG_ATTR_G),
        .base = 0,
        .limit = 0xFFFFFFFFu,
        .valid = true,
    };
}

void env_setup(void)
{
    env_ram = calloc(1, ENV_RAM);
    env_mem = (struct guest_mem){.ram = {.base = env_ram, .size = ENV_RAM}, .on_write = note_write};
    env_writes = 0;

    /* Code type 0xA = execute/read, data 0x2 = read/write, both with A = 0. */
    env_put_desc(ENV_GDT, 1, 0, 0xFFFFF, 0xA, true, 0, true, true, true);
    env_put_desc(ENV_GDT, 2, 0, 0xFFFFF, 0x2, true, 0, true, true, true);
    env_put_desc(ENV_GDT, 3, 0, 0xFFFFF, 0xA, true, 3, true, true, true);
    env_put_desc(ENV_GDT, 4, 0, 0xFFFFF, 0x2, true, 3, true, true, true);
    env_put_desc(ENV_GDT, 5, ENV_TSS, 0x67, 0xB, false, 0, true, false, false);
    env_put_desc(ENV_GDT, 6, ENV_LDT, 0x3F, 0x2, false, 0, true, false, false);
    env_put_desc(ENV_GDT, 7, 0, 0xFFFFF, 0xA, true, 1, true, true, true);
    env_put_desc(ENV_GDT, 8, 0, 0xFFFFF, 0x2, true, 1, true, true, true);
    env_put_desc(ENV_GDT, 9, 0, 0xFFFFF, 0xE, true, 0, true, true, true);

    /* TSS: ESP0/SS0, ESP1/SS1 (SS RPL = level). */
    env_wr32(ENV_TSS + 4, ENV_ESP0);
    env_wr16(ENV_TSS + 8, SEL_KDATA);
    env_wr32(ENV_TSS + 12, ENV_ESP1);
    env_wr16(ENV_TSS + 16, SEL_R1DATA | 1);

    memset(&env_s, 0, sizeof env_s);
    struct vcpu_state *s = &env_s;
    s->cr0 = CR0_PE | CR0_ET;
    s->eflags = ENV_FLAGS;
    s->eip = ENV_EIP;
    s->gpr[GPR_ESP] = ENV_ESP;
    s->cpl = 0;
    s->seg[SEG_CS] = env_flat(SEL_KCODE, 0xB, 0);
    for (int r = 0; r < SEG_COUNT; r++)
        if (r != SEG_CS)
            s->seg[r] = env_flat(SEL_KDATA, 0x3, 0);
    s->gdtr = (struct dtable_reg){.base = ENV_GDT, .limit = GDT_ENTRIES * 8 - 1};
    s->idtr = (struct dtable_reg){.base = ENV_IDT, .limit = 256 * 8 - 1};
    s->ldtr = (struct seg_cache){
        .sel = SEL_LDT, .attr = 0x2 | SEG_ATTR_P, .base = ENV_LDT, .limit = 0x3F, .valid = true};
    s->tr = (struct seg_cache){
        .sel = SEL_TSS, .attr = 0xB | SEG_ATTR_P, .base = ENV_TSS, .limit = 0x67, .valid = true};
}

void env_teardown(void)
{
    free(env_ram);
    env_ram = NULL;
}

void env_user_mode(void)
{
    struct vcpu_state *s = &env_s;
    s->cpl = 3;
    s->seg[SEG_CS] = env_flat(SEL_UCODE | 3, 0xB, 3);
    for (int r = 0; r < SEG_COUNT; r++)
        if (r != SEG_CS)
            s->seg[r] = env_flat(SEL_UDATA | 3, 0x3, 3);
    s->gpr[GPR_ESP] = ENV_USP;
    s->eip = ENV_EIP;
}

void env_paging_on(void)
{
    /* A and D preset, so that walks write nothing and RAM snapshots stay comparable. */
    uint32_t ad = MMU_PTE_A | MMU_PTE_D;
    env_wr32(ENV_PD, ENV_PT | MMU_PTE_P | MMU_PTE_RW | MMU_PTE_US | MMU_PTE_A);
    for (uint32_t i = 0; i < 1024; i++)
        env_wr32(ENV_PT + i * 4, (i << 12) | MMU_PTE_P | MMU_PTE_RW | MMU_PTE_US | ad);
    env_s.cr3 = ENV_PD;
    env_s.cr0 |= CR0_PG;
}

void env_set_pte(uint32_t lin, uint32_t flags)
{
    env_wr32(ENV_PT + (lin >> 12) * 4, (lin & 0xFFFFF000u) | flags);
}

bool env_cache_eq(const struct seg_cache *a, const struct seg_cache *b)
{
    return a->sel == b->sel && a->attr == b->attr && a->base == b->base && a->limit == b->limit &&
           a->valid == b->valid;
}

bool env_state_eq(const struct vcpu_state *a, const struct vcpu_state *b)
{
    if (memcmp(a->gpr, b->gpr, sizeof a->gpr) != 0 || a->eip != b->eip || a->eflags != b->eflags ||
        a->cpl != b->cpl)
        return false;
    for (int r = 0; r < SEG_COUNT; r++)
        if (!env_cache_eq(&a->seg[r], &b->seg[r]))
            return false;
    if (!env_cache_eq(&a->ldtr, &b->ldtr) || !env_cache_eq(&a->tr, &b->tr))
        return false;
    if (a->gdtr.base != b->gdtr.base || a->gdtr.limit != b->gdtr.limit ||
        a->idtr.base != b->idtr.base || a->idtr.limit != b->idtr.limit)
        return false;
    if (a->cr0 != b->cr0 || a->cr2 != b->cr2 || a->cr3 != b->cr3 || a->cr4 != b->cr4)
        return false;
    if (memcmp(a->dr, b->dr, sizeof a->dr) != 0 || a->sysenter_cs != b->sysenter_cs ||
        a->sysenter_esp != b->sysenter_esp || a->sysenter_eip != b->sysenter_eip)
        return false;
    return a->inhibit_irq == b->inhibit_irq && a->inhibit_eip == b->inhibit_eip &&
           a->halted == b->halted;
}

void env_snap(struct env_snapshot *snap)
{
    snap->s = env_s;
    snap->ram = malloc(ENV_RAM);
    memcpy(snap->ram, env_ram, ENV_RAM);
    env_writes = 0;
}

bool env_unchanged(struct env_snapshot *snap)
{
    bool same = env_state_eq(&snap->s, &env_s) && memcmp(snap->ram, env_ram, ENV_RAM) == 0;
    free(snap->ram);
    snap->ram = NULL;
    return same;
}
