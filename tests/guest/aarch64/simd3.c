/* SPDX-License-Identifier: MIT */
/*
 * AdvSIMD copies (DUP, INS, UMOV, SMOV), EXT, TBL/TBX, ZIP/UZP/TRN,
 * modified immediates, and UNDEFINED reserved encodings.
 */
#include "simdlib.h"

/* Run insn with x0 = val (general operand); print v2 and x1. */
#define TX(insn, val) do {                                              \
    V128 r_;                                                            \
    uint64_t x_;                                                        \
    __asm__ volatile("ldr q0, [%2]\n\t"                                 \
                     "ldr q2, [%3]\n\t"                                 \
                     "mov x0, %4\n\t"                                   \
                     "mov x1, #0x5555\n\t"                              \
                     insn "\n\t"                                        \
                     "str q2, [%1]\n\t"                                 \
                     "mov %0, x1"                                       \
                     : "=&r"(x_)                                        \
                     : "r"(&r_), "r"(&vals[0]), "r"(&vals[5]),          \
                       "r"((uint64_t)(val))                             \
                     : "x0", "x1", "v0", "v2", "memory");               \
    simd_line(insn, 0, &r_, 0);                                         \
    show("  x1", x_);                                                   \
} while (0)

/* Table lookups: v4-v7 hold the table, v1 the indices, v2 the old value */
#define TT(insn) do {                                                   \
    V128 r_;                                                            \
    __asm__ volatile("ldr q4, [%1]\n\t"                                 \
                     "ldr q5, [%2]\n\t"                                 \
                     "ldr q6, [%3]\n\t"                                 \
                     "ldr q7, [%4]\n\t"                                 \
                     "ldr q1, [%5]\n\t"                                 \
                     "ldr q2, [%6]\n\t"                                 \
                     insn "\n\t"                                        \
                     "str q2, [%0]"                                     \
                     :                                                  \
                     : "r"(&r_), "r"(&vals[0]), "r"(&vals[1]),          \
                       "r"(&vals[2]), "r"(&vals[5]), "r"(&idx),         \
                       "r"(&vals[6])                                    \
                     : "v1", "v2", "v4", "v5", "v6", "v7", "memory");   \
    simd_line(insn, 0, &r_, 0);                                         \
} while (0)

static const V128 idx = { 0x3f302f201f100f00ULL, 0xff40110a31211e07ULL };

static uint64_t expect;

static void hook(uint64_t *frame)
{
    uint64_t elr = SYSREG_READ(elr_el1);

    (void)frame;
    show("  ESR_EL1", SYSREG_READ(esr_el1));
    show("  at insn", elr == expect);
    SYSREG_WRITE(elr_el1, elr + 4);
}

/* Execute one encoding that must be UNDEFINED. */
#define UNDEF(word) do {                                                \
    __asm__ volatile("adr x9, 1f\n\t"                                   \
                     "str x9, [%0]\n\t"                                 \
                     "1: .word " #word                                  \
                     : : "r"(&expect)                                   \
                     : "x2", "x9", "v0", "v2", "memory");               \
    puts_("after " #word "\n");                                         \
} while (0)

