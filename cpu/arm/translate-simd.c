/* SPDX-License-Identifier: MIT */
/*
 * A64 front end: Advanced SIMD integer instructions (Arm ARM DDI 0487,
 * C4.1.9x).  Inline IR on the 64-bit halves of the V registers: structure
 * loads/stores, the copies that touch X registers, and the ops of NEON
 * string and checksum loops (bitwise ops and selects, ADD/SUB, compares,
 * pairwise ops on bytes and halfwords, XTN/SHRN/ADDHN narrowing, CNT,
 * EXT, DUP/INS element, immediates), lane-parallel (SWAR) where elements
 * are narrower than 64 bits.  Reductions, word pairwise ops and TBL/TBX
 * call helpers chosen at translation time.  Every other integer
 * data-processing encoding is decoded by simd_dp_decode() (simd_helper.c)
 * and executed by one helper call that gets the instruction word; inline
 * paths whose patterns admit unallocated encodings ask simd_dp_decode()
 * first, so both agree on what is UNDEFINED.  FP opcodes of the same
 * groups are left to translate-fp.c: the patterns here return false for
 * them, having emitted nothing.
 */
#include "translate.h"
#include "simd.h"

/* Byte offset in env of element idx (size 0-3) of V register reg. */
static intptr_t velt_off(int reg, int idx, int size)
{
    return vreg_off(reg, 0) + ((intptr_t)idx << size);
}

static void gen_st_elt(TCGv v, int reg, int idx, int size)
{
    intptr_t off = velt_off(reg, idx, size);

    switch (size) {
    case 0:
        tcg_gen_st8_i64(v, env_ptr(), off);
        break;
    case 1:
        tcg_gen_st16_i64(v, env_ptr(), off);
        break;
    case 2:
        tcg_gen_st32_i64(v, env_ptr(), off);
        break;
    default:
        tcg_gen_st_i64(v, env_ptr(), off);
        break;
    }
}

/* Load element idx of reg into v, zero- or sign-extended. */
static void gen_ld_elt(TCGv v, int reg, int idx, int size, bool sign)
{
    intptr_t off = velt_off(reg, idx, size);

    switch (size | (sign ? 4 : 0)) {
    case 0:
        tcg_gen_ld8u_i64(v, env_ptr(), off);
        break;
    case 1:
        tcg_gen_ld16u_i64(v, env_ptr(), off);
        break;
    case 2:
        tcg_gen_ld32u_i64(v, env_ptr(), off);
        break;
    case 4:
        tcg_gen_ld8s_i64(v, env_ptr(), off);
        break;
    case 5:
        tcg_gen_ld16s_i64(v, env_ptr(), off);
        break;
    case 6:
        tcg_gen_ld32s_i64(v, env_ptr(), off);
        break;
    default:
        tcg_gen_ld_i64(v, env_ptr(), off);
        break;
    }
}

/* v (zero-extended element of size) replicated over 64 bits, in place. */
static void gen_dup64(TCGv v, int size)
{
    static const uint64_t rep[3] = {
        0x0101010101010101ull, 0x0001000100010001ull, 0x0000000100000001ull,
    };

    if (size < 3) {
        tcg_gen_muli_i64(v, v, rep[size]);
    }
}

/* Vd = v:v (q) or 0:v. */
static void gen_set_vreg64(int rd, TCGv v, bool q)
{
    tcg_gen_st_i64(v, env_ptr(), vreg_off(rd, 0));
    if (q) {
        tcg_gen_st_i64(v, env_ptr(), vreg_off(rd, 1));
    } else {
        a64_clear_vreg_high(rd);
    }
}

/* ---- data processing through the helper ---- */

