/* SPDX-License-Identifier: MIT */
/*
 * TCG intermediate representation: what a guest front end emits for one
 * translation block, and what the optimizer, register allocator and host
 * backend consume.
 *
 * Model (same as QEMU's TCG, our own implementation):
 *  - Temps are typed I32 or I64.  Kinds:
 *      global  - a field of the CPU state (offset from the env pointer);
 *                kept in host registers within a TB, written back at
 *                basic-block ends, before helper calls that read globals
 *                and before guest memory accesses (which may fault);
 *      ebb     - tcg_temp_new(): dead at every label and branch; may not
 *                be used across a set_label or br/brcond;
 *      tb      - tcg_temp_local_new(): keeps its value across labels;
 *      const   - tcg_constant_i64(v): read-only, shared, never freed.
 *  - An I32 value in a 64-bit host register has undefined high bits unless
 *    the op says otherwise; I32 ops only look at the low 32 bits.
 *  - Division ops have undefined results (and may trap on the host) for a
 *    zero divisor or INT_MIN / -1; the front end must guard them.
 */
#ifndef MACHINA_TCG_H
#define MACHINA_TCG_H

#include "machina/common.h"
#include <stdio.h>

typedef enum TCGType { TCG_TYPE_I32, TCG_TYPE_I64 } TCGType;

typedef enum TCGCond {
    TCG_COND_NEVER, TCG_COND_ALWAYS,
    TCG_COND_EQ, TCG_COND_NE,
    TCG_COND_LT, TCG_COND_GE, TCG_COND_LE, TCG_COND_GT,     /* signed */
    TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU, /* unsigned */
    /* (a & b) == 0, (a & b) != 0 */
    TCG_COND_TSTEQ, TCG_COND_TSTNE,
} TCGCond;

TCGCond tcg_invert_cond(TCGCond c);
TCGCond tcg_swap_cond(TCGCond c);       /* for swapped operands */
bool tcg_cond_eval(TCGCond c, TCGType type, uint64_t a, uint64_t b);

/* Guest memory operation descriptor. */
typedef enum MemOp {
    MO_8 = 0, MO_16 = 1, MO_32 = 2, MO_64 = 3,
    MO_SIZE = 3,
    MO_SIGN = 4,            /* sign-extend loads */
    MO_ALIGN = 8,           /* misaligned access raises an alignment fault */
    MO_UB = MO_8, MO_UW = MO_16, MO_UL = MO_32, MO_UQ = MO_64,
    MO_SB = MO_8 | MO_SIGN, MO_SW = MO_16 | MO_SIGN, MO_SL = MO_32 | MO_SIGN,
} MemOp;

/* MemOpIdx: memop in bits 0..7, mmu index in bits 8..11. */
typedef uint32_t MemOpIdx;
static inline MemOpIdx make_memop_idx(MemOp op, int mmu_idx)
{
    return (uint32_t)op | ((uint32_t)mmu_idx << 8);
}
static inline MemOp get_memop(MemOpIdx oi) { return (MemOp)(oi & 0xff); }
static inline int get_mmuidx(MemOpIdx oi) { return (oi >> 8) & 0xf; }

typedef enum TCGOpcode {
#define DEF(name, oargs, iargs, cargs, flags) INDEX_op_##name,
#include "machina/tcg-opc.h"
#undef DEF
    NB_OPS,
} TCGOpcode;

typedef enum TCGTempKind {
    TEMP_EBB,       /* dead at basic-block end */
    TEMP_TB,        /* lives across basic blocks within the TB */
    TEMP_GLOBAL,    /* CPU state field */
    TEMP_FIXED,     /* fixed host register (the env pointer) */
    TEMP_CONST,
} TCGTempKind;

