/* SPDX-License-Identifier: MIT */
/*
 * AArch64 FP helpers (cpu/arm/vfp_helper.c) on cases where the host SSE
 * unit and Arm disagree and the helper must correct it: tininess before
 * rounding, FPCR.FZ flushing, NaN selection (FMADD puts the addend first),
 * the Arm default NaN, saturating conversions, alternative half precision
 * and the reciprocal estimate table.  Values checked against QEMU 7.2.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../cpu/arm/vfp.h"

#define FZ (1u << 24)
#define DN (1u << 25)
#define AHP (1u << 26)

static ARMCPU *cpu;
static CPUARMState *env;

static int setup(void **state)
{
    (void)state;
    cpu = calloc(1, sizeof(*cpu));
    env = cpu ? &cpu->env : NULL;
    return cpu ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(cpu);
    return 0;
}

static void set_v(int r, uint64_t lo, uint64_t hi)
{
    env->vregs[r][0] = lo;
    env->vregs[r][1] = hi;
}

/* Scalar double op d0 = op(d1, d2[, d3]) under fpcr; returns d0. */
static uint64_t run_d(unsigned op, uint64_t fpcr, uint64_t n, uint64_t m,
                      uint64_t a)
{
    set_v(0, ~0ull, ~0ull);
    set_v(1, n, 0);
    set_v(2, m, 0);
    set_v(3, a, 0);
    env->fpcr = fpcr;
    env->fpsr = 0;
    helper_a64_fp_vec(&cpu->parent,
                      fpd_make(op, FSZ_D, 1, 0, 1, 2) | FPD_SET_RA(3));
    assert_int_equal(env->vregs[0][1], 0);
    return env->vregs[0][0];
}

static void test_tininess_before_rounding(void **state)
{
    (void)state;
    /* 2^-1022 * (1 - 2^-53) is tiny but rounds to the smallest normal */
    assert_int_equal(run_d(FOP_MUL, 0, 0x0010000000000000ull,
                           0x3fefffffffffffffull, 0),
                     0x0010000000000000ull);
    assert_int_equal(env->fpsr, 0x18);          /* UFC | IXC */
    /* with FZ the tiny result is flushed: UFC only */
    assert_int_equal(run_d(FOP_MUL, FZ, 0x0010000000000000ull,
                           0x3fefffffffffffffull, 0), 0);
    assert_int_equal(env->fpsr, 0x08);
    /* and a denormal input reads as zero: IDC */
    assert_int_equal(run_d(FOP_ADD, FZ, 0x8000000000000001ull, 0, 0), 0);
    assert_int_equal(env->fpsr, 0x80);
}

static void test_nans(void **state)
{
    (void)state;
    /* 0 * inf: the Arm default NaN, not x86's negative one */
    assert_int_equal(run_d(FOP_MUL, 0, 0, 0x7ff0000000000000ull, 0),
                     0x7ff8000000000000ull);
    assert_int_equal(env->fpsr, 0x01);
    /* signalling beats quiet, then the first operand */
    assert_int_equal(run_d(FOP_ADD, 0, 0x7ff8000000000001ull,
                           0xfff0000000000002ull, 0),
                     0xfff8000000000002ull);
    assert_int_equal(env->fpsr, 0x01);
    /* FMADD: the addend's signalling NaN comes first */
    assert_int_equal(run_d(FOP_MADD, 0, 0x7ff0000000000001ull,
                           0x3ff0000000000000ull, 0x7ff0000000000002ull),
                     0x7ff8000000000002ull);
    /* inf * 0 + qNaN is invalid and gives the default NaN */
    assert_int_equal(run_d(FOP_MADD, 0, 0x7ff0000000000000ull, 0,
                           0x7ff8000000000003ull), 0x7ff8000000000000ull);
    assert_int_equal(env->fpsr, 0x01);
    /* DN replaces a propagated NaN */
    assert_int_equal(run_d(FOP_SUB, DN, 0x7ff8000000000005ull, 0, 0),
                     0x7ff8000000000000ull);
    assert_int_equal(env->fpsr, 0);
    /* FMAXNM: a quiet NaN loses to a number */
    assert_int_equal(run_d(FOP_MAXNM, 0, 0x7ff8000000000005ull,
                           0xbff0000000000000ull, 0),
                     0xbff0000000000000ull);
    /* FMIN(+0, -0) is -0 */
    assert_int_equal(run_d(FOP_MIN, 0, 0, 0x8000000000000000ull, 0),
                     0x8000000000000000ull);
}

static void test_conversions(void **state)
{
    (void)state;
    /* 1e20 to int64 saturates: IOC, no IXC */
    set_v(1, 0x4415af1d78b58c40ull, 0);
    env->fpcr = 0;
    env->fpsr = 0;
    assert_int_equal(helper_a64_fp_toint(&cpu->parent,
                                         fpd_make(FOP_TOSINT, FSZ_D, 1, 0,
                                                  1, 0) | FPD_SET_INT64(1)),
                     0x7fffffffffffffffull);
    assert_int_equal(env->fpsr, 0x01);
    /* -0.5 rounds to -0 under FCVTZU: inexact, not invalid */
    set_v(1, 0xbfe0000000000000ull, 0);
    env->fpsr = 0;
    assert_int_equal(helper_a64_fp_toint(&cpu->parent,
                                         fpd_make(FOP_TOUINT, FSZ_D, 1, 0,
                                                  1, 0) |
                                         FPD_SET_RND(1 + FR_ZERO)), 0);
    assert_int_equal(env->fpsr, 0x10);
    /* single +inf to alternative half precision: max, IOC */
    set_v(1, 0x7f800000, 0);
    env->fpcr = AHP;
    env->fpsr = 0;
    helper_a64_fp_cvt(&cpu->parent, fpd_make(FOP_FCVT, FSZ_S, 1, 0, 1, 0) |
                      FPD_SET_SZ2(FSZ_H));
    assert_int_equal(env->vregs[0][0], 0x7fff);
    assert_int_equal(env->fpsr, 0x01);
}

static void test_estimates(void **state)
{
    (void)state;
    /* frecpe/frsqrte of 1.0f (QEMU: 0x3f7f8000 both) */
    set_v(1, 0x3f800000, 0);
    env->fpcr = 0;
    env->fpsr = 0;
    helper_a64_fp_vec(&cpu->parent, fpd_make(FOP_RECPE, FSZ_S, 1, 0, 1, 0));
    assert_int_equal(env->vregs[0][0], 0x3f7f8000);
    helper_a64_fp_vec(&cpu->parent, fpd_make(FOP_RSQRTE, FSZ_S, 1, 0, 1, 0));
    assert_int_equal(env->vregs[0][0], 0x3f7f8000);
    assert_int_equal(env->fpsr, 0);
}

static void test_pairwise(void **state)
{
    (void)state;
    /* faddp v0.4s, v1.4s, v2.4s: {1+2, 3+4, 5+6, 7+8} */
    set_v(1, 0x400000003f800000ull, 0x4080000040400000ull);
    set_v(2, 0x40c0000040a00000ull, 0x4100000040e00000ull);
    env->fpcr = 0;
    env->fpsr = 0;
    helper_a64_fp_vec(&cpu->parent, fpd_make(FOP_ADD, FSZ_S, 4, 0, 1, 2) |
                      FPD_SET_MODE(FMODE_PAIR));
    assert_int_equal(env->vregs[0][0], 0x40e0000040400000ull);
    assert_int_equal(env->vregs[0][1], 0x4170000041300000ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tininess_before_rounding),
        cmocka_unit_test(test_nans),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_estimates),
        cmocka_unit_test(test_pairwise),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
