/* SPDX-License-Identifier: MIT */
/* F/D corner cases: NaN boxing, canonical NaN, min/max, conversions,
 * rounding modes, fflags, fused multiply-add, sqrt, fclass. */
#include "lib.h"

#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01

#define S_ONE   0x3f800000UL
#define S_TWO   0x40000000UL
#define S_MONE  0xbf800000UL
#define S_INF   0x7f800000UL
#define S_NINF  0xff800000UL
#define S_QNAN  0x7fc00000UL
#define S_SNAN  0x7f800001UL
#define S_NZERO 0x80000000UL
#define D_ONE   0x3ff0000000000000UL
#define D_MONE  0xbff0000000000000UL
#define D_INF   0x7ff0000000000000UL
#define D_QNAN  0x7ff8000000000000UL
#define D_SNAN  0x7ff0000000000001UL
#define D_NZERO 0x8000000000000000UL

/* Binary op on single bit patterns (NaN-boxed via fmv.w.x). */
#define FS2(insn, a, b) ({ unsigned long __r; __asm__ volatile( \
    "fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n " insn " ft2, ft0, ft1\n" \
    " fmv.x.w %0, ft2" : "=r"(__r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); \
    __r & 0xffffffffUL; })
#define FD2(insn, a, b) ({ unsigned long __r; __asm__ volatile( \
    "fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n " insn " ft2, ft0, ft1\n" \
    " fmv.x.d %0, ft2" : "=r"(__r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); \
    __r; })
/* Float -> integer register ops (conversions, compares, fclass). */
#define FSX(insn, a) ({ unsigned long __r; __asm__ volatile( \
    "fmv.w.x ft0, %1\n " insn " %0, ft0" : "=r"(__r) : "r"(a) : "ft0"); \
    __r; })
#define FDX(insn, a) ({ unsigned long __r; __asm__ volatile( \
    "fmv.d.x ft0, %1\n " insn " %0, ft0" : "=r"(__r) : "r"(a) : "ft0"); \
    __r; })
#define FSCMP(insn, a, b) ({ unsigned long __r; __asm__ volatile( \
    "fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n " insn " %0, ft0, ft1" \
    : "=r"(__r) : "r"(a), "r"(b) : "ft0", "ft1"); __r; })

/* Read and clear the accrued exception flags. */
static unsigned long flags(void)
{
    unsigned long f;

    __asm__ volatile("csrrw %0, fflags, x0" : "=r"(f));
    return f;
}

static void nan_boxing(void)
{
    unsigned long r;
    static volatile uint32_t word = 0x3f800000;

    /* flw NaN-boxes: the upper 32 bits become all ones. */
    __asm__ volatile("flw ft0, 0(%1)\n fmv.x.d %0, ft0" : "=r"(r)
                     : "r"(&word) : "ft0");
    CHECK_EQ(r, 0xffffffff3f800000UL);
    /* An improperly boxed single is read as the canonical NaN. */
    __asm__ volatile("fmv.d.x ft0, %1\n fmv.w.x ft1, %2\n"
                     " fadd.s ft2, ft0, ft1\n fmv.x.d %0, ft2"
                     : "=r"(r) : "r"(0x000000003f800000UL), "r"(S_ONE)
                     : "ft0", "ft1", "ft2");
    CHECK_EQ(r, 0xffffffff7fc00000UL);
    CHECK_EQ(flags(), 0);
    __asm__ volatile("fmv.d.x ft0, %1\n fmv.w.x ft1, %2\n"
                     " fsgnj.s ft2, ft0, ft1\n fmv.x.d %0, ft2"
                     : "=r"(r) : "r"(0x123456783f800000UL), "r"(S_MONE)
                     : "ft0", "ft1", "ft2");
    CHECK_EQ(r, 0xffffffffffc00000UL);
    /* fmv.x.w takes the low bits without checking, sign-extended. */
    __asm__ volatile("fmv.d.x ft0, %1\n fmv.x.w %0, ft0" : "=r"(r)
                     : "r"(0x12345678bf800000UL) : "ft0");
    CHECK_EQ(r, 0xffffffffbf800000UL);
    /* fcvt.d.s of a boxed single. */
    CHECK_EQ(FDX("fcvt.d.s ft0, ft0\n fmv.x.d", 0xffffffff40000000UL),
             0x4000000000000000UL);
    pass("fd nan-boxing");
}

