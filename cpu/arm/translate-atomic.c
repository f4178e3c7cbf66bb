/* SPDX-License-Identifier: MIT */
/*
 * A64 front end for the ARMv8.1 LSE atomics (LDADD..SWP, CAS, CASP), the
 * exclusive pairs (LDXP/STXP and their acquire/release forms), CRC32 and
 * the cryptographic extension (AES, SHA-1, SHA-256).
 *
 * With thread=single the vCPUs run round-robin in one host thread, so
 * an atomic read-modify-write is a plain load, compute and store: nothing
 * can run between them.  The order and the memory operations follow QEMU
 * 7.2 when it runs a single vCPU (its non-parallel code paths), so faults
 * are raised with the same access type: the load comes first, every
 * access of a single-copy-atomic unit asks for natural alignment, and
 * registers are written only after the store, so a fault leaves them
 * unchanged.
 *
 * With thread=multi (tcg_mttcg) the LSE atomics, CAS/CASP, STXR and STXP
 * call the *_mt helpers below, which check alignment and permissions in
 * the same order and then operate on guest RAM with host atomics
 * (compare-and-swap for the store-exclusives: they succeed while memory
 * holds what the load-exclusive read, as in QEMU).  A non-RAM operand
 * (MMIO) falls back to one load and one store.
 */
#include "translate.h"
#include "crypto.h"

/* ---- 16-byte alignment of a 128-bit access ---- */

/* Alignment fault (DFSC 0x21) on a load when addr is not 16-aligned. */
static void check_align16(CPUState *cs, uint64_t addr, uintptr_t ra)
{
    if (addr & 15) {
        arm_raise_abort(cs, addr, MMU_DATA_LOAD, 0x21, ra);
    }
}

static void helper_a64_check_align16(CPUState *cs, uint64_t addr)
{
    check_align16(cs, addr, GETPC());
}
static DEF_HELPER(a64_check_align16, TCG_CALL_NO_WRITE_GLOBALS, 2, false);

static void gen_check_align16(TCGv addr)
{
    tcg_gen_call2(&helper_info_a64_check_align16, NULL, env_ptr(), addr);
}


/* ---- thread=multi: host atomics on guest RAM ---- */

/*
 * Host pointer to the size bytes at addr for a read-modify-write, or
 * NULL when they are not RAM.  Faults as the round-robin code raises
 * them: alignment and read permission as a load, then write permission.
 */
static void *a64_probe_rmw(CPUState *cs, uint64_t addr, int size,
                           int mmu_idx, uintptr_t ra)
{
    void *r, *w;

    if (addr & (size - 1)) {
        cs->ops->do_unaligned_access(cs, addr, MMU_DATA_LOAD, mmu_idx, ra);
    }
    r = probe_access(cs, addr, size, MMU_DATA_LOAD, mmu_idx, ra);
    w = probe_access(cs, addr, size, MMU_DATA_STORE, mmu_idx, ra);
    return r == w ? w : NULL;
}

