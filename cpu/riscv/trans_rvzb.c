/* SPDX-License-Identifier: MIT */
/* Bit manipulation (Zba, Zbb, Zbc, Zbs) and cache-block ops (Zicbo*). */
#include "internals.h"

#define REQUIRE_ZBA(ctx) REQUIRE_CFG(ctx, ext_zba)
#define REQUIRE_ZBB(ctx) REQUIRE_CFG(ctx, ext_zbb)
#define REQUIRE_ZBC(ctx) REQUIRE_CFG(ctx, ext_zbc)
#define REQUIRE_ZBS(ctx) REQUIRE_CFG(ctx, ext_zbs)

typedef void GenRR(TCGv r, TCGv a, TCGv b);
typedef void GenR(TCGv r, TCGv a);

static bool gen_rr(DisasContext *ctx, const RVArgs *a, GenRR *fn)
{
    TCGv t = temp_new();

    fn(t, get_gpr(ctx, a->rs1), get_gpr(ctx, a->rs2));
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

static bool gen_ri(DisasContext *ctx, const RVArgs *a, GenRR *fn)
{
    TCGv t = temp_new();

    fn(t, get_gpr(ctx, a->rs1), tcg_constant_i64(a->imm));
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

static bool gen_r(DisasContext *ctx, const RVArgs *a, GenR *fn)
{
    TCGv t = temp_new();

    fn(t, get_gpr(ctx, a->rs1));
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

/* ---- Zba ---- */

static void gen_add_uw(TCGv r, TCGv a, TCGv b)
{
    TCGv t = temp_new();

    tcg_gen_ext32u_i64(t, a);
    tcg_gen_add_i64(r, t, b);
}

#define GEN_SHADD(n)                                                    \
    static void gen_sh##n##add(TCGv r, TCGv a, TCGv b)                  \
    {                                                                   \
        TCGv t = temp_new();                                            \
        tcg_gen_shli_i64(t, a, n);                                      \
        tcg_gen_add_i64(r, t, b);                                       \
    }                                                                   \
    static void gen_sh##n##add_uw(TCGv r, TCGv a, TCGv b)               \
    {                                                                   \
        TCGv t = temp_new();                                            \
        tcg_gen_ext32u_i64(t, a);                                       \
        tcg_gen_shli_i64(t, t, n);                                      \
        tcg_gen_add_i64(r, t, b);                                       \
    }                                                                   \
    bool trans_sh##n##add(DisasContext *ctx, const RVArgs *a)           \
    {                                                                   \
        REQUIRE_ZBA(ctx);                                               \
        return gen_rr(ctx, a, gen_sh##n##add);                          \
    }                                                                   \
    bool trans_sh##n##add_uw(DisasContext *ctx, const RVArgs *a)        \
    {                                                                   \
        REQUIRE_ZBA(ctx);                                               \
        return gen_rr(ctx, a, gen_sh##n##add_uw);                       \
    }

GEN_SHADD(1)
GEN_SHADD(2)
GEN_SHADD(3)

bool trans_add_uw(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBA(ctx);
    return gen_rr(ctx, a, gen_add_uw);
}

static void gen_slli_uw(TCGv r, TCGv a, TCGv b)
{
    TCGv t = temp_new();

    tcg_gen_ext32u_i64(t, a);
    tcg_gen_shl_i64(r, t, b);
}

bool trans_slli_uw(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBA(ctx);
    return gen_ri(ctx, a, gen_slli_uw);
}

/* ---- Zbb ---- */

bool trans_andn(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_rr(ctx, a, tcg_gen_andc_i64);
}

bool trans_orn(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_rr(ctx, a, tcg_gen_orc_i64);
}

bool trans_xnor(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_rr(ctx, a, tcg_gen_eqv_i64);
}

static void gen_clz(TCGv r, TCGv a)
{
    tcg_gen_clz_i64(r, a, tcg_constant_i64(64));
}

static void gen_clzw(TCGv r, TCGv a)
{
    TCGv t = temp_new();

    /* Zero-extended: 32 extra leading zeros; a zero input gives 64 - 32 */
    tcg_gen_ext32u_i64(t, a);
    tcg_gen_clz_i64(t, t, tcg_constant_i64(64));
    tcg_gen_subi_i64(r, t, 32);
}

static void gen_ctz(TCGv r, TCGv a)
{
    tcg_gen_ctz_i64(r, a, tcg_constant_i64(64));
}

static void gen_ctzw(TCGv r, TCGv a)
{
    TCGv t = temp_new();

    tcg_gen_ori_i64(t, a, (int64_t)(1ULL << 32));
    tcg_gen_ctz_i64(r, t, tcg_constant_i64(32));
}

static void gen_cpopw(TCGv r, TCGv a)
{
    TCGv t = temp_new();

    tcg_gen_ext32u_i64(t, a);
    tcg_gen_ctpop_i64(r, t);
}

bool trans_clz(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, gen_clz);
}

bool trans_clzw(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, gen_clzw);
}

bool trans_ctz(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, gen_ctz);
}

bool trans_ctzw(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, gen_ctzw);
}

bool trans_cpop(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, tcg_gen_ctpop_i64);
}