typedef struct TCGTemp {
    TCGType type;
    TCGTempKind kind;
    int64_t val;                /* TEMP_CONST value */
    intptr_t mem_offset;        /* TEMP_GLOBAL: offset from env */
    const char *name;           /* TEMP_GLOBAL */
    int index;                  /* in TCGContext.temps */
    bool in_use;                /* allocated (EBB/TB) */
    /* Register allocator state (backend private). */
    int val_type;
    int reg;
    bool mem_coherent;
    bool mem_allocated;
    intptr_t stack_offset;
    /* Optimizer/liveness scratch. */
    int state;
    void *state_ptr;
    /* Free list of recycled EBB/TB temps (tcg.c). */
    struct TCGTemp *next_free;
    /* Next TEMP_CONST in the same constant hash bucket (temp index). */
    uint16_t const_next;
} TCGTemp;

/* Handles the front end uses.  I32 and I64 share a representation. */
typedef TCGTemp *TCGv;
typedef TCGTemp *TCGv_i32;
typedef TCGTemp *TCGv_i64;
typedef TCGTemp *TCGv_ptr;

typedef struct TCGLabel {
    int id;
    bool has_value;             /* placed */
    uintptr_t value;            /* host code address once placed */
    /* Unresolved branch sites (backend private). */
    struct TCGRelocation *relocs;
    bool referenced;
} TCGLabel;

/* Argument slot of an op: a temp, a constant or a label. */
typedef uintptr_t TCGArg;

#define TCG_MAX_OP_ARGS 10

/* Helper call flags. */
enum {
    TCG_CALL_NO_READ_GLOBALS = 1,   /* helper does not read CPU globals */
    TCG_CALL_NO_WRITE_GLOBALS = 2,  /* helper does not write CPU globals */
    TCG_CALL_NO_SIDE_EFFECTS = 4,   /* pure: may be removed if unused */
    TCG_CALL_NO_RWG = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,
    TCG_CALL_NO_RWG_SE = TCG_CALL_NO_RWG | TCG_CALL_NO_SIDE_EFFECTS,
    /* Helper may raise a guest exception (longjmp) - implies globals synced */
};

typedef struct TCGHelperInfo {
    void *func;
    const char *name;
    unsigned flags;
    int nargs;                  /* number of input args (<= 6) */
    bool has_ret;               /* returns a 64-bit value */
} TCGHelperInfo;

/*
 * INDEX_op_fpop: one guest FP operation done inline on the host's SSE
 * unit when that provably gives the guest's result and flags, else a
 * call of the guest's own helper (out of line; it saves the
 * call-clobbered registers, so the op does not end the register state).
 * The host MXCSR must be in its default state (round to nearest, all
 * exceptions masked, no FTZ/DAZ) while generated code runs; the FP
 * helpers keep it so.  The fast path is taken only when
 *  - (env word at set_off & set_mask) != 0, when set_mask != 0: the
 *    guest's inexact flag is already accrued, so the only flag a normal
 *    result can raise changes nothing;
 *  - (env word at clr_off & clr_mask) == 0, when clr_mask != 0: dynamic
 *    rounding mode is to nearest (and no flush-to-zero);
 *  - for nanbox, every single-precision input is NaN-boxed (RISC-V);
 *  - the result passes `check`: FINITE (not Inf/NaN: add, sub, sqrt,
 *    which cannot underflow inexactly) or NORMAL (finite and above the
 *    smallest normal: mul, div, fma).  NaN results always take the
 *    helper, which applies the guest's NaN rules.
 * Helper arguments: env, then imm (if imm_first), the nb_in inputs,
 * then imm (if has_imm and !imm_first).
 */
enum {
    TCG_FP_ADD, TCG_FP_SUB, TCG_FP_MUL, TCG_FP_DIV, TCG_FP_SQRT,
    TCG_FP_FMA,             /* a * b + c, fused */
    TCG_FP_CVT_I64,         /* signed 64-bit integer a -> FP */
    TCG_FP_CVT_I32,         /* signed 32-bit integer a -> FP */
    TCG_FP_CVT_U32,         /* unsigned 32-bit integer a -> FP */
};
enum { TCG_FPCHK_NONE, TCG_FPCHK_FINITE, TCG_FPCHK_NORMAL };