static void copies(void)
{
    puts_("-- copy\n");
    T3("dup v2.16b, v0.b[15]");
    T3("dup v2.8b, v0.b[3]");
    T3("dup v2.4h, v0.h[7]");
    T3("dup v2.4s, v0.s[1]");
    T3("dup v2.2d, v0.d[1]");
    T3("mov b2, v0.b[9]");
    T3("mov h2, v0.h[3]");
    T3("mov s2, v0.s[2]");
    T3("mov d2, v0.d[1]");
    T3("mov v2.b[5], v0.b[14]");
    T3("mov v2.h[0], v0.h[7]");
    T3("mov v2.s[3], v0.s[0]");
    T3("mov v2.d[1], v0.d[0]");
    TX("dup v2.16b, w0", 0x1234567890abcdefULL);
    TX("dup v2.8b, w0", 0x1234567890abcdefULL);
    TX("dup v2.8h, w0", 0x1234567890abcdefULL);
    TX("dup v2.2s, w0", 0x1234567890abcdefULL);
    TX("dup v2.2d, x0", 0x1234567890abcdefULL);
    TX("mov v2.b[13], w0", 0x1234567890abcdefULL);
    TX("mov v2.h[2], w0", 0x1234567890abcdefULL);
    TX("mov v2.s[1], w0", 0x1234567890abcdefULL);
    TX("mov v2.d[1], x0", 0x1234567890abcdefULL);
    TX("umov w1, v0.b[15]", 0);
    TX("umov w1, v0.h[6]", 0);
    TX("umov w1, v0.s[3]", 0);
    TX("umov x1, v0.d[1]", 0);
    TX("smov w1, v0.b[15]", 0);
    TX("smov w1, v0.h[1]", 0);
    TX("smov x1, v0.b[2]", 0);
    TX("smov x1, v0.h[7]", 0);
    TX("smov x1, v0.s[3]", 0);
    TX("smov x1, v0.s[0]", 0);
}

static void permutes(void)
{
    puts_("-- permute\n");
    T3("ext v2.16b, v0.16b, v1.16b, #0");
    T3("ext v2.16b, v0.16b, v1.16b, #5");
    T3("ext v2.16b, v0.16b, v1.16b, #15");
    T3("ext v2.8b, v0.8b, v1.8b, #3");
    T3("ext v2.8b, v0.8b, v1.8b, #7");
#define P(op) T3(op " v2.16b, v0.16b, v1.16b");                         \
    T3(op " v2.8b, v0.8b, v1.8b");                                      \
    T3(op " v2.8h, v0.8h, v1.8h");                                      \
    T3(op " v2.4h, v0.4h, v1.4h");                                      \
    T3(op " v2.4s, v0.4s, v1.4s");                                      \
    T3(op " v2.2s, v0.2s, v1.2s");                                      \
    T3(op " v2.2d, v0.2d, v1.2d")
    P("zip1");
    P("zip2");
    P("uzp1");
    P("uzp2");
    P("trn1");
    P("trn2");
#undef P
    TT("tbl v2.16b, {v4.16b}, v1.16b");
    TT("tbl v2.8b, {v4.16b}, v1.8b");
    TT("tbl v2.16b, {v4.16b, v5.16b}, v1.16b");
    TT("tbl v2.16b, {v4.16b, v5.16b, v6.16b}, v1.16b");
    TT("tbl v2.16b, {v4.16b, v5.16b, v6.16b, v7.16b}, v1.16b");
    TT("tbx v2.16b, {v4.16b}, v1.16b");
    TT("tbx v2.8b, {v4.16b, v5.16b}, v1.8b");
    TT("tbx v2.16b, {v4.16b, v5.16b, v6.16b}, v1.16b");
    TT("tbx v2.16b, {v4.16b, v5.16b, v6.16b, v7.16b}, v1.16b");
}

static void immediates(void)
{
    puts_("-- immediate\n");
    T3("movi v2.16b, #0xa5");
    T3("movi v2.8b, #0x7f");
    T3("movi v2.4h, #0x12, lsl #8");
    T3("movi v2.8h, #0x34");
    T3("movi v2.2s, #0x56, lsl #24");
    T3("movi v2.4s, #0x78, lsl #16");
    T3("movi v2.4s, #0x9a, msl #8");
    T3("movi v2.2s, #0xbc, msl #16");
    T3("movi d2, #0xff00ff0000ffff00");
    T3("movi v2.2d, #0x00ff00ffff0000ff");
    T3("mvni v2.4h, #0x12, lsl #8");
    T3("mvni v2.4s, #0x56, lsl #24");
    T3("mvni v2.2s, #0x9a, msl #8");
    T3("mvni v2.4s, #0xbc, msl #16");
    T3("orr v2.4h, #0x81");
    T3("orr v2.8h, #0x81, lsl #8");
    T3("orr v2.4s, #0x42, lsl #16");
    T3("orr v2.2s, #0x42, lsl #24");
    T3("bic v2.8h, #0xff");
    T3("bic v2.4h, #0x81, lsl #8");
    T3("bic v2.4s, #0xff, lsl #8");
    T3("bic v2.2s, #0x42");
    T3("fmov v2.4s, #1.0");
    T3("fmov v2.2s, #-31.0");
    T3("fmov v2.4s, #0.125");
    T3("fmov v2.2d, #-1.5");
    T3("fmov v2.2d, #17.0");
}

