/* SPDX-License-Identifier: MIT */
/* D extension: the instructions without an F twin (unpriv. ch. 12). */
#include "internals.h"

/* The shapes shared with F are in trans_rvf.c (TRANS_FP_COMMON). */

bool trans_fld(DisasContext *ctx, const RVArgs *a)
{
    TCGv addr, t;

    REQUIRE_FPU(ctx, 'D');
    addr = temp_new();
    t = temp_new();
    tcg_gen_addi_i64(addr, get_gpr(ctx, a->rs1), a->imm);
    tcg_gen_qemu_ld_i64(t, addr, ctx->mem_idx, MO_UQ);
    gen_set_fpr(ctx, a->rd, t);
    return true;
}

bool trans_fsd(DisasContext *ctx, const RVArgs *a)
{
    TCGv addr;

    REQUIRE_FPU(ctx, 'D');
    addr = temp_new();
    tcg_gen_addi_i64(addr, get_gpr(ctx, a->rs1), a->imm);
    tcg_gen_qemu_st_i64(cpu_fpr[a->rs2], addr, ctx->mem_idx, MO_UQ);
    return true;
}

/* Sign injection on raw bits: 0 fsgnj, 1 fsgnjn, 2 fsgnjx. */
static bool gen_fsgnj_d(DisasContext *ctx, const RVArgs *a, int op)
{
    TCGv mag, sign;

    REQUIRE_FPU(ctx, 'D');
    mag = temp_new();
    sign = temp_new();
    tcg_gen_andi_i64(mag, cpu_fpr[a->rs1], INT64_MAX);
    switch (op) {
    case 0:
        tcg_gen_mov_i64(sign, cpu_fpr[a->rs2]);
        break;
    case 1:
        tcg_gen_not_i64(sign, cpu_fpr[a->rs2]);
        break;
    default:
        tcg_gen_xor_i64(sign, cpu_fpr[a->rs1], cpu_fpr[a->rs2]);
        break;
    }
    tcg_gen_andi_i64(sign, sign, INT64_MIN);
    tcg_gen_or_i64(mag, mag, sign);
    gen_set_fpr(ctx, a->rd, mag);
    return true;
}

bool trans_fsgnj_d(DisasContext *ctx, const RVArgs *a)
{
    return gen_fsgnj_d(ctx, a, 0);
}

bool trans_fsgnjn_d(DisasContext *ctx, const RVArgs *a)
{
    return gen_fsgnj_d(ctx, a, 1);
}

bool trans_fsgnjx_d(DisasContext *ctx, const RVArgs *a)
{
    return gen_fsgnj_d(ctx, a, 2);
}

bool trans_fmv_x_d(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_FPU(ctx, 'D');
    gen_set_gpr(ctx, a->rd, cpu_fpr[a->rs1]);
    return true;
}

bool trans_fmv_d_x(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_FPU(ctx, 'D');
    gen_set_fpr(ctx, a->rd, get_gpr(ctx, a->rs1));
    return true;
}

static bool gen_fcvt_fmt(DisasContext *ctx, const RVArgs *a,
                         const TCGHelperInfo *h)
{
    TCGv t;

    REQUIRE_FPU(ctx, 'D');
    REQUIRE(gen_check_rm(ctx, a->rm));
    t = temp_new();
    tcg_gen_call3(h, t, gen_env(), cpu_fpr[a->rs1],
                  tcg_constant_i64(a->rm));
    gen_set_fpr(ctx, a->rd, t);
    return true;
}

bool trans_fcvt_s_d(DisasContext *ctx, const RVArgs *a)
{
    return gen_fcvt_fmt(ctx, a, &helper_info_fcvt_s_d);
}

bool trans_fcvt_d_s(DisasContext *ctx, const RVArgs *a)
{
    return gen_fcvt_fmt(ctx, a, &helper_info_fcvt_d_s);
}
