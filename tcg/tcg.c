/* SPDX-License-Identifier: MIT */
/* TCG IR core: context, temps, labels, op list, calls, dumping. */
#include "tcg-internal.h"
#include <inttypes.h>
#include <stdlib.h>
#include <x86intrin.h>

static TCGContext tcg_ctx_storage;
static TCGBackend tcg_backend_storage;
TCGContext *tcg_ctx;
intptr_t tcg_splitwx_diff;
/*
 * -accel tcg,thread=multi (set by accel/tcg/cpus.c): only then does the
 * backend emit host barriers for guest fences.
 */
bool tcg_mttcg;

const TCGOpDef tcg_op_defs[NB_OPS] = {
#define DEF(n, o, i, c, f) [INDEX_op_##n] = { #n, o, i, c, f },
#include "machina/tcg-opc.h"
#undef DEF
};

static void NORETURN tcg_abort(const char *why)
{
    fprintf(stderr, "tcg: %s\n", why);
    abort();
}

void *tcg_grow(void *p, int *max, int need, size_t elem)
{
    int n;

    if (need <= *max) {
        return p;
    }
    n = *max ? *max * 2 : 64;
    while (n < need) {
        n *= 2;
    }
    p = realloc(p, (size_t)n * elem);
    if (!p) {
        tcg_abort("out of memory");
    }
    *max = n;
    return p;
}

void tcg_context_init(void)
{
    TCGContext *s = &tcg_ctx_storage;
    TCGTemp *t;

    memset(s, 0, sizeof(*s));
    memset(&tcg_backend_storage, 0, sizeof(tcg_backend_storage));
    s->backend = &tcg_backend_storage;
    tcg_ctx = s;
    tcg_target_init();

    /* The env pointer lives in a callee-saved host register for good. */
    t = &s->temps[0];
    t->type = TCG_TYPE_I64;
    t->kind = TEMP_FIXED;
    t->name = "env";
    t->index = 0;
    t->in_use = true;
    t->val_type = TEMP_VAL_REG;
    t->reg = TCG_TARGET_ENV_REG;
    s->env = t;
    s->nb_globals = 1;
    s->nb_temps = 1;
}

static TCGTemp *tcg_temp_alloc(void)
{
    TCGContext *s = tcg_ctx;
    TCGTemp *t;

    if (s->nb_temps >= TCG_MAX_TEMPS) {
        tcg_abort("too many temps");
    }
    t = &s->temps[s->nb_temps];
    memset(t, 0, sizeof(*t));
    t->index = s->nb_temps++;
    return t;
}

static TCGv tcg_global_new(TCGType type, intptr_t offset, const char *name)
{
    TCGContext *s = tcg_ctx;
    TCGTemp *t;

    /* Globals come first: define them all before the first TB. */
    if (s->nb_temps != s->nb_globals) {
        tcg_abort("globals must be created before other temps");
    }
    t = tcg_temp_alloc();
    t->type = type;
    t->kind = TEMP_GLOBAL;
    t->mem_offset = offset;
    t->name = name;
    t->in_use = true;
    t->val_type = TEMP_VAL_MEM;
    t->mem_coherent = true;
    t->mem_allocated = true;
    s->nb_globals++;
    return t;
}

TCGv tcg_global_mem_new_i64(intptr_t offset, const char *name)
{
    return tcg_global_new(TCG_TYPE_I64, offset, name);
}

TCGv tcg_global_mem_new_i32(intptr_t offset, const char *name)
{
    return tcg_global_new(TCG_TYPE_I32, offset, name);
}

void tcg_func_start(void)
{
    TCGContext *s = tcg_ctx;

    /* Splice the whole op list onto the pool in one step. */
    if (s->first_op) {
        s->last_op->next = s->op_pool;
        s->op_pool = s->first_op;
    }
    s->first_op = s->last_op = NULL;
    s->nb_ops = 0;
    s->nb_temps = s->nb_globals;
    s->nb_labels = 0;
    s->nb_insns = 0;
    s->goto_tb_off[0] = s->goto_tb_off[1] = 0;
    s->goto_tb_reset[0] = s->goto_tb_reset[1] = 0;
    memset(s->free_temps, 0, sizeof(s->free_temps));
    memset(s->const_hash, 0, sizeof(s->const_hash));
    s->start_tsc = __rdtsc();
}

static TCGv tcg_temp_new_kind(TCGType type, TCGTempKind kind)
{
    TCGContext *s = tcg_ctx;
    TCGTemp **head = &s->free_temps[kind == TEMP_TB][type];
    TCGTemp *t = *head;

    /* Recycle a freed temp of the same shape first. */
    if (t) {
        *head = t->next_free;
        t->in_use = true;
        return t;
    }
    t = tcg_temp_alloc();
    t->type = type;
    t->kind = kind;
    t->in_use = true;
    return t;
}

