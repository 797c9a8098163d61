/* tc.c — the translation cache's memory: one memfd, two views. */
#include "cache/tc.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int tc_create(struct tc *tc, uint32_t low_base, uint32_t size)
{
    memset(tc, 0, sizeof(*tc));
    tc->fd = -1;
    int fd = memfd_create("bt386-tc", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, size) != 0)
        goto fail;
    /* Executed by translated code; never writable there, so a guest that escapes its
     * segments still cannot write translations (DESIGN.md hazard 4). */
    void *x = mmap((void *)(uintptr_t)low_base, size, PROT_READ | PROT_EXEC,
                   MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
    if (x == MAP_FAILED)
        goto fail;
    if (x != (void *)(uintptr_t)low_base) {
        munmap(x, size);
        errno = EEXIST;
        goto fail;
    }
    void *w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (w == MAP_FAILED) {
        munmap(x, size);
        goto fail;
    }
    tc->rw = w;
    tc->base = low_base;
    tc->size = size;
    tc->fd = fd;
    return 0;
fail:;
    int e = errno;
    close(fd);
    return -e;
}

void tc_destroy(struct tc *tc)
{
    if (tc->fd < 0)
        return;
    munmap((void *)(uintptr_t)tc->base, tc->size);
    munmap(tc->rw, tc->size);
    close(tc->fd);
    tc->fd = -1;
}

uint32_t tc_alloc(struct tc *tc, uint32_t n)
{
    uint32_t start = (tc->used + 15) & ~15u;
    if (start > tc->size || n > tc->size - start)
        return 0;
    tc->used = start + n;
    return tc->base + start;
}

void tc_trim(struct tc *tc, uint32_t low, uint32_t used_len)
{
    uint32_t end = low - tc->base + used_len;
    if (end <= tc->used)
        tc->used = end;
}

void tc_flush(struct tc *tc)
{
    /* Fill with INT3 so a stale jump into flushed code traps instead of running junk. */
    memset(tc->rw, 0xCC, tc->used);
    tc->used = 0;
    tc->flushes++;
}

uint32_t tc_free_bytes(const struct tc *tc)
{
    return tc->size - tc->used;
}
