/* SPDX-License-Identifier: MIT */
/* RISC-V hart: trap entry, interrupt selection, MMU page walk, TLB fill. */
#include "cpu.h"
#include "machina/memory.h"
#include <inttypes.h>

/* Page table entry bits (privileged spec 4.3.1, 4.4.1). */
#define PTE_V   (1ULL << 0)
#define PTE_R   (1ULL << 1)
#define PTE_W   (1ULL << 2)
#define PTE_X   (1ULL << 3)
#define PTE_U   (1ULL << 4)
#define PTE_G   (1ULL << 5)
#define PTE_A   (1ULL << 6)
#define PTE_D   (1ULL << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  ((1ULL << 44) - 1)
#define PTE_RESERVED  (0x7fULL << 54)   /* bits 60:54 */
#define PTE_PBMT      (3ULL << 61)      /* Svpbmt: not implemented */
#define PTE_N         (1ULL << 63)      /* Svnapot: not implemented */

#define SATP_MODE_SHIFT 60
#define SATP_PPN_MASK   ((1ULL << 44) - 1)
#define SATP_MODE_BARE  0

#define CAUSE_IRQ_FLAG  (1ULL << 63)

static const char *const riscv_excp_names[16] = {
    "misaligned_fetch", "fault_fetch", "illegal_instruction",
    "breakpoint", "misaligned_load", "fault_load", "misaligned_store",
    "fault_store", "user_ecall", "supervisor_ecall", "reserved_10",
    "machine_ecall", "exec_page_fault", "load_page_fault", "reserved_14",
    "store_page_fault",
};

static const char *const riscv_irq_names[16] = {
    "u_software", "s_software", "reserved_2", "m_software", "u_timer",
    "s_timer", "reserved_6", "m_timer", "u_external", "s_external",
    "reserved_10", "m_external", "reserved_12", "reserved_13",
    "reserved_14", "reserved_15",
};

/* ---- exceptions ---- */

void riscv_raise_exception(CPURISCVState *env, int cause, uint64_t tval,
                           uintptr_t retaddr)
{
    CPUState *cs = env_cpu(env);

    cs->exception_index = cause;
    env->badaddr = tval;
    cpu_loop_exit_restore(cs, retaddr);
}

static uint64_t tvec_target(uint64_t tvec, uint64_t cause, bool is_irq)
{
    uint64_t base = tvec & ~3ULL;

    /* Vectored mode only applies to interrupts (3.1.7). */
    if ((tvec & 3) == 1 && is_irq) {
        return base + 4 * cause;
    }
    return base;
}

void riscv_cpu_do_trap(CPURISCVState *env, uint64_t cause, bool is_irq,
                       uint64_t tval)
{
    CPUState *cs = env_cpu(env);
    uint64_t deleg = is_irq ? env->mideleg : env->medeleg;
    uint64_t prev = env->priv;
    uint64_t s = env->mstatus;

    /* The translator raises U_ECALL; the cause depends on the mode. */
    if (!is_irq && cause == RISCV_EXCP_U_ECALL) {
        cause = RISCV_EXCP_U_ECALL + prev;
    }
    /* Only these exceptions carry a tval (3.1.16); others write 0. */
    if (!is_irq) {
        switch (cause) {
        case RISCV_EXCP_INST_ADDR_MIS:
        case RISCV_EXCP_INST_ACCESS_FAULT:
        case RISCV_EXCP_ILLEGAL_INST:
        case RISCV_EXCP_BREAKPOINT:
        case RISCV_EXCP_LOAD_ADDR_MIS:
        case RISCV_EXCP_LOAD_ACCESS_FAULT:
        case RISCV_EXCP_STORE_AMO_ADDR_MIS:
        case RISCV_EXCP_STORE_AMO_ACCESS_FAULT:
        case RISCV_EXCP_INST_PAGE_FAULT:
        case RISCV_EXCP_LOAD_PAGE_FAULT:
        case RISCV_EXCP_STORE_PAGE_FAULT:
            break;
        default:
            tval = 0;
            break;
        }
    } else {
        tval = 0;
    }

    if (prev <= PRV_S && cause < 64 && ((deleg >> cause) & 1)) {
        /* Delegated to S-mode (3.1.8). */
        s = (s & ~MSTATUS_SPIE) | ((s & MSTATUS_SIE) ? MSTATUS_SPIE : 0);
        s &= ~MSTATUS_SIE;
        s = (s & ~MSTATUS_SPP) | (prev == PRV_S ? MSTATUS_SPP : 0);
        env->mstatus = s;
        env->scause = cause | (is_irq ? CAUSE_IRQ_FLAG : 0);
        env->sepc = env->pc;
        env->stval = tval;
        env->pc = tvec_target(env->stvec, cause, is_irq);
        env->priv = PRV_S;
    } else {
        s = (s & ~MSTATUS_MPIE) | ((s & MSTATUS_MIE) ? MSTATUS_MPIE : 0);
        s &= ~MSTATUS_MIE;
        s = (s & ~MSTATUS_MPP) | (prev << 11);
        env->mstatus = s;
        env->mcause = cause | (is_irq ? CAUSE_IRQ_FLAG : 0);
        env->mepc = env->pc;
        env->mtval = tval;
        env->pc = tvec_target(env->mtvec, cause, is_irq);
        env->priv = PRV_M;
    }
    /* An SC after a trap must not pair with an LR from before it. */
    env->load_res = (uint64_t)-1;

    if (log_enabled(LOG_INT)) {
        log_printf("riscv hart %d: %s %" PRIu64 " (%s) epc 0x%016" PRIx64
                   " tval 0x%" PRIx64 " priv %" PRIu64 " -> %" PRIu64
                   " pc 0x%016" PRIx64 "\n",
                   cs->cpu_index, is_irq ? "interrupt" : "exception",
                   cause, cause < 16 ? (is_irq ? riscv_irq_names[cause] :
                                        riscv_excp_names[cause]) : "?",
                   env->priv == PRV_S ? env->sepc : env->mepc, tval, prev,
                   env->priv, env->pc);
    }
}

