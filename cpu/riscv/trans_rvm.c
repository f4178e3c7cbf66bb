/* SPDX-License-Identifier: MIT */
/* M extension: multiply and divide (unprivileged spec ch. 13). */
#include "internals.h"

static bool gen_mul_op(DisasContext *ctx, const RVArgs *a,
                       void (*fn)(TCGv, TCGv, TCGv), bool w)
{
    TCGv t;

    REQUIRE_EXT(ctx, 'M');
    t = temp_new();
    fn(t, get_gpr(ctx, a->rs1), get_gpr(ctx, a->rs2));
    if (w) {
        tcg_gen_ext32s_i64(t, t);
    }
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

/* High half of signed rs1 times unsigned rs2. */
static void gen_mulhsu(TCGv r, TCGv a, TCGv b)
{
    TCGv hi = temp_new();
    TCGv sign = temp_new();

    /* mulhu(a, b) - (a < 0 ? b : 0) */
    tcg_gen_muluh_i64(hi, a, b);
    tcg_gen_sari_i64(sign, a, 63);
    tcg_gen_and_i64(sign, sign, b);
    tcg_gen_sub_i64(r, hi, sign);
}

bool trans_mul(DisasContext *ctx, const RVArgs *a)
{
    return gen_mul_op(ctx, a, tcg_gen_mul_i64, false);
}

bool trans_mulh(DisasContext *ctx, const RVArgs *a)
{
    return gen_mul_op(ctx, a, tcg_gen_mulsh_i64, false);
}

bool trans_mulhsu(DisasContext *ctx, const RVArgs *a)
{
    return gen_mul_op(ctx, a, gen_mulhsu, false);
}

bool trans_mulhu(DisasContext *ctx, const RVArgs *a)
{
    return gen_mul_op(ctx, a, tcg_gen_muluh_i64, false);
}

bool trans_mulw(DisasContext *ctx, const RVArgs *a)
{
    return gen_mul_op(ctx, a, tcg_gen_mul_i64, true);
}

/*
 * Division with the RISC-V results for the cases the host cannot do
 * (spec table 13.1): x / 0 = -1, x % 0 = x, MIN / -1 = MIN, MIN % -1 = 0.
 * The divisor reaching the host op is never 0 and MIN / -1 never happens.
 */
enum { DIV_S, DIV_U, REM_S, REM_U };

static void gen_div_rem(TCGv r, TCGv n, TCGv d, int kind, int64_t min,
                        uint64_t hint)
{
    TCGv zero = tcg_constant_i64(0);
    TCGv one = tcg_constant_i64(1);
    TCGv num = temp_new();
    TCGv den = temp_new();

    if (kind == DIV_S || kind == REM_S) {
        TCGv ovf = temp_new();
        TCGv t = temp_new();

        tcg_gen_setcondi_i64(TCG_COND_EQ, ovf, n, min);
        tcg_gen_setcondi_i64(TCG_COND_EQ, t, d, -1);
        tcg_gen_and_i64(ovf, ovf, t);
        tcg_gen_setcondi_i64(TCG_COND_EQ, t, d, 0);
        tcg_gen_or_i64(t, ovf, t);
        /* MIN / 1 = MIN and MIN % 1 = 0: the overflow results. */
        tcg_gen_movcond_i64(TCG_COND_NE, den, t, zero, one, d);
    } else {
        tcg_gen_movcond_i64(TCG_COND_EQ, den, d, zero, one, d);
    }
    switch (kind) {
    case DIV_S:
    case DIV_U:
        /* x / 0: divide -1 by 1 */
        tcg_gen_movcond_i64(TCG_COND_EQ, num, d, zero,
                            tcg_constant_i64(-1), n);
        if (kind == DIV_S) {
            tcg_gen_div_hint_i64(r, num, den, hint);
        } else {
            tcg_gen_divu_hint_i64(r, num, den, hint);
        }
        break;
    default:
        if (kind == REM_S) {
            tcg_gen_rem_hint_i64(num, n, den, hint);
        } else {
            tcg_gen_remu_hint_i64(num, n, den, hint);
        }
        tcg_gen_movcond_i64(TCG_COND_EQ, r, d, zero, n, num);
        break;
    }
}

/*
 * The divisor this division will most likely see: rs2's value now, when
 * the TB is being translated for the CPU about to run it, unless an
 * earlier instruction of the TB writes rs2.  Loops divide by the same
 * value again and again; the backend tests the guess and then divides
 * with a multiply.  0: no guess.
 */
static uint64_t divisor_hint(DisasContext *ctx, int rs2, int kind, bool w)
{
    uint64_t v;

    if (rs2 == 0 || (ctx->gpr_written & (1u << rs2))) {
        return 0;
    }
    v = ctx->env->gpr[rs2];
    if (w) {
        v = kind == DIV_U || kind == REM_U ? (uint32_t)v
                                           : (uint64_t)(int32_t)v;
    }
    return v;
}

static bool gen_div(DisasContext *ctx, const RVArgs *a, int kind, bool w)
{
    TCGv n, d, r;
    uint64_t hint = divisor_hint(ctx, a->rs2, kind, w);

    REQUIRE_EXT(ctx, 'M');
    n = temp_new();
    d = temp_new();
    r = temp_new();
    if (!w) {
        tcg_gen_mov_i64(n, get_gpr(ctx, a->rs1));
        tcg_gen_mov_i64(d, get_gpr(ctx, a->rs2));
        gen_div_rem(r, n, d, kind, INT64_MIN, hint);
    } else {
        /* 32-bit operands extended to 64: INT32_MIN / -1 cannot trap */
        if (kind == DIV_S || kind == REM_S) {
            tcg_gen_ext32s_i64(n, get_gpr(ctx, a->rs1));
            tcg_gen_ext32s_i64(d, get_gpr(ctx, a->rs2));
        } else {
            tcg_gen_ext32u_i64(n, get_gpr(ctx, a->rs1));
            tcg_gen_ext32u_i64(d, get_gpr(ctx, a->rs2));
        }
        gen_div_rem(r, n, d, kind, INT64_MIN, hint);
        tcg_gen_ext32s_i64(r, r);
    }
    gen_set_gpr(ctx, a->rd, r);
    return true;
}

bool trans_div(DisasContext *ctx, const RVArgs *a)
{
    return gen_div(ctx, a, DIV_S, false);
}

bool trans_divu(DisasContext *ctx, const RVArgs *a)
{
    return gen_div(ctx, a, DIV_U, false);
}

bool trans_rem(DisasContext *ctx, const RVArgs *a)
{
    return gen_div(ctx, a, REM_S, false);
}

bool trans_remu(DisasContext *ctx, const RVArgs *a)
{
    return gen_div(ctx, a, REM_U, false);
}

bool trans_divw(DisasContext *ctx, const RVArgs *a)
{
    return gen_div(ctx, a, DIV_S, true);
}

bool trans_divuw(DisasContext *ctx, const RVArgs *a)
{
    return gen_div(ctx, a, DIV_U, true);
}

bool trans_remw(DisasContext *ctx, const RVArgs *a)
{
    return gen_div(ctx, a, REM_S, true);
}

bool trans_remuw(DisasContext *ctx, const RVArgs *a)
{
    return gen_div(ctx, a, REM_U, true);
}
