/* SPDX-License-Identifier: MIT */
/*
 * A64 front end: a pattern table (mask/match -> trans_*) and the
 * translation of the base integer instruction set to TCG IR.  Section
 * numbers refer to the Arm ARM (DDI 0487), chapter C4 (encoding index).
 */
#include "translate.h"

TCGv cpu_x[32], cpu_pc_a64, cpu_nf, cpu_zf, cpu_cf, cpu_vf;
TCGv cpu_excl_addr, cpu_excl_val;

/* ---- pure helpers ---- */

static uint64_t helper_arm_rbit(uint64_t x)
{
    uint64_t r = 0;

    for (int i = 0; i < 64; i++) {
        r = (r << 1) | ((x >> i) & 1);
    }
    return r;
}
static DEF_HELPER(arm_rbit, TCG_CALL_NO_RWG_SE, 1, true);


/* ---- temps and register access ---- */

static TCGv insn_temps[64];
static int insn_nb_temps;

static TCGv track(TCGv t)
{
    if (insn_nb_temps < (int)ARRAY_SIZE(insn_temps)) {
        insn_temps[insn_nb_temps++] = t;
    }
    return t;
}

TCGv a64_new_tmp(void)
{
    return track(tcg_temp_new_i64());
}

TCGv a64_new_local(void)
{
    return track(tcg_temp_local_new_i64());
}

/* Register 31 reads as XZR here. */
TCGv a64_read_x(int r)
{
    return r == 31 ? tcg_constant_i64(0) : cpu_x[r];
}

/* Register 31 is SP here. */
TCGv a64_read_xsp(int r)
{
    return cpu_x[r];
}

void a64_write_x(int r, TCGv v, bool sf)
{
    if (r == 31) {
        return;
    }
    if (sf) {
        tcg_gen_mov_i64(cpu_x[r], v);
    } else {
        tcg_gen_ext32u_i64(cpu_x[r], v);
    }
}

void a64_write_xsp(int r, TCGv v, bool sf)
{
    if (sf) {
        tcg_gen_mov_i64(cpu_x[r], v);
    } else {
        tcg_gen_ext32u_i64(cpu_x[r], v);
    }
}

void arm_translate_init(void)
{
    static const char *const names[32] = {
        "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
        "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19",
        "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
        "x29", "x30", "sp",
    };

    for (int i = 0; i < 32; i++) {
        cpu_x[i] = tcg_global_mem_new_i64(ARM_ENV_OFFSET(xregs[i]),
                                          names[i]);
    }
    cpu_pc_a64 = tcg_global_mem_new_i64(ARM_ENV_OFFSET(pc), "pc");
    cpu_nf = tcg_global_mem_new_i64(ARM_ENV_OFFSET(nf), "NF");
    cpu_zf = tcg_global_mem_new_i64(ARM_ENV_OFFSET(zf), "ZF");
    cpu_cf = tcg_global_mem_new_i64(ARM_ENV_OFFSET(cf), "CF");
    cpu_vf = tcg_global_mem_new_i64(ARM_ENV_OFFSET(vf), "VF");
    cpu_excl_addr = tcg_global_mem_new_i64(ARM_ENV_OFFSET(excl_addr),
                                           "excl_addr");
    cpu_excl_val = tcg_global_mem_new_i64(ARM_ENV_OFFSET(excl_val),
                                          "excl_val");
}

/* ---- pc values ---- */

/* dst = the run-time address of the translation-time address va. */
static void gen_pc_value(DisasContext *ctx, TCGv dst, uint64_t va)
{
    if (ctx->pcrel) {
        tcg_gen_addi_i64(dst, cpu_pc_a64, (int64_t)(va - ctx->pc_save));
    } else {
        tcg_gen_movi_i64(dst, (int64_t)va);
    }
}

/*
 * env->pc = va on a path that ends here: pc_save stays what it is for
 * the paths that go on.
 */
static void gen_set_pc_final(DisasContext *ctx, uint64_t va)
{
    if (!ctx->pcrel || va != ctx->pc_save) {
        gen_pc_value(ctx, cpu_pc_a64, va);
    }
}

/*
 * env->pc = the current insn, for a helper that reads it (or may raise),
 * on the path that goes on.  Never leaves the TB's first page, where
 * restore_state takes the page of a pc-relative TB from.
 */
static void gen_set_pc_curr(DisasContext *ctx)
{
    gen_set_pc_final(ctx, ctx->pc);
    ctx->pc_save = ctx->pc;
}

/* ---- exceptions and TB exits ---- */

void a64_gen_exception(DisasContext *ctx, uint64_t syndrome)
{
    gen_set_pc_final(ctx, ctx->pc);
    tcg_gen_call2(&helper_info_arm_exception, NULL, env_ptr(),
                  tcg_constant_i64(syndrome));
    ctx->is_jmp = DISAS_NORETURN;
}

void a64_gen_undef(DisasContext *ctx)
{
    a64_gen_exception(ctx, syn_make(EC_UNCATEGORIZED, 0));
}

bool a64_fp_access_check(DisasContext *ctx)
{
    ctx->fp_checked = true;
    if (ctx->fp_enabled) {
        return true;
    }
    /* ISS for A64: CV = 1, COND = 0xe (D17.2.37, as QEMU reports it). */
    a64_gen_exception(ctx, syn_make(EC_FP_ACCESS, 0x1e00000));
    return false;
}

void a64_clear_vreg_high(int reg)
{
    tcg_gen_st_i64(tcg_constant_i64(0), env_ptr(), vreg_off(reg, 1));
}

/*
 * The state flags at a branch: the TB's.  They hold the EL and CPACR.FPEN
 * (arm_cpu_get_tb_state), which only exceptions, ERET and MSR change, and
 * those end the TB with an exit, not a lookup.  Without the page bits
 * that gdb breakpoints add: with breakpoints set the helper asks anyway.
 */
static uint64_t tb_flags_now(DisasContext *ctx)
{
    return ctx->tb->flags & ~(uint64_t)TARGET_PAGE_MASK;
}

static void gen_goto_tb(DisasContext *ctx, int n, uint64_t dest)
{
    if (translator_use_goto_tb(ctx->tb, dest)) {
        if (ctx->pcrel) {
            /* The next TB takes its pc from env: set it before the jump. */
            gen_set_pc_final(ctx, dest);
            tcg_gen_goto_tb(n);
        } else {
            tcg_gen_goto_tb(n);
            tcg_gen_movi_i64(cpu_pc_a64, dest);
        }
        tcg_gen_exit_tb((uintptr_t)ctx->tb | n);
    } else {
        gen_set_pc_final(ctx, dest);
        tcg_gen_lookup_and_goto_ptr_flags(cpu_pc_a64, tb_flags_now(ctx));
    }
}

/* ---- flags ---- */

typedef struct Flags {
    TCGv n, z, c, v;
} Flags;

static Flags flags_globals(void)
{
    Flags f = { cpu_nf, cpu_zf, cpu_cf, cpu_vf };
    return f;
}

static Flags flags_temps(void)
{
    Flags f = { a64_new_tmp(), a64_new_tmp(), a64_new_tmp(), a64_new_tmp() };
    return f;
}

/* N and Z from a result (64-bit, or the low 32 bits). */
static void gen_nz(Flags f, TCGv r, bool sf)
{
    if (sf) {
        tcg_gen_mov_i64(f.z, r);
        tcg_gen_mov_i64(f.n, r);
    } else {
        tcg_gen_ext32u_i64(f.z, r);
        tcg_gen_ext32s_i64(f.n, r);
    }
}

/*
 * r = a + b + carry_in (carry_in a 0/1 temp or NULL) setting f.  For 32
 * bits, a and b are zero-extended first so bit 32 of the sum is C.
 */
static void gen_add_flags(Flags f, TCGv r, TCGv a_in, TCGv b_in,
                          TCGv carry_in, bool sf)
{
    TCGv a = a64_new_tmp(), b = a64_new_tmp();
    TCGv res = a64_new_tmp(), t = a64_new_tmp();

    if (sf) {
        TCGv c1 = a64_new_tmp();

        tcg_gen_mov_i64(a, a_in);
        tcg_gen_mov_i64(b, b_in);
        if (carry_in) {
            tcg_gen_add_i64(t, a, carry_in);
            tcg_gen_setcond_i64(TCG_COND_LTU, c1, t, a);
            tcg_gen_add_i64(res, t, b);
            tcg_gen_setcond_i64(TCG_COND_LTU, t, res, t);
            tcg_gen_or_i64(c1, c1, t);
        } else {
            tcg_gen_add_i64(res, a, b);
            tcg_gen_setcond_i64(TCG_COND_LTU, c1, res, a);
        }
        /* V: operands of equal sign, result of the other sign. */
        tcg_gen_xor_i64(t, res, a);
        tcg_gen_xor_i64(a, a, b);
        tcg_gen_andc_i64(f.v, t, a);
        tcg_gen_mov_i64(f.c, c1);
    } else {
        tcg_gen_ext32u_i64(a, a_in);
        tcg_gen_ext32u_i64(b, b_in);
        tcg_gen_add_i64(res, a, b);
        if (carry_in) {
            tcg_gen_add_i64(res, res, carry_in);
        }
        tcg_gen_shri_i64(f.c, res, 32);
        tcg_gen_xor_i64(t, res, a);
        tcg_gen_xor_i64(a, a, b);
        tcg_gen_andc_i64(t, t, a);
        tcg_gen_ext32s_i64(f.v, t);
    }
    gen_nz(f, res, sf);
    tcg_gen_mov_i64(r, res);
}

