/* SPDX-License-Identifier: MIT */
/* RV64I base integer instructions (unprivileged spec ch. 2 and 5). */
#include "internals.h"

bool trans_lui(DisasContext *ctx, const RVArgs *a)
{
    gen_set_gpri(ctx, a->rd, a->imm);
    return true;
}

bool trans_auipc(DisasContext *ctx, const RVArgs *a)
{
    gen_set_gpr_pc(ctx, a->rd, ctx->pc + a->imm);
    return true;
}

bool trans_jal(DisasContext *ctx, const RVArgs *a)
{
    uint64_t dest = ctx->pc + a->imm;

    if (misaligned_target(ctx, dest)) {
        gen_exception_pc(ctx, RISCV_EXCP_INST_ADDR_MIS, dest);
        return true;
    }
    gen_set_gpr_pc(ctx, a->rd, ctx->pc_next);
    gen_goto_tb(ctx, 0, dest);
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

bool trans_jalr(DisasContext *ctx, const RVArgs *a)
{
    TCGv target = temp_local_new();

    /* Compute before writing rd: rd may equal rs1. */
    tcg_gen_addi_i64(target, get_gpr(ctx, a->rs1), a->imm);
    tcg_gen_andi_i64(target, target, ~1LL);
    gen_jump_dyn(ctx, target, a->rd);
    return true;
}

static bool gen_branch(DisasContext *ctx, const RVArgs *a, TCGCond cond)
{
    TCGLabel *taken = gen_new_label();
    uint64_t dest = ctx->pc + a->imm;

    tcg_gen_brcond_i64(cond, get_gpr(ctx, a->rs1), get_gpr(ctx, a->rs2),
                       taken);
    gen_goto_tb(ctx, 1, ctx->pc_next);
    gen_set_label(taken);
    if (misaligned_target(ctx, dest)) {
        /* Only a taken branch to a bad target traps (spec 2.5). */
        gen_exception_pc(ctx, RISCV_EXCP_INST_ADDR_MIS, dest);
    } else {
        gen_goto_tb(ctx, 0, dest);
    }
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

bool trans_beq(DisasContext *ctx, const RVArgs *a)
{
    return gen_branch(ctx, a, TCG_COND_EQ);
}

bool trans_bne(DisasContext *ctx, const RVArgs *a)
{
    return gen_branch(ctx, a, TCG_COND_NE);
}

bool trans_blt(DisasContext *ctx, const RVArgs *a)
{
    return gen_branch(ctx, a, TCG_COND_LT);
}

bool trans_bge(DisasContext *ctx, const RVArgs *a)
{
    return gen_branch(ctx, a, TCG_COND_GE);
}

bool trans_bltu(DisasContext *ctx, const RVArgs *a)
{
    return gen_branch(ctx, a, TCG_COND_LTU);
}

bool trans_bgeu(DisasContext *ctx, const RVArgs *a)
{
    return gen_branch(ctx, a, TCG_COND_GEU);
}

/* ---- loads and stores ---- */

static TCGv gen_addr(DisasContext *ctx, const RVArgs *a)
{
    TCGv addr = temp_new();

    tcg_gen_addi_i64(addr, get_gpr(ctx, a->rs1), a->imm);
    return addr;
}

static bool gen_load(DisasContext *ctx, const RVArgs *a, MemOp mop)
{
    TCGv addr = gen_addr(ctx, a);
    TCGv val = temp_new();

    /* A load to x0 still accesses memory (it may fault). */
    tcg_gen_qemu_ld_i64(val, addr, ctx->mem_idx, mop);
    gen_set_gpr(ctx, a->rd, val);
    return true;
}

static bool gen_store(DisasContext *ctx, const RVArgs *a, MemOp mop)
{
    TCGv addr = gen_addr(ctx, a);

    tcg_gen_qemu_st_i64(get_gpr(ctx, a->rs2), addr, ctx->mem_idx, mop);
    return true;
}

bool trans_lb(DisasContext *ctx, const RVArgs *a)
{
    return gen_load(ctx, a, MO_SB);
}

bool trans_lh(DisasContext *ctx, const RVArgs *a)
{
    return gen_load(ctx, a, MO_SW);
}

bool trans_lw(DisasContext *ctx, const RVArgs *a)
{
    return gen_load(ctx, a, MO_SL);
}

bool trans_ld(DisasContext *ctx, const RVArgs *a)
{
    return gen_load(ctx, a, MO_UQ);
}

bool trans_lbu(DisasContext *ctx, const RVArgs *a)
{
    return gen_load(ctx, a, MO_UB);
}

bool trans_lhu(DisasContext *ctx, const RVArgs *a)
{
    return gen_load(ctx, a, MO_UW);
}

bool trans_lwu(DisasContext *ctx, const RVArgs *a)
{
    return gen_load(ctx, a, MO_UL);
}

bool trans_sb(DisasContext *ctx, const RVArgs *a)
{
    return gen_store(ctx, a, MO_UB);
}

bool trans_sh(DisasContext *ctx, const RVArgs *a)
{
    return gen_store(ctx, a, MO_UW);
}

bool trans_sw(DisasContext *ctx, const RVArgs *a)
{
    return gen_store(ctx, a, MO_UL);
}

bool trans_sd(DisasContext *ctx, const RVArgs *a)
{
    return gen_store(ctx, a, MO_UQ);
}

/* ---- register-immediate ---- */

typedef void GenBinI(TCGv r, TCGv a, int64_t b);
typedef void GenBin(TCGv r, TCGv a, TCGv b);

static bool gen_arith_imm(DisasContext *ctx, const RVArgs *a, GenBinI *fn,
                          bool w)
{
    TCGv t = temp_new();

    fn(t, get_gpr(ctx, a->rs1), a->imm);
    if (w) {
        tcg_gen_ext32s_i64(t, t);
    }
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

static bool gen_arith(DisasContext *ctx, const RVArgs *a, GenBin *fn, bool w)
{
    TCGv t = temp_new();

    fn(t, get_gpr(ctx, a->rs1), get_gpr(ctx, a->rs2));
    if (w) {
        tcg_gen_ext32s_i64(t, t);
    }
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

static void gen_slt(TCGv r, TCGv a, TCGv b)
{
    tcg_gen_setcond_i64(TCG_COND_LT, r, a, b);
}

static void gen_sltu(TCGv r, TCGv a, TCGv b)
{
    tcg_gen_setcond_i64(TCG_COND_LTU, r, a, b);
}

static void gen_slti(TCGv r, TCGv a, int64_t b)
{
    tcg_gen_setcondi_i64(TCG_COND_LT, r, a, b);
}

static void gen_sltiu(TCGv r, TCGv a, int64_t b)
{
    tcg_gen_setcondi_i64(TCG_COND_LTU, r, a, b);
}

bool trans_addi(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, tcg_gen_addi_i64, false);
}

bool trans_slti(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, gen_slti, false);
}

bool trans_sltiu(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, gen_sltiu, false);
}

bool trans_xori(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, tcg_gen_xori_i64, false);
}

