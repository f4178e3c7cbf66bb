/* SPDX-License-Identifier: MIT */
/*
 * A64 front end: Advanced SIMD integer instructions (Arm ARM DDI 0487,
 * C4.1.9x).  Inline IR: structure loads/stores, the copies that touch X
 * registers, and the hot simple ops (bitwise three-same, ADD/SUB/CMEQ/
 * CMTST on 64-bit halves, MOVI/MVNI/FMOV immediates).  Every other integer
 * data-processing encoding is decoded by simd_dp_decode() (simd_helper.c)
 * and executed by one helper call that gets the instruction word.  FP
 * opcodes of the same groups are left to translate-fp.c: the patterns
 * here return false for them, having emitted nothing.
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

/* AND BIC ORR ORN EOR (vector): two 64-bit halves of plain IR. */
static bool trans_logic3(DisasContext *ctx)
{
    int op = bits(ctx->insn, 29, 1) << 2 | bits(ctx->insn, 22, 2);
    bool q = bits(ctx->insn, 30, 1);
    TCGv n, m;

    if (op > 4) {
        return false;           /* BSL, BIT, BIF: the helper */
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    n = a64_new_tmp();
    m = a64_new_tmp();
    for (int half = 0; half < (q ? 2 : 1); half++) {
        tcg_gen_ld_i64(n, env_ptr(), vreg_off(RN, half));
        tcg_gen_ld_i64(m, env_ptr(), vreg_off(RM, half));
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
        default:
            tcg_gen_xor_i64(n, n, m);
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
 * ADD, SUB, CMEQ, CMTST and CMEQ #0 (vector): the hottest integer ops of
 * string and checksum loops, done on 64-bit halves in plain IR with
 * lane-parallel (SWAR) arithmetic.  kind: 0 ADD, 1 SUB, 2 CMEQ, 3 CMTST.
 */
static void gen_swar_half(TCGv r, TCGv a, TCGv b, int kind, int size)
{
    static const uint64_t high[3] = {
        0x8080808080808080ull, 0x8000800080008000ull, 0x8000000080000000ull,
    };
    uint64_t h = high[size], l = ~h;
    TCGv t = a64_new_tmp(), u = a64_new_tmp();

    switch (kind) {
    case 0:                     /* ((a & L) + (b & L)) ^ ((a ^ b) & H) */
        tcg_gen_andi_i64(t, a, l);
        tcg_gen_andi_i64(u, b, l);
        tcg_gen_add_i64(t, t, u);
        tcg_gen_xor_i64(u, a, b);
        break;
    case 1:                     /* ((a | H) - (b & L)) ^ ((a ^ ~b) & H) */
        tcg_gen_ori_i64(t, a, h);
        tcg_gen_andi_i64(u, b, l);
        tcg_gen_sub_i64(t, t, u);
        tcg_gen_eqv_i64(u, a, b);
        break;
    default:
        /* Lane of x nonzero <=> high bit of ((x & L) + L) | x is set. */
        if (kind == 2) {
            tcg_gen_xor_i64(u, a, b);
        } else {
            tcg_gen_and_i64(u, a, b);
        }
        tcg_gen_andi_i64(t, u, l);
        tcg_gen_addi_i64(t, t, l);
        tcg_gen_or_i64(t, t, u);
        if (kind == 2) {
            tcg_gen_not_i64(t, t);
        }
        tcg_gen_andi_i64(t, t, h);
        tcg_gen_shri_i64(t, t, (8 << size) - 1);
        tcg_gen_muli_i64(r, t, (1ull << (8 << size)) - 1);
        return;
    }
    tcg_gen_andi_i64(u, u, h);
    tcg_gen_xor_i64(r, t, u);
}

static void gen_lane_op_half(TCGv r, TCGv a, TCGv b, int kind, int size)
{
    if (size < 3) {
        gen_swar_half(r, a, b, kind, size);
        return;
    }
    switch (kind) {
    case 0:
        tcg_gen_add_i64(r, a, b);
        break;
    case 1:
        tcg_gen_sub_i64(r, a, b);
        break;
    case 2:
        tcg_gen_setcond_i64(TCG_COND_EQ, r, a, b);
        tcg_gen_neg_i64(r, r);
        break;
    default:
        tcg_gen_and_i64(r, a, b);
        tcg_gen_setcondi_i64(TCG_COND_NE, r, r, 0);
        tcg_gen_neg_i64(r, r);
        break;
    }
}

static bool gen_lane_op(DisasContext *ctx, int kind, bool zero_operand)
{
    bool q = bits(ctx->insn, 30, 1);
    int size = bits(ctx->insn, 22, 2);
    TCGv a, b, r;

    if (size == 3 && !q) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    a = a64_new_tmp();
    b = zero_operand ? tcg_constant_i64(0) : a64_new_tmp();
    r = a64_new_tmp();
    for (int half = 0; half < (q ? 2 : 1); half++) {
        tcg_gen_ld_i64(a, env_ptr(), vreg_off(RN, half));
        if (!zero_operand) {
            tcg_gen_ld_i64(b, env_ptr(), vreg_off(RM, half));
        }
        gen_lane_op_half(r, a, b, kind, size);
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
        return gen_lane_op(ctx, u ? 2 : 3, false);
    }
    return gen_lane_op(ctx, u ? 1 : 0, false);
}

/* CMEQ #0 (vector), two-register misc. */
static bool trans_cmeq0(DisasContext *ctx)
{
    return gen_lane_op(ctx, 2, true);
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

/* MOVI/MVNI and FMOV (vector, immediate): a constant per half. */
static bool trans_movi(DisasContext *ctx)
{
    int cmode = bits(ctx->insn, 12, 4);
    bool q = bits(ctx->insn, 30, 1), op = bits(ctx->insn, 29, 1);
    uint64_t imm8 = bits(ctx->insn, 16, 3) << 5 | bits(ctx->insn, 5, 5);
    uint64_t imm;

    if ((cmode < 12 && (cmode & 1)) || bits(ctx->insn, 11, 1) ||
        (cmode == 15 && op && !q)) {
        return false;           /* ORR/BIC: the helper; others unallocated */
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    imm = simd_expand_imm(op, cmode, imm8);
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
    { 0x9f20fc00, 0x0e201c00, trans_logic3, "and/bic/orr/orn/eor" },
    { 0x9f20f400, 0x0e208400, trans_add_cmeq, "add/sub/cmtst/cmeq" },
    { 0xbf3ffc00, 0x0e209800, trans_cmeq0, "cmeq #0" },
    { 0x9ff80400, 0x0f000400, trans_movi, "movi/mvni" },
    { 0x9f000000, 0x0e000000, trans_simd_dp, "simd vector" },
    { 0x9f000000, 0x0f000000, trans_simd_dp, "simd vector imm/elt" },
    { 0xdf000000, 0x5e000000, trans_simd_dp, "simd scalar" },
    { 0xdf000000, 0x5f000000, trans_simd_dp, "simd scalar imm/elt" },
};

const A64PatternTable a64_simd_table = {
    a64_simd_patterns, ARRAY_SIZE(a64_simd_patterns)
};
