/* SPDX-License-Identifier: MIT */
/*
 * AArch64 Advanced SIMD integer decoder and helper: the decoder must
 * refuse every FP (and crypto, and scalar-FP) encoding so that
 * translate-fp.c and translate-atomic.c see them (translate.h fallthrough
 * rule), accept the integer ones, and the helper computes a few edge
 * cases (saturation and FPSR.QC, estimates) as the Arm ARM says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../cpu/arm/simd.h"

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

/* Encodings from GNU as (-march=armv8.2-a+crypto+fp16). */
static const uint32_t not_ours[] = {
    0x4e22d420, /* fadd v0.4s, v1.4s, v2.4s */
    0x4e62cc20, /* fmla v0.2d, v1.2d, v2.2d */
    0x6e22c420, /* fmaxnmp v0.4s, v1.4s, v2.4s */
    0x4e22e420, /* fcmeq v0.4s, v1.4s, v2.4s */
    0x7ea2d420, /* fabd s0, s1, s2 */
    0x5e62fc20, /* frecps d0, d1, d2 */
    0x4ea0f820, /* fabs v0.4s, v1.4s */
    0x6ee0f820, /* fneg v0.2d, v1.2d */
    0x4ea1b820, /* fcvtzs v0.4s, v1.4s */
    0x4e61d820, /* scvtf v0.2d, v1.2d */
    0x0e216820, /* fcvtn v0.4h, v1.4s */
    0x0e617820, /* fcvtl v0.2d, v1.2s */
    0x4ea1d820, /* frecpe v0.4s, v1.4s */
    0x4ea0c820, /* fcmgt v0.4s, v1.4s, #0.0 */
    0x6e30f820, /* fmaxv s0, v1.4s */
    0x6eb0c820, /* fminnmv s0, v1.4s */
    0x7e30d820, /* faddp s0, v1.2s */
    0x7e70f820, /* fmaxp d0, v1.2d */
    0x4fa29020, /* fmul v0.4s, v1.4s, v2.s[1] */
    0x4fc21820, /* fmla v0.2d, v1.2d, v2.d[1] */
    0x7fa29820, /* fmulx s0, s1, v2.s[3] */
    0x4f3de420, /* scvtf v0.4s, v1.4s, #3 */
    0x6f79fc20, /* fcvtzu v0.2d, v1.2d, #7 */
    0x5f3be420, /* scvtf s0, s1, #5 */
    0x5f44fc20, /* fcvtzs d0, d1, #60 */
    0x7ee1d820, /* frsqrte d0, d1 */
    0x7e616820, /* fcvtxn s0, d1 */
    0x4e284820, /* aese v0.16b, v1.16b */
    0x5e020020, /* sha1c q0, s1, v2.4s */
    0x5e282820, /* sha256su0 v0.4s, v1.4s */
    0x0f03fe00, /* fmov v0.4h, #1.0 (FP16) */
    0x1e270020, /* fmov s0, w1 */
    0x9eae0001, /* fmov x1, v0.d[1] */
    0x1e222820, /* fadd s0, s1, s2 */
    0x0ee08402, /* add .1d: reserved */
    0x4ee09c02, /* mul .2d: reserved */
};

static const uint32_t ours[] = {
    0x4ea28420, /* add v0.4s, v1.4s, v2.4s */
    0x5e220c20, /* sqadd b0, b1, b2 */
    0x6ea20020, /* uaddl2 v0.2d, v1.4s, v2.4s */
    0x5e629020, /* sqdmlal s0, h1, h2 */
    0x4e200820, /* rev64 v0.16b, v1.16b */
    0x4ea1c820, /* urecpe v0.4s, v1.4s */
    0x6e303820, /* uaddlv h0, v1.16b */
    0x5ef1b820, /* addp d0, v1.2d */
    0x4e0e0420, /* dup v0.8h, v1.h[3] */
    0x5e0f0420, /* mov b0, v1.b[7] */
    0x6e0c6420, /* mov v0.s[1], v1.s[3] */
    0x6e024820, /* ext v0.16b, v1.16b, v2.16b, #9 */
    0x0e033020, /* tbx v0.8b, {v1.16b, v2.16b}, v3.8b */
    0x4e827820, /* zip2 v0.4s, v1.4s, v2.4s */
    0x4f003640, /* orr v0.4s, #0x12, lsl #8 */
    0x6f00f400, /* fmov v0.2d, #2.0 */
    0x7f7c0420, /* ushr d0, d1, #4 */
    0x6f0d8c20, /* sqrshrun2 v0.16b, v1.8h, #3 */
    0x6f720820, /* mla v0.8h, v1.8h, v2.h[7] */
    0x5f82c820, /* sqdmulh s0, s1, v2.s[2] */
};

static void test_decode_split(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(not_ours) / sizeof(not_ours[0]); i++) {
        assert_false(simd_dp_decode(not_ours[i], true));
    }
    for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
        assert_true(simd_dp_decode(ours[i], true));
    }
    /* PMULL 1Q only with the AES/PMULL feature. */
    assert_true(simd_dp_decode(0x4ee2e020, true));
    assert_false(simd_dp_decode(0x4ee2e020, false));
}

static void set_v(int r, uint64_t lo, uint64_t hi)
{
    env->vregs[r][0] = lo;
    env->vregs[r][1] = hi;
}

static void test_saturation(void **state)
{
    (void)state;
    /* sqadd b0, b1, b2: 0x7f + 0x01 saturates, sets QC, zeroes the rest */
    set_v(0, ~0ull, ~0ull);
    set_v(1, 0x7f, 0);
    set_v(2, 0x01, 0);
    env->fpsr = 0;
    helper_simd_dp(&cpu->parent, 0x5e220c20);
    assert_int_equal(env->vregs[0][0], 0x7f);
    assert_int_equal(env->vregs[0][1], 0);
    assert_int_equal(env->fpsr, FPSR_QC);
    /* sqdmulh s0, s1, v2.s[2]: INT32_MIN * INT32_MIN saturates */
    set_v(1, 0x80000000u, 0);
    set_v(2, 0, 0x80000000u);
    env->fpsr = 0;
    helper_simd_dp(&cpu->parent, 0x5f82c820);
    assert_int_equal(env->vregs[0][0], 0x7fffffff);
    assert_int_equal(env->fpsr, FPSR_QC);
    /* add v0.4s does not touch QC */
    env->fpsr = 0;
    helper_simd_dp(&cpu->parent, 0x4ea28420);
    assert_int_equal(env->fpsr, 0);
}

static void test_estimates(void **state)
{
    (void)state;
    /* urecpe v0.4s: below 0.5 gives ones; 0.5 -> 0xff8..., ~1.0 -> 0x800... */
    set_v(1, 0x7fffffff80000000ull, 0xc0000000ffffffffull);
    helper_simd_dp(&cpu->parent, 0x4ea1c820);
    assert_int_equal(env->vregs[0][0], 0xffffffffff800000ull);
    assert_int_equal(env->vregs[0][1], 0xaa80000080000000ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_split),
        cmocka_unit_test(test_saturation),
        cmocka_unit_test(test_estimates),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