/*
 * r = a - b with flags (as a + ~b + 1): C = no borrow = a >= b unsigned,
 * V = operands of different sign and the result's sign differs from a.
 */
static void gen_sub_flags(Flags f, TCGv r, TCGv a_in, TCGv b_in, bool sf)
{
    TCGv a = a64_new_tmp(), b = a64_new_tmp();
    TCGv res = a64_new_tmp(), t = a64_new_tmp();

    if (sf) {
        tcg_gen_mov_i64(a, a_in);
        tcg_gen_mov_i64(b, b_in);
    } else {
        tcg_gen_ext32u_i64(a, a_in);
        tcg_gen_ext32u_i64(b, b_in);
    }
    tcg_gen_sub_i64(res, a, b);
    tcg_gen_setcond_i64(TCG_COND_GEU, f.c, a, b);
    tcg_gen_xor_i64(t, a, res);
    tcg_gen_xor_i64(a, a, b);
    if (sf) {
        tcg_gen_and_i64(f.v, t, a);
    } else {
        tcg_gen_and_i64(t, t, a);
        tcg_gen_ext32s_i64(f.v, t);
    }
    gen_nz(f, res, sf);
    tcg_gen_mov_i64(r, res);
}

/*
 * Condition cond (C1.2.4) as "*v *c 0": one flag compared with zero for
 * the conditions that test a single flag, else the 0/1 value of
 * a64_gen_cond() != 0.
 */
void a64_gen_cond_test(int cond, TCGCond *c, TCGv *v)
{
    static const struct { TCGCond c; int flag; } simple[8] = {
        { TCG_COND_EQ, 1 }, { TCG_COND_NE, 1 },     /* EQ NE: Z */
        { TCG_COND_NE, 2 }, { TCG_COND_EQ, 2 },     /* CS CC: C */
        { TCG_COND_LT, 0 }, { TCG_COND_GE, 0 },     /* MI PL: N */
        { TCG_COND_LT, 3 }, { TCG_COND_GE, 3 },     /* VS VC: V */
    };

    if (cond < 8) {
        TCGv flags[4] = { cpu_nf, cpu_zf, cpu_cf, cpu_vf };

        *c = simple[cond].c;
        *v = flags[simple[cond].flag];
        return;
    }
    *c = TCG_COND_NE;
    *v = a64_gen_cond(cond);
}

/* Evaluate condition cond (C1.2.4) into a 0/1 temp. */
TCGv a64_gen_cond(int cond)
{
    TCGv t = a64_new_tmp(), u = a64_new_tmp();

    switch (cond >> 1) {
    case 0:     /* EQ */
        tcg_gen_setcondi_i64(TCG_COND_EQ, t, cpu_zf, 0);
        break;
    case 1:     /* CS */
        tcg_gen_setcondi_i64(TCG_COND_NE, t, cpu_cf, 0);
        break;
    case 2:     /* MI */
        tcg_gen_setcondi_i64(TCG_COND_LT, t, cpu_nf, 0);
        break;
    case 3:     /* VS */
        tcg_gen_setcondi_i64(TCG_COND_LT, t, cpu_vf, 0);
        break;
    case 4:     /* HI: C && !Z */
        tcg_gen_setcondi_i64(TCG_COND_NE, t, cpu_zf, 0);
        tcg_gen_and_i64(t, t, cpu_cf);
        break;
    case 5:     /* GE: N == V */
        tcg_gen_xor_i64(u, cpu_nf, cpu_vf);
        tcg_gen_setcondi_i64(TCG_COND_GE, t, u, 0);
        break;
    case 6:     /* GT: !Z && N == V */
        tcg_gen_xor_i64(u, cpu_nf, cpu_vf);
        tcg_gen_setcondi_i64(TCG_COND_GE, t, u, 0);
        tcg_gen_setcondi_i64(TCG_COND_NE, u, cpu_zf, 0);
        tcg_gen_and_i64(t, t, u);
        break;
    default:    /* AL, NV */
        return tcg_constant_i64(1);
    }
    if (cond & 1) {
        tcg_gen_xori_i64(t, t, 1);
    }
    return t;
}

/* ---- field helpers ---- */