typedef struct TCGFPOpInfo {
    uint8_t op;             /* TCG_FP_* */
    bool is64;              /* binary64, else binary32 */
    uint8_t check;          /* TCG_FPCHK_* */
    bool nanbox;            /* binary32 in a NaN-boxed 64-bit value */
    bool neg_a, neg_c;      /* FMA: sign of a / c flipped first */
    uint8_t nb_in;          /* inputs passed to the helper (1..3) */
    bool has_imm, imm_first;
    int32_t set_off, clr_off;
    uint32_t set_mask, clr_mask;
    const struct TCGHelperInfo *helper;
} TCGFPOpInfo;

/* The host can do TCG_FP_FMA (FMA3); probed by the backend. */
extern bool tcg_have_fma;

typedef struct TCGOp {
    TCGOpcode opc;
    TCGType type;               /* operand width of the op */
    uint8_t nargs;
    /* Bit i set: output arg i is dead after this op (filled by liveness). */
    uint16_t life;
    TCGArg args[TCG_MAX_OP_ARGS];
    struct TCGOp *next, *prev;
} TCGOp;

#define TCG_MAX_TEMPS 512
#define TCG_MAX_LABELS 512
#define TCG_MAX_INSNS 512       /* guest instructions per TB */
#define TCG_CONST_HASH 256      /* buckets of the per-TB constant table */

/*
 * Translation statistics since start-up (`info jit`).  Cycles are TSC
 * ticks from tcg_func_start() to the end of tcg_gen_code(): the front
 * end's IR emission plus the optimizer, liveness, allocator and backend.
 */
typedef struct TCGStats {
    uint64_t tbs;               /* tcg_gen_code() calls that succeeded */
    uint64_t guest_insns;
    uint64_t ops;               /* ops emitted by front ends */
    uint64_t ops_opt;           /* ops left after optimize + liveness */
    uint64_t temps;             /* non-global temps per TB, summed */
    uint64_t code_bytes;        /* host code */
    uint64_t cycles;            /* TSC ticks spent translating */
    uint64_t cycles_gen;        /* of which in tcg_gen_code() */
    uint64_t max_cycles;        /* slowest single translation */
    /* Translations by cycles: 8 buckets per power of two (median, p90). */
    uint32_t cycle_hist[64 * 8];
} TCGStats;

typedef struct TCGContext {
    /* Ops of the TB being built, as a doubly linked list. */
    TCGOp *first_op, *last_op;
    TCGOp *op_pool;             /* free list */
    int nb_ops;
    TCGTemp temps[TCG_MAX_TEMPS];
    int nb_globals;             /* temps[0..nb_globals) are globals/fixed */
    int nb_temps;
    TCGLabel labels[TCG_MAX_LABELS];
    int nb_labels;
    TCGv_ptr env;               /* TEMP_FIXED: pointer to CPUState */
    /* Per guest instruction: host code end offset, for PC restore. */
    int nb_insns;
    uint32_t insn_end_off[TCG_MAX_INSNS];
    uint64_t insn_data[TCG_MAX_INSNS];
    /* Output buffer. */
    uint8_t *code_buf;          /* start of this TB's host code */
    uint8_t *code_ptr;          /* current emit position */
    uint8_t *code_end;          /* high-water mark (overflow check) */
    /* goto_tb patch points, filled by the backend. */
    uint32_t goto_tb_off[2];    /* offset of the jump instruction */
    uint32_t goto_tb_reset[2];  /* offset just after it */
    void *backend;              /* backend private */
    /* Freed EBB/TB temps by [kind == TEMP_TB][type], reused first. */
    TCGTemp *free_temps[2][2];
    /* Interned constants of this TB: bucket -> temp index (0 = none). */
    uint16_t const_hash[TCG_CONST_HASH];
    uint64_t start_tsc;         /* tcg_func_start() time stamp */
    TCGStats stats;
} TCGContext;

extern TCGContext *tcg_ctx;     /* the translation context (one) */
/*
 * Dual-mapped code buffer: writable address minus executable address of
 * the same byte; 0 (default) for one RWX mapping.  Buffers passed to
 * tcg_gen_code() and tcg_target_prologue() are the writable view.
 */
extern intptr_t tcg_splitwx_diff;

