/* SPDX-License-Identifier: MIT */
/*
 * RISC-V hart state (private to cpu/riscv).  Shared by the translator
 * (translate.c, trans_*.c), the system side (csr.c, cpu_helper.c, pmp.c)
 * and the FP helpers (fpu_helper.c).
 */
#ifndef RISCV_CPU_H
#define RISCV_CPU_H

#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/riscv.h"
#include "machina/timer.h"

/* Privilege levels. */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/*
 * MMU indexes: data accesses use the effective privilege (after MPRV)
 * plus SUM; fetches use the current privilege.
 */
#define MMUIDX_U      0
#define MMUIDX_S      1
#define MMUIDX_M      3
#define MMUIDX_S_SUM  5

/* TB flags (translation depends on these). */
#define TB_FLAGS_PRIV_SHIFT   0     /* 2 bits: current privilege */
#define TB_FLAGS_MEMIDX_SHIFT 2     /* 3 bits: mmu index for data */
#define TB_FLAGS_FS_SHIFT     5     /* 2 bits: mstatus.FS */
#define TB_FLAGS_FRM_SHIFT    7     /* 3 bits: fcsr.frm (FP fast paths) */

typedef struct RISCVConfig {
    bool ext_m, ext_a, ext_f, ext_d, ext_c;
    bool ext_zba, ext_zbb, ext_zbc, ext_zbs;
    bool ext_zicbom, ext_zicboz, ext_zihintpause, ext_sstc;
    bool ext_zicsr, ext_zifencei;
    bool ext_s, ext_u;
    int satp_mode_max;          /* 8 = Sv39, 9 = Sv48, 10 = Sv57 */
    int pmp_regions;            /* 16 */
    uint16_t cbom_blocksize, cboz_blocksize;  /* 64 */
} RISCVConfig;

typedef struct CPURISCVState {
    uint64_t gpr[32];           /* x0 is always 0 here */
    uint64_t fpr[32];           /* NaN-boxed singles */
    uint64_t pc;
    /* LR/SC reservation: address, value loaded; -1 when none. */
    uint64_t load_res;
    uint64_t load_val;
    uint64_t frm;               /* rounding mode (fcsr.frm) */
    uint64_t fflags;            /* accrued exceptions (fcsr.fflags) */

    uint64_t priv;              /* PRV_U, PRV_S, PRV_M */
    uint64_t misa;
    uint64_t mstatus;
    uint64_t mip;               /* updated atomically (devices, CSRs) */
    uint64_t mie;
    uint64_t mideleg, medeleg;
    uint64_t mtvec, stvec;
    uint64_t mscratch, sscratch;
    uint64_t mepc, sepc;
    uint64_t mcause, scause;
    uint64_t mtval, stval;
    uint64_t satp;
    uint64_t mcounteren, scounteren, mcountinhibit;
    uint64_t menvcfg, senvcfg;
    uint64_t mseccfg;
    uint64_t stimecmp;          /* Sstc */
    uint64_t mhartid;
    uint64_t badaddr;           /* tval of the exception being raised */
    /* Bits of the instruction calling a helper that may raise illegal */
    uint64_t insn_bits;
    uint64_t mcycle_offset, minstret_offset;

    uint8_t pmpcfg[16];
    uint64_t pmpaddr[16];

    /* Reset configuration. */
    uint64_t reset_pc;
    uint64_t reset_a1;

    /* Time source (ACLINT mtime). */
    uint64_t (*read_time)(void *opaque);
    void *time_opaque;
    uint64_t time_freq;
    Timer stimecmp_timer;       /* raises STIP when time >= stimecmp */
} CPURISCVState;

struct RISCVCPU {
    CPUState parent;            /* must be first: env pointer */
    CPURISCVState env;
    RISCVConfig cfg;
    IRQLine *irq_lines[16];
    char isa_string[128];
};

static inline RISCVCPU *riscv_cpu(CPUState *cs)
{
    return (RISCVCPU *)cs;
}

static inline CPURISCVState *cpu_env(CPUState *cs)
{
    return &((RISCVCPU *)cs)->env;
}

/* Offsets of env fields from the env pointer (CPUState *) for TCG. */
#define ENV_OFFSET(field) \
    ((intptr_t)(offsetof(RISCVCPU, env) + offsetof(CPURISCVState, field)))

