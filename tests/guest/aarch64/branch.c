/* SPDX-License-Identifier: MIT */
/* Branches: b.cond for every condition and flag set, cbz/tbz, bl/blr/ret */
#include "lib.h"

#define BCOND(c) do {                                                   \
    uint64_t t;                                                         \
    __asm__ volatile("msr nzcv, %1\nmov %0, #1\nb." #c " 1f\n"          \
                     "mov %0, #0\n1:" : "=&r"(t) : "r"(f) : "cc");      \
    bits = bits << 1 | t;                                               \
} while (0)

static uint64_t conds(uint64_t f)
{
    uint64_t bits = 0;

    BCOND(eq); BCOND(ne); BCOND(cs); BCOND(cc); BCOND(mi); BCOND(pl);
    BCOND(vs); BCOND(vc); BCOND(hi); BCOND(ls); BCOND(ge); BCOND(lt);
    BCOND(gt); BCOND(le); BCOND(al);
    return bits;
}

static __attribute__((noinline)) uint64_t leaf(uint64_t x)
{
    return x * 3 + 1;
}

static uint64_t (*volatile fnptr)(uint64_t) = leaf;

int main(void)
{
    uint64_t r, v;

    puts_("branch test\n");
    for (uint64_t f = 0; f < 16; f++) {
        show("conds", f << 8 | conds(f << 28));
    }
    v = 0x100000000ULL;
    __asm__ volatile("mov %0, #0\ncbz %w1, 1f\nmov %0, #1\n1:"
                     : "=&r"(r) : "r"(v));
    show("cbz w (low word zero)", r);
    __asm__ volatile("mov %0, #0\ncbnz %1, 1f\nmov %0, #1\n1:"
                     : "=&r"(r) : "r"(v));
    show("cbnz x", r);
    __asm__ volatile("mov %0, #0\ntbnz %1, #32, 1f\nmov %0, #1\n1:"
                     : "=&r"(r) : "r"(v));
    show("tbnz bit 32", r);
    __asm__ volatile("mov %0, #0\ntbz %1, #0, 1f\nmov %0, #1\n1:"
                     : "=&r"(r) : "r"(v));
    show("tbz bit 0", r);
    show("bl", leaf(5));
    show("blr", fnptr(7));
    __asm__ volatile("adr x2, 1f\nmov %0, #9\nbr x2\nmov %0, #0\n1:"
                     : "=&r"(r) : : "x2");
    show("br", r);
    /* A backward loop, long enough to chain many blocks. */
    r = 0;
    for (volatile int i = 0; i < 100000; i++) {
        r += (uint64_t)i ^ (r >> 3);
    }
    show("loop", r);
    puts_("branch done\n");
    return 0;
}