TCGv tcg_temp_new_i64(void)
{
    return tcg_temp_new_kind(TCG_TYPE_I64, TEMP_EBB);
}

TCGv tcg_temp_new_i32(void)
{
    return tcg_temp_new_kind(TCG_TYPE_I32, TEMP_EBB);
}

TCGv tcg_temp_local_new_i64(void)
{
    return tcg_temp_new_kind(TCG_TYPE_I64, TEMP_TB);
}

TCGv tcg_temp_local_new_i32(void)
{
    return tcg_temp_new_kind(TCG_TYPE_I32, TEMP_TB);
}

void tcg_temp_free(TCGv t)
{
    TCGTemp **head;

    /* A second free of the same temp must not list it twice. */
    if (t && t->in_use && (t->kind == TEMP_EBB || t->kind == TEMP_TB)) {
        t->in_use = false;
        head = &tcg_ctx->free_temps[t->kind == TEMP_TB][t->type];
        t->next_free = *head;
        *head = t;
    }
}

static unsigned const_bucket(TCGType type, int64_t v)
{
    uint64_t h = ((uint64_t)v ^ type) * 0x9e3779b97f4a7c15ull;

    return (unsigned)(h >> 56) & (TCG_CONST_HASH - 1);
}

static TCGv tcg_constant(TCGType type, int64_t v)
{
    TCGContext *s = tcg_ctx;
    unsigned b = const_bucket(type, v);
    TCGTemp *t;
    int i;

    /* Constants are interned per TB (hash chains through const_next). */
    for (i = s->const_hash[b]; i; i = t->const_next) {
        t = &s->temps[i];
        if (t->type == type && t->val == v) {
            return t;
        }
    }
    t = tcg_temp_alloc();
    t->type = type;
    t->kind = TEMP_CONST;
    t->val = v;
    t->in_use = true;
    t->const_next = s->const_hash[b];
    s->const_hash[b] = (uint16_t)t->index;
    return t;
}

TCGv tcg_constant_i64(int64_t v)
{
    return tcg_constant(TCG_TYPE_I64, v);
}

TCGv tcg_constant_i32(int32_t v)
{
    return tcg_constant(TCG_TYPE_I32, v);
}

TCGLabel *gen_new_label(void)
{
    TCGContext *s = tcg_ctx;
    TCGLabel *l;

    if (s->nb_labels >= TCG_MAX_LABELS) {
        tcg_abort("too many labels");
    }
    l = &s->labels[s->nb_labels];
    memset(l, 0, sizeof(*l));
    l->id = s->nb_labels++;
    return l;
}

void gen_set_label(TCGLabel *l)
{
    tcg_gen_op1(INDEX_op_set_label, TCG_TYPE_I64, (TCGArg)l);
}

TCGOp *tcg_emit_op(TCGOpcode opc, TCGType type, int nargs,
                   const TCGArg *args)
{
    TCGContext *s = tcg_ctx;
    TCGOp *op;

    if (nargs > TCG_MAX_OP_ARGS) {
        tcg_abort("too many op args");
    }
    if (opc != INDEX_op_call &&
        nargs != tcg_op_defs[opc].nb_oargs + tcg_op_defs[opc].nb_iargs +
                 tcg_op_defs[opc].nb_cargs) {
        tcg_abort("wrong number of op args");
    }
    op = s->op_pool;
    if (op) {
        s->op_pool = op->next;
    } else {
        op = malloc(sizeof(*op));
        if (!op) {
            tcg_abort("out of memory");
        }
    }
    /* Slots past nargs are never read: no need to clear them. */
    op->opc = opc;
    op->type = type;
    op->nargs = nargs;
    op->life = 0;
    memcpy(op->args, args, nargs * sizeof(TCGArg));
    op->next = NULL;
    op->prev = s->last_op;
    if (s->last_op) {
        s->last_op->next = op;
    } else {
        s->first_op = op;
    }
    s->last_op = op;
    s->nb_ops++;
    return op;
}

void tcg_op_remove(TCGContext *s, TCGOp *op)
{
    if (op->prev) {
        op->prev->next = op->next;
    } else {
        s->first_op = op->next;
    }
    if (op->next) {
        op->next->prev = op->prev;
    } else {
        s->last_op = op->prev;
    }
    op->next = s->op_pool;
    s->op_pool = op;
    s->nb_ops--;
}

