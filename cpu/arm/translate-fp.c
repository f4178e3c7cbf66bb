/* SPDX-License-Identifier: MIT */
/*
 * A64 front end: floating point, scalar (C4.1.96 "Data Processing --
 * Scalar Floating-Point and Advanced SIMD", the FP groups) and the FP
 * opcodes of the Advanced SIMD groups (three same, two-register misc,
 * pairwise, across lanes, by element, shift by immediate).  Decoding is
 * done here from small tables; the arithmetic is one helper call per
 * instruction (vfp_helper.c) with a descriptor naming the registers.
 * Half precision is accepted only by the conversions (no FEAT_FP16).
 * Integer opcodes of the shared SIMD groups return false for
 * translate-simd.c.
 */
#include "translate.h"
#include "vfp.h"

/* ---- emit helpers ---- */

static void gen_fp_vec(uint64_t desc)
{
    tcg_gen_call2(&helper_info_a64_fp_vec, NULL, env_ptr(),
                  tcg_constant_i64((int64_t)desc));
}

static void gen_fp_cvt(uint64_t desc)
{
    tcg_gen_call2(&helper_info_a64_fp_cvt, NULL, env_ptr(),
                  tcg_constant_i64((int64_t)desc));
}

/* Element 0 of FP register reg as a value (single zero-extended). */
static TCGv gen_load_scalar(int reg, int sz)
{
    TCGv t = a64_new_tmp();

    if (sz == FSZ_S) {
        tcg_gen_ld32u_i64(t, env_ptr(), vreg_off(reg, 0));
    } else {
        tcg_gen_ld_i64(t, env_ptr(), vreg_off(reg, 0));
    }
    return t;
}

/* A scalar result into reg; the rest of the 128 bits become zero. */
static void gen_store_scalar(int reg, TCGv v)
{
    tcg_gen_st_i64(v, env_ptr(), vreg_off(reg, 0));
    a64_clear_vreg_high(reg);
}

/*
 * Inline host-FPU fast paths (INDEX_op_fpop, see tcg.h) for the common
 * scalar instructions: taken at run time when FPCR.RMode is RN, FPCR.FZ
 * is clear, FPSR.IXC is already set and the host result is one that
 * raised at most IXC (normal, or a sum/square root that cannot
 * underflow inexactly); otherwise the same helper as before runs.
 */
enum { AI_ADD, AI_SUB, AI_MUL, AI_DIV, AI_SQRT, AI_FMA, AI_SCVT64,
       AI_SCVT32, AI_UCVT32, AI_N };

#define A64_FPSR_IXC 0x10u
#define A64_FPCR_RMODE_FZ ((3u << 22) | (1u << 24))

#define AFI(op_, d_, chk_, nin_, h_, guard_, immf_)                       \
    { .op = (op_), .is64 = (d_), .check = (chk_), .nb_in = (nin_),       \
      .has_imm = (immf_), .imm_first = (immf_),                          \
      .set_off = ARM_ENV_OFFSET(fpsr),                                   \
      .set_mask = (guard_) ? A64_FPSR_IXC : 0,                           \
      .clr_off = ARM_ENV_OFFSET(fpcr),                                   \
      .clr_mask = (guard_) ? A64_FPCR_RMODE_FZ : 0, .helper = &(h_) }

