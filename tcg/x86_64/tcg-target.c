/* SPDX-License-Identifier: MIT */
/* x86-64 host backend: op emission, softmmu fast path, prologue. */
#include "tcg-target.h"
#include "machina/exec.h"
#include <cpuid.h>
#include <stdlib.h>

#define R(r) (1u << (r))

/* Not rsp, not the env register, not the two backend scratch regs. */
const uint32_t tcg_target_available_regs =
    R(TCG_REG_RAX) | R(TCG_REG_RCX) | R(TCG_REG_RDX) | R(TCG_REG_RBX) |
    R(TCG_REG_RBP) | R(TCG_REG_RSI) | R(TCG_REG_RDI) | R(TCG_REG_R8) |
    R(TCG_REG_R9) | R(TCG_REG_R12) | R(TCG_REG_R13) | R(TCG_REG_R15);

/* SysV AMD64 ABI, 3.2.1: everything but rbx, rbp, rsp, r12-r15. */
const uint32_t tcg_target_call_clobber_regs =
    R(TCG_REG_RAX) | R(TCG_REG_RCX) | R(TCG_REG_RDX) | R(TCG_REG_RSI) |
    R(TCG_REG_RDI) | R(TCG_REG_R8) | R(TCG_REG_R9) | R(TCG_REG_R10) |
    R(TCG_REG_R11);

const int tcg_target_call_iarg_regs[6] = {
    TCG_REG_RDI, TCG_REG_RSI, TCG_REG_RDX, TCG_REG_RCX, TCG_REG_R8,
    TCG_REG_R9,
};

/*
 * Callee-saved registers first (they survive helper calls and the
 * softmmu slow path), then those with no fixed role, rcx/rdx/rax last
 * since shifts, div and mul need them.
 */
const int tcg_target_reg_alloc_order[TCG_TARGET_NB_REGS] = {
    TCG_REG_RBX, TCG_REG_RBP, TCG_REG_R12, TCG_REG_R13, TCG_REG_R15,
    TCG_REG_R9, TCG_REG_R8, TCG_REG_RDI, TCG_REG_RSI, TCG_REG_RCX,
    TCG_REG_RDX, TCG_REG_RAX, -1, -1, -1, -1,
};

bool tcg_have_lzcnt, tcg_have_bmi1, tcg_have_popcnt, tcg_have_fma;

TCGPrologueFn tcg_qemu_tb_exec;
void *tcg_code_gen_epilogue;
static uintptr_t tb_ret_addr;

_Static_assert(sizeof(CPUTLBEntry) == 32, "TLB entry size");
#define CPU_TLB_ENTRY_BITS 5

void tcg_target_init(void)
{
    unsigned a, b, c, d;

    if (__get_cpuid(1, &a, &b, &c, &d)) {
        tcg_have_popcnt = c & bit_POPCNT;
        /* VEX-encoded FMA also needs the OS to save the AVX state. */
        if ((c & bit_FMA) && (c & bit_AVX) && (c & bit_OSXSAVE)) {
            uint32_t lo, hi;

            __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            tcg_have_fma = (lo & 6) == 6;
        }
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        tcg_have_bmi1 = b & bit_BMI;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
        tcg_have_lzcnt = c & bit_ABM;
    }
}

static bool fits_i32(int64_t v)
{
    return v == (int32_t)v;
}

bool tcg_target_const_match(TCGOpcode opc, TCGType type, int argi,
                            int64_t val)
{
    bool imm = type == TCG_TYPE_I32 || fits_i32(val);

    switch (opc) {
    case INDEX_op_add: case INDEX_op_sub: case INDEX_op_and:
    case INDEX_op_or: case INDEX_op_xor: case INDEX_op_andc:
    case INDEX_op_orc: case INDEX_op_eqv: case INDEX_op_mul:
    case INDEX_op_setcond:
        return argi == 2 && imm;
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_sar:
    case INDEX_op_rotl: case INDEX_op_rotr:
    case INDEX_op_clz: case INDEX_op_ctz:
        return argi == 2;
    case INDEX_op_brcond:
        return argi == 1 && imm;
    case INDEX_op_div: case INDEX_op_rem:
    case INDEX_op_divu: case INDEX_op_remu:
        /* Any non-zero divisor: tcg_out_[us]div_const(). */
        return argi == 2 &&
               (type == TCG_TYPE_I32 ? (uint32_t)val : (uint64_t)val) != 0;
    case INDEX_op_movcond:
        return argi == 2 && imm;
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32:
    case INDEX_op_st:
        return argi == 0 && imm;
    default:
        return false;
    }
}

uint32_t tcg_target_op_clobbers(TCGOpcode opc, TCGType type,
                                const TCGArg *args)
{
    (void)type;
    switch (opc) {
    case INDEX_op_div: case INDEX_op_divu: case INDEX_op_rem:
    case INDEX_op_remu: case INDEX_op_muluh: case INDEX_op_mulsh:
        return R(TCG_REG_RAX) | R(TCG_REG_RDX);
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_sar:
    case INDEX_op_rotl: case INDEX_op_rotr:
        /* Variable counts live in cl. */
        return arg_temp(args[2])->kind == TEMP_CONST ? 0 : R(TCG_REG_RCX);
    default:
        return 0;
    }
}

static int rexw(TCGType type)
{
    return type == TCG_TYPE_I64 ? P_REXW : 0;
}

void tcg_out_mov(TCGContext *s, TCGType type, int dst, int src)
{
    if (dst != src) {
        tcg_out_modrm(s, OPC_MOVL_GvEv | rexw(type), dst, src);
    }
}

/* Note: may use xor, which changes the flags. */
void tcg_out_movi(TCGContext *s, TCGType type, int reg, int64_t val)
{
    uint64_t v = type == TCG_TYPE_I32 ? (uint32_t)val : (uint64_t)val;

    if (v == 0) {
        tcg_out_modrm(s, OPC_ARITH_GvEv + (ARITH_XOR << 3), reg, reg);
    } else if (v == (uint32_t)v) {
        /* mov r32, imm32 zero-extends into the full register. */
        tcg_out_opc(s, OPC_MOVL_Iv + (reg & 7), 0, reg, 0);
        tcg_out32(s, (uint32_t)v);
    } else if (fits_i32((int64_t)v)) {
        tcg_out_modrm(s, OPC_MOVL_EvIz | P_REXW, 0, reg);
        tcg_out32(s, (uint32_t)v);
    } else {
        tcg_out_opc(s, (OPC_MOVL_Iv + (reg & 7)) | P_REXW, 0, reg, 0);
        tcg_out64(s, v);
    }
}

/* movi that leaves the flags alone. */
static void tcg_out_movi_keepflags(TCGContext *s, TCGType type, int reg,
                                   int64_t val)
{
    uint64_t v = type == TCG_TYPE_I32 ? (uint32_t)val : (uint64_t)val;

    if (v == 0) {
        tcg_out_opc(s, OPC_MOVL_Iv + (reg & 7), 0, reg, 0);
        tcg_out32(s, 0);
    } else {
        tcg_out_movi(s, type, reg, val);
    }
}

void tcg_out_ld(TCGContext *s, TCGType type, int reg, int base,
                intptr_t off)
{
    tcg_out_modrm_offset(s, OPC_MOVL_GvEv | rexw(type), reg, base, off);
}

void tcg_out_st(TCGContext *s, TCGType type, int reg, int base,
                intptr_t off)
{
    tcg_out_modrm_offset(s, OPC_MOVL_EvGv | rexw(type), reg, base, off);
}

void tcg_out_call(TCGContext *s, const void *func)
{
    tcg_out_call_abs(s, (uintptr_t)func);
}

void tcg_out_label(TCGContext *s, TCGLabel *l)
{
    l->has_value = true;
    l->value = tcg_rx(s->code_ptr);
}

