/* SPDX-License-Identifier: MIT */
/*
 * Advanced SIMD data processing shared by the A64 translator
 * (translate-simd.c) and its helper (simd_helper.c).  The integer vector
 * and scalar groups of Arm ARM C4.1.9x are decoded once, in one place:
 * simd_dp_decode() answers at translation time whether an encoding is an
 * integer SIMD instruction we execute, and helper_simd_dp() runs the same
 * decoder with a CPU state to execute it.
 */
#ifndef ARM_SIMD_H
#define ARM_SIMD_H

#include "cpu.h"

#define FPSR_QC (1u << 27)      /* cumulative saturation (C5.2.8) */

/*
 * True if insn is an Advanced SIMD integer data-processing instruction
 * executed by helper_simd_dp.  pmull64: PMULL (1Q <- 1D) is implemented
 * (ID_AA64ISAR0_EL1.AES == 2).
 */
bool simd_dp_decode(uint32_t insn, bool pmull64);

/* AdvSIMDExpandImm: the 64-bit pattern of a modified immediate. */
uint64_t simd_expand_imm(int op, int cmode, uint64_t imm8);

/* Execute insn (which simd_dp_decode accepted) on the V registers. */
void helper_simd_dp(CPUState *cs, uint64_t insn);
extern const TCGHelperInfo helper_info_simd_dp;

/*
 * Helpers chosen at translation time (no run-time decoding).  Their
 * second argument packs the registers: SIMD_DESC(rd, rn, rm, q).
 */
#define SIMD_DESC(rd, rn, rm, q) \
    ((uint64_t)(rd) | (uint64_t)(rn) << 5 | (uint64_t)(rm) << 10 | \
     (uint64_t)(q) << 15)

enum SimdRedOp {
    SIMD_RED_ADD, SIMD_RED_SMAX, SIMD_RED_UMAX, SIMD_RED_SMIN, SIMD_RED_UMIN,
    SIMD_RED_NOPS
};

/* ADDP/SMAXP/... (vector) on 32-bit elements. */
const TCGHelperInfo *simd_pair_helper(enum SimdRedOp op);
/* ADDV/SMAXV/... of size (0-2): returns the element, zero-extended. */
const TCGHelperInfo *simd_across_helper(enum SimdRedOp op, int size);

/* TBL/TBX: desc = SIMD_DESC(...) | (len - 1) << 16 | tbx << 18. */
void helper_simd_tbl(CPUState *cs, uint64_t desc);
extern const TCGHelperInfo helper_info_simd_tbl;

#endif
