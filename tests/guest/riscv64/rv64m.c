/* SPDX-License-Identifier: MIT */
/* RV64M: multiply high parts, division by zero and signed overflow. */
#include "lib.h"

#define OPAQUE(x) ({ unsigned long __o = (x); \
    __asm__ volatile("" : "+r"(__o)); __o; })
#define OP(insn, a, b) ({ unsigned long __r; \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(__r) \
                     : "r"(OPAQUE(a)), "r"(OPAQUE(b))); __r; })

#define MIN64 0x8000000000000000UL

/*
 * Division in a loop on values from memory, so the translator knows
 * neither operand: the divisor register's value when the loop body is
 * translated becomes the backend's guess (tcg-opc.h), right for the first
 * divisor and wrong for the others, including 0 and -1.  Each result is
 * checked against the definition (spec table 13.1 for the corner cases).
 */
static volatile unsigned long divisors[] = {
    1000003, 3, 7, 10, 1, 0, -1UL, 2, 0x8000000000000001UL,
    0x100000001UL, 0xfffffffeUL, MIN64, 64,
};
static volatile unsigned long dividends[] = {
    0, 1, 2, 5, 6, 999, 1000003, 2000007, 0x7fffffff, 0x80000000UL,
    0xffffffffUL, 0x123456789abcdefUL, MIN64, MIN64 + 1, -1UL, -2UL, -7UL,
};

static int check_unsigned(unsigned long n, unsigned long d, unsigned long q,
                          unsigned long r)
{
    if (d == 0) {
        return q == -1UL && r == n;
    }
    return r < d && q * d + r == n &&
           (unsigned __int128)q * d <= n;
}

static int check_signed(long n, long d, long q, long r)
{
    if (d == 0) {
        return q == -1 && r == n;
    }
    if (n == (long)MIN64 && d == -1) {
        return q == n && r == 0;
    }
    return (__int128)q * d + r == n &&
           (r == 0 || (r < 0) == (n < 0)) &&
           (r < 0 ? -(__int128)r : r) < (d < 0 ? -(__int128)d : d);
}

static int check_unsigned32(unsigned n, unsigned d, unsigned q, unsigned r)
{
    if (d == 0) {
        return q == 0xffffffffu && r == n;
    }
    return r < d && (unsigned long)q * d + r == n;
}

static int check_signed32(int n, int d, int q, int r)
{
    if (n == (int)0x80000000u && d == -1) {
        return q == n && r == 0;
    }
    return check_signed(n, d, q, r);
}

static void division_loop(void)
{
    for (unsigned i = 0; i < sizeof(divisors) / sizeof(divisors[0]); i++) {
        unsigned long d = divisors[i];

        for (int rep = 0; rep < 3; rep++) {
            for (unsigned j = 0;
                 j < sizeof(dividends) / sizeof(dividends[0]); j++) {
                unsigned long n = dividends[j] + rep * 12345;
                unsigned long q, r;
                long sq, sr;

                __asm__ volatile("divu %0, %2, %3\n\tremu %1, %2, %3"
                                 : "=&r"(q), "=&r"(r) : "r"(n), "r"(d));
                CHECK(check_unsigned(n, d, q, r));
                __asm__ volatile("div %0, %2, %3\n\trem %1, %2, %3"
                                 : "=&r"(sq), "=&r"(sr) : "r"(n), "r"(d));
                CHECK(check_signed((long)n, (long)d, sq, sr));
                __asm__ volatile("divuw %0, %2, %3\n\tremuw %1, %2, %3"
                                 : "=&r"(q), "=&r"(r) : "r"(n), "r"(d));
                CHECK(q == (unsigned long)(long)(int)q &&
                      r == (unsigned long)(long)(int)r);
                CHECK(check_unsigned32((unsigned)n, (unsigned)d,
                                       (unsigned)q, (unsigned)r));
                __asm__ volatile("divw %0, %2, %3\n\tremw %1, %2, %3"
                                 : "=&r"(sq), "=&r"(sr) : "r"(n), "r"(d));
                CHECK(sq == (int)sq && sr == (int)sr);
                CHECK(check_signed32((int)n, (int)d, (int)sq, (int)sr));
            }
        }
    }
    pass("rv64m division loop");
}

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
    division_loop();
    return 0;
}
