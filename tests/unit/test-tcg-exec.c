/* SPDX-License-Identifier: MIT */
/* End-to-end TCG tests: build IR, compile for x86-64, run, compare. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "machina/exec.h"
#include "../../tcg/x86_64/tcg-target.h"

typedef struct TestCPU {
    CPUState parent;
    uint64_t r[8];
    uint32_t w[8];
    uint8_t data[64];
} TestCPU;

#define CODE_SIZE (4 * 1024 * 1024)

static TestCPU *cpu;
static uint8_t *code;
static uint8_t *tb_buf;
static TCGv g64[8], g32[8];
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* ---- stubs for the engine's slow-path helpers ---- */
static int ld_calls, st_calls;
static uint64_t last_addr, last_val, ld_ret;
static uint32_t last_oi;
static uintptr_t last_ra;

uint64_t helper_ld_mmu(CPUState *c, uint64_t addr, uint32_t oi,
                       uintptr_t retaddr)
{
    assert_ptr_equal(c, &cpu->parent);
    ld_calls++;
    last_addr = addr;
    last_oi = oi;
    last_ra = retaddr;
    return ld_ret;
}

void helper_st_mmu(CPUState *c, uint64_t addr, uint64_t val, uint32_t oi,
                   uintptr_t retaddr)
{
    assert_ptr_equal(c, &cpu->parent);
    st_calls++;
    last_addr = addr;
    last_val = val;
    last_oi = oi;
    last_ra = retaddr;
}

static uint64_t rnd(void)
{
    static const uint64_t edge[] = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
        0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
        0x8000000000000000ULL, ~0ULL, ~1ULL, 63, 64, 31, 32,
    };
    uint64_t x;

    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    x = rng;
    switch ((x >> 60) & 7) {
    case 0:
        return edge[x % ARRAY_SIZE(edge)];
    case 1:
        return x & 0xff;
    case 2:
        return (uint64_t)(int64_t)(int8_t)x;
    default:
        return x * 0x2545f4914f6cdd1dULL;
    }
}

static uintptr_t run_tb(void)
{
    int n = tcg_gen_code(tcg_ctx, tb_buf, code + CODE_SIZE);

    assert_true(n > 0);
    return tcg_qemu_tb_exec(&cpu->parent, tb_buf);
}

static int group_setup(void **state)
{
    static const char *n64[] = { "r0", "r1", "r2", "r3", "r4", "r5", "r6",
                                 "r7" };
    static const char *n32[] = { "w0", "w1", "w2", "w3", "w4", "w5", "w6",
                                 "w7" };
    int i, n;

    cpu = calloc(1, sizeof(*cpu));
    code = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!cpu || code == MAP_FAILED) {
        return -1;
    }
    tcg_context_init();
    for (i = 0; i < 8; i++) {
        g64[i] = tcg_global_mem_new_i64(offsetof(TestCPU, r[i]), n64[i]);
    }
    for (i = 0; i < 8; i++) {
        g32[i] = tcg_global_mem_new_i32(offsetof(TestCPU, w[i]), n32[i]);
    }
    n = tcg_target_prologue(code, 4096);
    if (n <= 0) {
        return -1;
    }
    tb_buf = code + 4096;
    return 0;
}

static int group_teardown(void **state)
{
    munmap(code, CODE_SIZE);
    free(cpu);
    return 0;
}

/* ---- reference semantics ---- */

static uint64_t ref_op(TCGOpcode opc, TCGType ty, uint64_t a, uint64_t b)
{
    bool w32 = ty == TCG_TYPE_I32;
    unsigned bits = w32 ? 32 : 64, sh = b & (bits - 1);
    uint64_t ua = w32 ? (uint32_t)a : a, ub = w32 ? (uint32_t)b : b;
    int64_t sa = w32 ? (int32_t)a : (int64_t)a;
    int64_t sb = w32 ? (int32_t)b : (int64_t)b;
    uint64_t r = 0;

    switch (opc) {
    case INDEX_op_add: r = a + b; break;
    case INDEX_op_sub: r = a - b; break;
    case INDEX_op_mul: r = a * b; break;
    case INDEX_op_muluh:
        r = w32 ? (ua * ub) >> 32
                : (uint64_t)(((unsigned __int128)ua * ub) >> 64);
        break;
    case INDEX_op_mulsh:
        r = w32 ? (uint64_t)((sa * sb) >> 32)
                : (uint64_t)(((__int128)sa * sb) >> 64);
        break;
    case INDEX_op_div: r = (uint64_t)(sa / sb); break;
    case INDEX_op_rem: r = (uint64_t)(sa % sb); break;
    case INDEX_op_divu: r = ua / ub; break;
    case INDEX_op_remu: r = ua % ub; break;
    case INDEX_op_and: r = a & b; break;
    case INDEX_op_or: r = a | b; break;
    case INDEX_op_xor: r = a ^ b; break;
    case INDEX_op_andc: r = a & ~b; break;
    case INDEX_op_orc: r = a | ~b; break;
    case INDEX_op_eqv: r = ~(a ^ b); break;
    case INDEX_op_shl: r = ua << sh; break;
    case INDEX_op_shr: r = ua >> sh; break;
    case INDEX_op_sar: r = (uint64_t)(sa >> sh); break;
    case INDEX_op_rotl: r = sh ? (ua << sh) | (ua >> (bits - sh)) : ua; break;
    case INDEX_op_rotr: r = sh ? (ua >> sh) | (ua << (bits - sh)) : ua; break;
    case INDEX_op_clz:
        r = ua ? (uint64_t)(w32 ? __builtin_clz(ua) : __builtin_clzll(ua))
               : b;
        break;
    case INDEX_op_ctz: r = ua ? (uint64_t)__builtin_ctzll(ua) : b; break;
    case INDEX_op_neg: r = -a; break;
    case INDEX_op_not: r = ~a; break;
    case INDEX_op_ctpop: r = (uint64_t)__builtin_popcountll(ua); break;
    case INDEX_op_bswap16: r = ((a & 0xff) << 8) | ((a >> 8) & 0xff); break;
    case INDEX_op_bswap32: r = __builtin_bswap32((uint32_t)a); break;
    case INDEX_op_bswap64: r = __builtin_bswap64(a); break;
    case INDEX_op_ext8s: r = (uint64_t)(int64_t)(int8_t)a; break;
    case INDEX_op_ext8u: r = (uint8_t)a; break;
    case INDEX_op_ext16s: r = (uint64_t)(int64_t)(int16_t)a; break;
    case INDEX_op_ext16u: r = (uint16_t)a; break;
    case INDEX_op_ext32s: r = (uint64_t)(int64_t)(int32_t)a; break;
    case INDEX_op_ext32u: r = (uint32_t)a; break;
    default: fail();
    }
    return w32 ? (uint32_t)r : r;
}

static bool is_div(TCGOpcode opc)
{
    return opc == INDEX_op_div || opc == INDEX_op_rem ||
           opc == INDEX_op_divu || opc == INDEX_op_remu;
}

/* Keep divisions defined: no zero divisor, no INT_MIN / -1. */
static uint64_t fix_divisor(TCGOpcode opc, TCGType ty, uint64_t a,
                            uint64_t b)
{
    uint64_t mask = ty == TCG_TYPE_I32 ? 0xffffffffULL : ~0ULL;
    uint64_t min = ty == TCG_TYPE_I32 ? 0x80000000ULL : 1ULL << 63;

    if (!is_div(opc)) {
        return b;
    }
    if ((b & mask) == 0 || ((b & mask) == mask && (a & mask) == min)) {
        return b + 2;
    }
    return b;
}

/*
 * Divisions carry a divisor hint (tcg-opc.h): b itself (the backend's
 * multiply path), none, or a wrong guess (its test falls back to div).
 */
static uint64_t div_hint(uint64_t b)
{
    switch (rnd() % 3) {
    case 0:
        return b;
    case 1:
        return 0;
    default:
        return rnd();
    }
}

static void gen_binop(TCGOpcode opc, TCGType ty, TCGArg r, TCGArg a,
                      TCGArg b, uint64_t hint)
{
    if (is_div(opc)) {
        tcg_gen_op4(opc, ty, r, a, b, (TCGArg)hint);
    } else {
        tcg_gen_op3(opc, ty, r, a, b);
    }
}