/* Emit the rel32 of a jmp/jcc to l (now or at finalize). */
static void tcg_out_label_rel32(TCGContext *s, TCGLabel *l)
{
    TCGBackend *be = tcg_backend(s);

    if (l->has_value) {
        tcg_out32(s, (uint32_t)(l->value - (tcg_rx(s->code_ptr) + 4)));
        return;
    }
    be->relocs = tcg_grow(be->relocs, &be->max_relocs, be->nb_relocs + 1,
                          sizeof(TCGReloc));
    be->relocs[be->nb_relocs].off = (uint32_t)(s->code_ptr - s->code_buf);
    be->relocs[be->nb_relocs].label = l;
    be->nb_relocs++;
    tcg_out32(s, 0);
}

static void tcg_out_jmp_label(TCGContext *s, TCGLabel *l)
{
    tcg_out8(s, OPC_JMP_long);
    tcg_out_label_rel32(s, l);
}

static void tcg_out_jcc_label(TCGContext *s, int cc, TCGLabel *l)
{
    tcg_out_opc(s, OPC_JCC_long + cc, 0, 0, 0);
    tcg_out_label_rel32(s, l);
}

static const uint8_t tcg_cond_to_jcc[] = {
    [TCG_COND_EQ] = JCC_JE, [TCG_COND_NE] = JCC_JNE,
    [TCG_COND_LT] = JCC_JL, [TCG_COND_GE] = JCC_JGE,
    [TCG_COND_LE] = JCC_JLE, [TCG_COND_GT] = JCC_JG,
    [TCG_COND_LTU] = JCC_JB, [TCG_COND_GEU] = JCC_JAE,
    [TCG_COND_LEU] = JCC_JBE, [TCG_COND_GTU] = JCC_JA,
    [TCG_COND_TSTEQ] = JCC_JE, [TCG_COND_TSTNE] = JCC_JNE,
};

/* Set flags for "a cond b"; returns the x86 condition code. */
static int tcg_out_cmp(TCGContext *s, TCGType type, TCGCond cond, int a,
                       TCGArg b, bool b_const)
{
    int w = rexw(type);

    if (cond == TCG_COND_TSTEQ || cond == TCG_COND_TSTNE) {
        if (b_const) {
            tcg_out_modrm(s, OPC_GRP3_Ev | w, EXT3_TESTi, a);
            tcg_out32(s, (uint32_t)b);
        } else {
            tcg_out_modrm(s, OPC_TESTL | w, (int)b, a);
        }
    } else if (b_const && (type == TCG_TYPE_I32 ? (uint32_t)b == 0
                                                 : b == 0)) {
        /* test a, a sets ZF/SF like cmp a, 0 and clears CF/OF. */
        tcg_out_modrm(s, OPC_TESTL | w, a, a);
    } else if (b_const) {
        tcg_out_arithi(s, ARITH_CMP, w, a, (int32_t)b);
    } else {
        tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_CMP << 3)) | w, a, (int)b);
    }
    return tcg_cond_to_jcc[cond];
}

/* op a0, a1 with a0 = a1 op a2, x86 two-address form; commutative. */
static void tcg_out_arith3(TCGContext *s, int arith, TCGType type,
                           int a0, int a1, TCGArg a2, bool c2)
{
    int w = rexw(type);

    if (c2) {
        tcg_out_mov(s, type, a0, a1);
        tcg_out_arithi(s, arith, w, a0, (int32_t)a2);
    } else if (a0 == (int)a2) {
        tcg_out_modrm(s, (OPC_ARITH_GvEv + (arith << 3)) | w, a0, a1);
    } else {
        tcg_out_mov(s, type, a0, a1);
        tcg_out_modrm(s, (OPC_ARITH_GvEv + (arith << 3)) | w, a0, (int)a2);
    }
}

static void tcg_out_shift(TCGContext *s, int subop, TCGType type, int a0,
                          int a1, TCGArg a2, bool c2)
{
    int w = rexw(type);
    int mask = type == TCG_TYPE_I32 ? 31 : 63;

    if (c2) {
        tcg_out_mov(s, type, a0, a1);
        if (a2 & mask) {
            tcg_out_shifti(s, subop, w, a0, (int)(a2 & mask));
        }
    } else {
        /* The allocator keeps a0/a1/a2 out of rcx for us. */
        tcg_out_mov(s, TCG_TYPE_I32, TCG_REG_RCX, (int)a2);
        tcg_out_mov(s, type, a0, a1);
        tcg_out_modrm(s, OPC_SHIFT_cl | w, subop, a0);
    }
}

/* Put a register or constant operand into TMP1 (flags untouched). */
static void tcg_out_val_tmp1(TCGContext *s, TCGType type, TCGArg v, bool c)
{
    if (c) {
        tcg_out_movi_keepflags(s, type, TCG_TMP1, (int64_t)v);
    } else {
        tcg_out_mov(s, TCG_TYPE_I64, TCG_TMP1, (int)v);
    }
}

static void tcg_out_clz_ctz(TCGContext *s, bool clz, TCGType type, int a0,
                            int a1, TCGArg a2, bool c2)
{
    int w = rexw(type);
    int bits = type == TCG_TYPE_I32 ? 32 : 64;
    bool hw = clz ? tcg_have_lzcnt : tcg_have_bmi1;

    if (hw) {
        /* lzcnt/tzcnt give the width for 0 and set CF (SDM LZCNT). */
        if (c2 && (int64_t)a2 == bits) {
            tcg_out_modrm(s, (clz ? OPC_LZCNT : OPC_TZCNT) | w, a0, a1);
            return;
        }
        tcg_out_val_tmp1(s, type, a2, c2);
        tcg_out_modrm(s, (clz ? OPC_LZCNT : OPC_TZCNT) | w, TCG_TMP0, a1);
        tcg_out_modrm(s, (OPC_CMOVCC + JCC_JB) | w, TCG_TMP0, TCG_TMP1);
    } else if (clz) {
        /* bsr gives the index of the top bit; clz = index ^ (bits-1). */
        tcg_out_val_tmp1(s, type, a2, c2);
        tcg_out_arithi(s, ARITH_XOR, w, TCG_TMP1, bits - 1);
        tcg_out_modrm(s, OPC_BSR | w, TCG_TMP0, a1);
        tcg_out_modrm(s, (OPC_CMOVCC + JCC_JE) | w, TCG_TMP0, TCG_TMP1);
        tcg_out_arithi(s, ARITH_XOR, w, TCG_TMP0, bits - 1);
    } else {
        tcg_out_val_tmp1(s, type, a2, c2);
        tcg_out_modrm(s, OPC_BSF | w, TCG_TMP0, a1);
        tcg_out_modrm(s, (OPC_CMOVCC + JCC_JE) | w, TCG_TMP0, TCG_TMP1);
    }
    tcg_out_mov(s, type, a0, TCG_TMP0);
}

/* rdx:rax / d (a register): a0 = quotient or remainder. */
static void tcg_out_div_reg(TCGContext *s, TCGType type, bool sign, bool rem,
                            int a0, int n, int d)
{
    int w = rexw(type);

    tcg_out_mov(s, type, TCG_REG_RAX, n);
    if (sign) {
        tcg_out_opc(s, OPC_CQO | w, 0, 0, 0);
    } else {
        tcg_out_modrm(s, OPC_ARITH_GvEv + (ARITH_XOR << 3), TCG_REG_RDX,
                      TCG_REG_RDX);
    }
    tcg_out_modrm(s, OPC_GRP3_Ev | w, sign ? EXT3_IDIV : EXT3_DIV, d);
    tcg_out_mov(s, type, a0, rem ? TCG_REG_RDX : TCG_REG_RAX);
}

