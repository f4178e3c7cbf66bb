/* SPDX-License-Identifier: MIT */
/* FP stress: hash results and fflags of many ops, all rounding modes. */
#include "lib.h"
#include <stdbool.h>

static const uint64_t vals_d[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x4000000000000000ull, 0x3fe0000000000000ull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
    0x0000000000000001ull, 0x000fffffffffffffull, 0x0010000000000000ull,
    0x7fefffffffffffffull, 0x3ff0000000000001ull, 0x3fb999999999999aull,
    0x4059000000000000ull, 0xc0a3880000000000ull, 0x3cb0000000000000ull,
    0x0010000000000001ull, 0x4340000000000001ull, 0x3ff8000000000000ull,
    0x3ca0000000000000ull, 0xbcb0000000000000ull, 0x7fe0000000000000ull,
    0x2000000000000000ull, 0x1ff0000000000000ull, 0x41dfffffffc00000ull,
};
#define NV (sizeof(vals_d) / sizeof(vals_d[0]))

static uint64_t h = 1469598103934665603ull;

static void mix(uint64_t v)
{
    h = (h ^ v) * 1099511628211ull;
}

#define OP2(name, ins)                                                   \
    static uint64_t name(uint64_t a, uint64_t b)                        \
    {                                                                   \
        uint64_t r;                                                     \
        __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n"           \
                         ins " ft2, ft0, ft1\n fmv.x.d %0, ft2"          \
                         : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); \
        return r;                                                       \
    }
OP2(add_d, "fadd.d") OP2(sub_d, "fsub.d") OP2(mul_d, "fmul.d")
OP2(div_d, "fdiv.d") OP2(add_s, "fadd.s") OP2(mul_s, "fmul.s")
OP2(div_s, "fdiv.s") OP2(sub_s, "fsub.s")

static uint64_t fma_d(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n fmv.d.x ft3, %3\n"
                     "fmadd.d ft2, ft0, ft1, ft3\n fmv.x.d %0, ft2"
                     : "=r"(r) : "r"(a), "r"(b), "r"(c)
                     : "ft0", "ft1", "ft2", "ft3");
    return r;
}

static uint64_t sqrt_d(uint64_t a)
{
    uint64_t r;
    __asm__ volatile("fmv.d.x ft0, %1\n fsqrt.d ft2, ft0\n fmv.x.d %0, ft2"
                     : "=r"(r) : "r"(a) : "ft0", "ft2");
    return r;
}

static uint64_t cvt_d_l(uint64_t a)
{
    uint64_t r;
    __asm__ volatile("fcvt.d.l ft2, %1\n fmv.x.d %0, ft2"
                     : "=r"(r) : "r"(a) : "ft2");
    return r;
}

static uint64_t cvt_s_w(uint64_t a)
{
    uint64_t r;
    __asm__ volatile("fcvt.s.w ft2, %1\n fmv.x.d %0, ft2"
                     : "=r"(r) : "r"(a) : "ft2");
    return r;
}

/*
 * Part 2: the shapes the translator may do inline on the host FPU (RNE
 * by static rm or frm, fflags.NX already set): static-rm forms, every
 * fused form, single-precision FMA and square root, the integer
 * conversions; operands around the smallest normal (results that round
 * to it or just above), subnormals, overflow, NaN payloads and -0.
 */
static const uint64_t vals2[] = {
    0x3ff0000000000000ull, 0x3ff0000000000001ull, 0x3fefffffffffffffull,
    0x0010000000000000ull, 0x0010000000000001ull, 0x0010000100000000ull,
    0x001000ffffffffffull, 0x000fffffffffffffull, 0x0000000000000001ull,
    0x8010000100000000ull, 0x7fefffffffffffffull, 0x7fe0000000000000ull,
    0x3fe0000000000000ull, 0x4008000000000000ull, 0x3fd5555555555555ull,
    0x8000000000000000ull, 0x0000000000000000ull, 0x7ff0000000000000ull,
    0x7ff8000000000001ull, 0x7ff0000000000001ull, 0x5ff0000000000000ull,
    0xbff8000000000000ull, 0x3e8000007fffffffull, 0xc3e0000000000001ull,
};
#define NV2 (sizeof(vals2) / sizeof(vals2[0]))

