/* SPDX-License-Identifier: MIT */
/* F extension, and the shapes F shares with D (unprivileged ch. 11-12). */
#include "internals.h"

/*
 * FP registers hold NaN-boxed singles; boxing rules are applied in the
 * helpers (fpu_helper.c).  Any instruction that writes an f register or
 * may write fflags marks mstatus.FS dirty.
 */

static TCGv fpr(int r)
{
    return cpu_fpr[r];
}

/*
 * Inline host-FPU fast paths (INDEX_op_fpop, see tcg.h) when the
 * rounding mode is RNE (static rm, or frm from the TB flags for DYN);
 * taken at run time when fflags.NX is already set and the host result
 * is one that raised at most NX; anything else calls the same helper.
 */
enum { FI_ADD, FI_SUB, FI_MUL, FI_DIV, FI_SQRT, FI_FMA, FI_CVT = FI_FMA + 4,
       FI_N = FI_CVT + 3 };

#define RVI(op_, d_, chk_, nin_, na_, nc_, h_, guard_)                        \
    { .op = (op_), .is64 = (d_), .check = (chk_), .nanbox = !(d_),            \
      .neg_a = (na_), .neg_c = (nc_), .nb_in = (nin_), .has_imm = true,       \
      .set_off = ENV_OFFSET(fflags), .set_mask = (guard_) ? FFLAG_NX : 0,     \
      .helper = &(h_) }

