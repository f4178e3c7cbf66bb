/* SPDX-License-Identifier: MIT */
/*
 * AdvSIMD structure loads and stores (LD1-LD4, ST1-ST4, multiple and
 * single structure, LD1R-LD4R, post-index by immediate and register), and
 * the NEON loops of strlen, memchr, memcpy, xor and checksum kernels.
 */
#include "simdlib.h"

static uint8_t src[96] __attribute__((aligned(16)));
static uint8_t dst[96] __attribute__((aligned(16)));

static void show_vregs(const V128 *r, uint64_t moved)
{
    for (int i = 0; i < 4; i++) {
        puts_("  v");
        putc_('4' + i);
        putc_(' ');
        puthex(r[i].hi);
        putc_(' ');
        puthex(r[i].lo);
        putc_('\n');
    }
    show("  x0 moved", moved);
}

/* Load at src + off into v4-v7 (preset), x1 = 48 for register post-index */
#define LDT(insn, off) do {                                             \
    V128 r_[4];                                                         \
    uint64_t x_;                                                        \
    __asm__ volatile("ldr q4, [%2]\n\t"                                 \
                     "ldr q5, [%3]\n\t"                                 \
                     "ldr q6, [%4]\n\t"                                 \
                     "ldr q7, [%5]\n\t"                                 \
                     "mov x0, %6\n\t"                                   \
                     "mov x1, #48\n\t"                                  \
                     insn "\n\t"                                        \
                     "stp q4, q5, [%1]\n\t"                             \
                     "stp q6, q7, [%1, #32]\n\t"                        \
                     "sub %0, x0, %6"                                   \
                     : "=&r"(x_)                                        \
                     : "r"(r_), "r"(&vals[5]), "r"(&vals[6]),           \
                       "r"(&vals[0]), "r"(&vals[1]), "r"(src + (off))   \
                     : "x0", "x1", "v4", "v5", "v6", "v7", "memory");   \
    puts_(insn);                                                        \
    puts_(off ? " +" #off "\n" : "\n");                                 \
    show_vregs(r_, x_);                                                 \
} while (0)

/* Store v4-v7 (preset) at dst + off; print dst. */
#define STT(insn, off) do {                                             \
    uint64_t x_;                                                        \
    for (int i_ = 0; i_ < 96; i_++) {                                   \
        dst[i_] = 0;                                                    \
    }                                                                   \
    __asm__ volatile("ldr q4, [%1]\n\t"                                 \
                     "ldr q5, [%2]\n\t"                                 \
                     "ldr q6, [%3]\n\t"                                 \
                     "ldr q7, [%4]\n\t"                                 \
                     "mov x0, %5\n\t"                                   \
                     "mov x1, #-16\n\t"                                 \
                     insn "\n\t"                                        \
                     "sub %0, x0, %5"                                   \
                     : "=&r"(x_)                                        \
                     : "r"(&vals[5]), "r"(&vals[6]), "r"(&vals[0]),     \
                       "r"(&vals[1]), "r"(dst + (off))                  \
                     : "x0", "x1", "v4", "v5", "v6", "v7", "memory");   \
    puts_(insn);                                                        \
    puts_(off ? " +" #off "\n" : "\n");                                 \
    show_dst(x_);                                                       \
} while (0)

static void show_dst(uint64_t moved)
{
    const uint64_t *d = (const uint64_t *)dst;

    for (int i = 0; i < 12; i += 2) {
        puts_("  ");
        puthex(d[i + 1]);
        putc_(' ');
        puthex(d[i]);
        putc_('\n');
    }
    show("  x0 moved", (uint64_t)moved);
}

