/* SPDX-License-Identifier: MIT */
/* RISC-V helpers called from generated code: CSRs, xRET, WFI, fences, CMO. */
#include "cpu.h"

#define ENVCFG_CBIE   (3ULL << 4)
#define ENVCFG_CBCFE  (1ULL << 6)
#define ENVCFG_CBZE   (1ULL << 7)

static NORETURN void raise_illegal(CPURISCVState *env, uintptr_t ra)
{
    /*
     * tval = the faulting instruction (privileged spec 3.1.16), stored by
     * the translator just before the helper call (gen_save_insn_bits).
     */
    riscv_raise_exception(env, RISCV_EXCP_ILLEGAL_INST, env->insn_bits, ra);
}

uint64_t helper_csrr(CPUState *cs, uint64_t csr)
{
    uintptr_t ra = GETPC();
    CPURISCVState *env = cpu_env(cs);
    uint64_t val;

    if (csr > 0xfff || riscv_csr_read(env, (int)csr, &val) < 0) {
        raise_illegal(env, ra);
    }
    return val;
}

uint64_t helper_csrrw(CPUState *cs, uint64_t csr, uint64_t src,
                      uint64_t write_mask)
{
    uintptr_t ra = GETPC();
    CPURISCVState *env = cpu_env(cs);
    uint64_t old;

    if (csr > 0xfff || riscv_csr_read(env, (int)csr, &old) < 0) {
        raise_illegal(env, ra);
    }
    if (riscv_csr_write(env, (int)csr, (old & ~write_mask) |
                        (src & write_mask)) < 0) {
        raise_illegal(env, ra);
    }
    return old;
}

uint64_t helper_mret(CPUState *cs)
{
    uintptr_t ra = GETPC();
    CPURISCVState *env = cpu_env(cs);
    uint64_t s = env->mstatus;
    uint64_t prev;

    if (env->priv < PRV_M) {
        raise_illegal(env, ra);
    }
    prev = (s & MSTATUS_MPP) >> 11;
    s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    s |= MSTATUS_MPIE;
    s &= ~MSTATUS_MPP;          /* MPP = U, the least-privileged mode */
    if (prev != PRV_M) {
        s &= ~MSTATUS_MPRV;
    }
    env->mstatus = s;
    env->priv = prev;
    env->load_res = (uint64_t)-1;
    riscv_cpu_check_interrupts(env);
    return env->mepc & (env->misa & (1ULL << ('C' - 'A')) ? ~1ULL : ~3ULL);
}

uint64_t helper_sret(CPUState *cs)
{
    uintptr_t ra = GETPC();
    CPURISCVState *env = cpu_env(cs);
    uint64_t s = env->mstatus;
    uint64_t prev;

    /* TSR traps SRET in S-mode (3.1.6.5). */
    if (env->priv < PRV_S ||
        (env->priv == PRV_S && (s & MSTATUS_TSR))) {
        raise_illegal(env, ra);
    }
    prev = (s & MSTATUS_SPP) ? PRV_S : PRV_U;
    s = (s & ~MSTATUS_SIE) | ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
    s |= MSTATUS_SPIE;
    s &= ~MSTATUS_SPP;
    s &= ~MSTATUS_MPRV;         /* the new mode is never M */
    env->mstatus = s;
    env->priv = prev;
    env->load_res = (uint64_t)-1;
    riscv_cpu_check_interrupts(env);
    return env->sepc & (env->misa & (1ULL << ('C' - 'A')) ? ~1ULL : ~3ULL);
}