/* a0 = n - q * d (the remainder from the quotient); q is rax or rdx. */
static void tcg_out_rem_from_quot(TCGContext *s, int a0, int n, int q,
                                  uint64_t d)
{
    if (fits_i32((int64_t)d)) {
        tcg_out_modrm(s, OPC_IMUL_GvEvIz | P_REXW, q, q);
        tcg_out32(s, (uint32_t)d);
    } else {
        tcg_out_movi(s, TCG_TYPE_I64, TCG_TMP0, (int64_t)d);
        tcg_out_modrm(s, OPC_IMUL_GvEv | P_REXW, q, TCG_TMP0);
    }
    /* a0 is neither rax nor rdx, so q survives the mov. */
    tcg_out_mov(s, TCG_TYPE_I64, a0, n);
    tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_SUB << 3)) | P_REXW, a0, q);
}

/*
 * Unsigned a0 = n / d or n % d for a divisor known here (d != 0 in the
 * op's width): a shift or mask for a power of two, else a multiply by the
 * reciprocal (tcg_udiv_magic()), as compilers do for constant divisors.
 * A 64-bit multiply takes a few cycles where div takes tens.  Uses rax,
 * rdx (the op clobbers them), TMP0 and TMP1.
 */
static void tcg_out_udiv_const(TCGContext *s, TCGType type, bool rem,
                               int a0, int n, uint64_t d)
{
    TCGUDivMagic mg;
    int q;

    if (type == TCG_TYPE_I32) {
        d = (uint32_t)d;
        tcg_out_mov(s, TCG_TYPE_I32, TCG_TMP1, n);   /* zero-extends */
        n = TCG_TMP1;
    }
    if (!(d & (d - 1))) {
        tcg_out_mov(s, TCG_TYPE_I64, a0, n);
        if (rem && d - 1 <= INT32_MAX) {
            tcg_out_arithi(s, ARITH_AND, 1, a0, (int32_t)(d - 1));
        } else if (rem) {
            tcg_out_movi(s, TCG_TYPE_I64, TCG_TMP0, (int64_t)(d - 1));
            tcg_out_modrm(s, OPC_ARITH_GvEv + (ARITH_AND << 3) + P_REXW, a0,
                          TCG_TMP0);
        } else if (d > 1) {
            tcg_out_shifti(s, SHIFT_SHR, 1, a0, __builtin_ctzll(d));
        }
        return;
    }
    if (!tcg_udiv_magic(d, &mg)) {
        tcg_out_movi(s, TCG_TYPE_I64, TCG_TMP0, (int64_t)d);
        tcg_out_div_reg(s, TCG_TYPE_I64, false, rem, a0, n, TCG_TMP0);
        return;
    }
    tcg_out_movi(s, TCG_TYPE_I64, TCG_REG_RAX, (int64_t)mg.m);
    tcg_out_modrm(s, OPC_GRP3_Ev | P_REXW, EXT3_MUL, n);    /* rdx = hi */
    q = TCG_REG_RDX;
    if (mg.add) {
        tcg_out_mov(s, TCG_TYPE_I64, TCG_REG_RAX, n);
        tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_SUB << 3)) | P_REXW,
                      TCG_REG_RAX, TCG_REG_RDX);
        tcg_out_shifti(s, SHIFT_SHR, 1, TCG_REG_RAX, 1);
        tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_ADD << 3)) | P_REXW,
                      TCG_REG_RAX, TCG_REG_RDX);
        q = TCG_REG_RAX;
    }
    if (mg.shift) {
        tcg_out_shifti(s, SHIFT_SHR, 1, q, mg.shift);
    }
    if (!rem) {
        tcg_out_mov(s, TCG_TYPE_I64, a0, q);
        return;
    }
    tcg_out_rem_from_quot(s, a0, n, q, d);
}

/*
 * Signed a0 = n / d or n % d, d known here and not 0 (tcg_sdiv_magic();
 * MIN / -1 never reaches a division op).  32-bit operands are divided as
 * their 64-bit sign extensions.  Uses rax, rdx, TMP0 and TMP1.
 */
static void tcg_out_sdiv_const(TCGContext *s, TCGType type, bool rem,
                               int a0, int n, int64_t d)
{
    TCGSDivMagic mg;

    if (type == TCG_TYPE_I32) {
        d = (int32_t)d;
        tcg_out_modrm(s, OPC_MOVSLQ, TCG_TMP1, n);
        n = TCG_TMP1;
    }
    tcg_sdiv_magic(d, &mg);
    tcg_out_movi(s, TCG_TYPE_I64, TCG_REG_RAX, mg.m);
    tcg_out_modrm(s, OPC_GRP3_Ev | P_REXW, EXT3_IMUL, n);   /* rdx = hi */
    tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_ADD << 3)) | P_REXW,
                  TCG_REG_RDX, n);
    if (mg.shift) {
        tcg_out_shifti(s, SHIFT_SAR, 1, TCG_REG_RDX, mg.shift);
    }
    /* + 1 for a negative n: round toward zero */
    tcg_out_mov(s, TCG_TYPE_I64, TCG_REG_RAX, n);
    tcg_out_shifti(s, SHIFT_SHR, 1, TCG_REG_RAX, 63);
    tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_ADD << 3)) | P_REXW,
                  TCG_REG_RDX, TCG_REG_RAX);
    if (mg.neg) {
        tcg_out_modrm(s, OPC_GRP3_Ev | P_REXW, EXT3_NEG, TCG_REG_RDX);
    }
    if (rem) {
        tcg_out_rem_from_quot(s, a0, n, TCG_REG_RDX, (uint64_t)d);
    } else {
        tcg_out_mov(s, TCG_TYPE_I64, a0, TCG_REG_RDX);
    }
}

/*
 * Division by register d with a likely value hint (the op's const arg):
 * if d == hint, the multiply above, else div.  The compare costs a
 * cycle; when the hint is right the multiply saves tens.
 */
static void tcg_out_div_hint(TCGContext *s, TCGType type, bool sign,
                             bool rem, int a0, int n, int d, uint64_t hint)
{
    int w = rexw(type);
    uint8_t *jne, *jmp;

    if (type == TCG_TYPE_I32 || fits_i32((int64_t)hint)) {
        tcg_out_arithi(s, ARITH_CMP, w, d, (int32_t)hint);
    } else {
        tcg_out_movi(s, TCG_TYPE_I64, TCG_TMP0, (int64_t)hint);
        tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_CMP << 3)) | w, d,
                      TCG_TMP0);
    }
    tcg_out_opc(s, OPC_JCC_long + JCC_JNE, 0, 0, 0);
    jne = s->code_ptr;
    tcg_out32(s, 0);
    if (sign) {
        tcg_out_sdiv_const(s, type, rem, a0, n, (int64_t)hint);
    } else {
        tcg_out_udiv_const(s, type, rem, a0, n, hint);
    }
    tcg_out8(s, OPC_JMP_long);
    jmp = s->code_ptr;
    tcg_out32(s, 0);
    if (!tcg_backend(s)->overflow) {
        uint32_t rel = (uint32_t)(s->code_ptr - (jne + 4));

        memcpy(jne, &rel, 4);
    }
    tcg_out_div_reg(s, type, sign, rem, a0, n, d);
    if (!tcg_backend(s)->overflow) {
        uint32_t rel = (uint32_t)(s->code_ptr - (jmp + 4));

        memcpy(jmp, &rel, 4);
    }
}

