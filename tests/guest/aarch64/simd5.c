/* SPDX-License-Identifier: MIT */
/*
 * The AdvSIMD integer ops the translator emits inline or through helpers
 * chosen at translation time (bitwise and BSL/BIT/BIF, ADD/SUB, the
 * compares, pairwise and across-lanes reductions, XTN/SHRN, ADDHN/SUBHN,
 * CNT/NOT, EXT, TBL/TBX, DUP/INS element, immediates): every element
 * size, Q = 0 and 1, run on all ordered pairs of edge-value vectors (sign
 * bits, carries and borrows across lanes) with the destination preset.
 * One line per instruction: a hash of every result and FPSR.
 */
#include "simdlib.h"

static const V128 ev[] = {
    { 0x0000000000000000ULL, 0x0000000000000000ULL },
    { 0xffffffffffffffffULL, 0xffffffffffffffffULL },
    { 0x8080808080808080ULL, 0x7f7f7f7f7f7f7f7fULL },
    { 0x7f80ff0001fe8081ULL, 0x80007fff00010002ULL },
    { 0xffffffff80000000ULL, 0x7fffffff00000001ULL },
    { 0x8000000000000000ULL, 0x7fffffffffffffffULL },
    { 0x0123456789abcdefULL, 0xfedcba9876543210ULL },
    { 0x00ff00ff00ff00ffULL, 0xff00ff00ff00ff00ULL },
    { 0x8000800080008000ULL, 0x0001000100017fffULL },
    { 0x40c0207f3fe17f01ULL, 0xc0004000c0000000ULL },
};
#define N_EV ((int)(sizeof(ev) / sizeof(ev[0])))

/* Table indices: in range for 1-4 registers, and out of range. */
static const V128 idx[] = {
    { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL },
    { 0x1f10200f3f302f40ULL, 0x01ff80417e3e1e0eULL },
    { 0x2a19350c3b061722ULL, 0x3c0d1b2f08331127ULL },
    { 0x4041424344454647ULL, 0xfffefdfc30201000ULL },
};
#define N_IDX ((int)(sizeof(idx) / sizeof(idx[0])))

static uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0x100000001b3ULL;
    return h ^ (h >> 29);
}

static void line(const char *insn, uint64_t h)
{
    puts_(insn);
    putc_(' ');
    puthex(h);
    putc_('\n');
}

/* insn on v0 = ev[i], v1 = ev[j], v2 = a third preset; result v2. */
#define TX(insn) do {                                                   \
    uint64_t h_ = 0xcbf29ce484222325ULL;                                \
    for (int i_ = 0; i_ < N_EV; i_++) {                                 \
        for (int j_ = 0; j_ < N_EV; j_++) {                             \
            V128 r_;                                                    \
            uint64_t f_;                                                \
            __asm__ volatile("msr fpsr, xzr\n\t"                        \
                             "ldr q0, [%2]\n\t"                         \
                             "ldr q1, [%3]\n\t"                         \
                             "ldr q2, [%4]\n\t"                         \
                             insn "\n\t"                                \
                             "str q2, [%1]\n\t"                         \
                             "mrs %0, fpsr"                             \
                             : "=&r"(f_)                                \
                             : "r"(&r_), "r"(&ev[i_]), "r"(&ev[j_]),    \
                               "r"(&ev[(i_ + 3 * j_ + 1) % N_EV])       \
                             : "v0", "v1", "v2", "memory");             \
            h_ = mix(mix(mix(h_, r_.lo), r_.hi), f_);                   \
        }                                                               \
    }                                                                   \
    line(insn, h_);                                                     \
} while (0)

