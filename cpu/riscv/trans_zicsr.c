/* SPDX-License-Identifier: MIT */
/* Zicsr: CSR read/modify/write (unprivileged spec ch. 9). */
#include "internals.h"

/*
 * All CSR accesses go through rvsys's helpers and end the TB: a write
 * may change privilege, translation, interrupt enables or FP state.
 */

static bool gen_csr_read(DisasContext *ctx, const RVArgs *a)
{
    TCGv old = temp_new();

    gen_save_insn_bits(ctx);
    tcg_gen_call2(&helper_info_csrr, old, gen_env(),
                  tcg_constant_i64(a->csr));
    gen_set_gpr(ctx, a->rd, old);
    gen_exit_after(ctx);
    return true;
}

/* new = (old & ~mask) | (src & mask) */
static bool gen_csr_rw(DisasContext *ctx, const RVArgs *a, TCGv src,
                       TCGv mask)
{
    TCGv old = temp_new();

    gen_save_insn_bits(ctx);
    tcg_gen_call4(&helper_info_csrrw, old, gen_env(),
                  tcg_constant_i64(a->csr), src, mask);
    gen_set_gpr(ctx, a->rd, old);
    gen_exit_after(ctx);
    return true;
}

bool trans_csrrw(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_CFG(ctx, ext_zicsr);
    /* Writes even when rd = x0. */
    return gen_csr_rw(ctx, a, get_gpr(ctx, a->rs1), tcg_constant_i64(-1));
}

bool trans_csrrs(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_CFG(ctx, ext_zicsr);
    if (a->rs1 == 0) {
        return gen_csr_read(ctx, a);    /* no write side effects */
    }
    return gen_csr_rw(ctx, a, tcg_constant_i64(-1), get_gpr(ctx, a->rs1));
}

bool trans_csrrc(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_CFG(ctx, ext_zicsr);
    if (a->rs1 == 0) {
        return gen_csr_read(ctx, a);
    }
    return gen_csr_rw(ctx, a, tcg_constant_i64(0), get_gpr(ctx, a->rs1));
}

bool trans_csrrwi(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_CFG(ctx, ext_zicsr);
    return gen_csr_rw(ctx, a, tcg_constant_i64(a->rs1),
                      tcg_constant_i64(-1));
}

bool trans_csrrsi(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_CFG(ctx, ext_zicsr);
    if (a->rs1 == 0) {
        return gen_csr_read(ctx, a);
    }
    return gen_csr_rw(ctx, a, tcg_constant_i64(-1),
                      tcg_constant_i64(a->rs1));
}

bool trans_csrrci(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_CFG(ctx, ext_zicsr);
    if (a->rs1 == 0) {
        return gen_csr_read(ctx, a);
    }
    return gen_csr_rw(ctx, a, tcg_constant_i64(0),
                      tcg_constant_i64(a->rs1));
}
