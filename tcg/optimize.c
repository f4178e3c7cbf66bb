/* SPDX-License-Identifier: MIT */
/* IR optimizer: constant folding/propagation, copies, simplifications. */
#include "tcg-internal.h"

/*
 * Per-temp knowledge, valid from its definition to the next label.  The
 * temps known to hold the same value as a canonical temp C form a list
 * headed at C (first_copy, linked by next_copy), so a redefinition only
 * visits the temps that refer to it instead of every temp of the TB.
 */
typedef struct OptInfo {
    bool is_const;
    uint64_t val;
    TCGTemp *copy;              /* same value as this temp, or NULL */
    TCGTemp *next_copy;         /* next temp with the same copy */
    TCGTemp *first_copy;        /* first temp whose copy is this one */
} OptInfo;

static OptInfo opt_info[TCG_MAX_TEMPS];
/*
 * Temps whose OptInfo may be non-zero: a label then clears only those,
 * and a call that writes globals visits only the globals known here.
 */
static uint64_t opt_touched[TCG_MAX_TEMPS / 64];

static void touch(TCGTemp *t)
{
    opt_touched[t->index / 64] |= 1ull << (t->index % 64);
}

static OptInfo *info(TCGTemp *t)
{
    return &opt_info[t->index];
}

static bool is_const(TCGTemp *t)
{
    return t->kind == TEMP_CONST || info(t)->is_const;
}

static uint64_t const_val(TCGTemp *t)
{
    return t->kind == TEMP_CONST ? (uint64_t)t->val : info(t)->val;
}

/* Normalise a value to the op type: I32 values are kept sign-extended. */
static uint64_t norm(TCGType type, uint64_t v)
{
    return type == TCG_TYPE_I32 ? (uint64_t)(int64_t)(int32_t)v : v;
}

static void reset_all(TCGContext *s)
{
    unsigned w;

    for (w = 0; w < ARRAY_SIZE(opt_touched); w++) {
        uint64_t m = opt_touched[w];

        while (m) {
            memset(&opt_info[w * 64 + __builtin_ctzll(m)], 0,
                   sizeof(OptInfo));
            m &= m - 1;
        }
        opt_touched[w] = 0;
    }
}

/* temp t gets a new value: forget it and every copy that refers to it. */
static void invalidate(TCGContext *s, TCGTemp *t)
{
    OptInfo *oi = info(t);
    TCGTemp *m, *next;

    oi->is_const = false;
    if (oi->copy) {
        TCGTemp **pp = &info(oi->copy)->first_copy;

        while (*pp != t) {
            pp = &info(*pp)->next_copy;
        }
        *pp = oi->next_copy;
        oi->copy = NULL;
        oi->next_copy = NULL;
    }
    for (m = oi->first_copy; m; m = next) {
        OptInfo *mi = info(m);

        next = mi->next_copy;
        mi->copy = NULL;
        mi->next_copy = NULL;
    }
    oi->first_copy = NULL;
}

/* d now holds the value of src (d has just been invalidated). */
static void record_copy(TCGTemp *d, TCGTemp *src)
{
    TCGTemp *c = info(src)->copy ? info(src)->copy : src;
    OptInfo *di = info(d);

    di->copy = c;
    di->next_copy = info(c)->first_copy;
    info(c)->first_copy = d;
    touch(d);
    touch(c);
}

static void invalidate_globals(TCGContext *s)
{
    unsigned w;

    for (w = 0; w * 64 < (unsigned)s->nb_globals; w++) {
        uint64_t m = opt_touched[w];

        while (m) {
            unsigned i = w * 64 + __builtin_ctzll(m);

            m &= m - 1;
            if (i < (unsigned)s->nb_globals &&
                s->temps[i].kind == TEMP_GLOBAL) {
                invalidate(s, &s->temps[i]);
            }
        }
    }
}

static TCGTemp *const_temp(TCGType type, uint64_t v)
{
    return type == TCG_TYPE_I32 ? tcg_constant_i32((int32_t)v)
                                : tcg_constant_i64((int64_t)v);
}

