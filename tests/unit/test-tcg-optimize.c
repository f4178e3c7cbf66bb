/* SPDX-License-Identifier: MIT */
/* Optimizer and liveness unit tests on hand-built IR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "machina/exec.h"
#include "../../tcg/tcg-internal.h"

/* The backend references the engine's slow-path helpers; not run here. */
uint64_t helper_ld_mmu(CPUState *c, uint64_t addr, uint32_t oi,
                       uintptr_t retaddr)
{
    return 0;
}

void helper_st_mmu(CPUState *c, uint64_t addr, uint64_t val, uint32_t oi,
                   uintptr_t retaddr)
{
}

static uint64_t helper_h(uint64_t a)
{
    return a;
}

static DEF_HELPER(h, 0, 1, true);
static const TCGHelperInfo helper_info_h_pure = {
    .func = (void *)helper_h, .name = "h_pure",
    .flags = TCG_CALL_NO_RWG_SE, .nargs = 1, .has_ret = true,
};

static TCGv g[4], w[2];

static int setup(void **state)
{
    tcg_context_init();
    g[0] = tcg_global_mem_new_i64(0x100, "g0");
    g[1] = tcg_global_mem_new_i64(0x108, "g1");
    g[2] = tcg_global_mem_new_i64(0x110, "g2");
    g[3] = tcg_global_mem_new_i64(0x118, "g3");
    w[0] = tcg_global_mem_new_i32(0x120, "w0");
    w[1] = tcg_global_mem_new_i32(0x124, "w1");
    return 0;
}

static TCGOp *nth(int n)
{
    TCGOp *op = tcg_ctx->first_op;

    while (op && n--) {
        op = op->next;
    }
    return op;
}

static int count_ops(void)
{
    int n = 0;
    TCGOp *op;

    for (op = tcg_ctx->first_op; op; op = op->next) {
        n++;
    }
    return n;
}

/* Op n is "mov dst, $val". */
static void assert_movi(int n, TCGv dst, int64_t val)
{
    TCGOp *op = nth(n);
    TCGTemp *src;

    assert_non_null(op);
    assert_int_equal(op->opc, INDEX_op_mov);
    assert_ptr_equal(arg_temp(op->args[0]), dst);
    src = arg_temp(op->args[1]);
    assert_int_equal(src->kind, TEMP_CONST);
    assert_int_equal(src->val, val);
}

static void assert_mov(int n, TCGv dst, TCGv src)
{
    TCGOp *op = nth(n);

    assert_non_null(op);
    assert_int_equal(op->opc, INDEX_op_mov);
    assert_ptr_equal(arg_temp(op->args[0]), dst);
    assert_ptr_equal(arg_temp(op->args[1]), src);
}

static void test_fold(void **state)
{
    tcg_func_start();
    tcg_gen_add_i64(g[0], tcg_constant_i64(40), tcg_constant_i64(2));
    tcg_gen_add_i32(w[0], tcg_constant_i32(0x7fffffff), tcg_constant_i32(1));
    tcg_gen_shr_i32(w[1], tcg_constant_i32(-1), tcg_constant_i32(4));
    tcg_gen_sar_i64(g[1], tcg_constant_i64(INT64_MIN), tcg_constant_i64(67));
    tcg_gen_mulsh_i64(g[2], tcg_constant_i64(-1), tcg_constant_i64(5));
    tcg_gen_clz_i32(w[0], tcg_constant_i32(0), tcg_constant_i32(32));
    tcg_gen_ctpop_i64(g[3], tcg_constant_i64(0xff00ff));
    tcg_gen_bswap16_i64(g[3], tcg_constant_i64(0x123456));
    tcg_gen_rotr_i32(w[1], tcg_constant_i32(1), tcg_constant_i32(1));
    tcg_gen_ext8s_i64(g[0], tcg_constant_i64(0x80));
    tcg_gen_remu_i32(w[0], tcg_constant_i32(-1), tcg_constant_i32(10));
    tcg_optimize(tcg_ctx);
    assert_movi(0, g[0], 42);
    assert_movi(1, w[0], INT32_MIN);
    assert_movi(2, w[1], 0x0fffffff);
    assert_movi(3, g[1], -(1LL << 60));
    assert_movi(4, g[2], -1);
    assert_movi(5, w[0], 32);
    assert_movi(6, g[3], 16);
    assert_movi(7, g[3], 0x5634);
    assert_movi(8, w[1], INT32_MIN);
    assert_movi(9, g[0], -128);
    assert_movi(10, w[0], 5);       /* 0xffffffff % 10 */
}

