/* vm.h — one virtual machine: guest RAM and linear space, the vCPU, the translation
 * cache, the devices, and the loop that runs them (DESIGN.md "Flow of one virtual CPU").
 *
 * Guest kernel code (CPL 0-2) runs as translated code from the TC; guest user code
 * (CPL 3 with IOPL 0 and IF 1) runs directly; sensitive instructions go through the
 * slow-path emulator (monitor/emu.h) and the protection engine (monitor/cpu_*.h). */
#ifndef BT386_MONITOR_VM_H
#define BT386_MONITOR_VM_H

#include "cache/blocks.h"
#include "cache/tc.h"
#include "devices/pc.h"
#include "monitor/console.h"
#include "monitor/emu.h"
#include "monitor/options.h"
#include "monitor/seg_mirror.h"
#include "monitor/vcpu.h"
#include "monitor/world.h"
#include "shadow_mmu/space.h"
#include "translator/emit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The monitor area: the top 16 MiB of the guest linear space (DESIGN.md). */
#define MON_BASE       0xFF000000u
#define MON_DATA       MON_BASE          /* one page, read by translated code through CS */
#define MON_BOUNDS     (MON_DATA + 8)    /* the interrupt gate's BOUND pair */
#define MON_GUEST_SELS (MON_DATA + 0x40) /* uint32_t[6]: the guest's ES..GS selectors */
#define MON_TC         (MON_BASE + 0x10000)
#define MON_TC_BYTES   (0x01000000u - 0x10000u)

/* Host LDT slots the monitor owns, above the guest segment mirrors (seg_mirror.h). */
#define LDT_SLOT_TC_CODE (HOST_LDT_ENTRIES - 1) /* flat 32-bit code for translated code */

/* The guest's user code/data segments end here while CPL 3 code runs directly and
 * paging is on: supervisor pages above it stay unreachable (DESIGN.md hazard 11). */
#define USER_TOP_PAGING 0xC0000000u

/* Decoded instructions of emulate sites (vm_emulate.c). */
#define VM_ICACHE_ENTRIES 1024
struct insn_cache_entry {
    struct insn in;
    uint32_t site;
    uint64_t flushes;
    bool valid;
};

/* Counters behind --stats (monitor/vm_stats.c writes them as JSON). */
struct vm_stats {
    uint64_t insns_direct, insns_translated, insns_emulated;
    uint64_t direct_entries, translated_entries;
    uint64_t callouts[IC_COUNT];
    uint64_t traps_by_vector[32];
    uint64_t traps_syscall, traps_timer, traps_irq_gate;
    uint64_t shadow_faults_hidden, shadow_faults_guest;
    uint64_t invalidations, smc_faults, memory_emulated;
    uint64_t interrupts, exceptions;
    uint64_t chained_exits, exits, ret_ic_hits;
    uint64_t ns_direct, ns_translated, ns_total; /* host time in guest code, and overall */
};

struct vm {
    struct world w; /* first: world_current points here (64-byte aligned) */
    struct options opts;
    struct space space;
    struct guest_mem mem;
    struct vcpu_state s;
    uint8_t *mon; /* the data page at MON_DATA */
    struct tc tc;
    struct blocks blocks;
    struct emit_env env;
    struct seg_mirror mirror;
    struct pc_devices pc;
    struct emu_ctx emu;
    struct console con;
    struct decoder dec32;
    uint8_t *code_pages;             /* one bit per guest page: translated code comes from it */
    void *native_page;               /* executable page for emu_native_mem */
    struct insn_cache_entry *icache; /* VM_ICACHE_ENTRIES */
    struct ret_ibl_entry *ibl;       /* RET targets for world_ret_ibl (WORLD_IBL_ENTRIES) */
    uint32_t ram_pages;
    uint32_t *sup_pages; /* supervisor-only pages shadow-mapped below the user top */
    uint32_t nsup, sup_cap;
    uint64_t t0_ns;

    /* Run state. */
    bool running;
    int exit_status;
    bool intr_level;           /* the PIC's INTR output */
    bool kick;                 /* a timer asked for a device check */
    struct tc_site *exit_site; /* the exit site the last translated run left through */
    uint32_t last_block;
    bool smc_oneshot;             /* translate the next block as one instruction, unprotected */
    uint64_t smc_gpa;             /* the page the last FILL_SMC write went to */
    uint64_t tc_generation;       /* bumped whenever translations die (no resume into them) */
    bool in_direct;               /* guest code running directly (CPL 3) */
    uint32_t user_top;            /* limit of user segments during direct execution */
    bool count_direct;            /* --stats: single-step direct code to count its instructions */
    bool step_pushf;              /* counting stopped before a PUSHF (it would show TF) */
    uint16_t live_sel[SEG_COUNT]; /* selectors direct code had loaded at the last trap */
    uint8_t seg_repair;           /* 1 << SEG_x: direct code loaded that register natively */
    bool pass_ac;                 /* the guest's EFLAGS.AC is in the host's while its code runs */
    bool shadow_from_ss;          /* the last interrupt shadow came from MOV/POP SS (blocks #DB) */
    bool chaining;
    int debug; /* -d exec,int */
    /* vm_load_world_segments' last result, reused while the segments stay the same. */
    struct seg_cache segs_for[SEG_COUNT];
    uint16_t segs_host[SEG_COUNT];
    bool segs_direct, segs_cached;
    uint32_t segs_top;
    struct vm_stats st;
};

/* vm_create: set everything up from o and load the kernel; on failure print why on
 * stderr and return a non-zero exit status (1: bad input, 2: host refused). */
int vm_create(struct vm *vm, const struct options *o);
/* vm_run: run until the guest exits; the process exit status. */
int vm_run(struct vm *vm);
/* vm_destroy: release what vm_create took. */
void vm_destroy(struct vm *vm);
/* vm_write_stats: the --stats JSON to f (opened before the sandbox closes); closes f.
 * 0 or -errno. */
int vm_write_stats(const struct vm *vm, FILE *f);
/* vm_fatal: report a guest crash (what, CS:EIP, last block) and stop the VM with status. */
void vm_fatal(struct vm *vm, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Internal pieces (vm_*.c). */
void vm_set_gate(struct vm *vm, bool trap);
void vm_update_gate(struct vm *vm);
bool vm_code_page(const struct vm *vm, uint64_t gpa);
void vm_flush_translations(struct vm *vm);
/* vm_invalidate_code_page: drop the translations made from guest-physical page gpa. */
void vm_invalidate_code_page(struct vm *vm, uint64_t gpa);
void vm_flush_shadow(struct vm *vm, bool keep_global);
int vm_install_trap_hook(struct vm *vm);
extern const struct emu_cpu_ops vm_cpu_ops;

#endif