/* Exception causes (privileged spec table 3.6). */
enum {
    RISCV_EXCP_INST_ADDR_MIS = 0,
    RISCV_EXCP_INST_ACCESS_FAULT = 1,
    RISCV_EXCP_ILLEGAL_INST = 2,
    RISCV_EXCP_BREAKPOINT = 3,
    RISCV_EXCP_LOAD_ADDR_MIS = 4,
    RISCV_EXCP_LOAD_ACCESS_FAULT = 5,
    RISCV_EXCP_STORE_AMO_ADDR_MIS = 6,
    RISCV_EXCP_STORE_AMO_ACCESS_FAULT = 7,
    RISCV_EXCP_U_ECALL = 8,
    RISCV_EXCP_S_ECALL = 9,
    RISCV_EXCP_M_ECALL = 11,
    RISCV_EXCP_INST_PAGE_FAULT = 12,
    RISCV_EXCP_LOAD_PAGE_FAULT = 13,
    RISCV_EXCP_STORE_PAGE_FAULT = 15,
};

/* mstatus bits */
#define MSTATUS_SIE   (1ULL << 1)
#define MSTATUS_MIE   (1ULL << 3)
#define MSTATUS_SPIE  (1ULL << 5)
#define MSTATUS_UBE   (1ULL << 6)
#define MSTATUS_MPIE  (1ULL << 7)
#define MSTATUS_SPP   (1ULL << 8)
#define MSTATUS_VS    (3ULL << 9)
#define MSTATUS_MPP   (3ULL << 11)
#define MSTATUS_FS    (3ULL << 13)
#define MSTATUS_XS    (3ULL << 15)
#define MSTATUS_MPRV  (1ULL << 17)
#define MSTATUS_SUM   (1ULL << 18)
#define MSTATUS_MXR   (1ULL << 19)
#define MSTATUS_TVM   (1ULL << 20)
#define MSTATUS_TW    (1ULL << 21)
#define MSTATUS_TSR   (1ULL << 22)
#define MSTATUS_UXL   (3ULL << 32)
#define MSTATUS_SXL   (3ULL << 34)
#define MSTATUS_SD    (1ULL << 63)

/* ---- system side (csr.c, cpu_helper.c, pmp.c, cpu.c) ---- */
/* Raise exception cause with tval; restores pc from retaddr. */
void riscv_raise_exception(CPURISCVState *env, int cause, uint64_t tval,
                           uintptr_t retaddr) NORETURN;
/* Recompute whether an interrupt is pending+enabled; kick the CPU. */
void riscv_cpu_update_mip(CPURISCVState *env, uint64_t mask, uint64_t val);
uint64_t riscv_cpu_get_time(CPURISCVState *env);
/* CSR access; returns 0 or -1 for illegal (caller raises). */
int riscv_csr_read(CPURISCVState *env, int csrno, uint64_t *val);
int riscv_csr_write(CPURISCVState *env, int csrno, uint64_t val);
int riscv_cpu_mmu_index(CPURISCVState *env, bool ifetch);
bool riscv_cpu_fp_enabled(CPURISCVState *env);
void riscv_cpu_set_fs_dirty(CPURISCVState *env);

/*
 * ---- system side internals (cpu.c, cpu_helper.c, csr.c, pmp.c) ----
 * CPUOps callbacks (cpu_helper.c), collected in riscv_cpu_ops (cpu.c).
 */
void riscv_cpu_do_exception(CPUState *cs);
bool riscv_cpu_exec_interrupt(CPUState *cs);
bool riscv_cpu_has_work(CPUState *cs);
bool riscv_cpu_no_preempt(CPUState *cs);
bool riscv_cpu_tlb_fill(CPUState *cs, vaddr addr, int size,
                        MMUAccessType access_type, int mmu_idx, bool probe,
                        uintptr_t retaddr);
void riscv_cpu_do_transaction_failed(CPUState *cs, hwaddr phys, vaddr addr,
                                     MMUAccessType access_type, int mmu_idx,
                                     uintptr_t retaddr);
void riscv_cpu_do_unaligned_access(CPUState *cs, vaddr addr,
                                   MMUAccessType access_type, int mmu_idx,
                                   uintptr_t retaddr) NORETURN;