static void tcg_out_ctpop(TCGContext *s, TCGType type, int a0, int a1)
{
    int w = rexw(type);
    uint8_t *loop, *jz;

    if (tcg_have_popcnt) {
        tcg_out_modrm(s, OPC_POPCNT | w, a0, a1);
        return;
    }
    /* Kernighan's loop: clear the lowest set bit until none is left. */
    tcg_out_mov(s, type, TCG_TMP0, a1);
    tcg_out_modrm(s, OPC_ARITH_GvEv + (ARITH_XOR << 3), TCG_TMP1, TCG_TMP1);
    loop = s->code_ptr;
    tcg_out_modrm(s, OPC_TESTL | w, TCG_TMP0, TCG_TMP0);
    tcg_out8(s, OPC_JCC_short + JCC_JE);
    jz = s->code_ptr;
    tcg_out8(s, 0);
    tcg_out_modrm_offset(s, OPC_LEA | w, a0, TCG_TMP0, -1);
    tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_AND << 3)) | w, TCG_TMP0, a0);
    tcg_out_arithi(s, ARITH_ADD, 0, TCG_TMP1, 1);
    tcg_out8(s, OPC_JMP_short);
    tcg_out8(s, (uint8_t)(loop - (s->code_ptr + 1)));
    if (!tcg_backend(s)->overflow) {
        *jz = (uint8_t)(s->code_ptr - (jz + 1));
    }
    tcg_out_mov(s, type, a0, TCG_TMP1);
}

/* ---- Host memory (ld/st relative to a pointer) ---- */

static void tcg_out_ldst_host(TCGContext *s, TCGOpcode opc, TCGType type,
                              TCGArg a0, int base, intptr_t off, bool c0)
{
    int w = rexw(type);

    switch (opc) {
    case INDEX_op_ld8u:
        tcg_out_modrm_offset(s, OPC_MOVZBL, a0, base, off);
        break;
    case INDEX_op_ld8s:
        tcg_out_modrm_offset(s, OPC_MOVSBL | w, a0, base, off);
        break;
    case INDEX_op_ld16u:
        tcg_out_modrm_offset(s, OPC_MOVZWL, a0, base, off);
        break;
    case INDEX_op_ld16s:
        tcg_out_modrm_offset(s, OPC_MOVSWL | w, a0, base, off);
        break;
    case INDEX_op_ld32u:
        tcg_out_modrm_offset(s, OPC_MOVL_GvEv, a0, base, off);
        break;
    case INDEX_op_ld32s:
        if (type == TCG_TYPE_I64) {
            tcg_out_modrm_offset(s, OPC_MOVSLQ, a0, base, off);
        } else {
            tcg_out_modrm_offset(s, OPC_MOVL_GvEv, a0, base, off);
        }
        break;
    case INDEX_op_ld:
        tcg_out_modrm_offset(s, OPC_MOVL_GvEv | w, a0, base, off);
        break;
    case INDEX_op_st8:
        if (c0) {
            tcg_out_modrm_offset(s, OPC_MOVB_EvIz, 0, base, off);
            tcg_out8(s, (uint8_t)a0);
        } else {
            tcg_out_modrm_offset(s, OPC_MOVB_EvGv | P_REXB_R, a0, base,
                                 off);
        }
        break;
    case INDEX_op_st16:
        if (c0) {
            tcg_out_modrm_offset(s, OPC_MOVL_EvIz | P_DATA16, 0, base, off);
            tcg_out16(s, (uint16_t)a0);
        } else {
            tcg_out_modrm_offset(s, OPC_MOVL_EvGv | P_DATA16, a0, base, off);
        }
        break;
    case INDEX_op_st32:
    case INDEX_op_st:
        if (opc == INDEX_op_st32) {
            w = 0;
        }
        if (c0) {
            tcg_out_modrm_offset(s, OPC_MOVL_EvIz | w, 0, base, off);
            tcg_out32(s, (uint32_t)a0);
        } else {
            tcg_out_modrm_offset(s, OPC_MOVL_EvGv | w, a0, base, off);
        }
        break;
    default:
        break;
    }
}

/* ---- Guest memory: softmmu TLB fast path ---- */

/* Load of size/sign mop at [base + index] (or from a register). */
static void tcg_out_guest_load(TCGContext *s, TCGType type, MemOp mop,
                               int data, int base, int index)
{
    int w = rexw(type), opc;

    switch (mop & (MO_SIZE | MO_SIGN)) {
    case MO_UB: opc = OPC_MOVZBL; break;
    case MO_SB: opc = OPC_MOVSBL | w; break;
    case MO_UW: opc = OPC_MOVZWL; break;
    case MO_SW: opc = OPC_MOVSWL | w; break;
    case MO_SL:
        opc = type == TCG_TYPE_I64 ? OPC_MOVSLQ : OPC_MOVL_GvEv;
        break;
    case MO_UQ: case MO_UQ | MO_SIGN:
        opc = OPC_MOVL_GvEv | w;
        break;
    default:        /* MO_UL */
        opc = OPC_MOVL_GvEv;
        break;
    }
    if (index < 0) {
        if (opc == (OPC_MOVL_GvEv | P_REXW) && data == base) {
            return;
        }
        tcg_out_modrm(s, opc | P_REXB_RM, data, base);
    } else {
        tcg_out_modrm_sib_offset(s, opc, data, base, index, 0, 0);
    }
}

static void tcg_out_qemu_ldst(TCGContext *s, bool is_ld, TCGType type,
                              int data, int addr, MemOpIdx oi)
{
    TCGBackend *be = tcg_backend(s);
    MemOp mop = get_memop(oi);
    unsigned size = 1u << (mop & MO_SIZE);
    int mmu_idx = get_mmuidx(oi);
    intptr_t tlb_off, cmp_off;
    TCGLdstInfo *li;

    be->ldst = tcg_grow(be->ldst, &be->max_ldst, be->nb_ldst + 1,
                        sizeof(TCGLdstInfo));
    li = &be->ldst[be->nb_ldst++];
    li->is_ld = is_ld;
    li->type = type;
    li->oi = oi;
    li->addr_reg = addr;
    li->data_reg = data;

    if (mmu_idx >= NB_MMU_MODES) {
        /* No TLB for this index (front-end bug): always take the helper. */
        tcg_out8(s, OPC_JMP_long);
        li->jcc_off = (uint32_t)(s->code_ptr - s->code_buf);
        tcg_out32(s, 0);
        li->raddr_off = (uint32_t)(s->code_ptr - s->code_buf);
        return;
    }
    tlb_off = offsetof(CPUState, tlb.table) +
              (intptr_t)mmu_idx * CPU_TLB_SIZE * sizeof(CPUTLBEntry);
    cmp_off = tlb_off + (is_ld ? offsetof(CPUTLBEntry, addr_read)
                               : offsetof(CPUTLBEntry, addr_write));

    /* tmp1 = entry index * sizeof(entry) */
    tcg_out_mov(s, TCG_TYPE_I64, TCG_TMP1, addr);
    tcg_out_shifti(s, SHIFT_SHR, P_REXW, TCG_TMP1,
                   TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS);
    tcg_out_arithi(s, ARITH_AND, 0, TCG_TMP1,
                   (CPU_TLB_SIZE - 1) << CPU_TLB_ENTRY_BITS);
    /* tmp0 = page of addr, keeping misalignment bits so they miss. */
    tcg_out_mov(s, TCG_TYPE_I64, TCG_TMP0, addr);
    tcg_out_arithi(s, ARITH_AND, P_REXW, TCG_TMP0,
                   (int32_t)(TARGET_PAGE_MASK | (size - 1)));
    tcg_out_modrm_sib_offset(s, (OPC_ARITH_GvEv + (ARITH_CMP << 3)) | P_REXW,
                             TCG_TMP0, TCG_TARGET_ENV_REG, TCG_TMP1, 0,
                             cmp_off);
    tcg_out_opc(s, OPC_JCC_long + JCC_JNE, 0, 0, 0);
    li->jcc_off = (uint32_t)(s->code_ptr - s->code_buf);
    tcg_out32(s, 0);
    /* tmp1 = addend; host address = addr + addend. */
    tcg_out_modrm_sib_offset(s, OPC_MOVL_GvEv | P_REXW, TCG_TMP1,
                             TCG_TARGET_ENV_REG, TCG_TMP1, 0,
                             tlb_off + offsetof(CPUTLBEntry, addend));
    if (is_ld) {
        tcg_out_guest_load(s, type, mop, data, addr, TCG_TMP1);
    } else {
        switch (mop & MO_SIZE) {
        case MO_8:
            tcg_out_modrm_sib_offset(s, OPC_MOVB_EvGv | P_REXB_R, data,
                                     addr, TCG_TMP1, 0, 0);
            break;
        case MO_16:
            tcg_out_modrm_sib_offset(s, OPC_MOVL_EvGv | P_DATA16, data,
                                     addr, TCG_TMP1, 0, 0);
            break;
        case MO_32:
            tcg_out_modrm_sib_offset(s, OPC_MOVL_EvGv, data, addr,
                                     TCG_TMP1, 0, 0);
            break;
        default:
            tcg_out_modrm_sib_offset(s, OPC_MOVL_EvGv | P_REXW, data, addr,
                                     TCG_TMP1, 0, 0);
            break;
        }
    }
    li->raddr_off = (uint32_t)(s->code_ptr - s->code_buf);
}

