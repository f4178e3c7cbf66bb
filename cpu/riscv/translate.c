/* SPDX-License-Identifier: MIT */
/* RISC-V front end: translation loop, register accessors, TB exits. */
#include "internals.h"

TCGv cpu_gpr[32], cpu_fpr[32], cpu_pc, cpu_load_res, cpu_load_val;

typedef bool TransFn(DisasContext *ctx, const RVArgs *a);

static TransFn *const trans_table[INSN_COUNT] = {
#define X(n) [INSN_##n] = trans_##n,
    RISCV_INSNS(X)
#undef X
};

void riscv_translate_init(void)
{
    /* x0 has no global: get_gpr() hands out the constant 0. */
    cpu_gpr[0] = NULL;
    for (int i = 1; i < 32; i++) {
        cpu_gpr[i] = tcg_global_mem_new_i64(ENV_OFFSET(gpr[i]),
                                            riscv_gpr_names[i]);
    }
    for (int i = 0; i < 32; i++) {
        cpu_fpr[i] = tcg_global_mem_new_i64(ENV_OFFSET(fpr[i]),
                                            riscv_fpr_names[i]);
    }
    cpu_pc = tcg_global_mem_new_i64(ENV_OFFSET(pc), "pc");
    cpu_load_res = tcg_global_mem_new_i64(ENV_OFFSET(load_res), "load_res");
    cpu_load_val = tcg_global_mem_new_i64(ENV_OFFSET(load_val), "load_val");
}

void riscv_restore_state(CPUState *cs, uint64_t insn_data)
{
    CPURISCVState *env = cpu_env(cs);

    /*
     * pc-relative TBs record page offsets; env->pc still holds an address
     * in the TB's first page, where all of its insns start.
     */
    if (cs->ops->pcrel) {
        env->pc = (env->pc & TARGET_PAGE_MASK) | insn_data;
    } else {
        env->pc = insn_data;
    }
}

void gen_pc_value(DisasContext *ctx, TCGv dst, uint64_t va)
{
    if (ctx->pcrel) {
        tcg_gen_addi_i64(dst, cpu_pc, (int64_t)(va - ctx->pc_save));
    } else {
        tcg_gen_movi_i64(dst, (int64_t)va);
    }
}

void gen_set_gpr_pc(DisasContext *ctx, int rd, uint64_t va)
{
    if (rd != 0) {
        gen_pc_value(ctx, cpu_gpr[rd], va);
        ctx->gpr_written |= 1u << rd;
    }
}

/* cpu_pc = va on a path that ends here (pc_save stays for the others). */
static void gen_set_pc_final(DisasContext *ctx, uint64_t va)
{
    if (!ctx->pcrel || va != ctx->pc_save) {
        gen_pc_value(ctx, cpu_pc, va);
    }
}

void gen_set_pc(DisasContext *ctx, uint64_t va)
{
    gen_set_pc_final(ctx, va);
    ctx->pc_save = va;
}

/* ---- per-instruction temps ---- */

static TCGv insn_temps[64];
static int insn_nb_temps;

static TCGv track_temp(TCGv t)
{
    if (insn_nb_temps < (int)ARRAY_SIZE(insn_temps)) {
        insn_temps[insn_nb_temps++] = t;
    }
    return t;
}

TCGv temp_new(void)
{
    return track_temp(tcg_temp_new_i64());
}

TCGv temp_local_new(void)
{
    return track_temp(tcg_temp_local_new_i64());
}

static void free_insn_temps(void)
{
    while (insn_nb_temps > 0) {
        tcg_temp_free(insn_temps[--insn_nb_temps]);
    }
}

/* ---- accessors ---- */

TCGv gen_env(void)
{
    return tcg_ctx->env;
}

TCGv get_gpr(DisasContext *ctx, int reg)
{
    if (reg == 0) {
        return tcg_constant_i64(0);
    }
    return cpu_gpr[reg];
}

void gen_set_gpr(DisasContext *ctx, int reg, TCGv val)
{
    if (reg != 0) {
        tcg_gen_mov_i64(cpu_gpr[reg], val);
        ctx->gpr_written |= 1u << reg;
    }
}

void gen_set_gpri(DisasContext *ctx, int reg, int64_t val)
{
    if (reg != 0) {
        tcg_gen_movi_i64(cpu_gpr[reg], val);
        ctx->gpr_written |= 1u << reg;
    }
}

void gen_mark_fs_dirty(DisasContext *ctx)
{
    TCGv t;

    /* Once per TB: later insns see the dirty state (priv. spec 3.1.6.6) */
    if (ctx->fs == 3) {
        return;
    }
    t = temp_new();
    tcg_gen_ld_i64(t, gen_env(), ENV_OFFSET(mstatus));
    tcg_gen_ori_i64(t, t, (int64_t)(MSTATUS_FS | MSTATUS_SD));
    tcg_gen_st_i64(t, gen_env(), ENV_OFFSET(mstatus));
    ctx->fs = 3;
}