void riscv_cpu_do_exception(CPUState *cs)
{
    CPURISCVState *env = cpu_env(cs);
    int cause = cs->exception_index;

    if (cause < 0 || cause >= 16) {
        return;                 /* engine-internal (EXCP_HLT, ...) */
    }
    riscv_cpu_do_trap(env, cause, false, env->badaddr);
    cs->exception_index = EXCP_NONE;
}

/* ---- interrupts ---- */

/* Priority order within a target mode (3.1.9). */
static const int irq_priority[] = {
    IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER,
};

static int pick_irq(uint64_t irqs)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(irq_priority); i++) {
        if (irqs & (1ULL << irq_priority[i])) {
            return irq_priority[i];
        }
    }
    return -1;
}

int riscv_cpu_pending_irq(CPURISCVState *env)
{
    uint64_t pending = __atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) &
                       env->mie;
    uint64_t m_irqs = pending & ~env->mideleg;
    uint64_t s_irqs = pending & env->mideleg;
    bool m_on = env->priv < PRV_M || (env->mstatus & MSTATUS_MIE);
    bool s_on = env->priv < PRV_S ||
                (env->priv == PRV_S && (env->mstatus & MSTATUS_SIE));

    /* Interrupts for M-mode come before those for S-mode. */
    if (m_on && m_irqs) {
        return pick_irq(m_irqs);
    }
    if (s_on && s_irqs) {
        return pick_irq(s_irqs);
    }
    return -1;
}

void riscv_cpu_check_interrupts(CPURISCVState *env)
{
    CPUState *cs = env_cpu(env);

    if (riscv_cpu_pending_irq(env) >= 0) {
        cpu_interrupt(cs, CPU_INTERRUPT_HARD);
    }
}

void riscv_cpu_update_mip(CPURISCVState *env, uint64_t mask, uint64_t val)
{
    CPUState *cs = env_cpu(env);
    uint64_t old = __atomic_load_n(&env->mip, __ATOMIC_RELAXED);
    uint64_t new;

    do {
        new = (old & ~mask) | (val & mask);
    } while (!__atomic_compare_exchange_n(&env->mip, &old, new, false,
                                          __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED));
    /* Any pending enabled bit wakes WFI, even if globally disabled. */
    if (new & env->mie) {
        cpu_interrupt(cs, CPU_INTERRUPT_HARD);
    } else {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
        /*
         * Another thread (a timer on the main loop) may have set a bit
         * and the request between our CAS and the reset: don't lose it,
         * or a hart in WFI sleeps on with the timer pending.
         */
        if (__atomic_load_n(&env->mip, __ATOMIC_SEQ_CST) & env->mie) {
            cpu_interrupt(cs, CPU_INTERRUPT_HARD);
        }
    }
}

