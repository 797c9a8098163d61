/* test_emu_common.h — a small guest for the slow-path emulator tests.
 *
 * Guest RAM is a heap buffer (2 MiB) with paging off (linear = physical) unless a test
 * turns on the identity page tables. The segment caches are flat 4 GiB; a GDT and a
 * 32-bit TSS with a full I/O permission bit map are in RAM. Instructions are real
 * encodings decoded with the translator's decoder. A fake device on ports 0x300-0x30F
 * logs accesses, and fake protection-engine ops record their arguments. */
#ifndef BT386_TESTS_TEST_EMU_COMMON_H
#define BT386_TESTS_TEST_EMU_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "devices/io.h"
#include "monitor/emu.h"
#include "monitor/world.h"
#include "translator/decode.h"

#define T_RAM_BYTES  0x200000u
#define T_GDT        0x1000u
#define T_TSS        0x4000u
#define T_TSS_IOMAP  0x68u
#define T_TSS_LIMIT  (T_TSS_IOMAP + 0x2000u) /* map for 65536 ports + the 0xFF byte */
#define T_STACK_TOP  0x9000u
#define T_CODE       0x10000u
#define T_DATA       0x20000u
#define T_PD         0x180000u
#define T_PT         0x181000u
#define T_PORT_BASE  0x300u
#define T_PORT_COUNT 0x10u

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1B
#define SEL_UDATA 0x23
#define SEL_TSS   0x28
#define SEL_LDT   0x30

/* Attributes of flat segments (type, S, DPL, P, D/B, G). */
#define ATTR_CODE32(dpl) (0x0Bu | SEG_ATTR_S | ((dpl) << 5) | SEG_ATTR_P | SEG_ATTR_DB | SEG_ATTR_G)
#define ATTR_DATA32(dpl) (0x03u | SEG_ATTR_S | ((dpl) << 5) | SEG_ATTR_P | SEG_ATTR_DB | SEG_ATTR_G)
#define ATTR_TSS32_BUSY  (0x0Bu | SEG_ATTR_P)

struct io_access {
    uint16_t port;
    uint8_t size;
    uint8_t write;
    uint32_t val;
};

struct fake_dev {
    uint32_t next_read; /* the value the next read returns; each read adds 0x01010101 */
    struct io_access log[64];
    unsigned n;
};

/* What the fake ops saw. */
struct op_record {
    unsigned calls;
    const char *name;
    int seg;
    uint16_t sel;
    uint32_t off;
    unsigned opsize;
    uint32_t next_eip;
    uint16_t imm;
    uint8_t vector;
    enum emu_int_kind kind;
    /* what the ops do: fail with this fault, or report these outcomes */
    struct guest_fault fail;
    bool zf;
    uint32_t out;
};

struct emu_env {
    uint8_t *ram;
    struct guest_mem mem;
    struct vcpu_state s;
    struct emu_ctx ctx;
    struct io_bus bus;
    struct fake_dev dev;
    struct op_record rec;
    struct decoder dec32, dec16;
    uint64_t tsc;
    struct insn last;
};

extern struct emu_env env;
extern const struct emu_cpu_ops fake_ops;

/* Fixture: a fresh guest at CPL 0, IOPL 0, IF 0, protected mode, paging off. */
void env_setup(void);
void env_teardown(void);

/* Run the instruction in bytes[0..n) at env.s.eip, decoded as 32-bit or 16-bit code. */
struct emu_result run32(const uint8_t *bytes, size_t n);
struct emu_result run16(const uint8_t *bytes, size_t n);
#define RUN32(...) run32((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))
#define RUN16(...) run16((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

/* Guest-physical accessors. */
void put8(uint32_t pa, uint8_t v);
void put16(uint32_t pa, uint16_t v);
void put32(uint32_t pa, uint32_t v);
uint8_t get8(uint32_t pa);
uint16_t get16(uint32_t pa);
uint32_t get32(uint32_t pa);

/* Set a segment cache (valid) and its selector. */
void set_seg(enum seg_reg seg, uint16_t sel, uint32_t base, uint32_t limit, uint16_t attr);
/* CPL n with matching flat CS/SS (DPL n), DS/ES/FS/GS flat DPL 3. */
void set_cpl(unsigned cpl);
void set_iopl(unsigned iopl);
/* Allow (clear) or deny (set) port p in the TSS I/O bit map. */
void iomap_allow(uint16_t port, int allow);
/* Paging on: identity map of [0, 4 MiB) with 4 KiB pages, user+writable except the
 * page `hole` (not present) and the page `super` (supervisor-only); 0 = none. */
void enable_paging(uint32_t hole, uint32_t super);

/* Assertions on a result. */
#define ASSERT_DONE(r)                                                                             \
    ck_assert_msg((r).status == EMU_DONE, "status %d vector %u", (r).status, (r).fault.vector)
#define ASSERT_FAULT(r, vec, err)                                                                  \
    do {                                                                                           \
        ck_assert_msg((r).status == EMU_FAULT, "status %d", (r).status);                           \
        ck_assert_uint_eq((r).fault.vector, (vec));                                                \
        ck_assert_uint_eq((r).fault.error_code, (err));                                            \
    } while (0)
#define ASSERT_UD(r)                                                                               \
    do {                                                                                           \
        ck_assert_msg((r).status == EMU_FAULT, "status %d", (r).status);                           \
        ck_assert_uint_eq((r).fault.vector, VEC_UD);                                               \
    } while (0)

#endif
