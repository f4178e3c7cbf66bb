/* SPDX-License-Identifier: MIT */
/* RISC-V F/D helpers against IEEE 754 / RISC-V expected results. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <fenv.h>
#include <math.h>
#include <cmocka.h>

#include "../../cpu/riscv/internals.h"

static RISCVCPU *cpu;
static CPUState *cs;
static CPURISCVState *env;

#define BOX(x)   (0xffffffff00000000ull | (uint32_t)(x))
#define ONE_S    0x3f800000u
#define TWO_S    0x40000000u
#define MONE_S   0xbf800000u
#define CANON_S  BOX(0x7fc00000u)
#define SNAN_S   BOX(0x7f800001u)
#define QNAN_S   BOX(0x7fc00001u)
#define PZERO_S  BOX(0x00000000u)
#define NZERO_S  BOX(0x80000000u)
#define ONE_D    0x3ff0000000000000ull
#define CANON_D  0x7ff8000000000000ull
#define SNAN_D   0x7ff0000000000001ull
#define NZERO_D  0x8000000000000000ull

enum { NX = FFLAG_NX, UF = FFLAG_UF, OF = FFLAG_OF, DZ = FFLAG_DZ,
       NV = FFLAG_NV };

static int setup(void **state)
{
    cpu = calloc(1, sizeof(*cpu));
    cs = &cpu->parent;
    env = &cpu->env;
    return cpu ? 0 : -1;
}

static int teardown(void **state)
{
    free(cpu);
    return 0;
}

/* Run one helper from clean flags and return the flags it raised. */
#define FLAGS_OF(expr) \
    ({ env->fflags = 0; (void)(expr); (int)env->fflags; })

static void test_nan_boxing(void **state)
{
    uint64_t r;

    /* Unboxed input reads as the canonical NaN (quiet: no NV). */
    env->fflags = 0;
    r = helper_fadd_s(cs, 0x000000003f800000ull, BOX(ONE_S), RM_RNE);
    assert_int_equal(r, CANON_S);
    assert_int_equal(env->fflags, 0);
    assert_int_equal(helper_fclass_s(0x3f800000ull), 1 << 9);
    /* Proper result is boxed. */
    r = helper_fadd_s(cs, BOX(ONE_S), BOX(ONE_S), RM_RNE);
    assert_int_equal(r, BOX(TWO_S));
    /* fsgnj on an unboxed operand works on the canonical NaN. */
    assert_int_equal(helper_fsgnj_s(0x12345678ull, BOX(MONE_S), 0),
                     BOX(0xffc00000u));
    assert_int_equal(helper_fsgnj_s(BOX(ONE_S), BOX(ONE_S), 1),
                     BOX(MONE_S));
    assert_int_equal(helper_fsgnj_s(BOX(MONE_S), BOX(MONE_S), 2),
                     BOX(ONE_S));
    /* Single <-> double */
    assert_int_equal(helper_fcvt_d_s(cs, BOX(ONE_S), RM_RNE), ONE_D);
    assert_int_equal(FLAGS_OF(helper_fcvt_d_s(cs, SNAN_S, 0)), NV);
    assert_int_equal(helper_fcvt_d_s(cs, SNAN_S, 0), CANON_D);
    assert_int_equal(helper_fcvt_s_d(cs, SNAN_D, 0), CANON_S);
    assert_int_equal(FLAGS_OF(helper_fcvt_s_d(cs, 0x3ff0000000000001ull,
                                              RM_RNE)), NX);
}

static void test_minmax(void **state)
{
    /* sNaN operand: the other operand, with NV (spec 2.2). */
    assert_int_equal(FLAGS_OF(helper_fminmax_s(cs, SNAN_S, BOX(ONE_S), 0)),
                     NV);
    assert_int_equal(helper_fminmax_s(cs, SNAN_S, BOX(ONE_S), 0),
                     BOX(ONE_S));
    assert_int_equal(FLAGS_OF(helper_fminmax_s(cs, QNAN_S, BOX(ONE_S), 1)),
                     0);
    assert_int_equal(helper_fminmax_s(cs, BOX(TWO_S), QNAN_S, 1),
                     BOX(TWO_S));
    assert_int_equal(helper_fminmax_s(cs, QNAN_S, SNAN_S, 0), CANON_S);
    /* -0 < +0 */
    assert_int_equal(helper_fminmax_s(cs, PZERO_S, NZERO_S, 0), NZERO_S);
    assert_int_equal(helper_fminmax_s(cs, NZERO_S, PZERO_S, 1), PZERO_S);
    assert_int_equal(helper_fminmax_s(cs, BOX(MONE_S), BOX(ONE_S), 0),
                     BOX(MONE_S));
    assert_int_equal(helper_fminmax_d(cs, 0, NZERO_D, 0), NZERO_D);
    assert_int_equal(helper_fminmax_d(cs, 0, NZERO_D, 1), 0);
    assert_int_equal(FLAGS_OF(helper_fminmax_d(cs, ONE_D, SNAN_D, 1)), NV);
    assert_int_equal(helper_fminmax_d(cs, ONE_D, SNAN_D, 1), ONE_D);
    assert_int_equal(helper_fminmax_d(cs, SNAN_D, SNAN_D, 1), CANON_D);
}