/* ---- Setting up (accel/tcg) ---- */
void tcg_context_init(void);
/* Define a global backed by env + offset. */
TCGv tcg_global_mem_new_i64(intptr_t offset, const char *name);
TCGv tcg_global_mem_new_i32(intptr_t offset, const char *name);
/* Start a new TB: drops all non-global temps, labels and ops. */
void tcg_func_start(void);
/*
 * Optimize, allocate registers and emit host code for the ops at
 * code_buf.  Returns the code size, or -1 if the buffer overflowed
 * (the caller flushes and retries).
 */
int tcg_gen_code(TCGContext *s, uint8_t *code_buf, uint8_t *code_end);
/* Print ops (-d op / op_opt). */
void tcg_dump_ops(TCGContext *s, FILE *f);
/* Print the translation statistics (HMP `info jit`). */
void tcg_dump_stats(FILE *f);

/* Passes, exposed for unit tests. */
void tcg_optimize(TCGContext *s);
void tcg_liveness(TCGContext *s);

/* ---- Temps ---- */
TCGv tcg_temp_new_i64(void);
TCGv tcg_temp_new_i32(void);
TCGv tcg_temp_local_new_i64(void);
TCGv tcg_temp_local_new_i32(void);
void tcg_temp_free(TCGv t);         /* optional; EBB temps recycle */
TCGv tcg_constant_i64(int64_t v);
TCGv tcg_constant_i32(int32_t v);

static inline TCGTemp *arg_temp(TCGArg a) { return (TCGTemp *)a; }
static inline TCGArg temp_arg(TCGTemp *t) { return (TCGArg)t; }

/* ---- Labels ---- */
TCGLabel *gen_new_label(void);
void gen_set_label(TCGLabel *l);

/* ---- Emitting ops (generic) ---- */
TCGOp *tcg_emit_op(TCGOpcode opc, TCGType type, int nargs,
                   const TCGArg *args);

/* Per-opcode static description (tcg-opc.h). */
enum {
    TCG_OPF_BB_END = 1,         /* ends a basic block */
    TCG_OPF_BB_EXIT = 2,        /* leaves the TB */
    TCG_OPF_SIDE_EFFECTS = 4,   /* cannot be removed */
    TCG_OPF_CALL_CLOBBER = 8,   /* clobbers call-clobbered host regs */
    TCG_OPF_NOT_PRESENT = 16,   /* pseudo op, no code */
    TCG_OPF_SYNC_GLOBALS = 32,  /* globals must be in memory before it */
};

typedef struct TCGOpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
    uint8_t flags;
} TCGOpDef;
extern const TCGOpDef tcg_op_defs[NB_OPS];

/*
 * n / d for every 64-bit n as a multiply by a reciprocal (tcg/udiv-magic.c):
 * t = high 64 bits of n * m; with add, t += (n - t) >> 1; q = t >> shift.
 * tcg_udiv_magic() is false for d < 2 and powers of two.
 */
typedef struct TCGUDivMagic {
    uint64_t m;
    int shift;
    bool add;
} TCGUDivMagic;

bool tcg_udiv_magic(uint64_t d, TCGUDivMagic *mg);
uint64_t tcg_udiv_magic_apply(uint64_t n, const TCGUDivMagic *mg);

/*
 * Signed n / d for every 64-bit n and d != 0 (MIN / -1 wraps to MIN):
 * t = n + high 64 bits of n * m (signed); q = (t >> shift, arithmetic)
 * + (1 if n < 0); q = -q if neg.
 */
typedef struct TCGSDivMagic {
    int64_t m;
    int shift;
    bool neg;
} TCGSDivMagic;

void tcg_sdiv_magic(int64_t d, TCGSDivMagic *mg);
int64_t tcg_sdiv_magic_apply(int64_t n, const TCGSDivMagic *mg);

/*
 * Inline generator functions: tcg_gen_<op>_<i32|i64>(...).  Output temps
 * come first, then inputs, then constant args (cond, memop, offset,
 * label), as in tcg-opc.h.
 */
#include "machina/tcg-gen.h"

#endif
