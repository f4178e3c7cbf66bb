/* SPDX-License-Identifier: MIT */
/*
 * Interface between the A64 FP translator (translate-fp.c) and the FP
 * helpers (vfp_helper.c): operation codes and the descriptor word that
 * tells a helper which registers, element size and count, and which
 * rounding or fixed-point scale to use.  Helpers read and write
 * env->vregs directly and accumulate FPSR cumulative flags.
 */
#ifndef ARM_VFP_H
#define ARM_VFP_H

#include "cpu.h"

/* Element formats (FPD_SZ). */
enum { FSZ_S = 0, FSZ_D = 1, FSZ_H = 2 };

/* Operations (FPD_OP). */
enum {
    /* binary, same size: d = op(n, m) */
    FOP_ADD, FOP_SUB, FOP_MUL, FOP_DIV, FOP_MAX, FOP_MIN, FOP_MAXNM,
    FOP_MINNM, FOP_NMUL, FOP_MULX, FOP_ABD, FOP_RECPS, FOP_RSQRTS,
    FOP_CMEQ, FOP_CMGE, FOP_CMGT, FOP_ACGE, FOP_ACGT,
    /* ternary: vector d += / -= n * m */
    FOP_MLA, FOP_MLS,
    /* scalar 3-source with ra */
    FOP_MADD, FOP_MSUB, FOP_NMADD, FOP_NMSUB,
    /* unary, same size */
    FOP_ABS, FOP_NEG, FOP_SQRT, FOP_RINT, FOP_RINTX, FOP_RECPE,
    FOP_RSQRTE, FOP_RECPX, FOP_CMEQ0, FOP_CMGE0, FOP_CMGT0, FOP_CMLE0,
    FOP_CMLT0, FOP_TOSINT, FOP_TOUINT, FOP_SCVTF, FOP_UCVTF, FOP_MOV,
    /* size changing */
    FOP_FCVT, FOP_FCVTN, FOP_FCVTL, FOP_FCVTXN,
};

/* Element-walk modes (FPD_MODE). */
enum { FMODE_ELEM, FMODE_PAIR, FMODE_INDEX, FMODE_REDUCE };

/* Rounding override (FPD_RND): 0 = FPCR.RMode, else 1 + FPRounding. */
enum { FR_TIEEVEN, FR_POSINF, FR_NEGINF, FR_ZERO, FR_TIEAWAY, FR_ODD };

#define FPD_OP(d)    ((unsigned)((d) & 0xff))
#define FPD_SZ(d)    ((unsigned)(((d) >> 8) & 3))
#define FPD_N(d)     ((unsigned)(((d) >> 10) & 7))
#define FPD_RD(d)    ((unsigned)(((d) >> 13) & 31))
#define FPD_RN(d)    ((unsigned)(((d) >> 18) & 31))
#define FPD_RM(d)    ((unsigned)(((d) >> 23) & 31))
#define FPD_RA(d)    ((unsigned)(((d) >> 28) & 31))
#define FPD_IDX(d)   ((unsigned)(((d) >> 33) & 15))
#define FPD_MODE(d)  ((unsigned)(((d) >> 37) & 3))
#define FPD_FBITS(d) ((unsigned)(((d) >> 40) & 127))
#define FPD_RND(d)   ((unsigned)(((d) >> 47) & 7))
#define FPD_SZ2(d)   ((unsigned)(((d) >> 50) & 3))   /* FCVT dest size */
#define FPD_HALF(d)  ((unsigned)(((d) >> 52) & 1))   /* FCVTN2/FCVTL2 */
#define FPD_INT64(d) ((unsigned)(((d) >> 53) & 1))   /* GPR is 64-bit */

static inline uint64_t fpd_make(unsigned op, unsigned sz, unsigned n,
                                unsigned rd, unsigned rn, unsigned rm)
{
    return op | (uint64_t)sz << 8 | (uint64_t)n << 10 | (uint64_t)rd << 13 |
           (uint64_t)rn << 18 | (uint64_t)rm << 23;
}

#define FPD_SET_RA(v)    ((uint64_t)(v) << 28)
#define FPD_SET_IDX(v)   ((uint64_t)(v) << 33)
#define FPD_SET_MODE(v)  ((uint64_t)(v) << 37)
#define FPD_SET_FBITS(v) ((uint64_t)(v) << 40)
#define FPD_SET_RND(v)   ((uint64_t)(v) << 47)
#define FPD_SET_SZ2(v)   ((uint64_t)(v) << 50)
#define FPD_SET_HALF(v)  ((uint64_t)(v) << 52)
#define FPD_SET_INT64(v) ((uint64_t)(v) << 53)

/* Helpers (vfp_helper.c). */
void helper_a64_fp_vec(CPUState *cs, uint64_t desc);
void helper_a64_fp_cvt(CPUState *cs, uint64_t desc);
uint64_t helper_a64_fp_cmp(CPUState *cs, uint64_t desc, uint64_t quiet);
uint64_t helper_a64_fp_toint(CPUState *cs, uint64_t desc);
uint64_t helper_a64_fp_fromint(CPUState *cs, uint64_t desc, uint64_t val);

/* Scalar single (_s) and double (_d) arithmetic on values. */
#define FP_SCALAR_DECL(sfx)                                                  \
    uint64_t helper_a64_fadd_##sfx(CPUState *cs, uint64_t a, uint64_t b);    \
    uint64_t helper_a64_fsub_##sfx(CPUState *cs, uint64_t a, uint64_t b);    \
    uint64_t helper_a64_fmul_##sfx(CPUState *cs, uint64_t a, uint64_t b);    \
    uint64_t helper_a64_fdiv_##sfx(CPUState *cs, uint64_t a, uint64_t b);    \
    uint64_t helper_a64_fsqrt_##sfx(CPUState *cs, uint64_t a);               \
    uint64_t helper_a64_fmadd_##sfx(CPUState *cs, uint64_t n, uint64_t m,    \
                                    uint64_t a);                             \
    extern const TCGHelperInfo helper_info_a64_fadd_##sfx,                   \
        helper_info_a64_fsub_##sfx, helper_info_a64_fmul_##sfx,              \
        helper_info_a64_fdiv_##sfx, helper_info_a64_fsqrt_##sfx,             \
        helper_info_a64_fmadd_##sfx;
FP_SCALAR_DECL(s)
FP_SCALAR_DECL(d)
#undef FP_SCALAR_DECL

extern const TCGHelperInfo helper_info_a64_fp_vec, helper_info_a64_fp_cvt,
    helper_info_a64_fp_cmp, helper_info_a64_fp_toint,
    helper_info_a64_fp_fromint;

#endif