void tcg_gen_callN(const TCGHelperInfo *info, TCGv ret, int nargs,
                   TCGv *args)
{
    TCGArg a[TCG_MAX_OP_ARGS];
    int n = 0, i;

    if (nargs != info->nargs || nargs > 6) {
        tcg_abort("helper call: bad argument count");
    }
    if (ret && info->has_ret) {
        a[n++] = temp_arg(ret);
    }
    for (i = 0; i < nargs; i++) {
        a[n++] = temp_arg(args[i]);
    }
    a[n++] = (TCGArg)info;
    tcg_emit_op(INDEX_op_call, TCG_TYPE_I64, n, a);
}

/* ---- Conditions ---- */

TCGCond tcg_invert_cond(TCGCond c)
{
    switch (c) {
    case TCG_COND_NEVER: return TCG_COND_ALWAYS;
    case TCG_COND_ALWAYS: return TCG_COND_NEVER;
    case TCG_COND_EQ: return TCG_COND_NE;
    case TCG_COND_NE: return TCG_COND_EQ;
    case TCG_COND_LT: return TCG_COND_GE;
    case TCG_COND_GE: return TCG_COND_LT;
    case TCG_COND_LE: return TCG_COND_GT;
    case TCG_COND_GT: return TCG_COND_LE;
    case TCG_COND_LTU: return TCG_COND_GEU;
    case TCG_COND_GEU: return TCG_COND_LTU;
    case TCG_COND_LEU: return TCG_COND_GTU;
    case TCG_COND_GTU: return TCG_COND_LEU;
    case TCG_COND_TSTEQ: return TCG_COND_TSTNE;
    case TCG_COND_TSTNE: return TCG_COND_TSTEQ;
    }
    return c;
}

TCGCond tcg_swap_cond(TCGCond c)
{
    switch (c) {
    case TCG_COND_LT: return TCG_COND_GT;
    case TCG_COND_GT: return TCG_COND_LT;
    case TCG_COND_LE: return TCG_COND_GE;
    case TCG_COND_GE: return TCG_COND_LE;
    case TCG_COND_LTU: return TCG_COND_GTU;
    case TCG_COND_GTU: return TCG_COND_LTU;
    case TCG_COND_LEU: return TCG_COND_GEU;
    case TCG_COND_GEU: return TCG_COND_LEU;
    default: return c;      /* symmetric */
    }
}

bool tcg_cond_eval(TCGCond c, TCGType type, uint64_t a, uint64_t b)
{
    int64_t sa, sb;

    if (type == TCG_TYPE_I32) {
        sa = (int32_t)a;
        sb = (int32_t)b;
        a = (uint32_t)a;
        b = (uint32_t)b;
    } else {
        sa = (int64_t)a;
        sb = (int64_t)b;
    }
    switch (c) {
    case TCG_COND_NEVER: return false;
    case TCG_COND_ALWAYS: return true;
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return sa < sb;
    case TCG_COND_GE: return sa >= sb;
    case TCG_COND_LE: return sa <= sb;
    case TCG_COND_GT: return sa > sb;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    case TCG_COND_TSTEQ: return (a & b) == 0;
    case TCG_COND_TSTNE: return (a & b) != 0;
    }
    return false;
}

/* ---- Dumping ---- */

static const char *const cond_names[] = {
    [TCG_COND_NEVER] = "never", [TCG_COND_ALWAYS] = "always",
    [TCG_COND_EQ] = "eq", [TCG_COND_NE] = "ne",
    [TCG_COND_LT] = "lt", [TCG_COND_GE] = "ge",
    [TCG_COND_LE] = "le", [TCG_COND_GT] = "gt",
    [TCG_COND_LTU] = "ltu", [TCG_COND_GEU] = "geu",
    [TCG_COND_LEU] = "leu", [TCG_COND_GTU] = "gtu",
    [TCG_COND_TSTEQ] = "tsteq", [TCG_COND_TSTNE] = "tstne",
};

static void dump_temp(FILE *f, const TCGTemp *t)
{
    switch (t->kind) {
    case TEMP_FIXED:
    case TEMP_GLOBAL:
        fprintf(f, "%s", t->name ? t->name : "global");
        break;
    case TEMP_CONST:
        fprintf(f, "$0x%" PRIx64, (uint64_t)t->val);
        break;
    case TEMP_TB:
        fprintf(f, "loc%d", t->index);
        break;
    default:
        fprintf(f, "tmp%d", t->index);
        break;
    }
}

static const char *cond_name(TCGArg c)
{
    return c < ARRAY_SIZE(cond_names) ? cond_names[c] : "?";
}