static void test_no_fold_div0(void **state)
{
    tcg_func_start();
    tcg_gen_div_i64(g[0], tcg_constant_i64(1), tcg_constant_i64(0));
    tcg_gen_div_i32(w[0], tcg_constant_i32(INT32_MIN), tcg_constant_i32(-1));
    tcg_optimize(tcg_ctx);
    assert_int_equal(nth(0)->opc, INDEX_op_div);
    assert_int_equal(nth(1)->opc, INDEX_op_div);
}

static void test_identities(void **state)
{
    TCGv t[11];
    int i;

    tcg_func_start();
    for (i = 0; i < 11; i++) {
        t[i] = i == 6 || i == 7 ? tcg_temp_new_i32() : tcg_temp_new_i64();
    }
    tcg_gen_addi_i64(t[0], g[0], 0);
    tcg_gen_muli_i64(t[1], g[1], 1);
    tcg_gen_andi_i64(t[2], g[0], 0);
    tcg_gen_xor_i64(t[3], g[0], g[0]);
    tcg_gen_sub_i64(t[4], g[0], g[0]);
    tcg_gen_ori_i64(t[5], g[0], -1);
    tcg_gen_andi_i32(t[6], w[0], -1);
    tcg_gen_shli_i32(t[7], w[1], 32);       /* count mod 32 == 0 */
    tcg_gen_and_i64(t[8], g[2], g[2]);
    tcg_gen_eqv_i64(t[9], g[0], g[0]);
    tcg_gen_muli_i64(t[10], g[0], 0);
    tcg_optimize(tcg_ctx);
    assert_mov(0, t[0], g[0]);
    assert_mov(1, t[1], g[1]);
    assert_movi(2, t[2], 0);
    assert_movi(3, t[3], 0);
    assert_movi(4, t[4], 0);
    assert_movi(5, t[5], -1);
    assert_mov(6, t[6], w[0]);
    assert_mov(7, t[7], w[1]);
    assert_mov(8, t[8], g[2]);
    assert_movi(9, t[9], -1);
    assert_movi(10, t[10], 0);
}

static void test_propagation(void **state)
{
    TCGv t = tcg_temp_new_i64(), u;
    TCGOp *op;

    tcg_func_start();
    t = tcg_temp_new_i64();
    u = tcg_temp_new_i64();
    tcg_gen_movi_i64(t, 5);
    tcg_gen_addi_i64(g[0], t, 3);           /* -> mov g0, 8 */
    tcg_gen_mov_i64(u, g[1]);
    tcg_gen_add_i64(g[2], u, g[3]);         /* -> add g2, g1, g3 */
    tcg_gen_addi_i64(g[3], tcg_constant_i64(7), 0);
    tcg_gen_add_i64(g[1], tcg_constant_i64(9), g[1]);   /* canonical */
    tcg_gen_exit_tb(0);
    tcg_optimize(tcg_ctx);
    tcg_liveness(tcg_ctx);
    /* The movs into dead temps are gone after liveness. */
    assert_movi(0, g[0], 8);
    op = nth(1);
    assert_int_equal(op->opc, INDEX_op_add);
    assert_ptr_equal(arg_temp(op->args[1]), g[1]);
    assert_ptr_equal(arg_temp(op->args[2]), g[3]);
    assert_movi(2, g[3], 7);
    op = nth(3);
    assert_int_equal(op->opc, INDEX_op_add);
    assert_ptr_equal(arg_temp(op->args[1]), g[1]);
    assert_int_equal(arg_temp(op->args[2])->kind, TEMP_CONST);
    assert_int_equal(count_ops(), 5);
}

