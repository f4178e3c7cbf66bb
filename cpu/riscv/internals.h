/* SPDX-License-Identifier: MIT */
/* Private declarations of the RISC-V translator, decoder and FP helpers. */
#ifndef RISCV_INTERNALS_H
#define RISCV_INTERNALS_H

#include "cpu.h"

/*
 * Every instruction the decoder knows, as an X-macro.  The name is the
 * mnemonic with '.' spelled '_' (fcvt.w.s -> fcvt_w_s).  Each entry has a
 * trans_<name>() in one of the trans_*.c files.
 */
#define RISCV_INSNS_I(X) \
    X(lui) X(auipc) X(jal) X(jalr) \
    X(beq) X(bne) X(blt) X(bge) X(bltu) X(bgeu) \
    X(lb) X(lh) X(lw) X(ld) X(lbu) X(lhu) X(lwu) \
    X(sb) X(sh) X(sw) X(sd) \
    X(addi) X(slti) X(sltiu) X(xori) X(ori) X(andi) \
    X(slli) X(srli) X(srai) \
    X(add) X(sub) X(sll) X(slt) X(sltu) X(xor) X(srl) X(sra) X(or) X(and) \
    X(addiw) X(slliw) X(srliw) X(sraiw) \
    X(addw) X(subw) X(sllw) X(srlw) X(sraw) \
    X(fence) X(fence_i) X(pause) X(ecall) X(ebreak)

#define RISCV_INSNS_M(X) \
    X(mul) X(mulh) X(mulhsu) X(mulhu) X(div) X(divu) X(rem) X(remu) \
    X(mulw) X(divw) X(divuw) X(remw) X(remuw)

#define RISCV_INSNS_A(X) \
    X(lr_w) X(sc_w) X(amoswap_w) X(amoadd_w) X(amoxor_w) X(amoand_w) \
    X(amoor_w) X(amomin_w) X(amomax_w) X(amominu_w) X(amomaxu_w) \
    X(lr_d) X(sc_d) X(amoswap_d) X(amoadd_d) X(amoxor_d) X(amoand_d) \
    X(amoor_d) X(amomin_d) X(amomax_d) X(amominu_d) X(amomaxu_d)

