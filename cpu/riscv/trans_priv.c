/* SPDX-License-Identifier: MIT */
/* Privileged instructions: xRET, WFI, SFENCE.VMA (privileged spec 3.3). */
#include "internals.h"

static bool gen_xret(DisasContext *ctx, const TCGHelperInfo *h)
{
    /* The helper checks TSR etc. and returns the new pc. */
    gen_save_insn_bits(ctx);
    tcg_gen_call1(h, cpu_pc, gen_env());
    /*
     * Return to the loop rather than chain: the new mode may have
     * unmasked a pending interrupt.
     */
    tcg_gen_exit_tb(0);
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

bool trans_mret(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE(ctx->priv == PRV_M);
    return gen_xret(ctx, &helper_info_mret);
}

bool trans_sret(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE(has_ext(ctx, 'S') && ctx->priv >= PRV_S);
    return gen_xret(ctx, &helper_info_sret);
}

bool trans_wfi(DisasContext *ctx, const RVArgs *a)
{
    /*
     * Resume after the wfi; the helper decides about TW and halting.  A
     * pc-relative TB keeps env->pc in its page (restore data are page
     * offsets): the helper restores the wfi's pc and adds 4.
     */
    if (!ctx->pcrel) {
        tcg_gen_movi_i64(cpu_pc, ctx->pc_next);
    }
    gen_save_insn_bits(ctx);
    tcg_gen_call1(&helper_info_wfi, NULL, gen_env());
    gen_exit_after(ctx);
    return true;
}

bool trans_sfence_vma(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE(has_ext(ctx, 'S') && ctx->priv >= PRV_S);
    gen_save_insn_bits(ctx);
    tcg_gen_call3(&helper_info_sfence_vma, NULL, gen_env(),
                  get_gpr(ctx, a->rs1), get_gpr(ctx, a->rs2));
    gen_exit_after(ctx);
    return true;
}
