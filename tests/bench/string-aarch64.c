/* SPDX-License-Identifier: MIT */
/*
 * The "string" workload (AArch64 only): the Advanced SIMD idioms of
 * glibc's string functions over a 4 KiB buffer.  strlen and memchr find
 * the first match of a 16-byte chunk with CMEQ + SHRN #4 + FMOV (the
 * nibble mask) or UMAXP; memcmp uses CMEQ + UMINV + UMOV; a classify pass
 * uses CMHS, AND/ORR/BIC/ORN, BSL/BIT/BIF, CNT + ADDV, TBL, EXT, XTN,
 * ADDP, UMAXV, DUP.  Prints a checksum and powers off through PSCI.
 */
#include "lib.h"

#define BUF 4096
#define ROUNDS 200000

static uint8_t buf[BUF + 64] __attribute__((aligned(16)));
static uint8_t buf2[BUF + 64] __attribute__((aligned(16)));

/* Index of the first set nibble of a SHRN #4 mask (mask != 0). */
static inline uint64_t nib(uint64_t m)
{
    return __builtin_ctzll(m) >> 2;
}

/* strlen: aligned 16-byte chunks as glibc does (never crosses a page). */
static uint64_t nstrlen(const uint8_t *s)
{
    const uint8_t *p = (const uint8_t *)((uintptr_t)s & ~15ul);
    uint64_t m;

    __asm__("ldr q0, [%1]\n\t"
            "cmeq v0.16b, v0.16b, #0\n\t"
            "shrn v0.8b, v0.8h, #4\n\t"
            "fmov %0, d0"
            : "=r"(m) : "r"(p) : "v0", "memory");
    m >>= ((uintptr_t)s & 15) * 4;
    if (m) {
        return nib(m);
    }
    for (;;) {
        p += 16;
        __asm__("ldr q0, [%1]\n\t"
                "cmeq v0.16b, v0.16b, #0\n\t"
                "shrn v0.8b, v0.8h, #4\n\t"
                "fmov %0, d0"
                : "=r"(m) : "r"(p) : "v0", "memory");
        if (m) {
            return (uint64_t)(p - s) + nib(m);
        }
    }
}

/* memchr over n bytes (n a multiple of 16, s aligned): UMAXP reduction. */
static uint64_t nmemchr(const uint8_t *s, int c, uint64_t n)
{
    for (uint64_t off = 0; off < n; off += 16) {
        uint64_t m;

        __asm__("dup v1.16b, %w2\n\t"
                "ldr q0, [%1]\n\t"
                "cmeq v0.16b, v0.16b, v1.16b\n\t"
                "umaxp v2.16b, v0.16b, v0.16b\n\t"
                "fmov %0, d2"
                : "=r"(m) : "r"(s + off), "r"(c) : "v0", "v1", "v2",
                  "memory");
        if (m) {
            __asm__("dup v1.16b, %w2\n\t"
                    "ldr q0, [%1]\n\t"
                    "cmeq v0.16b, v0.16b, v1.16b\n\t"
                    "shrn v0.8b, v0.8h, #4\n\t"
                    "fmov %0, d0"
                    : "=r"(m) : "r"(s + off), "r"(c) : "v0", "v1",
                      "memory");
            return off + nib(m);
        }
    }
    return n;
}

/* memcmp over n bytes (multiple of 16): the sign of the first difference */
static int64_t nmemcmp(const uint8_t *a, const uint8_t *b, uint64_t n)
{
    for (uint64_t off = 0; off < n; off += 16) {
        uint64_t eq, m;

        __asm__("ldr q0, [%2]\n\t"
                "ldr q1, [%3]\n\t"
                "cmeq v2.16b, v0.16b, v1.16b\n\t"
                "uminv b3, v2.16b\n\t"
                "umov %w0, v3.b[0]\n\t"
                "not v2.16b, v2.16b\n\t"
                "shrn v2.8b, v2.8h, #4\n\t"
                "fmov %1, d2"
                : "=&r"(eq), "=r"(m) : "r"(a + off), "r"(b + off)
                : "v0", "v1", "v2", "v3", "memory");
        if (eq != 0xff) {
            uint64_t i = off + nib(m);

            return (int64_t)a[i] - (int64_t)b[i];
        }
    }
    return 0;
}

