/* SPDX-License-Identifier: MIT */
/* A extension: LR/SC and AMOs (unprivileged spec ch. 14). */
#include "internals.h"

/*
 * Round-robin (thread=single): harts run one at a time, so the helpers'
 * load-compare-store sequences (op_helper_int.c) are atomic.  With a
 * thread per hart (thread=multi) AMOs and SC use the helpers below,
 * which operate on guest RAM with host atomic instructions; SC succeeds
 * when memory still holds the value LR read (compare-and-swap, as QEMU
 * does: a store of the same value in between goes unnoticed).  aq/rl
 * need no more than a barrier on an x86 (TSO) host; the host atomics
 * are sequentially consistent anyway.
 */

/*
 * Misalignment and store permission first, so a bad AMO/SC raises the
 * store/AMO cause (priv. spec 3.7.1) with no effect.  Host pointer to
 * the operand, or NULL when it is not RAM (MMIO): the caller then does
 * one load and one store (the device sees them under the machine lock).
 */
static void *amo_probe_mt(CPUState *cs, uint64_t addr, int log2size,
                          int mmu_idx, uintptr_t ra)
{
    if (addr & ((1u << log2size) - 1)) {
        riscv_raise_exception(cpu_env(cs), RISCV_EXCP_STORE_AMO_ADDR_MIS,
                              addr, ra);
    }
    return probe_access(cs, addr, 1 << log2size, MMU_DATA_STORE, mmu_idx,
                        ra);
}

/*
 * Host-atomic read-modify-write of a 32- or 64-bit AMO (log2 size 2 or
 * 3): the ops the host has natively, a CAS loop for min/max.
 */