static uint64_t ones(int n)
{
    return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/* DecodeBitMasks (J1.1): false for reserved encodings. */
static bool decode_bitmask(int n, int imms, int immr, bool sf, uint64_t *out)
{
    int len = 31 - __builtin_clz((unsigned)((n << 6) | (~imms & 0x3f)));
    int size, s, r;
    uint64_t elem;

    if ((n << 6 | (~imms & 0x3f)) == 0 || len < 1 || (!sf && n)) {
        return false;
    }
    size = 1 << len;
    s = imms & (size - 1);
    r = immr & (size - 1);
    if (s == size - 1) {
        return false;
    }
    elem = ones(s + 1);
    if (r) {
        elem = ((elem >> r) | (elem << (size - r))) & ones(size);
    }
    while (size < 64) {
        elem |= elem << size;
        size *= 2;
    }
    *out = sf ? elem : (uint32_t)elem;
    return true;
}

/* Apply a constant shift of type 0 LSL, 1 LSR, 2 ASR, 3 ROR. */
static void gen_shift_imm(TCGv r, TCGv v, int type, int amt, bool sf)
{
    if (sf) {
        switch (type) {
        case 0: tcg_gen_shli_i64(r, v, amt); break;
        case 1: tcg_gen_shri_i64(r, v, amt); break;
        case 2: tcg_gen_sari_i64(r, v, amt); break;
        default: tcg_gen_rotri_i64(r, v, amt); break;
        }
        return;
    }
    switch (type) {
    case 0:
        tcg_gen_shli_i64(r, v, amt);
        break;
    case 1:
        tcg_gen_ext32u_i64(r, v);
        tcg_gen_shri_i64(r, r, amt);
        break;
    case 2:
        tcg_gen_ext32s_i64(r, v);
        tcg_gen_sari_i64(r, r, amt);
        break;
    default: {
        TCGv t = a64_new_tmp();

        tcg_gen_ext32u_i64(r, v);
        tcg_gen_shli_i64(t, r, 32 - amt);
        tcg_gen_shri_i64(r, r, amt);
        tcg_gen_or_i64(r, r, t);
        break;
    }
    }
    tcg_gen_ext32u_i64(r, r);
}

/* Extend (UXTB..SXTX) then shift left (C6.2.5 "extended register"). */
void a64_gen_extend(TCGv r, TCGv v, int option, int shift)
{
    switch (option) {
    case 0: tcg_gen_ext8u_i64(r, v); break;
    case 1: tcg_gen_ext16u_i64(r, v); break;
    case 2: tcg_gen_ext32u_i64(r, v); break;
    case 4: tcg_gen_ext8s_i64(r, v); break;
    case 5: tcg_gen_ext16s_i64(r, v); break;
    case 6: tcg_gen_ext32s_i64(r, v); break;
    default: tcg_gen_mov_i64(r, v); break;
    }
    if (shift) {
        tcg_gen_shli_i64(r, r, shift);
    }
}

/* ---- data processing, immediate (C4.1.86) ---- */

static bool trans_adr(DisasContext *ctx)
{
    int64_t imm = (sbits(ctx->insn, 5, 19) * 4) | bits(ctx->insn, 29, 2);
    uint64_t v;

    /*
     * ADRP: every mapping of the code has the same offset in its 4 KiB
     * page, so the run-time page base is the run-time pc minus that
     * offset and the sum stays a constant distance from the pc.
     */
    if (ctx->insn >> 31) {
        v = (ctx->pc & ~0xfffULL) + ((uint64_t)imm << 12);
    } else {
        v = ctx->pc + imm;
    }
    if (RD != 31) {
        gen_pc_value(ctx, cpu_x[RD], v);
    }
    return true;
}

static void gen_addsub(DisasContext *ctx, TCGv a, TCGv b, bool sub,
                       bool setflags, bool rd_sp)
{
    bool sf = SF;
    TCGv r = a64_new_tmp();

    if (setflags) {
        if (sub) {
            gen_sub_flags(flags_globals(), r, a, b, sf);
        } else {
            gen_add_flags(flags_globals(), r, a, b, NULL, sf);
        }
        a64_write_x(RD, r, sf);
        return;
    }
    if (sub) {
        tcg_gen_sub_i64(r, a, b);
    } else {
        tcg_gen_add_i64(r, a, b);
    }
    if (rd_sp) {
        a64_write_xsp(RD, r, sf);
    } else {
        a64_write_x(RD, r, sf);
    }
}

static bool trans_addsub_imm(DisasContext *ctx)
{
    uint64_t imm = bits(ctx->insn, 10, 12);
    bool s = bits(ctx->insn, 29, 1);

    if (bits(ctx->insn, 22, 1)) {
        imm <<= 12;
    }
    gen_addsub(ctx, a64_read_xsp(RN), tcg_constant_i64(imm),
               bits(ctx->insn, 30, 1), s, !s);
    return true;
}

static void gen_logic(DisasContext *ctx, int opc, TCGv a, TCGv b,
                      bool rd_sp)
{
    bool sf = SF;
    TCGv r = a64_new_tmp();

    switch (opc) {
    case 0: tcg_gen_and_i64(r, a, b); break;
    case 1: tcg_gen_or_i64(r, a, b); break;
    case 2: tcg_gen_xor_i64(r, a, b); break;
    default:
        tcg_gen_and_i64(r, a, b);
        gen_nz(flags_globals(), r, sf);
        tcg_gen_movi_i64(cpu_cf, 0);
        tcg_gen_movi_i64(cpu_vf, 0);
        break;
    }
    if (rd_sp) {
        a64_write_xsp(RD, r, sf);
    } else {
        a64_write_x(RD, r, sf);
    }
}

static bool trans_logic_imm(DisasContext *ctx)
{
    uint64_t imm;
    int opc = bits(ctx->insn, 29, 2);

    if (!decode_bitmask(bits(ctx->insn, 22, 1), bits(ctx->insn, 10, 6),
                        bits(ctx->insn, 16, 6), SF, &imm)) {
        return false;
    }
    gen_logic(ctx, opc, a64_read_x(RN), tcg_constant_i64(imm), opc != 3);
    return true;
}

static bool trans_movw(DisasContext *ctx)
{
    int opc = bits(ctx->insn, 29, 2), hw = bits(ctx->insn, 21, 2);
    uint64_t imm = (uint64_t)bits(ctx->insn, 5, 16) << (hw * 16);
    TCGv t;

    if (opc == 1 || (!SF && hw >= 2)) {
        return false;
    }
    switch (opc) {
    case 0:
        a64_write_x(RD, tcg_constant_i64(~imm), SF);
        break;
    case 2:
        a64_write_x(RD, tcg_constant_i64(imm), SF);
        break;
    default:
        t = a64_new_tmp();
        tcg_gen_andi_i64(t, a64_read_x(RD), ~(0xffffULL << (hw * 16)));
        tcg_gen_ori_i64(t, t, imm);
        a64_write_x(RD, t, SF);
        break;
    }
    return true;
}

static bool trans_bitfield(DisasContext *ctx)
{
    int opc = bits(ctx->insn, 29, 2), n = bits(ctx->insn, 22, 1);
    int r = bits(ctx->insn, 16, 6), s = bits(ctx->insn, 10, 6);
    bool sf = SF;
    int d = sf ? 64 : 32;
    TCGv src = a64_read_x(RN), res = a64_new_tmp(), t = a64_new_tmp();
    uint64_t mask;
    int width, pos;

    if (opc == 3 || n != (int)sf || (!sf && (r >= 32 || s >= 32))) {
        return false;
    }
    if (s >= r) {
        width = s - r + 1;
        pos = 0;
    } else {
        width = s + 1;
        pos = d - r;
    }
    mask = ones(width);
    if (opc == 0) {
        /* SBFM: sign-extend bits [s:0] of (src >> r or src) */
        if (s >= r) {
            tcg_gen_shli_i64(res, src, 63 - s);
            tcg_gen_sari_i64(res, res, 63 - s + r);
        } else {
            tcg_gen_shli_i64(res, src, 63 - s);
            tcg_gen_sari_i64(res, res, 63 - s);
            tcg_gen_shli_i64(res, res, pos);
        }
    } else if (opc == 2) {
        /* UBFM */
        if (s >= r) {
            tcg_gen_shri_i64(res, src, r);
            tcg_gen_andi_i64(res, res, mask);
        } else {
            tcg_gen_andi_i64(res, src, mask);
            tcg_gen_shli_i64(res, res, pos);
        }
    } else {
        /* BFM: insert the field, keep the other bits of Rd */
        if (s >= r) {
            tcg_gen_shri_i64(t, src, r);
        } else {
            tcg_gen_mov_i64(t, src);
        }
        tcg_gen_andi_i64(t, t, mask);
        tcg_gen_shli_i64(t, t, pos);
        tcg_gen_andi_i64(res, a64_read_x(RD), ~(mask << pos));
        tcg_gen_or_i64(res, res, t);
    }
    a64_write_x(RD, res, sf);
    return true;
}

static bool trans_extr(DisasContext *ctx)
{
    bool sf = SF;
    int lsb = bits(ctx->insn, 10, 6);
    TCGv r = a64_new_tmp(), t = a64_new_tmp();

    if (bits(ctx->insn, 22, 1) != sf || bits(ctx->insn, 21, 1) ||
        (!sf && lsb >= 32)) {
        return false;
    }
    if (sf) {
        if (lsb == 0) {
            tcg_gen_mov_i64(r, a64_read_x(RM));
        } else {
            tcg_gen_shri_i64(r, a64_read_x(RM), lsb);
            tcg_gen_shli_i64(t, a64_read_x(RN), 64 - lsb);
            tcg_gen_or_i64(r, r, t);
        }
    } else {
        tcg_gen_ext32u_i64(r, a64_read_x(RM));
        tcg_gen_shli_i64(t, a64_read_x(RN), 32);
        tcg_gen_or_i64(r, r, t);
        tcg_gen_shri_i64(r, r, lsb);
    }
    a64_write_x(RD, r, sf);
    return true;
}

/* ---- branches, exceptions, system (C4.1.87) ---- */

static bool trans_b(DisasContext *ctx)
{
    uint64_t dest = ctx->pc + (sbits(ctx->insn, 0, 26) * 4);

    if (ctx->insn >> 31) {
        gen_pc_value(ctx, cpu_x[30], ctx->pc + 4);
    }
    gen_goto_tb(ctx, 0, dest);
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

static void gen_brcond_to(DisasContext *ctx, TCGCond c, TCGv a, TCGv b,
                          uint64_t dest)
{
    TCGLabel *l = gen_new_label();

    tcg_gen_brcond_i64(c, a, b, l);
    gen_goto_tb(ctx, 0, ctx->pc + 4);
    gen_set_label(l);
    gen_goto_tb(ctx, 1, dest);
    ctx->is_jmp = DISAS_NORETURN;
}

static bool trans_cbz(DisasContext *ctx)
{
    TCGv v = a64_new_tmp();
    uint64_t dest = ctx->pc + (sbits(ctx->insn, 5, 19) * 4);

    if (SF) {
        tcg_gen_mov_i64(v, a64_read_x(RD));
    } else {
        tcg_gen_ext32u_i64(v, a64_read_x(RD));
    }
    gen_brcond_to(ctx, bits(ctx->insn, 24, 1) ? TCG_COND_NE : TCG_COND_EQ,
                  v, tcg_constant_i64(0), dest);
    return true;
}

static bool trans_tbz(DisasContext *ctx)
{
    int bit = (bits(ctx->insn, 31, 1) << 5) | bits(ctx->insn, 19, 5);
    uint64_t dest = ctx->pc + (sbits(ctx->insn, 5, 14) * 4);
    TCGv v = a64_new_tmp();

    tcg_gen_andi_i64(v, a64_read_x(RD), 1ULL << bit);
    gen_brcond_to(ctx, bits(ctx->insn, 24, 1) ? TCG_COND_NE : TCG_COND_EQ,
                  v, tcg_constant_i64(0), dest);
    return true;
}

static bool trans_bcond(DisasContext *ctx)
{
    int cond = bits(ctx->insn, 0, 4);
    TCGCond c;
    TCGv v;
    uint64_t dest = ctx->pc + (sbits(ctx->insn, 5, 19) * 4);

    if (cond >= 14) {
        gen_goto_tb(ctx, 0, dest);
        ctx->is_jmp = DISAS_NORETURN;
        return true;
    }
    a64_gen_cond_test(cond, &c, &v);
    gen_brcond_to(ctx, c, v, tcg_constant_i64(0), dest);
    return true;
}

static bool trans_br(DisasContext *ctx)
{
    int opc = bits(ctx->insn, 21, 4);
    TCGv t = a64_new_tmp();

    if (bits(ctx->insn, 16, 5) != 31 || bits(ctx->insn, 10, 6) ||
        RD != 0) {
        return false;
    }
    switch (opc) {
    case 0:     /* BR */
    case 2:     /* RET */
        tcg_gen_mov_i64(cpu_pc_a64, a64_read_x(RN));
        break;
    case 1:     /* BLR: read the target before writing X30 */
        tcg_gen_mov_i64(t, a64_read_x(RN));
        gen_pc_value(ctx, cpu_x[30], ctx->pc + 4);
        tcg_gen_mov_i64(cpu_pc_a64, t);
        break;
    case 4:     /* ERET */
        if (RN != 31) {
            return false;
        }
        if (ctx->el == 0) {
            return false;
        }
        tcg_gen_call1(&helper_info_arm_eret, t, env_ptr());
        tcg_gen_mov_i64(cpu_pc_a64, t);
        tcg_gen_exit_tb(0);
        ctx->is_jmp = DISAS_NORETURN;
        return true;
    default:
        return false;
    }
    tcg_gen_lookup_and_goto_ptr_flags(cpu_pc_a64, tb_flags_now(ctx));
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

static bool trans_exc(DisasContext *ctx)
{
    int opc = bits(ctx->insn, 21, 3), ll = bits(ctx->insn, 0, 2);
    uint32_t imm = bits(ctx->insn, 5, 16);

    if (bits(ctx->insn, 2, 3)) {
        return false;
    }
    switch (opc << 2 | ll) {
    case 1:     /* SVC */
        a64_gen_exception(ctx, syn_make(EC_SVC64, imm));
        return true;
    case 2:     /* HVC */
    case 3:     /* SMC */
        if (ctx->el == 0) {
            return false;
        }
        gen_set_pc_curr(ctx);
        tcg_gen_call3(&helper_info_arm_hvc_smc, NULL, env_ptr(),
                      tcg_constant_i64(ll == 3), tcg_constant_i64(imm));
        /* The firmware may have changed the machine state: leave. */
        ctx->is_jmp = DISAS_EXIT;
        return true;
    case 4:     /* BRK */
        a64_gen_exception(ctx, syn_make(EC_BRK, imm));
        return true;
    default:    /* HLT (no halting debug), DCPS*: UNDEFINED */
        return false;
    }
}

/* The SYS forms of C5.3 (cache maintenance, AT) by op1:CRm:op2. */
enum {
    SYS_EL1_NOP,        /* EL1 only; no caches are modelled */
    SYS_EL0_CACHE,      /* EL0 too, per SCTLR_EL1.UCI: helper checks */
    SYS_HELPER,         /* DC ZVA (EL0 too) and AT (EL1 only) */
};

static int sys_kind(int op1, int crm, int op2)
{
    switch (op1 << 7 | crm << 3 | op2) {
    case 0 << 7 | 1 << 3 | 0:   /* IC IALLUIS */
    case 0 << 7 | 5 << 3 | 0:   /* IC IALLU */
    case 0 << 7 | 6 << 3 | 1:   /* DC IVAC */
    case 0 << 7 | 6 << 3 | 2:   /* DC ISW */
    case 0 << 7 | 10 << 3 | 2:  /* DC CSW */
    case 0 << 7 | 14 << 3 | 2:  /* DC CISW */
        return SYS_EL1_NOP;
    case 3 << 7 | 5 << 3 | 1:   /* IC IVAU */
    case 3 << 7 | 10 << 3 | 1:  /* DC CVAC */
    case 3 << 7 | 11 << 3 | 1:  /* DC CVAU */
    case 3 << 7 | 14 << 3 | 1:  /* DC CIVAC */
        return SYS_EL0_CACHE;
    case 3 << 7 | 4 << 3 | 1:   /* DC ZVA */
    case 0 << 7 | 8 << 3 | 0:   /* AT S1E1R */
    case 0 << 7 | 8 << 3 | 1:   /* AT S1E1W */
    case 0 << 7 | 8 << 3 | 2:   /* AT S1E0R */
    case 0 << 7 | 8 << 3 | 3:   /* AT S1E0W */
        return SYS_HELPER;
    default:
        return -1;
    }
}

/* SYS (op0 = 1): TLBI, cache maintenance, DC ZVA, AT. */
static bool trans_sys(DisasContext *ctx, uint32_t key)
{
    int crn = bits(ctx->insn, 12, 4), crm = bits(ctx->insn, 8, 4);
    int op1 = bits(ctx->insn, 16, 3), op2 = bits(ctx->insn, 5, 3);
    int kind;

    if (crn == 8) {
        if (op1 != 0 || ctx->el == 0) {
            return false;       /* EL2/EL3 TLBI, or TLBI at EL0 */
        }
        gen_set_pc_curr(ctx);
        tcg_gen_call3(&helper_info_arm_tlbi, NULL, env_ptr(),
                      tcg_constant_i64(crm << 3 | op2), a64_read_x(RD));
        /* Later code may depend on the old mapping: end the TB. */
        ctx->is_jmp = DISAS_EXIT;
        return true;
    }
    kind = crn == 7 ? sys_kind(op1, crm, op2) : -1;
    if (kind < 0) {
        return false;
    }
    if (ctx->el == 0 && (kind == SYS_EL1_NOP || op1 == 0)) {
        return false;
    }
    if (kind == SYS_EL1_NOP || (kind == SYS_EL0_CACHE && ctx->el > 0)) {
        return true;
    }
    gen_set_pc_curr(ctx);
    tcg_gen_call4(&helper_info_arm_sys, NULL, env_ptr(),
                  tcg_constant_i64(key), a64_read_x(RD),
                  tcg_constant_i64(ctx->insn));
    return true;
}

static bool trans_system(DisasContext *ctx)
{
    uint32_t insn = ctx->insn;
    bool l = bits(insn, 21, 1);
    int op0 = bits(insn, 19, 2);
    uint32_t key = bits(insn, 5, 16);
    TCGv t;

    if (!l && op0 == 0) {
        int crn = bits(insn, 12, 4), crm = bits(insn, 8, 4);
        int op1 = bits(insn, 16, 3), op2 = bits(insn, 5, 3);

        if (crn == 2 && op1 == 3 && RD == 31) {
            /*
             * Hints: WFI waits; YIELD and WFE (spin-wait hints) let the
             * other vCPUs run, as QEMU's round-robin does; the rest (NOP,
             * SEV, SEVL, ...) are nops.
             */
            if (crm == 0 && op2 == 3) {
                /*
                 * The helper restores this insn's pc from the restore
                 * data before it halts and resumes at the next one; a
                 * pc-relative TB must not store a pc off its first page.
                 */
                gen_set_pc_curr(ctx);
                tcg_gen_call1(&helper_info_arm_wfi, NULL, env_ptr());
                ctx->is_jmp = DISAS_EXIT;
            } else if (crm == 0 && (op2 == 1 || op2 == 2)) {
                /* The helper only asks for an exit (DISAS_EXIT sets pc). */
                tcg_gen_call1(&helper_info_arm_yield, NULL, env_ptr());
                ctx->is_jmp = DISAS_EXIT;
            }
            return true;
        }
        if (crn == 3 && op1 == 3 && RD == 31) {
            switch (op2) {
            case 2:     /* CLREX */
                tcg_gen_movi_i64(cpu_excl_addr, -1);
                return true;
            case 4:     /* DSB */
            case 5:     /* DMB */
                tcg_gen_mb(0);
                return true;
            case 6:     /* ISB: later insns see new system state */
                ctx->is_jmp = DISAS_EXIT;
                return true;
            default:
                return false;
            }
        }
        if (crn == 4 && RD == 31) {
            /* At EL0 only DAIFSet/DAIFClr exist (SCTLR_EL1.UMA traps). */
            if (ctx->el == 0 && !(op1 == 3 && (op2 == 6 || op2 == 7))) {
                return false;
            }
            gen_set_pc_curr(ctx);
            tcg_gen_call4(&helper_info_arm_msr_imm, NULL, env_ptr(),
                          tcg_constant_i64(op1 << 3 | op2),
                          tcg_constant_i64(crm),
                          tcg_constant_i64(insn));
            ctx->is_jmp = DISAS_EXIT;
            return true;
        }
        return false;
    }
    if (op0 == 1) {
        return !l && trans_sys(ctx, key);
    }
    gen_set_pc_curr(ctx);
    if (l) {
        t = a64_new_tmp();
        tcg_gen_call3(&helper_info_arm_mrs, t, env_ptr(),
                      tcg_constant_i64(key), tcg_constant_i64(insn));
        a64_write_x(RD, t, true);
    } else {
        tcg_gen_call4(&helper_info_arm_msr, NULL, env_ptr(),
                      tcg_constant_i64(key), a64_read_x(RD),
                      tcg_constant_i64(insn));
        ctx->is_jmp = DISAS_EXIT;
    }
    return true;
}

/* ---- loads and stores (C4.1.88) ---- */

void a64_gen_ld(DisasContext *ctx, TCGv dst, TCGv addr, MemOp mop)
{
    tcg_gen_qemu_ld_i64(dst, addr, ctx->el, mop);
}

void a64_gen_st(DisasContext *ctx, TCGv v, TCGv addr, MemOp mop)
{
    tcg_gen_qemu_st_i64(v, addr, ctx->el, mop);
}

/*
 * SIMD&FP register load/store of 1 << lsize bytes (lsize 0-4).  A load
 * zeroes the rest of the 128-bit register (C7.2: "LDR (SIMD&FP)").
 */
static void gen_ldst_vreg(DisasContext *ctx, int lsize, bool load, int rt,
                          TCGv addr)
{
    TCGv v = a64_new_tmp();

    if (load) {
        if (lsize == 4) {
            TCGv hi = a64_new_tmp(), a2 = a64_new_tmp();

            a64_gen_ld(ctx, v, addr, MO_64);
            tcg_gen_addi_i64(a2, addr, 8);
            a64_gen_ld(ctx, hi, a2, MO_64);
            tcg_gen_st_i64(v, env_ptr(), vreg_off(rt, 0));
            tcg_gen_st_i64(hi, env_ptr(), vreg_off(rt, 1));
            return;
        }
        a64_gen_ld(ctx, v, addr, lsize);
        tcg_gen_st_i64(v, env_ptr(), vreg_off(rt, 0));
        a64_clear_vreg_high(rt);
        return;
    }
    tcg_gen_ld_i64(v, env_ptr(), vreg_off(rt, 0));
    a64_gen_st(ctx, v, addr, lsize == 4 ? MO_64 : lsize);
    if (lsize == 4) {
        TCGv a2 = a64_new_tmp();

        tcg_gen_ld_i64(v, env_ptr(), vreg_off(rt, 1));
        tcg_gen_addi_i64(a2, addr, 8);
        a64_gen_st(ctx, v, a2, MO_64);
    }
}

/* size:opc of a single-register SIMD&FP load/store -> lsize, or -1. */
static int vreg_lsize(int size, int opc)
{
    if (opc & 2) {
        return size == 0 ? 4 : -1;
    }
    return size;
}

/*
 * One register load/store: size 0-3, opc as in the encoding (00 store,
 * 01 load, 10 load signed to X, 11 load signed to W).
 */
static bool gen_ldst_one_idx(int size, int opc, int rt, TCGv addr,
                             int mmu_idx)
{
    TCGv v;

    if (opc == 0) {
        tcg_gen_qemu_st_i64(a64_read_x(rt), addr, mmu_idx, size);
        return true;
    }
    v = a64_new_tmp();
    if (opc == 1) {
        tcg_gen_qemu_ld_i64(v, addr, mmu_idx, size);
        a64_write_x(rt, v, true);
    } else {
        tcg_gen_qemu_ld_i64(v, addr, mmu_idx, size | MO_SIGN);
        a64_write_x(rt, v, opc == 2);
    }
    return true;
}

static bool gen_ldst_one(DisasContext *ctx, int size, int opc, int rt,
                         TCGv addr)
{
    return gen_ldst_one_idx(size, opc, rt, addr, ctx->el);
}

static bool ldst_valid(int size, int opc)
{
    if (opc == 2 && size == 3) {
        return false;           /* PRFM, handled by the caller */
    }
    if (opc == 3 && size >= 2) {
        return false;
    }
    return true;
}

static bool trans_ldst_uimm(DisasContext *ctx)
{
    int size = bits(ctx->insn, 30, 2), opc = bits(ctx->insn, 22, 2);
    TCGv addr = a64_new_tmp();

    if (bits(ctx->insn, 26, 1)) {
        int lsize = vreg_lsize(size, opc);

        if (lsize < 0) {
            return false;
        }
        if (!a64_fp_access_check(ctx)) {
            return true;
        }
        tcg_gen_addi_i64(addr, a64_read_xsp(RN),
                         (int64_t)bits(ctx->insn, 10, 12) << lsize);
        gen_ldst_vreg(ctx, lsize, opc & 1, RD, addr);
        return true;
    }
    if (size == 3 && opc == 2) {
        return true;            /* PRFM */
    }
    if (!ldst_valid(size, opc)) {
        return false;
    }
    tcg_gen_addi_i64(addr, a64_read_xsp(RN),
                     (int64_t)bits(ctx->insn, 10, 12) << size);
    return gen_ldst_one(ctx, size, opc, RD, addr);
}

static bool trans_ldst_reg(DisasContext *ctx)
{
    uint32_t insn = ctx->insn;
    int size = bits(insn, 30, 2), opc = bits(insn, 22, 2);
    int idx = bits(insn, 10, 2);
    bool vec = bits(insn, 26, 1);
    int lsize = vec ? vreg_lsize(size, opc) : size;
    TCGv addr = a64_new_tmp(), base = a64_new_tmp();

    if (vec && lsize < 0) {
        return false;
    }
    if (bits(insn, 21, 1)) {
        int option = bits(insn, 13, 3);

        /* Register offset: option 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX */
        if (idx != 2 || !(option & 2)) {
            return false;
        }
        if (!vec && size == 3 && opc == 2) {
            return true;        /* PRFM (register) */
        }
        if (!vec && !ldst_valid(size, opc)) {
            return false;
        }
        if (vec && !a64_fp_access_check(ctx)) {
            return true;
        }
        a64_gen_extend(addr, a64_read_x(RM), option,
                       bits(insn, 12, 1) ? lsize : 0);
        tcg_gen_add_i64(addr, addr, a64_read_xsp(RN));
        if (vec) {
            gen_ldst_vreg(ctx, lsize, opc & 1, RD, addr);
            return true;
        }
        return gen_ldst_one(ctx, size, opc, RD, addr);
    }
    if (!vec && size == 3 && opc == 2) {
        return idx == 0;        /* PRFUM */
    }
    if (vec ? idx == 2 : !ldst_valid(size, opc)) {
        return false;
    }
    if (vec && !a64_fp_access_check(ctx)) {
        return true;
    }
    /* imm9: 00 unscaled, 01 post-index, 10 unprivileged, 11 pre-index */
    tcg_gen_mov_i64(base, a64_read_xsp(RN));
    if (idx != 1) {
        tcg_gen_addi_i64(addr, base, sbits(insn, 12, 9));
    } else {
        tcg_gen_mov_i64(addr, base);
    }
    if (vec) {
        gen_ldst_vreg(ctx, lsize, opc & 1, RD, addr);
    } else {
        /*
         * LDTR/STTR (idx 2): the EL0 permission check, i.e. the EL0
         * MMU index (same EL1&0 regime), even when run at EL1.
         */
        gen_ldst_one_idx(size, opc, RD, addr, idx == 2 ? 0 : ctx->el);
    }
    if (idx == 1) {
        tcg_gen_addi_i64(addr, base, sbits(insn, 12, 9));
    }
    if (idx & 1) {
        a64_write_xsp(RN, addr, true);
    }
    return true;
}

static bool trans_ld_lit(DisasContext *ctx)
{
    int opc = bits(ctx->insn, 30, 2);
    TCGv addr;

    if (bits(ctx->insn, 26, 1)) {
        /* SIMD&FP literal: opc 00 S, 01 D, 10 Q */
        if (opc == 3) {
            return false;
        }
        if (a64_fp_access_check(ctx)) {
            addr = a64_new_tmp();
            gen_pc_value(ctx, addr,
                         ctx->pc + (sbits(ctx->insn, 5, 19) * 4));
            gen_ldst_vreg(ctx, opc + 2, true, RD, addr);
        }
        return true;
    }
    if (opc == 3) {
        return true;            /* PRFM (literal) */
    }
    addr = a64_new_tmp();
    gen_pc_value(ctx, addr, ctx->pc + (sbits(ctx->insn, 5, 19) * 4));
    return gen_ldst_one(ctx, opc == 1 ? 3 : 2, opc == 2 ? 2 : 1, RD, addr);
}

/* LDP/STP/LDNP/STNP (SIMD&FP): opc 00 S, 01 D, 10 Q. */
static bool trans_ldst_pair_vreg(DisasContext *ctx)
{
    uint32_t insn = ctx->insn;
    int opc = bits(insn, 30, 2), idx = bits(insn, 23, 2);
    bool load = bits(insn, 22, 1);
    int rt2 = bits(insn, 10, 5), lsize = opc + 2;
    int64_t off = sbits(insn, 15, 7) * (1 << lsize);
    TCGv addr = a64_new_tmp(), base = a64_new_tmp(), a2 = a64_new_tmp();

    if (opc == 3) {
        return false;
    }
    if (!a64_fp_access_check(ctx)) {
        return true;
    }
    tcg_gen_mov_i64(base, a64_read_xsp(RN));
    tcg_gen_addi_i64(addr, base, idx == 1 ? 0 : off);
    tcg_gen_addi_i64(a2, addr, 1 << lsize);
    gen_ldst_vreg(ctx, lsize, load, RD, addr);
    gen_ldst_vreg(ctx, lsize, load, rt2, a2);
    if (idx == 1) {
        tcg_gen_addi_i64(addr, base, off);
    }
    if (idx == 1 || idx == 3) {
        a64_write_xsp(RN, addr, true);
    }
    return true;
}

static bool trans_ldst_pair(DisasContext *ctx)
{
    uint32_t insn = ctx->insn;
    int opc = bits(insn, 30, 2), idx = bits(insn, 23, 2);
    bool load = bits(insn, 22, 1);
    int rt2 = bits(insn, 10, 5);
    int size = opc == 2 ? 3 : 2;
    int64_t off;
    TCGv addr = a64_new_tmp(), base = a64_new_tmp();

    if (bits(insn, 26, 1)) {
        return trans_ldst_pair_vreg(ctx);
    }
    if (opc == 3 || (opc == 1 && !load)) {
        return false;
    }
    off = sbits(insn, 15, 7) * (1 << size);
    tcg_gen_mov_i64(base, a64_read_xsp(RN));
    tcg_gen_addi_i64(addr, base, idx == 1 ? 0 : off);
    if (load) {
        TCGv v1 = a64_new_tmp(), v2 = a64_new_tmp(), a2 = a64_new_tmp();
        MemOp mop = size | (opc == 1 ? MO_SIGN : 0);

        /* Both loads complete before either register is written. */
        a64_gen_ld(ctx, v1, addr, mop);
        tcg_gen_addi_i64(a2, addr, 1 << size);
        a64_gen_ld(ctx, v2, a2, mop);
        a64_write_x(RD, v1, opc != 0);
        a64_write_x(rt2, v2, opc != 0);
    } else {
        TCGv a2 = a64_new_tmp();

        a64_gen_st(ctx, a64_read_x(RD), addr, size);
        tcg_gen_addi_i64(a2, addr, 1 << size);
        a64_gen_st(ctx, a64_read_x(rt2), a2, size);
    }
    if (idx == 1) {
        tcg_gen_addi_i64(addr, base, off);
    }
    if (idx == 1 || idx == 3) {
        a64_write_xsp(RN, addr, true);
    }
    return true;
}

static bool trans_ldst_excl(DisasContext *ctx)
{
    uint32_t insn = ctx->insn;
    int size = bits(insn, 30, 2);
    bool o2 = bits(insn, 23, 1), l = bits(insn, 22, 1);
    bool o1 = bits(insn, 21, 1);
    int rs = bits(insn, 16, 5);
    TCGv addr, v;

    if (o1) {
        return false;           /* pairs and CAS: later */
    }
    addr = a64_new_local();
    tcg_gen_mov_i64(addr, a64_read_xsp(RN));
    if (o2) {
        /*
         * LDAR/STLR (and LDLAR/STLLR): ordered, no monitor; without
         * FEAT_LSE2 an unaligned address is an alignment fault.
         */
        if (l) {
            v = a64_new_tmp();
            a64_gen_ld(ctx, v, addr, size | MO_ALIGN);
            tcg_gen_mb(0);
            a64_write_x(RD, v, true);
        } else {
            tcg_gen_mb(0);
            a64_gen_st(ctx, a64_read_x(RD), addr, size | MO_ALIGN);
        }
        return true;
    }
    if (l) {
        v = a64_new_tmp();
        a64_gen_ld(ctx, v, addr, size | MO_ALIGN);
        tcg_gen_mov_i64(cpu_excl_addr, addr);
        tcg_gen_mov_i64(cpu_excl_val, v);
        a64_write_x(RD, v, true);
    } else {
        /*
         * STXR succeeds (Rs = 0) if the monitor holds this address and
         * memory still holds what LDXR read (as QEMU: a store in between,
         * by this or another vCPU, makes it fail).  The vCPUs run
         * round-robin in one thread, so nothing can store between the
         * check and the store.
         */
        TCGLabel *fail, *done;
        TCGv val, cur;

        if (tcg_mttcg) {
            /* A vCPU per thread: compare-and-swap (translate-atomic.c). */
            a64_gen_stxr_mt(ctx, addr, size, rs, RD);
            return true;
        }
        fail = gen_new_label();
        done = gen_new_label();
        val = a64_new_local();
        cur = a64_new_local();
        tcg_gen_mov_i64(val, a64_read_x(RD));
        tcg_gen_brcond_i64(TCG_COND_NE, addr, cpu_excl_addr, fail);
        a64_gen_ld(ctx, cur, addr, size | MO_ALIGN);
        tcg_gen_brcond_i64(TCG_COND_NE, cur, cpu_excl_val, fail);
        a64_gen_st(ctx, val, addr, size | MO_ALIGN);
        if (rs != 31) {
            tcg_gen_movi_i64(cpu_x[rs], 0);
        }
        tcg_gen_br(done);
        gen_set_label(fail);
        if (rs != 31) {
            tcg_gen_movi_i64(cpu_x[rs], 1);
        }
        gen_set_label(done);
        tcg_gen_movi_i64(cpu_excl_addr, -1);
    }
    return true;
}

/* ---- data processing, register (C4.1.89) ---- */

static bool trans_logic_reg(DisasContext *ctx)
{
    int opc = bits(ctx->insn, 29, 2), imm6 = bits(ctx->insn, 10, 6);
    TCGv b = a64_new_tmp();

    if (!SF && imm6 >= 32) {
        return false;
    }
    gen_shift_imm(b, a64_read_x(RM), bits(ctx->insn, 22, 2), imm6, SF);
    if (bits(ctx->insn, 21, 1)) {
        tcg_gen_not_i64(b, b);  /* BIC, ORN, EON, BICS */
    }
    gen_logic(ctx, opc, a64_read_x(RN), b, false);
    return true;
}

static bool trans_addsub_reg(DisasContext *ctx)
{
    int shift = bits(ctx->insn, 22, 2), imm6 = bits(ctx->insn, 10, 6);
    TCGv b = a64_new_tmp();

    if (shift == 3 || (!SF && imm6 >= 32)) {
        return false;
    }
    gen_shift_imm(b, a64_read_x(RM), shift, imm6, SF);
    gen_addsub(ctx, a64_read_x(RN), b, bits(ctx->insn, 30, 1),
               bits(ctx->insn, 29, 1), false);
    return true;
}

static bool trans_addsub_ext(DisasContext *ctx)
{
    int imm3 = bits(ctx->insn, 10, 3);
    bool s = bits(ctx->insn, 29, 1);
    TCGv b = a64_new_tmp();

    if (imm3 > 4 || bits(ctx->insn, 22, 2)) {
        return false;
    }
    a64_gen_extend(b, a64_read_x(RM), bits(ctx->insn, 13, 3), imm3);
    gen_addsub(ctx, a64_read_xsp(RN), b, bits(ctx->insn, 30, 1), s, !s);
    return true;
}

static bool trans_adc(DisasContext *ctx)
{
    bool sub = bits(ctx->insn, 30, 1), s = bits(ctx->insn, 29, 1);
    TCGv b = a64_new_tmp(), r = a64_new_tmp();
    Flags f = s ? flags_globals() : flags_temps();

    if (sub) {
        tcg_gen_not_i64(b, a64_read_x(RM));
    } else {
        tcg_gen_mov_i64(b, a64_read_x(RM));
    }
    gen_add_flags(f, r, a64_read_x(RN), b, cpu_cf, SF);
    a64_write_x(RD, r, SF);
    return true;
}

static bool trans_ccmp(DisasContext *ctx)
{
    uint32_t insn = ctx->insn;
    int nzcv = bits(insn, 0, 4);
    TCGv cond, b, r = a64_new_tmp();
    Flags f = flags_temps();

    if (!bits(insn, 29, 1) || bits(insn, 10, 1) || bits(insn, 4, 1)) {
        return false;
    }
    cond = a64_gen_cond(bits(insn, 12, 4));
    b = bits(insn, 11, 1) ? tcg_constant_i64(bits(insn, 16, 5))
                          : a64_read_x(RM);
    if (bits(insn, 30, 1)) {
        gen_sub_flags(f, r, a64_read_x(RN), b, SF);
    } else {
        gen_add_flags(f, r, a64_read_x(RN), b, NULL, SF);
    }
    /* Condition false: flags come from the immediate nzcv. */
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_nf, cond, tcg_constant_i64(0), f.n,
                        tcg_constant_i64((nzcv & 8) ? -1 : 0));
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_zf, cond, tcg_constant_i64(0), f.z,
                        tcg_constant_i64((nzcv & 4) ? 0 : 1));
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_cf, cond, tcg_constant_i64(0), f.c,
                        tcg_constant_i64((nzcv & 2) ? 1 : 0));
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_vf, cond, tcg_constant_i64(0), f.v,
                        tcg_constant_i64((nzcv & 1) ? -1 : 0));
    return true;
}