/* Case folding, bit selects, counts and lookups over one chunk. */
static uint64_t classify(const uint8_t *p, const uint8_t *q)
{
    static const uint8_t lut[16] __attribute__((aligned(16))) = {
        3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,
    };
    uint64_t a, b, c;

    __asm__("ldr q0, [%3]\n\t"
            "ldr q7, [%4]\n\t"
            "ldr q9, [%5]\n\t"
            "movi v1.16b, #0x41\n\t"
            "movi v2.16b, #0x5a\n\t"
            "cmhs v3.16b, v0.16b, v1.16b\n\t"
            "cmhs v4.16b, v2.16b, v0.16b\n\t"
            "and v3.16b, v3.16b, v4.16b\n\t"
            "movi v5.16b, #0x20\n\t"
            "and v5.16b, v5.16b, v3.16b\n\t"
            "orr v6.16b, v0.16b, v5.16b\n\t"
            "bsl v3.16b, v6.16b, v7.16b\n\t"
            "bit v6.16b, v7.16b, v4.16b\n\t"
            "bif v7.16b, v0.16b, v4.16b\n\t"
            "orn v8.16b, v6.16b, v7.16b\n\t"
            "bic v8.16b, v8.16b, v3.16b\n\t"
            "cnt v10.16b, v8.16b\n\t"
            "addv b10, v10.16b\n\t"
            "fmov %w0, s10\n\t"
            "movi v11.16b, #0x0f\n\t"
            "and v11.16b, v0.16b, v11.16b\n\t"
            "tbl v12.16b, {v9.16b}, v11.16b\n\t"
            "ext v13.16b, v12.16b, v3.16b, #5\n\t"
            "xtn v14.8b, v13.8h\n\t"
            "addp v14.8b, v14.8b, v12.8b\n\t"
            "umov %1, v14.d[0]\n\t"
            "umaxv b15, v13.16b\n\t"
            "cmhi v16.16b, v13.16b, v6.16b\n\t"
            "cmgt v17.16b, v16.16b, v8.16b\n\t"
            "eor v16.16b, v16.16b, v17.16b\n\t"
            "uminp v16.16b, v16.16b, v15.16b\n\t"
            "fmov %2, d16"
            : "=&r"(a), "=&r"(b), "=r"(c)
            : "r"(p), "r"(q), "r"(lut)
            : "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9",
              "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17",
              "memory");
    return a + b * 3 + c * 7;
}

int main(void)
{
    uint64_t x = 88172645463325252ULL, sum = 0;

    for (int i = 0; i < BUF + 64; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)(x % 255 + 1);
        buf2[i] = buf[i];
    }
    /* String ends about every 100 bytes; buf2 differs now and then. */
    for (int i = 37; i < BUF; i += 61 + (i & 63)) {
        buf[i] = 0;
        buf2[i] = 0;
    }
    for (int i = 700; i < BUF; i += 977) {
        buf2[i] ^= 0x10;
    }
    buf[BUF] = 0;
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t pos = r & 15;

        while (pos < BUF) {
            uint64_t n = nstrlen(buf + pos);

            sum = sum * 31 + n;
            pos += n + 1;
        }
        sum += nmemchr(buf, (r * 7) & 0xff, BUF);
        sum += (uint64_t)nmemcmp(buf, buf2, BUF - 16 * (r & 31));
        for (int i = 0; i < BUF; i += 64) {
            sum += classify(buf + i, buf2 + i + 16);
        }
    }
    puts_("bench string result ");
    puthex(sum);
    putc_('\n');
    return 0;
}