#define A64_FPI(sfx, d_)                                                  \
    {                                                                     \
        AFI(TCG_FP_ADD, d_, TCG_FPCHK_FINITE, 2, helper_info_a64_fadd_##sfx, \
            1, 0),                                                        \
        AFI(TCG_FP_SUB, d_, TCG_FPCHK_FINITE, 2, helper_info_a64_fsub_##sfx, \
            1, 0),                                                        \
        AFI(TCG_FP_MUL, d_, TCG_FPCHK_NORMAL, 2, helper_info_a64_fmul_##sfx, \
            1, 0),                                                        \
        AFI(TCG_FP_DIV, d_, TCG_FPCHK_NORMAL, 2, helper_info_a64_fdiv_##sfx, \
            1, 0),                                                        \
        AFI(TCG_FP_SQRT, d_, TCG_FPCHK_FINITE, 1,                         \
            helper_info_a64_fsqrt_##sfx, 1, 0),                           \
        AFI(TCG_FP_FMA, d_, TCG_FPCHK_NORMAL, 3,                          \
            helper_info_a64_fmadd_##sfx, 1, 0),                           \
        AFI(TCG_FP_CVT_I64, d_, TCG_FPCHK_NONE, 1, helper_info_a64_fp_fromint, \
            1, 1),                                                        \
        /* 32-bit integers are exact in binary64: no flags at all */      \
        AFI(TCG_FP_CVT_I32, d_, TCG_FPCHK_NONE, 1, helper_info_a64_fp_fromint, \
            !(d_), 1),                                                    \
        AFI(TCG_FP_CVT_U32, d_, TCG_FPCHK_NONE, 1, helper_info_a64_fp_fromint, \
            !(d_), 1),                                                    \
    }

/* [FSZ_S / FSZ_D][AI_*] */
static const TCGFPOpInfo a64_fpi[2][AI_N] = {
    A64_FPI(s, false),
    A64_FPI(d, true),
};

#undef A64_FPI
#undef AFI

/* rd = op(rn[, rm[, ra]]) for the scalar arithmetic helpers. */
static void gen_scalar_fpop(int sz, int ai, int rd, TCGv a, TCGv b, TCGv c)
{
    TCGv r = a64_new_tmp();

    tcg_gen_fpop(r, a, b ? b : a, c ? c : a, &a64_fpi[sz][ai], 0);
    gen_store_scalar(rd, r);
}

/* NZCV (bits 3:0 of t) into the flag globals. */
static void gen_set_nzcv(TCGv t)
{
    TCGv u = a64_new_tmp();

    tcg_gen_shli_i64(cpu_nf, t, 60);
    tcg_gen_andi_i64(u, t, 4);
    tcg_gen_xori_i64(cpu_zf, u, 4);
    tcg_gen_shri_i64(u, t, 1);
    tcg_gen_andi_i64(cpu_cf, u, 1);
    tcg_gen_shli_i64(cpu_vf, t, 63);
}

/* ftype (bits 23:22) to FSZ_*, or -1: half needs FEAT_FP16 except FCVT. */
static int ftype_sz(uint32_t insn, bool allow_half)
{
    switch (bits(insn, 22, 2)) {
    case 0:
        return FSZ_S;
    case 1:
        return FSZ_D;
    case 3:
        return allow_half ? FSZ_H : -1;
    default:
        return -1;
    }
}

/* ---- scalar FP groups ---- */

/* FP data-processing (1 source) C4.1.96.33 */
static bool trans_fp_1src(DisasContext *ctx)
{
    int opc = bits(ctx->insn, 15, 6);
    int sz = ftype_sz(ctx->insn, opc == 4 || opc == 5 || opc == 7);
    /* FRINTN P M Z A (opc 8-0xc) round their own way; X, I use FPCR */
    static const uint8_t rnd[8] = {
        1 + FR_TIEEVEN, 1 + FR_POSINF, 1 + FR_NEGINF, 1 + FR_ZERO,
        1 + FR_TIEAWAY, 0, 0, 0,
    };
    uint64_t d;

    if (sz < 0 || bits(ctx->insn, 29, 3) || (opc > 0xf) || opc == 6 ||
        opc == 0xd) {
        return false;
    }
    if (opc >= 4 && opc <= 7) {
        static const int8_t to[4] = { FSZ_S, FSZ_D, -1, FSZ_H };

        if (to[opc - 4] < 0 || to[opc - 4] == sz) {
            return false;
        }
        if (!a64_fp_access_check(ctx)) {
            return true;
        }
        gen_fp_cvt(fpd_make(FOP_FCVT, sz, 1, RD, RN, 0) |
                   FPD_SET_SZ2(to[opc - 4]));
        return true;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    if (opc <= 2) {         /* FMOV, FABS, FNEG: bits only, no flags */
        TCGv t = a64_new_tmp();
        int64_t sign = sz == FSZ_S ? 0x80000000ll : INT64_MIN;

        if (sz == FSZ_S) {
            tcg_gen_ld32u_i64(t, env_ptr(), vreg_off(RN, 0));
        } else {
            tcg_gen_ld_i64(t, env_ptr(), vreg_off(RN, 0));
        }
        if (opc == 1) {
            tcg_gen_andi_i64(t, t, ~sign);
        } else if (opc == 2) {
            tcg_gen_xori_i64(t, t, sign);
        }
        tcg_gen_st_i64(t, env_ptr(), vreg_off(RD, 0));
        a64_clear_vreg_high(RD);
        return true;
    }
    if (opc == 3) {
        gen_scalar_fpop(sz, AI_SQRT, RD, gen_load_scalar(RN, sz), NULL, NULL);
        return true;
    }
    d = fpd_make(opc == 0xe ? FOP_RINTX : FOP_RINT, sz, 1, RD, RN, 0);
    gen_fp_vec(d | FPD_SET_RND(rnd[opc - 8]));
    return true;
}

/* FP compare C4.1.96.32 */
static bool trans_fp_cmp(DisasContext *ctx)
{
    int sz = ftype_sz(ctx->insn, false);
    uint32_t op2 = bits(ctx->insn, 0, 5);
    TCGv t;

    if (sz < 0 || bits(ctx->insn, 29, 3) || bits(ctx->insn, 14, 2) ||
        (op2 & 7)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    t = a64_new_tmp();
    tcg_gen_call3(&helper_info_a64_fp_cmp, t, env_ptr(),
                  tcg_constant_i64((int64_t)(fpd_make(0, sz, 1, 0, RN, RM) |
                                   FPD_SET_MODE((op2 >> 3) & 1))),
                  tcg_constant_i64(!(op2 & 0x10)));
    gen_set_nzcv(t);
    return true;
}

/* FP conditional compare C4.1.96.29 */
static bool trans_fp_ccmp(DisasContext *ctx)
{
    int sz = ftype_sz(ctx->insn, false);
    TCGv res, t;
    TCGLabel *skip;

    if (sz < 0 || bits(ctx->insn, 29, 3)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    res = a64_new_local();
    skip = gen_new_label();
    tcg_gen_movi_i64(res, bits(ctx->insn, 0, 4));
    tcg_gen_brcondi_i64(TCG_COND_EQ, a64_gen_cond(bits(ctx->insn, 12, 4)), 0,
                        skip);
    t = a64_new_tmp();
    tcg_gen_call3(&helper_info_a64_fp_cmp, t, env_ptr(),
                  tcg_constant_i64((int64_t)fpd_make(0, sz, 1, 0, RN, RM)),
                  tcg_constant_i64(!bits(ctx->insn, 4, 1)));
    tcg_gen_mov_i64(res, t);
    gen_set_label(skip);
    gen_set_nzcv(res);
    return true;
}

/* FP immediate C4.1.96.34: VFPExpandImm */
static bool trans_fp_imm(DisasContext *ctx)
{
    int sz = ftype_sz(ctx->insn, false);
    uint32_t imm8 = bits(ctx->insn, 13, 8);
    uint64_t sign = imm8 >> 7, b6 = (imm8 >> 6) & 1, v;

    if (sz < 0 || bits(ctx->insn, 29, 3) || bits(ctx->insn, 5, 5)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    if (sz == FSZ_S) {
        v = sign << 31 | (b6 ^ 1) << 30 | (b6 ? 0x1full << 25 : 0) |
            (uint64_t)(imm8 & 0x3f) << 19;
    } else {
        v = sign << 63 | (b6 ^ 1) << 62 | (b6 ? 0xffull << 54 : 0) |
            (uint64_t)(imm8 & 0x3f) << 48;
    }
    tcg_gen_st_i64(tcg_constant_i64((int64_t)v), env_ptr(), vreg_off(RD, 0));
    a64_clear_vreg_high(RD);
    return true;
}

/* FP data-processing (2 source) C4.1.96.35 */
static bool trans_fp_2src(DisasContext *ctx)
{
    static const uint8_t op[9] = {
        FOP_MUL, FOP_DIV, FOP_ADD, FOP_SUB, FOP_MAX, FOP_MIN, FOP_MAXNM,
        FOP_MINNM, FOP_NMUL,
    };
    int sz = ftype_sz(ctx->insn, false), opc = bits(ctx->insn, 12, 4);

    if (sz < 0 || bits(ctx->insn, 29, 3) || opc > 8) {
        return false;
    }
    static const uint8_t fast[4] = { AI_MUL, AI_DIV, AI_ADD, AI_SUB };

    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    if (opc < 4) {
        gen_scalar_fpop(sz, fast[opc], RD, gen_load_scalar(RN, sz),
                        gen_load_scalar(RM, sz), NULL);
        return true;
    }
    gen_fp_vec(fpd_make(op[opc], sz, 1, RD, RN, RM));
    return true;
}

/* FP conditional select C4.1.96.30 */
static bool trans_fp_csel(DisasContext *ctx)
{
    int sz = ftype_sz(ctx->insn, false);
    TCGv a, b;

    if (sz < 0 || bits(ctx->insn, 29, 3)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    a = a64_new_tmp();
    b = a64_new_tmp();
    if (sz == FSZ_S) {
        tcg_gen_ld32u_i64(a, env_ptr(), vreg_off(RN, 0));
        tcg_gen_ld32u_i64(b, env_ptr(), vreg_off(RM, 0));
    } else {
        tcg_gen_ld_i64(a, env_ptr(), vreg_off(RN, 0));
        tcg_gen_ld_i64(b, env_ptr(), vreg_off(RM, 0));
    }
    tcg_gen_movcond_i64(TCG_COND_NE, a, a64_gen_cond(bits(ctx->insn, 12, 4)),
                        tcg_constant_i64(0), a, b);
    tcg_gen_st_i64(a, env_ptr(), vreg_off(RD, 0));
    a64_clear_vreg_high(RD);
    return true;
}

/* FP data-processing (3 source) C4.1.96.36: fused, one rounding */
static bool trans_fp_3src(DisasContext *ctx)
{
    int sz = ftype_sz(ctx->insn, false);
    int o = bits(ctx->insn, 21, 1) << 1 | bits(ctx->insn, 15, 1);

    if (sz < 0 || bits(ctx->insn, 29, 3)) {
        return false;
    }
    TCGv n, a;

    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    /*
     * FMSUB and FNMADD negate the product (FPNeg of operand 1, NaNs
     * included), FNMADD and FNMSUB the addend, before one FPMulAdd.
     */
    n = gen_load_scalar(RN, sz);
    a = gen_load_scalar(bits(ctx->insn, 10, 5), sz);
    if (o == 1 || o == 2) {
        tcg_gen_xori_i64(n, n, sz == FSZ_S ? 0x80000000ll : INT64_MIN);
    }
    if (o >= 2) {
        tcg_gen_xori_i64(a, a, sz == FSZ_S ? 0x80000000ll : INT64_MIN);
    }
    if (tcg_have_fma) {
        gen_scalar_fpop(sz, AI_FMA, RD, n, gen_load_scalar(RM, sz), a);
    } else {
        TCGv r = a64_new_tmp();

        tcg_gen_call4(sz == FSZ_S ? &helper_info_a64_fmadd_s
                                  : &helper_info_a64_fmadd_d,
                      r, env_ptr(), n, gen_load_scalar(RM, sz), a);
        gen_store_scalar(RD, r);
    }
    return true;
}

static void gen_toint(DisasContext *ctx, int sz, unsigned op, unsigned rnd,
                      unsigned fbits)
{
    TCGv t = a64_new_tmp();

    tcg_gen_call2(&helper_info_a64_fp_toint, t, env_ptr(),
                  tcg_constant_i64((int64_t)(fpd_make(op, sz, 1, 0, RN, 0) |
                                   FPD_SET_RND(rnd) | FPD_SET_FBITS(fbits) |
                                   FPD_SET_INT64(SF))));
    a64_write_x(RD, t, SF);
}

static void gen_fromint(DisasContext *ctx, int sz, unsigned op,
                        unsigned fbits)
{
    TCGv r = a64_new_tmp(), x = a64_read_x(RN);
    uint64_t desc = fpd_make(op, sz, 1, 0, 0, 0) | FPD_SET_FBITS(fbits) |
                    FPD_SET_INT64(SF);
    int ai = -1;

    /* x86 converts signed 64-bit and (zero-extended) 32-bit integers */
    if (fbits == 0 && op == FOP_SCVTF) {
        ai = SF ? AI_SCVT64 : AI_SCVT32;
    } else if (fbits == 0 && !SF) {
        ai = AI_UCVT32;
    }
    if (ai >= 0) {
        tcg_gen_fpop(r, x, x, x, &a64_fpi[sz][ai], desc);
    } else {
        tcg_gen_call3(&helper_info_a64_fp_fromint, r, env_ptr(),
                      tcg_constant_i64((int64_t)desc), x);
    }
    gen_store_scalar(RD, r);
}

/* Conversion between FP and fixed-point C4.1.96.28 */
static bool trans_fp_fixed(DisasContext *ctx)
{
    int sz = ftype_sz(ctx->insn, false);
    int rmode = bits(ctx->insn, 19, 2), opc = bits(ctx->insn, 16, 3);
    int scale = bits(ctx->insn, 10, 6);

    if (sz < 0 || bits(ctx->insn, 29, 1) || (!SF && scale < 32)) {
        return false;
    }
    if (rmode == 3 && opc < 2) {
        if (!a64_fp_access_check(ctx)) {
            return true;
        }
        gen_toint(ctx, sz, opc ? FOP_TOUINT : FOP_TOSINT, 1 + FR_ZERO,
                  64 - scale);
        return true;
    }
    if (rmode == 0 && (opc == 2 || opc == 3)) {
        if (!a64_fp_access_check(ctx)) {
            return true;
        }
        gen_fromint(ctx, sz, opc == 2 ? FOP_SCVTF : FOP_UCVTF, 64 - scale);
        return true;
    }
    return false;
}

/* FMOV between general and FP registers (C7.2 FMOV (general)) */
static bool trans_fmov_gen(DisasContext *ctx, int type, int rmode, int opc)
{
    bool top = type == 2 && rmode == 1;
    TCGv t;

    if (!(rmode == 0 && ((type == 0 && !SF) || (type == 1 && SF))) &&
        !(top && SF)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    t = a64_new_tmp();
    if (opc == 6) {
        if (type == 0) {
            tcg_gen_ld32u_i64(t, env_ptr(), vreg_off(RN, 0));
        } else {
            tcg_gen_ld_i64(t, env_ptr(), vreg_off(RN, top));
        }
        a64_write_x(RD, t, SF);
        return true;
    }
    tcg_gen_mov_i64(t, a64_read_x(RN));
    if (type == 0) {
        tcg_gen_ext32u_i64(t, t);
    }
    tcg_gen_st_i64(t, env_ptr(), vreg_off(RD, top));
    if (!top) {
        a64_clear_vreg_high(RD);
    }
    return true;
}

/* Conversion between FP and integer C4.1.96.31 */
static bool trans_fp_int(DisasContext *ctx)
{
    int type = bits(ctx->insn, 22, 2), sz = ftype_sz(ctx->insn, false);
    int rmode = bits(ctx->insn, 19, 2), opc = bits(ctx->insn, 16, 3);

    if (bits(ctx->insn, 29, 1)) {
        return false;
    }
    if (opc >= 6) {
        return trans_fmov_gen(ctx, type, rmode, opc);
    }
    if (sz < 0) {
        return false;
    }
    if (opc < 2) {          /* FCVT[NPMZ][SU] */
        if (!a64_fp_access_check(ctx)) {
            return true;
        }
        gen_toint(ctx, sz, opc ? FOP_TOUINT : FOP_TOSINT, 1 + rmode, 0);
        return true;
    }
    if (rmode != 0) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    if (opc < 4) {
        gen_fromint(ctx, sz, opc == 2 ? FOP_SCVTF : FOP_UCVTF, 0);
    } else {                /* FCVTA[SU] */
        gen_toint(ctx, sz, opc == 5 ? FOP_TOUINT : FOP_TOSINT,
                  1 + FR_TIEAWAY, 0);
    }
    return true;
}

/* ---- Advanced SIMD FP ---- */

#define Q_BIT bits(ctx->insn, 30, 1)
#define U_BIT bits(ctx->insn, 29, 1)
#define SZ_BIT bits(ctx->insn, 22, 1)
#define A_BIT bits(ctx->insn, 23, 1)

/* Element count of a vector of FP elements, 0 if reserved (1D). */
static int vec_elems(DisasContext *ctx, int sz)
{
    if (sz == FSZ_D) {
        return Q_BIT ? 2 : 0;
    }
    return Q_BIT ? 4 : 2;
}

enum { P_NONE = 0xff };
#define PAIR 0x80       /* pairwise form */

/* Three same, opcodes 0x18-0x1f: [U][a][opcode - 0x18] */
static const uint8_t three_same_op[2][2][8] = {
    { { FOP_MAXNM, FOP_MLA, FOP_ADD, FOP_MULX, FOP_CMEQ, P_NONE, FOP_MAX,
        FOP_RECPS },
      { FOP_MINNM, FOP_MLS, FOP_SUB, P_NONE, P_NONE, P_NONE, FOP_MIN,
        FOP_RSQRTS } },
    { { PAIR | FOP_MAXNM, P_NONE, PAIR | FOP_ADD, FOP_MUL, FOP_CMGE,
        FOP_ACGE, PAIR | FOP_MAX, FOP_DIV },
      { PAIR | FOP_MINNM, P_NONE, FOP_ABD, P_NONE, FOP_CMGT, FOP_ACGT,
        PAIR | FOP_MIN, P_NONE } },
};

static bool scalar_three_same_ok(int op)
{
    return op == FOP_MULX || op == FOP_CMEQ || op == FOP_RECPS ||
           op == FOP_RSQRTS || op == FOP_CMGE || op == FOP_ACGE ||
           op == FOP_ABD || op == FOP_CMGT || op == FOP_ACGT;
}

/* AdvSIMD (scalar) three same, FP opcodes C4.1.95.x */
static bool trans_simd_3same(DisasContext *ctx)
{
    bool scalar = bits(ctx->insn, 28, 1);
    int sz = SZ_BIT;
    int op = three_same_op[U_BIT][A_BIT][bits(ctx->insn, 11, 5) - 0x18];
    int n = scalar ? 1 : vec_elems(ctx, sz);
    uint64_t d;

    if (op == P_NONE || !n || (scalar && !scalar_three_same_ok(op))) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    d = fpd_make(op & ~PAIR, sz, n, RD, RN, RM);
    if (op & PAIR) {
        d |= FPD_SET_MODE(FMODE_PAIR);
    }
    gen_fp_vec(d);
    return true;
}

/* Two-register misc FP: op, rounding override, where (1 vector 2 scalar) */
typedef struct MiscOp {
    uint8_t op, rnd, where;
} MiscOp;

#define V 1
#define S 2
#define R(x) (1 + (x))

/* [U][a][opcode - 0x0c] */
static const MiscOp misc_op[2][2][20] = {
    [0][0] = {
        [0x16 - 0xc] = { FOP_FCVTN, 0, V },
        [0x17 - 0xc] = { FOP_FCVTL, 0, V },
        [0x18 - 0xc] = { FOP_RINT, R(FR_TIEEVEN), V },
        [0x19 - 0xc] = { FOP_RINT, R(FR_NEGINF), V },
        [0x1a - 0xc] = { FOP_TOSINT, R(FR_TIEEVEN), V | S },
        [0x1b - 0xc] = { FOP_TOSINT, R(FR_NEGINF), V | S },
        [0x1c - 0xc] = { FOP_TOSINT, R(FR_TIEAWAY), V | S },
        [0x1d - 0xc] = { FOP_SCVTF, 0, V | S },
    },
    [0][1] = {
        [0x0c - 0xc] = { FOP_CMGT0, 0, V | S },
        [0x0d - 0xc] = { FOP_CMEQ0, 0, V | S },
        [0x0e - 0xc] = { FOP_CMLT0, 0, V | S },
        [0x0f - 0xc] = { FOP_ABS, 0, V },
        [0x18 - 0xc] = { FOP_RINT, R(FR_POSINF), V },
        [0x19 - 0xc] = { FOP_RINT, R(FR_ZERO), V },
        [0x1a - 0xc] = { FOP_TOSINT, R(FR_POSINF), V | S },
        [0x1b - 0xc] = { FOP_TOSINT, R(FR_ZERO), V | S },
        [0x1d - 0xc] = { FOP_RECPE, 0, V | S },
        [0x1f - 0xc] = { FOP_RECPX, 0, S },
    },
    [1][0] = {
        [0x16 - 0xc] = { FOP_FCVTXN, 0, V | S },
        [0x18 - 0xc] = { FOP_RINT, R(FR_TIEAWAY), V },
        [0x19 - 0xc] = { FOP_RINTX, 0, V },
        [0x1a - 0xc] = { FOP_TOUINT, R(FR_TIEEVEN), V | S },
        [0x1b - 0xc] = { FOP_TOUINT, R(FR_NEGINF), V | S },
        [0x1c - 0xc] = { FOP_TOUINT, R(FR_TIEAWAY), V | S },
        [0x1d - 0xc] = { FOP_UCVTF, 0, V | S },
    },
    [1][1] = {
        [0x0c - 0xc] = { FOP_CMGE0, 0, V | S },
        [0x0d - 0xc] = { FOP_CMLE0, 0, V | S },
        [0x0f - 0xc] = { FOP_NEG, 0, V },
        [0x19 - 0xc] = { FOP_RINT, 0, V },
        [0x1a - 0xc] = { FOP_TOUINT, R(FR_POSINF), V | S },
        [0x1b - 0xc] = { FOP_TOUINT, R(FR_ZERO), V | S },
        [0x1d - 0xc] = { FOP_RSQRTE, 0, V | S },
        [0x1f - 0xc] = { FOP_SQRT, 0, V },
    },
};

#undef V
#undef S
#undef R

/* FCVTN/FCVTL/FCVTXN (vector and scalar FCVTXN) */
static bool gen_simd_cvt(DisasContext *ctx, int op, bool scalar)
{
    int sz = SZ_BIT, from, to, n;

    if (op == FOP_FCVTL) {
        from = sz ? FSZ_S : FSZ_H;
        to = sz ? FSZ_D : FSZ_S;
        n = sz ? 2 : 4;
    } else {
        if (op == FOP_FCVTXN && !sz) {
            return false;
        }
        from = sz ? FSZ_D : FSZ_S;
        to = sz ? FSZ_S : FSZ_H;
        n = scalar ? 1 : sz ? 2 : 4;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    gen_fp_cvt(fpd_make(op, from, n, RD, RN, 0) | FPD_SET_SZ2(to) |
               FPD_SET_HALF(!scalar && Q_BIT));
    return true;
}

/* AdvSIMD (scalar) two-register misc, FP opcodes */
static bool trans_simd_misc(DisasContext *ctx)
{
    bool scalar = bits(ctx->insn, 28, 1);
    int opc = bits(ctx->insn, 12, 5), sz = SZ_BIT, n;
    const MiscOp *m;

    if (opc < 0xc) {
        return false;
    }
    m = &misc_op[U_BIT][A_BIT][opc - 0xc];
    if (!(m->where & (scalar ? 2 : 1))) {
        return false;
    }
    if (m->op >= FOP_FCVT) {
        return gen_simd_cvt(ctx, m->op, scalar);
    }
    n = scalar ? 1 : vec_elems(ctx, sz);
    if (!n) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    gen_fp_vec(fpd_make(m->op, sz, n, RD, RN, 0) | FPD_SET_RND(m->rnd));
    return true;
}

/* AdvSIMD scalar pairwise (U = 1) and across lanes (U = 1), FP */
static bool trans_simd_pair_across(DisasContext *ctx)
{
    bool scalar = bits(ctx->insn, 28, 1);
    int opc = bits(ctx->insn, 12, 5), sz = SZ_BIT, op;

    if (!U_BIT) {
        return false;
    }
    switch (opc) {
    case 0x0c:
        op = A_BIT ? FOP_MINNM : FOP_MAXNM;
        break;
    case 0x0d:
        if (A_BIT || !scalar) {
            return false;
        }
        op = FOP_ADD;
        break;
    case 0x0f:
        op = A_BIT ? FOP_MIN : FOP_MAX;
        break;
    default:
        return false;
    }
    if (!scalar && (!Q_BIT || sz)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    gen_fp_vec(fpd_make(op, sz, 1, RD, RN, RN) |
               FPD_SET_MODE(scalar ? FMODE_PAIR : FMODE_REDUCE));
    return true;
}

/* AdvSIMD (scalar) x indexed element: FMLA FMLS FMUL FMULX */
static bool trans_simd_elem(DisasContext *ctx)
{
    bool scalar = bits(ctx->insn, 28, 1);
    int opc = bits(ctx->insn, 12, 4), size = bits(ctx->insn, 22, 2);
    int h = bits(ctx->insn, 11, 1), l = bits(ctx->insn, 21, 1);
    int rm = bits(ctx->insn, 16, 5), sz, idx, n, op;

    if (size < 2 || (opc != 1 && opc != 5 && opc != 9)) {
        return false;
    }
    if (opc == 9) {
        op = U_BIT ? FOP_MULX : FOP_MUL;
    } else if (U_BIT) {
        return false;
    } else {
        op = opc == 1 ? FOP_MLA : FOP_MLS;
    }
    sz = size == 3 ? FSZ_D : FSZ_S;
    if (sz == FSZ_D && l) {
        return false;
    }
    idx = sz == FSZ_D ? h : (h << 1 | l);
    n = scalar ? 1 : vec_elems(ctx, sz);
    if (!n) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    gen_fp_vec(fpd_make(op, sz, n, RD, RN, rm) | FPD_SET_IDX(idx) |
               FPD_SET_MODE(FMODE_INDEX));
    return true;
}

/* AdvSIMD (scalar) shift by immediate: fixed-point SCVTF UCVTF FCVTZS/U */
static bool trans_simd_shift_fixed(DisasContext *ctx)
{
    bool scalar = bits(ctx->insn, 28, 1);
    int opc = bits(ctx->insn, 11, 5), immh = bits(ctx->insn, 19, 4);
    int immhb = bits(ctx->insn, 16, 7), sz, n, fbits, op;

    if ((opc != 0x1c && opc != 0x1f) || immh < 4) {
        return false;
    }
    sz = (immh & 8) ? FSZ_D : FSZ_S;
    fbits = (sz == FSZ_D ? 128 : 64) - immhb;
    n = scalar ? 1 : vec_elems(ctx, sz);
    if (!n) {
        return false;
    }
    if (opc == 0x1c) {
        op = U_BIT ? FOP_UCVTF : FOP_SCVTF;
    } else {
        op = U_BIT ? FOP_TOUINT : FOP_TOSINT;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    gen_fp_vec(fpd_make(op, sz, n, RD, RN, 0) | FPD_SET_FBITS(fbits) |
               FPD_SET_RND(opc == 0x1f ? 1 + FR_ZERO : 0));
    return true;
}

static const A64Pattern fp_patterns[] = {
    { 0xbf207c00, 0x1e204000, trans_fp_1src, "fp 1-source" },
    { 0xbf203c00, 0x1e202000, trans_fp_cmp, "fp compare" },
    { 0xbf201c00, 0x1e201000, trans_fp_imm, "fp immediate" },
    { 0xbf200c00, 0x1e200400, trans_fp_ccmp, "fp cond compare" },
    { 0xbf200c00, 0x1e200800, trans_fp_2src, "fp 2-source" },
    { 0xbf200c00, 0x1e200c00, trans_fp_csel, "fp cond select" },
    { 0xbf000000, 0x1f000000, trans_fp_3src, "fp 3-source" },
    { 0x7f20fc00, 0x1e200000, trans_fp_int, "fp <-> int" },
    { 0x7f200000, 0x1e000000, trans_fp_fixed, "fp <-> fixed" },
    { 0x9f20c400, 0x0e20c400, trans_simd_3same, "simd fp three same" },
    { 0xdf20c400, 0x5e20c400, trans_simd_3same, "simd fp scalar 3same" },
    { 0x9f3e0c00, 0x0e200800, trans_simd_misc, "simd fp misc" },
    { 0xdf3e0c00, 0x5e200800, trans_simd_misc, "simd fp scalar misc" },
    { 0xdf3e0c00, 0x5e300800, trans_simd_pair_across, "simd fp pairwise" },
    { 0x9f3e0c00, 0x0e300800, trans_simd_pair_across, "simd fp across" },
    { 0x9f000400, 0x0f000000, trans_simd_elem, "simd fp by element" },
    { 0xdf000400, 0x5f000000, trans_simd_elem, "simd fp scalar elem" },
    { 0x9f800400, 0x0f000400, trans_simd_shift_fixed, "simd fp fixed" },
    { 0xdf800400, 0x5f000400, trans_simd_shift_fixed, "simd fp sc fixed" },
};

const A64PatternTable a64_fp_table = { fp_patterns, ARRAY_SIZE(fp_patterns) };