static bool trans_csel(DisasContext *ctx)
{
    int op = bits(ctx->insn, 30, 1), op2 = bits(ctx->insn, 10, 2);
    TCGv cond, b = a64_new_tmp(), r = a64_new_tmp();
    TCGCond c;

    if (bits(ctx->insn, 29, 1) || op2 > 1) {
        return false;
    }
    a64_gen_cond_test(bits(ctx->insn, 12, 4), &c, &cond);
    tcg_gen_mov_i64(b, a64_read_x(RM));
    if (op) {
        tcg_gen_not_i64(b, b);          /* CSINV, CSNEG */
    }
    if (op2) {
        tcg_gen_addi_i64(b, b, 1);      /* CSINC, CSNEG */
    }
    tcg_gen_movcond_i64(c, r, cond, tcg_constant_i64(0), a64_read_x(RN), b);
    a64_write_x(RD, r, SF);
    return true;
}

/*
 * UDIV/SDIV: x / 0 = 0 and signed MIN / -1 = MIN, no trap (Arm ARM
 * C3.4.8), on the host's divide with those operands steered away.  The
 * W forms divide the 32-bit values extended to 64 bits, where MIN / -1
 * cannot overflow.  The divisor hint for the backend is Rm's value while
 * the TB is translated (a loop's divisor rarely changes; a wrong guess
 * costs a compare).
 */