static void tcg_out_ldst_slow_path(TCGContext *s, const TCGLdstInfo *li)
{
    uintptr_t raddr = tcg_rx(s->code_buf + li->raddr_off);
    uint32_t here = (uint32_t)(s->code_ptr - s->code_buf);

    tcg_patch32(s, li->jcc_off, here - (li->jcc_off + 4));
    if (li->is_ld) {
        tcg_out_mov(s, TCG_TYPE_I64, TCG_REG_RSI, li->addr_reg);
        tcg_out_mov(s, TCG_TYPE_I64, TCG_REG_RDI, TCG_TARGET_ENV_REG);
        tcg_out_movi(s, TCG_TYPE_I32, TCG_REG_RDX, li->oi);
        tcg_out_modrm_rip(s, OPC_LEA | P_REXW, TCG_REG_RCX, raddr);
        tcg_out_call_abs(s, (uintptr_t)helper_ld_mmu);
        tcg_out_guest_load(s, li->type, get_memop(li->oi), li->data_reg,
                           TCG_REG_RAX, -1);
    } else {
        /* Parallel move of addr/data into rsi/rdx via the scratch regs. */
        tcg_out_mov(s, TCG_TYPE_I64, TCG_TMP1, li->addr_reg);
        tcg_out_mov(s, TCG_TYPE_I64, TCG_TMP0, li->data_reg);
        tcg_out_mov(s, TCG_TYPE_I64, TCG_REG_RDI, TCG_TARGET_ENV_REG);
        tcg_out_mov(s, TCG_TYPE_I64, TCG_REG_RSI, TCG_TMP1);
        tcg_out_mov(s, TCG_TYPE_I64, TCG_REG_RDX, TCG_TMP0);
        tcg_out_movi(s, TCG_TYPE_I32, TCG_REG_RCX, li->oi);
        tcg_out_modrm_rip(s, OPC_LEA | P_REXW, TCG_REG_R8, raddr);
        tcg_out_call_abs(s, (uintptr_t)helper_st_mmu);
    }
    tcg_out_jmp_abs(s, raddr);
}

/* ---- Guest FP on the host SSE unit (INDEX_op_fpop) ---- */

/* xmm registers: 0-2 operands, 3-5 the slow path's parallel move. */
static void tcg_out_fp_jcc_slow(TCGContext *s, TCGFPSlow *fs, int cc)
{
    /* at most 6: two guards, three box checks, the result check */
    if (fs->nb_jcc >= TCG_FPSLOW_MAX_JCC) {
        fprintf(stderr, "tcg: fpop with too many guards\n");
        abort();
    }
    tcg_out_opc(s, OPC_JCC_long + cc, 0, 0, 0);
    fs->jcc_off[fs->nb_jcc++] = (uint32_t)(s->code_ptr - s->code_buf);
    tcg_out32(s, 0);
}

/* An FP input into xmm x, its sign flipped first if neg. */
static void tcg_out_fp_in(TCGContext *s, const TCGFPOpInfo *fi, int x,
                          int reg, bool neg)
{
    int w = fi->is64 ? P_REXW : 0;

    if (neg) {
        tcg_out_mov(s, TCG_TYPE_I64, TCG_TMP0, reg);
        tcg_out_modrm(s, OPC_GRP8_EvIb | w, EXT8_BTC, TCG_TMP0);
        tcg_out8(s, fi->is64 ? 63 : 31);
        reg = TCG_TMP0;
    }
    tcg_out_modrm(s, OPC_MOVD_VyEy | w, x, reg);
}

/*
 * Fast path of an fpop (see TCGFPOpInfo in tcg.h): guards, the host
 * operation, the result check; any failed guard jumps to the out-of-line
 * helper call, which returns right after the fast path.
 */
