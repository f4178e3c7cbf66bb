/* SPDX-License-Identifier: MIT */
/* x86-64 instruction encoder: prefixes, REX, ModRM/SIB, immediates. */
#include "tcg-target.h"

void tcg_patch32(TCGContext *s, uint32_t off, uint32_t v)
{
    if (s->code_buf + off + 4 <= s->code_end) {
        memcpy(s->code_buf + off, &v, 4);
    }
}

/*
 * The encoders below build one instruction in a small array and store
 * it with a single bounds check (x86 instructions are at most 15 bytes).
 */
#define INSN_MAX 16

static void out_insn(TCGContext *s, const uint8_t *b, int n)
{
    int i;

    if (tcg_out_room(s, INSN_MAX)) {
        /* Bytes past n are scratch inside the buffer, overwritten later. */
        memcpy(s->code_ptr, b, INSN_MAX);
        s->code_ptr += n;
        return;
    }
    for (i = 0; i < n; i++) {
        tcg_out8(s, b[i]);
    }
}

/* Prefixes, REX and opcode bytes into b; returns their count. */
static int enc_opc(uint8_t *b, int opc, int r, int rm, int x)
{
    int rex = 0, n = 0;

    r = r < 0 ? 0 : r;
    rm = rm < 0 ? 0 : rm;
    x = x < 0 ? 0 : x;
    /* Legacy prefixes come before REX (SDM Vol. 2, 2.1.1). */
    if (opc & P_DATA16) {
        b[n++] = 0x66;
    }
    if (opc & P_SIMDF3) {
        b[n++] = 0xf3;
    }
    if (opc & P_SIMDF2) {
        b[n++] = 0xf2;
    }
    rex |= (opc & P_REXW) ? 0x8 : 0;    /* REX.W */
    rex |= (r & 8) >> 1;                /* REX.R: ModRM.reg extension */
    rex |= (x & 8) >> 2;                /* REX.X: SIB.index extension */
    rex |= (rm & 8) >> 3;               /* REX.B: ModRM.rm/base ext. */
    /*
     * Without any REX prefix byte registers 4-7 mean ah/ch/dh/bh; an
     * empty REX selects spl/bpl/sil/dil instead (SDM 3.4.1.1).
     */
    if (((opc & P_REXB_R) && r >= 4) || ((opc & P_REXB_RM) && rm >= 4)) {
        rex |= 0x40;
    }
    if (rex) {
        b[n++] = 0x40 | rex;
    }
    if (opc & (P_EXT | P_EXT38)) {
        b[n++] = 0x0f;
        if (opc & P_EXT38) {
            b[n++] = 0x38;
        }
    }
    b[n++] = opc & 0xff;
    return n;
}

void tcg_out_opc(TCGContext *s, int opc, int r, int rm, int x)
{
    uint8_t b[INSN_MAX];

    out_insn(s, b, enc_opc(b, opc, r, rm, x));
}

/* Opcode and a register-direct ModRM (mod 11). */
static int enc_modrm(uint8_t *b, int opc, int r, int rm)
{
    int n = enc_opc(b, opc, r, rm, 0);

    b[n++] = 0xc0 | ((r & 7) << 3) | (rm & 7);
    return n;
}

void tcg_out_modrm(TCGContext *s, int opc, int r, int rm)
{
    uint8_t b[INSN_MAX];

    out_insn(s, b, enc_modrm(b, opc, r, rm));
}