/* F and D share shapes: FP_INSNS(X, s) and FP_INSNS(X, d). */
#define RISCV_INSNS_FP(X, f) \
    X(fmadd_##f) X(fmsub_##f) X(fnmsub_##f) X(fnmadd_##f) \
    X(fadd_##f) X(fsub_##f) X(fmul_##f) X(fdiv_##f) X(fsqrt_##f) \
    X(fsgnj_##f) X(fsgnjn_##f) X(fsgnjx_##f) X(fmin_##f) X(fmax_##f) \
    X(fcvt_w_##f) X(fcvt_wu_##f) X(fcvt_l_##f) X(fcvt_lu_##f) \
    X(feq_##f) X(flt_##f) X(fle_##f) X(fclass_##f) \
    X(fcvt_##f##_w) X(fcvt_##f##_wu) X(fcvt_##f##_l) X(fcvt_##f##_lu)

#define RISCV_INSNS_F(X) \
    X(flw) X(fsw) RISCV_INSNS_FP(X, s) X(fmv_x_w) X(fmv_w_x)

#define RISCV_INSNS_D(X) \
    X(fld) X(fsd) RISCV_INSNS_FP(X, d) X(fmv_x_d) X(fmv_d_x) \
    X(fcvt_s_d) X(fcvt_d_s)

#define RISCV_INSNS_SYS(X) \
    X(csrrw) X(csrrs) X(csrrc) X(csrrwi) X(csrrsi) X(csrrci) \
    X(sret) X(mret) X(wfi) X(sfence_vma)

#define RISCV_INSNS_ZB(X) \
    X(add_uw) X(sh1add) X(sh2add) X(sh3add) \
    X(sh1add_uw) X(sh2add_uw) X(sh3add_uw) X(slli_uw) \
    X(andn) X(orn) X(xnor) X(clz) X(clzw) X(ctz) X(ctzw) X(cpop) X(cpopw) \
    X(max) X(maxu) X(min) X(minu) X(sext_b) X(sext_h) X(zext_h) \
    X(rol) X(rolw) X(ror) X(rori) X(roriw) X(rorw) X(orc_b) X(rev8) \
    X(clmul) X(clmulh) X(clmulr) \
    X(bclr) X(bclri) X(bext) X(bexti) X(binv) X(binvi) X(bset) X(bseti) \
    X(cbo_clean) X(cbo_flush) X(cbo_inval) X(cbo_zero)

#define RISCV_INSNS(X) \
    RISCV_INSNS_I(X) RISCV_INSNS_M(X) RISCV_INSNS_A(X) RISCV_INSNS_F(X) \
    RISCV_INSNS_D(X) RISCV_INSNS_SYS(X) RISCV_INSNS_ZB(X)

typedef enum RVInsnId {
    INSN_illegal = 0,
#define X(n) INSN_##n,
    RISCV_INSNS(X)
#undef X
    INSN_COUNT
} RVInsnId;

/* Decoded operands (fields not used by a format are 0). */
typedef struct RVArgs {
    int rd, rs1, rs2, rs3;
    int rm;                 /* rounding-mode field (FP) */
    int csr;
    bool aq, rl;
    int64_t imm;            /* sign-extended immediate / shift amount */
} RVArgs;

/* Decoder (decode.c): return the instruction id, INSN_illegal if none. */
RVInsnId riscv_decode32(uint32_t insn, RVArgs *a);
RVInsnId riscv_decode16(uint16_t insn, RVArgs *a);
extern const char *const riscv_insn_names[INSN_COUNT];

/* ---- translation ---- */
enum {
    DISAS_NEXT,             /* keep going */
    DISAS_NORETURN,         /* the code emitted already leaves the TB */
    DISAS_EXIT,             /* store pc_next, return to the loop */
    DISAS_TOO_MANY,         /* limit reached: chain to pc_next */
};

typedef struct DisasContext {
    TranslationBlock *tb;
    CPUState *cs;
    CPURISCVState *env;
    RISCVCPU *cpu;
    uint64_t pc;            /* current instruction */
    uint64_t pc_next;       /* following instruction */
    uint32_t insn;          /* raw bits (16 or 32) */
    int insn_len;
    int priv;
    int mem_idx;
    int fs;                 /* mstatus.FS from the TB flags */
    int frm;                /* fcsr.frm from the TB flags */
    uint64_t misa;
    bool frm_checked;       /* frm validated once in this TB */
    /*
     * pc-relative TB (tb->pcrel): cpu_pc holds the run-time address of
     * pc_save (a translation-time address) on the current path, and pc
     * values are computed from it.
     */
    bool pcrel;
    uint64_t pc_save;
    int is_jmp;
    /*
     * x registers written so far in this TB: the others still hold, in
     * env, the values they will have when the TB runs (a hint for
     * division, gen_div()).
     */
    uint32_t gpr_written;
} DisasContext;

/* misa letter test. */
static inline bool has_ext(DisasContext *ctx, char c)
{
    return (ctx->misa >> (c - 'A')) & 1;
}

#define REQUIRE(cond) do {      \
        if (!(cond)) {          \
            return false;       \
        }                       \
    } while (0)
#define REQUIRE_EXT(ctx, c) REQUIRE(has_ext(ctx, c))
#define REQUIRE_CFG(ctx, f) REQUIRE((ctx)->cpu->cfg.f)
/* F/D instructions need the extension and mstatus.FS != Off. */
#define REQUIRE_FPU(ctx, c) REQUIRE(has_ext(ctx, c) && (ctx)->fs != 0)

#define X(n) bool trans_##n(DisasContext *ctx, const RVArgs *a);
RISCV_INSNS(X)
#undef X

extern TCGv cpu_gpr[32], cpu_fpr[32], cpu_pc, cpu_load_res, cpu_load_val;

/* Register accessors: x0 reads as 0, writes to x0 are dropped. */
TCGv get_gpr(DisasContext *ctx, int reg);
void gen_set_gpr(DisasContext *ctx, int reg, TCGv val);
void gen_set_gpri(DisasContext *ctx, int reg, int64_t val);
/* FP register writes also mark mstatus.FS dirty. */
void gen_set_fpr(DisasContext *ctx, int reg, TCGv val);
void gen_mark_fs_dirty(DisasContext *ctx);
/*
 * Store the current instruction's bits in env->insn_bits: call before a
 * helper that may raise an illegal-instruction exception (its tval).
 */
void gen_save_insn_bits(DisasContext *ctx);
/* Validate rm (5/6 reserved; 7 -> check frm at run time).  false: illegal */
bool gen_check_rm(DisasContext *ctx, int rm);

TCGv gen_env(void);
/*
 * Temps of the current instruction: freed when it is translated, so a
 * long TB does not run out of temps.  Use instead of tcg_temp_new_*.
 */
TCGv temp_new(void);
TCGv temp_local_new(void);
void gen_exception(DisasContext *ctx, int cause, uint64_t tval);
/* Raise cause with tval = the run-time address of va. */
void gen_exception_pc(DisasContext *ctx, int cause, uint64_t va);
/* dst = the run-time address of the translation-time address va. */
void gen_pc_value(DisasContext *ctx, TCGv dst, uint64_t va);
/* rd = the run-time address of va. */
void gen_set_gpr_pc(DisasContext *ctx, int rd, uint64_t va);
/* cpu_pc = the run-time address of va, on a path that goes on. */
void gen_set_pc(DisasContext *ctx, uint64_t va);
void gen_goto_tb(DisasContext *ctx, int n, uint64_t dest);
/* Jump to the address in a TB-lifetime temp, checking alignment. */
void gen_jump_dyn(DisasContext *ctx, TCGv target, int rd);
/* Store pc_next and leave the TB after this instruction. */
void gen_exit_after(DisasContext *ctx);
/* Does dest violate the jump alignment rule (IALIGN)? */
bool misaligned_target(DisasContext *ctx, uint64_t dest);

/* ---- helpers defined by this part (fpu_helper.c, op_helper_int.c) ---- */
uint64_t helper_fadd_s(CPUState *cs, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fsub_s(CPUState *cs, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fmul_s(CPUState *cs, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fdiv_s(CPUState *cs, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fadd_d(CPUState *cs, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fsub_d(CPUState *cs, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fmul_d(CPUState *cs, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fdiv_d(CPUState *cs, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fsqrt_s(CPUState *cs, uint64_t a, uint64_t rm);
uint64_t helper_fsqrt_d(CPUState *cs, uint64_t a, uint64_t rm);
/* op: 0 fmadd, 1 fmsub, 2 fnmsub, 3 fnmadd; rm in bits 8+ */
uint64_t helper_fmadd_s(CPUState *cs, uint64_t a, uint64_t b, uint64_t c,
                        uint64_t op_rm);
uint64_t helper_fmadd_d(CPUState *cs, uint64_t a, uint64_t b, uint64_t c,
                        uint64_t op_rm);
/* op: 0 min, 1 max */
uint64_t helper_fminmax_s(CPUState *cs, uint64_t a, uint64_t b, uint64_t op);
uint64_t helper_fminmax_d(CPUState *cs, uint64_t a, uint64_t b, uint64_t op);
/* op: 0 fsgnj, 1 fsgnjn, 2 fsgnjx */
uint64_t helper_fsgnj_s(uint64_t a, uint64_t b, uint64_t op);
/* op: 0 fle, 1 flt, 2 feq (the funct3 encoding) */
uint64_t helper_fcmp_s(CPUState *cs, uint64_t a, uint64_t b, uint64_t op);
uint64_t helper_fcmp_d(CPUState *cs, uint64_t a, uint64_t b, uint64_t op);
uint64_t helper_fclass_s(uint64_t a);
uint64_t helper_fclass_d(uint64_t a);
/* kind: 0 w, 1 wu, 2 l, 3 lu (the rs2 encoding); rm in bits 8+ */
uint64_t helper_fcvt_to_int_s(CPUState *cs, uint64_t a, uint64_t kind_rm);
uint64_t helper_fcvt_to_int_d(CPUState *cs, uint64_t a, uint64_t kind_rm);
uint64_t helper_fcvt_from_int_s(CPUState *cs, uint64_t a, uint64_t kind_rm);
uint64_t helper_fcvt_from_int_d(CPUState *cs, uint64_t a, uint64_t kind_rm);
uint64_t helper_fcvt_s_d(CPUState *cs, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_d_s(CPUState *cs, uint64_t a, uint64_t rm);

extern const TCGHelperInfo helper_info_fadd_s, helper_info_fsub_s,
    helper_info_fmul_s, helper_info_fdiv_s, helper_info_fadd_d,
    helper_info_fsub_d, helper_info_fmul_d, helper_info_fdiv_d,
    helper_info_fsqrt_s, helper_info_fsqrt_d, helper_info_fmadd_s,
    helper_info_fmadd_d, helper_info_fminmax_s, helper_info_fminmax_d,
    helper_info_fsgnj_s, helper_info_fcmp_s, helper_info_fcmp_d,
    helper_info_fclass_s, helper_info_fclass_d, helper_info_fcvt_to_int_s,
    helper_info_fcvt_to_int_d, helper_info_fcvt_from_int_s,
    helper_info_fcvt_from_int_d, helper_info_fcvt_s_d,
    helper_info_fcvt_d_s;

/* fflags bits (unprivileged spec 11.2) */
#define FFLAG_NX 0x01
#define FFLAG_UF 0x02
#define FFLAG_OF 0x04
#define FFLAG_DZ 0x08
#define FFLAG_NV 0x10

/* Rounding modes */
enum { RM_RNE, RM_RTZ, RM_RDN, RM_RUP, RM_RMM, RM_DYN = 7 };

/* Integer helpers (op_helper_int.c). */
uint64_t helper_clmul(uint64_t a, uint64_t b);
uint64_t helper_clmulh(uint64_t a, uint64_t b);
uint64_t helper_clmulr(uint64_t a, uint64_t b);
uint64_t helper_orc_b(uint64_t a);
/*
 * AMO: desc = op | (log2 size) << 4 | mmu_idx << 8; returns the old
 * value (sign-extended for .w).  Store/AMO faults and misalignment are
 * raised as store/AMO exceptions.
 */
enum {
    AMO_SWAP, AMO_ADD, AMO_XOR, AMO_AND, AMO_OR,
    AMO_MIN, AMO_MAX, AMO_MINU, AMO_MAXU,
};
uint64_t helper_amo(CPUState *cs, uint64_t addr, uint64_t val,
                    uint64_t desc);
/* SC: desc = (log2 size) << 4 | mmu_idx << 8; returns 0 on success. */
uint64_t helper_sc(CPUState *cs, uint64_t addr, uint64_t val, uint64_t desc);
/* Pure AMO arithmetic, exposed for tests. */
uint64_t riscv_amo_compute(int op, int log2size, uint64_t old, uint64_t val);

extern const TCGHelperInfo helper_info_clmul, helper_info_clmulh,
    helper_info_clmulr, helper_info_orc_b, helper_info_amo, helper_info_sc;

#endif
