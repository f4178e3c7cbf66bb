/* SPDX-License-Identifier: MIT */
/* RISC-V physical memory protection (privileged spec 1.12, section 3.7). */
#include "cpu.h"

/* pmpNcfg fields (spec figure 3.28). */
#define PMP_R       0x01
#define PMP_W       0x02
#define PMP_X       0x04
#define PMP_A_SHIFT 3
#define PMP_A_MASK  (3 << PMP_A_SHIFT)
#define PMP_L       0x80

enum { PMP_A_OFF = 0, PMP_A_TOR = 1, PMP_A_NA4 = 2, PMP_A_NAPOT = 3 };

/* pmpaddr holds physical address bits 55:2 on RV64. */
#define PMPADDR_MASK ((1ULL << 54) - 1)

static int pmp_nr(CPURISCVState *env)
{
    RISCVCPU *cpu = container_of(env, RISCVCPU, env);

    return MIN(cpu->cfg.pmp_regions, 16);
}

static int pmp_mode(uint8_t cfg)
{
    return (cfg & PMP_A_MASK) >> PMP_A_SHIFT;
}

/* Byte range [*lo, *hi) matched by entry i; false if it matches nothing. */
static bool pmp_range(CPURISCVState *env, int i, uint64_t *lo, uint64_t *hi)
{
    uint64_t a = env->pmpaddr[i];
    uint64_t size;
    int ones;

    switch (pmp_mode(env->pmpcfg[i])) {
    case PMP_A_TOR:
        *lo = i == 0 ? 0 : env->pmpaddr[i - 1] << 2;
        *hi = a << 2;
        return *lo < *hi;
    case PMP_A_NA4:
        *lo = a << 2;
        *hi = *lo + 4;
        return true;
    case PMP_A_NAPOT:
        /* Trailing ones give the size: 2^(ones + 3) bytes (3.7.1.2). */
        ones = __builtin_ctzll(~a);     /* a < 2^54, so ones <= 54 */
        size = 1ULL << (ones + 3);
        *lo = (a << 2) & ~(size - 1);
        *hi = *lo + size;
        return true;
    default:
        return false;
    }
}

/*
 * Permissions (PAGE_*) granted for the whole range [addr, addr + size) at
 * privilege priv, or -1 when the first matching entry covers only part of
 * it.  The lowest-numbered entry that matches any byte decides (3.7.1).
 */
static int pmp_lookup(CPURISCVState *env, hwaddr addr, uint64_t size,
                      int priv)
{
    uint64_t end = addr + size;
    int n = pmp_nr(env);
    int i;

    for (i = 0; i < n; i++) {
        uint8_t cfg = env->pmpcfg[i];
        uint64_t lo, hi;
        int prot;

        if (!pmp_range(env, i, &lo, &hi)) {
            continue;
        }
        if (addr >= hi || end <= lo) {
            continue;
        }
        if (addr < lo || end > hi) {
            return -1;          /* partial match: the access fails */
        }
        if (priv == PRV_M && !(cfg & PMP_L)) {
            return PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        }
        prot = 0;
        if (cfg & PMP_R) {
            prot |= PAGE_READ;
        }
        if (cfg & PMP_W) {
            prot |= PAGE_WRITE;
        }
        if (cfg & PMP_X) {
            prot |= PAGE_EXEC;
        }
        return prot;
    }
    /*
     * No match: M-mode succeeds; S/U fail as soon as any entry is
     * implemented (3.7.1), whether or not it is active.
     */
    if (priv == PRV_M || n == 0) {
        return PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    }
    return 0;
}

bool riscv_pmp_check(CPURISCVState *env, hwaddr addr, uint64_t size,
                     int prot, int priv)
{
    int allowed;

    if (size == 0) {
        size = 1;
    }
    if (addr + size < addr) {
        return false;           /* wraps the physical address space */
    }
    allowed = pmp_lookup(env, addr, size, priv);
    return allowed >= 0 && (allowed & prot) == prot;
}

int riscv_pmp_page_prot(CPURISCVState *env, hwaddr page, int priv)
{
    return pmp_lookup(env, page & TARGET_PAGE_MASK, TARGET_PAGE_SIZE, priv);
}

static bool pmp_locked(CPURISCVState *env, int i)
{
    return (env->pmpcfg[i] & PMP_L) != 0;
}

uint64_t riscv_pmpcfg_read(CPURISCVState *env, int reg)
{
    uint64_t val = 0;
    int i;

    /* RV64: only even pmpcfg registers exist, each holds 8 entries. */
    if (reg < 0 || reg > 14 || (reg & 1)) {
        return 0;
    }
    for (i = 0; i < 8; i++) {
        int idx = reg * 4 + i;

        if (idx < pmp_nr(env)) {
            val |= (uint64_t)env->pmpcfg[idx] << (8 * i);
        }
    }
    return val;
}

void riscv_pmpcfg_write(CPURISCVState *env, int reg, uint64_t val)
{
    bool changed = false;
    int i;

    if (reg < 0 || reg > 14 || (reg & 1)) {
        return;
    }
    for (i = 0; i < 8; i++) {
        int idx = reg * 4 + i;
        uint8_t cfg = (val >> (8 * i)) & 0xff;

        if (idx >= pmp_nr(env) || pmp_locked(env, idx)) {
            continue;           /* locked entries ignore writes */
        }
        cfg &= PMP_R | PMP_W | PMP_X | PMP_A_MASK | PMP_L;
        /* R=0 W=1 is reserved: keep the entry consistent (WARL). */
        if ((cfg & (PMP_R | PMP_W)) == PMP_W) {
            cfg &= ~PMP_W;
        }
        if (env->pmpcfg[idx] != cfg) {
            env->pmpcfg[idx] = cfg;
            changed = true;
        }
    }
    if (changed) {
        tlb_flush(env_cpu(env));
    }
}

uint64_t riscv_pmpaddr_read(CPURISCVState *env, int i)
{
    if (i < 0 || i >= pmp_nr(env)) {
        return 0;
    }
    return env->pmpaddr[i];
}

void riscv_pmpaddr_write(CPURISCVState *env, int i, uint64_t val)
{
    if (i < 0 || i >= pmp_nr(env)) {
        return;
    }
    if (pmp_locked(env, i)) {
        return;
    }
    /* A locked TOR entry also locks the pmpaddr below it. */
    if (i + 1 < pmp_nr(env) && pmp_locked(env, i + 1) &&
        pmp_mode(env->pmpcfg[i + 1]) == PMP_A_TOR) {
        return;
    }
    val &= PMPADDR_MASK;
    if (env->pmpaddr[i] != val) {
        env->pmpaddr[i] = val;
        tlb_flush(env_cpu(env));
    }
}