bool trans_ori(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, tcg_gen_ori_i64, false);
}

bool trans_andi(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, tcg_gen_andi_i64, false);
}

bool trans_slli(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, tcg_gen_shli_i64, false);
}

bool trans_srli(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, tcg_gen_shri_i64, false);
}

bool trans_srai(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, tcg_gen_sari_i64, false);
}

bool trans_addiw(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, tcg_gen_addi_i64, true);
}

bool trans_slliw(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith_imm(ctx, a, tcg_gen_shli_i64, true);
}

bool trans_srliw(DisasContext *ctx, const RVArgs *a)
{
    TCGv t = temp_new();

    tcg_gen_ext32u_i64(t, get_gpr(ctx, a->rs1));
    tcg_gen_shri_i64(t, t, a->imm);
    tcg_gen_ext32s_i64(t, t);
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

bool trans_sraiw(DisasContext *ctx, const RVArgs *a)
{
    TCGv t = temp_new();

    tcg_gen_ext32s_i64(t, get_gpr(ctx, a->rs1));
    tcg_gen_sari_i64(t, t, a->imm);
    gen_set_gpr(ctx, a->rd, t);
    return true;
}

/* ---- register-register ---- */

bool trans_add(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith(ctx, a, tcg_gen_add_i64, false);
}

bool trans_sub(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith(ctx, a, tcg_gen_sub_i64, false);
}

bool trans_slt(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith(ctx, a, gen_slt, false);
}

bool trans_sltu(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith(ctx, a, gen_sltu, false);
}

bool trans_xor(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith(ctx, a, tcg_gen_xor_i64, false);
}

bool trans_or(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith(ctx, a, tcg_gen_or_i64, false);
}

bool trans_and(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith(ctx, a, tcg_gen_and_i64, false);
}

bool trans_addw(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith(ctx, a, tcg_gen_add_i64, true);
}

bool trans_subw(DisasContext *ctx, const RVArgs *a)
{
    return gen_arith(ctx, a, tcg_gen_sub_i64, true);
}

/*
 * Shifts by register: the amount is rs2 mod XLEN (or mod 32 for the W
 * forms); mask explicitly so no pass ever sees an out-of-range count.
 */
static bool gen_shift(DisasContext *ctx, const RVArgs *a, GenBin *fn,
                      int w_ext)
{
    TCGv src = temp_new();
    TCGv sh = temp_new();

    tcg_gen_andi_i64(sh, get_gpr(ctx, a->rs2), w_ext ? 31 : 63);
    switch (w_ext) {
    case 1:
        tcg_gen_ext32u_i64(src, get_gpr(ctx, a->rs1));
        break;
    case 2:
        tcg_gen_ext32s_i64(src, get_gpr(ctx, a->rs1));
        break;
    default:
        tcg_gen_mov_i64(src, get_gpr(ctx, a->rs1));
        break;
    }
    fn(src, src, sh);
    if (w_ext) {
        tcg_gen_ext32s_i64(src, src);
    }
    gen_set_gpr(ctx, a->rd, src);
    return true;
}

bool trans_sll(DisasContext *ctx, const RVArgs *a)
{
    return gen_shift(ctx, a, tcg_gen_shl_i64, 0);
}

bool trans_srl(DisasContext *ctx, const RVArgs *a)
{
    return gen_shift(ctx, a, tcg_gen_shr_i64, 0);
}

bool trans_sra(DisasContext *ctx, const RVArgs *a)
{
    return gen_shift(ctx, a, tcg_gen_sar_i64, 0);
}

bool trans_sllw(DisasContext *ctx, const RVArgs *a)
{
    return gen_shift(ctx, a, tcg_gen_shl_i64, 1);
}

bool trans_srlw(DisasContext *ctx, const RVArgs *a)
{
    return gen_shift(ctx, a, tcg_gen_shr_i64, 1);
}

bool trans_sraw(DisasContext *ctx, const RVArgs *a)
{
    return gen_shift(ctx, a, tcg_gen_sar_i64, 2);
}

/* ---- fences, environment calls ---- */

bool trans_fence(DisasContext *ctx, const RVArgs *a)
{
    /* fm/pred/succ and reserved fields are ignored, as the spec allows. */
    tcg_gen_mb(0);
    return true;
}

bool trans_pause(DisasContext *ctx, const RVArgs *a)
{
    /*
     * Zihintpause: a hint (also a valid fence encoding, so never illegal)
     * that spin loops use: let the other harts run.
     */
    gen_set_pc(ctx, ctx->pc_next);
    tcg_gen_call1(&helper_info_pause, NULL, gen_env());
    gen_exit_after(ctx);
    return true;
}

bool trans_fence_i(DisasContext *ctx, const RVArgs *a)
{
    REQUIRE_CFG(ctx, ext_zifencei);
    gen_set_pc(ctx, ctx->pc_next);
    tcg_gen_call1(&helper_info_fence_i, NULL, gen_env());
    gen_exit_after(ctx);
    return true;
}

bool trans_ecall(DisasContext *ctx, const RVArgs *a)
{
    static const int cause[4] = {
        RISCV_EXCP_U_ECALL, RISCV_EXCP_S_ECALL, RISCV_EXCP_ILLEGAL_INST,
        RISCV_EXCP_M_ECALL,
    };

    gen_exception(ctx, cause[ctx->priv & 3], 0);
    return true;
}

bool trans_ebreak(DisasContext *ctx, const RVArgs *a)
{
    gen_exception_pc(ctx, RISCV_EXCP_BREAKPOINT, ctx->pc);
    return true;
}
