/* guest_ram.h — a view of guest-physical RAM and bounds-checked accessors.
 *
 * Guest-physical address gpa lives at base[gpa] for 0 <= gpa < size. Every
 * helper refuses (returns false / NULL) an access that does not lie entirely
 * inside [0, size), so a loader fed a hostile image can never touch host
 * memory outside the view. Multi-byte values are little-endian, as on IA-32. */
#ifndef BT386_MONITOR_GUEST_RAM_H
#define BT386_MONITOR_GUEST_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct guest_ram {
    uint8_t *base; /* host address of guest-physical address 0 */
    uint64_t size; /* bytes of guest-physical RAM starting at 0 */
};

/* guest_ram_contains: true iff [gpa, gpa + len) lies inside the RAM (len 0 is inside
 * iff gpa <= size). Written so that gpa + len never overflows. */
static inline bool guest_ram_contains(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
    return ram != NULL && ram->base != NULL && gpa <= ram->size && len <= ram->size - gpa;
}

/* guest_ram_ptr: host pointer to [gpa, gpa + len), or NULL if it is not all RAM. */
static inline uint8_t *guest_ram_ptr(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
    return guest_ram_contains(ram, gpa, len) ? ram->base + gpa : NULL;
}

/* guest_ram_write: copy len bytes from src to guest-physical gpa; false if out of RAM. */
static inline bool guest_ram_write(struct guest_ram *ram, uint64_t gpa, const void *src,
                                   uint64_t len)
{
    uint8_t *dst = guest_ram_ptr(ram, gpa, len);
    if (dst == NULL)
        return false;
    if (len != 0)
        memmove(dst, src, (size_t)len);
    return true;
}

/* guest_ram_fill: set len bytes at gpa to byte; false if out of RAM. */
static inline bool guest_ram_fill(struct guest_ram *ram, uint64_t gpa, uint8_t byte, uint64_t len)
{
    uint8_t *dst = guest_ram_ptr(ram, gpa, len);
    if (dst == NULL)
        return false;
    if (len != 0)
        memset(dst, byte, (size_t)len);
    return true;
}

/* guest_ram_read: copy len bytes at gpa into dst; false if out of RAM. */
static inline bool guest_ram_read(const struct guest_ram *ram, uint64_t gpa, void *dst,
                                  uint64_t len)
{
    const uint8_t *src = guest_ram_ptr(ram, gpa, len);
    if (src == NULL)
        return false;
    if (len != 0)
        memcpy(dst, src, (size_t)len);
    return true;
}

/* guest_ram_write_le: store the low nbytes (1..8) of value little-endian at gpa. */
static inline bool guest_ram_write_le(struct guest_ram *ram, uint64_t gpa, uint64_t value,
                                      unsigned nbytes)
{
    uint8_t *dst = guest_ram_ptr(ram, gpa, nbytes);
    if (dst == NULL || nbytes == 0 || nbytes > 8)
        return false;
    for (unsigned i = 0; i < nbytes; i++)
        dst[i] = (uint8_t)(value >> (8 * i));
    return true;
}

/* guest_ram_write_u8/u16/u32/u64: little-endian stores; false if out of RAM. */
static inline bool guest_ram_write_u8(struct guest_ram *ram, uint64_t gpa, uint8_t v)
{
    return guest_ram_write_le(ram, gpa, v, 1);
}

static inline bool guest_ram_write_u16(struct guest_ram *ram, uint64_t gpa, uint16_t v)
{
    return guest_ram_write_le(ram, gpa, v, 2);
}

static inline bool guest_ram_write_u32(struct guest_ram *ram, uint64_t gpa, uint32_t v)
{
    return guest_ram_write_le(ram, gpa, v, 4);
}

static inline bool guest_ram_write_u64(struct guest_ram *ram, uint64_t gpa, uint64_t v)
{
    return guest_ram_write_le(ram, gpa, v, 8);
}

/* guest_ram_read_le: load nbytes (1..8) little-endian from gpa into *out. */
static inline bool guest_ram_read_le(const struct guest_ram *ram, uint64_t gpa, uint64_t *out,
                                     unsigned nbytes)
{
    const uint8_t *src = guest_ram_ptr(ram, gpa, nbytes);
    if (src == NULL || nbytes == 0 || nbytes > 8)
        return false;
    uint64_t v = 0;
    for (unsigned i = 0; i < nbytes; i++)
        v |= (uint64_t)src[i] << (8 * i);
    *out = v;
    return true;
}

/* guest_ram_read_u32: little-endian 32-bit load; false if out of RAM. */
static inline bool guest_ram_read_u32(const struct guest_ram *ram, uint64_t gpa, uint32_t *out)
{
    uint64_t v;
    if (!guest_ram_read_le(ram, gpa, &v, 4))
        return false;
    *out = (uint32_t)v;
    return true;
}

#endif
