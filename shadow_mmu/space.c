/* space.c — guest RAM memfd, the physmap, the low-4-GiB reservation and the
 * shadow mappings inside it, with their bookkeeping (see space.h). */
#include "shadow_mmu/space.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000 /* Linux ≥ 4.17; older kernels treat it as a hint */
#endif

#define SLOT_MAPPED 1u
#define SLOT_GLOBAL 2u
#define PAGE_SHIFT  12
#define PROT_ALL    (PROT_READ | PROT_WRITE | PROT_EXEC)

struct shadow_slot {
    uint32_t gfn;       /* guest frame number */
    uint8_t flags;      /* SLOT_* */
    uint8_t prot;       /* host PROT_* bits */
    uint32_t rmap_next; /* next linear page number + 1 mapping the same frame, 0 = end */
    uint32_t rmap_prev; /* previous one + 1, 0 = this is the head */
    uint32_t live_pos;  /* index in space.live */
};

uint32_t space_mmap_min_addr(void)
{
    unsigned long v = 65536;
    FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "r");
    if (f != NULL) {
        if (fscanf(f, "%lu", &v) != 1)
            v = 65536;
        fclose(f);
    }
    /* Never hand out host page 0: a guest page there would turn the
     * monitor's own NULL dereferences into silent guest-memory accesses. */
    if (v < SPACE_PAGE_SIZE)
        v = SPACE_PAGE_SIZE;
    v = (v + SPACE_PAGE_SIZE - 1) & ~(unsigned long)(SPACE_PAGE_SIZE - 1);
    return v > UINT32_MAX - SPACE_PAGE_SIZE ? UINT32_MAX & ~(SPACE_PAGE_SIZE - 1) : (uint32_t)v;
}