/* Rewrite op into "mov out, src". */
static void to_mov(TCGOp *op, TCGTemp *src)
{
    TCGArg out = op->args[0];

    op->opc = INDEX_op_mov;
    op->nargs = 2;
    op->args[0] = out;
    op->args[1] = temp_arg(src);
}

static void to_movi(TCGOp *op, uint64_t v)
{
    to_mov(op, const_temp(op->type, norm(op->type, v)));
}

static uint64_t bswap16_val(uint64_t x)
{
    return ((x & 0xff) << 8) | ((x >> 8) & 0xff);
}

/* Fold a binary or unary op; false if it cannot be folded safely. */
static bool fold(TCGOpcode opc, TCGType type, uint64_t x, uint64_t y,
                 uint64_t *res)
{
    bool w32 = type == TCG_TYPE_I32;
    unsigned bits = w32 ? 32 : 64;
    uint64_t ux = w32 ? (uint32_t)x : x, uy = w32 ? (uint32_t)y : y;
    int64_t sx = w32 ? (int32_t)x : (int64_t)x;
    int64_t sy = w32 ? (int32_t)y : (int64_t)y;
    unsigned sh = y & (bits - 1);
    uint64_t r;

    switch (opc) {
    case INDEX_op_add: r = x + y; break;
    case INDEX_op_sub: r = x - y; break;
    case INDEX_op_mul: r = x * y; break;
    case INDEX_op_muluh:
        if (w32) {
            r = (ux * uy) >> 32;
        } else {
            r = (uint64_t)(((unsigned __int128)ux * uy) >> 64);
        }
        break;
    case INDEX_op_mulsh:
        if (w32) {
            r = (uint64_t)((sx * sy) >> 32);
        } else {
            r = (uint64_t)(((__int128)sx * sy) >> 64);
        }
        break;
    case INDEX_op_div:
    case INDEX_op_rem:
        /* Leave undefined cases to the (guarded) generated code. */
        if (sy == 0 || (sy == -1 && sx == (w32 ? INT32_MIN : INT64_MIN))) {
            return false;
        }
        r = opc == INDEX_op_div ? (uint64_t)(sx / sy) : (uint64_t)(sx % sy);
        break;
    case INDEX_op_divu:
    case INDEX_op_remu:
        if (uy == 0) {
            return false;
        }
        r = opc == INDEX_op_divu ? ux / uy : ux % uy;
        break;
    case INDEX_op_and: r = x & y; break;
    case INDEX_op_or: r = x | y; break;
    case INDEX_op_xor: r = x ^ y; break;
    case INDEX_op_andc: r = x & ~y; break;
    case INDEX_op_orc: r = x | ~y; break;
    case INDEX_op_eqv: r = ~(x ^ y); break;
    case INDEX_op_shl: r = ux << sh; break;
    case INDEX_op_shr: r = ux >> sh; break;
    case INDEX_op_sar: r = (uint64_t)(sx >> sh); break;
    case INDEX_op_rotl:
        r = sh ? (ux << sh) | (ux >> (bits - sh)) : ux;
        break;
    case INDEX_op_rotr:
        r = sh ? (ux >> sh) | (ux << (bits - sh)) : ux;
        break;
    case INDEX_op_neg: r = -x; break;
    case INDEX_op_not: r = ~x; break;
    case INDEX_op_clz:
        if (ux == 0) {
            r = y;
        } else {
            r = w32 ? (uint64_t)__builtin_clz((uint32_t)ux)
                    : (uint64_t)__builtin_clzll(ux);
        }
        break;
    case INDEX_op_ctz:
        r = ux ? (uint64_t)__builtin_ctzll(ux) : y;
        break;
    case INDEX_op_ctpop: r = (uint64_t)__builtin_popcountll(ux); break;
    case INDEX_op_bswap16: r = bswap16_val(x); break;
    case INDEX_op_bswap32: r = __builtin_bswap32((uint32_t)x); break;
    case INDEX_op_bswap64: r = __builtin_bswap64(x); break;
    case INDEX_op_ext8s: r = (uint64_t)(int64_t)(int8_t)x; break;
    case INDEX_op_ext8u: r = (uint8_t)x; break;
    case INDEX_op_ext16s: r = (uint64_t)(int64_t)(int16_t)x; break;
    case INDEX_op_ext16u: r = (uint16_t)x; break;
    case INDEX_op_ext32s:
    case INDEX_op_ext_i32_i64:
        r = (uint64_t)(int64_t)(int32_t)x;
        break;
    case INDEX_op_ext32u:
    case INDEX_op_extu_i32_i64:
        r = (uint32_t)x;
        break;
    case INDEX_op_extrl_i64_i32: r = (uint32_t)x; break;
    default:
        return false;
    }
    *res = norm(type, r);
    return true;
}