hwaddr riscv_cpu_get_phys_page_debug(CPUState *cs, vaddr addr);
/* Trap entry: cause without the interrupt bit; tval for xtval. */
void riscv_cpu_do_trap(CPURISCVState *env, uint64_t cause, bool is_irq,
                       uint64_t tval);
/* Highest-priority interrupt that can be taken now, or -1. */
int riscv_cpu_pending_irq(CPURISCVState *env);
/* After enables/privilege changed: kick the CPU if one can be taken. */
void riscv_cpu_check_interrupts(CPURISCVState *env);
/*
 * Page walk (no PMP on the result) for one access: 0 with pa and prot
 * (for the whole 4K page), or the exception cause to raise.
 */
int riscv_cpu_translate(CPURISCVState *env, vaddr addr,
                        MMUAccessType access_type, int mmu_idx,
                        bool update_ad, hwaddr *pa, int *prot);
/* Sstc: recompute STIP from stimecmp and (re)arm the timer. */
void riscv_cpu_update_stimecmp(CPURISCVState *env);
/* PMP (pmp.c).  prot is PAGE_READ/WRITE/EXEC; priv PRV_*. */
bool riscv_pmp_check(CPURISCVState *env, hwaddr addr, uint64_t size,
                     int prot, int priv);
/* PMP permissions valid for the whole 4K page at page, or -1 if mixed. */
int riscv_pmp_page_prot(CPURISCVState *env, hwaddr page, int priv);
uint64_t riscv_pmpcfg_read(CPURISCVState *env, int reg);
void riscv_pmpcfg_write(CPURISCVState *env, int reg, uint64_t val);
uint64_t riscv_pmpaddr_read(CPURISCVState *env, int i);
void riscv_pmpaddr_write(CPURISCVState *env, int i, uint64_t val);

static inline CPUState *env_cpu(CPURISCVState *env)
{
    return &container_of(env, RISCVCPU, env)->parent;
}

/*
 * ---- TCG helpers called from generated code ----
 * Arguments are the CPUState * (env pointer) plus 64-bit values.  Each
 * has a helper_info_<name> (TCGHelperInfo) defined beside it.
 */
/* csr: returns old value; write only if do_write.  Illegal -> trap. */
uint64_t helper_csrr(CPUState *cs, uint64_t csr);
uint64_t helper_csrrw(CPUState *cs, uint64_t csr, uint64_t src,
                      uint64_t write_mask);
uint64_t helper_mret(CPUState *cs);     /* returns the new pc */
uint64_t helper_sret(CPUState *cs);
void helper_wfi(CPUState *cs);
void helper_sfence_vma(CPUState *cs, uint64_t addr, uint64_t asid);
void helper_fence_i(CPUState *cs);
/* pause: a spinning hart gives the others its time slice. */
void helper_pause(CPUState *cs);
void helper_raise_exception(CPUState *cs, uint64_t cause, uint64_t tval);
/* cbo.zero: zero the cache block containing addr. */
void helper_cbo_zero(CPUState *cs, uint64_t addr);
/* cbo.clean/flush/inval: permission check only. */
void helper_cbo_check(CPUState *cs, uint64_t addr, uint64_t is_inval);

extern const TCGHelperInfo helper_info_csrr, helper_info_csrrw,
    helper_info_mret, helper_info_sret, helper_info_wfi,
    helper_info_sfence_vma, helper_info_fence_i, helper_info_pause,
    helper_info_raise_exception, helper_info_cbo_zero,
    helper_info_cbo_check;

/* ---- translator (translate.c) ---- */
void riscv_translate_init(void);        /* create TCG globals once */
void riscv_translate(CPUState *cs, TranslationBlock *tb, int max_insns);
void riscv_restore_state(CPUState *cs, uint64_t insn_data);

extern const CPUOps riscv_cpu_ops;

/* ABI names of x0..x31 and f0..f31 (cpu.c). */
extern const char *const riscv_gpr_names[32];
extern const char *const riscv_fpr_names[32];

/* ---- gdb (gdb.c): CPUOps gdb_* callbacks ---- */
#define RISCV_GDB_NUM_G_REGS 33     /* x0-x31, pc */
int riscv_gdb_read_register(CPUState *cs, uint8_t *buf, int reg);
int riscv_gdb_write_register(CPUState *cs, const uint8_t *buf, int reg);
const char *riscv_gdb_get_xml(const char *annex);

#endif