static void undefs(void)
{
    puts_("-- undefined\n");
    trap_hook = hook;
    UNDEF(0x0ee08402);          /* add .1d (size 3, Q = 0) */
    UNDEF(0x0ee09c02);          /* mul .1d */
    UNDEF(0x4ee09c02);          /* mul .2d */
    UNDEF(0x6e209c02);          /* defined: pmul v2.16b */
    UNDEF(0x6e609c02);          /* pmul .8h */
    UNDEF(0x4ee0b402);          /* sqdmulh .2d */
    UNDEF(0x4e20b402);          /* sqdmulh .16b */
    UNDEF(0x4ef0b802);          /* addv d, .2d */
    UNDEF(0x0eb0b802);          /* addv s, .2s */
    UNDEF(0x4f488402);          /* shrn2 with immh 1xxx */
    UNDEF(0x4f480402);          /* defined: sshr v2.2d, #56 */
    UNDEF(0x0f480402);          /* sshr .1d (immh 1xxx, Q = 0) */
    UNDEF(0x5f088402);          /* scalar shrn */
    UNDEF(0x5e208402);          /* scalar add b */
    UNDEF(0x0e205802);          /* defined: cnt v2.8b */
    UNDEF(0x2ea05802);          /* not/rbit with size 2 */
    UNDEF(0x0e001c02);          /* copy with imm5 = 0 */
    UNDEF(0x4e083c02);          /* defined: umov x2, v0.d[0] */
    UNDEF(0x0e083c02);          /* umov .d with Q = 0 */
    UNDEF(0x4e042c02);          /* defined: smov x2, v0.s[0] */
    UNDEF(0x0e042c02);          /* smov w <- .s */
    UNDEF(0x2e004002);          /* ext .8b with imm4 = 8 */
    UNDEF(0x0e000802);          /* permute opcode 000 */
    UNDEF(0x4ee0e002);          /* defined: pmull2 v2.1q */
    UNDEF(0x0e60e002);          /* pmull with size 1 */
    UNDEF(0x0c400c00);          /* ld4 .1d */
    UNDEF(0x0d40a800);          /* ld3 single with size 10 */
    UNDEF(0x0d00c000);          /* st1r (replicate store) */
    trap_hook = 0;
}

/* With CPACR_EL1.FPEN = 0 SIMD traps with EC 0x07; UNDEFINED stays EC 0 */
static void fp_disabled(void)
{
    puts_("-- fp disabled\n");
    trap_hook = hook;
    SYSREG_WRITE(cpacr_el1, 0);
    __asm__ volatile("isb");
    UNDEF(0x4e208402);          /* add v2.16b, v0.16b, v0.16b */
    UNDEF(0x0e013c02);          /* umov w2, v0.b[0] */
    UNDEF(0x4e010c02);          /* dup v2.16b, w0 */
    UNDEF(0x4f00e402);          /* movi v2.16b, #0 */
    UNDEF(0x4c407122);          /* ld1 {v2.16b}, [x9] */
    UNDEF(0x0ee08402);          /* add .1d: reserved */
    SYSREG_WRITE(cpacr_el1, 3 << 20);
    __asm__ volatile("isb");
    trap_hook = 0;
}

int main(void)
{
    copies();
    permutes();
    immediates();
    undefs();
    fp_disabled();
    poweroff();
}
