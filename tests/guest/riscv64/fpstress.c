/* SPDX-License-Identifier: MIT */
/* FP stress: hash results and fflags of many ops, all rounding modes. */
#include "lib.h"

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
    pass("fpstress");
    return 0;
}
