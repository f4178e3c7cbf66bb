/* SPDX-License-Identifier: MIT */
/*
 * Shared by the simd* tests: operand vectors and T3(insn), which runs an
 * AdvSIMD instruction on v0 (first operand), v1 (second) and v2 (the
 * destination, preset so accumulating and insert forms show), for a few
 * operand choices, and prints v2 and FPSR (QC is bit 27).
 */
#ifndef SIMDLIB_H
#define SIMDLIB_H

#include "lib.h"

typedef struct V128 {
    uint64_t lo, hi;
} __attribute__((aligned(16))) V128;

static const V128 vals[] = {
    { 0x0123456789abcdefULL, 0xfedcba9876543210ULL },
    { 0x7f80ff0001fe8081ULL, 0x80007fff00010002ULL },
    { 0xffffffff80000000ULL, 0x7fffffff00000001ULL },
    { 0x8000000000000000ULL, 0x7fffffffffffffffULL },
    { 0x00000000000000feULL, 0xffffffffffff0003ULL },
    { 0x1122334455667788ULL, 0x99aabbccddeeff00ULL },
    { 0x40c0207f3fe17f01ULL, 0xc0004000c0000000ULL },
};

/* n, m, d operand indices of each case. */
static const uint8_t cases[][3] = {
    { 0, 1, 5 }, { 2, 6, 4 }, { 3, 3, 0 }, { 6, 4, 1 },
};
#define NCASE ((int)(sizeof(cases) / sizeof(cases[0])))

static inline void simd_line(const char *insn, int c, const V128 *r,
                             uint64_t fpsr)
{
    puts_(insn);
    putc_(' ');
    putc_('0' + c);
    putc_(' ');
    puthex(r->hi);
    putc_(' ');
    puthex(r->lo);
    puts_((fpsr >> 27) & 1 ? " Q\n" : "\n");
}

#define T3(insn) do {                                                   \
    for (int c_ = 0; c_ < NCASE; c_++) {                                \
        V128 r_;                                                        \
        uint64_t f_;                                                    \
        __asm__ volatile("msr fpsr, xzr\n\t"                            \
                         "ldr q0, [%2]\n\t"                             \
                         "ldr q1, [%3]\n\t"                             \
                         "ldr q2, [%4]\n\t"                             \
                         insn "\n\t"                                    \
                         "str q2, [%1]\n\t"                             \
                         "mrs %0, fpsr"                                 \
                         : "=&r"(f_)                                    \
                         : "r"(&r_), "r"(&vals[cases[c_][0]]),          \
                           "r"(&vals[cases[c_][1]]),                    \
                           "r"(&vals[cases[c_][2]])                     \
                         : "v0", "v1", "v2", "memory");                 \
        simd_line(insn, c_, &r_, f_);                                   \
    }                                                                   \
} while (0)

#endif