#define DEFINE_AMO_RMW(bits, log2size)                                      \
static uint##bits##_t amo_rmw##bits(uint##bits##_t *p, int op,               \
                                    uint##bits##_t val)                      \
{                                                                           \
    uint##bits##_t old, new;                                                \
                                                                            \
    switch (op) {                                                           \
    case AMO_SWAP:                                                          \
        return __atomic_exchange_n(p, val, __ATOMIC_SEQ_CST);               \
    case AMO_ADD:                                                           \
        return __atomic_fetch_add(p, val, __ATOMIC_SEQ_CST);                \
    case AMO_XOR:                                                           \
        return __atomic_fetch_xor(p, val, __ATOMIC_SEQ_CST);                \
    case AMO_AND:                                                           \
        return __atomic_fetch_and(p, val, __ATOMIC_SEQ_CST);                \
    case AMO_OR:                                                            \
        return __atomic_fetch_or(p, val, __ATOMIC_SEQ_CST);                 \
    default:                                                                \
        old = __atomic_load_n(p, __ATOMIC_RELAXED);                         \
        do {                                                                \
            new = (uint##bits##_t)riscv_amo_compute(op, log2size, old, val);\
        } while (!__atomic_compare_exchange_n(p, &old, new, true,           \
                                              __ATOMIC_SEQ_CST,             \
                                              __ATOMIC_RELAXED));           \
        return old;                                                         \
    }                                                                       \
}

DEFINE_AMO_RMW(32, 2)
DEFINE_AMO_RMW(64, 3)

/* desc as for helper_amo: op | log2size << 4 | mmu_idx << 8. */
static uint64_t helper_amo_mt(CPUState *cs, uint64_t addr, uint64_t val,
                              uint64_t desc)
{
    uintptr_t ra = GETPC();
    int op = desc & 0xf;
    int log2size = (desc >> 4) & 3;
    int mmu_idx = (desc >> 8) & 7;
    MemOp mop = log2size == 2 ? MO_SL : MO_UQ;
    void *host = amo_probe_mt(cs, addr, log2size, mmu_idx, ra);
    uint64_t old;

    if (!host) {
        old = cpu_ld_mmu(cs, addr, make_memop_idx(mop, mmu_idx), ra);
        cpu_st_mmu(cs, addr, riscv_amo_compute(op, log2size, old, val),
                   make_memop_idx(mop, mmu_idx), ra);
        return old;
    }
    if (log2size == 2) {
        return (uint64_t)(int64_t)(int32_t)amo_rmw32(host, op,
                                                     (uint32_t)val);
    }
    return amo_rmw64(host, op, val);
}
static DEF_HELPER(amo_mt, 0, 4, true);

/* desc as for helper_sc: log2size << 4 | mmu_idx << 8; 0 = success. */
static uint64_t helper_sc_mt(CPUState *cs, uint64_t addr, uint64_t val,
                             uint64_t desc)
{
    CPURISCVState *env = cpu_env(cs);
    uintptr_t ra = GETPC();
    int log2size = (desc >> 4) & 3;
    int mmu_idx = (desc >> 8) & 7;
    MemOp mop = log2size == 2 ? MO_SL : MO_UQ;
    uint64_t expected = env->load_val;
    void *host;

    if (addr & ((1u << log2size) - 1)) {
        riscv_raise_exception(env, RISCV_EXCP_STORE_AMO_ADDR_MIS, addr, ra);
    }
    /* SC always gives up the reservation (unpriv. spec 14.2). */
    if (env->load_res != addr) {
        env->load_res = -1;
        return 1;
    }
    env->load_res = -1;
    host = amo_probe_mt(cs, addr, log2size, mmu_idx, ra);
    if (!host) {
        if (cpu_ld_mmu(cs, addr, make_memop_idx(mop, mmu_idx), ra) !=
            expected) {
            return 1;
        }
        cpu_st_mmu(cs, addr, val, make_memop_idx(mop, mmu_idx), ra);
        return 0;
    }
    if (log2size == 2) {
        uint32_t exp32 = (uint32_t)expected;

        return !__atomic_compare_exchange_n((uint32_t *)host, &exp32,
                                            (uint32_t)val, false,
                                            __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST);
    }
    return !__atomic_compare_exchange_n((uint64_t *)host, &expected, val,
                                        false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST);
}
static DEF_HELPER(sc_mt, 0, 4, true);

static bool gen_lr(DisasContext *ctx, const RVArgs *a, MemOp mop)
{
    TCGv addr, val;

    REQUIRE_EXT(ctx, 'A');
    addr = temp_new();
    val = temp_new();
    tcg_gen_mov_i64(addr, get_gpr(ctx, a->rs1));
    if (a->rl) {
        tcg_gen_mb(0);
    }
    /* Misaligned LR raises load-address-misaligned (MO_ALIGN). */
    tcg_gen_qemu_ld_i64(val, addr, ctx->mem_idx, mop | MO_ALIGN);
    tcg_gen_mov_i64(cpu_load_res, addr);
    tcg_gen_mov_i64(cpu_load_val, val);
    if (a->aq) {
        tcg_gen_mb(0);
    }
    gen_set_gpr(ctx, a->rd, val);
    return true;
}

static bool gen_sc(DisasContext *ctx, const RVArgs *a, int log2size)
{
    TCGv r;

    REQUIRE_EXT(ctx, 'A');
    r = temp_new();
    if (a->rl) {
        tcg_gen_mb(0);
    }
    tcg_gen_call4(tcg_mttcg ? &helper_info_sc_mt : &helper_info_sc, r,
                  gen_env(), get_gpr(ctx, a->rs1),
                  get_gpr(ctx, a->rs2),
                  tcg_constant_i64((log2size << 4) | (ctx->mem_idx << 8)));
    if (a->aq) {
        tcg_gen_mb(0);
    }
    gen_set_gpr(ctx, a->rd, r);
    return true;
}

static bool gen_amo(DisasContext *ctx, const RVArgs *a, int op, int log2size)
{
    TCGv r;

    REQUIRE_EXT(ctx, 'A');
    r = temp_new();
    if (a->rl) {
        tcg_gen_mb(0);
    }
    tcg_gen_call4(tcg_mttcg ? &helper_info_amo_mt : &helper_info_amo, r,
                  gen_env(), get_gpr(ctx, a->rs1),
                  get_gpr(ctx, a->rs2),
                  tcg_constant_i64(op | (log2size << 4) |
                                   (ctx->mem_idx << 8)));
    if (a->aq) {
        tcg_gen_mb(0);
    }
    gen_set_gpr(ctx, a->rd, r);
    return true;
}

bool trans_lr_w(DisasContext *ctx, const RVArgs *a)
{
    return gen_lr(ctx, a, MO_SL);
}

bool trans_lr_d(DisasContext *ctx, const RVArgs *a)
{
    return gen_lr(ctx, a, MO_UQ);
}

bool trans_sc_w(DisasContext *ctx, const RVArgs *a)
{
    return gen_sc(ctx, a, 2);
}

bool trans_sc_d(DisasContext *ctx, const RVArgs *a)
{
    return gen_sc(ctx, a, 3);
}

#define TRANS_AMO(name, op)                                             \
    bool trans_##name##_w(DisasContext *ctx, const RVArgs *a)          \
    {                                                                   \
        return gen_amo(ctx, a, op, 2);                                  \
    }                                                                   \
    bool trans_##name##_d(DisasContext *ctx, const RVArgs *a)          \
    {                                                                   \
        return gen_amo(ctx, a, op, 3);                                  \
    }

TRANS_AMO(amoswap, AMO_SWAP)
TRANS_AMO(amoadd, AMO_ADD)
TRANS_AMO(amoxor, AMO_XOR)
TRANS_AMO(amoand, AMO_AND)
TRANS_AMO(amoor, AMO_OR)
TRANS_AMO(amomin, AMO_MIN)
TRANS_AMO(amomax, AMO_MAX)
TRANS_AMO(amominu, AMO_MINU)
TRANS_AMO(amomaxu, AMO_MAXU)
