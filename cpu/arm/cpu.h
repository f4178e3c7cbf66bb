/* SPDX-License-Identifier: MIT */
/* AArch64 CPU state (private to cpu/arm): registers, flags, helpers. */
#ifndef ARM_CPU_H
#define ARM_CPU_H

#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/arm.h"
#include "machina/timer.h"

/*
 * NZCV is kept in four 64-bit fields so the translator computes each flag
 * with plain IR (same representation as QEMU's, our own code):
 *   N = bit 63 of nf     Z = (zf == 0)
 *   C = cf (0 or 1)      V = bit 63 of vf
 * 32-bit operations sign-extend their N and V sources to 64 bits and
 * zero-extend the Z source.
 */
/* PMU event counters (PMCR_EL0.N) and debug breakpoints/watchpoints. */
#define ARM_PMU_MAX_COUNTERS 6
#define ARM_DBG_BRPS 6
#define ARM_DBG_WRPS 4

typedef struct CPUARMState {
    /*
     * xregs[31] is the stack pointer of the current SPSel/EL; the banked
     * copies live in sp_el[] and are swapped on every PSTATE change.
     */
    uint64_t xregs[32];
    uint64_t pc;
    uint64_t nf, zf, cf, vf;
    uint64_t el;                /* PSTATE.EL: 0 or 1 */
    uint64_t spsel;             /* PSTATE.SP */
    uint64_t daif;              /* PSTATE.DAIF in bits 9:6 */
    uint64_t sp_el[2];
    /* Exclusive monitor: address and value, -1 when open. */
    uint64_t excl_addr;
    uint64_t excl_val;
    uint64_t excl_val2;
    uint64_t vregs[32][2];      /* V0-V31, 128 bits each (lo, hi) */
    uint64_t fpcr, fpsr;
    /* EL1 system registers. */
    uint64_t sctlr_el1, vbar_el1, elr_el1, spsr_el1, esr_el1, far_el1;
    uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
    uint64_t cpacr_el1, ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1;
    uint64_t contextidr_el1, amair_el1, mdscr_el1, cntkctl_el1;
    uint64_t par_el1, afsr0_el1, afsr1_el1;
    /* Generic timers (D11.2): [ARM_TIMER_PHYS], [ARM_TIMER_VIRT]. */
    uint64_t cnt_ctl[2], cnt_cval[2];
    uint64_t csselr_el1;
    /*
     * PMUv3 (D11.5).  The cycle counter runs at 1 GHz of the virtual
     * clock: pmccntr holds its value at pmccntr_base_ns while counting.
     */
    uint64_t pmcr, pmcnten, pmovs, pminten, pmuserenr, pmselr, pmccfiltr;
    uint64_t pmccntr, pmccntr_base_ns;
    uint64_t pmevcntr[ARM_PMU_MAX_COUNTERS], pmevtyper[ARM_PMU_MAX_COUNTERS];
    /* Self-hosted debug registers (D2, stored only). */
    uint64_t dbgbvr[ARM_DBG_BRPS], dbgbcr[ARM_DBG_BRPS];
    uint64_t dbgwvr[ARM_DBG_WRPS], dbgwcr[ARM_DBG_WRPS];
    uint64_t oslsr, osdlr, mdccint;
    uint64_t midr, mpidr;
    /* ID registers of the model (kept across reset; read by translator) */
    uint64_t id_aa64isar0, id_aa64isar1, id_aa64pfr0, id_aa64mmfr0;
    uint64_t id_mmfr0, ccsidr_l2, pmcr_reset;
    uint64_t cntfrq;
    /* Syndrome of the exception being raised. */
    uint64_t exc_syndrome;
    uint64_t exc_far;
    bool exc_far_valid;
    /* Reset configuration. */
    uint64_t reset_pc;
    uint64_t reset_x0;
} CPUARMState;

struct ARMCPU {
    CPUState parent;            /* must be first: env pointer */
    CPUARMState env;
    const char *model;
    /* IRQ/FIQ input levels (bit ARM_CPU_IRQ/FIQ), any thread. */
    volatile uint32_t irq_level;
    IRQLine *irq_in[2];
    /* Generic timer expiry and output lines (machine lock held). */
    Timer gt_timer[2];
    IRQLine *gt_out[2];
    ARMGICSysregFn *gic_sysreg;
    void *gic_opaque;
};

static inline ARMCPU *arm_cpu(CPUState *cs)
{
    return (ARMCPU *)cs;
}

static inline CPUARMState *arm_env(CPUState *cs)
{
    return &((ARMCPU *)cs)->env;
}

static inline CPUState *arm_env_cpu(CPUARMState *env)
{
    return &container_of(env, ARMCPU, env)->parent;
}

#define ARM_ENV_OFFSET(field) \
    ((intptr_t)(offsetof(ARMCPU, env) + offsetof(CPUARMState, field)))

/* Exception kinds (cpu->exception_index); the syndrome is in env. */
enum {
    ARM_EXCP_SYNC = 1,          /* synchronous exception to EL1 */
};