static void tcg_out_fpop(TCGContext *s, int out, int a, int b, int c,
                         const TCGFPOpInfo *fi, uint64_t imm)
{
    TCGBackend *be = tcg_backend(s);
    int pfx = fi->is64 ? P_SIMDF2 : P_SIMDF3;
    int w = fi->is64 ? P_REXW : 0;
    int nb_fp = fi->op == TCG_FP_FMA ? 3 : fi->op == TCG_FP_SQRT ? 1 : 2;
    const int in[3] = { a, b, c };
    TCGFPSlow *fs;
    int i, res;

    be->fpslow = tcg_grow(be->fpslow, &be->max_fpslow, be->nb_fpslow + 1,
                          sizeof(TCGFPSlow));
    fs = &be->fpslow[be->nb_fpslow++];
    fs->info = fi;
    fs->imm = imm;
    fs->in_reg[0] = a;
    fs->in_reg[1] = b;
    fs->in_reg[2] = c;
    fs->out_reg = out;
    fs->nb_jcc = 0;

    if (fi->set_mask) {
        tcg_out_modrm_offset(s, OPC_GRP3_Ev, EXT3_TESTi, TCG_TARGET_ENV_REG,
                             fi->set_off);
        tcg_out32(s, fi->set_mask);
        tcg_out_fp_jcc_slow(s, fs, JCC_JE);
    }
    if (fi->clr_mask) {
        tcg_out_modrm_offset(s, OPC_GRP3_Ev, EXT3_TESTi, TCG_TARGET_ENV_REG,
                             fi->clr_off);
        tcg_out32(s, fi->clr_mask);
        tcg_out_fp_jcc_slow(s, fs, JCC_JNE);
    }
    switch (fi->op) {
    case TCG_FP_CVT_I64:
    case TCG_FP_CVT_I32:
    case TCG_FP_CVT_U32:
        /* pxor breaks the dependency on xmm0's old upper half */
        tcg_out_modrm(s, OPC_PXOR, 0, 0);
        if (fi->op == TCG_FP_CVT_U32) {
            tcg_out_modrm(s, OPC_MOVL_GvEv, TCG_TMP0, a);   /* zero-ext */
            tcg_out_modrm(s, OPC_CVTSI2S | pfx | P_REXW, 0, TCG_TMP0);
        } else {
            tcg_out_modrm(s, OPC_CVTSI2S | pfx |
                          (fi->op == TCG_FP_CVT_I64 ? P_REXW : 0), 0, a);
        }
        break;
    default:
        if (fi->nanbox && !fi->is64) {
            /* Boxed: the upper half all ones, i.e. >= 0xffffffff00000000 */
            tcg_out_movi(s, TCG_TYPE_I64, TCG_TMP1, (int64_t)~0xffffffffull);
            for (i = 0; i < nb_fp; i++) {
                tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_CMP << 3)) |
                              P_REXW, in[i], TCG_TMP1);
                tcg_out_fp_jcc_slow(s, fs, JCC_JB);
            }
        }
        if (fi->op == TCG_FP_FMA) {
            /* vfmadd231s[sd] xmm0, xmm1, xmm2: xmm0 = xmm1 * xmm2 + xmm0 */
            tcg_out_fp_in(s, fi, 0, c, fi->neg_c);
            tcg_out_fp_in(s, fi, 1, a, fi->neg_a);
            tcg_out_fp_in(s, fi, 2, b, false);
            tcg_out8(s, 0xc4);
            tcg_out8(s, 0xe2);                  /* ~RXB, map 0f38 */
            tcg_out8(s, (fi->is64 ? 0x80 : 0) | ((~1 & 15) << 3) | 1);
            tcg_out8(s, 0xb9);
            tcg_out8(s, 0xc2);                  /* reg xmm0, rm xmm2 */
            break;
        }
        tcg_out_fp_in(s, fi, 0, a, false);
        if (fi->op == TCG_FP_SQRT) {
            tcg_out_modrm(s, OPC_SQRTS | pfx, 0, 0);
            break;
        }
        tcg_out_fp_in(s, fi, 1, b, false);
        tcg_out_modrm(s, (fi->op == TCG_FP_ADD ? OPC_ADDS :
                          fi->op == TCG_FP_SUB ? OPC_SUBS :
                          fi->op == TCG_FP_MUL ? OPC_MULS : OPC_DIVS) | pfx,
                      0, 1);
        break;
    }
    /*
     * The result goes straight to out unless out shares a register with
     * an input, which the helper would still need.
     */
    res = (out == a || out == b || out == c) ? TCG_TMP0 : out;
    tcg_out_modrm(s, OPC_MOVD_EyVy | w, 0, res);

    /*
     * tmp1 = the magnitude shifted left by one, binary64: bits 62..31 of
     * the result (the exponent at the top), binary32: all but the sign.
     */
    if (fi->check != TCG_FPCHK_NONE) {
        uint32_t top = fi->is64 ? 0xffe00000u : 0xff000000u;

        tcg_out_mov(s, fi->is64 ? TCG_TYPE_I64 : TCG_TYPE_I32, TCG_TMP1,
                    res);
        if (fi->is64) {
            tcg_out_shifti(s, SHIFT_SHR, P_REXW, TCG_TMP1, 31);
        } else {
            tcg_out_shifti(s, SHIFT_SHL, 0, TCG_TMP1, 1);
        }
        if (fi->check == TCG_FPCHK_FINITE) {
            /* all exponent bits set: Inf or NaN */
            tcg_out_arithi(s, ARITH_CMP, 0, TCG_TMP1, (int32_t)top);
            tcg_out_fp_jcc_slow(s, fs, JCC_JAE);
        } else {
            /*
             * Normal: min normal < |r| < Inf.  binary64: bit 31 of the
             * result is the lowest bit looked at, so [2^-1022,
             * 2^-1022 (1 + 2^-20)) also takes the helper.
             */
            uint32_t lo = fi->is64 ? 0x00200002u : 0x01000002u;

            tcg_out_arithi(s, ARITH_SUB, 0, TCG_TMP1, (int32_t)lo);
            tcg_out_arithi(s, ARITH_CMP, 0, TCG_TMP1, (int32_t)(top - lo));
            tcg_out_fp_jcc_slow(s, fs, JCC_JAE);
        }
    }
    if (fi->nanbox && !fi->is64) {
        tcg_out_movi(s, TCG_TYPE_I64, TCG_TMP1, (int64_t)~0xffffffffull);
        tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_OR << 3)) | P_REXW,
                      res, TCG_TMP1);
    }
    tcg_out_mov(s, TCG_TYPE_I64, out, res);
    fs->raddr_off = (uint32_t)(s->code_ptr - s->code_buf);
}

/* Call-clobbered registers the slow path saves (8: rsp stays aligned). */
static const int fpslow_saved[8] = {
    TCG_REG_RAX, TCG_REG_RCX, TCG_REG_RDX, TCG_REG_RSI, TCG_REG_RDI,
    TCG_REG_R8, TCG_REG_R9, TCG_REG_R10,
};

static void tcg_out_fpop_slow_path(TCGContext *s, const TCGFPSlow *fs)
{
    const TCGFPOpInfo *fi = fs->info;
    uint32_t here = (uint32_t)(s->code_ptr - s->code_buf);
    int i, argi = 1;

    if (fs->nb_jcc == 0) {
        return;
    }
    for (i = 0; i < fs->nb_jcc; i++) {
        tcg_patch32(s, fs->jcc_off[i], here - (fs->jcc_off[i] + 4));
    }
    for (i = 0; i < 8; i++) {
        tcg_out_push(s, fpslow_saved[i]);
    }
    /* Parallel move of the inputs into argument registers via xmm3-5. */
    for (i = 0; i < fi->nb_in; i++) {
        tcg_out_modrm(s, OPC_MOVD_VyEy | P_REXW, 3 + i, fs->in_reg[i]);
    }
    tcg_out_mov(s, TCG_TYPE_I64, TCG_REG_RDI, TCG_TARGET_ENV_REG);
    if (fi->has_imm && fi->imm_first) {
        tcg_out_movi(s, TCG_TYPE_I64, tcg_target_call_iarg_regs[argi++],
                     (int64_t)fs->imm);
    }
    for (i = 0; i < fi->nb_in; i++) {
        tcg_out_modrm(s, OPC_MOVD_EyVy | P_REXW, 3 + i,
                      tcg_target_call_iarg_regs[argi++]);
    }
    if (fi->has_imm && !fi->imm_first) {
        tcg_out_movi(s, TCG_TYPE_I64, tcg_target_call_iarg_regs[argi++],
                     (int64_t)fs->imm);
    }
    tcg_out_call_abs(s, (uintptr_t)fi->helper->func);
    tcg_out_mov(s, TCG_TYPE_I64, TCG_TMP0, TCG_REG_RAX);
    for (i = 7; i >= 0; i--) {
        tcg_out_pop(s, fpslow_saved[i]);
    }
    tcg_out_mov(s, TCG_TYPE_I64, fs->out_reg, TCG_TMP0);
    tcg_out_jmp_abs(s, tcg_rx(s->code_buf + fs->raddr_off));
}

/* ---- Ops ---- */

