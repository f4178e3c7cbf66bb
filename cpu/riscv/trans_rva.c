/* SPDX-License-Identifier: MIT */
/* A extension: LR/SC and AMOs (unprivileged spec ch. 14). */
#include "internals.h"

/*
 * The engine runs harts one at a time, so a load-compare-store sequence
 * is atomic.  aq/rl need no more than a barrier on an x86 (TSO) host.
 */

static bool gen_lr(DisasContext *ctx, const RVArgs *a, MemOp mop)
{
    TCGv addr, val;

    REQUIRE_EXT(ctx, 'A');
    addr = temp_new();
    val = temp_new();
    tcg_gen_mov_i64(addr, get_gpr(ctx, a->rs1));
    if (a->rl) {
        tcg_gen_mb(0);
    }
    /* Misaligned LR raises load-address-misaligned (MO_ALIGN). */
    tcg_gen_qemu_ld_i64(val, addr, ctx->mem_idx, mop | MO_ALIGN);
    tcg_gen_mov_i64(cpu_load_res, addr);
    tcg_gen_mov_i64(cpu_load_val, val);
    if (a->aq) {
        tcg_gen_mb(0);
    }
    gen_set_gpr(ctx, a->rd, val);
    return true;
}

static bool gen_sc(DisasContext *ctx, const RVArgs *a, int log2size)
{
    TCGv r;

    REQUIRE_EXT(ctx, 'A');
    r = temp_new();
    if (a->rl) {
        tcg_gen_mb(0);
    }
    tcg_gen_call4(&helper_info_sc, r, gen_env(), get_gpr(ctx, a->rs1),
                  get_gpr(ctx, a->rs2),
                  tcg_constant_i64((log2size << 4) | (ctx->mem_idx << 8)));
    if (a->aq) {
        tcg_gen_mb(0);
    }
    gen_set_gpr(ctx, a->rd, r);
    return true;
}

static bool gen_amo(DisasContext *ctx, const RVArgs *a, int op, int log2size)
{
    TCGv r;

    REQUIRE_EXT(ctx, 'A');
    r = temp_new();
    if (a->rl) {
        tcg_gen_mb(0);
    }
    tcg_gen_call4(&helper_info_amo, r, gen_env(), get_gpr(ctx, a->rs1),
                  get_gpr(ctx, a->rs2),
                  tcg_constant_i64(op | (log2size << 4) |
                                   (ctx->mem_idx << 8)));
    if (a->aq) {
        tcg_gen_mb(0);
    }
    gen_set_gpr(ctx, a->rd, r);
    return true;
}

bool trans_lr_w(DisasContext *ctx, const RVArgs *a)
{
    return gen_lr(ctx, a, MO_SL);
}

bool trans_lr_d(DisasContext *ctx, const RVArgs *a)
{
    return gen_lr(ctx, a, MO_UQ);
}

bool trans_sc_w(DisasContext *ctx, const RVArgs *a)
{
    return gen_sc(ctx, a, 2);
}

bool trans_sc_d(DisasContext *ctx, const RVArgs *a)
{
    return gen_sc(ctx, a, 3);
}

#define TRANS_AMO(name, op)                                             \
    bool trans_##name##_w(DisasContext *ctx, const RVArgs *a)          \
    {                                                                   \
        return gen_amo(ctx, a, op, 2);                                  \
    }                                                                   \
    bool trans_##name##_d(DisasContext *ctx, const RVArgs *a)          \
    {                                                                   \
        return gen_amo(ctx, a, op, 3);                                  \
    }

TRANS_AMO(amoswap, AMO_SWAP)
TRANS_AMO(amoadd, AMO_ADD)
TRANS_AMO(amoxor, AMO_XOR)
TRANS_AMO(amoand, AMO_AND)
TRANS_AMO(amoor, AMO_OR)
TRANS_AMO(amomin, AMO_MIN)
TRANS_AMO(amomax, AMO_MAX)
TRANS_AMO(amominu, AMO_MINU)
TRANS_AMO(amomaxu, AMO_MAXU)
