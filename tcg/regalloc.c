/* SPDX-License-Identifier: MIT */
/* Local register allocator and the tcg_gen_code() driver. */
#include "tcg-internal.h"
#include "machina/exec.h"
#include <stdlib.h>
#include <x86intrin.h>

/* Room that one op may need; checked before each op is emitted. */
#define TCG_OP_MARGIN 512

static TCGTemp **reg_to_temp(TCGContext *s)
{
    return tcg_backend(s)->reg_to_temp;
}

/* Every change of reg_to_temp goes through these two (regs_used). */
static void set_reg(TCGContext *s, int r, TCGTemp *t)
{
    TCGBackend *be = tcg_backend(s);

    be->reg_to_temp[r] = t;
    be->regs_used |= 1u << r;
}

static void clear_reg(TCGContext *s, int r)
{
    TCGBackend *be = tcg_backend(s);

    be->reg_to_temp[r] = NULL;
    be->regs_used &= ~(1u << r);
}

static uint32_t regs_used(TCGContext *s)
{
    return tcg_backend(s)->regs_used;
}

/* Lowest set bit of *m, removed from it. */
static int next_reg(uint32_t *m)
{
    int r = __builtin_ctz(*m);

    *m &= *m - 1;
    return r;
}

static int temp_base(const TCGTemp *t)
{
    return t->kind == TEMP_GLOBAL ? TCG_TARGET_ENV_REG
                                  : TCG_TARGET_STACK_REG;
}

static intptr_t temp_offset(TCGTemp *t)
{
    if (t->kind == TEMP_GLOBAL) {
        return t->mem_offset;
    }
    if (!t->mem_allocated) {
        t->stack_offset = TCG_TARGET_SLOT_BASE + 8 * t->index;
        t->mem_allocated = true;
    }
    return t->stack_offset;
}

/* Write a register-held value back to its memory home if needed. */
static void temp_sync(TCGContext *s, TCGTemp *t)
{
    if (t->val_type == TEMP_VAL_REG && !t->mem_coherent &&
        t->kind != TEMP_FIXED) {
        tcg_out_st(s, t->type, t->reg, temp_base(t), temp_offset(t));
        t->mem_coherent = true;
    }
}

/* Drop the register; the value then lives in memory (or nowhere). */
static void temp_free_reg(TCGContext *s, TCGTemp *t, bool to_mem)
{
    if (t->kind == TEMP_FIXED || t->kind == TEMP_CONST) {
        return;
    }
    if (t->val_type == TEMP_VAL_REG) {
        clear_reg(s, t->reg);
    }
    if (t->kind == TEMP_EBB && !to_mem) {
        t->val_type = TEMP_VAL_DEAD;
    } else {
        t->val_type = TEMP_VAL_MEM;
    }
}

/* Save to memory and free the register. */
static void temp_save(TCGContext *s, TCGTemp *t)
{
    temp_sync(s, t);
    temp_free_reg(s, t, true);
}

/* Value no longer needed. */
static void temp_dead(TCGContext *s, TCGTemp *t)
{
    if (t->kind == TEMP_FIXED || t->kind == TEMP_CONST) {
        return;
    }
    temp_free_reg(s, t, false);
}

static int reg_alloc(TCGContext *s, uint32_t allowed, uint32_t locked)
{
    uint32_t free;
    int i, r;

    allowed &= tcg_target_available_regs & ~locked;
    free = allowed & ~regs_used(s);
    /* Callee-saved first: their values survive calls and slow paths. */
    for (i = 0; free && i < TCG_TARGET_NB_REGS; i++) {
        r = tcg_target_reg_alloc_order[i];
        if (r >= 0 && (free & (1u << r))) {
            return r;
        }
    }
    /* Spill the first unlocked register. */
    for (i = 0; i < TCG_TARGET_NB_REGS; i++) {
        r = tcg_target_reg_alloc_order[i];
        if (r >= 0 && (allowed & (1u << r))) {
            temp_save(s, reg_to_temp(s)[r]);
            return r;
        }
    }
    fprintf(stderr, "tcg: register allocation failed\n");
    abort();
}

