/* SPDX-License-Identifier: MIT */
/* Loads/stores: sizes, sign, index modes, register offsets, pairs, excl. */
#include "lib.h"

static uint64_t buf[8] __attribute__((aligned(16)));

static void fill(void)
{
    for (int i = 0; i < 8; i++) {
        buf[i] = 0x8899aabbccddeeffULL ^ ((uint64_t)i * 0x0101010101010101ULL);
    }
}

#define LD(name, insn) do {                                             \
    uint64_t r_;                                                        \
    __asm__ volatile(insn : "=&r"(r_) : "r"(buf) : "memory");           \
    show(name, r_);                                                     \
} while (0)

int main(void)
{
    uint64_t r, a, b, st;
    uint8_t *p = (uint8_t *)buf;

    puts_("mem test\n");
    fill();
    LD("ldrb", "ldrb %w0, [%1, #3]");
    LD("ldrsb x", "ldrsb %0, [%1, #1]");
    LD("ldrsb w", "ldrsb %w0, [%1, #1]");
    LD("ldrh", "ldrh %w0, [%1, #6]");
    LD("ldrsh", "ldrsh %0, [%1, #14]");
    LD("ldr w", "ldr %w0, [%1, #4]");
    LD("ldrsw", "ldrsw %0, [%1, #12]");
    LD("ldr x", "ldr %0, [%1, #16]");
    LD("ldur", "ldur %0, [%1, #3]");
    LD("ldursh", "ldursh %w0, [%1, #-0]");
    LD("ldr reg lsl", "mov x3, #2\nldr %0, [%1, x3, lsl #3]");
    LD("ldr reg sxtw", "mov w3, #-1\nadd x4, %1, #8\n"
       "ldr %0, [x4, w3, sxtw #3]");
    LD("ldrb reg uxtw", "mov w3, #5\nldrb %w0, [%1, w3, uxtw]");
    LD("ldrh reg", "mov x3, #3\nldrh %w0, [%1, x3, lsl #1]");
    /* pre/post index and write-back */
    __asm__ volatile("mov x5, %2\nldr %0, [x5, #8]!\nsub %1, x5, %2"
                     : "=&r"(r), "=&r"(a) : "r"(buf) : "x5", "memory");
    show("pre-index value", r);
    show("pre-index base", a);
    __asm__ volatile("mov x5, %2\nldrh %w0, [x5], #-6\nsub %1, x5, %2"
                     : "=&r"(r), "=&r"(a) : "r"(buf) : "x5", "memory");
    show("post-index value", r);
    show("post-index base", a);
    /* stores */
    __asm__ volatile("mov x5, %0\nmov x6, #0x1234\nstrb w6, [x5]\n"
                     "strh w6, [x5, #2]\nmov x6, #-2\nstr w6, [x5, #4]!\n"
                     "stur x6, [x5, #9]\nstr x6, [x5], #16\n"
                     : : "r"(buf) : "x5", "x6", "memory");
    show("after stores 0", buf[0]);
    show("after stores 1", buf[1]);
    show("after stores 2", buf[2]);
    fill();
    /* pairs */
    __asm__ volatile("ldp %0, %1, [%2, #16]" : "=&r"(a), "=&r"(b)
                     : "r"(buf) : "memory");
    show("ldp a", a);
    show("ldp b", b);
    __asm__ volatile("ldp %w0, %w1, [%2, #4]" : "=&r"(a), "=&r"(b)
                     : "r"(buf) : "memory");
    show("ldp w a", a);
    show("ldp w b", b);
    __asm__ volatile("ldpsw %0, %1, [%2]" : "=&r"(a), "=&r"(b)
                     : "r"(buf) : "memory");
    show("ldpsw a", a);
    show("ldpsw b", b);
    __asm__ volatile("mov x5, %0\nmov x6, #0x11\nmov x7, #0x22\n"
                     "stp x6, x7, [x5, #16]!\nstp w7, w6, [x5], #-8\n"
                     "ldp x6, x7, [x5, #-8]!\nsub x5, x5, %0\n"
                     "stp x5, x6, [%0, #48]"
                     : : "r"(buf) : "x5", "x6", "x7", "memory");
    for (int i = 0; i < 8; i++) {
        show("pair buf", buf[i]);
    }
    fill();
    /* exclusives */
    __asm__ volatile("ldxr %0, [%2]\nadd %0, %0, #1\nstxr %w1, %0, [%2]"
                     : "=&r"(r), "=&r"(st) : "r"(&buf[1]) : "memory");
    show("ldxr/stxr status", st);
    show("ldxr/stxr value", buf[1]);
    __asm__ volatile("ldaxr %w0, [%2]\nclrex\nstlxr %w1, %w0, [%2]"
                     : "=&r"(r), "=&r"(st) : "r"(&buf[2]) : "memory");
    show("stxr after clrex", st);
    __asm__ volatile("ldxrb %w0, [%2]\nstxrb %w1, %w0, [%3]"
                     : "=&r"(r), "=&r"(st) : "r"(p + 24), "r"(p + 25)
                     : "memory");
    show("stxr other address", st);
    __asm__ volatile("mov x5, #77\nstlr x5, [%1]\nldar %0, [%1]"
                     : "=&r"(r) : "r"(&buf[3]) : "x5", "memory");
    show("stlr/ldar", r);
    __asm__ volatile("ldr %0, 1f\nb 2f\n.balign 8\n1: .quad 0xfeedface12345678\n"
                     "2:" : "=r"(r));
    show("ldr literal", r);
    __asm__ volatile("ldrsw %0, 1f\nb 2f\n.balign 4\n1: .word 0x80000001\n"
                     "2:" : "=r"(r));
    show("ldrsw literal", r);
    puts_("mem done\n");
    return 0;
}