bool riscv_cpu_exec_interrupt(CPUState *cs)
{
    CPURISCVState *env = cpu_env(cs);
    int irq;

    if (!(cs->interrupt_request & CPU_INTERRUPT_HARD)) {
        return false;
    }
    irq = riscv_cpu_pending_irq(env);
    if (irq < 0) {
        return false;
    }
    riscv_cpu_do_trap(env, irq, true, 0);
    return true;
}

bool riscv_cpu_has_work(CPUState *cs)
{
    CPURISCVState *env = cpu_env(cs);

    return (__atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) & env->mie) != 0;
}

/* M-mode with MIE clear: firmware that no interrupt can preempt. */
bool riscv_cpu_no_preempt(CPUState *cs)
{
    CPURISCVState *env = cpu_env(cs);

    return env->priv == PRV_M && !(env->mstatus & MSTATUS_MIE);
}

/* ---- MMU ---- */

int riscv_cpu_mmu_index(CPURISCVState *env, bool ifetch)
{
    uint64_t mode = env->priv;

    if (ifetch) {
        return mode == PRV_M ? MMUIDX_M : mode == PRV_S ? MMUIDX_S : MMUIDX_U;
    }
    if (mode == PRV_M && (env->mstatus & MSTATUS_MPRV)) {
        mode = (env->mstatus & MSTATUS_MPP) >> 11;
    }
    switch (mode) {
    case PRV_M:
        return MMUIDX_M;
    case PRV_S:
        return (env->mstatus & MSTATUS_SUM) ? MMUIDX_S_SUM : MMUIDX_S;
    default:
        return MMUIDX_U;
    }
}

static int mmuidx_priv(int mmu_idx)
{
    switch (mmu_idx) {
    case MMUIDX_M:
        return PRV_M;
    case MMUIDX_S:
    case MMUIDX_S_SUM:
        return PRV_S;
    default:
        return PRV_U;
    }
}

static int page_fault_cause(MMUAccessType at)
{
    switch (at) {
    case MMU_INST_FETCH:
        return RISCV_EXCP_INST_PAGE_FAULT;
    case MMU_DATA_STORE:
        return RISCV_EXCP_STORE_PAGE_FAULT;
    default:
        return RISCV_EXCP_LOAD_PAGE_FAULT;
    }
}

static int access_fault_cause(MMUAccessType at)
{
    switch (at) {
    case MMU_INST_FETCH:
        return RISCV_EXCP_INST_ACCESS_FAULT;
    case MMU_DATA_STORE:
        return RISCV_EXCP_STORE_AMO_ACCESS_FAULT;
    default:
        return RISCV_EXCP_LOAD_ACCESS_FAULT;
    }
}

static int access_prot(MMUAccessType at)
{
    switch (at) {
    case MMU_INST_FETCH:
        return PAGE_EXEC;
    case MMU_DATA_STORE:
        return PAGE_WRITE;
    default:
        return PAGE_READ;
    }
}

/*
 * Sv39/Sv48/Sv57 walk (4.3.2).  Returns 0 with the physical address and
 * the page's permissions for this mmu index, or an exception cause.  PTE
 * reads and A/D writes are themselves checked by PMP at S level.
 * *global: the mapping exists in every address space (a G bit on the
 * way down, or no translation at all).
 */