/* Bring t into a register from allowed; returns the register. */
static int temp_load(TCGContext *s, TCGTemp *t, uint32_t allowed,
                     uint32_t locked)
{
    int r;

    if (t->kind == TEMP_FIXED) {
        return t->reg;
    }
    if (t->kind == TEMP_CONST) {
        r = reg_alloc(s, allowed, locked);
        tcg_out_movi(s, t->type, r, t->val);
        return r;
    }
    if (t->val_type == TEMP_VAL_REG) {
        if (allowed & (1u << t->reg)) {
            return t->reg;
        }
        r = reg_alloc(s, allowed, locked | (1u << t->reg));
        tcg_out_mov(s, TCG_TYPE_I64, r, t->reg);
        clear_reg(s, t->reg);
    } else {
        r = reg_alloc(s, allowed, locked);
        if (t->val_type == TEMP_VAL_MEM) {
            tcg_out_ld(s, t->type, r, temp_base(t), temp_offset(t));
            t->mem_coherent = true;
        } else {
            /* Never written (front-end bug): any value will do. */
            t->mem_coherent = false;
        }
    }
    t->val_type = TEMP_VAL_REG;
    t->reg = r;
    set_reg(s, r, t);
    return r;
}

/*
 * A temp whose value is only in memory (or nowhere) needs no work at a
 * sync point, so the walks below visit the host registers, not every
 * temp of the TB.
 */
static void sync_globals(TCGContext *s)
{
    TCGTemp **r2t = reg_to_temp(s);
    uint32_t m = regs_used(s);

    while (m) {
        int r = next_reg(&m);

        if (r2t[r]->kind == TEMP_GLOBAL) {
            temp_sync(s, r2t[r]);
        }
    }
}

/* Forget register copies of globals (memory is authoritative). */
static void free_globals(TCGContext *s)
{
    TCGTemp **r2t = reg_to_temp(s);
    uint32_t m = regs_used(s);

    while (m) {
        int r = next_reg(&m);

        if (r2t[r]->kind == TEMP_GLOBAL) {
            temp_free_reg(s, r2t[r], true);
        }
    }
}

/*
 * Block end: globals and TB temps to memory; EBB temps die unless
 * keep_regs.  An EBB temp already spilled keeps its stack slot: it is
 * dead past a label anyway.
 */
static void bb_end(TCGContext *s, bool keep_regs)
{
    TCGTemp **r2t = reg_to_temp(s);
    uint32_t m = regs_used(s);

    while (m) {
        TCGTemp *t = r2t[next_reg(&m)];

        if (t->kind == TEMP_GLOBAL || t->kind == TEMP_TB) {
            temp_sync(s, t);
            if (!keep_regs) {
                temp_free_reg(s, t, true);
            }
        } else if (t->kind == TEMP_EBB && !keep_regs) {
            temp_dead(s, t);
        }
    }
}

static void insn_boundary(TCGContext *s)
{
    if (s->nb_insns > 0) {
        s->insn_end_off[s->nb_insns - 1] =
            (uint32_t)(s->code_ptr - s->code_buf);
    }
}

static void alloc_call(TCGContext *s, TCGOp *op)
{
    const TCGHelperInfo *info =
        (const TCGHelperInfo *)op->args[op->nargs - 1];
    int nb_o = tcg_op_nb_oargs(op), nb_i = tcg_op_nb_iargs(op);
    TCGTemp **r2t = reg_to_temp(s);
    uint32_t m;
    int i;

    /* Everything in call-clobbered registers goes to memory. */
    m = regs_used(s) & tcg_target_call_clobber_regs;
    while (m) {
        temp_save(s, r2t[next_reg(&m)]);
    }
    if ((info->flags & TCG_CALL_NO_RWG) != TCG_CALL_NO_RWG) {
        sync_globals(s);
    }
    /* Arguments: sources are now memory, constants or callee-saved. */
    for (i = 0; i < nb_i; i++) {
        TCGTemp *t = arg_temp(op->args[nb_o + i]);
        int dst = tcg_target_call_iarg_regs[i];

        if (t->kind == TEMP_CONST) {
            tcg_out_movi(s, TCG_TYPE_I64, dst, t->val);
        } else if (t->val_type == TEMP_VAL_REG) {
            tcg_out_mov(s, TCG_TYPE_I64, dst, t->reg);
        } else if (t->val_type == TEMP_VAL_MEM) {
            tcg_out_ld(s, t->type, dst, temp_base(t), temp_offset(t));
        }
    }
    for (i = 0; i < nb_i; i++) {
        if (op->life & (1u << (nb_o + i))) {
            temp_dead(s, arg_temp(op->args[nb_o + i]));
        }
    }
    tcg_out_call(s, info->func);
    if (!(info->flags & TCG_CALL_NO_WRITE_GLOBALS)) {
        free_globals(s);
    }
    if (nb_o) {
        TCGTemp *t = arg_temp(op->args[0]);

        if (t->val_type == TEMP_VAL_REG) {
            clear_reg(s, t->reg);
        }
        if (op->life & 1) {
            temp_dead(s, t);
        } else {
            t->val_type = TEMP_VAL_REG;
            t->reg = TCG_TARGET_CALL_OARG_REG;
            t->mem_coherent = false;
            set_reg(s, t->reg, t);
        }
    }
}