static void set_g(TCGType ty, int i, uint64_t v)
{
    if (ty == TCG_TYPE_I64) {
        cpu->r[i] = v;
    } else {
        cpu->w[i] = (uint32_t)v;
    }
}

static uint64_t get_g(TCGType ty, int i)
{
    return ty == TCG_TYPE_I64 ? cpu->r[i] : cpu->w[i];
}

static TCGv cst(TCGType ty, uint64_t v)
{
    return ty == TCG_TYPE_I64 ? tcg_constant_i64((int64_t)v)
                              : tcg_constant_i32((int32_t)v);
}

static TCGv tmp(TCGType ty)
{
    return ty == TCG_TYPE_I64 ? tcg_temp_new_i64() : tcg_temp_new_i32();
}

/* One binary op in several operand/register shapes. */
static void check_binop(TCGOpcode opc, TCGType ty, uint64_t a, uint64_t b,
                        int variant)
{
    TCGv *g = ty == TCG_TYPE_I64 ? g64 : g32;
    uint64_t mask = ty == TCG_TYPE_I32 ? 0xffffffffULL : ~0ULL;
    uint64_t expect, got, hint;
    int out = 2;
    TCGv t;

    if (variant == 5) {
        b = a;
    }
    b = fix_divisor(opc, ty, a, b);
    if (variant == 5 && b != a) {
        return;
    }
    expect = ref_op(opc, ty, a, b) & mask;
    hint = div_hint(b);
    set_g(ty, 0, a);
    set_g(ty, 1, b);
    set_g(ty, 2, 0x5555);
    tcg_func_start();
    tcg_gen_insn_start(0x1000);
    switch (variant) {
    case 0:
        gen_binop(opc, ty, temp_arg(g[2]), temp_arg(g[0]), temp_arg(g[1]),
                  hint);
        break;
    case 1:
        gen_binop(opc, ty, temp_arg(g[0]), temp_arg(g[0]), temp_arg(g[1]),
                  hint);
        out = 0;
        break;
    case 2:
        gen_binop(opc, ty, temp_arg(g[1]), temp_arg(g[0]), temp_arg(g[1]),
                  hint);
        out = 1;
        break;
    case 3:
        gen_binop(opc, ty, temp_arg(g[2]), temp_arg(g[0]),
                  temp_arg(cst(ty, b)), hint);
        break;
    case 4:
        /* Through EBB temps, with the inputs still live afterwards. */
        t = tmp(ty);
        gen_binop(opc, ty, temp_arg(t), temp_arg(g[0]), temp_arg(g[1]),
                  hint);
        tcg_gen_op3(INDEX_op_xor, ty, temp_arg(g[3]), temp_arg(g[0]),
                    temp_arg(g[1]));
        tcg_gen_op2(INDEX_op_mov, ty, temp_arg(g[2]), temp_arg(t));
        break;
    case 5:
        gen_binop(opc, ty, temp_arg(g[2]), temp_arg(g[0]), temp_arg(g[0]),
                  hint);
        break;
    case 6:
        gen_binop(opc, ty, temp_arg(g[2]), temp_arg(cst(ty, a)),
                  temp_arg(g[1]), hint);
        break;
    }
    tcg_gen_exit_tb(0);
    assert_int_equal(run_tb(), 0);
    got = get_g(ty, out) & mask;
    if (got != expect) {
        print_error("%s_%s variant %d: a=0x%llx b=0x%llx got 0x%llx "
                    "expected 0x%llx\n", tcg_op_defs[opc].name,
                    ty == TCG_TYPE_I32 ? "i32" : "i64", variant,
                    (unsigned long long)a, (unsigned long long)b,
                    (unsigned long long)got, (unsigned long long)expect);
        tcg_dump_ops(tcg_ctx, stderr);
        fail();
    }
    if (variant == 4) {
        assert_int_equal(get_g(ty, 3) & mask, (a ^ b) & mask);
    }
}

static const TCGOpcode binops[] = {
    INDEX_op_add, INDEX_op_sub, INDEX_op_mul, INDEX_op_muluh,
    INDEX_op_mulsh, INDEX_op_div, INDEX_op_divu, INDEX_op_rem,
    INDEX_op_remu, INDEX_op_and, INDEX_op_or, INDEX_op_xor, INDEX_op_andc,
    INDEX_op_orc, INDEX_op_eqv, INDEX_op_shl, INDEX_op_shr, INDEX_op_sar,
    INDEX_op_rotl, INDEX_op_rotr, INDEX_op_clz, INDEX_op_ctz,
};

static void test_binops(void **state)
{
    int t, o, v, k;

    for (t = 0; t < 2; t++) {
        for (o = 0; o < (int)ARRAY_SIZE(binops); o++) {
            for (v = 0; v < 7; v++) {
                for (k = 0; k < 40; k++) {
                    check_binop(binops[o], t ? TCG_TYPE_I64 : TCG_TYPE_I32,
                                rnd(), rnd(), v);
                }
            }
        }
    }
}

/* Divisors for the multiply paths: small, near powers of two, huge. */
static uint64_t some_divisor(unsigned i)
{
    static const uint64_t edge[] = {
        1, 2, 3, 5, 6, 7, 9, 10, 11, 25, 60, 100, 125, 641, 1000, 1000003,
        0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff,
        0x100000000ULL, 0x100000001ULL, 0x7fffffffffffffffULL,
        0x8000000000000000ULL, 0x8000000000000001ULL, ~1ULL, ~0ULL,
    };

    if (i < ARRAY_SIZE(edge)) {
        return edge[i];
    }
    switch (i % 4) {
    case 0:
        return (1ULL << (rnd() % 64)) + (rnd() & 1 ? 1 : -1);
    case 1:
        return (rnd() >> (rnd() % 64)) | 1;
    case 2:
        return rnd() % 100000 + 2;
    default:
        return rnd() | 2;
    }
}

/* tcg_[us]div_magic() against the C division, every divisor shape. */
static void test_div_magic(void **state)
{
    for (unsigned i = 0; i < 20000; i++) {
        uint64_t d = i < 5000 ? i + 2 : some_divisor(i - 5000);
        TCGUDivMagic mg;

        if (d == 0) {
            continue;
        }
        for (int neg = 0; neg < 2; neg++) {
            /* Unsigned arithmetic: the edges wrap instead of overflowing */
            uint64_t ud = neg ? -d : d;
            int64_t sd = (int64_t)ud;
            int64_t sn[] = { 0, 1, -1, (int64_t)(ud - 1), sd,
                             (int64_t)(ud + 1), (int64_t)-ud, INT64_MAX,
                             INT64_MIN, INT64_MIN + 1, (int64_t)rnd(),
                             (int64_t)rnd() >> 20, (int64_t)rnd() >> 40 };
            TCGSDivMagic smg;

            tcg_sdiv_magic(sd, &smg);
            for (unsigned k = 0; k < ARRAY_SIZE(sn); k++) {
                int64_t e = sd == -1 ? (int64_t)-(uint64_t)sn[k]
                                     : sn[k] / sd;

                if (tcg_sdiv_magic_apply(sn[k], &smg) != e) {
                    print_error("signed d=%lld n=%lld\n", (long long)sd,
                                (long long)sn[k]);
                    fail();
                }
            }
        }
        if (d < 2 || !(d & (d - 1))) {
            assert_false(tcg_udiv_magic(d, &mg));
            continue;
        }
        uint64_t ns[] = { 0, 1, d - 1, d, d + 1, ~0ULL, ~0ULL - 1,
                          (~0ULL / d) * d, (~0ULL / d) * d - 1, rnd(),
                          rnd() >> 20, rnd() >> 40 };

        assert_true(tcg_udiv_magic(d, &mg));
        for (unsigned k = 0; k < ARRAY_SIZE(ns); k++) {
            if (tcg_udiv_magic_apply(ns[k], &mg) != ns[k] / d) {
                print_error("d=0x%llx n=0x%llx\n", (unsigned long long)d,
                            (unsigned long long)ns[k]);
                fail();
            }
        }
    }
}