static int riscv_walk(CPURISCVState *env, vaddr addr, MMUAccessType at,
                      int mmu_idx, bool update_ad, hwaddr *pa, int *prot,
                      uint64_t *pgsize, bool *global)
{
    int priv = mmuidx_priv(mmu_idx);
    bool sum = mmu_idx == MMUIDX_S_SUM;
    bool mxr = (env->mstatus & MSTATUS_MXR) != 0;
    int mode = env->satp >> SATP_MODE_SHIFT;
    int levels, va_bits, i;
    hwaddr base;
    int restarts = 0;

    if (priv == PRV_M || mode == SATP_MODE_BARE ||
        !(env->misa & (1ULL << ('S' - 'A')))) {
        *pa = addr;
        *prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        *pgsize = TARGET_PAGE_SIZE;
        *global = true;
        return 0;
    }
    if (mode < 8 || mode > 10) {
        return page_fault_cause(at);    /* csr.c never stores these */
    }
    levels = mode - 5;          /* 8 -> 3, 9 -> 4, 10 -> 5 */
    va_bits = 12 + 9 * levels;
    /* Bits above the VA width must equal its top bit (4.3.1). */
    if ((uint64_t)sextract64(addr, 0, va_bits) != addr) {
        log_mask_printf(LOG_MMU, "riscv mmu: non-canonical 0x%" PRIx64 "\n",
                        addr);
        return page_fault_cause(at);
    }

restart:
    base = (env->satp & SATP_PPN_MASK) << 12;
    *global = false;
    for (i = levels - 1; i >= 0; i--) {
        int shift = 12 + 9 * i;
        hwaddr pte_addr = base + ((addr >> shift) & 511) * 8;
        uint64_t pte, ppn, upd;
        int p = 0;

        if (!riscv_pmp_check(env, pte_addr, 8, PAGE_READ, PRV_S)) {
            return access_fault_cause(at);
        }
        if (address_space_read(&address_space_memory, pte_addr, &pte, 8) !=
            MEMTX_OK) {
            return access_fault_cause(at);
        }
        if (pte & (PTE_RESERVED | PTE_PBMT | PTE_N)) {
            return page_fault_cause(at);
        }
        if (!(pte & PTE_V) || ((pte & (PTE_R | PTE_W)) == PTE_W)) {
            return page_fault_cause(at);
        }
        ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
        /* G on a pointer makes everything below it global (4.3.1). */
        if (pte & PTE_G) {
            *global = true;
        }
        if (!(pte & (PTE_R | PTE_W | PTE_X))) {
            base = ppn << 12;   /* pointer to the next level */
            continue;
        }
        /* Leaf: superpages need the low PPN bits clear (4.3.2 step 6). */
        if (i > 0 && (ppn & ((1ULL << (9 * i)) - 1))) {
            return page_fault_cause(at);
        }
        /* Permissions for this privilege (4.3.1, SUM and MXR). */
        if (pte & PTE_U) {
            if (priv == PRV_U || sum) {
                p |= (pte & PTE_R) || (mxr && (pte & PTE_X)) ? PAGE_READ : 0;
                p |= (pte & PTE_W) ? PAGE_WRITE : 0;
            }
            /* S-mode never executes user pages. */
            p |= priv == PRV_U && (pte & PTE_X) ? PAGE_EXEC : 0;
        } else if (priv == PRV_S) {
            p |= (pte & PTE_R) || (mxr && (pte & PTE_X)) ? PAGE_READ : 0;
            p |= (pte & PTE_W) ? PAGE_WRITE : 0;
            p |= (pte & PTE_X) ? PAGE_EXEC : 0;
        }
        if (!(p & access_prot(at))) {
            return page_fault_cause(at);
        }

        /* Hardware A/D update (4.3.2 step 7), atomically in RAM. */
        upd = pte | PTE_A | (at == MMU_DATA_STORE ? PTE_D : 0);
        if (upd != pte && update_ad) {
            uint64_t *host;
            uint64_t expected = pte;

            if (!riscv_pmp_check(env, pte_addr, 8, PAGE_WRITE, PRV_S)) {
                return access_fault_cause(at);
            }
            host = dma_map(&address_space_memory, pte_addr, 8, true);
            if (!host || (pte_addr & 7)) {
                return access_fault_cause(at);
            }
            if (!__atomic_compare_exchange_n(host, &expected, upd, false,
                                             __ATOMIC_SEQ_CST,
                                             __ATOMIC_SEQ_CST)) {
                /* Another hart changed the PTE: walk again. */
                if (++restarts > 64) {
                    return page_fault_cause(at);
                }
                goto restart;
            }
            if (memory_ram_write_notify) {
                memory_ram_write_notify(pte_addr, 8);
            }
            pte = upd;
        }
        /* Keep stores to clean pages on the slow path so D gets set. */
        if (!(pte & PTE_D)) {
            p &= ~PAGE_WRITE;
        }
        if (!(pte & PTE_A)) {
            p = 0;              /* debug walk of a not-yet-accessed page */
        }
        *pa = (ppn << 12) | (addr & ((1ULL << shift) - 1));
        *prot = p;
        *pgsize = 1ULL << shift;
        return 0;
    }
    return page_fault_cause(at);    /* no leaf at level 0 */
}

int riscv_cpu_translate(CPURISCVState *env, vaddr addr,
                        MMUAccessType access_type, int mmu_idx,
                        bool update_ad, hwaddr *pa, int *prot)
{
    uint64_t pgsize;
    bool global;
    int ret = riscv_walk(env, addr, access_type, mmu_idx, update_ad, pa,
                         prot, &pgsize, &global);

    if (ret) {
        log_mask_printf(LOG_MMU, "riscv mmu: fault %d at 0x%" PRIx64
                        " access %d mmu_idx %d\n", ret, addr, access_type,
                        mmu_idx);
    }
    return ret;
}