void helper_wfi(CPUState *cs)
{
    uintptr_t ra = GETPC();
    CPURISCVState *env = cpu_env(cs);

    /* U-mode WFI and S-mode WFI with TW set are illegal (3.1.6.5). */
    if (env->priv == PRV_U ||
        (env->priv < PRV_M && (env->mstatus & MSTATUS_TW))) {
        raise_illegal(env, ra);
    }
    if (riscv_cpu_has_work(cs)) {
        /*
         * Already pending: WFI is a nop, and a loop around it is a
         * spin-wait (OpenSBI's HSM wait with a stale MSIP): give the
         * other harts the host thread, as PAUSE does.
         */
        cpu_yield(cs);
        return;
    }
    /*
     * Resume after the WFI (always 4 bytes) once woken; an interrupt
     * taken then gets xepc = pc + 4 (3.3.3).  If the restore fails, the
     * translator has already stored the next pc.
     */
    if (cpu_restore_state(cs, ra)) {
        env->pc += 4;
    }
    cs->halted = true;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

void helper_sfence_vma(CPUState *cs, uint64_t addr, uint64_t asid)
{
    uintptr_t ra = GETPC();
    CPURISCVState *env = cpu_env(cs);

    (void)asid;
    if (env->priv == PRV_U ||
        (env->priv == PRV_S && (env->mstatus & MSTATUS_TVM))) {
        raise_illegal(env, ra);
    }
    /*
     * TLB entries carry no ASID (a satp switch drops the non-global ones),
     * so every flush covers all ASIDs.  rs1 = x0 arrives as 0: address 0
     * is treated as "all" (a superset).  The engine widens a page flush
     * to everything for superpages.
     */
    if (addr == 0) {
        tlb_flush(cs);
    } else {
        tlb_flush_page(cs, addr);
    }
}

void helper_fence_i(CPUState *cs)
{
    /* Stores to code pages already invalidate TBs; ending the TB is enough. */
    (void)cs;
}

void helper_raise_exception(CPUState *cs, uint64_t cause, uint64_t tval)
{
    uintptr_t ra = GETPC();

    riscv_raise_exception(cpu_env(cs), (int)cause, tval, ra);
}

/* Zicbom/Zicboz enables from menvcfg/senvcfg for the current mode. */
static bool cbo_enabled(CPURISCVState *env, uint64_t bits)
{
    if (env->priv == PRV_M) {
        return true;
    }
    if (!(env->menvcfg & bits)) {
        return false;
    }
    if (env->priv == PRV_U && !(env->senvcfg & bits)) {
        return false;
    }
    return true;
}

void helper_cbo_zero(CPUState *cs, uint64_t addr)
{
    uintptr_t ra = GETPC();
    CPURISCVState *env = cpu_env(cs);
    RISCVCPU *cpu = riscv_cpu(cs);
    uint64_t bs = cpu->cfg.cboz_blocksize ? cpu->cfg.cboz_blocksize : 64;
    int idx = riscv_cpu_mmu_index(env, false);
    uint64_t i;

    if (!cbo_enabled(env, ENVCFG_CBZE)) {
        raise_illegal(env, ra);
    }
    addr &= ~(bs - 1);
    /* The block is aligned, so it never crosses a page. */
    for (i = 0; i < bs; i += 8) {
        cpu_st_mmu(cs, addr + i, 0, make_memop_idx(MO_64, idx), ra);
    }
}

void helper_cbo_check(CPUState *cs, uint64_t addr, uint64_t is_inval)
{
    uintptr_t ra = GETPC();
    CPURISCVState *env = cpu_env(cs);
    int idx = riscv_cpu_mmu_index(env, false);
    int priv = idx == MMUIDX_M ? PRV_M : idx == MMUIDX_U ? PRV_U : PRV_S;
    hwaddr pa;
    int prot, cause;

    if (!cbo_enabled(env, is_inval ? ENVCFG_CBIE : ENVCFG_CBCFE)) {
        raise_illegal(env, ra);
    }
    /* CMOs fault as stores (Zicbom 2.5) but need only read permission. */
    cause = riscv_cpu_translate(env, addr, MMU_DATA_LOAD, idx, false, &pa,
                                &prot);
    if (cause == RISCV_EXCP_LOAD_PAGE_FAULT) {
        riscv_raise_exception(env, RISCV_EXCP_STORE_PAGE_FAULT, addr, ra);
    } else if (cause) {
        riscv_raise_exception(env, RISCV_EXCP_STORE_AMO_ACCESS_FAULT, addr,
                              ra);
    }
    if (!riscv_pmp_check(env, pa, 1, PAGE_READ, priv) &&
        !riscv_pmp_check(env, pa, 1, PAGE_WRITE, priv)) {
        riscv_raise_exception(env, RISCV_EXCP_STORE_AMO_ACCESS_FAULT, addr,
                              ra);
    }
}

/* Input counts include the CPUState * argument. */
DEF_HELPER(csrr, 0, 2, true);
DEF_HELPER(csrrw, 0, 4, true);
DEF_HELPER(mret, 0, 1, true);
DEF_HELPER(sret, 0, 1, true);
DEF_HELPER(wfi, 0, 1, false);
DEF_HELPER(sfence_vma, 0, 3, false);
DEF_HELPER(fence_i, 0, 1, false);

void helper_pause(CPUState *cs)
{
    cpu_yield(cs);
}
DEF_HELPER(pause, TCG_CALL_NO_RWG, 1, false);
DEF_HELPER(raise_exception, 0, 3, false);
DEF_HELPER(cbo_zero, 0, 2, false);
DEF_HELPER(cbo_check, 0, 3, false);