/*
 * Divisions with the divisor a constant or in a register whose hint is
 * right (the backend's multiply), or wrong (its fallback to div): one TB
 * per case, run on many dividends (never signed MIN / -1, which the ops
 * exclude).
 */
static void test_div_hint(void **state)
{
    static const TCGOpcode ops[] = { INDEX_op_divu, INDEX_op_remu,
                                     INDEX_op_div, INDEX_op_rem };

    for (unsigned i = 0; i < 400; i++) {
        uint64_t d = some_divisor(i);

        for (int t = 0; t < 2; t++) {
            TCGType ty = t ? TCG_TYPE_I64 : TCG_TYPE_I32;
            uint64_t mask = t ? ~0ULL : 0xffffffffULL;

            if (!(d & mask)) {
                continue;
            }
            for (unsigned o = 0; o < ARRAY_SIZE(ops); o++) {
                for (int v = 0; v < 3; v++) {
                    /* 0: register, right hint; 1: constant; 2: wrong */
                    uint64_t run_d = v == 2 ? (d & mask) + 1 : d;

                    if (!(run_d & mask)) {
                        continue;
                    }
                    tcg_func_start();
                    tcg_gen_insn_start(0x1000);
                    gen_binop(ops[o], ty, temp_arg((t ? g64 : g32)[2]),
                              temp_arg((t ? g64 : g32)[0]),
                              temp_arg(v == 1 ? cst(ty, d)
                                              : (t ? g64 : g32)[1]),
                              d);
                    tcg_gen_exit_tb(0);
                    assert_true(tcg_gen_code(tcg_ctx, tb_buf,
                                             code + CODE_SIZE) > 0);
                    for (int k = 0; k < 24; k++) {
                        uint64_t n = k < 4 ? (uint64_t[]){ 0, run_d - 1,
                                                           run_d, ~0ULL }[k]
                                           : rnd();
                        uint64_t expect, got;

                        if (fix_divisor(ops[o], ty, n, run_d) != run_d) {
                            continue;
                        }
                        expect = ref_op(ops[o], ty, n, run_d) & mask;
                        set_g(ty, 0, n);
                        set_g(ty, 1, run_d);
                        tcg_qemu_tb_exec(&cpu->parent, tb_buf);
                        got = get_g(ty, 2) & mask;
                        if (got != expect) {
                            print_error("%s_%s v%d d=0x%llx n=0x%llx: got "
                                        "0x%llx expected 0x%llx\n",
                                        tcg_op_defs[ops[o]].name,
                                        t ? "i64" : "i32", v,
                                        (unsigned long long)run_d,
                                        (unsigned long long)n,
                                        (unsigned long long)got,
                                        (unsigned long long)expect);
                            fail();
                        }
                    }
                }
            }
        }
    }
}

static void check_unop(TCGOpcode opc, TCGType ty, uint64_t a, int variant)
{
    TCGv *g = ty == TCG_TYPE_I64 ? g64 : g32;
    uint64_t mask = ty == TCG_TYPE_I32 ? 0xffffffffULL : ~0ULL;
    uint64_t expect = ref_op(opc, ty, a, 0) & mask;
    int out = variant == 1 ? 0 : 2;

    set_g(ty, 0, a);
    tcg_func_start();
    tcg_gen_insn_start(0x1000);
    if (variant == 2) {
        tcg_gen_op2(opc, ty, temp_arg(g[2]), temp_arg(cst(ty, a)));
    } else {
        tcg_gen_op2(opc, ty, temp_arg(g[out]), temp_arg(g[0]));
    }
    tcg_gen_exit_tb(0);
    run_tb();
    if ((get_g(ty, out) & mask) != expect) {
        print_error("%s_%s variant %d: a=0x%llx got 0x%llx exp 0x%llx\n",
                    tcg_op_defs[opc].name, ty == TCG_TYPE_I32 ? "i32" : "i64",
                    variant, (unsigned long long)a,
                    (unsigned long long)get_g(ty, out),
                    (unsigned long long)expect);
        fail();
    }
}

static void test_unops(void **state)
{
    static const TCGOpcode ops[] = {
        INDEX_op_neg, INDEX_op_not, INDEX_op_ctpop, INDEX_op_bswap16,
        INDEX_op_bswap32, INDEX_op_bswap64, INDEX_op_ext8s, INDEX_op_ext8u,
        INDEX_op_ext16s, INDEX_op_ext16u, INDEX_op_ext32s, INDEX_op_ext32u,
    };
    int t, o, v, k;

    for (t = 0; t < 2; t++) {
        for (o = 0; o < (int)ARRAY_SIZE(ops); o++) {
            TCGType ty = t ? TCG_TYPE_I64 : TCG_TYPE_I32;

            if (!t && (ops[o] == INDEX_op_ext32s ||
                       ops[o] == INDEX_op_ext32u ||
                       ops[o] == INDEX_op_bswap64)) {
                continue;
            }
            for (v = 0; v < 3; v++) {
                for (k = 0; k < 40; k++) {
                    check_unop(ops[o], ty, rnd(), v);
                }
            }
        }
    }
}

/* Fallback paths: bsr/bsf and the popcnt loop, as on older hosts. */
static void test_fallbacks(void **state)
{
    bool l = tcg_have_lzcnt, b = tcg_have_bmi1, p = tcg_have_popcnt;
    int t, k;

    tcg_have_lzcnt = tcg_have_bmi1 = tcg_have_popcnt = false;
    for (t = 0; t < 2; t++) {
        TCGType ty = t ? TCG_TYPE_I64 : TCG_TYPE_I32;

        for (k = 0; k < 60; k++) {
            check_binop(INDEX_op_clz, ty, rnd(), rnd(), k % 5);
            check_binop(INDEX_op_ctz, ty, rnd(), rnd(), k % 5);
            check_binop(INDEX_op_clz, ty, 0, rnd(), k % 5);
            check_binop(INDEX_op_ctz, ty, 0, rnd(), k % 5);
            check_unop(INDEX_op_ctpop, ty, rnd(), k % 2);
        }
    }
    tcg_have_lzcnt = l;
    tcg_have_bmi1 = b;
    tcg_have_popcnt = p;
}

static const TCGCond conds[] = {
    TCG_COND_NEVER, TCG_COND_ALWAYS, TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT,
    TCG_COND_GE, TCG_COND_LE, TCG_COND_GT, TCG_COND_LTU, TCG_COND_GEU,
    TCG_COND_LEU, TCG_COND_GTU, TCG_COND_TSTEQ, TCG_COND_TSTNE,
};

static void check_cond(TCGCond c, TCGType ty, uint64_t a, uint64_t b,
                       int variant)
{
    TCGv *g = ty == TCG_TYPE_I64 ? g64 : g32;
    uint64_t expect = tcg_cond_eval(c, ty, a, b);
    TCGv bv = variant & 1 ? cst(ty, b) : g[1];
    TCGLabel *l;

    set_g(ty, 0, a);
    set_g(ty, 1, b);
    set_g(ty, 3, 0x1111);
    set_g(ty, 4, 0x2222);
    tcg_func_start();
    tcg_gen_insn_start(0x1000);
    /* setcond -> g2, movcond -> g5, brcond -> g6 */
    tcg_gen_op4(INDEX_op_setcond, ty, temp_arg(g[2]), temp_arg(g[0]),
                temp_arg(bv), c);
    if (variant & 2) {
        tcg_gen_op6(INDEX_op_movcond, ty, temp_arg(g[5]), temp_arg(g[0]),
                    temp_arg(bv), temp_arg(g[3]), temp_arg(g[4]), c);
    } else {
        tcg_gen_op6(INDEX_op_movcond, ty, temp_arg(g[3]), temp_arg(g[0]),
                    temp_arg(bv), temp_arg(g[3]), temp_arg(g[4]), c);
        tcg_gen_op2(INDEX_op_mov, ty, temp_arg(g[5]), temp_arg(g[3]));
    }
    l = gen_new_label();
    tcg_gen_op2(INDEX_op_mov, ty, temp_arg(g[6]), temp_arg(cst(ty, 1)));
    l->referenced = true;
    tcg_gen_op4(INDEX_op_brcond, ty, temp_arg(g[0]), temp_arg(bv), c,
                (TCGArg)l);
    tcg_gen_op2(INDEX_op_mov, ty, temp_arg(g[6]), temp_arg(cst(ty, 0)));
    gen_set_label(l);
    tcg_gen_exit_tb(0);
    run_tb();
    assert_int_equal(get_g(ty, 2), expect);
    assert_int_equal(get_g(ty, 5), expect ? 0x1111 : 0x2222);
    assert_int_equal(get_g(ty, 6), expect);
}

