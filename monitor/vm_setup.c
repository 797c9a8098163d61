/* vm_setup.c — building the machine: RAM, linear space, monitor area, TC, devices,
 * the kernel, and the vCPU in the state the boot protocol hands over. */
#include "monitor/cpu_reset.h"
#include "monitor/emu_native.h"
#include "monitor/host_signals.h"
#include "monitor/initrd_check.h"
#include "monitor/linux_boot.h"
#include "monitor/loader_dispatch.h"
#include "monitor/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_BLOCKS       65536
#define RESERVETOP_BYTES (16u << 20)

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t dev_now(void *ctx)
{
    struct vm *vm = ctx;
    return mono_ns() - vm->t0_ns;
}

static int64_t dev_wall(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

static void dev_intr(void *ctx, int level)
{
    struct vm *vm = ctx;
    vm->intr_level = level != 0;
    vm_update_gate(vm);
}

static void dev_tx(void *ctx, uint8_t byte)
{
    (void)ctx;
    /* COM1 is the terminal; a short write is retried, a failed one dropped. */
    while (write(STDOUT_FILENO, &byte, 1) < 0 && errno == EINTR)
        ;
}

static void dev_exit(void *ctx, uint32_t status)
{
    struct vm *vm = ctx;
    vm->running = false;
    vm->exit_status = (int)status;
}

static void dev_reset(void *ctx)
{
    struct vm *vm = ctx;
    /* A guest reset ends the run cleanly, as QEMU with -no-reboot does. */
    vm->running = false;
    vm->exit_status = 0;
}

/* read_file: the whole file, or NULL with a message naming it. */
static uint8_t *read_file(const char *what, const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "bt386: cannot open %s '%s': %s\n", what, path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "bt386: %s '%s' is not a regular file\n", what, path);
        close(fd);
        return NULL;
    }
    uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!buf || got != (size_t)st.st_size) {
        fprintf(stderr, "bt386: cannot read %s '%s'\n", what, path);
        free(buf);
        return NULL;
    }
    *len = got;
    return buf;
}

/* The monitor's data page at MON_DATA: the interrupt gate's BOUND pair and the guest's
 * selectors, which translated code reads through CS. (Callout stubs live in the TC.) */