static void alloc_mov(TCGContext *s, TCGOp *op)
{
    TCGTemp *d = arg_temp(op->args[0]), *src = arg_temp(op->args[1]);
    int r;

    if (d->kind == TEMP_FIXED || d == src) {
        return;     /* env is never reassigned; x = x is a no-op */
    }
    if (d->val_type == TEMP_VAL_REG) {
        clear_reg(s, d->reg);
        d->val_type = TEMP_VAL_DEAD;
    }
    if (op->life & 1) {
        temp_dead(s, d);
        if (op->life & 2) {
            temp_dead(s, src);
        }
        return;
    }
    if ((op->life & 2) && src->val_type == TEMP_VAL_REG &&
        src->kind != TEMP_FIXED && src->kind != TEMP_CONST) {
        /* Last use of the source: hand its register over. */
        r = src->reg;
        temp_free_reg(s, src, false);
    } else if (src->kind == TEMP_CONST) {
        r = reg_alloc(s, ~0u, 0);
        tcg_out_movi(s, d->type, r, src->val);
    } else {
        int sr = temp_load(s, src, ~0u, 0);

        r = reg_alloc(s, ~0u, 1u << sr);
        tcg_out_mov(s, d->type, r, sr);
        if (op->life & 2) {
            temp_dead(s, src);
        }
    }
    d->val_type = TEMP_VAL_REG;
    d->reg = r;
    d->mem_coherent = false;
    set_reg(s, r, d);
}

#define R(r) (1u << (r))

/* -1: t is not an input of op; else whether it dies at op. */
static int op_input_life(const TCGOp *op, int nb_o, int nb_i, TCGTemp *t)
{
    int i, res = -1;

    for (i = nb_o; i < nb_o + nb_i; i++) {
        if (arg_temp(op->args[i]) == t) {
            res = (res > 0) || (op->life & (1u << i));
        }
    }
    return res;
}

