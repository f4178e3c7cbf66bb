/* SPDX-License-Identifier: MIT */
/*
 * Scalar FP two-operand arithmetic (FADD FSUB FMUL FDIV FMAX FMIN FMAXNM
 * FMINNM FNMUL FMULX FABD) in single and double precision over zeros,
 * normals, denormals, infinities and NaNs; then rounding modes, FZ and DN.
 * Each line: op, operand indexes, result, FPSR.
 */
#include "fpt.h"

static const uint64_t dv[] = {
    0, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xc004000000000000ULL,
    0x3ff0000000000001ULL, 0x7fefffffffffffffULL, 0x0010000000000000ULL,
    0x000fffffffffffffULL, 0x0000000000000001ULL, 0x7ff0000000000000ULL,
    0xfff0000000000000ULL, 0x7ff8000000000123ULL, 0x7ff0000000000456ULL,
    0xfff8000000000789ULL, 0x3fd5555555555555ULL, 0x8018000000000000ULL,
};

static const uint64_t sv[] = {
    0, 0x80000000, 0x3f800000, 0xc0200000, 0x3f800001, 0x7f7fffff,
    0x00800000, 0x007fffff, 0x00000001, 0x7f800000, 0xff800000, 0x7fc00123,
    0x7f800456, 0xffc00789, 0x3eaaaaab, 0x80c00000,
};

#define BIN_D(fn, insn)                                                   \
    static uint64_t fn(uint64_t a, uint64_t b)                            \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov d1, %1\nfmov d2, %2\n" insn " d0, d1, d2\n"\
                         "fmov %0, d0" : "=r"(r) : "r"(a), "r"(b)         \
                         : "v0", "v1", "v2");                             \
        return r;                                                         \
    }

#define BIN_S(fn, insn)                                                   \
    static uint64_t fn(uint64_t a, uint64_t b)                            \
    {                                                                     \
        uint32_t r;                                                       \
        __asm__ volatile("fmov s1, %w1\nfmov s2, %w2\n" insn " s0, s1, s2\n"\
                         "fmov %w0, s0" : "=r"(r) : "r"(a), "r"(b)        \
                         : "v0", "v1", "v2");                             \
        return r;                                                         \
    }

BIN_D(add_d, "fadd") BIN_D(sub_d, "fsub") BIN_D(mul_d, "fmul")
BIN_D(div_d, "fdiv") BIN_D(max_d, "fmax") BIN_D(min_d, "fmin")
BIN_D(maxnm_d, "fmaxnm") BIN_D(minnm_d, "fminnm") BIN_D(nmul_d, "fnmul")
BIN_D(mulx_d, "fmulx") BIN_D(abd_d, "fabd")
BIN_S(add_s, "fadd") BIN_S(sub_s, "fsub") BIN_S(mul_s, "fmul")
BIN_S(div_s, "fdiv") BIN_S(max_s, "fmax") BIN_S(min_s, "fmin")
BIN_S(maxnm_s, "fmaxnm") BIN_S(minnm_s, "fminnm") BIN_S(nmul_s, "fnmul")
BIN_S(mulx_s, "fmulx") BIN_S(abd_s, "fabd")

typedef uint64_t BinFn(uint64_t, uint64_t);

static void run(const char *tag, BinFn *fn, const uint64_t *v, unsigned n,
                unsigned step, uint64_t fpcr, int digits)
{
    for (unsigned i = 0; i < n; i += step) {
        for (unsigned j = 0; j < n; j++) {
            uint64_t r, f;

            set_fpcr(fpcr);
            clear_fpsr();
            r = fn(v[i], v[j]);
            f = get_fpsr();
            set_fpcr(0);
            line(tag, i, j, r, digits, f);
        }
    }
}

/* Boundary products and quotients around the smallest normal. */
static const uint64_t tiny_d[] = {
    0x3ff0000000000001ULL, 0x000fffffffffffffULL, 0x3fefffffffffffffULL,
    0x0010000000000001ULL, 0x3fe0000000000000ULL, 0x0020000000000001ULL,
    0x3fe0000000000001ULL, 0x4000000000000000ULL, 0x7fe0000000000000ULL,
    0x0000000000000003ULL,
};

static const uint64_t tiny_s[] = {
    0x3f800001, 0x007fffff, 0x3f7fffff, 0x00800001, 0x3f000000, 0x01000001,
    0x3f000001, 0x40000000, 0x7f000000, 0x00000003,
};

int main(void)
{
    static const uint64_t modes[] = { 0, RP, RM, RZ, FZ, DN, FZ | DN | RZ };

    run("fadd.d", add_d, dv, NELEM(dv), 1, 0, 16);
    run("fsub.d", sub_d, dv, NELEM(dv), 2, 0, 16);
    run("fmul.d", mul_d, dv, NELEM(dv), 1, 0, 16);
    run("fdiv.d", div_d, dv, NELEM(dv), 1, 0, 16);
    run("fmax.d", max_d, dv, NELEM(dv), 1, 0, 16);
    run("fmin.d", min_d, dv, NELEM(dv), 2, 0, 16);
    run("fmaxnm.d", maxnm_d, dv, NELEM(dv), 1, 0, 16);
    run("fminnm.d", minnm_d, dv, NELEM(dv), 2, 0, 16);
    run("fnmul.d", nmul_d, dv, NELEM(dv), 3, 0, 16);
    run("fmulx.d", mulx_d, dv, NELEM(dv), 3, 0, 16);
    run("fabd.d", abd_d, dv, NELEM(dv), 3, 0, 16);
    run("fadd.s", add_s, sv, NELEM(sv), 1, 0, 8);
    run("fsub.s", sub_s, sv, NELEM(sv), 2, 0, 8);
    run("fmul.s", mul_s, sv, NELEM(sv), 1, 0, 8);
    run("fdiv.s", div_s, sv, NELEM(sv), 2, 0, 8);
    run("fmax.s", max_s, sv, NELEM(sv), 2, 0, 8);
    run("fmin.s", min_s, sv, NELEM(sv), 2, 0, 8);
    run("fmaxnm.s", maxnm_s, sv, NELEM(sv), 2, 0, 8);
    run("fminnm.s", minnm_s, sv, NELEM(sv), 3, 0, 8);
    run("fnmul.s", nmul_s, sv, NELEM(sv), 3, 0, 8);
    run("fmulx.s", mulx_s, sv, NELEM(sv), 3, 0, 8);
    run("fabd.s", abd_s, sv, NELEM(sv), 3, 0, 8);
    for (unsigned m = 0; m < NELEM(modes); m++) {
        puts_("mode ");
        hexn(modes[m], 8);
        putc_('\n');
        run("fmul.d", mul_d, tiny_d, NELEM(tiny_d), 1, modes[m], 16);
        run("fdiv.d", div_d, tiny_d, NELEM(tiny_d), 3, modes[m], 16);
        run("fadd.d", add_d, dv, NELEM(dv), 3, modes[m], 16);
        run("fmul.s", mul_s, tiny_s, NELEM(tiny_s), 1, modes[m], 8);
        run("fsub.s", sub_s, sv, NELEM(sv), 3, modes[m], 8);
        run("fmaxnm.s", maxnm_s, sv, NELEM(sv), 5, modes[m], 8);
    }
    poweroff();
}
