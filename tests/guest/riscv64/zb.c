/* SPDX-License-Identifier: MIT */
/* Zba, Zbb, Zbc, Zbs bit-manipulation instructions. */
#include "lib.h"

#define OPAQUE(x) ({ unsigned long __o = (x); \
    __asm__ volatile("" : "+r"(__o)); __o; })
#define OP2(insn, a, b) ({ unsigned long __r; \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(__r) \
                     : "r"(OPAQUE(a)), "r"(OPAQUE(b))); __r; })
#define OPI(insn, a, imm) ({ unsigned long __r; \
    __asm__ volatile(insn " %0, %1, " #imm : "=r"(__r) : "r"(OPAQUE(a))); \
    __r; })
#define OP1(insn, a) ({ unsigned long __r; \
    __asm__ volatile(insn " %0, %1" : "=r"(__r) : "r"(OPAQUE(a))); __r; })

int main(void)
{
    CHECK_EQ(OP2("sh1add", 3, 100), 106);
    CHECK_EQ(OP2("sh2add", 3, 100), 112);
    CHECK_EQ(OP2("sh3add", -1UL, 100), 92);
    CHECK_EQ(OP2("add.uw", 0xffffffff80000000UL, 1), 0x80000001UL);
    CHECK_EQ(OP2("sh1add.uw", 0xffffffff80000000UL, 1), 0x100000001UL);
    CHECK_EQ(OP2("sh2add.uw", 0x100000001UL, 0), 4);
    CHECK_EQ(OP2("sh3add.uw", 0xffffffffUL, 0), 0x7fffffff8UL);
    CHECK_EQ(OPI("slli.uw", 0xffffffff80000001UL, 4), 0x800000010UL);
    pass("zba");

    CHECK_EQ(OP2("andn", 0xff, 0x0f), 0xf0);
    CHECK_EQ(OP2("orn", 0, 0xf), ~0xfUL);
    CHECK_EQ(OP2("xnor", 0xff, 0x0f), ~0xf0UL);
    CHECK_EQ(OP1("clz", 0), 64);
    CHECK_EQ(OP1("clz", 1UL << 40), 23);
    CHECK_EQ(OP1("clzw", 0xffffffff00000000UL), 32);
    CHECK_EQ(OP1("clzw", 0x10000), 15);
    CHECK_EQ(OP1("ctz", 0), 64);
    CHECK_EQ(OP1("ctz", 1UL << 63), 63);
    CHECK_EQ(OP1("ctzw", 0x100000000UL), 32);
    CHECK_EQ(OP1("cpop", -1UL), 64);
    CHECK_EQ(OP1("cpopw", 0xff0000000000000fUL), 4);
    CHECK_EQ(OP2("max", -1UL, 1), 1);
    CHECK_EQ(OP2("maxu", -1UL, 1), -1UL);
    CHECK_EQ(OP2("min", -1UL, 1), -1UL);
    CHECK_EQ(OP2("minu", -1UL, 1), 1);
    CHECK_EQ(OP1("sext.b", 0x180), -128UL);
    CHECK_EQ(OP1("sext.h", 0x18000), 0xffffffffffff8000UL);
    CHECK_EQ(OP1("zext.h", -1UL), 0xffff);
    CHECK_EQ(OP2("rol", 0x8000000000000001UL, 1), 3);
    CHECK_EQ(OP2("ror", 3, 1), 0x8000000000000001UL);
    CHECK_EQ(OP2("ror", 3, 65), 0x8000000000000001UL);
    CHECK_EQ(OPI("rori", 0xf0, 4), 0xf);
    CHECK_EQ(OP2("rolw", 0x80000001UL, 1), 3);
    CHECK_EQ(OP2("rorw", 1, 1), 0xffffffff80000000UL);
    CHECK_EQ(OPI("roriw", 0x10, 4), 1);
    CHECK_EQ(OP1("orc.b", 0x0001000010000100UL), 0x00ff0000ff00ff00UL);
    CHECK_EQ(OP1("rev8", 0x0102030405060708UL), 0x0807060504030201UL);
    pass("zbb");

    CHECK_EQ(OP2("clmul", 3, 3), 5);
    CHECK_EQ(OP2("clmul", -1UL, -1UL), 0x5555555555555555UL);
    CHECK_EQ(OP2("clmulh", -1UL, -1UL), 0x5555555555555555UL);
    CHECK_EQ(OP2("clmulr", -1UL, -1UL), 0xaaaaaaaaaaaaaaaaUL);
    CHECK_EQ(OP2("clmul", 0x123456789abcdef0UL, 0xfedcba9876543210UL),
             0x0a0789828c810f00UL);
    CHECK_EQ(OP2("clmulh", 0x123456789abcdef0UL, 0xfedcba9876543210UL),
             0x0e038d8688850b04UL);
    CHECK_EQ(OP2("clmulr", 0x123456789abcdef0UL, 0xfedcba9876543210UL),
             0x1c071b0d110a1608UL);
    pass("zbc");

    CHECK_EQ(OP2("bclr", -1UL, 63), 0x7fffffffffffffffUL);
    CHECK_EQ(OP2("bclr", -1UL, 64), -2UL);
    CHECK_EQ(OPI("bclri", 0xff, 3), 0xf7);
    CHECK_EQ(OP2("bext", 0x100, 8), 1);
    CHECK_EQ(OPI("bexti", 0x100, 9), 0);
    CHECK_EQ(OP2("binv", 0, 70), 0x40);
    CHECK_EQ(OPI("binvi", 0x40, 6), 0);
    CHECK_EQ(OP2("bset", 0, 63), 0x8000000000000000UL);
    CHECK_EQ(OPI("bseti", 0, 33), 0x200000000UL);
    pass("zbs");
    return 0;
}