static void gen_a64_div(DisasContext *ctx, TCGv r, bool sign, bool sf)
{
    TCGv zero = tcg_constant_i64(0), one = tcg_constant_i64(1);
    TCGv n = a64_new_tmp(), d = a64_new_tmp();
    TCGv num = a64_new_tmp(), den = a64_new_tmp();
    uint64_t hint = RM == 31 ? 0 : arm_env(ctx->cs)->xregs[RM];

    if (sf) {
        tcg_gen_mov_i64(n, a64_read_x(RN));
        tcg_gen_mov_i64(d, a64_read_x(RM));
    } else if (sign) {
        tcg_gen_ext32s_i64(n, a64_read_x(RN));
        tcg_gen_ext32s_i64(d, a64_read_x(RM));
        hint = (uint64_t)(int64_t)(int32_t)hint;
    } else {
        tcg_gen_ext32u_i64(n, a64_read_x(RN));
        tcg_gen_ext32u_i64(d, a64_read_x(RM));
        hint = (uint32_t)hint;
    }
    tcg_gen_movcond_i64(TCG_COND_EQ, den, d, zero, one, d);
    if (sign && sf) {
        TCGv ovf = a64_new_tmp(), t = a64_new_tmp();

        /* MIN / -1: divide MIN by 1 */
        tcg_gen_setcondi_i64(TCG_COND_EQ, ovf, n, INT64_MIN);
        tcg_gen_setcondi_i64(TCG_COND_EQ, t, d, -1);
        tcg_gen_and_i64(ovf, ovf, t);
        tcg_gen_movcond_i64(TCG_COND_NE, den, ovf, zero, one, den);
    }
    tcg_gen_movcond_i64(TCG_COND_EQ, num, d, zero, zero, n);
    if (sign) {
        tcg_gen_div_hint_i64(r, num, den, hint);
    } else {
        tcg_gen_divu_hint_i64(r, num, den, hint);
    }
}