/* Division's const arg is only a hint: fold it like plain arithmetic. */
static bool is_division(TCGOpcode opc)
{
    return opc == INDEX_op_div || opc == INDEX_op_divu ||
           opc == INDEX_op_rem || opc == INDEX_op_remu;
}

static bool is_commutative(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_add: case INDEX_op_mul: case INDEX_op_muluh:
    case INDEX_op_mulsh: case INDEX_op_and: case INDEX_op_or:
    case INDEX_op_xor: case INDEX_op_eqv:
        return true;
    default:
        return false;
    }
}

/* Same value for sure: same temp, copies of each other, equal consts. */
static bool same_value(TCGType type, TCGTemp *a, TCGTemp *b)
{
    if (a == b) {
        return true;
    }
    if (is_const(a) && is_const(b)) {
        return norm(type, const_val(a)) == norm(type, const_val(b));
    }
    return false;
}

/* Algebraic identities with a constant second operand or x op x. */
static bool simplify_binop(TCGOp *op)
{
    TCGType type = op->type;
    TCGTemp *a = arg_temp(op->args[1]), *b = arg_temp(op->args[2]);
    uint64_t ones = norm(type, ~0ULL);

    if (same_value(type, a, b)) {
        switch (op->opc) {
        case INDEX_op_sub: case INDEX_op_xor: case INDEX_op_andc:
            to_movi(op, 0);
            return true;
        case INDEX_op_and: case INDEX_op_or:
            to_mov(op, a);
            return true;
        case INDEX_op_eqv: case INDEX_op_orc:
            to_movi(op, ones);
            return true;
        default:
            break;
        }
    }
    if (!is_const(b)) {
        return false;
    }
    uint64_t v = norm(type, const_val(b));
    switch (op->opc) {
    case INDEX_op_add: case INDEX_op_sub: case INDEX_op_or:
    case INDEX_op_xor: case INDEX_op_shl: case INDEX_op_shr:
    case INDEX_op_sar: case INDEX_op_rotl: case INDEX_op_rotr:
    case INDEX_op_andc: {
        unsigned bits = type == TCG_TYPE_I32 ? 32 : 64;
        bool shift = op->opc == INDEX_op_shl || op->opc == INDEX_op_shr ||
                     op->opc == INDEX_op_sar || op->opc == INDEX_op_rotl ||
                     op->opc == INDEX_op_rotr;
        if ((shift ? (v & (bits - 1)) : v) == 0) {
            to_mov(op, a);
            return true;
        }
        if (op->opc == INDEX_op_or && v == ones) {
            to_movi(op, ones);
            return true;
        }
        if (op->opc == INDEX_op_andc && v == ones) {
            to_movi(op, 0);
            return true;
        }
        break;
    }
    case INDEX_op_and:
        if (v == 0) {
            to_movi(op, 0);
            return true;
        }
        if (v == ones) {
            to_mov(op, a);
            return true;
        }
        break;
    case INDEX_op_orc:
        if (v == 0) {
            to_movi(op, ones);
            return true;
        }
        if (v == ones) {
            to_mov(op, a);
            return true;
        }
        break;
    case INDEX_op_eqv:
        if (v == ones) {
            to_mov(op, a);
            return true;
        }
        break;
    case INDEX_op_mul:
        if (v == 0) {
            to_movi(op, 0);
            return true;
        }
        if (v == 1) {
            to_mov(op, a);
            return true;
        }
        break;
    case INDEX_op_muluh: case INDEX_op_mulsh:
        if (v == 0) {
            to_movi(op, 0);
            return true;
        }
        break;
    case INDEX_op_div: case INDEX_op_divu:
        if (v == 1) {
            to_mov(op, a);
            return true;
        }
        break;
    case INDEX_op_remu:
        if (v == 1) {
            to_movi(op, 0);
            return true;
        }
        break;
    default:
        break;
    }
    return false;
}

