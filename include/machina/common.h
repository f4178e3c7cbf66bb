/* SPDX-License-Identifier: MIT */
/* Common types and small helpers used by every subsystem. */
#ifndef MACHINA_COMMON_H
#define MACHINA_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t hwaddr;   /* guest physical address */
typedef uint64_t vaddr;    /* guest virtual address */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ROUND_UP(n, d) (((n) + (d) - 1) & -(__typeof__(n))(d))
#define ROUND_DOWN(n, d) ((n) & -(__typeof__(n))(d))
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#define MUST_CHECK __attribute__((warn_unused_result))
#define NORETURN __attribute__((noreturn))
#define PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))
#define UNUSED __attribute__((unused))

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static inline uint64_t extract64(uint64_t v, int start, int len)
{
    return (v >> start) & (~0ULL >> (64 - len));
}

static inline int64_t sextract64(uint64_t v, int start, int len)
{
    return ((int64_t)(v << (64 - len - start))) >> (64 - len);
}

static inline uint32_t extract32(uint32_t v, int start, int len)
{
    return (v >> start) & (~0U >> (32 - len));
}

static inline int32_t sextract32(uint32_t v, int start, int len)
{
    return ((int32_t)(v << (32 - len - start))) >> (32 - len);
}

static inline uint64_t deposit64(uint64_t v, int start, int len, uint64_t f)
{
    uint64_t mask = (~0ULL >> (64 - len)) << start;
    return (v & ~mask) | ((f << start) & mask);
}

/* Little-endian host accessors (host is always x86-64). */
static inline uint64_t ldn_le(const void *p, unsigned size)
{
    uint64_t v = 0;
    memcpy(&v, p, size);
    return v;
}

static inline void stn_le(void *p, unsigned size, uint64_t v)
{
    memcpy(p, &v, size);
}

void *mc_malloc0(size_t n);          /* aborts on out-of-memory */
void *mc_realloc(void *p, size_t n);
char *mc_strdup(const char *s);

#endif