static bool trans_dp2(DisasContext *ctx)
{
    int opc = bits(ctx->insn, 10, 6);
    bool sf = SF;
    TCGv r = a64_new_tmp(), amt = a64_new_tmp(), t = a64_new_tmp();
    TCGv a = a64_read_x(RN);

    if (bits(ctx->insn, 29, 1)) {
        return false;
    }
    switch (opc) {
    case 2:
    case 3:
        gen_a64_div(ctx, r, opc == 3, sf);
        break;
    case 8:
    case 9:
    case 10:
    case 11:
        tcg_gen_andi_i64(amt, a64_read_x(RM), sf ? 63 : 31);
        if (sf) {
            switch (opc) {
            case 8: tcg_gen_shl_i64(r, a, amt); break;
            case 9: tcg_gen_shr_i64(r, a, amt); break;
            case 10: tcg_gen_sar_i64(r, a, amt); break;
            default: tcg_gen_rotr_i64(r, a, amt); break;
            }
            break;
        }
        switch (opc) {
        case 8:
            tcg_gen_shl_i64(r, a, amt);
            break;
        case 9:
            tcg_gen_ext32u_i64(r, a);
            tcg_gen_shr_i64(r, r, amt);
            break;
        case 10:
            tcg_gen_ext32s_i64(r, a);
            tcg_gen_sar_i64(r, r, amt);
            break;
        default:
            /* 32-bit rotate: duplicate the word, shift right. */
            tcg_gen_ext32u_i64(r, a);
            tcg_gen_shli_i64(t, r, 32);
            tcg_gen_or_i64(r, r, t);
            tcg_gen_shr_i64(r, r, amt);
            break;
        }
        break;
    default:
        return false;
    }
    a64_write_x(RD, r, sf);
    return true;
}