static void test_copy_invalidation(void **state)
{
    TCGv t;
    TCGOp *op;

    tcg_func_start();
    t = tcg_temp_new_i64();
    tcg_gen_mov_i64(t, g[0]);
    tcg_gen_addi_i64(g[0], g[0], 1);        /* t no longer equals g0 */
    tcg_gen_mov_i64(g[1], t);
    tcg_gen_exit_tb(0);
    tcg_optimize(tcg_ctx);
    op = nth(2);
    assert_int_equal(op->opc, INDEX_op_mov);
    assert_ptr_equal(arg_temp(op->args[1]), t);
}

static void test_branches(void **state)
{
    TCGLabel *l1, *l2;
    TCGv t;

    tcg_func_start();
    l1 = gen_new_label();
    l2 = gen_new_label();
    t = tcg_temp_local_new_i64();
    tcg_gen_brcondi_i64(TCG_COND_LT, tcg_constant_i64(1), 2, l1);   /* br */
    tcg_gen_brcondi_i64(TCG_COND_GTU, tcg_constant_i64(1), 2, l2);  /* gone */
    tcg_gen_brcond_i64(TCG_COND_LTU, g[0], g[0], l2);               /* gone */
    tcg_gen_brcondi_i32(TCG_COND_LT, tcg_constant_i32(-1), 0, l2);  /* br */
    tcg_gen_movi_i64(t, 5);
    gen_set_label(l1);
    tcg_gen_addi_i64(g[0], t, 1);           /* t unknown after a label */
    gen_set_label(l2);
    tcg_gen_exit_tb(0);
    tcg_optimize(tcg_ctx);
    assert_int_equal(nth(0)->opc, INDEX_op_br);
    assert_ptr_equal((TCGLabel *)nth(0)->args[0], l1);
    assert_int_equal(nth(1)->opc, INDEX_op_br);
    assert_ptr_equal((TCGLabel *)nth(1)->args[0], l2);
    assert_movi(2, t, 5);
    assert_int_equal(nth(3)->opc, INDEX_op_set_label);
    assert_int_equal(nth(4)->opc, INDEX_op_add);
    assert_ptr_equal(arg_temp(nth(4)->args[1]), t);
}

static void test_setcond_movcond(void **state)
{
    TCGOp *op;

    tcg_func_start();
    tcg_gen_setcond_i64(TCG_COND_GEU, g[0], tcg_constant_i64(-1),
                        tcg_constant_i64(3));
    tcg_gen_setcond_i32(TCG_COND_GE, w[0], tcg_constant_i32(-1),
                        tcg_constant_i32(3));
    tcg_gen_movcond_i64(TCG_COND_TSTNE, g[1], tcg_constant_i64(6),
                        tcg_constant_i64(1), g[2], g[3]);
    tcg_gen_movcond_i64(TCG_COND_EQ, g[0], g[1], g[2], g[3], g[3]);
    tcg_gen_setcond_i64(TCG_COND_LT, g[1], tcg_constant_i64(0), g[2]);
    tcg_optimize(tcg_ctx);
    assert_movi(0, g[0], 1);
    assert_movi(1, w[0], 0);
    assert_mov(2, g[1], g[3]);
    assert_mov(3, g[0], g[3]);
    /* Constant moved second, condition swapped. */
    op = nth(4);
    assert_int_equal(op->opc, INDEX_op_setcond);
    assert_ptr_equal(arg_temp(op->args[1]), g[2]);
    assert_int_equal(op->args[3], TCG_COND_GT);
}