static void test_conds(void **state)
{
    int t, c, k;

    for (t = 0; t < 2; t++) {
        for (c = 0; c < (int)ARRAY_SIZE(conds); c++) {
            for (k = 0; k < 80; k++) {
                uint64_t a = rnd(), b = k & 4 ? a : rnd();

                check_cond(conds[c], t ? TCG_TYPE_I64 : TCG_TYPE_I32, a, b,
                           k & 3);
            }
        }
    }
}

static void test_width_changes(void **state)
{
    int k;

    for (k = 0; k < 50; k++) {
        uint64_t a = rnd(), b = rnd();

        cpu->w[0] = (uint32_t)a;
        cpu->r[0] = b;
        tcg_func_start();
        tcg_gen_ext_i32_i64(g64[1], g32[0]);
        tcg_gen_extu_i32_i64(g64[2], g32[0]);
        tcg_gen_extrl_i64_i32(g32[1], g64[0]);
        tcg_gen_exit_tb(0);
        run_tb();
        assert_int_equal(cpu->r[1], (uint64_t)(int64_t)(int32_t)a);
        assert_int_equal(cpu->r[2], (uint32_t)a);
        assert_int_equal(cpu->w[1], (uint32_t)b);
    }
}

static void test_host_ldst(void **state)
{
    TCGv env = tcg_ctx->env;
    intptr_t d = offsetof(TestCPU, data);
    uint8_t pattern[16];
    int i;

    for (i = 0; i < 16; i++) {
        pattern[i] = (uint8_t)(0x81 + i * 0x11);
    }
    memcpy(cpu->data, pattern, 16);
    memset(cpu->data + 16, 0, 48);
    tcg_func_start();
    tcg_gen_ld8u_i64(g64[0], env, d);
    tcg_gen_ld8s_i64(g64[1], env, d);
    tcg_gen_ld16u_i64(g64[2], env, d + 2);
    tcg_gen_ld16s_i64(g64[3], env, d + 2);
    tcg_gen_ld32u_i64(g64[4], env, d + 4);
    tcg_gen_ld32s_i64(g64[5], env, d + 4);
    tcg_gen_ld_i64(g64[6], env, d + 8);
    tcg_gen_ld_i32(g32[0], env, d + 4);
    tcg_gen_ld8u_i32(g32[1], env, d + 1);
    tcg_gen_ld16u_i32(g32[2], env, d + 6);
    tcg_gen_st8_i64(g64[6], env, d + 16);
    tcg_gen_st16_i64(g64[6], env, d + 18);
    tcg_gen_st32_i64(g64[6], env, d + 20);
    tcg_gen_st_i64(g64[6], env, d + 24);
    tcg_gen_st_i32(g32[0], env, d + 32);
    tcg_gen_st8_i32(g32[1], env, d + 36);
    tcg_gen_st_i64(tcg_constant_i64(-2), env, d + 40);
    tcg_gen_st8_i64(tcg_constant_i64(0x5a), env, d + 48);
    tcg_gen_op3(INDEX_op_st16, TCG_TYPE_I64,
                temp_arg(tcg_constant_i64(0x1234)), temp_arg(env), d + 50);
    tcg_gen_exit_tb(0);
    run_tb();
    assert_int_equal(cpu->r[0], pattern[0]);
    assert_int_equal(cpu->r[1], (uint64_t)(int64_t)(int8_t)pattern[0]);
    assert_int_equal(cpu->r[2], ldn_le(pattern + 2, 2));
    assert_int_equal(cpu->r[3], (uint64_t)(int64_t)(int16_t)
                     ldn_le(pattern + 2, 2));
    assert_int_equal(cpu->r[4], ldn_le(pattern + 4, 4));
    assert_int_equal(cpu->r[5], (uint64_t)(int64_t)(int32_t)
                     ldn_le(pattern + 4, 4));
    assert_int_equal(cpu->r[6], ldn_le(pattern + 8, 8));
    assert_int_equal(cpu->w[0], ldn_le(pattern + 4, 4));
    assert_int_equal(cpu->w[1], pattern[1]);
    assert_int_equal(cpu->w[2], ldn_le(pattern + 6, 2));
    assert_int_equal(cpu->data[16], pattern[8]);
    assert_int_equal(ldn_le(cpu->data + 18, 2), ldn_le(pattern + 8, 2));
    assert_int_equal(ldn_le(cpu->data + 20, 4), ldn_le(pattern + 8, 4));
    assert_int_equal(ldn_le(cpu->data + 24, 8), ldn_le(pattern + 8, 8));
    assert_int_equal(ldn_le(cpu->data + 32, 4), ldn_le(pattern + 4, 4));
    assert_int_equal(cpu->data[36], pattern[1]);
    assert_int_equal(ldn_le(cpu->data + 40, 8), (uint64_t)-2);
    assert_int_equal(cpu->data[48], 0x5a);
    assert_int_equal(ldn_le(cpu->data + 50, 2), 0x1234);
}

/* Many values live at once: forces spills and reloads. */
static void test_pressure(void **state)
{
    enum { N = 24 };
    TCGv t[N], acc;
    uint64_t v[N], expect = 0;
    int i;

    for (i = 0; i < 8; i++) {
        cpu->r[i] = rnd();
    }
    tcg_func_start();
    for (i = 0; i < N; i++) {
        t[i] = tcg_temp_new_i64();
        tcg_gen_muli_i64(t[i], g64[i % 8], i + 3);
        tcg_gen_addi_i64(t[i], t[i], i * 1000);
        v[i] = cpu->r[i % 8] * (i + 3) + i * 1000;
    }
    acc = tcg_temp_new_i64();
    tcg_gen_movi_i64(acc, 0);
    for (i = 0; i < N; i++) {
        tcg_gen_xor_i64(acc, acc, t[i]);
        tcg_gen_rotli_i64(acc, acc, 7);
        expect = (expect ^ v[i]);
        expect = (expect << 7) | (expect >> 57);
    }
    for (i = 0; i < N; i++) {
        tcg_gen_sub_i64(acc, acc, t[N - 1 - i]);
        expect -= v[N - 1 - i];
    }
    tcg_gen_mov_i64(g64[7], acc);
    tcg_gen_exit_tb(0);
    run_tb();
    assert_int_equal(cpu->r[7], expect);
}

/* A loop with a TB temp and a backward branch: sum 1..n. */
static void test_loop(void **state)
{
    TCGv i = tcg_temp_local_new_i64(), sum;
    TCGLabel *top;

    tcg_func_start();
    i = tcg_temp_local_new_i64();
    sum = tcg_temp_local_new_i64();
    top = gen_new_label();
    tcg_gen_movi_i64(i, 0);
    tcg_gen_movi_i64(sum, 0);
    gen_set_label(top);
    tcg_gen_addi_i64(i, i, 1);
    tcg_gen_add_i64(sum, sum, i);
    tcg_gen_brcond_i64(TCG_COND_LTU, i, g64[0], top);
    tcg_gen_mov_i64(g64[1], sum);
    tcg_gen_exit_tb(0x77);
    cpu->r[0] = 1000;
    assert_int_equal(run_tb(), 0x77);
    assert_int_equal(cpu->r[1], 500500);
}

/* ---- helper calls ---- */
static int helper_calls;

static uint64_t helper_mix(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                           uint64_t e)
{
    helper_calls++;
    return a + 2 * b + 3 * c + 4 * d + 5 * e;
}

static void helper_poke(CPUState *c)
{
    TestCPU *t = (TestCPU *)c;

    helper_calls++;
    t->r[5] = t->r[4] + 1;      /* reads and writes globals */
}

static uint64_t helper_pure(uint64_t a)
{
    helper_calls++;
    return a * 3;
}