/* Put [addr, addr+len) back to the PROT_NONE reservation (replacing whatever is there). */
static int space_reserve_fixed(uint64_t addr, uint64_t len)
{
    void *p = mmap((void *)(uintptr_t)addr, len, PROT_NONE,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? -errno : 0;
}

int space_create(struct space *sp, uint64_t ram_bytes, uint32_t monitor_base)
{
    *sp = (struct space){.memfd = -1};
    uint32_t low = space_mmap_min_addr();

    if (ram_bytes == 0 || ram_bytes % SPACE_PAGE_SIZE != 0 || ram_bytes > (UINT64_C(1) << 32) ||
        monitor_base % SPACE_PAGE_SIZE != 0 || monitor_base <= low) {
        errno = EINVAL;
        return -EINVAL;
    }

    /* Claim the guest linear space first, so no later allocation lands in it. */
    uint64_t len = (uint64_t)monitor_base - low;
    void *res = mmap((void *)(uintptr_t)low, len, PROT_NONE,
                     MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (res == MAP_FAILED)
        return -errno;
    if (res != (void *)(uintptr_t)low) {
        /* A kernel without MAP_FIXED_NOREPLACE placed it elsewhere: the range is taken. */
        munmap(res, len);
        errno = EEXIST;
        return -EEXIST;
    }

    int err;
    sp->low = low;
    sp->monitor_base = monitor_base;
    sp->memfd = memfd_create("bt386-guest-ram", MFD_CLOEXEC);
    if (sp->memfd < 0 || ftruncate(sp->memfd, (off_t)ram_bytes) != 0)
        goto fail_errno;
    void *phys = mmap(NULL, ram_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, sp->memfd, 0);
    if (phys == MAP_FAILED)
        goto fail_errno;
    sp->ram = (struct gphys){.base = phys, .size = ram_bytes};

    /* Zero-filled tables; calloc of this size is lazily backed by the kernel,
     * so only the touched parts cost memory. */
    sp->slots = calloc(monitor_base >> PAGE_SHIFT, sizeof *sp->slots);
    sp->rmap_head = calloc(ram_bytes >> PAGE_SHIFT, sizeof *sp->rmap_head);
    sp->live = calloc(monitor_base >> PAGE_SHIFT, sizeof *sp->live);
    if (sp->slots == NULL || sp->rmap_head == NULL || sp->live == NULL) {
        errno = ENOMEM;
        goto fail_errno;
    }
    return 0;

fail_errno:
    err = errno;
    space_destroy(sp);
    errno = err;
    return -err;
}

void space_destroy(struct space *sp)
{
    if (sp->monitor_base != 0)
        munmap((void *)(uintptr_t)sp->low, (uint64_t)sp->monitor_base - sp->low);
    if (sp->ram.base != NULL)
        munmap(sp->ram.base, sp->ram.size);
    if (sp->memfd >= 0)
        close(sp->memfd);
    free(sp->slots);
    free(sp->rmap_head);
    free(sp->live);
    *sp = (struct space){.memfd = -1};
}

/* Linear page number of linear, or -EINVAL if outside [low, monitor_base). */
static int64_t space_lpn(const struct space *sp, uint32_t linear)
{
    if (linear < sp->low || linear >= sp->monitor_base)
        return -EINVAL;
    return linear >> PAGE_SHIFT;
}

static void rmap_insert(struct space *sp, uint32_t lpn)
{
    struct shadow_slot *s = &sp->slots[lpn];
    uint32_t head = sp->rmap_head[s->gfn];
    s->rmap_prev = 0;
    s->rmap_next = head;
    if (head != 0)
        sp->slots[head - 1].rmap_prev = lpn + 1;
    sp->rmap_head[s->gfn] = lpn + 1;
}

static void rmap_remove(struct space *sp, uint32_t lpn)
{
    struct shadow_slot *s = &sp->slots[lpn];
    if (s->rmap_prev != 0)
        sp->slots[s->rmap_prev - 1].rmap_next = s->rmap_next;
    else
        sp->rmap_head[s->gfn] = s->rmap_next;
    if (s->rmap_next != 0)
        sp->slots[s->rmap_next - 1].rmap_prev = s->rmap_prev;
    s->rmap_next = s->rmap_prev = 0;
}

static void slot_set_global(struct space *sp, struct shadow_slot *s, bool global)
{
    bool was = (s->flags & SLOT_GLOBAL) != 0;
    if (was == global)
        return;
    if (global) {
        s->flags |= SLOT_GLOBAL;
        sp->global_count++;
    } else {
        s->flags &= (uint8_t)~SLOT_GLOBAL;
        sp->global_count--;
    }
}

/* Forget the mapping of lpn in every table (the host side is already gone). */
static void slot_forget(struct space *sp, uint32_t lpn)
{
    struct shadow_slot *s = &sp->slots[lpn];
    rmap_remove(sp, lpn);
    slot_set_global(sp, s, false);
    uint32_t last = sp->live[--sp->live_count];
    sp->live[s->live_pos] = last;
    sp->slots[last].live_pos = s->live_pos;
    *s = (struct shadow_slot){0};
}

int shadow_map_page(struct space *sp, uint32_t linear, uint64_t gpa, int prot, unsigned flags)
{
    int64_t lpn = space_lpn(sp, linear);
    uint64_t gfn = gpa >> PAGE_SHIFT;
    /* Only RAM is mapped: MMIO and unbacked pages stay unmapped and trap. */
    if (lpn < 0 || (prot & ~PROT_ALL) != 0 || gfn >= (sp->ram.size >> PAGE_SHIFT)) {
        errno = EINVAL;
        return -EINVAL;
    }
    struct shadow_slot *s = &sp->slots[lpn];
    bool global = (flags & SHADOW_GLOBAL) != 0;

    if ((s->flags & SLOT_MAPPED) != 0 && s->gfn == gfn) {
        slot_set_global(sp, s, global);
        return s->prot == prot ? 0 : shadow_protect_page(sp, linear, prot);
    }

    void *addr = (void *)(uintptr_t)((uint64_t)lpn << PAGE_SHIFT);
    sp->counters.host_calls++;
    void *p = mmap(addr, SPACE_PAGE_SIZE, prot, MAP_FIXED | MAP_SHARED, sp->memfd,
                   (off_t)(gfn << PAGE_SHIFT));
    if (p == MAP_FAILED) {
        /* A failed MAP_FIXED may already have discarded the old page: put the
         * reservation back so that the hole cannot be handed out. */
        int err = errno;
        sp->counters.host_calls++;
        space_reserve_fixed((uint64_t)lpn << PAGE_SHIFT, SPACE_PAGE_SIZE);
        if ((s->flags & SLOT_MAPPED) != 0) {
            slot_forget(sp, (uint32_t)lpn);
            sp->counters.unmaps++;
        }
        errno = err;
        return -err;
    }

    if ((s->flags & SLOT_MAPPED) != 0) {
        rmap_remove(sp, (uint32_t)lpn); /* remapped to another frame */
    } else {
        s->flags = SLOT_MAPPED;
        s->live_pos = sp->live_count;
        sp->live[sp->live_count++] = (uint32_t)lpn;
    }
    s->gfn = (uint32_t)gfn;
    s->prot = (uint8_t)prot;
    slot_set_global(sp, s, global);
    rmap_insert(sp, (uint32_t)lpn);
    sp->counters.maps++;
    return 0;
}

int shadow_unmap_page(struct space *sp, uint32_t linear)
{
    int64_t lpn = space_lpn(sp, linear);
    if (lpn < 0) {
        errno = EINVAL;
        return -EINVAL;
    }
    if ((sp->slots[lpn].flags & SLOT_MAPPED) == 0)
        return 0;
    sp->counters.host_calls++;
    int err = space_reserve_fixed((uint64_t)lpn << PAGE_SHIFT, SPACE_PAGE_SIZE);
    if (err != 0)
        return err;
    slot_forget(sp, (uint32_t)lpn);
    sp->counters.unmaps++;
    return 0;
}

int shadow_protect_page(struct space *sp, uint32_t linear, int prot)
{
    int64_t lpn = space_lpn(sp, linear);
    if (lpn < 0 || (prot & ~PROT_ALL) != 0) {
        errno = EINVAL;
        return -EINVAL;
    }
    struct shadow_slot *s = &sp->slots[lpn];
    if ((s->flags & SLOT_MAPPED) == 0) {
        errno = ENOENT;
        return -ENOENT;
    }
    if (s->prot == prot)
        return 0;
    sp->counters.host_calls++;
    if (mprotect((void *)(uintptr_t)((uint64_t)lpn << PAGE_SHIFT), SPACE_PAGE_SIZE, prot) != 0)
        return -errno;
    s->prot = (uint8_t)prot;
    sp->counters.protects++;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int shadow_unmap_all(struct space *sp, bool keep_global)
{
    if (!keep_global || sp->global_count == 0) {
        /* One call replaces the whole range with a fresh reservation. */
        sp->counters.host_calls++;
        int err = space_reserve_fixed(sp->low, (uint64_t)sp->monitor_base - sp->low);
        if (err != 0)
            return err;
        sp->counters.unmaps += sp->live_count;
        while (sp->live_count > 0)
            slot_forget(sp, sp->live[sp->live_count - 1]);
        return 0;
    }

    /* Drop the non-global pages in runs of adjacent pages, one call per run. */
    uint32_t n = 0, *victims = malloc(((size_t)sp->live_count) * sizeof *victims + 1);
    if (victims == NULL) {
        errno = ENOMEM;
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < sp->live_count; i++) {
        uint32_t lpn = sp->live[i];
        if ((sp->slots[lpn].flags & SLOT_GLOBAL) == 0)
            victims[n++] = lpn;
    }
    qsort(victims, n, sizeof *victims, cmp_u32);
    int err = 0;
    for (uint32_t i = 0; i < n && err == 0;) {
        uint32_t j = i + 1;
        while (j < n && victims[j] == victims[j - 1] + 1)
            j++;
        sp->counters.host_calls++;
        err = space_reserve_fixed((uint64_t)victims[i] << PAGE_SHIFT, (uint64_t)(j - i)
                                                                          << PAGE_SHIFT);
        if (err == 0) {
            for (uint32_t k = i; k < j; k++)
                slot_forget(sp, victims[k]);
            sp->counters.unmaps += j - i;
        }
        i = j;
    }
    free(victims);
    return err;
}

int shadow_unmap_gpa(struct space *sp, uint64_t gpa)
{
    uint64_t gfn = gpa >> PAGE_SHIFT;
    if (gfn >= (sp->ram.size >> PAGE_SHIFT))
        return 0; /* never mapped */
    while (sp->rmap_head[gfn] != 0) {
        int err = shadow_unmap_page(sp, (sp->rmap_head[gfn] - 1) << PAGE_SHIFT);
        if (err != 0)
            return err;
    }
    return 0;
}

int shadow_clear_write_gpa(struct space *sp, uint64_t gpa)
{
    uint64_t gfn = gpa >> PAGE_SHIFT;
    if (gfn >= (sp->ram.size >> PAGE_SHIFT))
        return 0;
    for (uint32_t at = sp->rmap_head[gfn]; at != 0; at = sp->slots[at - 1].rmap_next) {
        const struct shadow_slot *s = &sp->slots[at - 1];
        if ((s->prot & PROT_WRITE) == 0)
            continue;
        int err = shadow_protect_page(sp, (at - 1) << PAGE_SHIFT, s->prot & ~PROT_WRITE);
        if (err != 0)
            return err;
    }
    return 0;
}

bool shadow_lookup(const struct space *sp, uint32_t linear, struct shadow_mapping *out)
{
    int64_t lpn = space_lpn(sp, linear);
    if (lpn < 0 || (sp->slots[lpn].flags & SLOT_MAPPED) == 0)
        return false;
    const struct shadow_slot *s = &sp->slots[lpn];
    *out = (struct shadow_mapping){
        .linear = (uint32_t)lpn << PAGE_SHIFT,
        .gpa = (uint64_t)s->gfn << PAGE_SHIFT,
        .prot = s->prot,
        .global = (s->flags & SLOT_GLOBAL) != 0,
    };
    return true;
}

size_t shadow_rmap(const struct space *sp, uint64_t gpa, uint32_t *linears, size_t max)
{
    uint64_t gfn = gpa >> PAGE_SHIFT;
    size_t n = 0;
    if (gfn >= (sp->ram.size >> PAGE_SHIFT))
        return 0;
    for (uint32_t at = sp->rmap_head[gfn]; at != 0; at = sp->slots[at - 1].rmap_next) {
        if (n < max)
            linears[n] = (at - 1) << PAGE_SHIFT;
        n++;
    }
    return n;
}
