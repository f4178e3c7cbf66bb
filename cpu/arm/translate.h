/* SPDX-License-Identifier: MIT */
/*
 * A64 translator internals shared by the files of cpu/arm/ that translate
 * instructions: translate.c (base integer set, loads/stores, system),
 * translate-fp.c (scalar FP), translate-simd.c (Advanced SIMD) and
 * translate-atomic.c (LSE, pairs, CRC32, crypto).
 *
 * Each file contributes one pattern table.  translate_one() tries every
 * pattern whose mask/match fits, table by table, until a trans function
 * returns true; returning false means "not mine" and must not have emitted
 * any IR.  When no function accepts, the instruction is UNDEFINED.
 */
#ifndef ARM_TRANSLATE_H
#define ARM_TRANSLATE_H

#include "cpu.h"

enum { DISAS_NEXT, DISAS_TOO_MANY, DISAS_NORETURN, DISAS_EXIT };

typedef struct DisasContext {
    TranslationBlock *tb;
    CPUState *cs;
    uint64_t pc, pc_next;
    uint32_t insn;
    int el;
    bool fp_enabled;            /* CPACR_EL1.FPEN allows FP/SIMD at el */
    bool fp_checked;            /* a64_fp_access_check ran for this insn */
    /*
     * pc-relative TB (tb->pcrel): the code does not know its virtual
     * address.  On the path being translated cpu_pc_a64 holds the run-time
     * address of pc_save (a translation-time address); every pc value is
     * derived from it (gen_pc_value in translate.c).
     */
    bool pcrel;
    uint64_t pc_save;
    int is_jmp;
} DisasContext;

typedef bool TransFn(DisasContext *ctx);

typedef struct A64Pattern {
    uint32_t mask, match;
    TransFn *fn;
    const char *name;
} A64Pattern;

typedef struct A64PatternTable {
    const A64Pattern *patterns;
    size_t count;
} A64PatternTable;

/* Pattern tables of the other translator files. */
extern const A64PatternTable a64_fp_table, a64_simd_table, a64_atomic_table;

/* TCG globals for the integer state (translate.c). */
extern TCGv cpu_x[32], cpu_pc_a64, cpu_nf, cpu_zf, cpu_cf, cpu_vf;
extern TCGv cpu_excl_addr, cpu_excl_val;

/* ---- instruction fields ---- */

static inline uint32_t bits(uint32_t insn, int pos, int len)
{
    return (insn >> pos) & ((1u << len) - 1);
}

/* Scale the result with *, not <<: left-shifting a negative is UB. */
static inline int64_t sbits(uint32_t insn, int pos, int len)
{
    return ((int64_t)((uint64_t)insn << (64 - pos - len))) >> (64 - len);
}

#define RD bits(ctx->insn, 0, 5)
#define RN bits(ctx->insn, 5, 5)
#define RM bits(ctx->insn, 16, 5)
#define SF (ctx->insn >> 31)

static inline TCGv env_ptr(void)
{
    return tcg_ctx->env;
}

/* Offset in env of 64-bit half `half` (0 = low) of V register `reg`. */
static inline intptr_t vreg_off(int reg, int half)
{
    return ARM_ENV_OFFSET(vregs[0][0]) + (reg * 2 + half) * 8;
}

/* Field of ID_AA64ISAR0_EL1 at bit pos (4 bits): is a feature present? */
enum {
    ISAR0_AES = 4, ISAR0_SHA1 = 8, ISAR0_SHA2 = 12, ISAR0_CRC32 = 16,
    ISAR0_ATOMIC = 20,
};

static inline int a64_isar0(DisasContext *ctx, int pos)
{
    return (arm_env(ctx->cs)->id_aa64isar0 >> pos) & 0xf;
}

/* ---- helpers from translate.c ---- */

/* Temps freed automatically at the end of the instruction. */
TCGv a64_new_tmp(void);
TCGv a64_new_local(void);

/* X registers: register 31 is XZR in read_x/write_x, SP in the _xsp forms */
TCGv a64_read_x(int r);
TCGv a64_read_xsp(int r);
void a64_write_x(int r, TCGv v, bool sf);
void a64_write_xsp(int r, TCGv v, bool sf);

/* Raise a synchronous exception at the current instruction. */
void a64_gen_exception(DisasContext *ctx, uint64_t syndrome);
void a64_gen_undef(DisasContext *ctx);

/* Guest memory access at the current EL (MemOp size/sign/align bits). */
void a64_gen_ld(DisasContext *ctx, TCGv dst, TCGv addr, MemOp mop);
void a64_gen_st(DisasContext *ctx, TCGv v, TCGv addr, MemOp mop);

/* Condition code (C1.2.4) as a 0/1 temp. */
TCGv a64_gen_cond(int cond);
void a64_gen_cond_test(int cond, TCGCond *c, TCGv *v);
/* Extend (UXTB..SXTX by option) then shift left. */
void a64_gen_extend(TCGv r, TCGv v, int option, int shift);
/* thread=multi STXR of 1 << size bytes: Rs = status (translate-atomic.c) */
void a64_gen_stxr_mt(DisasContext *ctx, TCGv addr, int size, int rs, int rt);

/*
 * Every FP/SIMD instruction calls this after decoding and before emitting
 * anything else.  Returns false if FP is disabled by CPACR_EL1.FPEN: the
 * access trap (EC 0x07) has then been generated and the caller must
 * return true without emitting more.
 */
bool a64_fp_access_check(DisasContext *ctx);

/* Zero bits 127:64 of V register reg (after a scalar or 64-bit write). */
void a64_clear_vreg_high(int reg);

#endif