static DEF_HELPER(mix, TCG_CALL_NO_RWG, 5, true);
static DEF_HELPER(poke, 0, 1, false);
static DEF_HELPER(pure, TCG_CALL_NO_RWG_SE, 1, true);

static void test_calls(void **state)
{
    TCGv t = tcg_temp_new_i64(), u = tcg_temp_new_i64();

    cpu->r[0] = 10;
    cpu->r[1] = 20;
    cpu->r[2] = 30;
    cpu->r[4] = 100;
    helper_calls = 0;
    tcg_func_start();
    t = tcg_temp_new_i64();
    u = tcg_temp_new_i64();
    tcg_gen_addi_i64(t, g64[0], 1);             /* live across the call */
    tcg_gen_addi_i64(g64[4], g64[4], 1);        /* dirty global: synced */
    tcg_gen_call5(&helper_info_mix, u, g64[0], g64[1], g64[2], t,
                  tcg_constant_i64(7));
    tcg_gen_call1(&helper_info_poke, NULL, tcg_ctx->env);
    tcg_gen_add_i64(g64[6], g64[5], u);         /* g5 reloaded */
    tcg_gen_add_i64(g64[3], t, u);
    tcg_gen_call1(&helper_info_pure, tcg_temp_new_i64(), g64[0]); /* dead */
    tcg_gen_exit_tb(0);
    run_tb();
    assert_int_equal(helper_calls, 2);
    assert_int_equal(cpu->r[5], 102);
    assert_int_equal(cpu->r[6], 102 + 10 + 40 + 90 + 44 + 35);
    assert_int_equal(cpu->r[3], 11 + 10 + 40 + 90 + 44 + 35);
}

/* ---- guest FP inline with a helper fallback (INDEX_op_fpop) ---- */
static int fp_calls;
static uint64_t fp_args[5];

/* Stands for a guest helper: a value the fast path cannot produce. */
static uint64_t helper_fpslow(CPUState *c, uint64_t x, uint64_t y,
                              uint64_t z, uint64_t w)
{
    assert_ptr_equal(c, &cpu->parent);
    fp_calls++;
    fp_args[0] = x;
    fp_args[1] = y;
    fp_args[2] = z;
    fp_args[3] = w;
    return 0x5157000000000000ull ^ x ^ (y << 1) ^ (z << 2) ^ (w << 3);
}
static DEF_HELPER(fpslow, TCG_CALL_NO_RWG, 5, true);

static uint64_t fp_bits64(double d)
{
    uint64_t v;

    memcpy(&v, &d, 8);
    return v;
}

static double fp_dbl(uint64_t v)
{
    double d;

    memcpy(&d, &v, 8);
    return d;
}

static uint32_t fp_bits32(float f)
{
    uint32_t v;

    memcpy(&v, &f, 4);
    return v;
}

static float fp_flt(uint32_t v)
{
    float f;

    memcpy(&f, &v, 4);
    return f;
}

/* Operands: normals, tiny, huge, zeros, Inf, NaN, a near-min normal. */
static uint64_t fp_rnd64(void)
{
    static const uint64_t edge[] = {
        0, 0x8000000000000000ull, 0x3ff0000000000000ull,
        0x0010000000000000ull, 0x0010000100000000ull, 0x000fffffffffffffull,
        0x7fefffffffffffffull, 0x7ff0000000000000ull, 0x7ff8000000000001ull,
        0xbfe0000000000001ull, 0x3ff0000000000001ull, 0x4340000000000000ull,
    };
    uint64_t x = rnd();

    if ((x & 3) == 0) {
        return edge[(x >> 8) % ARRAY_SIZE(edge)];
    }
    /* random sign and mantissa, exponent around 1.0 */
    return (x & 0x800fffffffffffffull) | ((0x3f0ull + (x >> 53 & 31)) << 52);
}

static uint32_t fp_rnd32(void)
{
    static const uint32_t edge[] = {
        0, 0x80000000, 0x3f800000, 0x00800000, 0x00800001, 0x007fffff,
        0x7f7fffff, 0x7f800000, 0x7fc00001, 0xbf000001, 0x3f800001,
    };
    uint64_t x = rnd();

    if ((x & 3) == 0) {
        return edge[(x >> 8) % ARRAY_SIZE(edge)];
    }
    return (uint32_t)((x & 0x807fffff) | ((0x70u + (x >> 40 & 31)) << 23));
}

/* The result check of TCGFPOpInfo, stated on the value. */
static bool fp_keeps(int check, bool is64, uint64_t r)
{
    if (is64) {
        uint64_t hi = (r >> 32) & 0x7fffffff;

        return check == TCG_FPCHK_NONE ||
               (check == TCG_FPCHK_FINITE ? hi < 0x7ff00000
                                          : hi >= 0x00100001 &&
                                            hi < 0x7ff00000);
    }
    r &= 0x7fffffff;
    return check == TCG_FPCHK_NONE ||
           (check == TCG_FPCHK_FINITE ? r < 0x7f800000
                                      : r > 0x00800000 && r < 0x7f800000);
}