void tcg_out_op(TCGContext *s, TCGOpcode opc, TCGType type,
                const TCGArg *args, const int *const_args)
{
    int w = rexw(type);
    int a0 = (int)args[0], a1 = (int)args[1];
    TCGArg a2 = args[2];
    bool c2 = const_args[2];
    int cc;

    switch (opc) {
    case INDEX_op_br:
        tcg_out_jmp_label(s, (TCGLabel *)args[0]);
        break;
    case INDEX_op_brcond: {
        TCGCond cond = (TCGCond)args[2];

        if (cond == TCG_COND_ALWAYS) {
            tcg_out_jmp_label(s, (TCGLabel *)args[3]);
        } else if (cond != TCG_COND_NEVER) {
            cc = tcg_out_cmp(s, type, cond, a0, args[1], const_args[1]);
            tcg_out_jcc_label(s, cc, (TCGLabel *)args[3]);
        }
        break;
    }
    case INDEX_op_goto_tb: {
        unsigned n = (unsigned)args[0];
        int gap = (int)((4 - ((tcg_rx(s->code_ptr) + 1) & 3)) & 3);

        /* The rel32 must be 4-byte aligned so patching is atomic. */
        tcg_out_nopn(s, gap);
        if (n < 2) {
            s->goto_tb_off[n] = (uint32_t)(s->code_ptr - s->code_buf);
        }
        tcg_out8(s, OPC_JMP_long);
        tcg_out32(s, 0);
        if (n < 2) {
            s->goto_tb_reset[n] = (uint32_t)(s->code_ptr - s->code_buf);
        }
        break;
    }
    case INDEX_op_exit_tb:
        if (args[0] == 0) {
            tcg_out_jmp_abs(s, (uintptr_t)tcg_code_gen_epilogue);
        } else {
            /*
             * The value is usually the TB's address (plus an exit index)
             * and the TB sits just before its code: a rip-relative lea
             * is 3 bytes shorter than movabs.
             */
            intptr_t d = (intptr_t)(args[0] - (tcg_rx(s->code_ptr) + 7));

            if (d == (int32_t)d) {
                tcg_out_modrm_rip(s, OPC_LEA | P_REXW, TCG_REG_RAX,
                                  (uintptr_t)args[0]);
            } else {
                tcg_out_movi(s, TCG_TYPE_I64, TCG_REG_RAX, (int64_t)args[0]);
            }
            tcg_out_jmp_abs(s, tb_ret_addr);
        }
        break;
    case INDEX_op_goto_ptr:
        tcg_out_modrm(s, OPC_GRP5, EXT5_JMPN_Ev, a0);
        break;
    case INDEX_op_mb:
        /*
         * Guest fences are full barriers (kind 0).  x86 is TSO: the one
         * order it does not keep is an older store before a younger
         * load (SB litmus), which RISC-V FENCE RW,RW and Arm DMB/LDAR
         * forbid.  lock orl $0,(%rsp) orders it, cheaper than mfence.
         */
        tcg_out8(s, 0xf0);
        tcg_out8(s, 0x83);
        tcg_out8(s, 0x0c);
        tcg_out8(s, 0x24);
        tcg_out8(s, 0x00);
        break;

    case INDEX_op_setcond: {
        TCGCond cond = (TCGCond)args[3];

        if (cond == TCG_COND_NEVER || cond == TCG_COND_ALWAYS) {
            tcg_out_movi(s, TCG_TYPE_I64, a0, cond == TCG_COND_ALWAYS);
            break;
        }
        cc = tcg_out_cmp(s, type, cond, a1, a2, c2);
        tcg_out_modrm(s, OPC_SETCC + cc, 0, a0);
        tcg_out_modrm(s, OPC_MOVZBL | P_REXB_RM, a0, a0);
        break;
    }
    case INDEX_op_movcond: {
        TCGCond cond = (TCGCond)args[5];
        int v1 = (int)args[3], v2 = (int)args[4];

        if (cond == TCG_COND_NEVER || cond == TCG_COND_ALWAYS) {
            tcg_out_mov(s, type, a0, cond == TCG_COND_ALWAYS ? v1 : v2);
            break;
        }
        cc = tcg_out_cmp(s, type, cond, a1, a2, c2);
        if (a0 == v1) {
            tcg_out_modrm(s, (OPC_CMOVCC + (cc ^ 1)) | w, a0, v2);
        } else {
            tcg_out_mov(s, type, a0, v2);
            tcg_out_modrm(s, (OPC_CMOVCC + cc) | w, a0, v1);
        }
        break;
    }

    case INDEX_op_add:
        if (c2) {
            if (a0 == a1) {
                tcg_out_arithi(s, ARITH_ADD, w, a0, (int32_t)a2);
            } else {
                tcg_out_modrm_offset(s, OPC_LEA | w, a0, a1, (int32_t)a2);
            }
        } else if (a0 == a1 || a0 == (int)a2) {
            tcg_out_arith3(s, ARITH_ADD, type, a0, a1, a2, false);
        } else {
            tcg_out_modrm_sib_offset(s, OPC_LEA | w, a0, a1, (int)a2, 0, 0);
        }
        break;
    case INDEX_op_sub:
        if (c2) {
            tcg_out_mov(s, type, a0, a1);
            tcg_out_arithi(s, ARITH_SUB, w, a0, (int32_t)a2);
        } else if (a0 == (int)a2 && a0 != a1) {
            /* a0 = -a2 + a1 */
            tcg_out_modrm(s, OPC_GRP3_Ev | w, EXT3_NEG, a0);
            tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_ADD << 3)) | w, a0, a1);
        } else {
            tcg_out_mov(s, type, a0, a1);
            tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_SUB << 3)) | w, a0,
                          (int)a2);
        }
        break;
    case INDEX_op_and:
        tcg_out_arith3(s, ARITH_AND, type, a0, a1, a2, c2);
        break;
    case INDEX_op_or:
        tcg_out_arith3(s, ARITH_OR, type, a0, a1, a2, c2);
        break;
    case INDEX_op_xor:
        tcg_out_arith3(s, ARITH_XOR, type, a0, a1, a2, c2);
        break;
    case INDEX_op_andc:
    case INDEX_op_orc: {
        int arith = opc == INDEX_op_andc ? ARITH_AND : ARITH_OR;

        if (c2) {
            tcg_out_mov(s, type, a0, a1);
            tcg_out_arithi(s, arith, w, a0, (int32_t)~a2);
        } else {
            tcg_out_mov(s, type, TCG_TMP0, (int)a2);
            tcg_out_modrm(s, OPC_GRP3_Ev | w, EXT3_NOT, TCG_TMP0);
            tcg_out_mov(s, type, a0, a1);
            tcg_out_modrm(s, (OPC_ARITH_GvEv + (arith << 3)) | w, a0,
                          TCG_TMP0);
        }
        break;
    }
    case INDEX_op_eqv:
        if (c2) {
            tcg_out_mov(s, type, a0, a1);
            tcg_out_arithi(s, ARITH_XOR, w, a0, (int32_t)~a2);
        } else {
            tcg_out_mov(s, type, TCG_TMP0, a1);
            tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_XOR << 3)) | w,
                          TCG_TMP0, (int)a2);
            tcg_out_modrm(s, OPC_GRP3_Ev | w, EXT3_NOT, TCG_TMP0);
            tcg_out_mov(s, type, a0, TCG_TMP0);
        }
        break;
    case INDEX_op_mul:
        if (c2) {
            int32_t imm = (int32_t)a2;

            if (imm == (int8_t)imm) {
                tcg_out_modrm(s, OPC_IMUL_GvEvIb | w, a0, a1);
                tcg_out8(s, (uint8_t)imm);
            } else {
                tcg_out_modrm(s, OPC_IMUL_GvEvIz | w, a0, a1);
                tcg_out32(s, (uint32_t)imm);
            }
        } else if (a0 == (int)a2) {
            tcg_out_modrm(s, OPC_IMUL_GvEv | w, a0, a1);
        } else {
            tcg_out_mov(s, type, a0, a1);
            tcg_out_modrm(s, OPC_IMUL_GvEv | w, a0, (int)a2);
        }
        break;
    case INDEX_op_div:
    case INDEX_op_rem:
    case INDEX_op_divu:
    case INDEX_op_remu: {
        bool sign = opc == INDEX_op_div || opc == INDEX_op_rem;
        bool rem = opc == INDEX_op_rem || opc == INDEX_op_remu;
        uint64_t hint = type == TCG_TYPE_I32 ? (uint32_t)args[3] : args[3];

        /* The allocator keeps a0-a2 out of rax/rdx. */
        if (c2 && sign) {
            tcg_out_sdiv_const(s, type, rem, a0, a1, (int64_t)a2);
        } else if (c2) {
            tcg_out_udiv_const(s, type, rem, a0, a1, a2);
        } else if (hint) {
            tcg_out_div_hint(s, type, sign, rem, a0, a1, (int)a2, hint);
        } else {
            tcg_out_div_reg(s, type, sign, rem, a0, a1, (int)a2);
        }
        break;
    }
    case INDEX_op_muluh:
    case INDEX_op_mulsh:
        tcg_out_mov(s, type, TCG_REG_RAX, a1);
        tcg_out_modrm(s, OPC_GRP3_Ev | w,
                      opc == INDEX_op_muluh ? EXT3_MUL : EXT3_IMUL, (int)a2);
        tcg_out_mov(s, type, a0, TCG_REG_RDX);
        break;
    case INDEX_op_shl:
        tcg_out_shift(s, SHIFT_SHL, type, a0, a1, a2, c2);
        break;
    case INDEX_op_shr:
        tcg_out_shift(s, SHIFT_SHR, type, a0, a1, a2, c2);
        break;
    case INDEX_op_sar:
        tcg_out_shift(s, SHIFT_SAR, type, a0, a1, a2, c2);
        break;
    case INDEX_op_rotl:
        tcg_out_shift(s, SHIFT_ROL, type, a0, a1, a2, c2);
        break;
    case INDEX_op_rotr:
        tcg_out_shift(s, SHIFT_ROR, type, a0, a1, a2, c2);
        break;
    case INDEX_op_neg:
    case INDEX_op_not:
        tcg_out_mov(s, type, a0, a1);
        tcg_out_modrm(s, OPC_GRP3_Ev | w,
                      opc == INDEX_op_neg ? EXT3_NEG : EXT3_NOT, a0);
        break;
    case INDEX_op_clz:
    case INDEX_op_ctz:
        tcg_out_clz_ctz(s, opc == INDEX_op_clz, type, a0, a1, a2, c2);
        break;
    case INDEX_op_ctpop:
        tcg_out_ctpop(s, type, a0, a1);
        break;
    case INDEX_op_bswap16:
        /* movzwl then rol $8 on the 16-bit register. */
        tcg_out_modrm(s, OPC_MOVZWL, a0, a1);
        tcg_out_modrm(s, OPC_SHIFT_Ib | P_DATA16, SHIFT_ROL, a0);
        tcg_out8(s, 8);
        break;
    case INDEX_op_bswap32:
        tcg_out_mov(s, TCG_TYPE_I32, a0, a1);
        tcg_out_opc(s, OPC_BSWAP + (a0 & 7), 0, a0, 0);
        break;
    case INDEX_op_bswap64:
        tcg_out_mov(s, TCG_TYPE_I64, a0, a1);
        tcg_out_opc(s, (OPC_BSWAP + (a0 & 7)) | P_REXW, 0, a0, 0);
        break;
    case INDEX_op_ext8s:
        tcg_out_modrm(s, OPC_MOVSBL | P_REXB_RM | w, a0, a1);
        break;
    case INDEX_op_ext8u:
        tcg_out_modrm(s, OPC_MOVZBL | P_REXB_RM, a0, a1);
        break;
    case INDEX_op_ext16s:
        tcg_out_modrm(s, OPC_MOVSWL | w, a0, a1);
        break;
    case INDEX_op_ext16u:
        tcg_out_modrm(s, OPC_MOVZWL, a0, a1);
        break;
    case INDEX_op_ext32s:
    case INDEX_op_ext_i32_i64:
        tcg_out_modrm(s, OPC_MOVSLQ, a0, a1);
        break;
    case INDEX_op_ext32u:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32:
        /* A 32-bit mov zero-extends; also for a0 == a1. */
        tcg_out_modrm(s, OPC_MOVL_GvEv, a0, a1);
        break;

    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_ld16u:
    case INDEX_op_ld16s: case INDEX_op_ld32u: case INDEX_op_ld32s:
    case INDEX_op_ld: case INDEX_op_st8: case INDEX_op_st16:
    case INDEX_op_st32: case INDEX_op_st:
        tcg_out_ldst_host(s, opc, type, args[0], a1, (intptr_t)a2,
                          const_args[0]);
        break;
    case INDEX_op_qemu_ld:
        tcg_out_qemu_ldst(s, true, type, a0, a1, (MemOpIdx)a2);
        break;
    case INDEX_op_qemu_st:
        tcg_out_qemu_ldst(s, false, type, a0, a1, (MemOpIdx)a2);
        break;
    case INDEX_op_fpop:
        tcg_out_fpop(s, a0, a1, (int)a2, (int)args[3],
                     (const TCGFPOpInfo *)args[4], (uint64_t)args[5]);
        break;
    default:
        fprintf(stderr, "tcg: no backend for op %s\n",
                tcg_op_defs[opc].name);
        abort();
    }
}

