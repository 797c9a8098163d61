/* t_smc.c — self-modifying and cross-modifying code (SDM Vol. 3A §8.1.3). */
#include "battery.h"

uint32_t smc_target(void);
uint32_t smc_ahead(uint32_t v);
extern uint8_t smc_target_imm[4];
extern const uint8_t smc_template[], smc_template_end[];

static uint8_t code_page[4096] __attribute__((aligned(4096)));
static uint32_t code_alias_pt[1024] __attribute__((aligned(4096)));
#define CODE_ALIAS_W 0x50000000u /* written through here */
#define CODE_ALIAS_X 0x50001000u /* executed through here */

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

void group_smc(void)
{
    /* Patch an instruction in place and run it again. */
    uint32_t a = smc_target();
    put32(smc_target_imm, 0x44444444);
    uint32_t b = smc_target();
    put32(smc_target_imm, 0x11111111);
    check(a == 0x11111111 && b == 0x44444444, "smc/patch-in-place", "before=%x after=%x", a, b);

    /* A store to the next instruction of the same straight-line block. */
    uint32_t r1 = smc_ahead(0x55555555), r2 = smc_ahead(0x66666666);
    check(r1 == 0x55555555 && r2 == 0x66666666, "smc/store-to-next-instruction", "r1=%x r2=%x", r1,
          r2);

    /* Code generated into a buffer, run, regenerated, run again — many times. */
    uint32_t n = smc_template_end - smc_template, bad = 0;
    for (uint32_t i = 0; i < 64; i++) {
        memcpy(code_page, smc_template, n);
        put32(code_page + 1, 0x1000 + i);
        uint32_t got = ((uint32_t(*)(void))(uintptr_t)code_page)();
        bad += got != 0x1000 + i;
    }
    check(bad == 0, "smc/regenerate-buffer", "%u wrong results", bad);

    /* Two linear aliases of one frame: write through one, execute through the other. */
    paging_enable();
    page_dir[CODE_ALIAS_W >> 22] = (uint32_t)code_alias_pt | PTE_P | PTE_W;
    code_alias_pt[0] = (uint32_t)code_page | PTE_P | PTE_W;
    code_alias_pt[1] = (uint32_t)code_page | PTE_P;
    flush_tlb();
    uint8_t *w = (uint8_t *)CODE_ALIAS_W;
    uint32_t (*x)(void) = (uint32_t(*)(void))(uintptr_t)CODE_ALIAS_X;
    memcpy(w, smc_template, n);
    put32(w + 1, 0xAAAA0001);
    uint32_t first = x();
    put32(w + 1, 0xAAAA0002);
    uint32_t second = x();
    check(first == 0xAAAA0001 && second == 0xAAAA0002, "smc/write-alias-exec-other",
          "first=%x second=%x", first, second);

    /* The page just executed is rewritten with different code through the same linear alias. */
    static const uint8_t inc_eax_ret[] = {0x31, 0xc0, 0x40, 0x40, 0x40, 0xc3}; /* xor;inc x3;ret */
    memcpy(w, inc_eax_ret, sizeof(inc_eax_ret));
    uint32_t third = x();
    check(third == 3, "smc/replace-code-via-alias", "result=%x", third);
    paging_disable();
}