/* Table in v4-v7 from consecutive edge vectors, indices in v1. */
#define TT(insn) do {                                                   \
    uint64_t h_ = 0xcbf29ce484222325ULL;                                \
    for (int i_ = 0; i_ < N_EV; i_++) {                                 \
        for (int j_ = 0; j_ < N_IDX; j_++) {                            \
            V128 r_;                                                    \
            __asm__ volatile("ldr q4, [%1]\n\t"                         \
                             "ldr q5, [%2]\n\t"                         \
                             "ldr q6, [%3]\n\t"                         \
                             "ldr q7, [%4]\n\t"                         \
                             "ldr q1, [%5]\n\t"                         \
                             "ldr q2, [%6]\n\t"                         \
                             insn "\n\t"                                \
                             "str q2, [%0]"                             \
                             :                                          \
                             : "r"(&r_), "r"(&ev[i_]),                  \
                               "r"(&ev[(i_ + 1) % N_EV]),               \
                               "r"(&ev[(i_ + 2) % N_EV]),               \
                               "r"(&ev[(i_ + 5) % N_EV]),               \
                               "r"(&idx[j_]), "r"(&ev[(j_ + 6) % N_EV]) \
                             : "v1", "v2", "v4", "v5", "v6", "v7",      \
                               "memory");                               \
            h_ = mix(mix(h_, r_.lo), r_.hi);                            \
        }                                                               \
    }                                                                   \
    line(insn, h_);                                                     \
} while (0)