bool trans_cpopw(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, gen_cpopw);
}

#define GEN_MINMAX(name, cond)                                          \
    static void gen_##name(TCGv r, TCGv a, TCGv b)                      \
    {                                                                   \
        tcg_gen_movcond_i64(cond, r, a, b, a, b);                       \
    }                                                                   \
    bool trans_##name(DisasContext *ctx, const RVArgs *a)               \
    {                                                                   \
        REQUIRE_ZBB(ctx);                                               \
        return gen_rr(ctx, a, gen_##name);                              \
    }

GEN_MINMAX(max, TCG_COND_GT)
GEN_MINMAX(maxu, TCG_COND_GTU)
GEN_MINMAX(min, TCG_COND_LT)
GEN_MINMAX(minu, TCG_COND_LTU)

bool trans_sext_b(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, tcg_gen_ext8s_i64);
}

bool trans_sext_h(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, tcg_gen_ext16s_i64);
}

bool trans_zext_h(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, tcg_gen_ext16u_i64);
}

static void gen_rol(TCGv r, TCGv a, TCGv b)
{
    TCGv sh = temp_new();

    tcg_gen_andi_i64(sh, b, 63);
    tcg_gen_rotl_i64(r, a, sh);
}

static void gen_ror(TCGv r, TCGv a, TCGv b)
{
    TCGv sh = temp_new();

    tcg_gen_andi_i64(sh, b, 63);
    tcg_gen_rotr_i64(r, a, sh);
}

/* 32-bit rotate: duplicate the low word so a 64-bit rotate does it. */
static void gen_rorw(TCGv r, TCGv a, TCGv b)
{
    TCGv sh = temp_new();
    TCGv t = temp_new();
    TCGv hi = temp_new();

    tcg_gen_andi_i64(sh, b, 31);
    tcg_gen_ext32u_i64(t, a);
    tcg_gen_shli_i64(hi, t, 32);
    tcg_gen_or_i64(t, t, hi);
    tcg_gen_rotr_i64(t, t, sh);
    tcg_gen_ext32s_i64(r, t);
}

static void gen_rolw(TCGv r, TCGv a, TCGv b)
{
    TCGv sh = temp_new();

    /* rol by n = ror by (32 - n) mod 32 */
    tcg_gen_neg_i64(sh, b);
    gen_rorw(r, a, sh);
}

bool trans_rol(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_rr(ctx, a, gen_rol);
}

bool trans_ror(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_rr(ctx, a, gen_ror);
}

bool trans_rori(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_ri(ctx, a, gen_ror);
}

bool trans_rolw(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_rr(ctx, a, gen_rolw);
}

bool trans_rorw(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_rr(ctx, a, gen_rorw);
}

bool trans_roriw(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_ri(ctx, a, gen_rorw);
}