static uint64_t cvt_s(float f, int kind, int rm)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    return helper_fcvt_to_int_s(cs, BOX(v), kind | (rm << 8));
}

static uint64_t cvt_d(double d, int kind, int rm)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    return helper_fcvt_to_int_d(cs, v, kind | (rm << 8));
}

static void test_fcvt_int(void **state)
{
    /* fcvt.w.s saturation (spec table 11.4) */
    assert_int_equal(FLAGS_OF(cvt_s(3e9f, 0, RM_RNE)), NV);
    assert_int_equal(cvt_s(3e9f, 0, RM_RNE), 0x7fffffff);
    assert_int_equal(cvt_s(-3e9f, 0, RM_RNE), 0xffffffff80000000ull);
    assert_int_equal(helper_fcvt_to_int_s(cs, CANON_S, 0), 0x7fffffff);
    assert_int_equal(cvt_s(-INFINITY, 0, RM_RNE), 0xffffffff80000000ull);
    assert_int_equal(cvt_s(-2147483648.0f, 0, RM_RNE),
                     0xffffffff80000000ull);
    assert_int_equal(FLAGS_OF(cvt_s(-2147483648.0f, 0, RM_RNE)), 0);
    /* rounding */
    assert_int_equal(FLAGS_OF(cvt_s(1.5f, 0, RM_RNE)), NX);
    assert_int_equal(cvt_s(1.5f, 0, RM_RNE), 2);
    assert_int_equal(cvt_s(2.5f, 0, RM_RNE), 2);
    assert_int_equal(cvt_s(2.5f, 0, RM_RMM), 3);
    assert_int_equal(cvt_s(-2.5f, 0, RM_RMM), (uint64_t)-3);
    assert_int_equal(cvt_s(-2.5f, 0, RM_RDN), (uint64_t)-3);
    assert_int_equal(cvt_s(-1.5f, 0, RM_RTZ), (uint64_t)-1);
    assert_int_equal(cvt_s(1.25f, 0, RM_RUP), 2);
    /* unsigned */
    assert_int_equal(FLAGS_OF(cvt_s(-1.0f, 1, RM_RNE)), NV);
    assert_int_equal(cvt_s(-1.0f, 1, RM_RNE), 0);
    assert_int_equal(FLAGS_OF(cvt_s(-0.5f, 1, RM_RTZ)), NX);
    assert_int_equal(cvt_s(-0.5f, 1, RM_RTZ), 0);
    assert_int_equal(cvt_s(4e9f, 1, RM_RNE), 0xffffffffee6b2800ull);
    assert_int_equal(cvt_s(5e9f, 1, RM_RNE), UINT64_MAX);
    assert_int_equal(helper_fcvt_to_int_s(cs, CANON_S, 1), UINT64_MAX);
    /* 64-bit */
    assert_int_equal(cvt_d(9.3e18, 2, RM_RNE), INT64_MAX);
    assert_int_equal(cvt_d(-9.3e18, 2, RM_RNE), (uint64_t)INT64_MIN);
    assert_int_equal(FLAGS_OF(cvt_d(18446744073709551616.0, 3, RM_RNE)),
                     NV);
    assert_int_equal(cvt_d(18446744073709549568.0, 3, RM_RNE),
                     18446744073709549568ull);
    assert_int_equal(helper_fcvt_to_int_d(cs, CANON_D, 2), INT64_MAX);
    assert_int_equal(helper_fcvt_to_int_d(cs, CANON_D, 3), UINT64_MAX);
    /* dynamic rounding mode from frm */
    env->frm = RM_RUP;
    assert_int_equal(cvt_d(1.1, 0, RM_DYN), 2);
    env->frm = RM_RNE;
}

static uint32_t sbits(float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    return v;
}

static uint64_t dbits(double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    return v;
}

