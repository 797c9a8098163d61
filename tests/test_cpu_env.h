/* test_cpu_env.h — a small protected-mode machine in a heap buffer for the protection
 * engine tests: GDT, LDT, IDT and a 32-bit TSS in guest RAM, paging off unless a test
 * turns it on, and a vCPU at CPL 0 with flat segments.
 *
 * Guest-physical layout (identity-mapped when paging is on):
 *   0x1000 GDT (32 entries)   0x2000 LDT (8 entries)   0x3000 IDT (256 gates)
 *   0x4000 TSS (limit 0x67)   0x7F00 user ESP          0xA000 ESP0   0xB000 ESP1
 *   0x10000 page directory    0x11000 page table (first 4 MiB) */
#ifndef BT386_TESTS_TEST_CPU_ENV_H
#define BT386_TESTS_TEST_CPU_ENV_H

#include "monitor/guest_access.h"
#include "monitor/vcpu.h"

#include <stdbool.h>
#include <stdint.h>

#define ENV_RAM   (2u << 20)
#define ENV_GDT   0x1000u
#define ENV_LDT   0x2000u
#define ENV_IDT   0x3000u
#define ENV_TSS   0x4000u
#define ENV_USP   0x7F00u
#define ENV_ESP0  0xA000u
#define ENV_ESP1  0xB000u
#define ENV_PD    0x10000u
#define ENV_PT    0x11000u
#define ENV_ESP   0x9000u /* kernel ESP of the initial CPL-0 state */
#define ENV_EIP   0x5000u
#define ENV_FLAGS 0x00000202u /* IF = 1 */

/* GDT selectors of the base environment (index << 3). */
enum {
    SEL_KCODE = 0x08,  /* DPL 0 code, execute/read, flat 32-bit, A = 0 */
    SEL_KDATA = 0x10,  /* DPL 0 data, read/write, flat, A = 0 */
    SEL_UCODE = 0x18,  /* DPL 3 code, execute/read, flat 32-bit, A = 0 */
    SEL_UDATA = 0x20,  /* DPL 3 data, read/write, flat, A = 0 */
    SEL_TSS = 0x28,    /* 32-bit TSS at ENV_TSS, limit 0x67, busy (loaded in TR) */
    SEL_LDT = 0x30,    /* LDT at ENV_LDT, limit 0x3F */
    SEL_R1CODE = 0x38, /* DPL 1 code, execute/read */
    SEL_R1DATA = 0x40, /* DPL 1 data, read/write */
    SEL_KCONF = 0x48,  /* DPL 0 conforming code, execute/read */
    SEL_FREE = 0x50,   /* indices 10..31 are free for each test */
};
#define GDT_ENTRIES 32

/* The shared fixture: RAM, memory view and vCPU, reset by env_setup(). */
extern uint8_t *env_ram;
extern struct guest_mem env_mem;
extern struct vcpu_state env_s;
extern unsigned env_writes; /* bytes the operation under test wrote (on_write) */

void env_setup(void);
void env_teardown(void);

/* Raw little-endian accesses to guest-physical memory. */
uint32_t env_rd32(uint32_t pa);
uint16_t env_rd16(uint32_t pa);
void env_wr32(uint32_t pa, uint32_t v);
void env_wr16(uint32_t pa, uint16_t v);

/* A code/data or system descriptor (type = 4-bit type, s = code/data) at table[index]. */
void env_put_desc(uint32_t table, unsigned index, uint32_t base, uint32_t limit, unsigned type,
                  bool s, unsigned dpl, bool present, bool db, bool g);
/* A gate (call, interrupt, trap, task) at table[index]. */
void env_put_gate(uint32_t table, unsigned index, unsigned type, unsigned dpl, bool present,
                  uint16_t sel, uint32_t offset, unsigned params);
/* The type nibble of GDT[index] as it is in memory now. */
unsigned env_gdt_type(unsigned index);

/* The hidden part a flat segment of the given type/DPL has (A set as after a load). */
struct seg_cache env_flat(uint16_t sel, unsigned type, unsigned dpl);

/* Put the vCPU at CPL 3 with user segments and ESP = ENV_USP, EIP = ENV_EIP. */
void env_user_mode(void);

/* Paging: identity-map [0, 4 MiB) with 4 KiB supervisor+user writable pages. */
void env_paging_on(void);
/* Change the PTE of the page holding linear address `lin` (flags = MMU_PTE_* bits). */
void env_set_pte(uint32_t lin, uint32_t flags);

/* Field-wise comparison of two vCPU states (padding ignored). */
bool env_state_eq(const struct vcpu_state *a, const struct vcpu_state *b);
bool env_cache_eq(const struct seg_cache *a, const struct seg_cache *b);

/* Snapshot / compare helpers for "the operation changed nothing". */
struct env_snapshot {
    struct vcpu_state s;
    uint8_t *ram;
};
void env_snap(struct env_snapshot *snap);
/* True iff the vCPU and all of RAM equal the snapshot; frees the snapshot. */
bool env_unchanged(struct env_snapshot *snap);

/* Assert that cpu_result r is the fault `vec` with error code `err`. */
#define ASSERT_FAULT(r, vec, err)                                                                  \
    do {                                                                                           \
        ck_assert_int_eq((r).status, CPU_FAULT);                                                   \
        ck_assert_uint_eq((r).fault.vector, (vec));                                                \
        ck_assert((r).fault.has_error_code);                                                       \
        ck_assert_uint_eq((r).fault.error_code, (err));                                            \
    } while (0)

#endif