/* -1: unknown, else the outcome of "a cond b". */
static int eval_cond(TCGType type, TCGCond c, TCGTemp *a, TCGTemp *b)
{
    if (c == TCG_COND_ALWAYS) {
        return 1;
    }
    if (c == TCG_COND_NEVER) {
        return 0;
    }
    if (is_const(a) && is_const(b)) {
        return tcg_cond_eval(c, type, const_val(a), const_val(b));
    }
    if (a == b) {
        switch (c) {
        case TCG_COND_EQ: case TCG_COND_GE: case TCG_COND_LE:
        case TCG_COND_GEU: case TCG_COND_LEU:
            return 1;
        case TCG_COND_NE: case TCG_COND_LT: case TCG_COND_GT:
        case TCG_COND_LTU: case TCG_COND_GTU:
            return 0;
        default:
            break;
        }
    }
    if (is_const(b) && norm(type, const_val(b)) == 0) {
        /* x >= 0u always; x < 0u never; x & 0 is always zero. */
        switch (c) {
        case TCG_COND_GEU: case TCG_COND_TSTEQ:
            return 1;
        case TCG_COND_LTU: case TCG_COND_TSTNE:
            return 0;
        default:
            break;
        }
    }
    return -1;
}

/* Put a constant operand second: swap args (and cond) if needed. */
static void canon_cmp(TCGOp *op, int ai, int ci)
{
    TCGTemp *a = arg_temp(op->args[ai]), *b = arg_temp(op->args[ai + 1]);

    if (is_const(a) && !is_const(b)) {
        op->args[ai] = temp_arg(b);
        op->args[ai + 1] = temp_arg(a);
        op->args[ci] = tcg_swap_cond((TCGCond)op->args[ci]);
    }
}