static void canonical_nan(void)
{
    flags();
    CHECK_EQ(FS2("fdiv.s", 0, 0), S_QNAN);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FD2("fsub.d", D_INF, D_INF), D_QNAN);
    CHECK_EQ(flags(), NV);
    /* NaN payloads are not propagated. */
    CHECK_EQ(FS2("fadd.s", 0x7fc12345UL, S_ONE), S_QNAN);
    CHECK_EQ(flags(), 0);
    CHECK_EQ(FS2("fmul.s", S_SNAN, S_ONE), S_QNAN);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FD2("fadd.d", 0xfff8000000000123UL, D_ONE), D_QNAN);
    CHECK_EQ(FDX("fcvt.s.d ft0, ft0\n fmv.x.w", D_SNAN) & 0xffffffffUL,
             S_QNAN);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FS2("fdiv.s", S_ONE, 0), S_INF);
    CHECK_EQ(flags(), DZ);
    pass("fd canonical nan");
}

static void min_max(void)
{
    flags();
    CHECK_EQ(FS2("fmin.s", S_SNAN, S_ONE), S_ONE);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FS2("fmax.s", S_QNAN, S_MONE), S_MONE);
    CHECK_EQ(flags(), 0);
    CHECK_EQ(FS2("fmax.s", S_QNAN, S_SNAN), S_QNAN);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FS2("fmin.s", S_NZERO, 0), S_NZERO);
    CHECK_EQ(FS2("fmax.s", S_NZERO, 0), 0);
    CHECK_EQ(FD2("fmin.d", 0, D_NZERO), D_NZERO);
    CHECK_EQ(FD2("fmax.d", D_SNAN, D_SNAN), D_QNAN);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FD2("fmin.d", D_MONE, D_ONE), D_MONE);
    pass("fd fmin/fmax");
}

static void conversions(void)
{
    flags();
    CHECK_EQ(FSX("fcvt.w.s", S_QNAN), 0x7fffffffUL);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FSX("fcvt.w.s", S_INF), 0x7fffffffUL);
    CHECK_EQ(FSX("fcvt.w.s", S_NINF), 0xffffffff80000000UL);
    CHECK_EQ(FSX("fcvt.wu.s", S_MONE), 0);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FSX("fcvt.wu.s", S_QNAN), -1UL);
    CHECK_EQ(FSX("fcvt.l.s", S_NINF), 0x8000000000000000UL);
    CHECK_EQ(FSX("fcvt.lu.s", S_INF), -1UL);
    CHECK_EQ(FDX("fcvt.l.d", 0x46293e5939a08ceaUL), 0x7fffffffffffffffUL);
    CHECK_EQ(FDX("fcvt.lu.d", D_QNAN), -1UL);
    CHECK_EQ(FDX("fcvt.w.d", 0x41e0000000000000UL), 0x7fffffffUL);
    CHECK_EQ(flags(), NV);
    /* -0.5 to unsigned rounds to zero: inexact, not invalid. */
    CHECK_EQ(FDX("fcvt.wu.d", 0xbfe0000000000000UL), 0);
    CHECK_EQ(flags(), NX);
    CHECK_EQ(FDX("fcvt.l.d", 0xc1e0000000000000UL), 0xffffffff80000000UL);
    CHECK_EQ(flags(), 0);
    /* Integer to float. */
    {
        unsigned long r;

        __asm__ volatile("fcvt.s.w ft0, %1\n fmv.x.w %0, ft0" : "=r"(r)
                         : "r"(-1L) : "ft0");
        CHECK_EQ(r & 0xffffffffUL, S_MONE);
        __asm__ volatile("fcvt.d.lu ft0, %1\n fmv.x.d %0, ft0" : "=r"(r)
                         : "r"(-1UL) : "ft0");
        CHECK_EQ(r, 0x43f0000000000000UL);
        CHECK_EQ(flags(), NX);
        __asm__ volatile("fcvt.s.wu ft0, %1\n fmv.x.w %0, ft0" : "=r"(r)
                         : "r"(0xffffffff00000002UL) : "ft0");
        CHECK_EQ(r & 0xffffffffUL, S_TWO);
    }
    pass("fd fcvt saturation");
}