static bool trans_simd_dp(DisasContext *ctx)
{
    if (!simd_dp_decode(ctx->insn, a64_isar0(ctx, ISAR0_AES) >= 2)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    tcg_gen_call2(&helper_info_simd_dp, NULL, env_ptr(),
                  tcg_constant_i64(ctx->insn));
    return true;
}

/* AND BIC ORR ORN EOR BSL BIT BIF (vector): 64-bit halves of plain IR. */
static bool trans_logic3(DisasContext *ctx)
{
    int op = bits(ctx->insn, 29, 1) << 2 | bits(ctx->insn, 22, 2);
    bool q = bits(ctx->insn, 30, 1);
    TCGv n, m, d;

    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    n = a64_new_tmp();
    m = a64_new_tmp();
    d = a64_new_tmp();
    for (int half = 0; half < (q ? 2 : 1); half++) {
        tcg_gen_ld_i64(n, env_ptr(), vreg_off(RN, half));
        tcg_gen_ld_i64(m, env_ptr(), vreg_off(RM, half));
        if (op > 4) {
            tcg_gen_ld_i64(d, env_ptr(), vreg_off(RD, half));
        }
        switch (op) {
        case 0:
            tcg_gen_and_i64(n, n, m);
            break;
        case 1:
            tcg_gen_andc_i64(n, n, m);
            break;
        case 2:
            tcg_gen_or_i64(n, n, m);
            break;
        case 3:
            tcg_gen_orc_i64(n, n, m);
            break;
        case 4:
            tcg_gen_xor_i64(n, n, m);
            break;
        case 5:                 /* BSL: m ^ ((m ^ n) & d) */
            tcg_gen_xor_i64(n, n, m);
            tcg_gen_and_i64(n, n, d);
            tcg_gen_xor_i64(n, n, m);
            break;
        case 6:                 /* BIT: d ^ ((d ^ n) & m) */
            tcg_gen_xor_i64(n, n, d);
            tcg_gen_and_i64(n, n, m);
            tcg_gen_xor_i64(n, n, d);
            break;
        default:                /* BIF: d ^ ((d ^ n) & ~m) */
            tcg_gen_xor_i64(n, n, d);
            tcg_gen_andc_i64(n, n, m);
            tcg_gen_xor_i64(n, n, d);
            break;
        }
        tcg_gen_st_i64(n, env_ptr(), vreg_off(RD, half));
    }
    if (!q) {
        a64_clear_vreg_high(RD);
    }
    return true;
}

/*
 * ADD, SUB and the integer compares (vector and scalar D): the hottest
 * ops of string and checksum loops, done on 64-bit halves in plain IR
 * with lane-parallel (SWAR) arithmetic.
 */
enum {
    LANE_ADD, LANE_SUB, LANE_CMEQ, LANE_CMTST,
    LANE_CMGT, LANE_CMHI, LANE_CMGE, LANE_CMHS,     /* a > b, a >= b */
};

static const uint64_t lane_high[3] = {
    0x8080808080808080ull, 0x8000800080008000ull, 0x8000000080000000ull,
};

/* r = all-ones in each lane whose high bit is set in t, else zero. */
static void gen_lane_mask(TCGv r, TCGv t, int size)
{
    tcg_gen_andi_i64(r, t, lane_high[size]);
    tcg_gen_shri_i64(r, r, (8 << size) - 1);
    tcg_gen_muli_i64(r, r, (1ull << (8 << size)) - 1);
}

/*
 * Ordered compares per lane.  GT(a, b) is the borrow out of each lane of
 * b - a, GE(a, b) its absence in a - b; a signed compare is the unsigned
 * one with the sign bits flipped.  With x, y the minuend and subtrahend:
 * d = (x | H) - (y & L) has high bit !borrow_in, and the borrow out of a
 * lane is (~x & y) | (~(x ^ y) & borrow_in), read at the high bit.
 */
static void gen_swar_cmp(TCGv r, TCGv a, TCGv b, int kind, int size)
{
    uint64_t h = lane_high[size], l = ~h;
    bool ge = kind >= LANE_CMGE, uns = kind & 1;
    TCGv x = a64_new_tmp(), y = a64_new_tmp();
    TCGv d = a64_new_tmp(), t = a64_new_tmp();

    tcg_gen_xori_i64(x, ge ? a : b, uns ? 0 : h);
    tcg_gen_xori_i64(y, ge ? b : a, uns ? 0 : h);
    tcg_gen_ori_i64(d, x, h);
    tcg_gen_andi_i64(t, y, l);
    tcg_gen_sub_i64(d, d, t);
    tcg_gen_eqv_i64(t, x, y);
    tcg_gen_andc_i64(t, t, d);
    tcg_gen_andc_i64(d, y, x);
    tcg_gen_or_i64(t, t, d);
    if (ge) {
        tcg_gen_not_i64(t, t);
    }
    gen_lane_mask(r, t, size);
}

static void gen_swar_half(TCGv r, TCGv a, TCGv b, int kind, int size)
{
    uint64_t h = lane_high[size], l = ~h;
    TCGv t = a64_new_tmp(), u = a64_new_tmp();

    switch (kind) {
    case LANE_ADD:              /* ((a & L) + (b & L)) ^ ((a ^ b) & H) */
        tcg_gen_andi_i64(t, a, l);
        tcg_gen_andi_i64(u, b, l);
        tcg_gen_add_i64(t, t, u);
        tcg_gen_xor_i64(u, a, b);
        break;
    case LANE_SUB:              /* ((a | H) - (b & L)) ^ ((a ^ ~b) & H) */
        tcg_gen_ori_i64(t, a, h);
        tcg_gen_andi_i64(u, b, l);
        tcg_gen_sub_i64(t, t, u);
        tcg_gen_eqv_i64(u, a, b);
        break;
    case LANE_CMEQ:
    case LANE_CMTST:
        /* Lane of x nonzero <=> high bit of ((x & L) + L) | x is set. */
        if (kind == LANE_CMEQ) {
            tcg_gen_xor_i64(u, a, b);
        } else {
            tcg_gen_and_i64(u, a, b);
        }
        tcg_gen_andi_i64(t, u, l);
        tcg_gen_addi_i64(t, t, l);
        tcg_gen_or_i64(t, t, u);
        if (kind == LANE_CMEQ) {
            tcg_gen_not_i64(t, t);
        }
        gen_lane_mask(r, t, size);
        return;
    default:
        gen_swar_cmp(r, a, b, kind, size);
        return;
    }
    tcg_gen_andi_i64(u, u, h);
    tcg_gen_xor_i64(r, t, u);
}

static void gen_lane_op_half(TCGv r, TCGv a, TCGv b, int kind, int size)
{
    static const TCGCond cond[] = {
        [LANE_CMGT] = TCG_COND_GT, [LANE_CMHI] = TCG_COND_GTU,
        [LANE_CMGE] = TCG_COND_GE, [LANE_CMHS] = TCG_COND_GEU,
    };

    if (size < 3) {
        gen_swar_half(r, a, b, kind, size);
        return;
    }
    switch (kind) {
    case LANE_ADD:
        tcg_gen_add_i64(r, a, b);
        break;
    case LANE_SUB:
        tcg_gen_sub_i64(r, a, b);
        break;
    case LANE_CMEQ:
        tcg_gen_setcond_i64(TCG_COND_EQ, r, a, b);
        tcg_gen_neg_i64(r, r);
        break;
    case LANE_CMTST:
        tcg_gen_and_i64(r, a, b);
        tcg_gen_setcondi_i64(TCG_COND_NE, r, r, 0);
        tcg_gen_neg_i64(r, r);
        break;
    default:
        tcg_gen_setcond_i64(cond[kind], r, a, b);
        tcg_gen_neg_i64(r, r);
        break;
    }
}

/* Second operand of a lane op: Vm, or zero after or before Vn. */
enum { OPND_VM, OPND_ZERO, OPND_ZERO_FIRST };

/*
 * Vector or scalar (bit 28; D only) lane op.  The encoding is first
 * checked with simd_dp_decode() so UNDEF cases cannot differ from the
 * helper's.
 */
static bool gen_lane_op(DisasContext *ctx, int kind, int opnd)
{
    bool scalar = bits(ctx->insn, 28, 1);
    bool q = bits(ctx->insn, 30, 1) && !scalar;
    int size = bits(ctx->insn, 22, 2);
    TCGv a, b, r;

    if ((scalar && size != 3) || !simd_dp_decode(ctx->insn, true)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    a = a64_new_tmp();
    b = opnd == OPND_VM ? a64_new_tmp() : tcg_constant_i64(0);
    r = a64_new_tmp();
    for (int half = 0; half < (q ? 2 : 1); half++) {
        tcg_gen_ld_i64(a, env_ptr(), vreg_off(RN, half));
        if (opnd == OPND_VM) {
            tcg_gen_ld_i64(b, env_ptr(), vreg_off(RM, half));
        }
        if (opnd == OPND_ZERO_FIRST) {
            gen_lane_op_half(r, b, a, kind, size);
        } else {
            gen_lane_op_half(r, a, b, kind, size);
        }
        tcg_gen_st_i64(r, env_ptr(), vreg_off(RD, half));
    }
    if (!q) {
        a64_clear_vreg_high(RD);
    }
    return true;
}

/* ADD/SUB (opcode 10000) and CMTST/CMEQ (10001), three same. */
static bool trans_add_cmeq(DisasContext *ctx)
{
    bool u = bits(ctx->insn, 29, 1);

    if (bits(ctx->insn, 11, 1)) {
        return gen_lane_op(ctx, u ? LANE_CMEQ : LANE_CMTST, OPND_VM);
    }
    return gen_lane_op(ctx, u ? LANE_SUB : LANE_ADD, OPND_VM);
}

/* CMGT, CMHI (opcode 00110), CMGE, CMHS (00111), three same. */
static bool trans_cmp3(DisasContext *ctx)
{
    int kind = (bits(ctx->insn, 11, 1) ? LANE_CMGE : LANE_CMGT) +
               bits(ctx->insn, 29, 1);

    return gen_lane_op(ctx, kind, OPND_VM);
}

/*
 * Compares with zero, two-register misc: opcode 01000 CMGT/CMGE, 01001
 * CMEQ/CMLE, 01010 CMLT (U = 0).  a <= 0 is 0 >= a, a < 0 is 0 > a.
 */
static bool trans_cmp0(DisasContext *ctx)
{
    bool u = bits(ctx->insn, 29, 1);

    switch (bits(ctx->insn, 12, 5)) {
    case 0x08:
        return gen_lane_op(ctx, u ? LANE_CMGE : LANE_CMGT, OPND_ZERO);
    case 0x09:
        if (u) {
            return gen_lane_op(ctx, LANE_CMGE, OPND_ZERO_FIRST);
        }
        return gen_lane_op(ctx, LANE_CMEQ, OPND_ZERO);
    case 0x0a:
        return !u && gen_lane_op(ctx, LANE_CMGT, OPND_ZERO_FIRST);
    default:
        return false;
    }
}

/*
 * Low halves of the 2 * esize lanes of w >> sh (size: the narrow
 * element), packed into the low 32 bits of r.  sh <= esize, so each
 * narrow result still lies inside its own wide lane.
 */
static void gen_narrow_word(TCGv r, TCGv w, int size, int sh)
{
    TCGv t = a64_new_tmp();

    tcg_gen_shri_i64(r, w, sh);
    if (size == 0) {
        tcg_gen_andi_i64(r, r, 0x00ff00ff00ff00ffull);
        tcg_gen_shri_i64(t, r, 8);
        tcg_gen_or_i64(r, r, t);
    }
    if (size <= 1) {
        tcg_gen_andi_i64(r, r, 0x0000ffff0000ffffull);
        tcg_gen_shri_i64(t, r, 16);
        tcg_gen_or_i64(r, r, t);
    }
    tcg_gen_ext32u_i64(r, r);
}

/* XTN{2}, SHRN{2}: 64 narrowed bits into the low half (or high, Q = 1). */
static bool gen_narrow(DisasContext *ctx, int size, int sh)
{
    bool q = bits(ctx->insn, 30, 1);
    TCGv lo = a64_new_tmp(), hi = a64_new_tmp(), w = a64_new_tmp();

    if (!simd_dp_decode(ctx->insn, true)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    tcg_gen_ld_i64(w, env_ptr(), vreg_off(RN, 0));
    gen_narrow_word(lo, w, size, sh);
    tcg_gen_ld_i64(w, env_ptr(), vreg_off(RN, 1));
    gen_narrow_word(hi, w, size, sh);
    tcg_gen_shli_i64(hi, hi, 32);
    tcg_gen_or_i64(lo, lo, hi);
    tcg_gen_st_i64(lo, env_ptr(), vreg_off(RD, q));
    if (!q) {
        a64_clear_vreg_high(RD);
    }
    return true;
}

/* XTN (two-register misc opcode 10010, U = 0). */
static bool trans_xtn(DisasContext *ctx)
{
    return gen_narrow(ctx, bits(ctx->insn, 22, 2), 0);
}

/* SHRN (shift by immediate opcode 10000, U = 0): shift 1..esize. */
static bool trans_shrn(DisasContext *ctx)
{
    int immh = bits(ctx->insn, 19, 4), immhb = bits(ctx->insn, 16, 7);
    int size;

    if (immh == 0 || immh >= 8) {
        return false;
    }
    size = 31 - __builtin_clz(immh);
    return gen_narrow(ctx, size, (16 << size) - immhb);
}

/*
 * ADDHN, RADDHN, SUBHN, RSUBHN{2} (three different, opcode 01x0): the
 * high halves of lane-wise wide sums, i.e. a SWAR add on the wide lanes
 * and the narrowing of SHRN #esize.
 */
static bool trans_addhn(DisasContext *ctx)
{
    bool q = bits(ctx->insn, 30, 1), round = bits(ctx->insn, 29, 1);
    int size = bits(ctx->insn, 22, 2);
    int kind = bits(ctx->insn, 13, 1) ? LANE_SUB : LANE_ADD;
    TCGv a = a64_new_tmp(), b = a64_new_tmp(), w = a64_new_tmp();
    TCGv res[2];

    if (!simd_dp_decode(ctx->insn, true)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    for (int half = 0; half < 2; half++) {
        res[half] = a64_new_tmp();
        tcg_gen_ld_i64(a, env_ptr(), vreg_off(RN, half));
        tcg_gen_ld_i64(b, env_ptr(), vreg_off(RM, half));
        gen_lane_op_half(w, a, b, kind, size + 1);
        if (round) {
            uint64_t r = 1ull << ((8 << size) - 1);

            if (size < 2) {
                r *= size ? 0x0000000100000001ull : 0x0001000100010001ull;
            }
            gen_lane_op_half(w, w, tcg_constant_i64(r), LANE_ADD, size + 1);
        }
        gen_narrow_word(res[half], w, size, 8 << size);
    }
    tcg_gen_shli_i64(res[1], res[1], 32);
    tcg_gen_or_i64(res[0], res[0], res[1]);
    tcg_gen_st_i64(res[0], env_ptr(), vreg_off(RD, q));
    if (!q) {
        a64_clear_vreg_high(RD);
    }
    return true;
}

/* CNT (per-byte population count) and NOT, two-register misc. */
static bool trans_cnt_not(DisasContext *ctx)
{
    bool q = bits(ctx->insn, 30, 1), not = bits(ctx->insn, 29, 1);
    TCGv v = a64_new_tmp(), t = a64_new_tmp();

    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    for (int half = 0; half < (q ? 2 : 1); half++) {
        tcg_gen_ld_i64(v, env_ptr(), vreg_off(RN, half));
        if (not) {
            tcg_gen_not_i64(v, v);
        } else {
            tcg_gen_shri_i64(t, v, 1);
            tcg_gen_andi_i64(t, t, 0x5555555555555555ull);
            tcg_gen_sub_i64(v, v, t);
            tcg_gen_shri_i64(t, v, 2);
            tcg_gen_andi_i64(t, t, 0x3333333333333333ull);
            tcg_gen_andi_i64(v, v, 0x3333333333333333ull);
            tcg_gen_add_i64(v, v, t);
            tcg_gen_shri_i64(t, v, 4);
            tcg_gen_add_i64(v, v, t);
            tcg_gen_andi_i64(v, v, 0x0f0f0f0f0f0f0f0full);
        }
        tcg_gen_st_i64(v, env_ptr(), vreg_off(RD, half));
    }
    if (!q) {
        a64_clear_vreg_high(RD);
    }
    return true;
}

/* EXT: bytes pos.. of Vm:Vn, from funnel shifts of 64-bit words. */
static bool trans_ext(DisasContext *ctx)
{
    bool q = bits(ctx->insn, 30, 1);
    int pos = bits(ctx->insn, 11, 4);
    TCGv w[4], r[2];

    if (!q && pos >= 8) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    for (int i = 0; i < (q ? 4 : 2); i++) {
        int reg = i < (q ? 2 : 1) ? RN : RM;

        w[i] = a64_new_tmp();
        tcg_gen_ld_i64(w[i], env_ptr(), vreg_off(reg, q ? i & 1 : 0));
    }
    for (int i = 0; i < (q ? 2 : 1); i++) {
        int k = pos / 8 + i, sh = (pos % 8) * 8;

        r[i] = a64_new_tmp();
        if (sh == 0) {
            tcg_gen_mov_i64(r[i], w[k]);
        } else {
            TCGv t = a64_new_tmp();

            tcg_gen_shri_i64(r[i], w[k], sh);
            tcg_gen_shli_i64(t, w[k + 1], 64 - sh);
            tcg_gen_or_i64(r[i], r[i], t);
        }
    }
    for (int i = 0; i < (q ? 2 : 1); i++) {
        tcg_gen_st_i64(r[i], env_ptr(), vreg_off(RD, i));
    }
    if (!q) {
        a64_clear_vreg_high(RD);
    }
    return true;
}

/* DUP (element, vector and scalar) and INS (element). */
static bool trans_dup_elt(DisasContext *ctx)
{
    int imm5 = bits(ctx->insn, 16, 5), imm4 = bits(ctx->insn, 11, 4);
    bool q = bits(ctx->insn, 30, 1), ins = bits(ctx->insn, 29, 1);
    bool scalar = bits(ctx->insn, 28, 1);
    int size = __builtin_ctz(imm5 | 0x20), idx = imm5 >> (size + 1);
    TCGv v;

    if (!simd_dp_decode(ctx->insn, true)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    v = a64_new_tmp();
    if (ins) {
        gen_ld_elt(v, RN, imm4 >> size, size, false);
        gen_st_elt(v, RD, idx, size);
        return true;
    }
    gen_ld_elt(v, RN, idx, size, false);
    if (scalar) {
        tcg_gen_st_i64(v, env_ptr(), vreg_off(RD, 0));
        a64_clear_vreg_high(RD);
        return true;
    }
    gen_dup64(v, size);
    gen_set_vreg64(RD, v, q);
    return true;
}

/* ADDP (scalar): Dd = Vn.d[0] + Vn.d[1]. */
static bool trans_addp_scalar(DisasContext *ctx)
{
    TCGv a = a64_new_tmp(), b = a64_new_tmp();

    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    tcg_gen_ld_i64(a, env_ptr(), vreg_off(RN, 0));
    tcg_gen_ld_i64(b, env_ptr(), vreg_off(RN, 1));
    tcg_gen_add_i64(a, a, b);
    tcg_gen_st_i64(a, env_ptr(), vreg_off(RD, 0));
    a64_clear_vreg_high(RD);
    return true;
}

/* Reduction op of a three-same opcode (bits 15:11) and U, or -1. */
static int pair_op(int opc, bool u)
{
    switch (opc) {
    case 0x14:
        return u ? SIMD_RED_UMAX : SIMD_RED_SMAX;
    case 0x15:
        return u ? SIMD_RED_UMIN : SIMD_RED_SMIN;
    case 0x17:
        return u ? -1 : SIMD_RED_ADD;
    default:
        return -1;
    }
}

/*
 * One pairwise op on the 8 or 4 elements of word x (size 0 or 1), the
 * results packed in the low 32 bits of r.  Each pair becomes one lane of
 * twice the width: e and o are its low and high elements zero-extended,
 * so e + o and (e + 2^E) - o cannot carry or borrow out of the lane.
 */
static void gen_pair_word(TCGv r, TCGv x, int op, int size)
{
    static const uint64_t low[2] = {
        0x00ff00ff00ff00ffull, 0x0000ffff0000ffffull,
    };
    static const uint64_t one[2] = {
        0x0001000100010001ull, 0x0000000100000001ull,
    };
    int esize = 8 << size;
    TCGv e = a64_new_tmp(), o = a64_new_tmp();
    TCGv t = a64_new_tmp(), u = a64_new_tmp();

    tcg_gen_andi_i64(e, x, low[size]);
    tcg_gen_shri_i64(o, x, esize);
    tcg_gen_andi_i64(o, o, low[size]);
    if (op == SIMD_RED_ADD) {
        tcg_gen_add_i64(r, e, o);
    } else {
        bool sign = op == SIMD_RED_SMAX || op == SIMD_RED_SMIN;
        uint64_t bias = sign ? one[size] << (esize - 1) : 0;

        /* t lane bit E: e >= o (signed: compared with sign bits flipped) */
        tcg_gen_xori_i64(t, e, bias);
        tcg_gen_ori_i64(t, t, one[size] << esize);
        tcg_gen_xori_i64(u, o, bias);
        tcg_gen_sub_i64(t, t, u);
        tcg_gen_shri_i64(t, t, esize);
        tcg_gen_andi_i64(t, t, one[size]);
        tcg_gen_muli_i64(t, t, (1ull << esize) - 1);
        tcg_gen_xor_i64(u, e, o);
        tcg_gen_and_i64(u, u, t);
        /* max: o, or e where e >= o; min: e, or o where e >= o */
        if (op == SIMD_RED_SMAX || op == SIMD_RED_UMAX) {
            tcg_gen_xor_i64(r, o, u);
        } else {
            tcg_gen_xor_i64(r, e, u);
        }
    }
    gen_narrow_word(r, r, size, 0);
}

/*
 * ADDP, SMAXP, UMAXP, SMINP, UMINP (vector) over the concatenation
 * Vm:Vn: inline for bytes and halfwords and for ADDP .2D, one
 * specialised helper for words.
 */
static bool trans_pairwise(DisasContext *ctx)
{
    int op = pair_op(bits(ctx->insn, 11, 5), bits(ctx->insn, 29, 1));
    int size = bits(ctx->insn, 22, 2);
    bool q = bits(ctx->insn, 30, 1);
    TCGv w[4], r[2];

    if (op < 0 || !simd_dp_decode(ctx->insn, true)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    if (size == 2) {
        tcg_gen_call2(simd_pair_helper(op), NULL, env_ptr(),
                      tcg_constant_i64(SIMD_DESC(RD, RN, RM, q)));
        return true;
    }
    /* Input words: Vn.lo, Vn.hi, Vm.lo, Vm.hi (Q = 0: Vn.lo, Vm.lo) */
    for (int i = 0; i < (q ? 4 : 2); i++) {
        w[i] = a64_new_tmp();
        tcg_gen_ld_i64(w[i], env_ptr(),
                       vreg_off(i < (q ? 2 : 1) ? RN : RM, q ? i & 1 : 0));
    }
    for (int j = 0; j < (q ? 2 : 1); j++) {
        r[j] = a64_new_tmp();
        if (size == 3) {
            tcg_gen_add_i64(r[j], w[2 * j], w[2 * j + 1]);
        } else {
            TCGv t = a64_new_tmp();

            gen_pair_word(r[j], w[2 * j], op, size);
            gen_pair_word(t, w[2 * j + 1], op, size);
            tcg_gen_shli_i64(t, t, 32);
            tcg_gen_or_i64(r[j], r[j], t);
        }
    }
    for (int j = 0; j < (q ? 2 : 1); j++) {
        tcg_gen_st_i64(r[j], env_ptr(), vreg_off(RD, j));
    }
    if (!q) {
        a64_clear_vreg_high(RD);
    }
    return true;
}

/* ADDV, SMAXV, UMAXV, SMINV, UMINV: the helper returns the element. */
static bool trans_across(DisasContext *ctx)
{
    int opc = bits(ctx->insn, 12, 5), size = bits(ctx->insn, 22, 2), op;
    bool u = bits(ctx->insn, 29, 1);
    const TCGHelperInfo *h;
    TCGv v;

    switch (opc) {
    case 0x0a:
        op = u ? SIMD_RED_UMAX : SIMD_RED_SMAX;
        break;
    case 0x1a:
        op = u ? SIMD_RED_UMIN : SIMD_RED_SMIN;
        break;
    case 0x1b:
        op = SIMD_RED_ADD;
        break;
    default:
        return false;
    }
    if (!simd_dp_decode(ctx->insn, true)) {
        return false;
    }
    h = simd_across_helper(op, size);
    if (!h) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    v = a64_new_tmp();
    tcg_gen_call2(h, v, env_ptr(),
                  tcg_constant_i64(SIMD_DESC(0, RN, 0,
                                             bits(ctx->insn, 30, 1))));
    tcg_gen_st_i64(v, env_ptr(), vreg_off(RD, 0));
    a64_clear_vreg_high(RD);
    return true;
}

/* TBL/TBX: the length and TBX go into the helper's descriptor. */
static bool trans_tbl(DisasContext *ctx)
{
    uint64_t desc = SIMD_DESC(RD, RN, RM, bits(ctx->insn, 30, 1)) |
                    (uint64_t)bits(ctx->insn, 13, 2) << 16 |
                    (uint64_t)bits(ctx->insn, 12, 1) << 18;

    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    tcg_gen_call2(&helper_info_simd_tbl, NULL, env_ptr(),
                  tcg_constant_i64(desc));
    return true;
}

/* DUP (general), INS (general), SMOV, UMOV (C4.1.9x "copy"). */
static bool trans_copy_gpr(DisasContext *ctx)
{
    int imm5 = bits(ctx->insn, 16, 5), imm4 = bits(ctx->insn, 11, 4);
    bool q = bits(ctx->insn, 30, 1);
    int size = __builtin_ctz(imm5 | 0x20), idx = imm5 >> (size + 1);
    TCGv v;

    if (bits(ctx->insn, 29, 1) || size > 3) {
        return false;
    }
    switch (imm4) {
    case 1:
        if (size == 3 && !q) {
            return false;
        }
        break;
    case 3:
        if (!q) {
            return false;
        }
        break;
    case 5:
        if (size >= (q ? 3 : 2)) {
            return false;
        }
        break;
    case 7:
        if (q ? size != 3 : size == 3) {
            return false;
        }
        break;
    default:
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    v = a64_new_tmp();
    switch (imm4) {
    case 1:
        tcg_gen_andi_i64(v, a64_read_x(RN),
                         size == 3 ? -1 : (int64_t)((1ull << (8 << size)) - 1));
        gen_dup64(v, size);
        gen_set_vreg64(RD, v, q);
        break;
    case 3:
        gen_st_elt(a64_read_x(RN), RD, idx, size);
        break;
    default:
        gen_ld_elt(v, RN, idx, size, imm4 == 5);
        a64_write_x(RD, v, q);
        break;
    }
    return true;
}

/* MOVI/MVNI/ORR/BIC and FMOV (vector, immediate): a constant per half. */
static bool trans_movi(DisasContext *ctx)
{
    int cmode = bits(ctx->insn, 12, 4);
    bool q = bits(ctx->insn, 30, 1), op = bits(ctx->insn, 29, 1);
    uint64_t imm8 = bits(ctx->insn, 16, 3) << 5 | bits(ctx->insn, 5, 5);
    uint64_t imm;

    if (bits(ctx->insn, 11, 1) || (cmode == 15 && op && !q)) {
        return false;           /* unallocated */
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    imm = simd_expand_imm(op, cmode, imm8);
    if (cmode < 12 && (cmode & 1)) {
        /* ORR, BIC (vector, immediate): Vd = Vd | imm, Vd & ~imm */
        TCGv v = a64_new_tmp();

        for (int half = 0; half < (q ? 2 : 1); half++) {
            tcg_gen_ld_i64(v, env_ptr(), vreg_off(RD, half));
            if (op) {
                tcg_gen_andi_i64(v, v, ~imm);
            } else {
                tcg_gen_ori_i64(v, v, imm);
            }
            tcg_gen_st_i64(v, env_ptr(), vreg_off(RD, half));
        }
        if (!q) {
            a64_clear_vreg_high(RD);
        }
        return true;
    }
    if (op && cmode < 14) {
        imm = ~imm;             /* MVNI */
    }
    gen_set_vreg64(RD, tcg_constant_i64(imm), q);
    return true;
}

/* ---- structure loads and stores (C4.1.x "AdvSIMD load/store") ---- */

/* Load or store element idx of reg at addr. */
static void gen_ldst_elt(DisasContext *ctx, bool load, TCGv v, int reg,
                         int idx, int size, TCGv addr)
{
    if (load) {
        a64_gen_ld(ctx, v, addr, size);
        gen_st_elt(v, reg, idx, size);
    } else {
        gen_ld_elt(v, reg, idx, size, false);
        a64_gen_st(ctx, v, addr, size);
    }
}

/* Post-index write-back: Xn = base + (Rm == 31 ? imm : Xm). */
static void gen_post_index(DisasContext *ctx, TCGv base, int64_t imm)
{
    TCGv v = a64_new_tmp();

    if (RM == 31) {
        tcg_gen_addi_i64(v, base, imm);
    } else {
        tcg_gen_add_i64(v, base, a64_read_x(RM));
    }
    a64_write_xsp(RN, v, true);
}

/* LD1-LD4 / ST1-ST4 (multiple structures), C7.2. */
static bool trans_ldst_multi(DisasContext *ctx)
{
    static const int8_t rpt_of[16] = {
        [0x0] = 1, [0x2] = 4, [0x4] = 1, [0x6] = 3, [0x7] = 1, [0x8] = 1,
        [0xa] = 2,
    };
    static const int8_t selem_of[16] = {
        [0x0] = 4, [0x2] = 1, [0x4] = 3, [0x6] = 1, [0x7] = 1, [0x8] = 2,
        [0xa] = 1,
    };
    uint32_t insn = ctx->insn;
    int opcode = bits(insn, 12, 4), size = bits(insn, 10, 2);
    bool q = bits(insn, 30, 1), load = bits(insn, 22, 1);
    bool post = bits(insn, 23, 1);
    int rpt = rpt_of[opcode], selem = selem_of[opcode], rt = RD;
    int elements, total;
    TCGv base, addr, v;

    if (rpt == 0 || (size == 3 && !q && selem > 1)) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    if (selem == 1) {
        size = 3;               /* LD1/ST1: whole 64-bit halves */
    }
    elements = (q ? 16 : 8) >> size;
    total = rpt * selem * (q ? 16 : 8);
    base = a64_new_tmp();
    addr = a64_new_tmp();
    v = a64_new_tmp();
    tcg_gen_mov_i64(base, a64_read_xsp(RN));
    tcg_gen_mov_i64(addr, base);
    for (int r = 0; r < rpt; r++) {
        for (int e = 0; e < elements; e++) {
            for (int x = 0; x < selem; x++) {
                gen_ldst_elt(ctx, load, v, (rt + r + x) % 32, e, size, addr);
                tcg_gen_addi_i64(addr, addr, 1 << size);
            }
        }
    }
    if (load && !q) {
        for (int i = 0; i < rpt * selem; i++) {
            a64_clear_vreg_high((rt + i) % 32);
        }
    }
    if (post) {
        gen_post_index(ctx, base, total);
    }
    return true;
}

/* LD1-LD4 / ST1-ST4 (single structure) and LD1R-LD4R, C7.2. */
static bool trans_ldst_single(DisasContext *ctx)
{
    uint32_t insn = ctx->insn;
    int opcode = bits(insn, 13, 3), s = bits(insn, 12, 1);
    int size = bits(insn, 10, 2), rt = RD;
    bool q = bits(insn, 30, 1), load = bits(insn, 22, 1);
    bool post = bits(insn, 23, 1), replicate = false;
    int selem = ((opcode & 1) << 1 | bits(insn, 21, 1)) + 1;
    int scale = opcode >> 1, index = 0;
    TCGv base, addr, v;

    switch (scale) {
    case 3:
        if (!load || s) {
            return false;
        }
        scale = size;
        replicate = true;
        break;
    case 0:
        index = q << 3 | s << 2 | size;
        break;
    case 1:
        if (size & 1) {
            return false;
        }
        index = q << 2 | s << 1 | size >> 1;
        break;
    default:
        if (size & 2) {
            return false;
        }
        if (size & 1) {
            if (s) {
                return false;
            }
            index = q;
            scale = 3;
        } else {
            index = q << 1 | s;
        }
        break;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    base = a64_new_tmp();
    addr = a64_new_tmp();
    v = a64_new_tmp();
    tcg_gen_mov_i64(base, a64_read_xsp(RN));
    tcg_gen_mov_i64(addr, base);
    for (int x = 0; x < selem; x++) {
        int reg = (rt + x) % 32;

        if (replicate) {
            a64_gen_ld(ctx, v, addr, scale);
            gen_dup64(v, scale);
            gen_set_vreg64(reg, v, q);
        } else {
            gen_ldst_elt(ctx, load, v, reg, index, scale, addr);
        }
        tcg_gen_addi_i64(addr, addr, 1 << scale);
    }
    if (post) {
        gen_post_index(ctx, base, selem << scale);
    }
    return true;
}

static const A64Pattern a64_simd_patterns[] = {
    { 0xbfbf0000, 0x0c000000, trans_ldst_multi, "ld/st multiple" },
    { 0xbfa00000, 0x0c800000, trans_ldst_multi, "ld/st multiple post" },
    { 0xbf9f0000, 0x0d000000, trans_ldst_single, "ld/st single" },
    { 0xbf800000, 0x0d800000, trans_ldst_single, "ld/st single post" },
    { 0x9fe08400, 0x0e000400, trans_copy_gpr, "dup/ins/smov/umov gen" },
    { 0x9f20fc00, 0x0e201c00, trans_logic3, "and/bic/orr/.../bif" },
    { 0x9f20f400, 0x0e208400, trans_add_cmeq, "add/sub/cmtst/cmeq" },
    { 0xdf20f400, 0x5e208400, trans_add_cmeq, "add/sub/cmtst/cmeq d" },
    { 0x9f20f400, 0x0e203400, trans_cmp3, "cmgt/cmhi/cmge/cmhs" },
    { 0xdf20f400, 0x5e203400, trans_cmp3, "cmgt/cmhi/cmge/cmhs d" },
    { 0x9f20e400, 0x0e20a400, trans_pairwise, "addp/maxp/minp" },
    { 0x9f3fcc00, 0x0e208800, trans_cmp0, "cmxx #0" },
    { 0xdf3fcc00, 0x5e208800, trans_cmp0, "cmxx d #0" },
    { 0xbf3ffc00, 0x0e212800, trans_xtn, "xtn" },
    { 0x9f20dc00, 0x0e204000, trans_addhn, "addhn/subhn" },
    { 0x9ffffc00, 0x0e205800, trans_cnt_not, "cnt/not" },
    { 0x9f3e0c00, 0x0e300800, trans_across, "addv/maxv/minv" },
    { 0xfffffc00, 0x5ef1b800, trans_addp_scalar, "addp d" },
    { 0xbfe08400, 0x2e000000, trans_ext, "ext" },
    { 0xbfe08c00, 0x0e000000, trans_tbl, "tbl/tbx" },
    { 0xbfe0fc00, 0x0e000400, trans_dup_elt, "dup elt" },
    { 0xffe08400, 0x6e000400, trans_dup_elt, "ins elt" },
    { 0xffe0fc00, 0x5e000400, trans_dup_elt, "dup scalar" },
    { 0xbf80fc00, 0x0f008400, trans_shrn, "shrn" },
    { 0x9ff80400, 0x0f000400, trans_movi, "movi/mvni/orr/bic imm" },
    { 0x9f000000, 0x0e000000, trans_simd_dp, "simd vector" },
    { 0x9f000000, 0x0f000000, trans_simd_dp, "simd vector imm/elt" },
    { 0xdf000000, 0x5e000000, trans_simd_dp, "simd scalar" },
    { 0xdf000000, 0x5f000000, trans_simd_dp, "simd scalar imm/elt" },
};

const A64PatternTable a64_simd_table = {
    a64_simd_patterns, ARRAY_SIZE(a64_simd_patterns)
};
