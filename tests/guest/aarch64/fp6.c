/* SPDX-License-Identifier: MIT */
/*
 * Scalar FADD FSUB FMUL FDIV FSQRT FMADD FMSUB FNMADD FNMSUB SCVTF UCVTF
 * (from X and W registers)
 * with FPSR.IXC (or every cumulative flag) already set before the
 * operation, as it is in most running programs: the emulator may take a
 * shortcut then, and the results and flags must not change.  Operands are
 * normals near 1, near the overflow and underflow thresholds, exact
 * cancellations, zeros, and a few denormals, infinities and NaNs that
 * must leave the shortcut; every FPCR rounding mode with FZ and DN.
 */
#include "fpt.h"
#include <stdbool.h>

static const uint64_t dv[] = {
    0x3ff0000000000000ULL, 0xbff0000000000000ULL, 0x3ff0000000000001ULL,
    0x400921fb54442d18ULL, 0xc01c000000000000ULL, 0x3fb999999999999aULL,
    0x7fe0000000000000ULL, 0x7fefffffffffffffULL, 0x0010000000000000ULL,
    0x0010000000000001ULL, 0x8020000000000000ULL, 0x3fe0000000000001ULL,
    0x0000000000000000ULL, 0x8000000000000000ULL, 0x000fffffffffffffULL,
    0x7ff0000000000000ULL, 0x7ff4000000000000ULL, 0x4340000000000001ULL,
    /* neighbours in the band: products that round to, or land just
       above, the smallest normal */
    0x000fffffffffffffULL, 0x3ff0000000000001ULL, 0x0010000100000000ULL,
    0x3fefffffffffffffULL, 0x001000ffffffffffULL, 0x3ff0000000000001ULL,
};

static const uint64_t sv[] = {
    0x3f800000, 0xbf800000, 0x3f800001, 0x40490fdb, 0xc0e00000, 0x3dcccccd,
    0x7f000000, 0x7f7fffff, 0x00800000, 0x00800001, 0x81000000, 0x3f000001,
    0x00000000, 0x80000000, 0x007fffff, 0x7f800000, 0x7fa00000, 0x4b800001,
    0x007fffff, 0x3f800001, 0x00800100, 0x3f7fffff, 0x008000ff, 0x3f800001,
};
_Static_assert(NELEM(sv) == NELEM(dv), "sv and dv pair up");

/* r: the register view (d or s); w: the matching GPR operand modifier */
#define BIN(fn, insn, r, w)                                               \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t c)                \
    {                                                                     \
        uint64_t res;                                                     \
        (void)c;                                                          \
        __asm__ volatile("fmov " r "1, %" w "1\nfmov " r "2, %" w "2\n"   \
                         insn " " r "0, " r "1, " r "2\n"                 \
                         "fmov %0, d0" : "=r"(res) : "r"(a), "r"(b)       \
                         : "v0", "v1", "v2");                             \
        return res;                                                       \
    }

#define TERN(fn, insn, r, w)                                              \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t c)                \
    {                                                                     \
        uint64_t res;                                                     \
        __asm__ volatile("fmov " r "1, %" w "1\nfmov " r "2, %" w "2\n"   \
                         "fmov " r "3, %" w "3\n"                         \
                         insn " " r "0, " r "1, " r "2, " r "3\n"         \
                         "fmov %0, d0" : "=r"(res)                        \
                         : "r"(a), "r"(b), "r"(c) : "v0", "v1", "v2", "v3");\
        return res;                                                       \
    }

static uint64_t sqrt_d(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t res;

    (void)b, (void)c;
    __asm__ volatile("fmov d1, %1\nfsqrt d0, d1\nfmov %0, d0"
                     : "=r"(res) : "r"(a) : "v0", "v1");
    return res;
}

static uint64_t sqrt_s(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t res;

    (void)b, (void)c;
    __asm__ volatile("fmov s1, %w1\nfsqrt s0, s1\nfmov %0, d0"
                     : "=r"(res) : "r"(a) : "v0", "v1");
    return res;
}

/* Integer operands come from the table's bits, scaled to hit rounding. */
static uint64_t scvtf_d(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t res;

    (void)c;
    a = (a >> (b & 63)) ^ (b << 11);
    __asm__ volatile("scvtf d0, %1\nfmov %0, d0" : "=r"(res) : "r"(a)
                     : "v0");
    return res;
}

static uint64_t ucvtf_s(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t res;

    (void)c;
    a = (a >> (b & 63)) ^ (b << 11);
    __asm__ volatile("ucvtf s0, %1\nfmov %0, d0" : "=r"(res) : "r"(a)
                     : "v0");
    return res;
}