/* Compare-and-swap of 1 << size bytes; returns the old value. */
static uint64_t host_cas(void *host, int size, uint64_t cmp, uint64_t new)
{
    switch (size) {
    case 0: {
        uint8_t e = cmp;
        __atomic_compare_exchange_n((uint8_t *)host, &e, (uint8_t)new,
                                    false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        return e;
    }
    case 1: {
        uint16_t e = cmp;
        __atomic_compare_exchange_n((uint16_t *)host, &e, (uint16_t)new,
                                    false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        return e;
    }
    case 2: {
        uint32_t e = cmp;
        __atomic_compare_exchange_n((uint32_t *)host, &e, (uint32_t)new,
                                    false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        return e;
    }
    default: {
        uint64_t e = cmp;
        __atomic_compare_exchange_n((uint64_t *)host, &e, new, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return e;
    }
    }
}

static uint64_t host_load(void *host, int size)
{
    switch (size) {
    case 0:
        return __atomic_load_n((uint8_t *)host, __ATOMIC_SEQ_CST);
    case 1:
        return __atomic_load_n((uint16_t *)host, __ATOMIC_SEQ_CST);
    case 2:
        return __atomic_load_n((uint32_t *)host, __ATOMIC_SEQ_CST);
    default:
        return __atomic_load_n((uint64_t *)host, __ATOMIC_SEQ_CST);
    }
}

static uint64_t zext_size(uint64_t v, int size)
{
    return size == 3 ? v : v & ((1ULL << (8 << size)) - 1);
}

enum {
    LSE_ADD, LSE_CLR, LSE_EOR, LSE_SET, LSE_SMAX, LSE_SMIN, LSE_UMAX,
    LSE_UMIN, LSE_SWP,
};

/* LSE operation on old and val (both zero-extended from size). */
static uint64_t lse_compute(int op, int size, uint64_t old, uint64_t val)
{
    int bits = 8 << size;
    int64_t so = sextract64(old, 0, bits), sv = sextract64(val, 0, bits);

    switch (op) {
    case LSE_ADD: return old + val;
    case LSE_CLR: return old & ~val;
    case LSE_EOR: return old ^ val;
    case LSE_SET: return old | val;
    case LSE_SMAX: return so > sv ? old : val;
    case LSE_SMIN: return so < sv ? old : val;
    case LSE_UMAX: return old > val ? old : val;
    case LSE_UMIN: return old < val ? old : val;
    default: return val;                    /* SWP */
    }
}

/* desc: op | size << 4 | mmu_idx << 8; returns the old value. */
static uint64_t helper_a64_lse_mt(CPUState *cs, uint64_t addr, uint64_t val,
                                  uint64_t desc)
{
    uintptr_t ra = GETPC();
    int op = desc & 0xf, size = (desc >> 4) & 3, mmu_idx = (desc >> 8) & 0xf;
    void *host = a64_probe_rmw(cs, addr, 1 << size, mmu_idx, ra);
    uint64_t old, seen;

    val = zext_size(val, size);
    if (!host) {
        MemOpIdx oi = make_memop_idx(size | MO_ALIGN, mmu_idx);

        old = cpu_ld_mmu(cs, addr, oi, ra);
        cpu_st_mmu(cs, addr, lse_compute(op, size, old, val), oi, ra);
        return old;
    }
    old = host_load(host, size);
    for (;;) {
        seen = host_cas(host, size, old,
                        zext_size(lse_compute(op, size, old, val), size));
        if (seen == old) {
            return old;
        }
        old = seen;
    }
}
static DEF_HELPER(a64_lse_mt, 0, 4, true);

/* CAS: desc = size | mmu_idx << 8; cmp zero-extended; returns old. */
static uint64_t helper_a64_cas_mt(CPUState *cs, uint64_t addr, uint64_t cmp,
                                  uint64_t new, uint64_t desc)
{
    uintptr_t ra = GETPC();
    int size = desc & 3, mmu_idx = (desc >> 8) & 0xf;
    void *host = a64_probe_rmw(cs, addr, 1 << size, mmu_idx, ra);
    uint64_t old;

    new = zext_size(new, size);
    if (!host) {
        MemOpIdx oi = make_memop_idx(size | MO_ALIGN, mmu_idx);

        old = cpu_ld_mmu(cs, addr, oi, ra);
        cpu_st_mmu(cs, addr, old == cmp ? new : old, oi, ra);
        return old;
    }
    return host_cas(host, size, cmp, new);
}
static DEF_HELPER(a64_cas_mt, 0, 5, true);

static uint64_t xreg(CPUARMState *env, int r)
{
    return r == 31 ? 0 : env->xregs[r];
}

/*
 * CASP with 64-bit elements: desc = rs | rt << 5 | mmu_idx << 10; reads
 * Rs, Rs+1, Rt, Rt+1 and writes Rs, Rs+1 (the helper syncs globals).
 */
static void helper_a64_casp64_mt(CPUState *cs, uint64_t addr, uint64_t desc)
{
    CPUARMState *env = arm_env(cs);
    uintptr_t ra = GETPC();
    int rs = desc & 31, rt = (desc >> 5) & 31, mmu_idx = (desc >> 10) & 0xf;
    uint64_t lo = xreg(env, rs), hi = xreg(env, rs + 1);
    uint64_t nlo = xreg(env, rt), nhi = xreg(env, rt + 1);
    void *r, *w;

    check_align16(cs, addr, ra);
    r = probe_access(cs, addr, 16, MMU_DATA_LOAD, mmu_idx, ra);
    w = probe_access(cs, addr, 16, MMU_DATA_STORE, mmu_idx, ra);
    if (r && r == w) {
        host_cmpxchg16(w, &lo, &hi, nlo, nhi);
    } else {
        MemOpIdx oi = make_memop_idx(MO_64, mmu_idx);
        uint64_t d1 = cpu_ld_mmu(cs, addr, oi, ra);
        uint64_t d2 = cpu_ld_mmu(cs, addr + 8, oi, ra);
        bool eq = d1 == lo && d2 == hi;

        cpu_st_mmu(cs, addr, eq ? nlo : d1, oi, ra);
        cpu_st_mmu(cs, addr + 8, eq ? nhi : d2, oi, ra);
        lo = d1;
        hi = d2;
    }
    if (rs != 31) {
        env->xregs[rs] = lo;
    }
    if (rs + 1 != 31) {
        env->xregs[rs + 1] = hi;
    }
}
static DEF_HELPER(a64_casp64_mt, 0, 3, false);

/*
 * STXR: desc = size | mmu_idx << 4; 0 on success.  Succeeds if the
 * monitor holds addr and memory still holds what LDXR read.
 */
static uint64_t helper_a64_stxr_mt(CPUState *cs, uint64_t addr, uint64_t val,
                                   uint64_t desc)
{
    CPUARMState *env = arm_env(cs);
    uintptr_t ra = GETPC();
    int size = desc & 3, mmu_idx = (desc >> 4) & 0xf;
    uint64_t fail = 1, cmp = env->excl_val;
    void *host;

    if (addr == env->excl_addr) {
        /*
         * As the round-robin code: a value that changed fails before
         * the store is checked (no write fault on a read-only page).
         */
        if (addr & ((1 << size) - 1)) {
            cs->ops->do_unaligned_access(cs, addr, MMU_DATA_LOAD, mmu_idx,
                                         ra);
        }
        host = probe_access(cs, addr, 1 << size, MMU_DATA_LOAD, mmu_idx, ra);
        if (host && host_load(host, size) != zext_size(cmp, size)) {
            fail = 1;
        } else if (host && probe_access(cs, addr, 1 << size, MMU_DATA_STORE,
                                        mmu_idx, ra) == host) {
            fail = host_cas(host, size, cmp, val) != zext_size(cmp, size);
        } else {
            MemOpIdx oi = make_memop_idx(size | MO_ALIGN, mmu_idx);

            fail = cpu_ld_mmu(cs, addr, oi, ra) != cmp;
            if (!fail) {
                cpu_st_mmu(cs, addr, val, oi, ra);
            }
        }
    }
    env->excl_addr = -1;
    return fail;
}
static DEF_HELPER(a64_stxr_mt, 0, 4, true);

void a64_gen_stxr_mt(DisasContext *ctx, TCGv addr, int size, int rs, int rt)
{
    TCGv status = a64_new_tmp();

    tcg_gen_call4(&helper_info_a64_stxr_mt, status, env_ptr(), addr,
                  a64_read_x(rt), tcg_constant_i64(size | ctx->el << 4));
    if (rs != 31) {
        tcg_gen_mov_i64(cpu_x[rs], status);
    }
}

/* ---- STXP: the monitor compares values, as QEMU's cmpxchg does ---- */

/*
 * Store-exclusive of a pair: succeeds (returns 0) if the monitor holds
 * addr and memory still holds the values LDXP read.  desc: bit 0 set for
 * 64-bit elements, bits 7:4 the mmu index.  A 32-bit pair is one 64-bit
 * compare-and-swap that writes memory back either way; a 64-bit pair is
 * two loads and, only on success, two stores.
 */
static uint64_t helper_a64_stxp(CPUState *cs, uint64_t addr, uint64_t lo,
                                uint64_t hi, uint64_t desc)
{
    CPUARMState *env = arm_env(cs);
    uintptr_t ra = GETPC();
    int mmu_idx = (desc >> 4) & 0xf;
    MemOpIdx oi_al = make_memop_idx(MO_64 | MO_ALIGN, mmu_idx);
    MemOpIdx oi = make_memop_idx(MO_64, mmu_idx);
    uint64_t fail = 1;

    if (addr == env->excl_addr && tcg_mttcg) {
        void *host;

        if (desc & 1) {
            uint64_t o0 = env->excl_val, o1 = env->excl_val2;

            /* Changed values fail before the store is checked. */
            check_align16(cs, addr, ra);
            host = probe_access(cs, addr, 16, MMU_DATA_LOAD, mmu_idx, ra);
            if (host && (host_load(host, 3) != o0 ||
                         host_load((uint8_t *)host + 8, 3) != o1)) {
                env->excl_addr = -1;
                return 1;
            }
            if (host && probe_access(cs, addr, 16, MMU_DATA_STORE, mmu_idx,
                                     ra) == host) {
                fail = !host_cmpxchg16(host, &o0, &o1, lo, hi);
                env->excl_addr = -1;
                return fail;
            }
        } else {
            host = a64_probe_rmw(cs, addr, 8, mmu_idx, ra);
            if (host) {
                uint64_t new = (uint32_t)lo | hi << 32;

                fail = host_cas(host, 3, env->excl_val, new) !=
                       env->excl_val;
                env->excl_addr = -1;
                return fail;
            }
        }
        /* Not RAM: the round-robin sequence below. */
    }
    if (addr == env->excl_addr) {
        if (desc & 1) {
            uint64_t o0, o1;

            check_align16(cs, addr, ra);
            o0 = cpu_ld_mmu(cs, addr, oi, ra);
            o1 = cpu_ld_mmu(cs, addr + 8, oi, ra);
            fail = o0 != env->excl_val || o1 != env->excl_val2;
            if (!fail) {
                cpu_st_mmu(cs, addr, lo, oi, ra);
                cpu_st_mmu(cs, addr + 8, hi, oi, ra);
            }
        } else {
            uint64_t old = cpu_ld_mmu(cs, addr, oi_al, ra);
            uint64_t new = (uint32_t)lo | hi << 32;

            fail = old != env->excl_val;
            cpu_st_mmu(cs, addr, fail ? old : new, oi_al, ra);
        }
    }
    env->excl_addr = -1;
    return fail;
}
static DEF_HELPER(a64_stxp, 0, 5, true);

/* ---- exclusive pairs, CAS, CASP (C4.1.x "Load/store exclusive") ---- */

static TCGv copy_addr(DisasContext *ctx)
{
    TCGv addr = a64_new_tmp();

    tcg_gen_mov_i64(addr, a64_read_xsp(RN));
    return addr;
}

static void gen_ldxp(DisasContext *ctx, bool sz64, int rt, int rt2)
{
    TCGv addr = copy_addr(ctx), hi = a64_new_tmp();

    if (sz64) {
        TCGv a2 = a64_new_tmp();

        gen_check_align16(addr);
        a64_gen_ld(ctx, cpu_excl_val, addr, MO_64);
        tcg_gen_addi_i64(a2, addr, 8);
        a64_gen_ld(ctx, hi, a2, MO_64);
        tcg_gen_st_i64(hi, env_ptr(), ARM_ENV_OFFSET(excl_val2));
        a64_write_x(rt, cpu_excl_val, true);
        a64_write_x(rt2, hi, true);
    } else {
        TCGv lo = a64_new_tmp();

        a64_gen_ld(ctx, cpu_excl_val, addr, MO_64 | MO_ALIGN);
        tcg_gen_ext32u_i64(lo, cpu_excl_val);
        tcg_gen_shri_i64(hi, cpu_excl_val, 32);
        /* Rt == Rt2 is CONSTRAINED UNPREDICTABLE: the second write wins */
        a64_write_x(rt, lo, true);
        a64_write_x(rt2, hi, true);
    }
    tcg_gen_mov_i64(cpu_excl_addr, addr);
}

static void gen_stxp(DisasContext *ctx, bool sz64, int rs, int rt, int rt2)
{
    TCGv addr = copy_addr(ctx), status = a64_new_tmp();

    tcg_gen_call5(&helper_info_a64_stxp, status, env_ptr(), addr,
                  a64_read_x(rt), a64_read_x(rt2),
                  tcg_constant_i64(sz64 | ctx->el << 4));
    a64_write_x(rs, status, true);
}

/* Compare and swap of 1 << size bytes: Rs = old value. */
static void gen_cas(DisasContext *ctx, int size, int rs, int rt)
{
    MemOp mop = size | MO_ALIGN;
    TCGv addr = copy_addr(ctx), cmp = a64_new_tmp(), old = a64_new_tmp();

    a64_gen_extend(cmp, a64_read_x(rs), size, 0);
    if (tcg_mttcg) {
        tcg_gen_call5(&helper_info_a64_cas_mt, old, env_ptr(), addr, cmp,
                      a64_read_x(rt),
                      tcg_constant_i64(size | ctx->el << 8));
        a64_write_x(rs, old, true);
        return;
    }
    a64_gen_ld(ctx, old, addr, mop);
    tcg_gen_movcond_i64(TCG_COND_EQ, cmp, old, cmp, a64_read_x(rt), old);
    a64_gen_st(ctx, cmp, addr, mop);
    a64_write_x(rs, old, true);
}

/* CASP with 32-bit elements: one 64-bit compare and swap. */
static void gen_casp32(DisasContext *ctx, int rs, int rt)
{
    TCGv addr = copy_addr(ctx), cmp = a64_new_tmp(), val = a64_new_tmp();
    TCGv old = a64_new_tmp(), t = a64_new_tmp();

    tcg_gen_ext32u_i64(cmp, a64_read_x(rs));
    tcg_gen_shli_i64(t, a64_read_x(rs + 1), 32);
    tcg_gen_or_i64(cmp, cmp, t);
    tcg_gen_ext32u_i64(val, a64_read_x(rt));
    tcg_gen_shli_i64(t, a64_read_x(rt + 1), 32);
    tcg_gen_or_i64(val, val, t);
    if (tcg_mttcg) {
        tcg_gen_call5(&helper_info_a64_cas_mt, old, env_ptr(), addr, cmp,
                      val, tcg_constant_i64(3 | ctx->el << 8));
    } else {
        a64_gen_ld(ctx, old, addr, MO_64 | MO_ALIGN);
        tcg_gen_movcond_i64(TCG_COND_EQ, val, old, cmp, val, old);
        a64_gen_st(ctx, val, addr, MO_64 | MO_ALIGN);
    }
    tcg_gen_ext32u_i64(t, old);
    a64_write_x(rs, t, true);
    tcg_gen_shri_i64(t, old, 32);
    a64_write_x(rs + 1, t, true);
}

/* CASP with 64-bit elements: 16-byte aligned, both words compared. */
static void gen_casp64(DisasContext *ctx, int rs, int rt)
{
    TCGv addr = copy_addr(ctx), a2 = a64_new_tmp();
    TCGv d1 = a64_new_tmp(), d2 = a64_new_tmp();
    TCGv c1 = a64_new_tmp(), c2 = a64_new_tmp();
    TCGv zero = tcg_constant_i64(0);

    if (tcg_mttcg) {
        tcg_gen_call3(&helper_info_a64_casp64_mt, NULL, env_ptr(), addr,
                      tcg_constant_i64(rs | rt << 5 | ctx->el << 10));
        return;
    }
    gen_check_align16(addr);
    a64_gen_ld(ctx, d1, addr, MO_64);
    tcg_gen_addi_i64(a2, addr, 8);
    a64_gen_ld(ctx, d2, a2, MO_64);
    tcg_gen_setcond_i64(TCG_COND_EQ, c1, d1, a64_read_x(rs));
    tcg_gen_setcond_i64(TCG_COND_EQ, c2, d2, a64_read_x(rs + 1));
    tcg_gen_and_i64(c2, c2, c1);
    /* Equal: store the new pair; otherwise write the old one back. */
    tcg_gen_movcond_i64(TCG_COND_NE, c1, c2, zero, a64_read_x(rt), d1);
    tcg_gen_movcond_i64(TCG_COND_NE, c2, c2, zero, a64_read_x(rt + 1), d2);
    a64_gen_st(ctx, c1, addr, MO_64);
    a64_gen_st(ctx, c2, a2, MO_64);
    a64_write_x(rs, d1, true);
    a64_write_x(rs + 1, d2, true);
}

/*
 * size 001000 o2 L o1=1 Rs o0 Rt2 Rn Rt.  o2 = 0: LDXP/STXP (size 1x) or
 * CASP (size 0x); o2 = 1: CAS.  L is acquire for CAS/CASP, o0 release.
 */
static bool trans_excl_pair_cas(DisasContext *ctx)
{
    uint32_t insn = ctx->insn;
    int size = bits(insn, 30, 2), rs = RM, rt = RD;
    int rt2 = bits(insn, 10, 5);
    bool o2 = bits(insn, 23, 1), l = bits(insn, 22, 1);
    bool o0 = bits(insn, 15, 1);
    bool lse = a64_isar0(ctx, ISAR0_ATOMIC) >= 2;

    if (!o2 && (size & 2)) {
        if (l) {
            gen_ldxp(ctx, size & 1, rt, rt2);
            if (o0) {
                tcg_gen_mb(0);          /* LDAXP */
            }
        } else {
            if (o0) {
                tcg_gen_mb(0);          /* STLXP */
            }
            gen_stxp(ctx, size & 1, rs, rt, rt2);
        }
        return true;
    }
    if (!lse || rt2 != 31) {
        return false;
    }
    if (!o2 && ((rs | rt) & 1)) {
        return false;                   /* CASP needs even registers */
    }
    if (o0) {
        tcg_gen_mb(0);                  /* release */
    }
    if (o2) {
        gen_cas(ctx, size, rs, rt);
    } else if (size & 1) {
        gen_casp64(ctx, rs, rt);
    } else {
        gen_casp32(ctx, rs, rt);
    }
    if (l) {
        tcg_gen_mb(0);                  /* acquire */
    }
    return true;
}

/* ---- LSE atomic memory operations (C4.1.x "Atomic memory ops") ---- */

static void gen_lse_compute(int op, TCGv r, TCGv old, TCGv val)
{
    switch (op) {
    case LSE_ADD: tcg_gen_add_i64(r, old, val); break;
    case LSE_CLR: tcg_gen_andc_i64(r, old, val); break;
    case LSE_EOR: tcg_gen_xor_i64(r, old, val); break;
    case LSE_SET: tcg_gen_or_i64(r, old, val); break;
    case LSE_SMAX:
        tcg_gen_movcond_i64(TCG_COND_GT, r, old, val, old, val);
        break;
    case LSE_SMIN:
        tcg_gen_movcond_i64(TCG_COND_LT, r, old, val, old, val);
        break;
    case LSE_UMAX:
        tcg_gen_movcond_i64(TCG_COND_GTU, r, old, val, old, val);
        break;
    case LSE_UMIN:
        tcg_gen_movcond_i64(TCG_COND_LTU, r, old, val, old, val);
        break;
    default:
        tcg_gen_mov_i64(r, val);        /* SWP */
        break;
    }
}

/*
 * size 111 0 00 A R 1 Rs o3 opc 00 Rn Rt.  Rt = 31 gives the ST* aliases.
 * SMAX/SMIN compare sign-extended values; Rt gets the old value
 * zero-extended from the access size.
 */
static bool trans_lse(DisasContext *ctx)
{
    uint32_t insn = ctx->insn;
    int size = bits(insn, 30, 2), op = bits(insn, 12, 4);
    bool acq = bits(insn, 23, 1), rel = bits(insn, 22, 1);
    bool sign = op == LSE_SMAX || op == LSE_SMIN;
    MemOp mop = size | MO_ALIGN;
    TCGv addr, val, old, cmp_old, res;

    if (a64_isar0(ctx, ISAR0_ATOMIC) < 2 || op > LSE_SWP) {
        return false;                   /* LDAPR (no FEAT_LRCPC) too */
    }
    addr = copy_addr(ctx);
    val = a64_new_tmp();
    old = a64_new_tmp();
    res = a64_new_tmp();
    a64_gen_extend(val, a64_read_x(RM), (sign ? 4 : 0) + size, 0);
    if (rel) {
        tcg_gen_mb(0);
    }
    if (tcg_mttcg) {
        tcg_gen_call4(&helper_info_a64_lse_mt, old, env_ptr(), addr, val,
                      tcg_constant_i64(op | size << 4 | ctx->el << 8));
        if (acq) {
            tcg_gen_mb(0);
        }
        a64_write_x(RD, old, true);
        return true;
    }
    a64_gen_ld(ctx, old, addr, mop);
    cmp_old = old;
    if (sign) {
        cmp_old = a64_new_tmp();
        a64_gen_extend(cmp_old, old, 4 + size, 0);
    }
    gen_lse_compute(op, res, cmp_old, val);
    a64_gen_st(ctx, res, addr, mop);
    if (acq) {
        tcg_gen_mb(0);
    }
    a64_write_x(RD, old, true);
    return true;
}

/* ---- CRC32 (C4.1.x "Data-processing (2 source)", opcode 010xxx) ---- */

static bool trans_crc32(DisasContext *ctx)
{
    int sz = bits(ctx->insn, 10, 2);
    bool crc32c = bits(ctx->insn, 12, 1);
    TCGv r;

    if (a64_isar0(ctx, ISAR0_CRC32) < 1 || SF != (sz == 3)) {
        return false;
    }
    r = a64_new_tmp();
    tcg_gen_call3(&helper_info_a64_crc32, r, a64_read_x(RN), a64_read_x(RM),
                  tcg_constant_i64(sz | crc32c << 2));
    a64_write_x(RD, r, false);
    return true;
}

/* ---- cryptographic extension (C4.1.x "Cryptographic AES/SHA") ---- */

static bool trans_crypto_aes(DisasContext *ctx)
{
    int op = bits(ctx->insn, 12, 5);

    if (op < A64_AESE || op > A64_AESIMC || a64_isar0(ctx, ISAR0_AES) < 1) {
        return false;
    }
    if (a64_fp_access_check(ctx)) {
        tcg_gen_call4(&helper_info_a64_aes, NULL, env_ptr(),
                      tcg_constant_i64(RD), tcg_constant_i64(RN),
                      tcg_constant_i64(op));
    }
    return true;
}

static bool trans_crypto_sha3(DisasContext *ctx)
{
    int op = bits(ctx->insn, 12, 3);
    int field = op <= A64_SHA1SU0 ? ISAR0_SHA1 : ISAR0_SHA2;

    if (op > A64_SHA256SU1 || a64_isar0(ctx, field) < 1) {
        return false;
    }
    if (a64_fp_access_check(ctx)) {
        tcg_gen_call5(&helper_info_a64_sha3, NULL, env_ptr(),
                      tcg_constant_i64(RD), tcg_constant_i64(RN),
                      tcg_constant_i64(RM), tcg_constant_i64(op));
    }
    return true;
}

static bool trans_crypto_sha2(DisasContext *ctx)
{
    int op = bits(ctx->insn, 12, 5);
    int field = op <= A64_SHA1SU1 ? ISAR0_SHA1 : ISAR0_SHA2;

    if (op > A64_SHA256SU0 || a64_isar0(ctx, field) < 1) {
        return false;
    }
    if (a64_fp_access_check(ctx)) {
        tcg_gen_call4(&helper_info_a64_sha2, NULL, env_ptr(),
                      tcg_constant_i64(RD), tcg_constant_i64(RN),
                      tcg_constant_i64(op));
    }
    return true;
}

static const A64Pattern a64_atomic_patterns[] = {
    { 0x3f200000, 0x08200000, trans_excl_pair_cas, "ldxp/stxp/cas/casp" },
    { 0x3f200c00, 0x38200000, trans_lse, "lse atomic" },
    { 0x7fe0e000, 0x1ac04000, trans_crc32, "crc32" },
    { 0xfffe0c00, 0x4e280800, trans_crypto_aes, "crypto aes" },
    { 0xffe08c00, 0x5e000000, trans_crypto_sha3, "crypto sha 3-reg" },
    { 0xfffe0c00, 0x5e280800, trans_crypto_sha2, "crypto sha 2-reg" },
};

const A64PatternTable a64_atomic_table = {
    a64_atomic_patterns, ARRAY_SIZE(a64_atomic_patterns)
};