/* Exception classes, ESR_ELx.EC (Arm ARM D17.2.37). */
enum {
    EC_UNCATEGORIZED = 0x00,
    EC_WFX = 0x01,
    EC_FP_ACCESS = 0x07,
    EC_SVC64 = 0x15,
    EC_HVC64 = 0x16,
    EC_SMC64 = 0x17,
    EC_SYSREG = 0x18,
    EC_INSN_ABORT_LOWER = 0x20,
    EC_INSN_ABORT = 0x21,
    EC_PC_ALIGN = 0x22,
    EC_DATA_ABORT_LOWER = 0x24,
    EC_DATA_ABORT = 0x25,
    EC_SP_ALIGN = 0x26,
    EC_BRK = 0x3c,
};

#define ESR_IL (1u << 25)

static inline uint64_t syn_make(int ec, uint32_t iss)
{
    return ((uint64_t)ec << 26) | ESR_IL | (iss & 0x1ffffff);
}

/* PSTATE bits as they appear in SPSR_ELx. */
#define PSTATE_N (1u << 31)
#define PSTATE_Z (1u << 30)
#define PSTATE_C (1u << 29)
#define PSTATE_V (1u << 28)
#define PSTATE_DAIF (0xfu << 6)
#define PSTATE_IL (1u << 20)

/*
 * TB flags: bits 1:0 hold PSTATE.EL (also the mmu index); FPEN is set when
 * CPACR_EL1.FPEN lets FP/SIMD instructions run at that EL.
 */
#define ARM_TBFLAG_EL_MASK 3
#define ARM_TBFLAG_FPEN    4

/* ---- system side (cpu.c) ---- */
uint64_t arm_pstate_read(CPUARMState *env);
void arm_pstate_write(CPUARMState *env, uint64_t val);
/* Raise a synchronous exception now (restores pc from retaddr). */
void arm_raise_exception(CPUARMState *env, uint64_t syndrome,
                         uintptr_t retaddr) NORETURN;
/* System register by its op0:op1:CRn:CRm:op2 key (16 bits). */
bool arm_sysreg_read(CPUARMState *env, uint32_t key, uint64_t *val);
bool arm_sysreg_write(CPUARMState *env, uint32_t key, uint64_t val);

/* ---- TCG helpers called from generated code (cpu.c) ---- */
void helper_arm_exception(CPUState *cs, uint64_t syndrome);
uint64_t helper_arm_mrs(CPUState *cs, uint64_t key, uint64_t insn);
void helper_arm_msr(CPUState *cs, uint64_t key, uint64_t val,
                    uint64_t insn);
void helper_arm_msr_imm(CPUState *cs, uint64_t op, uint64_t imm,
                        uint64_t insn);
uint64_t helper_arm_eret(CPUState *cs);
void helper_arm_hvc_smc(CPUState *cs, uint64_t is_smc, uint64_t imm);
void helper_arm_wfi(CPUState *cs);
void helper_arm_yield(CPUState *cs);
/* SYS (op0 = 1) cache maintenance and AT: key as for MRS, xt operand. */
void helper_arm_sys(CPUState *cs, uint64_t key, uint64_t xt, uint64_t insn);

extern const TCGHelperInfo helper_info_arm_exception, helper_info_arm_mrs,
    helper_info_arm_msr, helper_info_arm_msr_imm, helper_info_arm_eret,
    helper_info_arm_hvc_smc, helper_info_arm_wfi, helper_info_arm_sys,
    helper_info_arm_yield;

/* ---- memory (mmu.c; aborts raised by cpu.c) ---- */
bool arm_cpu_tlb_fill(CPUState *cs, vaddr addr, int size,
                      MMUAccessType access_type, int mmu_idx,
                      bool probe, uintptr_t retaddr);
hwaddr arm_cpu_get_phys_page_debug(CPUState *cs, vaddr addr);
/*
 * AT S1E<el><R|W>: translate va for el with a read or write check and
 * return the PAR_EL1 value (D17.2.112).
 */
uint64_t arm_at_translate(CPUState *cs, uint64_t va, int el, bool write);
/* Data/instruction abort with fault status fsc (does not return). */
void arm_raise_abort(CPUState *cs, vaddr addr, MMUAccessType access_type,
                     uint32_t fsc, uintptr_t retaddr) NORETURN;
/* TLBI: op is CRm:op2 (op1 == 0), xt the register operand. */
void helper_arm_tlbi(CPUState *cs, uint64_t op, uint64_t xt);
extern const TCGHelperInfo helper_info_arm_tlbi;

/* ---- gdb (gdb.c) ---- */
#define ARM_GDB_NUM_G_REGS 68   /* x0-x30, sp, pc, cpsr, v0-v31, fpsr, fpcr */
int arm_gdb_read_register(CPUState *cs, uint8_t *buf, int reg);
int arm_gdb_write_register(CPUState *cs, const uint8_t *buf, int reg);
const char *arm_gdb_get_xml(const char *annex);

/* ---- translator (translate.c) ---- */
void arm_translate_init(void);
void arm_translate(CPUState *cs, TranslationBlock *tb, int max_insns);
void arm_restore_state(CPUState *cs, uint64_t insn_data);

extern const CPUOps arm_cpu_ops;

#endif