void tcg_optimize(TCGContext *s)
{
    TCGOp *op, *next;
    int i;

    reset_all(s);
    for (op = s->first_op; op; op = next) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        int nb_o, nb_i;
        bool done = false;

        next = op->next;
        if (op->opc == INDEX_op_set_label) {
            reset_all(s);
            continue;
        }
        nb_o = tcg_op_nb_oargs(op);
        nb_i = tcg_op_nb_iargs(op);

        /* Propagate copies and known constants into the inputs. */
        for (i = nb_o; i < nb_o + nb_i; i++) {
            TCGTemp *t = arg_temp(op->args[i]);
            OptInfo *oi = info(t);

            if (t->kind == TEMP_CONST) {
                continue;
            }
            if (oi->is_const) {
                op->args[i] = temp_arg(const_temp(t->type, oi->val));
            } else if (oi->copy) {
                op->args[i] = temp_arg(oi->copy);
            }
        }

        switch (op->opc) {
        case INDEX_op_brcond: {
            TCGCond c;
            int r;

            canon_cmp(op, 0, 2);
            c = (TCGCond)op->args[2];
            r = eval_cond(op->type, c, arg_temp(op->args[0]),
                          arg_temp(op->args[1]));
            if (r == 0) {
                tcg_op_remove(s, op);
                continue;
            }
            if (r == 1) {
                TCGArg l = op->args[3];
                op->opc = INDEX_op_br;
                op->nargs = 1;
                op->args[0] = l;
            }
            done = true;
            break;
        }
        case INDEX_op_setcond: {
            int r;

            canon_cmp(op, 1, 3);
            r = eval_cond(op->type, (TCGCond)op->args[3],
                          arg_temp(op->args[1]), arg_temp(op->args[2]));
            if (r >= 0) {
                to_movi(op, r);
            }
            break;
        }
        case INDEX_op_movcond: {
            int r;
            TCGTemp *v1 = arg_temp(op->args[3]), *v2 = arg_temp(op->args[4]);

            if (is_const(arg_temp(op->args[1])) &&
                !is_const(arg_temp(op->args[2]))) {
                TCGArg t = op->args[1];
                op->args[1] = op->args[2];
                op->args[2] = t;
                op->args[5] = tcg_swap_cond((TCGCond)op->args[5]);
            }
            r = eval_cond(op->type, (TCGCond)op->args[5],
                          arg_temp(op->args[1]), arg_temp(op->args[2]));
            if (r >= 0) {
                to_mov(op, r ? v1 : v2);
            } else if (v1 == v2) {
                to_mov(op, v1);
            }
            break;
        }
        default:
            break;
        }

        /* Constant folding of plain arithmetic. */
        if (!done && op->opc != INDEX_op_mov && op->opc != INDEX_op_call &&
            nb_o == 1 && !(def->flags & TCG_OPF_SIDE_EFFECTS) &&
            (def->nb_cargs == 0 || is_division(op->opc)) &&
            op->opc != INDEX_op_movcond &&
            op->opc != INDEX_op_setcond) {
            TCGTemp *a = arg_temp(op->args[1]);
            TCGTemp *b = nb_i > 1 ? arg_temp(op->args[2]) : NULL;
            uint64_t r;

            if (b && is_commutative(op->opc) && is_const(a) &&
                !is_const(b)) {
                op->args[1] = temp_arg(b);
                op->args[2] = temp_arg(a);
                a = arg_temp(op->args[1]);
                b = arg_temp(op->args[2]);
            }
            if (is_const(a) && (!b || is_const(b)) &&
                fold(op->opc, op->type, const_val(a), b ? const_val(b) : 0,
                     &r)) {
                to_movi(op, r);
            } else if (b && (op->opc == INDEX_op_clz ||
                             op->opc == INDEX_op_ctz)) {
                /* Known non-zero input or nothing to do. */
            } else if (b) {
                simplify_binop(op);
            }
        }

        /* mov of a value the destination already holds. */
        if (op->opc == INDEX_op_mov) {
            TCGTemp *d = arg_temp(op->args[0]);
            TCGTemp *src = arg_temp(op->args[1]);

            if (d == src || info(d)->copy == src ||
                (is_const(d) && is_const(src) && d->kind != TEMP_CONST &&
                 norm(op->type, const_val(d)) ==
                 norm(op->type, const_val(src)))) {
                tcg_op_remove(s, op);
                continue;
            }
        }

        /* Record what we now know about the outputs. */
        if (op->opc == INDEX_op_call) {
            const TCGHelperInfo *hi =
                (const TCGHelperInfo *)op->args[op->nargs - 1];
            if (!(hi->flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                invalidate_globals(s);
            }
        }
        nb_o = tcg_op_nb_oargs(op);
        for (i = 0; i < nb_o; i++) {
            invalidate(s, arg_temp(op->args[i]));
        }
        if (op->opc == INDEX_op_mov) {
            TCGTemp *d = arg_temp(op->args[0]);
            TCGTemp *src = arg_temp(op->args[1]);

            if (is_const(src)) {
                info(d)->is_const = true;
                info(d)->val = norm(op->type, const_val(src));
                touch(d);
            } else if (src->type == d->type && src->kind != TEMP_FIXED &&
                       d->kind != TEMP_FIXED) {
                record_copy(d, src);
            }
        }
    }
}