void tcg_dump_ops(TCGContext *s, FILE *f)
{
    const TCGOp *op;
    int insn = 0;

    for (op = s->first_op; op; op = op->next) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        int nb_o = tcg_op_nb_oargs(op), nb_i = tcg_op_nb_iargs(op);
        int i, n = 0;

        if (op->opc == INDEX_op_insn_start) {
            fprintf(f, " ---- %d 0x%" PRIx64 "\n", insn++,
                    (uint64_t)op->args[0]);
            continue;
        }
        if (op->opc == INDEX_op_set_label) {
            fprintf(f, "$L%d:\n", ((TCGLabel *)op->args[0])->id);
            continue;
        }
        if (op->opc == INDEX_op_call) {
            const TCGHelperInfo *info =
                (const TCGHelperInfo *)op->args[op->nargs - 1];
            fprintf(f, " call %s", info->name ? info->name : "?");
        } else if (def->nb_oargs + def->nb_iargs > 0 &&
                   op->opc != INDEX_op_goto_ptr) {
            fprintf(f, " %s_%s", def->name,
                    op->type == TCG_TYPE_I32 ? "i32" : "i64");
        } else {
            fprintf(f, " %s", def->name);
        }
        for (i = 0; i < nb_o + nb_i; i++) {
            fprintf(f, "%s", n++ ? "," : " ");
            dump_temp(f, arg_temp(op->args[i]));
        }
        if (op->opc == INDEX_op_call) {
            fprintf(f, "\n");
            continue;
        }
        for (i = nb_o + nb_i; i < op->nargs; i++) {
            TCGArg a = op->args[i];

            fprintf(f, "%s", n++ ? "," : " ");
            switch (op->opc) {
            case INDEX_op_br:
                fprintf(f, "$L%d", ((TCGLabel *)a)->id);
                break;
            case INDEX_op_brcond:
                if (i == nb_o + nb_i) {
                    fprintf(f, "%s", cond_name(a));
                } else {
                    fprintf(f, "$L%d", ((TCGLabel *)a)->id);
                }
                break;
            case INDEX_op_setcond:
            case INDEX_op_movcond:
                fprintf(f, "%s", cond_name(a));
                break;
            case INDEX_op_qemu_ld:
            case INDEX_op_qemu_st:
                fprintf(f, "mop=0x%x,mmu=%d", (unsigned)get_memop(a),
                        get_mmuidx(a));
                break;
            default:
                fprintf(f, "$0x%" PRIx64, (uint64_t)a);
                break;
            }
        }
        if (op->life) {
            fprintf(f, "  dead:");
            for (i = 0; i < nb_o + nb_i; i++) {
                if (op->life & (1u << i)) {
                    fprintf(f, " %d", i);
                }
            }
        }
        fprintf(f, "\n");
    }
}

/* ---- Statistics ---- */

/* Cycles below which a fraction q of the translations took (~10%). */
static uint64_t cycle_quantile(const TCGStats *st, double q)
{
    uint64_t seen = 0;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(st->cycle_hist); i++) {
        seen += st->cycle_hist[i];
        if (seen && (double)seen >= q * (double)st->tbs) {
            return tcg_cycle_bucket_min(i);
        }
    }
    return 0;
}

void tcg_dump_stats(FILE *f)
{
    const TCGStats *st;
    double n;

    if (!tcg_ctx) {
        fprintf(f, "TCG is not in use\n");
        return;
    }
    st = &tcg_ctx->stats;
    n = st->tbs ? (double)st->tbs : 1.0;
    fprintf(f, "Translation blocks generated: %" PRIu64 "\n", st->tbs);
    fprintf(f, "Guest instructions per TB:    %.2f\n",
            (double)st->guest_insns / n);
    fprintf(f, "IR ops per TB:                %.1f emitted, %.1f after "
            "optimization\n", (double)st->ops / n, (double)st->ops_opt / n);
    fprintf(f, "Temps per TB:                 %.1f (plus %d globals)\n",
            (double)st->temps / n, tcg_ctx->nb_globals);
    fprintf(f, "Host code bytes per TB:       %.1f\n",
            (double)st->code_bytes / n);
    fprintf(f, "Translation cycles per TB:    %.0f (tcg_gen_code %.0f), "
            "max %" PRIu64 "\n", (double)st->cycles / n,
            (double)st->cycles_gen / n, st->max_cycles);
    fprintf(f, "Translation cycles median:    ~%" PRIu64 " (p90 ~%" PRIu64
            ")\n", cycle_quantile(st, 0.5), cycle_quantile(st, 0.9));
    fprintf(f, "Translation cycles total:     %" PRIu64 "\n", st->cycles);
}