static void test_calls_invalidate(void **state)
{
    TCGv r;

    tcg_func_start();
    r = tcg_temp_new_i64();
    tcg_gen_movi_i64(g[0], 5);
    tcg_gen_call1(&helper_info_h, r, g[1]);
    tcg_gen_addi_i64(g[1], g[0], 1);        /* helper may have written g0 */
    tcg_gen_call1(&helper_info_h_pure, tcg_temp_new_i64(), g[2]);
    tcg_gen_call1(&helper_info_h, tcg_temp_new_i64(), g[2]);
    tcg_gen_exit_tb(0);
    tcg_optimize(tcg_ctx);
    assert_int_equal(nth(2)->opc, INDEX_op_add);
    tcg_liveness(tcg_ctx);
    /* movi, call, add, call (the pure one is gone), exit_tb */
    assert_int_equal(count_ops(), 5);
    assert_int_equal(nth(3)->opc, INDEX_op_call);
    assert_ptr_equal((void *)nth(3)->args[2], &helper_info_h);
    /* Output of the kept call is dead. */
    assert_true(nth(3)->life & 1);
}

static void test_liveness_bits(void **state)
{
    TCGv t, u;
    TCGOp *op;

    tcg_func_start();
    t = tcg_temp_new_i64();
    u = tcg_temp_new_i64();
    tcg_gen_add_i64(t, g[0], g[1]);
    tcg_gen_add_i64(u, t, g[0]);            /* last use of t */
    tcg_gen_sub_i64(g[2], u, t);            /* t, u die here */
    tcg_gen_mul_i64(t, g[0], g[1]);         /* dead: removed */
    tcg_gen_exit_tb(0);
    tcg_liveness(tcg_ctx);
    assert_int_equal(count_ops(), 4);
    op = nth(1);
    assert_false(op->life & (1u << 1));     /* t still used by sub */
    op = nth(2);
    assert_true(op->life & (1u << 1));
    assert_true(op->life & (1u << 2));
    assert_false(op->life & 1);             /* g2 is a global: live */
}

static void test_dump(void **state)
{
    char text[1024] = "";
    FILE *f = fmemopen(text, sizeof(text) - 1, "w");
    TCGLabel *l;

    tcg_func_start();
    l = gen_new_label();
    tcg_gen_insn_start(0x80000000);
    tcg_gen_addi_i64(g[0], g[1], 16);
    tcg_gen_brcondi_i64(TCG_COND_NE, g[0], 0, l);
    tcg_gen_qemu_ld_i64(g[2], g[0], 3, MO_SL);
    gen_set_label(l);
    tcg_gen_exit_tb(0);
    tcg_dump_ops(tcg_ctx, f);
    fclose(f);
    assert_non_null(strstr(text, "---- 0 0x80000000"));
    assert_non_null(strstr(text, "add_i64 g0,g1,$0x10"));
    assert_non_null(strstr(text, "brcond_i64 g0,$0x0,ne,$L0"));
    assert_non_null(strstr(text, "qemu_ld_i64 g2,g0,mop=0x6,mmu=3"));
    assert_non_null(strstr(text, "$L0:"));
    assert_non_null(strstr(text, "exit_tb $0x0"));
}

static void test_conds(void **state)
{
    static const uint64_t v[] = { 0, 1, 2, 0x7fffffff, 0x80000000,
                                  0xffffffff, 1ULL << 63, ~0ULL, 5 };
    int c, i, j, t;

    for (c = TCG_COND_NEVER; c <= TCG_COND_TSTNE; c++) {
        for (t = 0; t < 2; t++) {
            for (i = 0; i < (int)ARRAY_SIZE(v); i++) {
                for (j = 0; j < (int)ARRAY_SIZE(v); j++) {
                    TCGType ty = t ? TCG_TYPE_I64 : TCG_TYPE_I32;
                    bool r = tcg_cond_eval(c, ty, v[i], v[j]);

                    assert_int_equal(tcg_cond_eval(tcg_invert_cond(c), ty,
                                                   v[i], v[j]), !r);
                    assert_int_equal(tcg_cond_eval(tcg_swap_cond(c), ty,
                                                   v[j], v[i]), r);
                }
            }
        }
    }
    assert_true(tcg_cond_eval(TCG_COND_LT, TCG_TYPE_I32, 0xffffffff, 0));
    assert_false(tcg_cond_eval(TCG_COND_LT, TCG_TYPE_I64, 0xffffffff, 0));
    assert_true(tcg_cond_eval(TCG_COND_EQ, TCG_TYPE_I32, 0x100000001ULL, 1));
}