#define OP3(name, ins)                                                   \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c)            \
    {                                                                   \
        uint64_t r;                                                     \
        __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n"           \
                         "fmv.d.x ft3, %3\n" ins "\n fmv.x.d %0, ft2"    \
                         : "=r"(r) : "r"(a), "r"(b), "r"(c)             \
                         : "ft0", "ft1", "ft2", "ft3");                 \
        return r;                                                       \
    }
OP3(add_d_rne, "fadd.d ft2, ft0, ft1, rne")
OP3(sub_d_rne, "fsub.d ft2, ft0, ft1, rne")
OP3(mul_d_rne, "fmul.d ft2, ft0, ft1, rne")
OP3(div_d_rne, "fdiv.d ft2, ft0, ft1, rne")
OP3(sqrt_d_rne, "fsqrt.d ft2, ft0, rne")
OP3(msub_d, "fmsub.d ft2, ft0, ft1, ft3")
OP3(nmsub_d, "fnmsub.d ft2, ft0, ft1, ft3")
OP3(nmadd_d, "fnmadd.d ft2, ft0, ft1, ft3")
OP3(madd_d_rne, "fmadd.d ft2, ft0, ft1, ft3, rne")
OP3(madd_s, "fmadd.s ft2, ft0, ft1, ft3")
OP3(nmsub_s, "fnmsub.s ft2, ft0, ft1, ft3")
OP3(sqrt_s, "fsqrt.s ft2, ft0")
OP3(sub_s_rne, "fsub.s ft2, ft0, ft1, rne")
OP3(div_s_rne, "fdiv.s ft2, ft0, ft1, rne")

#define CVT(name, ins)                                                   \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c)            \
    {                                                                   \
        uint64_t r;                                                     \
        (void)c;                                                        \
        a = (a >> (b & 63)) ^ (b << 7);                                 \
        __asm__ volatile(ins " ft2, %1\n fmv.x.d %0, ft2"                \
                         : "=r"(r) : "r"(a) : "ft2");                   \
        return r;                                                       \
    }
CVT(cvt_d_w, "fcvt.d.w")
CVT(cvt_d_wu, "fcvt.d.wu")
CVT(cvt_s_wu, "fcvt.s.wu")
CVT(cvt_s_l, "fcvt.s.l")
CVT(cvt_d_lu, "fcvt.d.lu")

static uint64_t cvt_d_l_rne(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;

    (void)c;
    a = (a >> (b & 63)) ^ (b << 7);
    __asm__ volatile("fcvt.d.l ft2, %1, rne\n fmv.x.d %0, ft2"
                     : "=r"(r) : "r"(a) : "ft2");
    return r;
}

/* binary32 operands of the single-precision shapes (same count) */
static const uint32_t vals2s[] = {
    0x3f800000, 0x3f800001, 0x3f7fffff, 0x00800000, 0x00800001, 0x00800100,
    0x008fffff, 0x007fffff, 0x00000001, 0x80800100, 0x7f7fffff, 0x7f000000,
    0x3f000000, 0x40400000, 0x3eaaaaab, 0x80000000, 0x00000000, 0x7f800000,
    0x7fc00001, 0x7f800001, 0x5f800000, 0xbfc00000, 0x1f800001, 0xdf000001,
};
_Static_assert(sizeof(vals2s) / sizeof(vals2s[0]) == NV2, "one per vals2");

typedef uint64_t Fn3(uint64_t, uint64_t, uint64_t);

static const struct {
    Fn3 *fn;
    bool single;
} ops2[] = {
    { add_d_rne, false }, { sub_d_rne, false }, { mul_d_rne, false },
    { div_d_rne, false }, { sqrt_d_rne, false }, { msub_d, false },
    { nmsub_d, false }, { nmadd_d, false }, { madd_d_rne, false },
    { madd_s, true }, { nmsub_s, true }, { sqrt_s, true },
    { sub_s_rne, true }, { div_s_rne, true }, { cvt_d_w, false },
    { cvt_d_wu, false }, { cvt_s_wu, false }, { cvt_s_l, false },
    { cvt_d_l_rne, false }, { cvt_d_lu, false },
};

static uint64_t fl(void)
{
    uint64_t f;
    __asm__ volatile("csrr %0, fflags" : "=r"(f));
    return f;
}

static uint64_t sbox(uint64_t v)
{
    /* single from the double's top bits, boxed; sometimes unboxed */
    uint64_t s = (v >> 32) ^ (v & 0xffff);
    return (v & 4) ? s : (0xffffffff00000000ull | s);
}

int main(void)
{
    for (int rm = 0; rm < 5; rm++) {
        for (int pre = 0; pre < 2; pre++) {
            h = 1469598103934665603ull;
            __asm__ volatile("csrw frm, %0" : : "r"(rm));
            for (unsigned i = 0; i < NV; i++) {
                for (unsigned j = 0; j < NV; j++) {
                    uint64_t a = vals_d[i], b = vals_d[j];
                    uint64_t c = vals_d[(i * 7 + j) % NV];
                    uint64_t (*f2[])(uint64_t, uint64_t) = {
                        add_d, sub_d, mul_d, div_d,
                        add_s, mul_s, div_s, sub_s,
                    };
                    for (unsigned k = 0; k < 8; k++) {
                        __asm__ volatile("csrw fflags, %0" : : "r"(pre));
                        if (k < 4) {
                            mix(f2[k](a, b));
                        } else {
                            mix(f2[k](sbox(a), sbox(b)));
                        }
                        mix(fl());
                    }
                    __asm__ volatile("csrw fflags, %0" : : "r"(pre));
                    mix(fma_d(a, b, c));
                    mix(fl());
                    __asm__ volatile("csrw fflags, %0" : : "r"(pre));
                    mix(sqrt_d(a));
                    mix(fl());
                    __asm__ volatile("csrw fflags, %0" : : "r"(pre));
                    mix(cvt_d_l(a ^ (b >> 3)));
                    mix(fl());
                    __asm__ volatile("csrw fflags, %0" : : "r"(pre));
                    mix(cvt_s_w(a >> (j & 31)));
                    mix(fl());
                }
            }
            printf("rm %d pre %d hash %lx\n", rm, pre, (unsigned long)h);
        }
    }
    for (int rm = 0; rm < 5; rm++) {
        for (int pre = 0; pre < 3; pre++) {
            /* no flags, NX only, every flag */
            uint64_t pflags = pre == 2 ? 0x1f : (uint64_t)pre;

            h = 1469598103934665603ull;
            __asm__ volatile("csrw frm, %0" : : "r"(rm));
            for (unsigned k = 0; k < sizeof(ops2) / sizeof(ops2[0]); k++) {
                for (unsigned i = 0; i < NV2; i++) {
                    for (unsigned j = 0; j < NV2; j++) {
                        uint64_t a = vals2[i], b = vals2[j];
                        uint64_t c = vals2[(i * 5 + j + 3) % NV2];

                        if (ops2[k].single) {
                            /* NaN-boxed, one operand in eight not */
                            uint64_t box = 0xffffffff00000000ull;

                            a = vals2s[i] | (((i ^ j) & 7) == 7 ? 0 : box);
                            b = vals2s[j] | box;
                            c = vals2s[(i * 5 + j + 3) % NV2] | box;
                        }
                        __asm__ volatile("csrw fflags, %0" : : "r"(pflags));
                        mix(ops2[k].fn(a, b, c));
                        mix(fl());
                    }
                }
            }
            printf("part2 rm %d pre %d hash %lx\n", rm, pre,
                   (unsigned long)h);
        }
    }
    pass("fpstress");
    return 0;
}