static void test_fpop(void **state)
{
    static const uint8_t ops[] = { TCG_FP_ADD, TCG_FP_SUB, TCG_FP_MUL,
                                   TCG_FP_DIV, TCG_FP_SQRT, TCG_FP_FMA,
                                   TCG_FP_CVT_I64, TCG_FP_CVT_I32,
                                   TCG_FP_CVT_U32 };
    static const uint8_t checks[] = { TCG_FPCHK_FINITE, TCG_FPCHK_FINITE,
                                      TCG_FPCHK_NORMAL, TCG_FPCHK_NORMAL,
                                      TCG_FPCHK_FINITE, TCG_FPCHK_NORMAL,
                                      TCG_FPCHK_NONE, TCG_FPCHK_NONE,
                                      TCG_FPCHK_NONE };
    int iter, k, nfast = 0, nslow = 0;

    for (iter = 0; iter < 3000; iter++) {
        int oi = iter % ARRAY_SIZE(ops);
        uint8_t op = ops[oi];
        bool is64 = (iter / ARRAY_SIZE(ops)) & 1;
        bool cvt = op >= TCG_FP_CVT_I64, box = !is64 && !cvt && (iter & 4);
        TCGFPOpInfo fi = {
            .op = op, .is64 = is64, .check = checks[oi], .nanbox = box,
            .neg_a = op == TCG_FP_FMA && (iter & 8),
            .neg_c = op == TCG_FP_FMA && (iter & 16),
            .nb_in = op == TCG_FP_FMA ? 3 : 2, .has_imm = true,
            .imm_first = iter & 32,
            .set_off = offsetof(TestCPU, data[0]), .set_mask = 0x10,
            .clr_off = offsetof(TestCPU, data[8]), .clr_mask = 0x6,
            .helper = &helper_info_fpslow,
        };
        uint64_t in[3], expect, keep[6];
        bool guard_ok, fast;
        TCGv t, live[6];

        for (k = 0; k < 3; k++) {
            in[k] = cvt ? rnd() : is64 ? fp_rnd64() : fp_rnd32();
            if (box) {
                /* one unboxed operand in eight */
                in[k] |= (rnd() & 7) ? 0xffffffff00000000ull : 0;
            }
            cpu->r[k] = in[k];
        }
        memset(cpu->data, 0, 16);
        cpu->data[0] = (iter % 7) ? 0x10 : 0x01;
        cpu->data[8] = (iter % 11) ? 0x01 : 0x04;
        guard_ok = cpu->data[0] == 0x10 && cpu->data[8] == 0x01;
        for (k = 0; box && k < 3; k++) {
            if (k < (op == TCG_FP_FMA ? 3 : op == TCG_FP_SQRT ? 1 : 2) &&
                (in[k] >> 32) != 0xffffffff) {
                guard_ok = false;
            }
        }
        /* the host's result, as the fast path must give it */
        if (cvt) {
            int64_t v = op == TCG_FP_CVT_I64 ? (int64_t)in[0]
                      : op == TCG_FP_CVT_I32 ? (int64_t)(int32_t)in[0]
                                             : (int64_t)(uint32_t)in[0];
            expect = is64 ? fp_bits64((double)v) : fp_bits32((float)v);
        } else if (is64) {
            double a = fp_dbl(in[0]), b = fp_dbl(in[1]), c = fp_dbl(in[2]);

            a = fi.neg_a ? -a : a;
            c = fi.neg_c ? -c : c;
            expect = fp_bits64(op == TCG_FP_ADD ? a + b :
                               op == TCG_FP_SUB ? a - b :
                               op == TCG_FP_MUL ? a * b :
                               op == TCG_FP_DIV ? a / b :
                               op == TCG_FP_SQRT ? sqrt(a) : fma(a, b, c));
        } else {
            float a = fp_flt((uint32_t)in[0]), b = fp_flt((uint32_t)in[1]);
            float c = fp_flt((uint32_t)in[2]);

            a = fi.neg_a ? -a : a;
            c = fi.neg_c ? -c : c;
            expect = fp_bits32(op == TCG_FP_ADD ? a + b :
                               op == TCG_FP_SUB ? a - b :
                               op == TCG_FP_MUL ? a * b :
                               op == TCG_FP_DIV ? a / b :
                               op == TCG_FP_SQRT ? sqrtf(a) :
                                                   fmaf(a, b, c));
        }
        if (op == TCG_FP_FMA && !tcg_have_fma) {
            continue;
        }
        fast = guard_ok && fp_keeps(fi.check, is64, expect);
        if (box) {
            expect |= 0xffffffff00000000ull;
        }

        /* values live across the op in many registers must survive */
        tcg_func_start();
        for (k = 0; k < 6; k++) {
            live[k] = tcg_temp_new_i64();
            tcg_gen_addi_i64(live[k], g64[k % 3], k * 77 + 1);
            keep[k] = in[k % 3] + k * 77 + 1;
        }
        t = tcg_temp_new_i64();
        tcg_gen_fpop(t, g64[0], g64[1], g64[2], &fi, 0x1234 + iter);
        tcg_gen_mov_i64(g64[3], t);
        tcg_gen_xor_i64(g64[4], live[0], live[1]);
        for (k = 2; k < 6; k++) {
            tcg_gen_xor_i64(g64[4], g64[4], live[k]);
        }
        tcg_gen_exit_tb(0);
        fp_calls = 0;
        run_tb();
        assert_int_equal(cpu->r[4], keep[0] ^ keep[1] ^ keep[2] ^ keep[3] ^
                                    keep[4] ^ keep[5]);
        if (fast) {
            assert_int_equal(fp_calls, 0);
            assert_int_equal(cpu->r[3], expect);
            nfast++;
            continue;
        }
        /* the helper: env, then imm and the inputs in the described order */
        assert_int_equal(fp_calls, 1);
        nslow++;
        {
            uint64_t imm = 0x1234 + iter, w[4] = { 0, 0, 0, 0 };
            int n = 0;

            if (fi.imm_first) {
                w[n++] = imm;
            }
            for (k = 0; k < fi.nb_in; k++) {
                w[n++] = in[k];
            }
            if (!fi.imm_first) {
                w[n++] = imm;
            }
            for (k = 0; k < n; k++) {
                assert_int_equal(fp_args[k], w[k]);
            }
            assert_int_equal(cpu->r[3], 0x5157000000000000ull ^ fp_args[0] ^
                             (fp_args[1] << 1) ^ (fp_args[2] << 2) ^
                             (fp_args[3] << 3));
        }
    }
    /* both paths ran many times */
    assert_true(nfast > 1000);
    assert_true(nslow > 500);
}

/* ---- guest memory through the TLB ---- */
static uint8_t guest_page[4096] __attribute__((aligned(4096)));

static void fill_tlb(vaddr page, int mmu_idx)
{
    CPUTLBEntry *e =
        &cpu->parent.tlb.table[mmu_idx][(page >> 12) & (CPU_TLB_SIZE - 1)];

    e->addr_read = page;
    e->addr_write = page;
    e->addr_code = page;
    e->addend = (uintptr_t)guest_page - page;
}

static void test_qemu_ldst(void **state)
{
    static const MemOp mops[] = { MO_UB, MO_SB, MO_UW, MO_SW, MO_UL,
                                  MO_SL, MO_UQ };
    const vaddr page = 0x80042000;
    int m, t, k;

    memset(&cpu->parent.tlb, 0xff, sizeof(cpu->parent.tlb));
    fill_tlb(page, 1);
    for (k = 0; k < 4096; k++) {
        guest_page[k] = (uint8_t)(k * 7 + 0x85);
    }
    for (t = 0; t < 2; t++) {
        TCGType ty = t ? TCG_TYPE_I64 : TCG_TYPE_I32;
        TCGv *g = t ? g64 : g32;
        uint64_t mask = t ? ~0ULL : 0xffffffffULL;

        for (m = 0; m < (int)ARRAY_SIZE(mops); m++) {
            MemOp mop = mops[m];
            unsigned size = 1u << (mop & MO_SIZE);

            if (!t && mop == MO_UQ) {
                continue;
            }
            for (k = 0; k < 20; k++) {
                uint64_t off = (rnd() % (4096 / size)) * size;
                uint64_t raw = ldn_le(guest_page + off, size), expect;
                uint64_t sval = rnd();

                expect = raw;
                if (mop & MO_SIGN) {
                    expect = (uint64_t)sextract64(raw, 0, size * 8);
                }
                cpu->r[0] = page + off;
                set_g(ty, 1, sval);
                ld_calls = st_calls = 0;
                tcg_func_start();
                tcg_gen_insn_start(page + off);
                tcg_gen_op3(INDEX_op_qemu_ld, ty, temp_arg(g[2]),
                            temp_arg(g64[0]), make_memop_idx(mop, 1));
                tcg_gen_op3(INDEX_op_qemu_st, ty, temp_arg(g[1]),
                            temp_arg(g64[0]), make_memop_idx(mop, 1));
                tcg_gen_exit_tb(0);
                run_tb();
                assert_int_equal(ld_calls + st_calls, 0);
                assert_int_equal(get_g(ty, 2), expect & mask);
                assert_int_equal(ldn_le(guest_page + off, size),
                                 sval & (~0ULL >> (64 - size * 8)));
            }
        }
    }
}

static void test_qemu_ldst_miss(void **state)
{
    const vaddr page = 0x80042000;
    uintptr_t ra;
    int n;

    memset(&cpu->parent.tlb, 0xff, sizeof(cpu->parent.tlb));
    fill_tlb(page, 1);
    /* Misaligned: must miss even though the page is mapped. */
    cpu->r[0] = page + 0x11;
    cpu->r[1] = 0xabcdef;
    cpu->r[3] = 5;
    ld_calls = st_calls = 0;
    ld_ret = 0x8081;
    tcg_func_start();
    tcg_gen_insn_start(0x100);
    tcg_gen_addi_i64(g64[3], g64[3], 1);        /* dirty: must be synced */
    tcg_gen_insn_start(0x104);
    tcg_gen_qemu_ld_i64(g64[2], g64[0], 1, MO_SW);
    tcg_gen_insn_start(0x108);
    tcg_gen_qemu_st_i64(g64[1], g64[0], 1, MO_UL);
    tcg_gen_exit_tb(0);
    n = tcg_gen_code(tcg_ctx, tb_buf, code + CODE_SIZE);
    assert_true(n > 0);
    assert_int_equal(tcg_ctx->nb_insns, 3);
    assert_int_equal(tcg_ctx->insn_data[1], 0x104);
    tcg_qemu_tb_exec(&cpu->parent, tb_buf);
    assert_int_equal(ld_calls, 1);
    assert_int_equal(st_calls, 1);
    assert_int_equal(cpu->r[2], (uint64_t)(int64_t)(int16_t)0x8081);
    assert_int_equal(last_addr, page + 0x11);
    assert_int_equal(last_val & 0xffffffff, 0xabcdef);
    assert_int_equal(get_memop(last_oi), MO_UL);
    assert_int_equal(get_mmuidx(last_oi), 1);
    assert_int_equal(cpu->r[3], 6);
    /* The store's return address lies inside insn 2's host code. */
    ra = last_ra - (uintptr_t)tb_buf;
    assert_true(ra > tcg_ctx->insn_end_off[1]);
    assert_true(ra <= tcg_ctx->insn_end_off[2]);

    /* Flagged entry (MMIO) takes the slow path too. */
    cpu->parent.tlb.table[1][(page >> 12) & (CPU_TLB_SIZE - 1)].addr_read |= TLB_MMIO;
    cpu->r[0] = page + 8;
    ld_calls = 0;
    ld_ret = 0xfedcba9876543210ULL;
    tcg_func_start();
    tcg_gen_qemu_ld_i64(g64[2], g64[0], 1, MO_UQ);
    tcg_gen_exit_tb(0);
    run_tb();
    assert_int_equal(ld_calls, 1);
    assert_int_equal(cpu->r[2], ld_ret);
}