void gen_save_insn_bits(DisasContext *ctx)
{
    tcg_gen_st_i64(tcg_constant_i64(ctx->insn), gen_env(),
                   ENV_OFFSET(insn_bits));
}

void gen_set_fpr(DisasContext *ctx, int reg, TCGv val)
{
    gen_mark_fs_dirty(ctx);
    tcg_gen_mov_i64(cpu_fpr[reg], val);
}

static void gen_raise(DisasContext *ctx, int cause, uint64_t tval)
{
    /* The pc is also restored from insn_start data; store it anyway. */
    gen_set_pc_final(ctx, ctx->pc);
    tcg_gen_call3(&helper_info_raise_exception, NULL, gen_env(),
                  tcg_constant_i64(cause), tcg_constant_i64(tval));
}

void gen_exception(DisasContext *ctx, int cause, uint64_t tval)
{
    gen_raise(ctx, cause, tval);
    ctx->is_jmp = DISAS_NORETURN;
}

void gen_exception_pc(DisasContext *ctx, int cause, uint64_t va)
{
    TCGv tval;

    if (!ctx->pcrel) {
        gen_exception(ctx, cause, va);
        return;
    }
    tval = temp_new();
    gen_pc_value(ctx, tval, va);        /* before cpu_pc changes */
    gen_set_pc_final(ctx, ctx->pc);
    tcg_gen_call3(&helper_info_raise_exception, NULL, gen_env(),
                  tcg_constant_i64(cause), tval);
    ctx->is_jmp = DISAS_NORETURN;
}

bool gen_check_rm(DisasContext *ctx, int rm)
{
    TCGLabel *ok;
    TCGv t;

    if (rm == 5 || rm == 6) {
        return false;
    }
    if (rm != RM_DYN || ctx->frm_checked) {
        return true;
    }
    /* frm only changes through a CSR write, which ends the TB. */
    ctx->frm_checked = true;
    ok = gen_new_label();
    t = temp_new();
    tcg_gen_ld_i64(t, gen_env(), ENV_OFFSET(frm));
    tcg_gen_brcondi_i64(TCG_COND_LTU, t, 5, ok);
    gen_raise(ctx, RISCV_EXCP_ILLEGAL_INST, ctx->insn);
    gen_set_label(ok);
    return true;
}

bool misaligned_target(DisasContext *ctx, uint64_t dest)
{
    return (dest & (has_ext(ctx, 'C') ? 1 : 3)) != 0;
}

/*
 * The state flags after this insn: the TB's, but for mstatus.FS, which
 * an FP insn may have made dirty (everything else that the flags hold
 * changes only in insns that end the TB).
 */
static uint64_t tb_flags_now(DisasContext *ctx)
{
    return deposit64(ctx->tb->flags, TB_FLAGS_FS_SHIFT, 2, ctx->fs);
}

void gen_goto_tb(DisasContext *ctx, int n, uint64_t dest)
{
    if (translator_use_goto_tb(ctx->tb, dest)) {
        if (ctx->pcrel) {
            /* The next TB takes its pc from env: set it before the jump. */
            gen_set_pc_final(ctx, dest);
            tcg_gen_goto_tb(n);
        } else {
            tcg_gen_goto_tb(n);
            tcg_gen_movi_i64(cpu_pc, dest);
        }
        tcg_gen_exit_tb((uintptr_t)ctx->tb | n);
    } else {
        gen_set_pc_final(ctx, dest);
        tcg_gen_lookup_and_goto_ptr_flags(cpu_pc, tb_flags_now(ctx));
    }
}

void gen_jump_dyn(DisasContext *ctx, TCGv target, int rd)
{
    if (!has_ext(ctx, 'C')) {
        /* IALIGN = 32: bit 1 of the target must be clear. */
        TCGLabel *ok = gen_new_label();
        TCGv bit = temp_new();
        tcg_gen_andi_i64(bit, target, 2);
        tcg_gen_brcondi_i64(TCG_COND_EQ, bit, 0, ok);
        gen_set_pc_final(ctx, ctx->pc);
        tcg_gen_call3(&helper_info_raise_exception, NULL, gen_env(),
                      tcg_constant_i64(RISCV_EXCP_INST_ADDR_MIS), target);
        gen_set_label(ok);
    }
    gen_set_gpr_pc(ctx, rd, ctx->pc_next);
    tcg_gen_mov_i64(cpu_pc, target);
    tcg_gen_lookup_and_goto_ptr_flags(cpu_pc, tb_flags_now(ctx));
    ctx->is_jmp = DISAS_NORETURN;
}

void gen_exit_after(DisasContext *ctx)
{
    ctx->is_jmp = DISAS_EXIT;
}

/* ---- the loop ---- */

