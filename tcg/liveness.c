/* SPDX-License-Identifier: MIT */
/* Liveness: backward pass that marks dead args and deletes dead ops. */
#include "tcg-internal.h"

/* temp->state: 1 = live (its value is needed later). */

static void mark_globals(TCGContext *s, int live)
{
    int i;

    for (i = 0; i < s->nb_globals; i++) {
        s->temps[i].state = live;
    }
}

static void mark_kind(TCGContext *s, TCGTempKind kind, int live)
{
    int i;

    for (i = s->nb_globals; i < s->nb_temps; i++) {
        if (s->temps[i].kind == kind) {
            s->temps[i].state = live;
        }
    }
}

void tcg_liveness(TCGContext *s)
{
    TCGOp *op, *prev;
    int i;

    /* At the end of the TB only globals matter. */
    mark_globals(s, 1);
    mark_kind(s, TEMP_TB, 0);
    mark_kind(s, TEMP_EBB, 0);

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
                if (t->state || t->kind == TEMP_FIXED) {
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
            mark_globals(s, 1);
            if (flags & TCG_OPF_BB_EXIT) {
                mark_kind(s, TEMP_TB, 0);
            } else {
                mark_kind(s, TEMP_TB, 1);
            }
            if (op->opc != INDEX_op_brcond) {
                /*
                 * EBB temps die at labels and jumps; after a brcond the
                 * fall-through keeps them (lenient to front ends).
                 */
                mark_kind(s, TEMP_EBB, 0);
            }
        }

        /* Outputs: dead before this op (it defines them). */
        for (i = 0; i < nb_o; i++) {
            TCGTemp *t = arg_temp(op->args[i]);
            if (!t->state) {
                life |= 1u << i;
            }
            t->state = 0;
        }

        /* Globals read by a helper or synced before a faulting access. */
        if (op->opc == INDEX_op_call) {
            const TCGHelperInfo *info =
                (const TCGHelperInfo *)op->args[op->nargs - 1];
            if ((info->flags & TCG_CALL_NO_RWG) != TCG_CALL_NO_RWG) {
                mark_globals(s, 1);
            }
        } else if (flags & TCG_OPF_SYNC_GLOBALS) {
            mark_globals(s, 1);
        }

        /* Inputs: the first use seen backwards is the last use. */
        for (i = nb_o; i < nb_o + nb_i; i++) {
            TCGTemp *t = arg_temp(op->args[i]);
            if (t->kind == TEMP_CONST || t->kind == TEMP_FIXED) {
                continue;
            }
            if (!t->state) {
                life |= 1u << i;
            }
        }
        for (i = nb_o; i < nb_o + nb_i; i++) {
            arg_temp(op->args[i])->state = 1;
        }
        op->life = life;
    }
}
