/* SPDX-License-Identifier: MIT */
/* Liveness: backward pass that marks dead args and deletes dead ops. */
#include "tcg-internal.h"

/*
 * Live temps are one bit each (1 = its value is needed later), so the
 * "every global is live" and "EBB temps die" steps at block ends, calls
 * and guest memory accesses are a few word operations instead of a walk
 * over all temps.
 */
#define LIVE_WORDS (TCG_MAX_TEMPS / 64)
_Static_assert(TCG_MAX_TEMPS % 64 == 0, "whole words of temps");

typedef struct LiveSet {
    uint64_t w[LIVE_WORDS];
} LiveSet;

static bool live_test(const LiveSet *l, int i)
{
    return (l->w[i >> 6] >> (i & 63)) & 1;
}

static void live_set(LiveSet *l, int i)
{
    l->w[i >> 6] |= 1ull << (i & 63);
}

static void live_clear(LiveSet *l, int i)
{
    l->w[i >> 6] &= ~(1ull << (i & 63));
}

/* Set bits [0, n). */
static void live_set_first(LiveSet *l, int n)
{
    int i;

    for (i = 0; i < n / 64; i++) {
        l->w[i] = ~0ull;
    }
    if (n % 64) {
        l->w[i] = (1ull << (n % 64)) - 1;
    }
}

/* l |= m over the first n words. */
static void live_or(LiveSet *l, const LiveSet *m, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        l->w[i] |= m->w[i];
    }
}

static void live_andnot(LiveSet *l, const LiveSet *m, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        l->w[i] &= ~m->w[i];
    }
}

void tcg_liveness(TCGContext *s)
{
    LiveSet live, globals, tb_temps, ebb_temps;
    int nw = (s->nb_temps + 63) / 64;
    TCGOp *op, *prev;
    int i;

    memset(&live, 0, nw * sizeof(uint64_t));
    memset(&globals, 0, nw * sizeof(uint64_t));
    memset(&tb_temps, 0, nw * sizeof(uint64_t));
    memset(&ebb_temps, 0, nw * sizeof(uint64_t));
    live_set_first(&globals, s->nb_globals);
    for (i = s->nb_globals; i < s->nb_temps; i++) {
        if (s->temps[i].kind == TEMP_TB) {
            live_set(&tb_temps, i);
        } else if (s->temps[i].kind == TEMP_EBB) {
            live_set(&ebb_temps, i);
        }
    }

    /* At the end of the TB only globals matter. */
    live_or(&live, &globals, nw);

    for (op = s->last_op; op; op = prev) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        int nb_o = tcg_op_nb_oargs(op), nb_i = tcg_op_nb_iargs(op);
        unsigned flags = def->flags;
        bool side = flags & (TCG_OPF_SIDE_EFFECTS | TCG_OPF_BB_END);
        uint16_t life = 0;

        prev = op->prev;
        if (op->opc == INDEX_op_call) {
            const TCGHelperInfo *info =
                (const TCGHelperInfo *)op->args[op->nargs - 1];
            side = !(info->flags & TCG_CALL_NO_SIDE_EFFECTS);
        }

        /* An op whose every output is unused and has no effect goes. */
        if (!side && nb_o > 0) {
            bool all_dead = true;

            for (i = 0; i < nb_o; i++) {
                TCGTemp *t = arg_temp(op->args[i]);
                if (live_test(&live, t->index) || t->kind == TEMP_FIXED) {
                    all_dead = false;
                }
            }
            if (all_dead) {
                tcg_op_remove(s, op);
                continue;
            }
        }

        /* Block boundaries: what must be in memory here. */
        if (flags & TCG_OPF_BB_END) {
            live_or(&live, &globals, nw);
            if (flags & TCG_OPF_BB_EXIT) {
                live_andnot(&live, &tb_temps, nw);
            } else {
                live_or(&live, &tb_temps, nw);
            }
            if (op->opc != INDEX_op_brcond) {
                /*
                 * EBB temps die at labels and jumps; after a brcond the
                 * fall-through keeps them (lenient to front ends).
                 */
                live_andnot(&live, &ebb_temps, nw);
            }
        }

        /* Outputs: dead before this op (it defines them). */
        for (i = 0; i < nb_o; i++) {
            TCGTemp *t = arg_temp(op->args[i]);
            if (!live_test(&live, t->index)) {
                life |= 1u << i;
            }
            live_clear(&live, t->index);
        }

        /* Globals read by a helper or synced before a faulting access. */
        if (op->opc == INDEX_op_call) {
            const TCGHelperInfo *info =
                (const TCGHelperInfo *)op->args[op->nargs - 1];
            if ((info->flags & TCG_CALL_NO_RWG) != TCG_CALL_NO_RWG) {
                live_or(&live, &globals, nw);
            }
        } else if (flags & TCG_OPF_SYNC_GLOBALS) {
            live_or(&live, &globals, nw);
        }

        /* Inputs: the first use seen backwards is the last use. */
        for (i = nb_o; i < nb_o + nb_i; i++) {
            TCGTemp *t = arg_temp(op->args[i]);
            if (t->kind == TEMP_CONST || t->kind == TEMP_FIXED) {
                continue;
            }
            if (!live_test(&live, t->index)) {
                life |= 1u << i;
            }
        }
        for (i = nb_o; i < nb_o + nb_i; i++) {
            live_set(&live, arg_temp(op->args[i])->index);
        }
        op->life = life;
    }
}