static void loads(void)
{
    puts_("-- loads\n");
    LDT("ld1 {v4.16b}, [x0]", 0);
    LDT("ld1 {v4.8b}, [x0], #8", 0);
    LDT("ld1 {v4.4h, v5.4h}, [x0], x1", 0);
    LDT("ld1 {v4.4s, v5.4s, v6.4s}, [x0], #48", 3);
    LDT("ld1 {v4.2d, v5.2d, v6.2d, v7.2d}, [x0], #64", 0);
    LDT("ld1 {v4.1d, v5.1d, v6.1d, v7.1d}, [x0]", 1);
    LDT("ld2 {v4.16b, v5.16b}, [x0], #32", 0);
    LDT("ld2 {v4.4h, v5.4h}, [x0], x1", 0);
    LDT("ld2 {v4.2d, v5.2d}, [x0]", 0);
    LDT("ld3 {v4.8b, v5.8b, v6.8b}, [x0], #24", 0);
    LDT("ld3 {v4.8h, v5.8h, v6.8h}, [x0]", 2);
    LDT("ld3 {v4.4s, v5.4s, v6.4s}, [x0], x1", 0);
    LDT("ld4 {v4.16b, v5.16b, v6.16b, v7.16b}, [x0], #64", 0);
    LDT("ld4 {v4.2s, v5.2s, v6.2s, v7.2s}, [x0]", 0);
    LDT("ld4 {v4.2d, v5.2d, v6.2d, v7.2d}, [x0], x1", 0);
    LDT("ld1 {v4.b}[13], [x0], #1", 5);
    LDT("ld1 {v4.h}[6], [x0]", 0);
    LDT("ld1 {v4.s}[1], [x0], x1", 0);
    LDT("ld1 {v4.d}[1], [x0], #8", 0);
    LDT("ld2 {v4.b, v5.b}[9], [x0], #2", 0);
    LDT("ld2 {v4.h, v5.h}[3], [x0]", 0);
    LDT("ld3 {v4.s, v5.s, v6.s}[2], [x0], #12", 0);
    LDT("ld3 {v4.d, v5.d, v6.d}[0], [x0]", 0);
    LDT("ld4 {v4.b, v5.b, v6.b, v7.b}[15], [x0], #4", 0);
    LDT("ld4 {v4.s, v5.s, v6.s, v7.s}[3], [x0], x1", 0);
    LDT("ld1r {v4.16b}, [x0], #1", 7);
    LDT("ld1r {v4.4h}, [x0]", 0);
    LDT("ld1r {v4.2d}, [x0], x1", 0);
    LDT("ld2r {v4.8b, v5.8b}, [x0], #2", 0);
    LDT("ld2r {v4.4s, v5.4s}, [x0]", 0);
    LDT("ld3r {v4.8h, v5.8h, v6.8h}, [x0], #6", 0);
    LDT("ld4r {v4.2s, v5.2s, v6.2s, v7.2s}, [x0], #16", 0);
    LDT("ld4r {v4.1d, v5.1d, v6.1d, v7.1d}, [x0]", 0);
}

static void stores(void)
{
    puts_("-- stores\n");
    STT("st1 {v4.16b}, [x0]", 0);
    STT("st1 {v4.8b, v5.8b}, [x0], #16", 0);
    STT("st1 {v4.4s, v5.4s, v6.4s}, [x0], x1", 16);
    STT("st1 {v4.2d, v5.2d, v6.2d, v7.2d}, [x0], #64", 0);
    STT("st2 {v4.8h, v5.8h}, [x0], #32", 0);
    STT("st2 {v4.8b, v5.8b}, [x0]", 3);
    STT("st3 {v4.16b, v5.16b, v6.16b}, [x0], #48", 0);
    STT("st3 {v4.2s, v5.2s, v6.2s}, [x0]", 0);
    STT("st4 {v4.8h, v5.8h, v6.8h, v7.8h}, [x0], x1", 16);
    STT("st4 {v4.8b, v5.8b, v6.8b, v7.8b}, [x0], #32", 0);
    STT("st4 {v4.2d, v5.2d, v6.2d, v7.2d}, [x0]", 0);
    STT("st1 {v4.b}[11], [x0], #1", 0);
    STT("st1 {v4.d}[1], [x0]", 0);
    STT("st2 {v4.h, v5.h}[5], [x0], #4", 0);
    STT("st3 {v4.s, v5.s, v6.s}[3], [x0], x1", 32);
    STT("st4 {v4.d, v5.d, v6.d, v7.d}[1], [x0], #32", 0);
    STT("st4 {v4.b, v5.b, v6.b, v7.b}[0], [x0]", 5);
}

/* strlen with a 16-byte compare loop, as glibc's NEON version works. */
static uint64_t neon_strlen(const char *s)
{
    uint64_t len;

    __asm__ volatile("mov x2, %1\n\t"
                     "1: ld1 {v0.16b}, [x2], #16\n\t"
                     "cmeq v0.16b, v0.16b, #0\n\t"
                     "umaxv b1, v0.16b\n\t"
                     "umov w3, v1.b[0]\n\t"
                     "cbz w3, 1b\n\t"
                     "sub x2, x2, #16\n\t"
                     "shrn v0.8b, v0.8h, #4\n\t"
                     "umov x3, v0.d[0]\n\t"
                     "rbit x3, x3\n\t"
                     "clz x3, x3\n\t"
                     "add x2, x2, x3, lsr #2\n\t"
                     "sub %0, x2, %1"
                     : "=&r"(len) : "r"(s)
                     : "x2", "x3", "v0", "v1", "memory");
    return len;
}