static void alloc_op(TCGContext *s, TCGOp *op)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    int nb_o = def->nb_oargs, nb_i = def->nb_iargs;
    TCGArg new_args[TCG_MAX_OP_ARGS];
    int const_args[TCG_MAX_OP_ARGS] = { 0 };
    TCGTemp **r2t = reg_to_temp(s);
    uint32_t clobber, locked = 0, live_locked = 0, m;
    bool call_clobber = def->flags & TCG_OPF_CALL_CLOBBER;
    int i, r;

    clobber = tcg_target_op_clobbers(op->opc, op->type, op->args);
    m = regs_used(s) &
        (clobber | (call_clobber ? tcg_target_call_clobber_regs : 0));
    while (m) {
        TCGTemp *t;

        r = next_reg(&m);
        t = r2t[r];
        if (clobber & (1u << r)) {
            temp_save(s, t);
        } else if (call_clobber && (tcg_target_call_clobber_regs & R(r))) {
            /*
             * The slow path's call may clobber this register.  An input
             * of this op may stay for the op itself: make its memory
             * copy current (unless it dies here) and drop it afterwards.
             */
            int dead = op_input_life(op, nb_o, nb_i, t);

            if (dead < 0) {
                temp_save(s, t);
            } else if (!dead) {
                temp_sync(s, t);
            }
        }
    }
    if (def->flags & TCG_OPF_SYNC_GLOBALS) {
        sync_globals(s);
    }

    for (i = nb_o; i < nb_o + nb_i; i++) {
        TCGTemp *t = arg_temp(op->args[i]);

        if (t->kind == TEMP_CONST &&
            tcg_target_const_match(op->opc, op->type, i, t->val)) {
            new_args[i] = (TCGArg)t->val;
            const_args[i] = 1;
            continue;
        }
        r = temp_load(s, t, ~clobber, locked);
        new_args[i] = r;
        locked |= 1u << r;
        if (t->kind != TEMP_CONST && !(op->life & (1u << i))) {
            live_locked |= 1u << r;
        }
    }
    for (i = nb_o + nb_i; i < op->nargs; i++) {
        new_args[i] = op->args[i];
    }
    for (i = nb_o; i < nb_o + nb_i; i++) {
        if (op->life & (1u << i)) {
            temp_dead(s, arg_temp(op->args[i]));
        }
    }

    /* Outputs may reuse registers of inputs that died here. */
    for (i = 0; i < nb_o; i++) {
        TCGTemp *t = arg_temp(op->args[i]);

        if (t->val_type == TEMP_VAL_REG && t->kind != TEMP_FIXED) {
            clear_reg(s, t->reg);
            t->val_type = TEMP_VAL_DEAD;
        }
        r = reg_alloc(s, ~clobber, live_locked);
        new_args[i] = r;
        live_locked |= 1u << r;
        t->val_type = TEMP_VAL_REG;
        t->reg = r;
        t->mem_coherent = false;
        set_reg(s, r, t);
    }

    tcg_out_op(s, op->opc, op->type, new_args, const_args);

    if (call_clobber) {
        /* Inputs loaded into call-clobbered regs are copies: drop them. */
        for (i = nb_o; i < nb_o + nb_i; i++) {
            TCGTemp *t = arg_temp(op->args[i]);
            bool is_out = nb_o && arg_temp(op->args[0]) == t;

            if (!is_out && t->val_type == TEMP_VAL_REG &&
                t->kind != TEMP_FIXED &&
                (tcg_target_call_clobber_regs & (1u << t->reg))) {
                temp_save(s, t);
            }
        }
    }
    for (i = 0; i < nb_o; i++) {
        if (op->life & (1u << i)) {
            temp_dead(s, arg_temp(op->args[i]));
        }
    }
}

/* Control-flow ops: sync state and emit. */
static void alloc_bb_end(TCGContext *s, TCGOp *op)
{
    TCGArg new_args[TCG_MAX_OP_ARGS];
    int const_args[TCG_MAX_OP_ARGS] = { 0 };
    uint32_t locked = 0;
    int i, r;

    switch (op->opc) {
    case INDEX_op_set_label:
        bb_end(s, false);
        tcg_out_label(s, (TCGLabel *)op->args[0]);
        return;
    case INDEX_op_brcond:
        for (i = 0; i < 2; i++) {
            TCGTemp *t = arg_temp(op->args[i]);

            if (t->kind == TEMP_CONST &&
                tcg_target_const_match(op->opc, op->type, i, t->val)) {
                new_args[i] = (TCGArg)t->val;
                const_args[i] = 1;
                continue;
            }
            r = temp_load(s, t, ~0u, locked);
            new_args[i] = r;
            locked |= 1u << r;
        }
        new_args[2] = op->args[2];
        new_args[3] = op->args[3];
        bb_end(s, true);
        tcg_out_op(s, op->opc, op->type, new_args, const_args);
        for (i = 0; i < 2; i++) {
            if (op->life & (1u << i)) {
                temp_dead(s, arg_temp(op->args[i]));
            }
        }
        return;
    case INDEX_op_goto_ptr:
        r = temp_load(s, arg_temp(op->args[0]), ~0u, 0);
        new_args[0] = r;
        bb_end(s, true);
        tcg_out_op(s, op->opc, op->type, new_args, const_args);
        bb_end(s, false);
        return;
    default:
        /* br, goto_tb, exit_tb */
        bb_end(s, true);
        tcg_out_op(s, op->opc, op->type, op->args, const_args);
        bb_end(s, false);
        return;
    }
}