static bool trans_dp1(DisasContext *ctx)
{
    int opc = bits(ctx->insn, 10, 6);
    bool sf = SF;
    TCGv a = a64_new_tmp(), r = a64_new_tmp(), t = a64_new_tmp();

    if (bits(ctx->insn, 16, 5) || bits(ctx->insn, 29, 1)) {
        return false;
    }
    if (sf) {
        tcg_gen_mov_i64(a, a64_read_x(RN));
    } else {
        tcg_gen_ext32u_i64(a, a64_read_x(RN));
    }
    switch (opc) {
    case 0:     /* RBIT */
        tcg_gen_call1(&helper_info_arm_rbit, r, a);
        if (!sf) {
            tcg_gen_shri_i64(r, r, 32);
        }
        break;
    case 1:     /* REV16 */
        tcg_gen_shri_i64(t, a, 8);
        tcg_gen_andi_i64(t, t, 0x00ff00ff00ff00ffULL);
        tcg_gen_andi_i64(r, a, 0x00ff00ff00ff00ffULL);
        tcg_gen_shli_i64(r, r, 8);
        tcg_gen_or_i64(r, r, t);
        break;
    case 2:     /* REV32 (64-bit) or REV (32-bit) */
        tcg_gen_bswap64_i64(r, a);
        if (sf) {
            tcg_gen_rotri_i64(r, r, 32);
        } else {
            tcg_gen_shri_i64(r, r, 32);
        }
        break;
    case 3:     /* REV (64-bit) */
        if (!sf) {
            return false;
        }
        tcg_gen_bswap64_i64(r, a);
        break;
    case 4:     /* CLZ */
        tcg_gen_clz_i64(r, a, tcg_constant_i64(64));
        if (!sf) {
            tcg_gen_subi_i64(r, r, 32);
        }
        break;
    case 5:     /* CLS: leading bits equal to the sign, less one */
        if (!sf) {
            tcg_gen_ext32s_i64(a, a);
        }
        tcg_gen_sari_i64(t, a, 1);
        tcg_gen_xor_i64(t, t, a);
        tcg_gen_clz_i64(r, t, tcg_constant_i64(64));
        tcg_gen_subi_i64(r, r, sf ? 1 : 33);
        break;
    default:
        return false;
    }
    a64_write_x(RD, r, sf);
    return true;
}

