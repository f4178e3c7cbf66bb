/* SPDX-License-Identifier: MIT */
/* x86-64 host: register numbers, opcode constants and the encoder API. */
#ifndef TCG_X86_64_TARGET_H
#define TCG_X86_64_TARGET_H

#include "../tcg-internal.h"

/* Register numbers as encoded in ModRM/SIB (plus REX bit 3). */
enum {
    TCG_REG_RAX, TCG_REG_RCX, TCG_REG_RDX, TCG_REG_RBX,
    TCG_REG_RSP, TCG_REG_RBP, TCG_REG_RSI, TCG_REG_RDI,
    TCG_REG_R8, TCG_REG_R9, TCG_REG_R10, TCG_REG_R11,
    TCG_REG_R12, TCG_REG_R13, TCG_REG_R14, TCG_REG_R15,
};

/* Backend scratch registers, never given to the allocator. */
#define TCG_TMP0 TCG_REG_R11
#define TCG_TMP1 TCG_REG_R10

/* Opcode flags (above the low opcode byte). */
#define P_EXT       0x100       /* 0x0f escape */
#define P_EXT38     0x200       /* 0x0f 0x38 escape */
#define P_DATA16    0x400       /* 0x66 operand-size prefix */
#define P_REXW      0x1000      /* REX.W: 64-bit operand size */
#define P_REXB_R    0x2000      /* ModRM.reg names a byte register */
#define P_REXB_RM   0x4000      /* ModRM.rm names a byte register */
#define P_SIMDF3    0x10000     /* 0xf3 prefix */
#define P_SIMDF2    0x20000     /* 0xf2 prefix */

/* Opcodes, named after the Intel manual's operand forms. */
#define OPC_ARITH_EvIz  (0x81)
#define OPC_ARITH_EvIb  (0x83)
#define OPC_ARITH_GvEv  (0x03)      /* + (ARITH_xxx << 3) */
#define OPC_BSF         (0xbc | P_EXT)
#define OPC_BSR         (0xbd | P_EXT)
#define OPC_BSWAP       (0xc8 | P_EXT)
#define OPC_CALL_Jz     (0xe8)
#define OPC_CMOVCC      (0x40 | P_EXT)  /* + cc */
#define OPC_CQO         (0x99)          /* cdq; cqo with REX.W */
#define OPC_GRP3_Ev     (0xf7)
#define OPC_GRP5        (0xff)
#define OPC_IMUL_GvEv   (0xaf | P_EXT)
#define OPC_IMUL_GvEvIb (0x6b)
#define OPC_IMUL_GvEvIz (0x69)
#define OPC_JCC_long    (0x80 | P_EXT)  /* + cc */
#define OPC_JCC_short   (0x70)          /* + cc */
#define OPC_JMP_long    (0xe9)
#define OPC_JMP_short   (0xeb)
#define OPC_LEA         (0x8d)
#define OPC_LZCNT       (0xbd | P_EXT | P_SIMDF3)
#define OPC_MOVB_EvGv   (0x88)
#define OPC_MOVL_EvGv   (0x89)
#define OPC_MOVL_GvEv   (0x8b)
#define OPC_MOVB_EvIz   (0xc6)
#define OPC_MOVL_EvIz   (0xc7)
#define OPC_MOVL_Iv     (0xb8)          /* + reg */
#define OPC_MOVSBL      (0xbe | P_EXT)
#define OPC_MOVSWL      (0xbf | P_EXT)
#define OPC_MOVSLQ      (0x63 | P_REXW)
#define OPC_MOVZBL      (0xb6 | P_EXT)
#define OPC_MOVZWL      (0xb7 | P_EXT)
#define OPC_NOP         (0x90)
#define OPC_POP_r32     (0x58)
#define OPC_POPCNT      (0xb8 | P_EXT | P_SIMDF3)
#define OPC_PUSH_r32    (0x50)
#define OPC_RET         (0xc3)
#define OPC_SETCC       (0x90 | P_EXT | P_REXB_RM)  /* + cc */
#define OPC_SHIFT_1     (0xd1)
#define OPC_SHIFT_Ib    (0xc1)
#define OPC_SHIFT_cl    (0xd3)
#define OPC_TESTL       (0x85)
#define OPC_TZCNT       (0xbc | P_EXT | P_SIMDF3)
/* SSE scalar: add P_SIMDF2 for the sd (double), P_SIMDF3 for ss forms. */
#define OPC_SQRTS       (0x51 | P_EXT)
#define OPC_ADDS        (0x58 | P_EXT)
#define OPC_MULS        (0x59 | P_EXT)
#define OPC_SUBS        (0x5c | P_EXT)
#define OPC_DIVS        (0x5e | P_EXT)
#define OPC_CVTSI2S     (0x2a | P_EXT)
#define OPC_MOVD_VyEy   (0x6e | P_EXT | P_DATA16)   /* movd/movq xmm, r */
#define OPC_MOVD_EyVy   (0x7e | P_EXT | P_DATA16)   /* movd/movq r, xmm */
#define OPC_PXOR        (0xef | P_EXT | P_DATA16)
#define OPC_GRP8_EvIb   (0xba | P_EXT)              /* bt/bts/btr/btc */
#define EXT8_BTC 7