static void test_goto_tb(void **state)
{
    TranslationBlock tb1, tb2;
    uint8_t *buf2;
    int n;

    memset(&tb1, 0, sizeof(tb1));
    memset(&tb2, 0, sizeof(tb2));
    tcg_func_start();
    tcg_gen_addi_i64(g64[0], g64[0], 1);
    tcg_gen_goto_tb(0);
    tcg_gen_exit_tb(0x1000 | 0);
    n = tcg_gen_code(tcg_ctx, tb_buf, code + CODE_SIZE);
    assert_true(n > 0);
    tb1.tc_ptr = tb_buf;
    tb1.jmp_insn_off[0] = tcg_ctx->goto_tb_off[0];
    tb1.jmp_reset_off[0] = tcg_ctx->goto_tb_reset[0];
    assert_int_equal((uintptr_t)(tb_buf + tb1.jmp_insn_off[0] + 1) & 3, 0);
    assert_int_equal(tb1.jmp_reset_off[0], tb1.jmp_insn_off[0] + 5);

    buf2 = tb_buf + ROUND_UP(n, 64);
    tcg_func_start();
    tcg_gen_addi_i64(g64[0], g64[0], 100);
    tcg_gen_exit_tb(0x2000);
    assert_true(tcg_gen_code(tcg_ctx, buf2, code + CODE_SIZE) > 0);

    cpu->r[0] = 0;
    assert_int_equal(tcg_qemu_tb_exec(&cpu->parent, tb_buf), 0x1000);
    assert_int_equal(cpu->r[0], 1);
    tb_target_set_jmp_target(&tb1, 0, (uintptr_t)buf2);
    assert_int_equal(tcg_qemu_tb_exec(&cpu->parent, tb_buf), 0x2000);
    assert_int_equal(cpu->r[0], 102);
    /* Unchain: back to the reset address. */
    tb_target_set_jmp_target(&tb1, 0,
                             (uintptr_t)tb_buf + tb1.jmp_reset_off[0]);
    assert_int_equal(tcg_qemu_tb_exec(&cpu->parent, tb_buf), 0x1000);

    /* goto_ptr to buf2, and exit_tb 0 through the epilogue. */
    cpu->r[1] = (uintptr_t)buf2;
    tcg_func_start();
    tcg_gen_goto_ptr(g64[1]);
    assert_true(tcg_gen_code(tcg_ctx, buf2 + 4096, code + CODE_SIZE) > 0);
    assert_int_equal(tcg_qemu_tb_exec(&cpu->parent, buf2 + 4096), 0x2000);
    cpu->r[1] = (uintptr_t)tcg_code_gen_epilogue;
    assert_int_equal(tcg_qemu_tb_exec(&cpu->parent, buf2 + 4096), 0);
}

static void test_overflow(void **state)
{
    uint8_t *end = tb_buf + 600;
    int i;

    memset(tb_buf, 0xcc, 1024);
    tcg_func_start();
    for (i = 0; i < 200; i++) {
        tcg_gen_addi_i64(g64[i % 8], g64[(i + 1) % 8], i);
    }
    tcg_gen_exit_tb(0);
    assert_int_equal(tcg_gen_code(tcg_ctx, tb_buf, end), -1);
    for (i = 600; i < 1024; i++) {
        assert_int_equal(tb_buf[i], 0xcc);
    }
}

/*
 * Random programs: the generator knows every value, so it keeps a C
 * reference state while it emits IR (skipped blocks are emitted but not
 * applied), then compares all globals after running the compiled code.
 */
enum { NG = 8, NW = 4, NL = 4, NE = 4 };

typedef struct RandState {
    uint64_t g[NG], l[NL], e[NE];
    uint32_t w[NW];
    bool e_ok[NE], l_ok[NL];
    bool skipping;
} RandState;

static TCGv rl[NL], re[NE];

static uint64_t helper_rmix(uint64_t a, uint64_t b)
{
    return (a * 31) ^ (b >> 3);
}

static void helper_rpoke(CPUState *c, uint64_t v)
{
    TestCPU *t = (TestCPU *)c;

    t->r[7] = t->r[6] + v;
}

static DEF_HELPER(rmix, TCG_CALL_NO_RWG_SE, 2, true);
static DEF_HELPER(rpoke, 0, 2, false);

/* Pick a readable I64 operand: global, valid local/ebb or constant. */
static TCGv pick_src(RandState *st, uint64_t *val)
{
    for (;;) {
        unsigned k = rnd() % 10;
        unsigned i;

        if (k < 4) {
            i = rnd() % NG;
            *val = st->g[i];
            return g64[i];
        }
        if (k < 6) {
            i = rnd() % NL;
            if (st->l_ok[i]) {
                *val = st->l[i];
                return rl[i];
            }
        } else if (k < 8) {
            i = rnd() % NE;
            if (st->e_ok[i]) {
                *val = st->e[i];
                return re[i];
            }
        } else {
            *val = rnd();
            return tcg_constant_i64((int64_t)*val);
        }
    }
}

static TCGv pick_dst(RandState *st, uint64_t **slot, bool **ok)
{
    unsigned k = rnd() % 3, i;

    *ok = NULL;
    if (k == 0) {
        i = rnd() % NG;
        *slot = &st->g[i];
        return g64[i];
    }
    if (k == 1) {
        i = rnd() % NL;
        *slot = &st->l[i];
        *ok = &st->l_ok[i];
        return rl[i];
    }
    i = rnd() % NE;
    *slot = &st->e[i];
    *ok = &st->e_ok[i];
    return re[i];
}

static void set_dst(RandState *st, uint64_t *slot, bool *ok, uint64_t v)
{
    if (!st->skipping) {
        *slot = v;
        if (ok) {
            *ok = true;
        }
    }
}

static void invalidate_ebb(RandState *st)
{
    int i;

    for (i = 0; i < NE; i++) {
        st->e_ok[i] = false;
    }
}

