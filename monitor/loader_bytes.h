/* loader_bytes.h — bounds tests and little-endian field reads on an image in memory.
 * Callers test img_has() before reading; the readers themselves do no checking. */
#ifndef BT386_MONITOR_LOADER_BYTES_H
#define BT386_MONITOR_LOADER_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* img_has: true iff [off, off + n) lies inside an image of len bytes (no overflow). */
static inline bool img_has(size_t len, uint64_t off, uint64_t n)
{
    return off <= len && n <= (uint64_t)len - off;
}

/* le16_at / le32_at / le64_at: little-endian value at p. */
static inline uint16_t le16_at(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t le64_at(const uint8_t *p)
{
    return (uint64_t)le32_at(p) | ((uint64_t)le32_at(p + 4) << 32);
}

#endif