static uint64_t scvtf_w_s(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t res;

    (void)c;
    a = (a >> (b & 31)) ^ b;
    __asm__ volatile("scvtf s0, %w1\nfmov %0, d0" : "=r"(res) : "r"(a)
                     : "v0");
    return res;
}

/* 32-bit integers into binary64: always exact */
static uint64_t scvtf_w_d(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t res;

    (void)c;
    a = (a >> (b & 31)) ^ b;
    __asm__ volatile("scvtf d0, %w1\nfmov %0, d0" : "=r"(res) : "r"(a)
                     : "v0");
    return res;
}

static uint64_t ucvtf_w_d(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t res;

    (void)c;
    a = (a >> (b & 31)) ^ b;
    __asm__ volatile("ucvtf d0, %w1\nfmov %0, d0" : "=r"(res) : "r"(a)
                     : "v0");
    return res;
}

static uint64_t ucvtf_w_s(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t res;

    (void)c;
    a = (a >> (b & 31)) ^ b;
    __asm__ volatile("ucvtf s0, %w1\nfmov %0, d0" : "=r"(res) : "r"(a)
                     : "v0");
    return res;
}

BIN(add_d, "fadd", "d", "") BIN(sub_d, "fsub", "d", "")
BIN(mul_d, "fmul", "d", "") BIN(div_d, "fdiv", "d", "")
BIN(add_s, "fadd", "s", "w") BIN(sub_s, "fsub", "s", "w")
BIN(mul_s, "fmul", "s", "w") BIN(div_s, "fdiv", "s", "w")
TERN(madd_d, "fmadd", "d", "") TERN(msub_d, "fmsub", "d", "")
TERN(nmadd_d, "fnmadd", "d", "") TERN(nmsub_d, "fnmsub", "d", "")
TERN(madd_s, "fmadd", "s", "w") TERN(nmsub_s, "fnmsub", "s", "w")

typedef uint64_t Fn(uint64_t, uint64_t, uint64_t);

static const struct {
    const char *tag;
    Fn *fn;
    bool dbl, ternary;
} ops[] = {
    { "fadd.d", add_d, true, false }, { "fsub.d", sub_d, true, false },
    { "fmul.d", mul_d, true, false }, { "fdiv.d", div_d, true, false },
    { "fsqrt.d", sqrt_d, true, false }, { "scvtf.d", scvtf_d, true, false },
    { "fmadd.d", madd_d, true, true }, { "fmsub.d", msub_d, true, true },
    { "fnmadd.d", nmadd_d, true, true }, { "fnmsub.d", nmsub_d, true, true },
    { "fadd.s", add_s, false, false }, { "fsub.s", sub_s, false, false },
    { "fmul.s", mul_s, false, false }, { "fdiv.s", div_s, false, false },
    { "fsqrt.s", sqrt_s, false, false }, { "ucvtf.s", ucvtf_s, false, false },
    { "scvtf.ws", scvtf_w_s, false, false },
    { "scvtf.wd", scvtf_w_d, true, false },
    { "ucvtf.wd", ucvtf_w_d, true, false },
    { "ucvtf.ws", ucvtf_w_s, false, false },
    { "fmadd.s", madd_s, false, true }, { "fnmsub.s", nmsub_s, false, true },
};

static void set_fpsr(uint64_t v)
{
    __asm__ volatile("msr fpsr, %0" : : "r"(v));
}

int main(void)
{
    static const uint64_t modes[] = { 0, FZ, DN, RP, RM, RZ, FZ | DN };
    static const uint64_t presets[] = { 0x10, 0x9f };

    for (unsigned m = 0; m < NELEM(modes); m++) {
        for (unsigned p = 0; p < NELEM(presets); p++) {
            puts_("mode ");
            hexn(modes[m], 8);
            puts_(" fpsr ");
            hexn(presets[p], 2);
            putc_('\n');
            for (unsigned o = 0; o < NELEM(ops); o++) {
                const uint64_t *v = ops[o].dbl ? dv : sv;
                unsigned n = NELEM(dv);

                /* the full square once, a diagonal band otherwise */
                for (unsigned i = 0; i < n; i++) {
                    for (unsigned j = 0; j < n; j++) {
                        uint64_t r, f, c;

                        if ((m || p) && (j + n - i) % n > 2) {
                            continue;
                        }
                        c = v[(i + j + 5) % n];
                        set_fpcr(modes[m]);
                        set_fpsr(presets[p]);
                        r = ops[o].fn(v[i], v[j], ops[o].ternary ? c : 0);
                        f = get_fpsr();
                        set_fpcr(0);
                        line(ops[o].tag, i, j, r, ops[o].dbl ? 16 : 8, f);
                    }
                }
            }
        }
    }
    return 0;
}