static void regalloc_start(TCGContext *s, bool globals_clean)
{
    int i;

    memset(reg_to_temp(s), 0, sizeof(TCGTemp *) * TCG_TARGET_NB_REGS);
    tcg_backend(s)->regs_used = 0;
    /* Globals only need a reset after a TB that did not end cleanly. */
    for (i = globals_clean ? s->nb_globals : 0; i < s->nb_temps; i++) {
        TCGTemp *t = &s->temps[i];

        switch (t->kind) {
        case TEMP_FIXED:
            t->val_type = TEMP_VAL_REG;
            break;
        case TEMP_GLOBAL:
            t->val_type = TEMP_VAL_MEM;
            t->mem_coherent = true;
            break;
        case TEMP_CONST:
            t->val_type = TEMP_VAL_CONST;
            break;
        case TEMP_TB:
            t->val_type = TEMP_VAL_MEM;
            t->mem_allocated = false;
            t->mem_coherent = true;
            break;
        default:
            t->val_type = TEMP_VAL_DEAD;
            t->mem_allocated = false;
            break;
        }
    }
}

/* True if no host register holds a global. */
static bool no_global_in_regs(TCGContext *s)
{
    TCGTemp **r2t = reg_to_temp(s);
    uint32_t m = regs_used(s);

    while (m) {
        if (r2t[next_reg(&m)]->kind == TEMP_GLOBAL) {
            return false;
        }
    }
    return true;
}

int tcg_gen_code(TCGContext *s, uint8_t *code_buf, uint8_t *code_end)
{
    TCGBackend *be = tcg_backend(s);
    uint64_t t0 = __rdtsc(), t1;
    int nb_ops_in = s->nb_ops, nb_ops_opt, size;
    TCGOp *op;

    tcg_optimize(s);
    tcg_liveness(s);
    nb_ops_opt = s->nb_ops;

    s->code_buf = s->code_ptr = code_buf;
    s->code_end = code_end;
    s->nb_insns = 0;
    be->nb_relocs = 0;
    be->nb_ldst = 0;
    be->nb_fpslow = 0;
    be->overflow = false;
    regalloc_start(s, be->globals_clean);
    be->globals_clean = false;

    for (op = s->first_op; op; op = op->next) {
        unsigned flags = tcg_op_defs[op->opc].flags;

        if (be->overflow || s->code_end - s->code_ptr < TCG_OP_MARGIN) {
            return -1;
        }
        switch (op->opc) {
        case INDEX_op_insn_start:
            if (s->nb_insns >= TCG_MAX_INSNS) {
                fprintf(stderr, "tcg: too many guest insns in a TB\n");
                abort();
            }
            insn_boundary(s);
            s->insn_data[s->nb_insns++] = op->args[0];
            break;
        case INDEX_op_mb:
            /*
             * A host barrier matters only with a thread per vCPU; the
             * round-robin thread sees its own accesses in order.
             */
            if (tcg_mttcg) {
                TCGArg mb_args[3] = { op->args[0], 0, 0 };
                int mb_const[3] = { 0, 0, 0 };

                tcg_out_op(s, INDEX_op_mb, op->type, mb_args, mb_const);
            }
            break;
        case INDEX_op_call:
            alloc_call(s, op);
            break;
        case INDEX_op_mov:
            alloc_mov(s, op);
            break;
        default:
            if (flags & TCG_OPF_BB_END) {
                alloc_bb_end(s, op);
            } else {
                alloc_op(s, op);
            }
            break;
        }
    }
    insn_boundary(s);
    tcg_out_finalize(s);
    if (be->overflow || s->code_ptr > s->code_end) {
        return -1;
    }
    size = (int)(s->code_ptr - s->code_buf);
    be->globals_clean = no_global_in_regs(s);

    t1 = __rdtsc();
    if (s->start_tsc == 0 || s->start_tsc > t0) {
        s->start_tsc = t0;      /* no tcg_func_start() (unit tests) */
    }
    s->stats.tbs++;
    s->stats.guest_insns += (uint64_t)s->nb_insns;
    s->stats.ops += (uint64_t)nb_ops_in;
    s->stats.ops_opt += (uint64_t)nb_ops_opt;
    s->stats.temps += (uint64_t)(s->nb_temps - s->nb_globals);
    s->stats.code_bytes += (uint64_t)size;
    s->stats.cycles += t1 - s->start_tsc;
    s->stats.cycles_gen += t1 - t0;
    if (t1 - s->start_tsc > s->stats.max_cycles) {
        s->stats.max_cycles = t1 - s->start_tsc;
    }
    s->stats.cycle_hist[tcg_cycle_bucket(t1 - s->start_tsc)]++;
    s->start_tsc = 0;
    return size;
}
