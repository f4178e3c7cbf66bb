/* SPDX-License-Identifier: MIT */
/*
 * Shared scaffolding of the fp* guest tests: FPCR/FPSR access and one
 * output line per case ("tag i j result fpsr"), so a difference with the
 * reference points at the operation, operands and flags at once.
 */
#ifndef FPT_H
#define FPT_H

#include "lib.h"

#define FZ (1u << 24)
#define DN (1u << 25)
#define AHP (1u << 26)
#define RP (1u << 22)
#define RM (2u << 22)
#define RZ (3u << 22)

static inline void set_fpcr(uint64_t v)
{
    __asm__ volatile("msr fpcr, %0" : : "r"(v));
}

static inline void clear_fpsr(void)
{
    __asm__ volatile("msr fpsr, xzr");
}

static inline uint64_t get_fpsr(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, fpsr" : "=r"(v));
    return v;
}

static inline void hexn(uint64_t v, int digits)
{
    for (int i = (digits - 1) * 4; i >= 0; i -= 4) {
        putc_("0123456789abcdef"[(v >> i) & 15]);
    }
}

static inline void idx(unsigned i)
{
    putc_("0123456789abcdefghijklmnopqrstuvwxyz"[i % 36]);
}

static inline void line(const char *tag, unsigned i, unsigned j, uint64_t r,
                        int digits, uint64_t fpsr)
{
    puts_(tag);
    putc_(' ');
    idx(i);
    idx(j);
    putc_(' ');
    hexn(r, digits);
    putc_(' ');
    hexn(fpsr, 8);
    putc_('\n');
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