static bool trans_dp3(DisasContext *ctx)
{
    int op = bits(ctx->insn, 21, 3) << 1 | bits(ctx->insn, 15, 1);
    int ra = bits(ctx->insn, 10, 5);
    bool sf = SF;
    TCGv a = a64_new_tmp(), b = a64_new_tmp(), r = a64_new_tmp();

    if (bits(ctx->insn, 29, 2) || (!sf && op > 1)) {
        return false;
    }
    switch (op) {
    case 0:     /* MADD */
    case 1:     /* MSUB */
        tcg_gen_mul_i64(r, a64_read_x(RN), a64_read_x(RM));
        break;
    case 2:     /* SMADDL */
    case 3:     /* SMSUBL */
        tcg_gen_ext32s_i64(a, a64_read_x(RN));
        tcg_gen_ext32s_i64(b, a64_read_x(RM));
        tcg_gen_mul_i64(r, a, b);
        break;
    case 10:    /* UMADDL */
    case 11:    /* UMSUBL */
        tcg_gen_ext32u_i64(a, a64_read_x(RN));
        tcg_gen_ext32u_i64(b, a64_read_x(RM));
        tcg_gen_mul_i64(r, a, b);
        break;
    case 4:     /* SMULH */
        tcg_gen_mulsh_i64(r, a64_read_x(RN), a64_read_x(RM));
        a64_write_x(RD, r, true);
        return true;
    case 12:    /* UMULH */
        tcg_gen_muluh_i64(r, a64_read_x(RN), a64_read_x(RM));
        a64_write_x(RD, r, true);
        return true;
    default:
        return false;
    }
    if (op & 1) {
        tcg_gen_sub_i64(r, a64_read_x(ra), r);
    } else {
        tcg_gen_add_i64(r, a64_read_x(ra), r);
    }
    a64_write_x(RD, r, sf);
    return true;
}

/* ---- the pattern table ---- */


static const A64Pattern a64_base_patterns[] = {
    { 0x1f000000, 0x10000000, trans_adr, "adr" },
    { 0x1f800000, 0x11000000, trans_addsub_imm, "add/sub (imm)" },
    { 0x1f800000, 0x12000000, trans_logic_imm, "logical (imm)" },
    { 0x1f800000, 0x12800000, trans_movw, "move wide" },
    { 0x1f800000, 0x13000000, trans_bitfield, "bitfield" },
    { 0x1f800000, 0x13800000, trans_extr, "extr" },
    { 0x7c000000, 0x14000000, trans_b, "b/bl" },
    { 0x7e000000, 0x34000000, trans_cbz, "cbz/cbnz" },
    { 0x7e000000, 0x36000000, trans_tbz, "tbz/tbnz" },
    { 0xff000010, 0x54000000, trans_bcond, "b.cond" },
    { 0xff000000, 0xd4000000, trans_exc, "exception" },
    { 0xffc00000, 0xd5000000, trans_system, "system" },
    { 0xfe000000, 0xd6000000, trans_br, "branch (reg)" },
    { 0x3f000000, 0x08000000, trans_ldst_excl, "ld/st exclusive" },
    { 0x3b000000, 0x18000000, trans_ld_lit, "load literal" },
    { 0x3a000000, 0x28000000, trans_ldst_pair, "ld/st pair" },
    { 0x3b000000, 0x39000000, trans_ldst_uimm, "ld/st (uimm)" },
    { 0x3b000000, 0x38000000, trans_ldst_reg, "ld/st (reg/imm9)" },
    { 0x1f000000, 0x0a000000, trans_logic_reg, "logical (reg)" },
    { 0x1f200000, 0x0b000000, trans_addsub_reg, "add/sub (shifted)" },
    { 0x1f200000, 0x0b200000, trans_addsub_ext, "add/sub (extended)" },
    { 0x1fe0fc00, 0x1a000000, trans_adc, "adc/sbc" },
    { 0x1fe00000, 0x1a400000, trans_ccmp, "ccmn/ccmp" },
    { 0x1fe00000, 0x1a800000, trans_csel, "cond select" },
    { 0x5fe00000, 0x1ac00000, trans_dp2, "dp 2-source" },
    { 0x5fe00000, 0x5ac00000, trans_dp1, "dp 1-source" },
    { 0x1f000000, 0x1b000000, trans_dp3, "dp 3-source" },
};

static const A64PatternTable a64_base_table = {
    a64_base_patterns, ARRAY_SIZE(a64_base_patterns)
};

static const A64PatternTable *const a64_tables[] = {
    &a64_base_table, &a64_fp_table, &a64_simd_table, &a64_atomic_table,
};

/*
 * Try every pattern that matches, table by table, until one accepts the
 * instruction; a trans function that returns false has emitted nothing.
 */
static void translate_one(DisasContext *ctx)
{
    ctx->insn = translator_ldl(ctx->cs, ctx->tb, ctx->pc);
    ctx->pc_next = ctx->pc + 4;
    ctx->fp_checked = false;
    for (size_t t = 0; t < ARRAY_SIZE(a64_tables); t++) {
        for (size_t i = 0; i < a64_tables[t]->count; i++) {
            const A64Pattern *p = &a64_tables[t]->patterns[i];

            if ((ctx->insn & p->mask) == p->match && p->fn(ctx)) {
                return;
            }
        }
    }
    a64_gen_undef(ctx);
}

#define TB_TEMP_HEADROOM  96
#define TB_LABEL_HEADROOM 8

/* Restore data: the pc, or its page offset in a pc-relative TB. */
static uint64_t insn_start_data(DisasContext *ctx)
{
    return ctx->pcrel ? ctx->pc & ~TARGET_PAGE_MASK : ctx->pc;
}

static bool tcg_nearly_full(void)
{
    return tcg_ctx->nb_temps + tcg_ctx->nb_ops >
               TCG_MAX_TEMPS - TB_TEMP_HEADROOM ||
           tcg_ctx->nb_labels > TCG_MAX_LABELS - TB_LABEL_HEADROOM;
}

void arm_translate(CPUState *cs, TranslationBlock *tb, int max_insns)
{
    DisasContext c = { 0 }, *ctx = &c;
    uint64_t page = tb->pc & TARGET_PAGE_MASK;
    int n = 0;

    insn_nb_temps = 0;
    ctx->tb = tb;
    ctx->cs = cs;
    ctx->el = tb->flags & ARM_TBFLAG_EL_MASK;
    ctx->fp_enabled = tb->flags & ARM_TBFLAG_FPEN;
    ctx->pc = tb->pc;
    ctx->pc_next = tb->pc;
    ctx->pcrel = tb->pcrel;
    ctx->pc_save = tb->pc;
    ctx->is_jmp = DISAS_NEXT;
    if (max_insns > TCG_MAX_INSNS) {
        max_insns = TCG_MAX_INSNS;
    }
    if (max_insns < 1) {
        max_insns = 1;
    }
    gen_tb_start(tb);
    if (tb->pc & 3) {
        /* PC alignment fault (D1.10.2): raised before any fetch. */
        tcg_gen_insn_start(insn_start_data(ctx));
        a64_gen_exception(ctx, syn_make(EC_PC_ALIGN, 0));
        gen_tb_end(tb, 1);
        tb->size = 1;
        tb->icount = 1;
        return;
    }
    if (cs->nb_breakpoints && translator_breakpoint_here(cs, ctx->pc)) {
        tcg_gen_insn_start(insn_start_data(ctx));
        gen_set_pc_final(ctx, ctx->pc);
        translator_gen_debug();
        gen_tb_end(tb, 1);
        tb->size = 4;
        tb->icount = 1;
        return;
    }
    for (;;) {
        tcg_gen_insn_start(insn_start_data(ctx));
        n++;
        translate_one(ctx);
        while (insn_nb_temps > 0) {
            tcg_temp_free(insn_temps[--insn_nb_temps]);
        }
        if (ctx->is_jmp != DISAS_NEXT) {
            break;
        }
        ctx->pc = ctx->pc_next;
        if (n >= max_insns || (ctx->pc & TARGET_PAGE_MASK) != page ||
            tcg_nearly_full() ||
            (cs->nb_breakpoints &&
             translator_breakpoint_here(cs, ctx->pc))) {
            ctx->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }
    switch (ctx->is_jmp) {
    case DISAS_TOO_MANY:
        gen_goto_tb(ctx, 0, ctx->pc_next);
        break;
    case DISAS_EXIT:
        gen_set_pc_final(ctx, ctx->pc_next);
        tcg_gen_exit_tb(0);
        break;
    default:
        break;
    }
    gen_tb_end(tb, n);
    tb->size = ctx->pc_next - tb->pc;
    tb->icount = n;
}