static void gen_random_op(RandState *st)
{
    uint64_t a, b, *slot;
    bool *ok;
    TCGv ta, tb, td;
    unsigned k = rnd() % 16;

    ta = pick_src(st, &a);
    tb = pick_src(st, &b);
    td = pick_dst(st, &slot, &ok);
    switch (k) {
    case 0: case 1: case 2: case 3: case 4: {
        TCGOpcode opc = binops[rnd() % ARRAY_SIZE(binops)];

        if (is_div(opc)) {
            /* Only execute safe divisions; a skipped one never runs. */
            if (fix_divisor(opc, TCG_TYPE_I64, a, b) != b) {
                return;
            }
        }
        gen_binop(opc, TCG_TYPE_I64, temp_arg(td), temp_arg(ta),
                  temp_arg(tb), div_hint(b));
        set_dst(st, slot, ok, ref_op(opc, TCG_TYPE_I64, a, b));
        break;
    }
    case 5: {
        static const TCGOpcode un[] = {
            INDEX_op_neg, INDEX_op_not, INDEX_op_ctpop, INDEX_op_bswap16,
            INDEX_op_bswap32, INDEX_op_bswap64, INDEX_op_ext8s,
            INDEX_op_ext8u, INDEX_op_ext16s, INDEX_op_ext16u,
            INDEX_op_ext32s, INDEX_op_ext32u,
        };
        TCGOpcode opc = un[rnd() % ARRAY_SIZE(un)];

        tcg_gen_op2(opc, TCG_TYPE_I64, temp_arg(td), temp_arg(ta));
        set_dst(st, slot, ok, ref_op(opc, TCG_TYPE_I64, a, 0));
        break;
    }
    case 6: {
        TCGCond c = conds[rnd() % ARRAY_SIZE(conds)];

        tcg_gen_setcond_i64(c, td, ta, tb);
        set_dst(st, slot, ok, tcg_cond_eval(c, TCG_TYPE_I64, a, b));
        break;
    }
    case 7: {
        TCGCond c = conds[rnd() % ARRAY_SIZE(conds)];
        uint64_t v1, v2;
        TCGv t1 = pick_src(st, &v1), t2 = pick_src(st, &v2);

        tcg_gen_movcond_i64(c, td, ta, tb, t1, t2);
        set_dst(st, slot, ok, tcg_cond_eval(c, TCG_TYPE_I64, a, b) ? v1 : v2);
        break;
    }
    case 8: {
        /* I32 work on the w globals, then widen into a 64-bit temp. */
        unsigned i = rnd() % NW, j = rnd() % NW;
        TCGOpcode opc = binops[rnd() % ARRAY_SIZE(binops)];
        uint64_t r;

        if (is_div(opc)) {
            opc = INDEX_op_add;
        }
        tcg_gen_op3(opc, TCG_TYPE_I32, temp_arg(g32[i]), temp_arg(g32[j]),
                    temp_arg(g32[(i + 1) % NW]));
        r = ref_op(opc, TCG_TYPE_I32, st->w[j], st->w[(i + 1) % NW]);
        if (rnd() & 1) {
            /* Narrow ta into w[j] (ta is read before td is written). */
            tcg_gen_extrl_i64_i32(g32[j], ta);
            if (j == i) {
                r = (uint32_t)a;
            }
            if (!st->skipping) {
                st->w[j] = (uint32_t)a;
            }
        }
        if (!st->skipping) {
            st->w[i] = (uint32_t)r;
        }
        tcg_gen_ext_i32_i64(td, g32[i]);
        set_dst(st, slot, ok, (uint64_t)(int64_t)(int32_t)r);
        break;
    }
    case 9: {
        /* Host memory round trip through the env data area. */
        unsigned off = (rnd() % 7) * 8;

        tcg_gen_st_i64(ta, tcg_ctx->env, offsetof(TestCPU, data) + off);
        tcg_gen_ld32s_i64(td, tcg_ctx->env,
                          offsetof(TestCPU, data) + off + 4);
        set_dst(st, slot, ok, (uint64_t)(int64_t)(int32_t)(a >> 32));
        break;
    }
    case 10: {
        /* Guest memory: store then load back through the TLB. */
        uint64_t off = (rnd() % 512) * 8;
        TCGv addr = tcg_constant_i64((int64_t)(0x80042000 + off));

        tcg_gen_qemu_st_i64(ta, addr, 1, MO_UQ);
        tcg_gen_qemu_ld_i64(td, addr, 1, MO_SW);
        set_dst(st, slot, ok, (uint64_t)(int64_t)(int16_t)a);
        break;
    }
    case 11:
        tcg_gen_call2(&helper_info_rmix, td, ta, tb);
        set_dst(st, slot, ok, helper_rmix(a, b));
        break;
    case 12:
        tcg_gen_call2(&helper_info_rpoke, NULL, tcg_ctx->env, ta);
        if (!st->skipping) {
            st->g[7] = st->g[6] + a;
        }
        break;
    case 13: case 14: {
        /* Forward branch over a few ops. */
        TCGCond c = conds[rnd() % ARRAY_SIZE(conds)];
        TCGLabel *l = gen_new_label();
        bool was = st->skipping;
        int n = 1 + rnd() % 4, i;

        tcg_gen_brcond_i64(c, ta, tb, l);
        invalidate_ebb(st);
        if (!was && tcg_cond_eval(c, TCG_TYPE_I64, a, b)) {
            st->skipping = true;
        }
        for (i = 0; i < n; i++) {
            gen_random_op(st);
        }
        st->skipping = was;
        gen_set_label(l);
        invalidate_ebb(st);
        break;
    }
    default:
        tcg_gen_mov_i64(td, ta);
        set_dst(st, slot, ok, a);
        break;
    }
}

static void test_random_programs(void **state)
{
    RandState st;
    int p, i;

    memset(&cpu->parent.tlb, 0xff, sizeof(cpu->parent.tlb));
    fill_tlb(0x80042000, 1);
    for (p = 0; p < 400; p++) {
        memset(&st, 0, sizeof(st));
        for (i = 0; i < NG; i++) {
            st.g[i] = cpu->r[i] = rnd();
        }
        for (i = 0; i < NW; i++) {
            st.w[i] = cpu->w[i] = (uint32_t)rnd();
        }
        tcg_func_start();
        for (i = 0; i < NL; i++) {
            rl[i] = tcg_temp_local_new_i64();
        }
        for (i = 0; i < NE; i++) {
            re[i] = tcg_temp_new_i64();
        }
        for (i = 0; i < 40; i++) {
            tcg_gen_insn_start(i * 4);
            gen_random_op(&st);
        }
        tcg_gen_exit_tb(0);
        run_tb();
        for (i = 0; i < NG; i++) {
            if (cpu->r[i] != st.g[i]) {
                print_error("program %d: r%d = 0x%llx, expected 0x%llx\n",
                            p, i, (unsigned long long)cpu->r[i],
                            (unsigned long long)st.g[i]);
                fail();
            }
        }
        for (i = 0; i < NW; i++) {
            assert_int_equal(cpu->w[i], st.w[i]);
        }
    }
}

/* `info jit` counters follow what tcg_gen_code() produced. */
static void test_stats(void **state)
{
    TCGStats before = tcg_ctx->stats;
    char *text = NULL, line[64];
    size_t len = 0;
    FILE *f;
    int n;

    tcg_func_start();
    tcg_gen_insn_start(0x1000);
    tcg_gen_addi_i64(g64[1], g64[0], 1);
    tcg_gen_insn_start(0x1004);
    tcg_gen_addi_i64(g64[2], g64[1], 2);
    tcg_gen_exit_tb(0x55);
    n = tcg_gen_code(tcg_ctx, tb_buf, code + CODE_SIZE);
    assert_true(n > 0);
    cpu->r[0] = 40;
    assert_int_equal(tcg_qemu_tb_exec(&cpu->parent, tb_buf), 0x55);
    assert_int_equal(cpu->r[2], 43);
    assert_int_equal(tcg_ctx->stats.tbs, before.tbs + 1);
    assert_int_equal(tcg_ctx->stats.guest_insns, before.guest_insns + 2);
    assert_int_equal(tcg_ctx->stats.code_bytes, before.code_bytes + n);
    assert_int_equal(tcg_ctx->stats.ops, before.ops + 5);
    assert_true(tcg_ctx->stats.cycles > before.cycles);

    f = open_memstream(&text, &len);
    assert_non_null(f);
    tcg_dump_stats(f);
    fclose(f);
    snprintf(line, sizeof(line), "Translation blocks generated: %llu\n",
             (unsigned long long)tcg_ctx->stats.tbs);
    assert_non_null(strstr(text, line));
    assert_non_null(strstr(text, "Translation cycles median:"));
    free(text);

    /* An exit value near the code (a TB pointer) is built rip-relative. */
    tcg_func_start();
    tcg_gen_exit_tb((uintptr_t)tb_buf - 64 + 3);
    n = tcg_gen_code(tcg_ctx, tb_buf, code + CODE_SIZE);
    assert_true(n > 0 && n < 10 + 5);      /* lea (7) + jmp, no movabs */
    assert_int_equal(tcg_qemu_tb_exec(&cpu->parent, tb_buf),
                     (uintptr_t)tb_buf - 64 + 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binops),
        cmocka_unit_test(test_div_magic),
        cmocka_unit_test(test_div_hint),
        cmocka_unit_test(test_unops),
        cmocka_unit_test(test_fallbacks),
        cmocka_unit_test(test_conds),
        cmocka_unit_test(test_width_changes),
        cmocka_unit_test(test_host_ldst),
        cmocka_unit_test(test_pressure),
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_calls),
        cmocka_unit_test(test_fpop),
        cmocka_unit_test(test_qemu_ldst),
        cmocka_unit_test(test_qemu_ldst_miss),
        cmocka_unit_test(test_goto_tb),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_random_programs),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