static void rounding(void)
{
    static const struct {
        int rm;
        long pos, neg;
    } t[] = {
        { 0, 2, -2 }, { 1, 2, -2 }, { 2, 2, -3 }, { 3, 3, -2 }, { 4, 3, -3 },
    };

    /* Dynamic rounding mode from frm, 2.5 and -2.5. */
    for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        write_csr(frm, t[i].rm);
        CHECK_EQ(FSX("fcvt.w.s", 0x40200000UL), t[i].pos);
        CHECK_EQ(FSX("fcvt.w.s", 0xc0200000UL), t[i].neg);
        CHECK_EQ(FDX("fcvt.l.d", 0xc004000000000000UL), t[i].neg);
    }
    write_csr(frm, 0);
    CHECK_EQ(flags(), NX);
    /* Static rounding modes in the instruction override frm. */
    write_csr(frm, 2);
    CHECK_EQ(FSX("fcvt.w.s %0, ft0, rne\n #", 0x40600000UL), 4);
    CHECK_EQ(FSX("fcvt.w.s %0, ft0, rtz\n #", 0x40600000UL), 3);
    CHECK_EQ(FSX("fcvt.w.s %0, ft0, rup\n #", 0x40200000UL), 3);
    CHECK_EQ(FSX("fcvt.w.s %0, ft0, rmm\n #", 0xc0200000UL), -3L);
    CHECK_EQ(FSX("fcvt.w.s %0, ft0, dyn\n #", 0x40600000UL), 3);
    /* Arithmetic: 1 + 2^-24 is a tie between 1 and 1 + 2^-23. */
    CHECK_EQ(FS2("fadd.s", S_ONE, 0x33800000UL), 0x3f800000UL);
    write_csr(frm, 3);
    CHECK_EQ(FS2("fadd.s", S_ONE, 0x33800000UL), 0x3f800001UL);
    CHECK_EQ(FS2("fadd.s ft2, ft0, ft1, rne\n #", S_ONE, 0x33800000UL),
             0x3f800000UL);
    /* Overflow rounds to the largest finite number toward zero. */
    write_csr(frm, 1);
    flags();
    CHECK_EQ(FS2("fmul.s", 0x7f61b1e6UL, S_TWO), 0x7f7fffffUL);
    CHECK_EQ(flags(), OF | NX);
    write_csr(frm, 0);
    CHECK_EQ(FS2("fmul.s", 0x7f61b1e6UL, S_TWO), S_INF);
    CHECK_EQ(flags(), OF | NX);
    /* Underflow. */
    CHECK_EQ(FS2("fmul.s", 0x006ce3eeUL, 0x006ce3eeUL), 0);
    CHECK_EQ(flags(), UF | NX);
    /* fcsr packs frm and fflags. */
    write_csr(fcsr, 0xff);
    CHECK_EQ(read_csr(frm), 7);
    CHECK_EQ(read_csr(fflags), 0x1f);
    write_csr(fcsr, 0);
    pass("fd rounding modes");
}

static void bad_rm(void)
{
    /* frm = 5..7 makes dynamic-rounding instructions illegal. */
    trap_reset();
    m_trap_expected = 1;
    write_csr(frm, 5);
    FS2("fadd.s", S_ONE, S_ONE);
    write_csr(frm, 0);
    m_trap_expected = 0;
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_ILLEGAL);
    pass("fd invalid frm");
}