void tcg_out_modrm_sib_offset(TCGContext *s, int opc, int r, int base,
                              int index, int shift, intptr_t offset)
{
    uint8_t b[INSN_MAX];
    int mod, len, n;

    if (offset != (int32_t)offset) {
        /* Callers keep offsets in range; fold a far one into TMP0. */
        tcg_out_opc(s, (OPC_MOVL_Iv + (TCG_TMP0 & 7)) | P_REXW, 0,
                    TCG_TMP0, 0);
        tcg_out64(s, (uint64_t)offset);
        if (index >= 0) {
            /* lea tmp0, [tmp0 + index << shift] */
            tcg_out_modrm_sib_offset(s, OPC_LEA | P_REXW, TCG_TMP0, TCG_TMP0,
                                     index, shift, 0);
        }
        tcg_out_modrm_sib_offset(s, opc, r, base, TCG_TMP0, 0, 0);
        return;
    }
    /* mod 00 has no displacement, except that rbp/r13 base means disp32. */
    if (offset == 0 && (base & 7) != TCG_REG_RBP) {
        mod = 0x00;
        len = 0;
    } else if (offset == (int8_t)offset) {
        mod = 0x40;
        len = 1;
    } else {
        mod = 0x80;
        len = 4;
    }
    if (index < 0 && (base & 7) != TCG_REG_RSP) {
        n = enc_opc(b, opc, r, base, 0);
        b[n++] = mod | ((r & 7) << 3) | (base & 7);
    } else {
        /* rsp/r12 as base need a SIB byte; index 100b means none. */
        int idx = index < 0 ? TCG_REG_RSP : index;

        n = enc_opc(b, opc, r, base, index < 0 ? 0 : index);
        b[n++] = mod | ((r & 7) << 3) | 0x04;
        b[n++] = (shift << 6) | ((idx & 7) << 3) | (base & 7);
    }
    if (len == 1) {
        b[n++] = (uint8_t)offset;
    } else if (len == 4) {
        uint32_t d = (uint32_t)offset;

        memcpy(b + n, &d, 4);
        n += 4;
    }
    out_insn(s, b, n);
}

void tcg_out_modrm_offset(TCGContext *s, int opc, int r, int base,
                          intptr_t offset)
{
    tcg_out_modrm_sib_offset(s, opc, r, base, -1, 0, offset);
}

void tcg_out_modrm_rip(TCGContext *s, int opc, int r, uintptr_t target)
{
    uintptr_t end;

    tcg_out_opc(s, opc, r, 0, 0);
    tcg_out8(s, 0x05 | ((r & 7) << 3));     /* mod 00, rm 101: RIP+disp32 */
    end = tcg_rx(s->code_ptr) + 4;
    tcg_out32(s, (uint32_t)(target - end));
}

void tcg_out_arithi(TCGContext *s, int arith, int rexw, int reg,
                    int32_t imm)
{
    int w = rexw ? P_REXW : 0;
    uint8_t b[INSN_MAX];
    int n;

    if (imm == (int8_t)imm) {
        n = enc_modrm(b, OPC_ARITH_EvIb | w, arith, reg);
        b[n++] = (uint8_t)imm;
    } else {
        uint32_t v = (uint32_t)imm;

        n = enc_modrm(b, OPC_ARITH_EvIz | w, arith, reg);
        memcpy(b + n, &v, 4);
        n += 4;
    }
    out_insn(s, b, n);
}

void tcg_out_shifti(TCGContext *s, int subop, int rexw, int reg, int count)
{
    int w = rexw ? P_REXW : 0;

    if (count == 1) {
        tcg_out_modrm(s, OPC_SHIFT_1 | w, subop, reg);
    } else {
        tcg_out_modrm(s, OPC_SHIFT_Ib | w, subop, reg);
        tcg_out8(s, (uint8_t)count);
    }
}

void tcg_out_push(TCGContext *s, int reg)
{
    tcg_out_opc(s, OPC_PUSH_r32 + (reg & 7), 0, reg, 0);
}

void tcg_out_pop(TCGContext *s, int reg)
{
    tcg_out_opc(s, OPC_POP_r32 + (reg & 7), 0, reg, 0);
}

static void tcg_out_branch_abs(TCGContext *s, bool call, uintptr_t target)
{
    intptr_t disp = (intptr_t)(target - (tcg_rx(s->code_ptr) + 5));

    if (disp == (int32_t)disp) {
        tcg_out8(s, call ? OPC_CALL_Jz : OPC_JMP_long);
        tcg_out32(s, (uint32_t)disp);
    } else {
        /* movabs tmp0, target; call/jmp *tmp0 */
        tcg_out_opc(s, (OPC_MOVL_Iv + (TCG_TMP0 & 7)) | P_REXW, 0, TCG_TMP0,
                    0);
        tcg_out64(s, target);
        tcg_out_modrm(s, OPC_GRP5, call ? EXT5_CALLN_Ev : EXT5_JMPN_Ev,
                      TCG_TMP0);
    }
}

void tcg_out_jmp_abs(TCGContext *s, uintptr_t target)
{
    tcg_out_branch_abs(s, false, target);
}

void tcg_out_call_abs(TCGContext *s, uintptr_t target)
{
    tcg_out_branch_abs(s, true, target);
}

void tcg_out_nopn(TCGContext *s, int n)
{
    while (n-- > 0) {
        tcg_out8(s, OPC_NOP);
    }
}
