/* SPDX-License-Identifier: MIT */
/* RV64M: multiply high parts, division by zero and signed overflow. */
#include "lib.h"

#define OPAQUE(x) ({ unsigned long __o = (x); \
    __asm__ volatile("" : "+r"(__o)); __o; })
#define OP(insn, a, b) ({ unsigned long __r; \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(__r) \
                     : "r"(OPAQUE(a)), "r"(OPAQUE(b))); __r; })

#define MIN64 0x8000000000000000UL

int main(void)
{
    CHECK_EQ(OP("mul", 0x100000001UL, 0x100000001UL), 0x200000001UL);
    CHECK_EQ(OP("mulh", -1UL, -1UL), 0);
    CHECK_EQ(OP("mulh", MIN64, MIN64), 0x4000000000000000UL);
    CHECK_EQ(OP("mulhu", -1UL, -1UL), 0xfffffffffffffffeUL);
    CHECK_EQ(OP("mulhsu", -1UL, -1UL), -1UL);
    CHECK_EQ(OP("mulhsu", 1, -1UL), 0);
    CHECK_EQ(OP("mulw", 0x7fffffff, 2), 0xfffffffffffffffeUL);
    pass("rv64m mul");

    /* Division by zero: quotient all ones, remainder the dividend. */
    CHECK_EQ(OP("div", 7, 0), -1UL);
    CHECK_EQ(OP("divu", 7, 0), -1UL);
    CHECK_EQ(OP("rem", -7UL, 0), -7UL);
    CHECK_EQ(OP("remu", 7, 0), 7);
    CHECK_EQ(OP("divw", 7, 0), -1UL);
    CHECK_EQ(OP("divuw", 7, 0), -1UL);
    CHECK_EQ(OP("remw", 0x1fffffff9UL, 0), -7UL);
    CHECK_EQ(OP("remuw", 0x180000000UL, 0), 0xffffffff80000000UL);
    pass("rv64m div by zero");

    /* Signed overflow: quotient is the dividend, remainder zero. */
    CHECK_EQ(OP("div", MIN64, -1UL), MIN64);
    CHECK_EQ(OP("rem", MIN64, -1UL), 0);
    CHECK_EQ(OP("divw", 0x80000000UL, -1UL), 0xffffffff80000000UL);
    CHECK_EQ(OP("remw", 0x80000000UL, -1UL), 0);
    pass("rv64m overflow");

    /* Ordinary cases, rounding toward zero. */
    CHECK_EQ(OP("div", -7UL, 2), -3UL);
    CHECK_EQ(OP("rem", -7UL, 2), -1UL);
    CHECK_EQ(OP("divu", -7UL, 2), 0x7ffffffffffffffcUL);
    CHECK_EQ(OP("divuw", 0xfffffff9UL, 2), 0x7ffffffcUL);
    CHECK_EQ(OP("remuw", 0xfffffff9UL, 2), 1);
    CHECK_EQ(OP("divw", 0x12345678fffffff9UL, 2), -3UL);
    pass("rv64m div");
    return 0;
}