static int monitor_area_create(struct vm *vm)
{
    uint8_t *m = mmap((void *)(uintptr_t)MON_DATA, 0x1000, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (m == MAP_FAILED)
        return -errno;
    if (m != (uint8_t *)(uintptr_t)MON_DATA) {
        munmap(m, 0x1000);
        return -EEXIST;
    }
    vm->mon = m;
    vm_set_gate(vm, false);
    return 0;
}

static void on_guest_write(void *ctx, uint32_t gpa, uint32_t len)
{
    struct vm *vm = ctx;
    for (uint64_t p = gpa & ~0xFFFull; p < (uint64_t)gpa + len; p += 0x1000)
        if (vm_code_page(vm, p))
            vm_invalidate_code_page(vm, p);
}

/* The guest-visible segment cache of a boot-protocol segment. */
static void seg_from_boot(struct seg_cache *c, const struct boot_segment *b)
{
    c->sel = b->selector;
    c->base = b->base;
    c->limit = b->limit;
    c->attr = (uint16_t)(b->type | (b->s ? SEG_ATTR_S : 0) | (b->dpl << 5) |
                         (b->present ? SEG_ATTR_P : 0) | (b->db ? SEG_ATTR_DB : 0) |
                         (b->g ? SEG_ATTR_G : 0));
    c->valid = true;
}

static int load_kernel(struct vm *vm, const struct options *o)
{
    size_t klen = 0, ilen = 0;
    uint8_t *kernel = read_file("kernel", o->kernel, &klen);
    if (!kernel)
        return 1;
    uint8_t *initrd = NULL;
    if (o->initrd && !(initrd = read_file("initrd", o->initrd, &ilen))) {
        free(kernel);
        return 1;
    }
    char why[160];
    if (initrd && !initrd_check(initrd, ilen, why, sizeof(why))) {
        fprintf(stderr, "bt386: initrd '%s': %s\n", o->initrd, why);
        free(kernel);
        free(initrd);
        return 1;
    }
    char cmdline[4096], err[512] = "";
    snprintf(cmdline, sizeof(cmdline), "%s", o->append ? o->append : "");
    /* A Linux kernel ("HdrS" at 0x202) is told to stay out of the monitor area. */
    bool is_linux = klen > 0x206 && !memcmp(kernel + 0x202, "HdrS", 4);
    enum loader_err e = LOADER_OK;
    if (is_linux && !o->no_reservetop) {
        char with[4096];
        e = linux_cmdline_add_reservetop(cmdline, RESERVETOP_BYTES, with, sizeof(with), err,
                                         sizeof(err));
        snprintf(cmdline, sizeof(cmdline), "%s", with);
    }
    struct guest_ram ram = {.base = vm->space.ram.base, .size = vm->space.ram.size};
    struct loader_opts lo = {
        .cmdline = cmdline, .initrd = initrd, .initrd_len = ilen, .initrd_size = ilen};
    struct boot_state bs;
    if (e == LOADER_OK)
        e = loader_load_kernel(kernel, klen, &ram, &lo, &bs, err, sizeof(err));
    free(kernel);
    free(initrd);
    if (e != LOADER_OK) {
        fprintf(stderr, "bt386: cannot load '%s': %s\n", o->kernel,
                err[0] ? err : loader_strerror(e));
        return 1;
    }
    struct vcpu_state *s = &vm->s;
    cpu_reset_protected_flat(s, bs.cs.selector, bs.ds.selector);
    seg_from_boot(&s->seg[SEG_CS], &bs.cs);
    seg_from_boot(&s->seg[SEG_DS], &bs.ds);
    seg_from_boot(&s->seg[SEG_ES], &bs.es);
    seg_from_boot(&s->seg[SEG_FS], &bs.fs);
    seg_from_boot(&s->seg[SEG_GS], &bs.gs);
    seg_from_boot(&s->seg[SEG_SS], &bs.ss);
    s->eip = bs.eip;
    s->eflags = bs.eflags | EFLAGS_FIXED;
    s->cr0 = bs.cr0;
    s->gpr[GPR_EAX] = bs.eax;
    s->gpr[GPR_EBX] = bs.ebx;
    s->gpr[GPR_ECX] = bs.ecx;
    s->gpr[GPR_EDX] = bs.edx;
    s->gpr[GPR_ESI] = bs.esi;
    s->gpr[GPR_EDI] = bs.edi;
    s->gpr[GPR_EBP] = bs.ebp;
    s->gpr[GPR_ESP] = bs.esp;
    s->cpl = 0;
    return 0;
}

static int fail(const char *what, int err)
{
    fprintf(stderr, "bt386: %s: %s\n", what, strerror(-err));
    return 2;
}

/* The terminal to give back its modes if bt386 is killed (SIGTERM/SIGHUP/SIGINT). */
static struct console *terminal;
static void restore_terminal(int sig)
{
    (void)sig;
    if (terminal)
        console_restore(terminal);
}

int vm_create(struct vm *vm, const struct options *o)
{
    memset(vm, 0, sizeof(*vm));
    vm->opts = *o;
    /* Exact counts (--stats-exact) need every block entry to pass the dispatcher and
     * every directly executed instruction to be seen (a single-step trap each): slow. */
    vm->chaining = !o->stats_exact;
    vm->count_direct = o->stats_exact;
    /* -d exc: exceptions; -d int: interrupts too. */
    vm->debug = !o->debug ? 0 : strstr(o->debug, "int") ? 2 : 1;
    vm->t0_ns = mono_ns();
    int r = world_init(&vm->w);
    if (r)
        return fail("this host cannot run bt386 (needs FSGSBASE and XSAVE)", r);
    r = space_create(&vm->space, o->ram_bytes, MON_BASE);
    if (r)
        return fail("cannot reserve the guest's 4 GiB linear space", r);
    if ((r = monitor_area_create(vm)) || (r = tc_create(&vm->tc, MON_TC, MON_TC_BYTES)))
        return fail("cannot map the monitor area at 0xff000000", r);
    if ((r = blocks_init(&vm->blocks, MAX_BLOCKS)))
        return fail("translation tables", r);
    r = host_ldt_write(LDT_SLOT_TC_CODE, HOST_SEG_CODE32, 0, 0xFFFFFFFF, true);
    if (r)
        return fail("modify_ldt", r);
    seg_mirror_init(&vm->mirror, MON_BASE);
    decoder_init(&vm->dec32, CODE_32);
    vm->ram_pages = (uint32_t)(o->ram_bytes >> 12);
    vm->code_pages = calloc(vm->ram_pages / 8 + 1, 1);
    vm->sup_cap = 4096;
    vm->sup_pages = calloc(vm->sup_cap, sizeof(uint32_t));
    vm->native_page = emu_native_page();
    vm->icache = calloc(VM_ICACHE_ENTRIES, sizeof(*vm->icache));
    vm->ibl = calloc(WORLD_IBL_ENTRIES, sizeof(*vm->ibl));
    if (!vm->code_pages || !vm->sup_pages || !vm->native_page || !vm->icache || !vm->ibl)
        return fail("memory", -ENOMEM);
    vm->mem = (struct guest_mem){.ram = vm->space.ram, .on_write = on_guest_write, .ctx = vm};

    struct pc_callbacks cb = {.ctx = vm,
                              .now_ns = dev_now,
                              .wall_seconds = dev_wall,
                              .intr_changed = dev_intr,
                              .uart_tx = dev_tx,
                              .request_exit = dev_exit,
                              .reset = dev_reset};
    if (pc_devices_init(&vm->pc, &cb) != IO_OK)
        return fail("devices", -EINVAL);
    cmos_set_memory_size(&vm->pc.cmos, o->ram_bytes);
    emu_ctx_init(&vm->emu, &vm->s, &vm->mem, &vm->pc.bus, &vm_cpu_ops, vm);

    r = load_kernel(vm, o);
    if (r)
        return r;
    r = vm_install_trap_hook(vm);
    if (r)
        return fail("trap hook", r);
    /* Guest INT 0x80 / SYSENTER / SYSCALL must never reach the host kernel (hazard 5). */
    r = host_sud_enable();
    if (r)
        return fail("Syscall User Dispatch (Linux 5.11 or later is needed)", r);
    console_open(&vm->con, STDIN_FILENO);
    terminal = &vm->con;
    host_terminate_hook = restore_terminal;
    vm->running = true;
    return 0;
}

void vm_destroy(struct vm *vm)
{
    console_restore(&vm->con);
    terminal = NULL;
    tc_destroy(&vm->tc);
    blocks_free(&vm->blocks);
    space_destroy(&vm->space);
    free(vm->code_pages);
    free(vm->sup_pages);
    free(vm->icache);
    free(vm->ibl);
}