/* Copies are tracked per source: redefining one drops only its copies. */
static void test_copy_lists(void **state)
{
    TCGv t1, t2, t3;

    tcg_func_start();
    t1 = tcg_temp_new_i64();
    t2 = tcg_temp_new_i64();
    t3 = tcg_temp_new_i64();
    tcg_gen_mov_i64(t1, g[0]);
    tcg_gen_mov_i64(t2, g[0]);
    tcg_gen_mov_i64(t3, t1);                /* a copy of g0 as well */
    tcg_gen_add_i64(g[1], t2, t3);
    tcg_gen_addi_i64(t2, t2, 1);            /* t2 leaves g0's copies */
    tcg_gen_mov_i64(g[2], t3);
    tcg_gen_addi_i64(g[0], g[0], 1);        /* every copy of g0 is stale */
    tcg_gen_mov_i64(g[3], t3);
    tcg_gen_add_i64(g[1], t1, t2);
    tcg_gen_exit_tb(0);
    tcg_optimize(tcg_ctx);
    assert_mov(2, t3, g[0]);
    assert_ptr_equal(arg_temp(nth(3)->args[1]), g[0]);
    assert_ptr_equal(arg_temp(nth(3)->args[2]), g[0]);
    assert_ptr_equal(arg_temp(nth(4)->args[1]), g[0]);
    assert_mov(5, g[2], g[0]);
    assert_mov(7, g[3], t3);
    assert_ptr_equal(arg_temp(nth(8)->args[1]), t1);
    assert_ptr_equal(arg_temp(nth(8)->args[2]), t2);
}

/* Constants are interned per TB; freed temps are reused once each. */
static void test_constants_and_temps(void **state)
{
    TCGv c[300], a, b, l, x;
    int i, base;

    tcg_func_start();
    base = tcg_ctx->nb_temps;
    for (i = 0; i < 300; i++) {
        c[i] = tcg_constant_i64((int64_t)i * 0x10001 - 77);
    }
    assert_int_equal(tcg_ctx->nb_temps, base + 300);
    for (i = 0; i < 300; i++) {
        assert_ptr_equal(tcg_constant_i64((int64_t)i * 0x10001 - 77), c[i]);
    }
    assert_ptr_not_equal(tcg_constant_i32(-77), c[0]);
    assert_ptr_equal(tcg_constant_i32(-77), tcg_constant_i32(-77));
    assert_int_equal(tcg_ctx->nb_temps, base + 301);

    a = tcg_temp_new_i64();
    tcg_temp_free(a);
    tcg_temp_free(a);                       /* double free: still once */
    assert_ptr_equal(tcg_temp_new_i64(), a);
    b = tcg_temp_new_i64();
    assert_ptr_not_equal(b, a);
    l = tcg_temp_local_new_i64();
    tcg_temp_free(l);
    x = tcg_temp_new_i64();                 /* an EBB temp, not l */
    assert_ptr_not_equal(x, l);
    assert_ptr_equal(tcg_temp_local_new_i64(), l);
    tcg_temp_free(b);
    assert_ptr_not_equal(tcg_temp_new_i32(), b);

    /* A new TB starts with no constants and no free temps. */
    tcg_func_start();
    assert_int_equal(tcg_constant_i64(-77)->index, base);
    assert_int_equal(tcg_temp_new_i64()->index, base + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_no_fold_div0),
        cmocka_unit_test(test_identities),
        cmocka_unit_test(test_propagation),
        cmocka_unit_test(test_copy_invalidation),
        cmocka_unit_test(test_copy_lists),
        cmocka_unit_test(test_constants_and_temps),
        cmocka_unit_test(test_branches),
        cmocka_unit_test(test_setcond_movcond),
        cmocka_unit_test(test_calls_invalidate),
        cmocka_unit_test(test_liveness_bits),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_conds),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
