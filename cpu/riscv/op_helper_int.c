/* SPDX-License-Identifier: MIT */
/* Integer helpers: Zbc carry-less multiply, orc.b, AMOs and SC. */
#include "internals.h"

uint64_t helper_clmul(uint64_t a, uint64_t b)
{
    uint64_t r = 0;

    for (int i = 0; i < 64; i++) {
        if ((b >> i) & 1) {
            r ^= a << i;
        }
    }
    return r;
}

uint64_t helper_clmulh(uint64_t a, uint64_t b)
{
    uint64_t r = 0;

    for (int i = 1; i < 64; i++) {
        if ((b >> i) & 1) {
            r ^= a >> (64 - i);
        }
    }
    return r;
}

uint64_t helper_clmulr(uint64_t a, uint64_t b)
{
    uint64_t r = 0;

    for (int i = 0; i < 64; i++) {
        if ((b >> i) & 1) {
            r ^= a >> (63 - i);
        }
    }
    return r;
}

uint64_t helper_orc_b(uint64_t a)
{
    uint64_t r = 0;

    for (int i = 0; i < 64; i += 8) {
        if ((a >> i) & 0xff) {
            r |= 0xffULL << i;
        }
    }
    return r;
}

uint64_t riscv_amo_compute(int op, int log2size, uint64_t old, uint64_t val)
{
    int64_t so = old, sv = val;
    uint64_t uo = old, uv = val;

    if (log2size == 2) {
        so = (int32_t)old;
        sv = (int32_t)val;
        uo = (uint32_t)old;
        uv = (uint32_t)val;
    }
    switch (op) {
    case AMO_SWAP:
        return val;
    case AMO_ADD:
        return old + val;
    case AMO_XOR:
        return old ^ val;
    case AMO_AND:
        return old & val;
    case AMO_OR:
        return old | val;
    case AMO_MIN:
        return so < sv ? old : val;
    case AMO_MAX:
        return so > sv ? old : val;
    case AMO_MINU:
        return uo < uv ? old : val;
    case AMO_MAXU:
        return uo > uv ? old : val;
    default:
        return old;
    }
}

/*
 * Check alignment and store permission before touching memory, so a bad
 * AMO/SC raises the store/AMO cause (priv. spec 3.7.1) with no effect.
 */
static void amo_check(CPUState *cs, uint64_t addr, int log2size, int mmu_idx,
                      uintptr_t ra)
{
    if (addr & ((1u << log2size) - 1)) {
        riscv_raise_exception(cpu_env(cs), RISCV_EXCP_STORE_AMO_ADDR_MIS,
                              addr, ra);
    }
    probe_access(cs, addr, 1 << log2size, MMU_DATA_STORE, mmu_idx, ra);
}

uint64_t helper_amo(CPUState *cs, uint64_t addr, uint64_t val, uint64_t desc)
{
    uintptr_t ra = GETPC();
    int op = desc & 0xf;
    int log2size = (desc >> 4) & 3;
    int mmu_idx = (desc >> 8) & 7;
    MemOp mop = log2size == 2 ? MO_SL : MO_UQ;
    uint64_t old;

    amo_check(cs, addr, log2size, mmu_idx, ra);
    old = cpu_ld_mmu(cs, addr, make_memop_idx(mop, mmu_idx), ra);
    cpu_st_mmu(cs, addr, riscv_amo_compute(op, log2size, old, val),
               make_memop_idx(mop, mmu_idx), ra);
    return old;
}

uint64_t helper_sc(CPUState *cs, uint64_t addr, uint64_t val, uint64_t desc)
{
    CPURISCVState *env = cpu_env(cs);
    uintptr_t ra = GETPC();
    int log2size = (desc >> 4) & 3;
    int mmu_idx = (desc >> 8) & 7;
    MemOp mop = log2size == 2 ? MO_SL : MO_UQ;
    uint64_t cur;

    if (addr & ((1u << log2size) - 1)) {
        riscv_raise_exception(env, RISCV_EXCP_STORE_AMO_ADDR_MIS, addr, ra);
    }
    /* SC always gives up the reservation (unpriv. spec 14.2). */
    if (env->load_res != addr) {
        env->load_res = -1;
        return 1;
    }
    env->load_res = -1;
    amo_check(cs, addr, log2size, mmu_idx, ra);
    cur = cpu_ld_mmu(cs, addr, make_memop_idx(mop, mmu_idx), ra);
    if (cur != env->load_val) {
        return 1;
    }
    cpu_st_mmu(cs, addr, val, make_memop_idx(mop, mmu_idx), ra);
    return 0;
}

DEF_HELPER(clmul, TCG_CALL_NO_RWG_SE, 2, true);
DEF_HELPER(clmulh, TCG_CALL_NO_RWG_SE, 2, true);
DEF_HELPER(clmulr, TCG_CALL_NO_RWG_SE, 2, true);
DEF_HELPER(orc_b, TCG_CALL_NO_RWG_SE, 1, true);
/* These may fault (and SC writes load_res): globals synced. */
DEF_HELPER(amo, 0, 4, true);
DEF_HELPER(sc, 0, 4, true);