void tcg_out_finalize(TCGContext *s)
{
    TCGBackend *be = tcg_backend(s);
    int i;

    for (i = 0; i < be->nb_ldst; i++) {
        tcg_out_ldst_slow_path(s, &be->ldst[i]);
    }
    for (i = 0; i < be->nb_fpslow; i++) {
        tcg_out_fpop_slow_path(s, &be->fpslow[i]);
    }
    for (i = 0; i < be->nb_relocs; i++) {
        TCGReloc *r = &be->relocs[i];

        if (!r->label->has_value) {
            fprintf(stderr, "tcg: label %d used but never set\n",
                    r->label->id);
            abort();
        }
        tcg_patch32(s, r->off, (uint32_t)(r->label->value -
                                          (tcg_rx(s->code_buf + r->off) + 4)));
    }
}

/* ---- Prologue, epilogue, chaining ---- */

static const int tcg_target_callee_save_regs[] = {
    TCG_REG_RBP, TCG_REG_RBX, TCG_REG_R12, TCG_REG_R13, TCG_REG_R14,
    TCG_REG_R15,
};

int tcg_target_prologue(uint8_t *buf, size_t size)
{
    static TCGContext ps;
    static TCGBackend pb;
    TCGContext *s = &ps;
    int i, n = ARRAY_SIZE(tcg_target_callee_save_regs);

    /* Entry rsp is 8 mod 16; six pushes keep that; the frame fixes it. */
    _Static_assert(TCG_TARGET_FRAME_SIZE % 16 == 8, "frame alignment");
    memset(&pb, 0, sizeof(pb));
    s->backend = &pb;
    s->code_buf = s->code_ptr = buf;
    s->code_end = buf + size;

    tcg_qemu_tb_exec = (TCGPrologueFn)tcg_rx(buf);
    for (i = 0; i < n; i++) {
        tcg_out_push(s, tcg_target_callee_save_regs[i]);
    }
    tcg_out_mov(s, TCG_TYPE_I64, TCG_TARGET_ENV_REG, TCG_REG_RDI);
    tcg_out_modrm(s, OPC_ARITH_EvIz | P_REXW, ARITH_SUB, TCG_REG_RSP);
    tcg_out32(s, TCG_TARGET_FRAME_SIZE);
    tcg_out_modrm(s, OPC_GRP5, EXT5_JMPN_Ev, TCG_REG_RSI);

    /* exit_tb 0 lands here; exit_tb v sets rax and lands at tb_ret. */
    tcg_code_gen_epilogue = (void *)tcg_rx(s->code_ptr);
    tcg_out_modrm(s, OPC_ARITH_GvEv + (ARITH_XOR << 3), TCG_REG_RAX,
                  TCG_REG_RAX);
    tb_ret_addr = tcg_rx(s->code_ptr);
    tcg_out_modrm(s, OPC_ARITH_EvIz | P_REXW, ARITH_ADD, TCG_REG_RSP);
    tcg_out32(s, TCG_TARGET_FRAME_SIZE);
    for (i = n - 1; i >= 0; i--) {
        tcg_out_pop(s, tcg_target_callee_save_regs[i]);
    }
    tcg_out8(s, OPC_RET);
    if (pb.overflow) {
        return -1;
    }
    return (int)(s->code_ptr - buf);
}

void tb_target_set_jmp_target(TranslationBlock *tb, int n, uintptr_t addr)
{
    uintptr_t jmp_rx, field;
    intptr_t disp;

    if (n < 0 || n > 1) {
        return;
    }
    jmp_rx = (uintptr_t)tb->tc_ptr + tb->jmp_insn_off[n];
    disp = (intptr_t)(addr - (jmp_rx + 5));
    if (disp != (int32_t)disp) {
        return;     /* out of reach: stay unchained */
    }
    /* The rel32 is 4-byte aligned: one atomic store retargets it. */
    field = jmp_rx + 1 + (uintptr_t)tcg_splitwx_diff;
    __atomic_store_n((uint32_t *)field, (uint32_t)disp, __ATOMIC_RELEASE);
}