/* memchr: index of the first byte c in n (multiple of 16) bytes, or -1. */
static int64_t neon_memchr(const uint8_t *p, int c, uint64_t n)
{
    int64_t r;

    __asm__ volatile("dup v1.16b, %w2\n\t"
                     "mov x4, %1\n\t"
                     "mov x5, %3\n\t"
                     "movi v3.2d, #0\n\t"
                     "1: cbz x5, 2f\n\t"
                     "ld1 {v0.16b}, [x4], #16\n\t"
                     "sub x5, x5, #16\n\t"
                     "cmeq v0.16b, v0.16b, v1.16b\n\t"
                     "addp v2.2d, v0.2d, v0.2d\n\t"
                     "umov x6, v2.d[0]\n\t"
                     "cbz x6, 1b\n\t"
                     "sub x4, x4, #16\n\t"
                     "umov x6, v0.d[0]\n\t"
                     "umov x7, v0.d[1]\n\t"
                     "add x8, x4, #8\n\t"
                     "cmp x6, #0\n\t"
                     "csel x6, x6, x7, ne\n\t"
                     "csel x4, x4, x8, ne\n\t"
                     "rbit x6, x6\n\t"
                     "clz x6, x6\n\t"
                     "add x4, x4, x6, lsr #3\n\t"
                     "sub %0, x4, %1\n\t"
                     "b 3f\n\t"
                     "2: mov %0, #-1\n\t"
                     "3:"
                     : "=&r"(r) : "r"(p), "r"(c), "r"(n)
                     : "x4", "x5", "x6", "x7", "x8", "v0", "v1", "v2", "v3",
                       "cc", "memory");
    return r;
}

/* memcpy of n (multiple of 32) bytes with LD1/ST1 of two registers. */
static void neon_memcpy(uint8_t *d, const uint8_t *s, uint64_t n)
{
    __asm__ volatile("1: cbz %2, 2f\n\t"
                     "ld1 {v0.16b, v1.16b}, [%1], #32\n\t"
                     "st1 {v0.16b, v1.16b}, [%0], #32\n\t"
                     "sub %2, %2, #32\n\t"
                     "b 1b\n\t"
                     "2:"
                     : "+r"(d), "+r"(s), "+r"(n)
                     : : "v0", "v1", "memory");
}

/* xor_neon style: d ^= s over n (multiple of 64) bytes. */
static void neon_xor(uint8_t *d, const uint8_t *s, uint64_t n)
{
    __asm__ volatile("1: cbz %2, 2f\n\t"
                     "ld1 {v0.2d, v1.2d, v2.2d, v3.2d}, [%1], #64\n\t"
                     "ld1 {v4.2d, v5.2d, v6.2d, v7.2d}, [%0]\n\t"
                     "eor v0.16b, v0.16b, v4.16b\n\t"
                     "eor v1.16b, v1.16b, v5.16b\n\t"
                     "eor v2.16b, v2.16b, v6.16b\n\t"
                     "eor v3.16b, v3.16b, v7.16b\n\t"
                     "st1 {v0.2d, v1.2d, v2.2d, v3.2d}, [%0], #64\n\t"
                     "sub %2, %2, #64\n\t"
                     "b 1b\n\t"
                     "2:"
                     : "+r"(d), "+r"(s), "+r"(n)
                     : : "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7",
                       "memory");
}

/* 16-bit ones'-complement style sum with UADALP, folded by ADDV. */
static uint64_t neon_csum(const uint8_t *p, uint64_t n)
{
    uint64_t r;

    __asm__ volatile("movi v1.2d, #0\n\t"
                     "1: cbz %2, 2f\n\t"
                     "ld1 {v0.8h}, [%1], #16\n\t"
                     "uadalp v1.4s, v0.8h\n\t"
                     "sub %2, %2, #16\n\t"
                     "b 1b\n\t"
                     "2: uaddlv d2, v1.4s\n\t"
                     "umov %0, v2.d[0]"
                     : "=&r"(r), "+r"(p), "+r"(n)
                     : : "v0", "v1", "v2", "memory");
    return r;
}

static void loops(void)
{
    static char str[80] __attribute__((aligned(16)));
    static uint8_t big[256] __attribute__((aligned(16)));
    static uint8_t copy[256] __attribute__((aligned(16)));
    uint64_t sum = 0;

    puts_("-- loops\n");
    for (int len = 0; len < 40; len += 7) {
        for (int i = 0; i < 80; i++) {
            str[i] = i < len ? 'a' + i % 26 : 0;
        }
        show("strlen", neon_strlen(str));
        show("strlen +3", neon_strlen(str + 3));
    }
    for (int i = 0; i < 256; i++) {
        big[i] = (uint8_t)(i * 37 + 11);
    }
    show("memchr 0x0b", neon_memchr(big, 0x0b, 256));
    show("memchr 0x30", neon_memchr(big, 0x30, 256));
    show("memchr 0xe4", neon_memchr(big, 0xe4, 256));
    show("memchr absent", neon_memchr(big, 0x0b, 0));
    neon_memcpy(copy, big, 256);
    for (int i = 0; i < 256; i++) {
        sum = sum * 31 + copy[i];
    }
    show("memcpy hash", sum);
    neon_xor(copy, big + 64, 192);
    sum = 0;
    for (int i = 0; i < 256; i++) {
        sum = sum * 31 + copy[i];
    }
    show("xor hash", sum);
    show("csum", neon_csum(big, 256));
}

int main(void)
{
    for (int i = 0; i < 96; i++) {
        src[i] = (uint8_t)(i * 0x1d + 0x41);
    }
    loads();
    stores();
    loops();
    poweroff();
}