static void fma_sqrt_class(void)
{
    flags();
    /* (1 + 2^-30)(1 - 2^-30) - 1 = -2^-60 exactly only when fused. */
    {
        unsigned long r;

        __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n"
                         " fmv.d.x ft2, %3\n fmadd.d ft3, ft0, ft1, ft2\n"
                         " fmv.x.d %0, ft3" : "=r"(r)
                         : "r"(0x3ff0000000400000UL),
                           "r"(0x3fefffffff800000UL), "r"(D_MONE)
                         : "ft0", "ft1", "ft2", "ft3");
        CHECK_EQ(r, 0xbc30000000000000UL);
        __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n"
                         " fmv.d.x ft2, %3\n fnmsub.d ft3, ft0, ft1, ft2\n"
                         " fmv.x.d %0, ft3" : "=r"(r)
                         : "r"(0x3ff0000000400000UL),
                           "r"(0x3fefffffff800000UL), "r"(D_ONE)
                         : "ft0", "ft1", "ft2", "ft3");
        CHECK_EQ(r, 0x3c30000000000000UL);
        /* inf * 0 + qNaN is invalid (spec 11.6 leaves NV required). */
        __asm__ volatile("fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n"
                         " fmv.w.x ft2, %3\n fmadd.s ft3, ft0, ft1, ft2\n"
                         " fmv.x.w %0, ft3" : "=r"(r)
                         : "r"(S_INF), "r"(0UL), "r"(S_QNAN)
                         : "ft0", "ft1", "ft2", "ft3");
        CHECK_EQ(r & 0xffffffffUL, S_QNAN);
        CHECK_EQ(flags(), NV);
    }
    CHECK_EQ(FDX("fsqrt.d ft0, ft0\n fmv.x.d", 0x4000000000000000UL),
             0x3ff6a09e667f3bcdUL);
    CHECK_EQ(flags(), NX);
    CHECK_EQ(FSX("fsqrt.s ft0, ft0\n fmv.x.w", S_MONE) & 0xffffffffUL,
             S_QNAN);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FDX("fsqrt.d ft0, ft0\n fmv.x.d", D_NZERO), D_NZERO);
    CHECK_EQ(FSX("fsqrt.s ft0, ft0\n fmv.x.w", 0x41800000UL), 0x40800000UL);
    CHECK_EQ(flags(), 0);

    CHECK_EQ(FSX("fclass.s", S_NINF), 1 << 0);
    CHECK_EQ(FSX("fclass.s", S_MONE), 1 << 1);
    CHECK_EQ(FSX("fclass.s", 0x80000001UL), 1 << 2);
    CHECK_EQ(FSX("fclass.s", S_NZERO), 1 << 3);
    CHECK_EQ(FSX("fclass.s", 0), 1 << 4);
    CHECK_EQ(FSX("fclass.s", 1), 1 << 5);
    CHECK_EQ(FSX("fclass.s", S_ONE), 1 << 6);
    CHECK_EQ(FSX("fclass.s", S_INF), 1 << 7);
    CHECK_EQ(FSX("fclass.s", S_SNAN), 1 << 8);
    CHECK_EQ(FSX("fclass.s", S_QNAN), 1 << 9);
    CHECK_EQ(FDX("fclass.d", D_SNAN), 1 << 8);
    CHECK_EQ(FDX("fclass.d", 0x000fffffffffffffUL), 1 << 5);
    CHECK_EQ(FDX("fclass.d", D_NZERO), 1 << 3);
    /* fclass.s of an improperly boxed value sees the canonical NaN. */
    CHECK_EQ(FDX("fclass.s", 0x3f800000UL), 1 << 9);
    pass("fd fma/fsqrt/fclass");
}

static void compares(void)
{
    flags();
    CHECK_EQ(FSCMP("feq.s", S_QNAN, S_QNAN), 0);
    CHECK_EQ(flags(), 0);
    CHECK_EQ(FSCMP("feq.s", S_SNAN, S_ONE), 0);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FSCMP("flt.s", S_QNAN, S_ONE), 0);
    CHECK_EQ(flags(), NV);
    CHECK_EQ(FSCMP("fle.s", S_NZERO, 0), 1);
    CHECK_EQ(FSCMP("feq.s", S_NZERO, 0), 1);
    CHECK_EQ(FSCMP("flt.s", S_MONE, S_ONE), 1);
    CHECK_EQ(flags(), 0);
    pass("fd compares");
}

int main(void)
{
    nan_boxing();
    canonical_nan();
    min_max();
    conversions();
    rounding();
    bad_rm();
    fma_sqrt_class();
    compares();
    return 0;
}