/* Group 1 /digit: arithmetic. */
enum { ARITH_ADD, ARITH_OR, ARITH_ADC, ARITH_SBB, ARITH_AND, ARITH_SUB,
       ARITH_XOR, ARITH_CMP };
/* Group 2 /digit: shifts and rotates. */
enum { SHIFT_ROL = 0, SHIFT_ROR = 1, SHIFT_SHL = 4, SHIFT_SHR = 5,
       SHIFT_SAR = 7 };
/* Group 3 /digit. */
enum { EXT3_TESTi = 0, EXT3_NOT = 2, EXT3_NEG = 3, EXT3_MUL = 4,
       EXT3_IMUL = 5, EXT3_DIV = 6, EXT3_IDIV = 7 };
/* Group 5 /digit. */
enum { EXT5_INC_Ev = 0, EXT5_DEC_Ev = 1, EXT5_CALLN_Ev = 2,
       EXT5_JMPN_Ev = 4 };

/* Condition codes (low nibble of Jcc/SETcc/CMOVcc). */
enum { JCC_JO = 0x0, JCC_JNO, JCC_JB, JCC_JAE, JCC_JE, JCC_JNE, JCC_JBE,
       JCC_JA, JCC_JS, JCC_JNS, JCC_JP, JCC_JNP, JCC_JL, JCC_JGE, JCC_JLE,
       JCC_JG };

/* Host CPU features, probed once by tcg_target_init(). */
extern bool tcg_have_lzcnt, tcg_have_bmi1, tcg_have_popcnt;

/* ---- Encoder (tcg/x86_64/emit.c) ---- */
/*
 * Every byte goes through these: nothing is written at or past code_end;
 * the bytes that fit are written and overflow is set.  Inline, since the
 * encoder calls them for every byte it emits.
 */
static inline bool tcg_out_room(const TCGContext *s, size_t n)
{
    return s->code_ptr <= s->code_end &&
           (size_t)(s->code_end - s->code_ptr) >= n;
}

static inline void tcg_out8(TCGContext *s, uint8_t v)
{
    if (tcg_out_room(s, 1)) {
        *s->code_ptr++ = v;
    } else {
        tcg_backend(s)->overflow = true;
    }
}

/* n bytes of v, little-endian like x86; the byte loop only near the end. */
static inline void tcg_out_le(TCGContext *s, uint64_t v, size_t n)
{
    size_t i;

    if (tcg_out_room(s, n)) {
        memcpy(s->code_ptr, &v, n);
        s->code_ptr += n;
        return;
    }
    for (i = 0; i < n; i++) {
        tcg_out8(s, (uint8_t)(v >> (8 * i)));
    }
}

static inline void tcg_out16(TCGContext *s, uint16_t v)
{
    tcg_out_le(s, v, 2);
}

static inline void tcg_out32(TCGContext *s, uint32_t v)
{
    tcg_out_le(s, v, 4);
}

static inline void tcg_out64(TCGContext *s, uint64_t v)
{
    tcg_out_le(s, v, 8);
}

void tcg_patch32(TCGContext *s, uint32_t off, uint32_t v);
/* Prefixes, REX and opcode bytes; r, rm, x are full register numbers. */
void tcg_out_opc(TCGContext *s, int opc, int r, int rm, int x);
/* Register-direct form: ModRM mod=11. */
void tcg_out_modrm(TCGContext *s, int opc, int r, int rm);
/* [base + index * (1 << shift) + offset]; index < 0 for none. */
void tcg_out_modrm_sib_offset(TCGContext *s, int opc, int r, int base,
                              int index, int shift, intptr_t offset);
void tcg_out_modrm_offset(TCGContext *s, int opc, int r, int base,
                          intptr_t offset);
/* RIP-relative [target] (target is an executable address). */
void tcg_out_modrm_rip(TCGContext *s, int opc, int r, uintptr_t target);
/* Group-1 ALU op with immediate: reg op= imm (imm8 form when it fits). */
void tcg_out_arithi(TCGContext *s, int arith, int rexw, int reg,
                    int32_t imm);
void tcg_out_shifti(TCGContext *s, int subop, int rexw, int reg, int count);
void tcg_out_push(TCGContext *s, int reg);
void tcg_out_pop(TCGContext *s, int reg);
/* jmp/call rel32 to an executable address, else via TCG_TMP0. */
void tcg_out_jmp_abs(TCGContext *s, uintptr_t target);
void tcg_out_call_abs(TCGContext *s, uintptr_t target);
void tcg_out_nopn(TCGContext *s, int n);

#endif
