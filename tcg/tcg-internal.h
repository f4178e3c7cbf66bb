/* SPDX-License-Identifier: MIT */
/* TCG internals shared by the IR core, the passes and the host backend. */
#ifndef TCG_INTERNAL_H
#define TCG_INTERNAL_H

#include "machina/tcg.h"

/* Where a temp's value lives during register allocation. */
enum {
    TEMP_VAL_DEAD,
    TEMP_VAL_REG,
    TEMP_VAL_MEM,
    TEMP_VAL_CONST,
};

#define TCG_TARGET_NB_REGS 16

/* A branch to a label not yet placed: rel32 field at code offset. */
typedef struct TCGReloc {
    uint32_t off;               /* offset of the rel32 field */
    TCGLabel *label;
} TCGReloc;

/* Out-of-line softmmu miss path, emitted after the TB's main code. */
typedef struct TCGLdstInfo {
    bool is_ld;
    TCGType type;
    MemOpIdx oi;
    int addr_reg;
    int data_reg;
    uint32_t jcc_off;           /* rel32 of the jne to patch */
    uint32_t raddr_off;         /* return point in the main code */
} TCGLdstInfo;

/* Out-of-line helper call of an INDEX_op_fpop whose fast path failed. */
#define TCG_FPSLOW_MAX_JCC 8
typedef struct TCGFPSlow {
    const TCGFPOpInfo *info;
    uint64_t imm;
    int in_reg[3];
    int out_reg;
    int nb_jcc;
    uint32_t jcc_off[TCG_FPSLOW_MAX_JCC];   /* rel32s of the jccs */
    uint32_t raddr_off;                     /* return point */
} TCGFPSlow;

/* Backend-private state hung off TCGContext.backend. */
typedef struct TCGBackend {
    TCGTemp *reg_to_temp[TCG_TARGET_NB_REGS];
    uint32_t regs_used;         /* bit r set: reg_to_temp[r] != NULL */
    TCGReloc *relocs;
    int nb_relocs, max_relocs;
    TCGLdstInfo *ldst;
    int nb_ldst, max_ldst;
    TCGFPSlow *fpslow;
    int nb_fpslow, max_fpslow;
    bool overflow;              /* an emit hit code_end */
    /*
     * The last tcg_gen_code() ended with every global in memory (no
     * register holds one), so the next need not reset their state.
     */
    bool globals_clean;
} TCGBackend;

static inline TCGBackend *tcg_backend(TCGContext *s)
{
    return (TCGBackend *)s->backend;
}

/* Number of output / input args of an op (calls are variable). */
static inline int tcg_op_nb_oargs(const TCGOp *op)
{
    if (op->opc == INDEX_op_call) {
        const TCGHelperInfo *info =
            (const TCGHelperInfo *)op->args[op->nargs - 1];
        return op->nargs - 1 - info->nargs;
    }
    return tcg_op_defs[op->opc].nb_oargs;
}

static inline int tcg_op_nb_iargs(const TCGOp *op)
{
    if (op->opc == INDEX_op_call) {
        const TCGHelperInfo *info =
            (const TCGHelperInfo *)op->args[op->nargs - 1];
        return info->nargs;
    }
    return tcg_op_defs[op->opc].nb_iargs;
}
/* Unlink an op and return it to the pool. */
void tcg_op_remove(TCGContext *s, TCGOp *op);

/* Growable-array helper that aborts on out-of-memory. */
void *tcg_grow(void *p, int *max, int need, size_t elem);

/* Bucket of TCGStats.cycle_hist: octave * 8 + the next 3 bits. */
static inline unsigned tcg_cycle_bucket(uint64_t c)
{
    unsigned b;

    if (c < 8) {
        return (unsigned)c;
    }
    b = 63 - (unsigned)__builtin_clzll(c);
    return b * 8 + (unsigned)((c >> (b - 3)) & 7);
}

/* Lower bound of the cycles of bucket i. */
static inline uint64_t tcg_cycle_bucket_min(unsigned i)
{
    return i < 8 ? i : (8ull + (i & 7)) << (i / 8 - 3);
}

/* Exec address of a pointer into the (possibly RW-aliased) code buffer. */
static inline uintptr_t tcg_rx(const void *rw)
{
    return (uintptr_t)rw - (uintptr_t)tcg_splitwx_diff;
}

/* ---- Host backend (tcg/x86_64/tcg-target.c) ---- */
extern const uint32_t tcg_target_available_regs;
extern const uint32_t tcg_target_call_clobber_regs;
extern const int tcg_target_call_iarg_regs[6];
/* Preference order for allocation; -1 pads unused slots. */
extern const int tcg_target_reg_alloc_order[TCG_TARGET_NB_REGS];
#define TCG_TARGET_CALL_OARG_REG 0          /* rax */
#define TCG_TARGET_ENV_REG       14         /* r14 */
#define TCG_TARGET_STACK_REG     4          /* rsp */
/* Spill slots: rsp + TCG_TARGET_SLOT_BASE + 8 * temp index. */
#define TCG_TARGET_SLOT_BASE     0
#define TCG_TARGET_FRAME_SIZE    (TCG_MAX_TEMPS * 8 + 8)

void tcg_target_init(void);
/* May arg i (index into op args) be an immediate with this value? */
bool tcg_target_const_match(TCGOpcode opc, TCGType type, int argi,
                            int64_t val);
/* Host regs destroyed by the op's code (inputs/outputs avoid them). */
uint32_t tcg_target_op_clobbers(TCGOpcode opc, TCGType type,
                                const TCGArg *args);
void tcg_out_mov(TCGContext *s, TCGType type, int dst, int src);
void tcg_out_movi(TCGContext *s, TCGType type, int reg, int64_t val);
void tcg_out_ld(TCGContext *s, TCGType type, int reg, int base,
                intptr_t off);
void tcg_out_st(TCGContext *s, TCGType type, int reg, int base,
                intptr_t off);
void tcg_out_call(TCGContext *s, const void *func);
void tcg_out_label(TCGContext *s, TCGLabel *l);
/*
 * Emit one op; args[] holds host registers for temps, values for
 * immediates (const_args[i] set) and the op's constant args as-is.
 */
void tcg_out_op(TCGContext *s, TCGOpcode opc, TCGType type,
                const TCGArg *args, const int *const_args);
/* Emit the out-of-line slow paths and patch label relocations. */
void tcg_out_finalize(TCGContext *s);

#endif