static void test_rounding(void **state)
{
    /* 1 + 2^-24 is halfway between 1 and 1 + 2^-23 */
    uint64_t a = BOX(ONE_S), b = BOX(sbits(0x1p-24f));
    uint64_t mb = BOX(sbits(-0x1p-24f)), ma = BOX(MONE_S);
    uint64_t up = BOX(sbits(1.0f + 0x1p-23f));

    assert_int_equal(helper_fadd_s(cs, a, b, RM_RNE), a);
    assert_int_equal(FLAGS_OF(helper_fadd_s(cs, a, b, RM_RNE)), NX);
    assert_int_equal(helper_fadd_s(cs, a, b, RM_RTZ), a);
    assert_int_equal(helper_fadd_s(cs, a, b, RM_RDN), a);
    assert_int_equal(helper_fadd_s(cs, a, b, RM_RUP), up);
    assert_int_equal(helper_fadd_s(cs, a, b, RM_RMM), up);
    assert_int_equal(helper_fadd_s(cs, ma, mb, RM_RMM),
                     BOX(sbits(-1.0f - 0x1p-23f)));
    assert_int_equal(helper_fadd_s(cs, ma, mb, RM_RDN),
                     BOX(sbits(-1.0f - 0x1p-23f)));
    assert_int_equal(helper_fadd_s(cs, ma, mb, RM_RUP), ma);
    /* not a tie: RMM = RNE */
    assert_int_equal(helper_fadd_s(cs, a, BOX(sbits(0x1p-25f)), RM_RMM), a);
    /* double: 1 + 2^-53 */
    assert_int_equal(helper_fadd_d(cs, ONE_D, dbits(0x1p-53), RM_RNE),
                     ONE_D);
    assert_int_equal(helper_fadd_d(cs, ONE_D, dbits(0x1p-53), RM_RMM),
                     dbits(1.0 + 0x1p-52));
    /* RMM on a product tie: (1 + 2^-26)^2 rounded to double is exact? */
    assert_int_equal(helper_fmul_d(cs, dbits(3.0), dbits(1.0 / 3.0), RM_RMM),
                     helper_fmul_d(cs, dbits(3.0), dbits(1.0 / 3.0),
                                   RM_RNE));
    /* dynamic */
    env->frm = RM_RUP;
    assert_int_equal(helper_fadd_s(cs, a, b, RM_DYN), up);
    env->frm = RM_RNE;
    /* the host mode is restored */
    assert_int_equal(fegetround(), FE_TONEAREST);
    /* int -> float: 16777217 is a tie between 2^24 and 2^24 + 2 */
    assert_int_equal(helper_fcvt_from_int_s(cs, 16777217, RM_RNE << 8),
                     BOX(sbits(16777216.0f)));
    assert_int_equal(helper_fcvt_from_int_s(cs, 16777217, RM_RMM << 8),
                     BOX(sbits(16777218.0f)));
    assert_int_equal(helper_fcvt_from_int_s(cs, 16777217, RM_RUP << 8),
                     BOX(sbits(16777218.0f)));
    assert_int_equal(helper_fcvt_from_int_s(cs, UINT64_MAX, 3),
                     BOX(0x5f800000u));
    assert_int_equal(helper_fcvt_from_int_d(cs, (uint64_t)-7, 0),
                     dbits(-7.0));
    assert_int_equal(helper_fcvt_from_int_d(cs, 0xfffffff9ull, 1),
                     dbits(4294967289.0));
    assert_int_equal(helper_fcvt_from_int_d(cs, 0xfffffff9ull, 0),
                     dbits(-7.0));
}