int main(void)
{
    TX("and v2.8b, v0.8b, v1.8b");
    TX("and v2.16b, v0.16b, v1.16b");
    TX("bic v2.8b, v0.8b, v1.8b");
    TX("bic v2.16b, v0.16b, v1.16b");
    TX("orr v2.8b, v0.8b, v1.8b");
    TX("orr v2.16b, v0.16b, v1.16b");
    TX("orn v2.8b, v0.8b, v1.8b");
    TX("orn v2.16b, v0.16b, v1.16b");
    TX("eor v2.8b, v0.8b, v1.8b");
    TX("eor v2.16b, v0.16b, v1.16b");
    TX("bsl v2.8b, v0.8b, v1.8b");
    TX("bsl v2.16b, v0.16b, v1.16b");
    TX("bit v2.8b, v0.8b, v1.8b");
    TX("bit v2.16b, v0.16b, v1.16b");
    TX("bif v2.8b, v0.8b, v1.8b");
    TX("bif v2.16b, v0.16b, v1.16b");
    TX("add v2.8b, v0.8b, v1.8b");
    TX("add v2.16b, v0.16b, v1.16b");
    TX("add v2.4h, v0.4h, v1.4h");
    TX("add v2.8h, v0.8h, v1.8h");
    TX("add v2.2s, v0.2s, v1.2s");
    TX("add v2.4s, v0.4s, v1.4s");
    TX("add v2.2d, v0.2d, v1.2d");
    TX("add d2, d0, d1");
    TX("sub v2.8b, v0.8b, v1.8b");
    TX("sub v2.16b, v0.16b, v1.16b");
    TX("sub v2.4h, v0.4h, v1.4h");
    TX("sub v2.8h, v0.8h, v1.8h");
    TX("sub v2.2s, v0.2s, v1.2s");
    TX("sub v2.4s, v0.4s, v1.4s");
    TX("sub v2.2d, v0.2d, v1.2d");
    TX("sub d2, d0, d1");
    TX("cmeq v2.8b, v0.8b, v1.8b");
    TX("cmeq v2.16b, v0.16b, v1.16b");
    TX("cmeq v2.4h, v0.4h, v1.4h");
    TX("cmeq v2.8h, v0.8h, v1.8h");
    TX("cmeq v2.2s, v0.2s, v1.2s");
    TX("cmeq v2.4s, v0.4s, v1.4s");
    TX("cmeq v2.2d, v0.2d, v1.2d");
    TX("cmeq d2, d0, d1");
    TX("cmtst v2.8b, v0.8b, v1.8b");
    TX("cmtst v2.16b, v0.16b, v1.16b");
    TX("cmtst v2.4h, v0.4h, v1.4h");
    TX("cmtst v2.8h, v0.8h, v1.8h");
    TX("cmtst v2.2s, v0.2s, v1.2s");
    TX("cmtst v2.4s, v0.4s, v1.4s");
    TX("cmtst v2.2d, v0.2d, v1.2d");
    TX("cmtst d2, d0, d1");
    TX("cmgt v2.8b, v0.8b, v1.8b");
    TX("cmgt v2.16b, v0.16b, v1.16b");
    TX("cmgt v2.4h, v0.4h, v1.4h");
    TX("cmgt v2.8h, v0.8h, v1.8h");
    TX("cmgt v2.2s, v0.2s, v1.2s");
    TX("cmgt v2.4s, v0.4s, v1.4s");
    TX("cmgt v2.2d, v0.2d, v1.2d");
    TX("cmgt d2, d0, d1");
    TX("cmhi v2.8b, v0.8b, v1.8b");
    TX("cmhi v2.16b, v0.16b, v1.16b");
    TX("cmhi v2.4h, v0.4h, v1.4h");
    TX("cmhi v2.8h, v0.8h, v1.8h");
    TX("cmhi v2.2s, v0.2s, v1.2s");
    TX("cmhi v2.4s, v0.4s, v1.4s");
    TX("cmhi v2.2d, v0.2d, v1.2d");
    TX("cmhi d2, d0, d1");
    TX("cmge v2.8b, v0.8b, v1.8b");
    TX("cmge v2.16b, v0.16b, v1.16b");
    TX("cmge v2.4h, v0.4h, v1.4h");
    TX("cmge v2.8h, v0.8h, v1.8h");
    TX("cmge v2.2s, v0.2s, v1.2s");
    TX("cmge v2.4s, v0.4s, v1.4s");
    TX("cmge v2.2d, v0.2d, v1.2d");
    TX("cmge d2, d0, d1");
    TX("cmhs v2.8b, v0.8b, v1.8b");
    TX("cmhs v2.16b, v0.16b, v1.16b");
    TX("cmhs v2.4h, v0.4h, v1.4h");
    TX("cmhs v2.8h, v0.8h, v1.8h");
    TX("cmhs v2.2s, v0.2s, v1.2s");
    TX("cmhs v2.4s, v0.4s, v1.4s");
    TX("cmhs v2.2d, v0.2d, v1.2d");
    TX("cmhs d2, d0, d1");
    TX("cmgt v2.8b, v0.8b, #0");
    TX("cmgt v2.16b, v0.16b, #0");
    TX("cmgt v2.4h, v0.4h, #0");
    TX("cmgt v2.8h, v0.8h, #0");
    TX("cmgt v2.2s, v0.2s, #0");
    TX("cmgt v2.4s, v0.4s, #0");
    TX("cmgt v2.2d, v0.2d, #0");
    TX("cmgt d2, d0, #0");
    TX("cmge v2.8b, v0.8b, #0");
    TX("cmge v2.16b, v0.16b, #0");
    TX("cmge v2.4h, v0.4h, #0");
    TX("cmge v2.8h, v0.8h, #0");
    TX("cmge v2.2s, v0.2s, #0");
    TX("cmge v2.4s, v0.4s, #0");
    TX("cmge v2.2d, v0.2d, #0");
    TX("cmge d2, d0, #0");
    TX("cmeq v2.8b, v0.8b, #0");
    TX("cmeq v2.16b, v0.16b, #0");
    TX("cmeq v2.4h, v0.4h, #0");
    TX("cmeq v2.8h, v0.8h, #0");
    TX("cmeq v2.2s, v0.2s, #0");
    TX("cmeq v2.4s, v0.4s, #0");
    TX("cmeq v2.2d, v0.2d, #0");
    TX("cmeq d2, d0, #0");
    TX("cmle v2.8b, v0.8b, #0");
    TX("cmle v2.16b, v0.16b, #0");
    TX("cmle v2.4h, v0.4h, #0");
    TX("cmle v2.8h, v0.8h, #0");
    TX("cmle v2.2s, v0.2s, #0");
    TX("cmle v2.4s, v0.4s, #0");
    TX("cmle v2.2d, v0.2d, #0");
    TX("cmle d2, d0, #0");
    TX("cmlt v2.8b, v0.8b, #0");
    TX("cmlt v2.16b, v0.16b, #0");
    TX("cmlt v2.4h, v0.4h, #0");
    TX("cmlt v2.8h, v0.8h, #0");
    TX("cmlt v2.2s, v0.2s, #0");
    TX("cmlt v2.4s, v0.4s, #0");
    TX("cmlt v2.2d, v0.2d, #0");
    TX("cmlt d2, d0, #0");
    TX("addp v2.8b, v0.8b, v1.8b");
    TX("addp v2.16b, v0.16b, v1.16b");
    TX("addp v2.4h, v0.4h, v1.4h");
    TX("addp v2.8h, v0.8h, v1.8h");
    TX("addp v2.2s, v0.2s, v1.2s");
    TX("addp v2.4s, v0.4s, v1.4s");
    TX("addp v2.2d, v0.2d, v1.2d");
    TX("smaxp v2.8b, v0.8b, v1.8b");
    TX("smaxp v2.16b, v0.16b, v1.16b");
    TX("smaxp v2.4h, v0.4h, v1.4h");
    TX("smaxp v2.8h, v0.8h, v1.8h");
    TX("smaxp v2.2s, v0.2s, v1.2s");
    TX("smaxp v2.4s, v0.4s, v1.4s");
    TX("umaxp v2.8b, v0.8b, v1.8b");
    TX("umaxp v2.16b, v0.16b, v1.16b");
    TX("umaxp v2.4h, v0.4h, v1.4h");
    TX("umaxp v2.8h, v0.8h, v1.8h");
    TX("umaxp v2.2s, v0.2s, v1.2s");
    TX("umaxp v2.4s, v0.4s, v1.4s");
    TX("sminp v2.8b, v0.8b, v1.8b");
    TX("sminp v2.16b, v0.16b, v1.16b");
    TX("sminp v2.4h, v0.4h, v1.4h");
    TX("sminp v2.8h, v0.8h, v1.8h");
    TX("sminp v2.2s, v0.2s, v1.2s");
    TX("sminp v2.4s, v0.4s, v1.4s");
    TX("uminp v2.8b, v0.8b, v1.8b");
    TX("uminp v2.16b, v0.16b, v1.16b");
    TX("uminp v2.4h, v0.4h, v1.4h");
    TX("uminp v2.8h, v0.8h, v1.8h");
    TX("uminp v2.2s, v0.2s, v1.2s");
    TX("uminp v2.4s, v0.4s, v1.4s");
    TX("addp d2, v0.2d");
    TX("addv b2, v0.8b");
    TX("addv b2, v0.16b");
    TX("addv h2, v0.4h");
    TX("addv h2, v0.8h");
    TX("addv s2, v0.4s");
    TX("smaxv b2, v0.8b");
    TX("smaxv b2, v0.16b");
    TX("smaxv h2, v0.4h");
    TX("smaxv h2, v0.8h");
    TX("smaxv s2, v0.4s");
    TX("umaxv b2, v0.8b");
    TX("umaxv b2, v0.16b");
    TX("umaxv h2, v0.4h");
    TX("umaxv h2, v0.8h");
    TX("umaxv s2, v0.4s");
    TX("sminv b2, v0.8b");
    TX("sminv b2, v0.16b");
    TX("sminv h2, v0.4h");
    TX("sminv h2, v0.8h");
    TX("sminv s2, v0.4s");
    TX("uminv b2, v0.8b");
    TX("uminv b2, v0.16b");
    TX("uminv h2, v0.4h");
    TX("uminv h2, v0.8h");
    TX("uminv s2, v0.4s");
    TX("xtn v2.8b, v0.8h");
    TX("shrn v2.8b, v0.8h, #1");
    TX("shrn v2.8b, v0.8h, #4");
    TX("shrn v2.8b, v0.8h, #5");
    TX("shrn v2.8b, v0.8h, #7");
    TX("shrn v2.8b, v0.8h, #8");
    TX("xtn2 v2.16b, v0.8h");
    TX("shrn2 v2.16b, v0.8h, #1");
    TX("shrn2 v2.16b, v0.8h, #4");
    TX("shrn2 v2.16b, v0.8h, #5");
    TX("shrn2 v2.16b, v0.8h, #7");
    TX("shrn2 v2.16b, v0.8h, #8");
    TX("xtn v2.4h, v0.4s");
    TX("shrn v2.4h, v0.4s, #1");
    TX("shrn v2.4h, v0.4s, #4");
    TX("shrn v2.4h, v0.4s, #9");
    TX("shrn v2.4h, v0.4s, #15");
    TX("shrn v2.4h, v0.4s, #16");
    TX("xtn2 v2.8h, v0.4s");
    TX("shrn2 v2.8h, v0.4s, #1");
    TX("shrn2 v2.8h, v0.4s, #4");
    TX("shrn2 v2.8h, v0.4s, #9");
    TX("shrn2 v2.8h, v0.4s, #15");
    TX("shrn2 v2.8h, v0.4s, #16");
    TX("xtn v2.2s, v0.2d");
    TX("shrn v2.2s, v0.2d, #1");
    TX("shrn v2.2s, v0.2d, #4");
    TX("shrn v2.2s, v0.2d, #17");
    TX("shrn v2.2s, v0.2d, #31");
    TX("shrn v2.2s, v0.2d, #32");
    TX("xtn2 v2.4s, v0.2d");
    TX("shrn2 v2.4s, v0.2d, #1");
    TX("shrn2 v2.4s, v0.2d, #4");
    TX("shrn2 v2.4s, v0.2d, #17");
    TX("shrn2 v2.4s, v0.2d, #31");
    TX("shrn2 v2.4s, v0.2d, #32");
    TX("cnt v2.8b, v0.8b");
    TX("cnt v2.16b, v0.16b");
    TX("not v2.8b, v0.8b");
    TX("not v2.16b, v0.16b");
    TX("ext v2.8b, v0.8b, v1.8b, #0");
    TX("ext v2.8b, v0.8b, v1.8b, #1");
    TX("ext v2.8b, v0.8b, v1.8b, #2");
    TX("ext v2.8b, v0.8b, v1.8b, #3");
    TX("ext v2.8b, v0.8b, v1.8b, #4");
    TX("ext v2.8b, v0.8b, v1.8b, #5");
    TX("ext v2.8b, v0.8b, v1.8b, #6");
    TX("ext v2.8b, v0.8b, v1.8b, #7");
    TX("ext v2.16b, v0.16b, v1.16b, #0");
    TX("ext v2.16b, v0.16b, v1.16b, #1");
    TX("ext v2.16b, v0.16b, v1.16b, #2");
    TX("ext v2.16b, v0.16b, v1.16b, #3");
    TX("ext v2.16b, v0.16b, v1.16b, #4");
    TX("ext v2.16b, v0.16b, v1.16b, #5");
    TX("ext v2.16b, v0.16b, v1.16b, #6");
    TX("ext v2.16b, v0.16b, v1.16b, #7");
    TX("ext v2.16b, v0.16b, v1.16b, #8");
    TX("ext v2.16b, v0.16b, v1.16b, #9");
    TX("ext v2.16b, v0.16b, v1.16b, #10");
    TX("ext v2.16b, v0.16b, v1.16b, #11");
    TX("ext v2.16b, v0.16b, v1.16b, #12");
    TX("ext v2.16b, v0.16b, v1.16b, #13");
    TX("ext v2.16b, v0.16b, v1.16b, #14");
    TX("ext v2.16b, v0.16b, v1.16b, #15");
    TX("dup v2.8b, v0.b[0]");
    TX("dup v2.16b, v0.b[0]");
    TX("mov b2, v0.b[0]");
    TX("mov v2.b[1], v0.b[0]");
    TX("dup v2.8b, v0.b[1]");
    TX("dup v2.16b, v0.b[1]");
    TX("mov b2, v0.b[1]");
    TX("mov v2.b[2], v0.b[1]");
    TX("dup v2.8b, v0.b[8]");
    TX("dup v2.16b, v0.b[8]");
    TX("mov b2, v0.b[8]");
    TX("mov v2.b[9], v0.b[8]");
    TX("dup v2.8b, v0.b[15]");
    TX("dup v2.16b, v0.b[15]");
    TX("mov b2, v0.b[15]");
    TX("mov v2.b[0], v0.b[15]");
    TX("dup v2.4h, v0.h[0]");
    TX("dup v2.8h, v0.h[0]");
    TX("mov h2, v0.h[0]");
    TX("mov v2.h[1], v0.h[0]");
    TX("dup v2.4h, v0.h[1]");
    TX("dup v2.8h, v0.h[1]");
    TX("mov h2, v0.h[1]");
    TX("mov v2.h[2], v0.h[1]");
    TX("dup v2.4h, v0.h[4]");
    TX("dup v2.8h, v0.h[4]");
    TX("mov h2, v0.h[4]");
    TX("mov v2.h[5], v0.h[4]");
    TX("dup v2.4h, v0.h[7]");
    TX("dup v2.8h, v0.h[7]");
    TX("mov h2, v0.h[7]");
    TX("mov v2.h[0], v0.h[7]");
    TX("dup v2.2s, v0.s[0]");
    TX("dup v2.4s, v0.s[0]");
    TX("mov s2, v0.s[0]");
    TX("mov v2.s[1], v0.s[0]");
    TX("dup v2.2s, v0.s[1]");
    TX("dup v2.4s, v0.s[1]");
    TX("mov s2, v0.s[1]");
    TX("mov v2.s[2], v0.s[1]");
    TX("dup v2.2s, v0.s[2]");
    TX("dup v2.4s, v0.s[2]");
    TX("mov s2, v0.s[2]");
    TX("mov v2.s[3], v0.s[2]");
    TX("dup v2.2s, v0.s[3]");
    TX("dup v2.4s, v0.s[3]");
    TX("mov s2, v0.s[3]");
    TX("mov v2.s[0], v0.s[3]");
    TX("dup v2.2d, v0.d[0]");
    TX("mov d2, v0.d[0]");
    TX("mov v2.d[1], v0.d[0]");
    TX("dup v2.2d, v0.d[1]");
    TX("mov d2, v0.d[1]");
    TX("mov v2.d[0], v0.d[1]");
    TX("movi v2.4h, #0xa5, lsl #0");
    TX("movi v2.4h, #0xa5, lsl #8");
    TX("mvni v2.4h, #0xa5, lsl #0");
    TX("mvni v2.4h, #0xa5, lsl #8");
    TX("orr v2.4h, #0xa5, lsl #0");
    TX("orr v2.4h, #0xa5, lsl #8");
    TX("bic v2.4h, #0xa5, lsl #0");
    TX("bic v2.4h, #0xa5, lsl #8");
    TX("movi v2.8h, #0xa5, lsl #0");
    TX("movi v2.8h, #0xa5, lsl #8");
    TX("mvni v2.8h, #0xa5, lsl #0");
    TX("mvni v2.8h, #0xa5, lsl #8");
    TX("orr v2.8h, #0xa5, lsl #0");
    TX("orr v2.8h, #0xa5, lsl #8");
    TX("bic v2.8h, #0xa5, lsl #0");
    TX("bic v2.8h, #0xa5, lsl #8");
    TX("movi v2.2s, #0xa5, lsl #0");
    TX("movi v2.2s, #0xa5, lsl #8");
    TX("movi v2.2s, #0xa5, lsl #16");
    TX("movi v2.2s, #0xa5, lsl #24");
    TX("mvni v2.2s, #0xa5, lsl #0");
    TX("mvni v2.2s, #0xa5, lsl #8");
    TX("mvni v2.2s, #0xa5, lsl #16");
    TX("mvni v2.2s, #0xa5, lsl #24");
    TX("orr v2.2s, #0xa5, lsl #0");
    TX("orr v2.2s, #0xa5, lsl #8");
    TX("orr v2.2s, #0xa5, lsl #16");
    TX("orr v2.2s, #0xa5, lsl #24");
    TX("bic v2.2s, #0xa5, lsl #0");
    TX("bic v2.2s, #0xa5, lsl #8");
    TX("bic v2.2s, #0xa5, lsl #16");
    TX("bic v2.2s, #0xa5, lsl #24");
    TX("movi v2.4s, #0xa5, lsl #0");
    TX("movi v2.4s, #0xa5, lsl #8");
    TX("movi v2.4s, #0xa5, lsl #16");
    TX("movi v2.4s, #0xa5, lsl #24");
    TX("mvni v2.4s, #0xa5, lsl #0");
    TX("mvni v2.4s, #0xa5, lsl #8");
    TX("mvni v2.4s, #0xa5, lsl #16");
    TX("mvni v2.4s, #0xa5, lsl #24");
    TX("orr v2.4s, #0xa5, lsl #0");
    TX("orr v2.4s, #0xa5, lsl #8");
    TX("orr v2.4s, #0xa5, lsl #16");
    TX("orr v2.4s, #0xa5, lsl #24");
    TX("bic v2.4s, #0xa5, lsl #0");
    TX("bic v2.4s, #0xa5, lsl #8");
    TX("bic v2.4s, #0xa5, lsl #16");
    TX("bic v2.4s, #0xa5, lsl #24");
    TX("movi v2.2s, #0x5a, msl #8");
    TX("movi v2.2s, #0x5a, msl #16");
    TX("mvni v2.2s, #0x5a, msl #8");
    TX("mvni v2.2s, #0x5a, msl #16");
    TX("movi v2.4s, #0x5a, msl #8");
    TX("movi v2.4s, #0x5a, msl #16");
    TX("mvni v2.4s, #0x5a, msl #8");
    TX("mvni v2.4s, #0x5a, msl #16");
    TX("movi v2.8b, #0x81");
    TX("movi v2.16b, #0x7e");
    TX("movi d2, #0xff00ff0000ffff00");
    TX("movi v2.2d, #0x00ff00ffff0000ff");
    TX("addhn v2.8b, v0.8h, v1.8h");
    TX("addhn2 v2.16b, v0.8h, v1.8h");
    TX("addhn v2.4h, v0.4s, v1.4s");
    TX("addhn2 v2.8h, v0.4s, v1.4s");
    TX("addhn v2.2s, v0.2d, v1.2d");
    TX("addhn2 v2.4s, v0.2d, v1.2d");
    TX("raddhn v2.8b, v0.8h, v1.8h");
    TX("raddhn2 v2.16b, v0.8h, v1.8h");
    TX("raddhn v2.4h, v0.4s, v1.4s");
    TX("raddhn2 v2.8h, v0.4s, v1.4s");
    TX("raddhn v2.2s, v0.2d, v1.2d");
    TX("raddhn2 v2.4s, v0.2d, v1.2d");
    TX("subhn v2.8b, v0.8h, v1.8h");
    TX("subhn2 v2.16b, v0.8h, v1.8h");
    TX("subhn v2.4h, v0.4s, v1.4s");
    TX("subhn2 v2.8h, v0.4s, v1.4s");
    TX("subhn v2.2s, v0.2d, v1.2d");
    TX("subhn2 v2.4s, v0.2d, v1.2d");
    TX("rsubhn v2.8b, v0.8h, v1.8h");
    TX("rsubhn2 v2.16b, v0.8h, v1.8h");
    TX("rsubhn v2.4h, v0.4s, v1.4s");
    TX("rsubhn2 v2.8h, v0.4s, v1.4s");
    TX("rsubhn v2.2s, v0.2d, v1.2d");
    TX("rsubhn2 v2.4s, v0.2d, v1.2d");
    TT("tbl v2.8b, {v4.16b}, v1.8b");
    TT("tbl v2.16b, {v4.16b}, v1.16b");
    TT("tbl v2.8b, {v4.16b, v5.16b}, v1.8b");
    TT("tbl v2.16b, {v4.16b, v5.16b}, v1.16b");
    TT("tbl v2.8b, {v4.16b, v5.16b, v6.16b}, v1.8b");
    TT("tbl v2.16b, {v4.16b, v5.16b, v6.16b}, v1.16b");
    TT("tbl v2.8b, {v4.16b, v5.16b, v6.16b, v7.16b}, v1.8b");
    TT("tbl v2.16b, {v4.16b, v5.16b, v6.16b, v7.16b}, v1.16b");
    TT("tbx v2.8b, {v4.16b}, v1.8b");
    TT("tbx v2.16b, {v4.16b}, v1.16b");
    TT("tbx v2.8b, {v4.16b, v5.16b}, v1.8b");
    TT("tbx v2.16b, {v4.16b, v5.16b}, v1.16b");
    TT("tbx v2.8b, {v4.16b, v5.16b, v6.16b}, v1.8b");
    TT("tbx v2.16b, {v4.16b, v5.16b, v6.16b}, v1.16b");
    TT("tbx v2.8b, {v4.16b, v5.16b, v6.16b, v7.16b}, v1.8b");
    TT("tbx v2.16b, {v4.16b, v5.16b, v6.16b, v7.16b}, v1.16b");
    return 0;
}