static void gen_orc_b(TCGv r, TCGv a)
{
    tcg_gen_call1(&helper_info_orc_b, r, a);
}

bool trans_orc_b(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, gen_orc_b);
}

bool trans_rev8(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_ZBB(ctx);
    return gen_r(ctx, a, tcg_gen_bswap64_i64);
}

/* ---- Zbc ---- */

static bool gen_clmul_op(DisasContext *ctx, const RVArgs *a,
                         const TCGHelperInfo *h)
{
    TCGv t;

    REQUIRE_ZBC(ctx);
    t = temp_new();
    tcg_gen_call2(h, t, get_gpr(ctx, a->rs1), get_gpr(ctx, a->rs2));
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

bool trans_clmul(DisasContext *ctx, const RVArgs *a)
{
    return gen_clmul_op(ctx, a, &helper_info_clmul);
}

bool trans_clmulh(DisasContext *ctx, const RVArgs *a)
{
    return gen_clmul_op(ctx, a, &helper_info_clmulh);
}

bool trans_clmulr(DisasContext *ctx, const RVArgs *a)
{
    return gen_clmul_op(ctx, a, &helper_info_clmulr);
}

/* ---- Zbs: bit index is rs2/shamt mod 64 ---- */

static TCGv gen_bit(TCGv idx)
{
    TCGv sh = temp_new();
    TCGv bit = temp_new();

    tcg_gen_andi_i64(sh, idx, 63);
    tcg_gen_shl_i64(bit, tcg_constant_i64(1), sh);
    return bit;
}

static void gen_bclr(TCGv r, TCGv a, TCGv b)
{
    tcg_gen_andc_i64(r, a, gen_bit(b));
}

static void gen_bset(TCGv r, TCGv a, TCGv b)
{
    tcg_gen_or_i64(r, a, gen_bit(b));
}

static void gen_binv(TCGv r, TCGv a, TCGv b)
{
    tcg_gen_xor_i64(r, a, gen_bit(b));
}

static void gen_bext(TCGv r, TCGv a, TCGv b)
{
    TCGv sh = temp_new();

    tcg_gen_andi_i64(sh, b, 63);
    tcg_gen_shr_i64(r, a, sh);
    tcg_gen_andi_i64(r, r, 1);
}

#define GEN_ZBS(name)                                                   \
    bool trans_##name(DisasContext *ctx, const RVArgs *a)               \
    {                                                                   \
        REQUIRE_ZBS(ctx);                                               \
        return gen_rr(ctx, a, gen_##name);                              \
    }                                                                   \
    bool trans_##name##i(DisasContext *ctx, const RVArgs *a)            \
    {                                                                   \
        REQUIRE_ZBS(ctx);                                               \
        return gen_ri(ctx, a, gen_##name);                              \
    }

GEN_ZBS(bclr)
GEN_ZBS(bset)
GEN_ZBS(binv)
GEN_ZBS(bext)

/* ---- Zicbom / Zicboz ---- */

static bool gen_cbo_check(DisasContext *ctx, const RVArgs *a, int inval)
{
    REQUIRE_CFG(ctx, ext_zicbom);
    gen_save_insn_bits(ctx);
    tcg_gen_call3(&helper_info_cbo_check, NULL, gen_env(),
                  get_gpr(ctx, a->rs1), tcg_constant_i64(inval));
    return true;
}

bool trans_cbo_clean(DisasContext *ctx, const RVArgs *a)
{
    return gen_cbo_check(ctx, a, 0);
}

bool trans_cbo_flush(DisasContext *ctx, const RVArgs *a)
{
    return gen_cbo_check(ctx, a, 0);
}

bool trans_cbo_inval(DisasContext *ctx, const RVArgs *a)
{
    return gen_cbo_check(ctx, a, 1);
}

bool trans_cbo_zero(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_CFG(ctx, ext_zicboz);
    gen_save_insn_bits(ctx);
    tcg_gen_call2(&helper_info_cbo_zero, NULL, gen_env(),
                  get_gpr(ctx, a->rs1));
    return true;
}