static void test_flags(void **state)
{
    uint64_t zero = BOX(0), one = BOX(ONE_S), r;

    env->fflags = 0;
    r = helper_fdiv_s(cs, one, zero, RM_RNE);
    assert_int_equal(r, BOX(0x7f800000u));
    assert_int_equal(env->fflags, DZ);
    assert_int_equal(FLAGS_OF(r = helper_fdiv_s(cs, zero, zero, 0)), NV);
    assert_int_equal(r, CANON_S);
    assert_int_equal(FLAGS_OF(r = helper_fmul_s(cs, BOX(0x7f7fffffu),
                                                BOX(TWO_S), 0)), OF | NX);
    assert_int_equal(r, BOX(0x7f800000u));
    /* RTZ overflow gives the largest finite number */
    assert_int_equal(helper_fmul_s(cs, BOX(0x7f7fffffu), BOX(TWO_S),
                                   RM_RTZ), BOX(0x7f7fffffu));
    /* exact subnormal: no UF; inexact tiny: UF | NX */
    assert_int_equal(FLAGS_OF(helper_fmul_s(cs, BOX(0x00800000u),
                                            BOX(0x3f000000u), 0)), 0);
    assert_int_equal(FLAGS_OF(r = helper_fmul_s(cs, BOX(0x00000001u),
                                                BOX(0x3f000000u), 0)),
                     UF | NX);
    assert_int_equal(r, BOX(0));
    assert_int_equal(FLAGS_OF(r = helper_fsqrt_s(cs, BOX(MONE_S), 0)), NV);
    assert_int_equal(r, CANON_S);
    assert_int_equal(FLAGS_OF(r = helper_fsqrt_d(cs, dbits(-1.0), 0)), NV);
    assert_int_equal(r, CANON_D);
    /* NaN payloads are not propagated */
    assert_int_equal(helper_fadd_s(cs, QNAN_S, one, 0), CANON_S);
    assert_int_equal(FLAGS_OF(helper_fadd_d(cs, SNAN_D, ONE_D, 0)), NV);
    /* FMA: inf * 0 + qNaN is invalid; fmsub/fnmadd signs */
    assert_int_equal(FLAGS_OF(r = helper_fmadd_d(cs, dbits(INFINITY), 0,
                                                 CANON_D, 0)), NV);
    assert_int_equal(r, CANON_D);
    assert_int_equal(helper_fmadd_d(cs, dbits(2.0), dbits(3.0),
                                    dbits(1.0), 1), dbits(5.0));
    assert_int_equal(helper_fmadd_d(cs, dbits(2.0), dbits(3.0),
                                    dbits(1.0), 2), dbits(-5.0));
    assert_int_equal(helper_fmadd_d(cs, dbits(2.0), dbits(3.0),
                                    dbits(1.0), 3), dbits(-7.0));
    assert_int_equal(helper_fmadd_s(cs, BOX(TWO_S), BOX(TWO_S),
                                    BOX(ONE_S), 0), BOX(sbits(5.0f)));
    /* single fused: one rounding */
    assert_int_equal(helper_fmadd_s(cs, BOX(sbits(1.0f + 0x1p-12f)),
                                    BOX(sbits(1.0f + 0x1p-12f)),
                                    BOX(sbits(-1.0f)), 0),
                     BOX(sbits(0x1p-11f + 0x1p-24f)));
}

static void test_compare_class(void **state)
{
    uint64_t one = BOX(ONE_S);

    assert_int_equal(FLAGS_OF(helper_fcmp_s(cs, QNAN_S, one, 2)), 0);
    assert_int_equal(FLAGS_OF(helper_fcmp_s(cs, SNAN_S, one, 2)), NV);
    assert_int_equal(FLAGS_OF(helper_fcmp_s(cs, QNAN_S, one, 1)), NV);
    assert_int_equal(FLAGS_OF(helper_fcmp_d(cs, CANON_D, ONE_D, 0)), NV);
    assert_int_equal(helper_fcmp_s(cs, one, one, 0), 1);
    assert_int_equal(helper_fcmp_s(cs, one, one, 1), 0);
    assert_int_equal(helper_fcmp_s(cs, PZERO_S, NZERO_S, 2), 1);
    assert_int_equal(helper_fcmp_d(cs, NZERO_D, 0, 1), 0);
    assert_int_equal(helper_fclass_s(BOX(0xff800000u)), 1 << 0);
    assert_int_equal(helper_fclass_s(BOX(MONE_S)), 1 << 1);
    assert_int_equal(helper_fclass_s(BOX(0x80000001u)), 1 << 2);
    assert_int_equal(helper_fclass_s(NZERO_S), 1 << 3);
    assert_int_equal(helper_fclass_s(PZERO_S), 1 << 4);
    assert_int_equal(helper_fclass_s(BOX(0x00000001u)), 1 << 5);
    assert_int_equal(helper_fclass_s(BOX(ONE_S)), 1 << 6);
    assert_int_equal(helper_fclass_s(BOX(0x7f800000u)), 1 << 7);
    assert_int_equal(helper_fclass_s(SNAN_S), 1 << 8);
    assert_int_equal(helper_fclass_s(QNAN_S), 1 << 9);
    assert_int_equal(helper_fclass_d(SNAN_D), 1 << 8);
    assert_int_equal(helper_fclass_d(CANON_D), 1 << 9);
    assert_int_equal(helper_fclass_d(1), 1 << 5);
    assert_int_equal(helper_fclass_d(NZERO_D), 1 << 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nan_boxing),
        cmocka_unit_test(test_minmax),
        cmocka_unit_test(test_fcvt_int),
        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_compare_class),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