bool riscv_cpu_tlb_fill(CPUState *cs, vaddr addr, int size,
                        MMUAccessType access_type, int mmu_idx, bool probe,
                        uintptr_t retaddr)
{
    CPURISCVState *env = cpu_env(cs);
    int priv = mmuidx_priv(mmu_idx);
    uint64_t in_page, len;
    hwaddr pa;
    int prot, pmp_prot, ret;
    uint64_t tlb_size;
    bool global = false;

    ret = riscv_walk(env, addr, access_type, mmu_idx, true, &pa, &prot,
                     &tlb_size, &global);
    if (ret) {
        log_mask_printf(LOG_MMU, "riscv mmu: fault %d at 0x%" PRIx64
                        " access %d mmu_idx %d\n", ret, addr, access_type,
                        mmu_idx);
    }
    if (!ret) {
        pmp_prot = riscv_pmp_page_prot(env, pa, priv);
        if (pmp_prot >= 0) {
            /*
             * One rule (or none) decides for the whole page, so also for
             * the access within it.
             */
            if (!(pmp_prot & access_prot(access_type))) {
                ret = access_fault_cause(access_type);
            } else {
                prot &= pmp_prot;
            }
        } else {
            /* PMP must cover the whole access (within this page). */
            in_page = TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK);
            len = size > 0 ? MIN((uint64_t)size, in_page) : 1;
            if (!riscv_pmp_check(env, pa, len, access_prot(access_type),
                                 priv)) {
                ret = access_fault_cause(access_type);
            } else {
                /*
                 * PMP rules differ within the page: allow only this
                 * access type, and ask for an uncached entry (a size
                 * below a page; see docs/devel/riscv-cpu.md).
                 */
                prot &= access_prot(access_type);
                tlb_size = 1;
            }
        }
    }
    if (ret) {
        if (probe) {
            return false;
        }
        riscv_raise_exception(env, ret, addr, retaddr);
    }
    /*
     * Non-global entries belong to the current ASID: a satp write that
     * switches ASID drops only them (csr.c, tlb_switch_asid()).
     */
    if (!global) {
        prot |= PAGE_NONGLOBAL;
    }
    /* Superpage sizes let tlb_flush_page() drop all 4K pieces. */
    tlb_set_page(cs, addr & TARGET_PAGE_MASK, pa & TARGET_PAGE_MASK, prot,
                 mmu_idx, tlb_size);
    return true;
}

void riscv_cpu_do_transaction_failed(CPUState *cs, hwaddr phys, vaddr addr,
                                     MMUAccessType access_type, int mmu_idx,
                                     uintptr_t retaddr)
{
    CPURISCVState *env = cpu_env(cs);

    (void)phys;
    (void)mmu_idx;
    riscv_raise_exception(env, access_fault_cause(access_type), addr,
                          retaddr);
}

void riscv_cpu_do_unaligned_access(CPUState *cs, vaddr addr,
                                   MMUAccessType access_type, int mmu_idx,
                                   uintptr_t retaddr)
{
    CPURISCVState *env = cpu_env(cs);
    int cause;

    (void)mmu_idx;
    switch (access_type) {
    case MMU_INST_FETCH:
        cause = RISCV_EXCP_INST_ADDR_MIS;
        break;
    case MMU_DATA_STORE:
        cause = RISCV_EXCP_STORE_AMO_ADDR_MIS;
        break;
    default:
        cause = RISCV_EXCP_LOAD_ADDR_MIS;
        break;
    }
    riscv_raise_exception(env, cause, addr, retaddr);
}

hwaddr riscv_cpu_get_phys_page_debug(CPUState *cs, vaddr addr)
{
    CPURISCVState *env = cpu_env(cs);
    uint64_t pgsize;
    hwaddr pa;
    int prot;
    bool global;

    /* No A/D updates and no faults: a debugger only looks. */
    if (riscv_walk(env, addr, MMU_DATA_LOAD,
                   riscv_cpu_mmu_index(env, false), false, &pa, &prot,
                   &pgsize, &global) &&
        riscv_walk(env, addr, MMU_INST_FETCH,
                   riscv_cpu_mmu_index(env, true), false, &pa, &prot,
                   &pgsize, &global)) {
        return (hwaddr)-1;
    }
    return pa & TARGET_PAGE_MASK;
}