static void translate_one(DisasContext *ctx)
{
    uint32_t lo = translator_lduw(ctx->cs, ctx->tb, ctx->pc);
    RVInsnId id;
    RVArgs a;

    if ((lo & 3) != 3) {
        ctx->insn = lo;
        ctx->insn_len = 2;
        id = has_ext(ctx, 'C') ? riscv_decode16(lo, &a) : INSN_illegal;
    } else {
        ctx->insn = translator_ldl(ctx->cs, ctx->tb, ctx->pc);
        ctx->insn_len = 4;
        id = riscv_decode32(ctx->insn, &a);
    }
    ctx->pc_next = ctx->pc + ctx->insn_len;
    if (id == INSN_illegal || !trans_table[id](ctx, &a)) {
        gen_exception(ctx, RISCV_EXCP_ILLEGAL_INST, ctx->insn);
    }
}

/*
 * Room a single instruction may need: interned constants and temps
 * (the widest helpers and AMOs use a few dozen) and labels, plus the
 * TB epilogue.  Checked before each instruction after the first, so a
 * long straight-line block ends its TB early instead of aborting TCG.
 * tcg_optimize() interns a new constant for each op it folds, so every
 * op emitted so far counts against the temp budget as well.
 */
#define TB_TEMP_HEADROOM  64
#define TB_LABEL_HEADROOM 16

static bool tcg_nearly_full(void)
{
    return tcg_ctx->nb_temps + tcg_ctx->nb_ops >
               TCG_MAX_TEMPS - TB_TEMP_HEADROOM ||
           tcg_ctx->nb_labels > TCG_MAX_LABELS - TB_LABEL_HEADROOM;
}

/* Would the instruction at pc extend past its page? (not for the first) */
static bool insn_crosses_page(DisasContext *ctx, uint64_t pc)
{
    if ((pc & ~TARGET_PAGE_MASK) != TARGET_PAGE_SIZE - 2) {
        return false;
    }
    return (translator_lduw(ctx->cs, ctx->tb, pc) & 3) == 3;
}

/* Restore data: the pc, or its page offset in a pc-relative TB. */
static uint64_t insn_start_data(DisasContext *ctx)
{
    return ctx->pcrel ? ctx->pc & ~TARGET_PAGE_MASK : ctx->pc;
}

void riscv_translate(CPUState *cs, TranslationBlock *tb, int max_insns)
{
    DisasContext c = { 0 }, *ctx = &c;
    uint64_t page = tb->pc & TARGET_PAGE_MASK;
    int n = 0;

    /* A fetch fault may have left the previous TB's list behind. */
    insn_nb_temps = 0;
    ctx->tb = tb;
    ctx->cs = cs;
    ctx->cpu = riscv_cpu(cs);
    ctx->env = cpu_env(cs);
    ctx->misa = ctx->env->misa;
    ctx->priv = extract64(tb->flags, TB_FLAGS_PRIV_SHIFT, 2);
    ctx->mem_idx = extract64(tb->flags, TB_FLAGS_MEMIDX_SHIFT, 3);
    ctx->fs = extract64(tb->flags, TB_FLAGS_FS_SHIFT, 2);
    /* frm only changes through a CSR write, which ends the TB */
    ctx->frm = extract64(tb->flags, TB_FLAGS_FRM_SHIFT, 3);
    ctx->pc = tb->pc;
    ctx->pc_next = tb->pc;
    ctx->pcrel = tb->pcrel;
    ctx->pc_save = tb->pc;
    ctx->is_jmp = DISAS_NEXT;
    if (max_insns > TCG_MAX_INSNS) {
        max_insns = TCG_MAX_INSNS;
    }
    if (max_insns < 1) {
        max_insns = 1;
    }

    gen_tb_start(tb);
    if (cs->nb_breakpoints && translator_breakpoint_here(cs, ctx->pc)) {
        /* gdb breakpoint: stop before the insn runs. */
        tcg_gen_insn_start(insn_start_data(ctx));
        gen_set_pc_final(ctx, ctx->pc);
        translator_gen_debug();
        gen_tb_end(tb, 1);
        tb->size = 2;
        tb->icount = 1;
        return;
    }
    for (;;) {
        tcg_gen_insn_start(insn_start_data(ctx));
        n++;
        translate_one(ctx);
        free_insn_temps();
        if (ctx->is_jmp != DISAS_NEXT) {
            break;
        }
        ctx->pc = ctx->pc_next;
        if (n >= max_insns || (ctx->pc & TARGET_PAGE_MASK) != page ||
            insn_crosses_page(ctx, ctx->pc) || tcg_nearly_full() ||
            (cs->nb_breakpoints &&
             translator_breakpoint_here(cs, ctx->pc))) {
            ctx->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }

    switch (ctx->is_jmp) {
    case DISAS_TOO_MANY:
        gen_goto_tb(ctx, 0, ctx->pc_next);
        break;
    case DISAS_EXIT:
        gen_set_pc_final(ctx, ctx->pc_next);
        tcg_gen_exit_tb(0);
        break;
    default:
        break;
    }
    gen_tb_end(tb, n);
    tb->size = ctx->pc_next - tb->pc;
    tb->icount = n;
}