#define RV_FPI(sfx, d_)                                                       \
    {                                                                         \
        RVI(TCG_FP_ADD, d_, TCG_FPCHK_FINITE, 2, 0, 0,                        \
            helper_info_fadd_##sfx, 1),                                       \
        RVI(TCG_FP_SUB, d_, TCG_FPCHK_FINITE, 2, 0, 0,                        \
            helper_info_fsub_##sfx, 1),                                       \
        RVI(TCG_FP_MUL, d_, TCG_FPCHK_NORMAL, 2, 0, 0,                        \
            helper_info_fmul_##sfx, 1),                                       \
        RVI(TCG_FP_DIV, d_, TCG_FPCHK_NORMAL, 2, 0, 0,                        \
            helper_info_fdiv_##sfx, 1),                                       \
        RVI(TCG_FP_SQRT, d_, TCG_FPCHK_FINITE, 1, 0, 0,                       \
            helper_info_fsqrt_##sfx, 1),                                      \
        /* fmadd a*b+c, fmsub a*b-c, fnmsub -(a*b)+c, fnmadd -(a*b)-c */      \
        RVI(TCG_FP_FMA, d_, TCG_FPCHK_NORMAL, 3, 0, 0,                        \
            helper_info_fmadd_##sfx, 1),                                      \
        RVI(TCG_FP_FMA, d_, TCG_FPCHK_NORMAL, 3, 0, 1,                        \
            helper_info_fmadd_##sfx, 1),                                      \
        RVI(TCG_FP_FMA, d_, TCG_FPCHK_NORMAL, 3, 1, 0,                        \
            helper_info_fmadd_##sfx, 1),                                      \
        RVI(TCG_FP_FMA, d_, TCG_FPCHK_NORMAL, 3, 1, 1,                        \
            helper_info_fmadd_##sfx, 1),                                      \
        /* from w and wu: exact in binary64, no flags in any mode */          \
        RVI(TCG_FP_CVT_I32, d_, TCG_FPCHK_NONE, 1, 0, 0,                      \
            helper_info_fcvt_from_int_##sfx, !(d_)),                          \
        RVI(TCG_FP_CVT_U32, d_, TCG_FPCHK_NONE, 1, 0, 0,                      \
            helper_info_fcvt_from_int_##sfx, !(d_)),                          \
        RVI(TCG_FP_CVT_I64, d_, TCG_FPCHK_NONE, 1, 0, 0,                      \
            helper_info_fcvt_from_int_##sfx, 1),                              \
    }

/* [double][FI_*] */
static const TCGFPOpInfo rv_fpi[2][FI_N] = {
    RV_FPI(s, false),
    RV_FPI(d, true),
};

#undef RV_FPI
#undef RVI

/*
 * The fast-path description for rm, or NULL when the mode is not RNE.
 * frm is part of the TB flags, so DYN is resolved at translation.
 */
static const TCGFPOpInfo *rv_fast(DisasContext *ctx, char ext, int rm,
                                  int fi)
{
    if (rm == RM_DYN) {
        rm = ctx->frm;
    }
    if (rm != RM_RNE) {
        return NULL;
    }
    if (fi >= FI_FMA && fi < FI_CVT && !tcg_have_fma) {
        return NULL;
    }
    return &rv_fpi[ext == 'D'][fi];
}

static bool gen_fp_binop(DisasContext *ctx, const RVArgs *a, char ext,
                         const TCGHelperInfo *h, int fi)
{
    const TCGFPOpInfo *fast;
    TCGv t;

    REQUIRE_FPU(ctx, ext);
    REQUIRE(gen_check_rm(ctx, a->rm));
    t = temp_new();
    fast = rv_fast(ctx, ext, a->rm, fi);
    if (fast) {
        tcg_gen_fpop(t, fpr(a->rs1), fpr(a->rs2), fpr(a->rs1), fast, a->rm);
    } else {
        tcg_gen_call4(h, t, gen_env(), fpr(a->rs1), fpr(a->rs2),
                      tcg_constant_i64(a->rm));
    }
    gen_set_fpr(ctx, a->rd, t);
    return true;
}

static bool gen_fp_sqrt(DisasContext *ctx, const RVArgs *a, char ext,
                        const TCGHelperInfo *h)
{
    const TCGFPOpInfo *fast;
    TCGv t;

    REQUIRE_FPU(ctx, ext);
    REQUIRE(gen_check_rm(ctx, a->rm));
    t = temp_new();
    fast = rv_fast(ctx, ext, a->rm, FI_SQRT);
    if (fast) {
        tcg_gen_fpop(t, fpr(a->rs1), fpr(a->rs1), fpr(a->rs1), fast, a->rm);
    } else {
        tcg_gen_call3(h, t, gen_env(), fpr(a->rs1), tcg_constant_i64(a->rm));
    }
    gen_set_fpr(ctx, a->rd, t);
    return true;
}

static bool gen_fp_fma(DisasContext *ctx, const RVArgs *a, char ext,
                       const TCGHelperInfo *h, int op)
{
    const TCGFPOpInfo *fast;
    TCGv t;

    REQUIRE_FPU(ctx, ext);
    REQUIRE(gen_check_rm(ctx, a->rm));
    t = temp_new();
    fast = rv_fast(ctx, ext, a->rm, FI_FMA + op);
    if (fast) {
        tcg_gen_fpop(t, fpr(a->rs1), fpr(a->rs2), fpr(a->rs3), fast,
                     op | (a->rm << 8));
    } else {
        tcg_gen_call5(h, t, gen_env(), fpr(a->rs1), fpr(a->rs2),
                      fpr(a->rs3), tcg_constant_i64(op | (a->rm << 8)));
    }
    gen_set_fpr(ctx, a->rd, t);
    return true;
}

/* No rounding: min/max */
static bool gen_fp_minmax(DisasContext *ctx, const RVArgs *a, char ext,
                          const TCGHelperInfo *h, int op)
{
    TCGv t;

    REQUIRE_FPU(ctx, ext);
    t = temp_new();
    tcg_gen_call4(h, t, gen_env(), fpr(a->rs1), fpr(a->rs2),
                  tcg_constant_i64(op));
    gen_set_fpr(ctx, a->rd, t);
    return true;
}

/* Compares write an x register and may set NV. */
static bool gen_fp_cmp(DisasContext *ctx, const RVArgs *a, char ext,
                       const TCGHelperInfo *h, int op)
{
    TCGv t;

    REQUIRE_FPU(ctx, ext);
    t = temp_new();
    gen_mark_fs_dirty(ctx);
    tcg_gen_call4(h, t, gen_env(), fpr(a->rs1), fpr(a->rs2),
                  tcg_constant_i64(op));
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

static bool gen_fp_class(DisasContext *ctx, const RVArgs *a, char ext,
                         const TCGHelperInfo *h)
{
    TCGv t;

    REQUIRE_FPU(ctx, ext);
    t = temp_new();
    tcg_gen_call1(h, t, fpr(a->rs1));
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

static bool gen_fcvt_to_int(DisasContext *ctx, const RVArgs *a, char ext,
                            const TCGHelperInfo *h, int kind)
{
    TCGv t;

    REQUIRE_FPU(ctx, ext);
    REQUIRE(gen_check_rm(ctx, a->rm));
    t = temp_new();
    gen_mark_fs_dirty(ctx);
    tcg_gen_call3(h, t, gen_env(), fpr(a->rs1),
                  tcg_constant_i64(kind | (a->rm << 8)));
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

static bool gen_fcvt_from_int(DisasContext *ctx, const RVArgs *a, char ext,
                              const TCGHelperInfo *h, int kind)
{
    const TCGFPOpInfo *fast;
    TCGv t, src;

    REQUIRE_FPU(ctx, ext);
    REQUIRE(gen_check_rm(ctx, a->rm));
    t = temp_new();
    src = get_gpr(ctx, a->rs1);
    /* kind 0 w, 1 wu, 2 l; lu (3) has no host instruction */
    fast = kind < 3 ? rv_fast(ctx, ext, a->rm, FI_CVT + kind) : NULL;
    if (fast) {
        tcg_gen_fpop(t, src, src, src, fast, kind | (a->rm << 8));
    } else {
        tcg_gen_call3(h, t, gen_env(), src,
                      tcg_constant_i64(kind | (a->rm << 8)));
    }
    gen_set_fpr(ctx, a->rd, t);
    return true;
}

/* Shared F/D shapes, instantiated for s (ext 'F') and d (ext 'D'). */
#define TRANS_FP_COMMON(f, EXT)                                         \
    bool trans_fadd_##f(DisasContext *ctx, const RVArgs *a)             \
    {                                                                   \
        return gen_fp_binop(ctx, a, EXT, &helper_info_fadd_##f, FI_ADD); \
    }                                                                   \
    bool trans_fsub_##f(DisasContext *ctx, const RVArgs *a)             \
    {                                                                   \
        return gen_fp_binop(ctx, a, EXT, &helper_info_fsub_##f, FI_SUB); \
    }                                                                   \
    bool trans_fmul_##f(DisasContext *ctx, const RVArgs *a)             \
    {                                                                   \
        return gen_fp_binop(ctx, a, EXT, &helper_info_fmul_##f, FI_MUL); \
    }                                                                   \
    bool trans_fdiv_##f(DisasContext *ctx, const RVArgs *a)             \
    {                                                                   \
        return gen_fp_binop(ctx, a, EXT, &helper_info_fdiv_##f, FI_DIV); \
    }                                                                   \
    bool trans_fsqrt_##f(DisasContext *ctx, const RVArgs *a)            \
    {                                                                   \
        return gen_fp_sqrt(ctx, a, EXT, &helper_info_fsqrt_##f);        \
    }                                                                   \
    bool trans_fmadd_##f(DisasContext *ctx, const RVArgs *a)            \
    {                                                                   \
        return gen_fp_fma(ctx, a, EXT, &helper_info_fmadd_##f, 0);      \
    }                                                                   \
    bool trans_fmsub_##f(DisasContext *ctx, const RVArgs *a)            \
    {                                                                   \
        return gen_fp_fma(ctx, a, EXT, &helper_info_fmadd_##f, 1);      \
    }                                                                   \
    bool trans_fnmsub_##f(DisasContext *ctx, const RVArgs *a)           \
    {                                                                   \
        return gen_fp_fma(ctx, a, EXT, &helper_info_fmadd_##f, 2);      \
    }                                                                   \
    bool trans_fnmadd_##f(DisasContext *ctx, const RVArgs *a)           \
    {                                                                   \
        return gen_fp_fma(ctx, a, EXT, &helper_info_fmadd_##f, 3);      \
    }                                                                   \
    bool trans_fmin_##f(DisasContext *ctx, const RVArgs *a)             \
    {                                                                   \
        return gen_fp_minmax(ctx, a, EXT, &helper_info_fminmax_##f, 0); \
    }                                                                   \
    bool trans_fmax_##f(DisasContext *ctx, const RVArgs *a)             \
    {                                                                   \
        return gen_fp_minmax(ctx, a, EXT, &helper_info_fminmax_##f, 1); \
    }                                                                   \
    bool trans_fle_##f(DisasContext *ctx, const RVArgs *a)              \
    {                                                                   \
        return gen_fp_cmp(ctx, a, EXT, &helper_info_fcmp_##f, 0);       \
    }                                                                   \
    bool trans_flt_##f(DisasContext *ctx, const RVArgs *a)              \
    {                                                                   \
        return gen_fp_cmp(ctx, a, EXT, &helper_info_fcmp_##f, 1);       \
    }                                                                   \
    bool trans_feq_##f(DisasContext *ctx, const RVArgs *a)              \
    {                                                                   \
        return gen_fp_cmp(ctx, a, EXT, &helper_info_fcmp_##f, 2);       \
    }                                                                   \
    bool trans_fclass_##f(DisasContext *ctx, const RVArgs *a)           \
    {                                                                   \
        return gen_fp_class(ctx, a, EXT, &helper_info_fclass_##f);      \
    }                                                                   \
    bool trans_fcvt_w_##f(DisasContext *ctx, const RVArgs *a)           \
    {                                                                   \
        return gen_fcvt_to_int(ctx, a, EXT, &helper_info_fcvt_to_int_##f, \
                               0);                                      \
    }                                                                   \
    bool trans_fcvt_wu_##f(DisasContext *ctx, const RVArgs *a)          \
    {                                                                   \
        return gen_fcvt_to_int(ctx, a, EXT, &helper_info_fcvt_to_int_##f, \
                               1);                                      \
    }                                                                   \
    bool trans_fcvt_l_##f(DisasContext *ctx, const RVArgs *a)           \
    {                                                                   \
        return gen_fcvt_to_int(ctx, a, EXT, &helper_info_fcvt_to_int_##f, \
                               2);                                      \
    }                                                                   \
    bool trans_fcvt_lu_##f(DisasContext *ctx, const RVArgs *a)          \
    {                                                                   \
        return gen_fcvt_to_int(ctx, a, EXT, &helper_info_fcvt_to_int_##f, \
                               3);                                      \
    }                                                                   \
    bool trans_fcvt_##f##_w(DisasContext *ctx, const RVArgs *a)         \
    {                                                                   \
        return gen_fcvt_from_int(ctx, a, EXT,                           \
                                 &helper_info_fcvt_from_int_##f, 0);    \
    }                                                                   \
    bool trans_fcvt_##f##_wu(DisasContext *ctx, const RVArgs *a)        \
    {                                                                   \
        return gen_fcvt_from_int(ctx, a, EXT,                           \
                                 &helper_info_fcvt_from_int_##f, 1);    \
    }                                                                   \
    bool trans_fcvt_##f##_l(DisasContext *ctx, const RVArgs *a)         \
    {                                                                   \
        return gen_fcvt_from_int(ctx, a, EXT,                           \
                                 &helper_info_fcvt_from_int_##f, 2);    \
    }                                                                   \
    bool trans_fcvt_##f##_lu(DisasContext *ctx, const RVArgs *a)        \
    {                                                                   \
        return gen_fcvt_from_int(ctx, a, EXT,                           \
                                 &helper_info_fcvt_from_int_##f, 3);    \
    }

TRANS_FP_COMMON(s, 'F')
TRANS_FP_COMMON(d, 'D')

/* ---- F only ---- */

bool trans_flw(DisasContext *ctx, const RVArgs *a)
{
    TCGv addr, t;

    REQUIRE_FPU(ctx, 'F');
    addr = temp_new();
    t = temp_new();
    tcg_gen_addi_i64(addr, get_gpr(ctx, a->rs1), a->imm);
    tcg_gen_qemu_ld_i64(t, addr, ctx->mem_idx, MO_UL);
    tcg_gen_ori_i64(t, t, (int64_t)0xffffffff00000000ull);
    gen_set_fpr(ctx, a->rd, t);
    return true;
}

bool trans_fsw(DisasContext *ctx, const RVArgs *a)
{
    TCGv addr;

    REQUIRE_FPU(ctx, 'F');
    addr = temp_new();
    tcg_gen_addi_i64(addr, get_gpr(ctx, a->rs1), a->imm);
    /* Stores the low 32 bits whether or not they are boxed. */
    tcg_gen_qemu_st_i64(fpr(a->rs2), addr, ctx->mem_idx, MO_UL);
    return true;
}

static bool gen_fsgnj_s(DisasContext *ctx, const RVArgs *a, int op)
{
    TCGv t;

    REQUIRE_FPU(ctx, 'F');
    t = temp_new();
    tcg_gen_call3(&helper_info_fsgnj_s, t, fpr(a->rs1), fpr(a->rs2),
                  tcg_constant_i64(op));
    gen_set_fpr(ctx, a->rd, t);
    return true;
}

bool trans_fsgnj_s(DisasContext *ctx, const RVArgs *a)
{
    return gen_fsgnj_s(ctx, a, 0);
}

bool trans_fsgnjn_s(DisasContext *ctx, const RVArgs *a)
{
    return gen_fsgnj_s(ctx, a, 1);
}

bool trans_fsgnjx_s(DisasContext *ctx, const RVArgs *a)
{
    return gen_fsgnj_s(ctx, a, 2);
}

bool trans_fmv_x_w(DisasContext *ctx, const RVArgs *a)
{
    TCGv t;

    REQUIRE_FPU(ctx, 'F');
    t = temp_new();
    /* Raw low 32 bits, sign-extended; no boxing check (spec 11.7). */
    tcg_gen_ext32s_i64(t, fpr(a->rs1));
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

bool trans_fmv_w_x(DisasContext *ctx, const RVArgs *a)
{
    TCGv t;

    REQUIRE_FPU(ctx, 'F');
    t = temp_new();
    tcg_gen_ext32u_i64(t, get_gpr(ctx, a->rs1));
    tcg_gen_ori_i64(t, t, (int64_t)0xffffffff00000000ull);
    gen_set_fpr(ctx, a->rd, t);
    return true;
}
