/* SPDX-License-Identifier: MIT */
/* AArch64 CPU: models, reset, exception entry, system registers, ERET. */
#include "cpu.h"
#include "machina/main-loop.h"
#include "machina/timer.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/*
 * ID_AA64ISAR0_EL1 (D19.2.61): AES+PMULL 2, SHA1 1, SHA2 1, CRC32 1 on the
 * crypto-enabled Cortex-A57/A72; "max" adds LSE atomics (Atomic 2).
 */
#define ISAR0_V80 UINT64_C(0x11120)
#define ISAR0_ATOMIC (UINT64_C(2) << 20)
/*
 * ID_AA64MMFR0_EL1 (D19.2.64): 4K and 64K granules, 40-bit PA, 16-bit
 * ASIDs; "max" adds the 16K granule (TGran16 = 1, without LPA2).
 */
#define MMFR0_V80 UINT64_C(0x1124)
#define MMFR0_TGRAN16 (UINT64_C(1) << 20)

/*
 * The models differ in MIDR, ID_MMFR0, the L2 cache geometry and the
 * PMU IDCODE (values of QEMU 7.2); "max" is a Cortex-A57 with LSE.
 */
static const struct {
    const char *name;
    uint64_t midr;
    uint64_t isar0;
    uint64_t id_mmfr0;
    uint64_t ccsidr_l2;
    uint64_t pmcr;
    uint64_t aa64mmfr0;
} arm_models[] = {
    { "cortex-a57", 0x411fd070, ISAR0_V80, 0x10101105, 0x70ffe07a,
      0x41013000, MMFR0_V80 },
    { "cortex-a72", 0x410fd083, ISAR0_V80, 0x10201105, 0x707fe07a,
      0x41023000, MMFR0_V80 },
    { "max", 0x000f0510, ISAR0_V80 | ISAR0_ATOMIC, 0x10101105, 0x70ffe07a,
      0x41013000, MMFR0_V80 | MMFR0_TGRAN16 },
};

static ARMFirmwareCallFn *firmware_call_handler;

void arm_set_firmware_call_handler(ARMFirmwareCallFn *fn)
{
    firmware_call_handler = fn;
}

void arm_cpu_print_models(FILE *f)
{
    fprintf(f, "Available CPUs:\n");
    for (size_t i = 0; i < ARRAY_SIZE(arm_models); i++) {
        fprintf(f, "  %s\n", arm_models[i].name);
    }
}

/* ---- PSTATE and the banked stack pointer ---- */

static void arm_save_sp(CPUARMState *env)
{
    env->sp_el[env->spsel ? env->el : 0] = env->xregs[31];
}

static void arm_restore_sp(CPUARMState *env)
{
    env->xregs[31] = env->sp_el[env->spsel ? env->el : 0];
}

uint64_t arm_pstate_read(CPUARMState *env)
{
    uint64_t v = env->daif & PSTATE_DAIF;

    v |= (env->nf >> 63) ? PSTATE_N : 0;
    v |= env->zf == 0 ? PSTATE_Z : 0;
    v |= env->cf ? PSTATE_C : 0;
    v |= (env->vf >> 63) ? PSTATE_V : 0;
    v |= env->el << 2;
    v |= env->spsel;
    return v;
}

/* Write the whole PSTATE from an SPSR-format value (switches SP). */
void arm_pstate_write(CPUARMState *env, uint64_t val)
{
    arm_save_sp(env);
    env->nf = (val & PSTATE_N) ? ~0ULL : 0;
    env->zf = (val & PSTATE_Z) ? 0 : 1;
    env->cf = (val & PSTATE_C) ? 1 : 0;
    env->vf = (val & PSTATE_V) ? ~0ULL : 0;
    env->daif = val & PSTATE_DAIF;
    env->el = (val >> 2) & 3;
    env->spsel = val & 1;
    arm_restore_sp(env);
}

/* ---- reset ---- */

static void arm_cpu_set_irq(void *opaque, int n, int level);
static void arm_gt_phys_cb(void *opaque);
static void arm_gt_virt_cb(void *opaque);

static void arm_cpu_reset(CPUState *cs)
{
    CPUARMState *env = arm_env(cs);
    ARMCPU *cpu = arm_cpu(cs);
    uint64_t midr = env->midr, pc = env->reset_pc, x0 = env->reset_x0;

    memset(env, 0, offsetof(CPUARMState, midr));
    env->midr = midr;
    env->reset_pc = pc;
    env->reset_x0 = x0;
    /* Reset at EL1h with all exceptions masked, MMU and caches off. */
    env->el = 1;
    env->spsel = 1;
    env->daif = PSTATE_DAIF;
    env->zf = 1;
    env->sctlr_el1 = 0x00c50838;    /* QEMU 7.2's Cortex-A57 reset value */
    env->pmcr = env->pmcr_reset;
    env->oslsr = 0xa;               /* OSLM = 0b10, OS lock locked */
    env->mpidr = (1ULL << 31) | (uint64_t)(cs->cpu_index & 0xff);
    env->cntfrq = 62500000;         /* as QEMU's virt board up to 8.x */
    env->excl_addr = ~0ULL;
    env->pc = pc;
    env->xregs[0] = x0;
    cs->exception_index = EXCP_NONE;
    cs->halted = false;
    for (int t = 0; t < 2; t++) {
        timer_del(&cpu->gt_timer[t]);
        irq_set(cpu->gt_out[t], 0);
    }
    tlb_flush(cs);
}

void arm_cpu_set_reset_vector(ARMCPU *cpu, uint64_t pc, uint64_t x0)
{
    cpu->env.reset_pc = pc;
    cpu->env.reset_x0 = x0;
    cpu->env.pc = pc;
    cpu->env.xregs[0] = x0;
}

CPUState *arm_cpu_state(ARMCPU *cpu)
{
    return &cpu->parent;
}

uint64_t arm_cpu_mpidr(ARMCPU *cpu)
{
    return cpu->parent.cpu_index & 0xff;
}

ARMCPU *arm_cpu_create(int index, const char *model)
{
    static bool translate_ready;
    size_t model_len, size;
    const char *name = model ? model : "cortex-a57";
    ARMCPU *cpu;
    int m = -1;

    model_len = strcspn(name, ",");
    for (size_t i = 0; i < ARRAY_SIZE(arm_models); i++) {
        if (strlen(arm_models[i].name) == model_len &&
            !strncmp(arm_models[i].name, name, model_len)) {
            m = (int)i;
        }
    }
    if (m < 0) {
        error_report("unknown CPU model '%.*s' (try -cpu help)",
                     (int)model_len, name);
        return NULL;
    }
    size = ROUND_UP(sizeof(ARMCPU), (size_t)64);
    cpu = aligned_alloc(64, size);
    if (!cpu) {
        fatal("out of memory allocating cpu %d", index);
    }
    memset(cpu, 0, size);
    cpu->model = arm_models[m].name;
    cpu->parent.cpu_index = index;
    cpu->parent.ops = &arm_cpu_ops;
    cpu->parent.exception_index = EXCP_NONE;
    cpu->env.midr = arm_models[m].midr;
    cpu->env.id_aa64isar0 = arm_models[m].isar0;
    cpu->env.id_mmfr0 = arm_models[m].id_mmfr0;
    cpu->env.ccsidr_l2 = arm_models[m].ccsidr_l2;
    cpu->env.pmcr_reset = arm_models[m].pmcr;
    cpu->env.id_aa64pfr0 = 0x11;        /* EL0/EL1 AArch64, FP, AdvSIMD */
    cpu->env.id_aa64mmfr0 = arm_models[m].aa64mmfr0;
    cpu->irq_in[ARM_CPU_IRQ] = irq_alloc_line(arm_cpu_set_irq, cpu,
                                              ARM_CPU_IRQ);
    cpu->irq_in[ARM_CPU_FIQ] = irq_alloc_line(arm_cpu_set_irq, cpu,
                                              ARM_CPU_FIQ);
    timer_init(&cpu->gt_timer[ARM_TIMER_PHYS], CLOCK_VIRTUAL,
               arm_gt_phys_cb, cpu);
    timer_init(&cpu->gt_timer[ARM_TIMER_VIRT], CLOCK_VIRTUAL,
               arm_gt_virt_cb, cpu);
    if (!translate_ready) {
        arm_translate_init();
        translate_ready = true;
    }
    cpu_register(&cpu->parent);
    arm_cpu_reset(&cpu->parent);
    return cpu;
}

/* ---- exceptions ---- */

void arm_raise_exception(CPUARMState *env, uint64_t syndrome,
                         uintptr_t retaddr)
{
    CPUState *cs = arm_env_cpu(env);

    env->exc_syndrome = syndrome;
    cs->exception_index = ARM_EXCP_SYNC;
    cpu_loop_exit_restore(cs, retaddr);
}

void helper_arm_exception(CPUState *cs, uint64_t syndrome)
{
    arm_raise_exception(arm_env(cs), syndrome, GETPC());
}
DEF_HELPER(arm_exception, 0, 2, false);

/*
 * Enter EL1 at VBAR_EL1 + the vector for kind (0 sync, 0x80 IRQ,
 * 0x100 FIQ) with return address ret (Arm ARM D1.10).
 */
static void arm_enter_el1(CPUARMState *env, uint64_t kind, uint64_t ret)
{
    uint64_t offset;

    if (env->el == 0) {
        offset = 0x400;
    } else {
        offset = env->spsel ? 0x200 : 0;
    }
    offset += kind;
    env->spsr_el1 = arm_pstate_read(env);
    env->elr_el1 = ret;
    arm_pstate_write(env, PSTATE_DAIF | (1 << 2) | 1 |
                     (env->spsr_el1 & (PSTATE_N | PSTATE_Z | PSTATE_C |
                                       PSTATE_V)));
    env->excl_addr = ~0ULL;
    env->pc = env->vbar_el1 + offset;
}

/*
 * Take a synchronous exception to EL1.  env->pc is the faulting
 * instruction; SVC/HVC/SMC return to the next one.
 */
static void arm_cpu_do_exception(CPUState *cs)
{
    CPUARMState *env = arm_env(cs);
    uint64_t syn = env->exc_syndrome;
    int ec = (int)(syn >> 26);
    uint64_t ret = env->pc;

    if (cs->exception_index != ARM_EXCP_SYNC) {
        cs->exception_index = EXCP_NONE;
        return;
    }
    cs->exception_index = EXCP_NONE;
    if (ec == EC_SVC64 || ec == EC_HVC64 || ec == EC_SMC64) {
        ret += 4;
    }
    log_mask_printf(LOG_INT, "arm: exception ec 0x%x esr 0x%" PRIx64
                    " pc 0x%" PRIx64 "\n", ec, syn, env->pc);
    env->esr_el1 = syn;
    if (env->exc_far_valid) {
        env->far_el1 = env->exc_far;
        env->exc_far_valid = false;
    }
    arm_enter_el1(env, 0, ret);
}

/* IRQ/FIQ: taken between instructions unless masked by PSTATE.I/F. */
static bool arm_cpu_exec_interrupt(CPUState *cs)
{
    CPUARMState *env = arm_env(cs);
    uint32_t lvl = __atomic_load_n(&arm_cpu(cs)->irq_level,
                                   __ATOMIC_ACQUIRE);

    if ((lvl & (1u << ARM_CPU_FIQ)) && !(env->daif & (1u << 6))) {
        arm_enter_el1(env, 0x100, env->pc);
        return true;
    }
    if ((lvl & (1u << ARM_CPU_IRQ)) && !(env->daif & (1u << 7))) {
        log_mask_printf(LOG_INT, "arm: irq at pc 0x%" PRIx64 "\n", env->pc);
        arm_enter_el1(env, 0x80, env->pc);
        return true;
    }
    return false;
}

/* WFI wakes on a pending interrupt even if PSTATE masks it (D1.16.2). */
static bool arm_cpu_has_work(CPUState *cs)
{
    return __atomic_load_n(&arm_cpu(cs)->irq_level, __ATOMIC_ACQUIRE) != 0;
}

static void arm_cpu_set_irq(void *opaque, int n, int level)
{
    ARMCPU *cpu = opaque;
    uint32_t bit = 1u << n;

    if (level) {
        __atomic_or_fetch(&cpu->irq_level, bit, __ATOMIC_SEQ_CST);
        cpu_interrupt(&cpu->parent, CPU_INTERRUPT_HARD);
    } else if (!(__atomic_and_fetch(&cpu->irq_level, ~bit,
                                    __ATOMIC_SEQ_CST))) {
        cpu_reset_interrupt(&cpu->parent, CPU_INTERRUPT_HARD);
        /*
         * A line raised by another thread between the two atomics has
         * set the request already; the reset must not lose it.
         */
        if (__atomic_load_n(&cpu->irq_level, __ATOMIC_SEQ_CST)) {
            cpu_interrupt(&cpu->parent, CPU_INTERRUPT_HARD);
        }
    }
}

IRQLine *arm_cpu_irq_line(ARMCPU *cpu, int n)
{
    if (n < 0 || n > ARM_CPU_FIQ) {
        return NULL;
    }
    return cpu->irq_in[n];
}

void arm_cpu_set_gic_sysreg(ARMCPU *cpu, ARMGICSysregFn *fn, void *opaque)
{
    cpu->gic_sysreg = fn;
    cpu->gic_opaque = opaque;
}

/* ---- generic timers (Arm ARM D11.2) ---- */

#define CNT_CTL_ENABLE 1u
#define CNT_CTL_IMASK 2u
#define CNT_CTL_ISTATUS 4u

static uint64_t arm_counter(CPUARMState *env)
{
    /* The generic timer counts at CNTFRQ on the virtual clock. */
    return (uint64_t)((unsigned __int128)clock_get_ns(CLOCK_VIRTUAL) *
                      env->cntfrq / 1000000000u);
}

/* Recompute ISTATUS and the output of timer t; re-arm.  Lock held. */
static void arm_gt_update(ARMCPU *cpu, int t)
{
    CPUARMState *env = &cpu->env;
    uint64_t now = arm_counter(env), ctl = env->cnt_ctl[t];
    bool fired = now >= env->cnt_cval[t];

    ctl &= ~(uint64_t)CNT_CTL_ISTATUS;
    if ((ctl & CNT_CTL_ENABLE) && fired) {
        ctl |= CNT_CTL_ISTATUS;
    }
    env->cnt_ctl[t] = ctl;
    irq_set(cpu->gt_out[t], (ctl & CNT_CTL_ENABLE) && fired &&
            !(ctl & CNT_CTL_IMASK));
    if ((ctl & CNT_CTL_ENABLE) && !fired && env->cntfrq) {
        unsigned __int128 ns = (unsigned __int128)env->cnt_cval[t] *
                               1000000000u + env->cntfrq - 1;

        ns /= env->cntfrq;
        timer_mod(&cpu->gt_timer[t],
                  ns > INT64_MAX ? INT64_MAX : (int64_t)ns);
    } else {
        timer_del(&cpu->gt_timer[t]);
    }
}

static void arm_gt_phys_cb(void *opaque)
{
    machine_lock();
    arm_gt_update(opaque, ARM_TIMER_PHYS);
    machine_unlock();
}

static void arm_gt_virt_cb(void *opaque)
{
    machine_lock();
    arm_gt_update(opaque, ARM_TIMER_VIRT);
    machine_unlock();
}

void arm_cpu_set_timer_output(ARMCPU *cpu, int timer, IRQLine *line)
{
    if (timer == ARM_TIMER_PHYS || timer == ARM_TIMER_VIRT) {
        cpu->gt_out[timer] = line;
    }
}

uint64_t helper_arm_eret(CPUState *cs)
{
    CPUARMState *env = arm_env(cs);
    uint64_t spsr = env->spsr_el1;
    uint64_t target_el = (spsr >> 2) & 3;

    /*
     * A return to AArch32, or to an EL above the current one, is an
     * illegal exception return (D1.11.4): keep the EL, set PSTATE.IL
     * (not modelled further).
     */
    if ((spsr & 0x10) || target_el > env->el) {
        guest_error("arm: illegal exception return, spsr 0x%" PRIx64 "\n",
                    spsr);
        spsr = (spsr & ~0x1fULL) | (env->el << 2) | (env->spsel & 1);
    }
    arm_pstate_write(env, spsr);
    env->excl_addr = ~0ULL;
    return env->elr_el1;
}
DEF_HELPER(arm_eret, 0, 1, true);

void helper_arm_hvc_smc(CPUState *cs, uint64_t is_smc, uint64_t imm)
{
    CPUARMState *env = arm_env(cs);

    (void)imm;
    if (env->el == 0 || !firmware_call_handler ||
        !firmware_call_handler(cs, is_smc != 0, env->xregs)) {
        /* No EL2/EL3: HVC and SMC are UNDEFINED (C6.2.110). */
        arm_raise_exception(env, syn_make(EC_UNCATEGORIZED, 0), GETPC());
    }
}
DEF_HELPER(arm_hvc_smc, 0, 3, false);

void helper_arm_wfi(CPUState *cs)
{
    uintptr_t ra = GETPC();
    CPUARMState *env = arm_env(cs);

    /* SCTLR_EL1.nTWI (bit 16) clear: WFI at EL0 traps (EC 0x01, TI 0). */
    if (env->el == 0 && !(env->sctlr_el1 & (1u << 16))) {
        arm_raise_exception(env, syn_make(EC_WFX, 0x1e00000), ra);
    }
    if (arm_cpu_has_work(cs)) {
        return;
    }
    if (cpu_restore_state(cs, ra)) {
        env->pc += 4;
    }
    cs->halted = true;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}
DEF_HELPER(arm_wfi, 0, 1, false);

/* YIELD, WFE: a spinning CPU gives the others its time slice. */
void helper_arm_yield(CPUState *cs)
{
    cpu_yield(cs);
}
DEF_HELPER(arm_yield, TCG_CALL_NO_RWG, 1, false);

/* ---- system registers ---- */

/* op0:op1:CRn:CRm:op2 packed as in MRS/MSR bits 20:5. */
#define SR(op0, op1, crn, crm, op2) \
    (((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

enum {
    SR_MIDR = SR(3, 0, 0, 0, 0),
    SR_MPIDR = SR(3, 0, 0, 0, 5),
    SR_REVIDR = SR(3, 0, 0, 0, 6),
    SR_ID_AA64PFR0 = SR(3, 0, 0, 4, 0),
    SR_ID_AA64ISAR0 = SR(3, 0, 0, 6, 0),
    SR_ID_AA64ISAR1 = SR(3, 0, 0, 6, 1),
    SR_ID_AA64MMFR0 = SR(3, 0, 0, 7, 0),
    SR_ID_MMFR0 = SR(3, 0, 0, 1, 4),
    SR_SCTLR = SR(3, 0, 1, 0, 0),
    SR_ACTLR = SR(3, 0, 1, 0, 1),
    SR_CPACR = SR(3, 0, 1, 0, 2),
    SR_TTBR0 = SR(3, 0, 2, 0, 0),
    SR_TTBR1 = SR(3, 0, 2, 0, 1),
    SR_TCR = SR(3, 0, 2, 0, 2),
    SR_SPSR_EL1 = SR(3, 0, 4, 0, 0),
    SR_ELR_EL1 = SR(3, 0, 4, 0, 1),
    SR_SP_EL0 = SR(3, 0, 4, 1, 0),
    SR_SPSEL = SR(3, 0, 4, 2, 0),
    SR_CURRENTEL = SR(3, 0, 4, 2, 2),
    SR_AFSR0 = SR(3, 0, 5, 1, 0),
    SR_AFSR1 = SR(3, 0, 5, 1, 1),
    SR_ESR_EL1 = SR(3, 0, 5, 2, 0),
    SR_FAR_EL1 = SR(3, 0, 6, 0, 0),
    SR_PAR_EL1 = SR(3, 0, 7, 4, 0),
    SR_PMINTENSET = SR(3, 0, 9, 14, 1),
    SR_PMINTENCLR = SR(3, 0, 9, 14, 2),
    SR_MAIR = SR(3, 0, 10, 2, 0),
    SR_AMAIR = SR(3, 0, 10, 3, 0),
    SR_VBAR = SR(3, 0, 12, 0, 0),
    SR_RVBAR = SR(3, 0, 12, 0, 1),
    SR_ISR = SR(3, 0, 12, 1, 0),
    SR_CONTEXTIDR = SR(3, 0, 13, 0, 1),
    SR_TPIDR_EL1 = SR(3, 0, 13, 0, 4),
    SR_CNTKCTL = SR(3, 0, 14, 1, 0),
    SR_CCSIDR = SR(3, 1, 0, 0, 0),
    SR_CLIDR = SR(3, 1, 0, 0, 1),
    SR_AIDR = SR(3, 1, 0, 0, 7),
    SR_CSSELR = SR(3, 2, 0, 0, 0),
    SR_CTR = SR(3, 3, 0, 0, 1),
    SR_DCZID = SR(3, 3, 0, 0, 7),
    SR_NZCV = SR(3, 3, 4, 2, 0),
    SR_DAIF = SR(3, 3, 4, 2, 1),
    SR_FPCR = SR(3, 3, 4, 4, 0),
    SR_FPSR = SR(3, 3, 4, 4, 1),
    SR_PMCR = SR(3, 3, 9, 12, 0),
    SR_PMCNTENSET = SR(3, 3, 9, 12, 1),
    SR_PMCNTENCLR = SR(3, 3, 9, 12, 2),
    SR_PMOVSCLR = SR(3, 3, 9, 12, 3),
    SR_PMSWINC = SR(3, 3, 9, 12, 4),
    SR_PMSELR = SR(3, 3, 9, 12, 5),
    SR_PMCEID0 = SR(3, 3, 9, 12, 6),
    SR_PMCEID1 = SR(3, 3, 9, 12, 7),
    SR_PMCCNTR = SR(3, 3, 9, 13, 0),
    SR_PMXEVTYPER = SR(3, 3, 9, 13, 1),
    SR_PMXEVCNTR = SR(3, 3, 9, 13, 2),
    SR_PMUSERENR = SR(3, 3, 9, 14, 0),
    SR_PMOVSSET = SR(3, 3, 9, 14, 3),
    SR_PMEVCNTR0 = SR(3, 3, 14, 8, 0),
    SR_PMEVTYPER0 = SR(3, 3, 14, 12, 0),
    SR_PMCCFILTR = SR(3, 3, 14, 15, 7),
    SR_TPIDR_EL0 = SR(3, 3, 13, 0, 2),
    SR_TPIDRRO_EL0 = SR(3, 3, 13, 0, 3),
    SR_CNTFRQ = SR(3, 3, 14, 0, 0),
    SR_CNTPCT = SR(3, 3, 14, 0, 1),
    SR_CNTVCT = SR(3, 3, 14, 0, 2),
    SR_CNTP_TVAL = SR(3, 3, 14, 2, 0),
    SR_CNTV_TVAL = SR(3, 3, 14, 3, 0),
    SR_MDCCINT = SR(2, 0, 0, 2, 0),
    SR_MDSCR = SR(2, 0, 0, 2, 2),
    SR_MDRAR = SR(2, 0, 1, 0, 0),
    SR_OSLAR = SR(2, 0, 1, 0, 4),
    SR_OSLSR = SR(2, 0, 1, 1, 4),
    SR_OSDLR = SR(2, 0, 1, 3, 4),
    SR_DBGPRCR = SR(2, 0, 1, 4, 4),
};

/* SCTLR_EL1 bits that control EL0 (D17.2.118). */
/* FPCR: AHP DN FZ RMode Stride Len; FPSR: NZCV QC and the IDC..IOC flags */
#define FPCR_WRITABLE UINT64_C(0x07f70000)
#define FPSR_WRITABLE UINT64_C(0xf800009f)
#define SCTLR_UMA (1u << 9)
#define SCTLR_DZE (1u << 14)
#define SCTLR_UCT (1u << 15)
#define SCTLR_UCI (1u << 26)

/* Result of a system register access. */
enum {
    ACC_OK,
    ACC_UNDEF,          /* EC 0x00 */
    ACC_TRAP,           /* EC 0x18: disabled for EL0 by an EL1 control */
    ACC_FP_TRAP,        /* EC 0x07: CPACR_EL1.FPEN */
};

/*
 * Constant identification registers, the same on every model (values of
 * QEMU 7.2's cortex-a57, which Linux and U-Boot are tested against).
 * Machina has no AArch32 state; the AArch32 ID_* registers read as the
 * model describes them, as on QEMU.
 */
static const struct {
    uint32_t key;
    uint64_t val;
} arm_const_regs[] = {
    { SR(3, 0, 0, 0, 6), 0 },                   /* REVIDR_EL1 */
    { SR_AIDR, 0 },
    { SR_CLIDR, 0x0a200023 },   /* L1 I+D, L2 unified; LoUIS 1 LoC 2 */
    { SR(3, 0, 0, 4, 1), 0 },                   /* ID_AA64PFR1: no BTI, MTE */
    { SR(3, 0, 0, 4, 4), 0 },                   /* ID_AA64ZFR0: no SVE */
    /* ID_AA64DFR0: v8 debug, PMUv3, 6 BRPs, 4 WRPs, 2 CTX_CMPs */
    { SR(3, 0, 0, 5, 0), 0x10305106 },
    { SR(3, 0, 0, 5, 1), 0 },                   /* ID_AA64DFR1 */
    { SR(3, 0, 0, 5, 4), 0 },                   /* ID_AA64AFR0 */
    { SR(3, 0, 0, 5, 5), 0 },                   /* ID_AA64AFR1 */
    { SR_ID_AA64ISAR1, 0 },     /* no PAuth, JSCVT, FCMA, LRCPC, ... */
    { SR(3, 0, 0, 6, 2), 0 },                   /* ID_AA64ISAR2 */
    { SR(3, 0, 0, 7, 1), 0 },   /* ID_AA64MMFR1: no PAN, VHE, HAFDBS */
    { SR(3, 0, 0, 7, 2), 0 },   /* ID_AA64MMFR2: no UAO, LVA, CNP */
    { SR(3, 0, 0, 1, 0), 0x00000131 },          /* ID_PFR0 */
    { SR(3, 0, 0, 1, 1), 0x10010001 },          /* ID_PFR1 */
    { SR(3, 0, 0, 1, 2), 0x03010006 },          /* ID_DFR0 */
    { SR(3, 0, 0, 1, 3), 0 },                   /* ID_AFR0 */
    { SR(3, 0, 0, 1, 5), 0x40000000 },          /* ID_MMFR1 */
    { SR(3, 0, 0, 1, 6), 0x01260000 },          /* ID_MMFR2 */
    { SR(3, 0, 0, 1, 7), 0x02102211 },          /* ID_MMFR3 */
    { SR(3, 0, 0, 2, 0), 0x02101110 },          /* ID_ISAR0 */
    { SR(3, 0, 0, 2, 1), 0x13112111 },          /* ID_ISAR1 */
    { SR(3, 0, 0, 2, 2), 0x21232042 },          /* ID_ISAR2 */
    { SR(3, 0, 0, 2, 3), 0x01112131 },          /* ID_ISAR3 */
    { SR(3, 0, 0, 2, 4), 0x00011142 },          /* ID_ISAR4 */
    { SR(3, 0, 0, 2, 5), 0x00011121 },          /* ID_ISAR5 */
    { SR(3, 0, 0, 2, 6), 0 },                   /* ID_MMFR4 */
    { SR(3, 0, 0, 2, 7), 0 },                   /* ID_ISAR6 */
    { SR(3, 0, 0, 3, 0), 0x10110222 },          /* MVFR0 */
    { SR(3, 0, 0, 3, 1), 0x12111111 },          /* MVFR1 */
    { SR(3, 0, 0, 3, 2), 0x00000043 },          /* MVFR2 */
    { SR(3, 0, 0, 3, 4), 0 },                   /* ID_PFR2 */
    { SR(3, 0, 0, 3, 5), 0 },                   /* ID_DFR1 */
    { SR(3, 0, 0, 3, 6), 0 },                   /* ID_MMFR5 */
    { SR_MDRAR, 0 },
    { SR_RVBAR, 0 },
};

/*
 * CNTP_* / CNTV_* access: ACC_OK, ACC_TRAP (EL0 without CNTKCTL
 * permission), -1 not a timer register.
 */
static int arm_gt_access(CPUARMState *env, uint32_t key, uint64_t *val,
                         bool is_write)
{
    ARMCPU *cpu = container_of(env, ARMCPU, env);
    int t, reg;
    uint64_t now;

    if ((key & ~7u) == SR_CNTP_TVAL && (key & 7) <= 2) {
        t = ARM_TIMER_PHYS;
    } else if ((key & ~7u) == SR_CNTV_TVAL && (key & 7) <= 2) {
        t = ARM_TIMER_VIRT;
    } else {
        return -1;
    }
    reg = (int)(key & 7);
    /* CNTKCTL_EL1.EL0PTEN (bit 9) / EL0VTEN (bit 8). */
    if (env->el == 0 &&
        !(env->cntkctl_el1 & (t == ARM_TIMER_PHYS ? 0x200u : 0x100u))) {
        return ACC_TRAP;
    }
    machine_lock();
    now = arm_counter(env);
    if (!is_write) {
        if (reg == 0) {
            *val = (uint32_t)(env->cnt_cval[t] - now);
        } else if (reg == 1) {
            arm_gt_update(cpu, t);
            *val = env->cnt_ctl[t];
        } else {
            *val = env->cnt_cval[t];
        }
    } else {
        if (reg == 0) {
            /* TVAL is a signed 32-bit offset from the counter. */
            env->cnt_cval[t] = now + (uint64_t)(int64_t)(int32_t)*val;
        } else if (reg == 1) {
            env->cnt_ctl[t] = (env->cnt_ctl[t] & CNT_CTL_ISTATUS) |
                              (*val & (CNT_CTL_ENABLE | CNT_CTL_IMASK));
        } else {
            env->cnt_cval[t] = *val;
        }
        arm_gt_update(cpu, t);
    }
    machine_unlock();
    return ACC_OK;
}

/* CNTFRQ/CNTPCT/CNTVCT: EL0 access per CNTKCTL_EL1.EL0PCTEN/EL0VCTEN. */
static int arm_counter_read(CPUARMState *env, uint32_t key, uint64_t *val)
{
    uint64_t k = env->cntkctl_el1;
    bool ok = env->el > 0 ||
              (key == SR_CNTPCT && (k & 1)) ||
              (key == SR_CNTVCT && (k & 2)) ||
              (key == SR_CNTFRQ && (k & 3));

    if (!ok) {
        return ACC_TRAP;
    }
    *val = key == SR_CNTFRQ ? env->cntfrq : arm_counter(env);
    return ACC_OK;
}

/* ---- PMU (Arm ARM D11.5; counts as QEMU's model does) ---- */

static int pmu_num_counters(CPUARMState *env)
{
    int n = (int)((env->pmcr >> 11) & 0x1f);

    return n > ARM_PMU_MAX_COUNTERS ? ARM_PMU_MAX_COUNTERS : n;
}

/* Implemented bits of PMCNTEN/PMOVS/PMINTEN: C (31) and P0..PN-1. */
static uint64_t pmu_counter_mask(CPUARMState *env)
{
    return (1ULL << 31) | ((1ULL << pmu_num_counters(env)) - 1);
}

static bool pmccntr_counting(CPUARMState *env)
{
    return (env->pmcr & 1) && (env->pmcnten & (1ULL << 31));
}

/* Fold the elapsed time into pmccntr (call before changing E or C). */
static void pmccntr_sync(CPUARMState *env)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    if (pmccntr_counting(env)) {
        env->pmccntr += (uint64_t)now - env->pmccntr_base_ns;
    }
    env->pmccntr_base_ns = (uint64_t)now;
}

/*
 * EL0 access to a PMU register, by PMUSERENR_EL0 (D17.5): EN opens
 * everything, SW the increment, CR the cycle counter read, ER the event
 * counter reads.  Denied accesses trap to EL1 (EC 0x18).
 */
static bool pmu_el0_allowed(CPUARMState *env, uint32_t key, bool is_write)
{
    uint64_t u = env->pmuserenr;

    if (env->el > 0 || (u & 1)) {
        return true;
    }
    if (key == SR_PMSWINC) {
        return u & 2;
    }
    if (is_write) {
        return false;
    }
    if (key == SR_PMCCNTR) {
        return u & 4;
    }
    if (key == SR_PMXEVCNTR || key == SR_PMSELR ||
        (key & ~0xfu) == SR_PMEVCNTR0 || (key & ~0xfu) == SR_PMEVCNTR0 + 16) {
        return u & 8;
    }
    return false;
}

static void pmu_swinc(CPUARMState *env, uint64_t val)
{
    for (int n = 0; n < pmu_num_counters(env); n++) {
        if ((val >> n & 1) && (env->pmcr & 1) && (env->pmcnten >> n & 1) &&
            (env->pmevtyper[n] & 0x3ff) == 0) {
            env->pmevcntr[n] = (env->pmevcntr[n] + 1) & 0xffffffffu;
            if (env->pmevcntr[n] == 0) {
                env->pmovs |= 1ULL << n;
            }
        }
    }
}

/* Event counter n's count or type register; NULL if n is beyond N. */
static uint64_t *pmu_event_reg(CPUARMState *env, int n, bool type)
{
    if (n == 31 && type) {
        return &env->pmccfiltr;
    }
    if (n < 0 || n >= pmu_num_counters(env)) {
        return NULL;
    }
    return type ? &env->pmevtyper[n] : &env->pmevcntr[n];
}

static void pmu_event_rw(CPUARMState *env, int n, bool type, uint64_t *val,
                         bool is_write)
{
    uint64_t *p = pmu_event_reg(env, n, type);

    /* Through PMSELR, counters beyond PMCR_EL0.N are RAZ/WI (QEMU). */
    if (!is_write) {
        *val = p ? *p : 0;
    } else if (p) {
        *p = *val & (type ? (n == 31 ? 0xf8000000u : 0xfe0003ffu)
                          : 0xffffffffu);
    }
}

/* -1: not a PMU register. */
static int pmu_access(CPUARMState *env, uint32_t key, uint64_t *val,
                      bool is_write)
{
    uint64_t mask = pmu_counter_mask(env);
    bool is_evcntr = (key & ~0xfu) == SR_PMEVCNTR0 ||
                     (key & ~0xfu) == SR_PMEVCNTR0 + 16;
    bool is_evtyper = (key & ~0xfu) == SR_PMEVTYPER0 ||
                      (key & ~0xfu) == SR_PMEVTYPER0 + 16;

    if (key == SR_PMINTENSET || key == SR_PMINTENCLR) {
        if (env->el == 0) {
            return ACC_UNDEF;
        }
        if (!is_write) {
            *val = env->pminten;
        } else if (key == SR_PMINTENSET) {
            env->pminten |= *val & mask;
        } else {
            env->pminten &= ~*val;
        }
        return ACC_OK;
    }
    if (key == SR_PMUSERENR) {
        if (!is_write) {
            *val = env->pmuserenr;
            return ACC_OK;
        }
        if (env->el == 0) {
            return ACC_UNDEF;
        }
        env->pmuserenr = *val & 0xf;
        return ACC_OK;
    }
    if (!((key >= SR_PMCR && key <= SR_PMOVSSET) || is_evcntr ||
          is_evtyper)) {
        return -1;
    }
    if (!pmu_el0_allowed(env, key, is_write)) {
        return ACC_TRAP;
    }
    switch (key) {
    case SR_PMCR:
        if (!is_write) {
            *val = env->pmcr;
            return ACC_OK;
        }
        pmccntr_sync(env);
        if (*val & 4) {
            env->pmccntr = 0;               /* C: reset cycle counter */
        }
        if (*val & 2) {
            memset(env->pmevcntr, 0, sizeof(env->pmevcntr));    /* P */
        }
        /* E, D, X, DP, LC, LP are writable (as QEMU); N, IDCODE, IMP not */
        env->pmcr = (env->pmcr & ~0xf9ULL) | (*val & 0xf9);
        return ACC_OK;
    case SR_PMCNTENSET:
    case SR_PMCNTENCLR:
        if (is_write) {
            pmccntr_sync(env);
            if (key == SR_PMCNTENSET) {
                env->pmcnten |= *val & mask;
            } else {
                env->pmcnten &= ~*val;
            }
        } else {
            *val = env->pmcnten;
        }
        return ACC_OK;
    case SR_PMOVSSET:
    case SR_PMOVSCLR:
        if (is_write) {
            if (key == SR_PMOVSSET) {
                env->pmovs |= *val & mask;
            } else {
                env->pmovs &= ~*val;
            }
        } else {
            *val = env->pmovs;
        }
        return ACC_OK;
    case SR_PMSWINC:
        if (is_write) {
            pmu_swinc(env, *val);
        } else {
            return ACC_UNDEF;               /* write-only */
        }
        return ACC_OK;
    case SR_PMSELR:
        if (is_write) {
            env->pmselr = *val & 0x1f;
        } else {
            *val = env->pmselr;
        }
        return ACC_OK;
    case SR_PMCEID0:
    case SR_PMCEID1:
        if (is_write) {
            return ACC_UNDEF;
        }
        /* SW_INCR and CPU_CYCLES are the events counted. */
        *val = key == SR_PMCEID0 ? 0x00020001 : 0;
        return ACC_OK;
    case SR_PMCCNTR:
        pmccntr_sync(env);
        if (is_write) {
            env->pmccntr = *val;
        } else {
            /* PMCR.LC = 0: the overflow point is 32 bits, value 64. */
            *val = env->pmccntr;
        }
        return ACC_OK;
    case SR_PMXEVTYPER:
    case SR_PMXEVCNTR:
        pmu_event_rw(env, (int)env->pmselr, key == SR_PMXEVTYPER, val,
                     is_write);
        return ACC_OK;
    default:
        break;
    }
    /* PMEVCNTR<n>/PMEVTYPER<n>: n = CRm[1:0]:op2; absent beyond N. */
    if (!(is_evcntr || is_evtyper) ||
        !pmu_event_reg(env, (int)(key & 0x1f), is_evtyper)) {
        return ACC_UNDEF;
    }
    pmu_event_rw(env, (int)(key & 0x1f), is_evtyper, val, is_write);
    return ACC_OK;
}

/* ---- debug registers (Arm ARM D2, D17.3) ---- */

/* -1: not a debug register. */
static int debug_access(CPUARMState *env, uint32_t key, uint64_t *val,
                        bool is_write)
{
    uint64_t *p = NULL;
    int n = (int)((key >> 3) & 0xf);

    if ((key >> 14) != 2) {
        return -1;
    }
    if (env->el == 0) {
        return ACC_UNDEF;
    }
    /* DBGBVR<n> op2 4, DBGBCR<n> 5, DBGWVR<n> 6, DBGWCR<n> 7 (CRn 0). */
    if ((key & ~(0xfu << 3 | 7u)) == SR(2, 0, 0, 0, 0) && (key & 7) >= 4) {
        switch (key & 7) {
        case 4: p = n < ARM_DBG_BRPS ? &env->dbgbvr[n] : NULL; break;
        case 5: p = n < ARM_DBG_BRPS ? &env->dbgbcr[n] : NULL; break;
        case 6: p = n < ARM_DBG_WRPS ? &env->dbgwvr[n] : NULL; break;
        default: p = n < ARM_DBG_WRPS ? &env->dbgwcr[n] : NULL; break;
        }
        if (!p) {
            return ACC_UNDEF;
        }
    }
    switch (key) {
    case SR_MDSCR:
        p = &env->mdscr_el1;
        break;
    case SR_MDCCINT:
        p = &env->mdccint;
        break;
    case SR_OSLAR:
        if (!is_write) {
            return ACC_UNDEF;
        }
        /* OSLK is bit 1 of OSLSR_EL1. */
        env->oslsr = (env->oslsr & ~2ULL) | ((*val & 1) << 1);
        return ACC_OK;
    case SR_OSLSR:
        if (is_write) {
            return ACC_UNDEF;
        }
        *val = env->oslsr;
        return ACC_OK;
    case SR_OSDLR:
        if (is_write) {
            env->osdlr = *val & 1;
        } else {
            *val = env->osdlr;
        }
        return ACC_OK;
    case SR_DBGPRCR:
        if (!is_write) {
            *val = 0;           /* RAZ/WI, as QEMU */
        }
        return ACC_OK;
    default:
        break;
    }
    if (!p) {
        return -1;
    }
    if (is_write) {
        *p = *val;
    } else {
        *val = *p;
    }
    return ACC_OK;
}

/* Plain storage registers: EL1 only unless el0 is set. */
static uint64_t *sysreg_field(CPUARMState *env, uint32_t key, bool *el0)
{
    *el0 = false;
    switch (key) {
    case SR_SCTLR: return &env->sctlr_el1;
    case SR_CPACR: return &env->cpacr_el1;
    case SR_TTBR0: return &env->ttbr0_el1;
    case SR_TTBR1: return &env->ttbr1_el1;
    case SR_TCR: return &env->tcr_el1;
    case SR_SPSR_EL1: return &env->spsr_el1;
    case SR_ELR_EL1: return &env->elr_el1;
    case SR_AFSR0: return &env->afsr0_el1;
    case SR_AFSR1: return &env->afsr1_el1;
    case SR_ESR_EL1: return &env->esr_el1;
    case SR_FAR_EL1: return &env->far_el1;
    case SR_PAR_EL1: return &env->par_el1;
    case SR_MAIR: return &env->mair_el1;
    case SR_AMAIR: return &env->amair_el1;
    case SR_VBAR: return &env->vbar_el1;
    case SR_CONTEXTIDR: return &env->contextidr_el1;
    case SR_TPIDR_EL1: return &env->tpidr_el1;
    case SR_CNTKCTL: return &env->cntkctl_el1;
    case SR_TPIDR_EL0:
        *el0 = true;
        return &env->tpidr_el0;
    default:
        return NULL;
    }
}

/* CPACR_EL1.FPEN lets FP/SIMD state be accessed at the current EL. */
static bool arm_fp_enabled(CPUARMState *env)
{
    int fpen = (int)((env->cpacr_el1 >> 20) & 3);

    return fpen == 3 || (fpen == 1 && env->el == 1);
}

/* The EL1&0 ASID: in TTBR1 or TTBR0 by TCR.A1, 8 or 16 bits by TCR.AS. */
static uint16_t arm_current_asid(CPUARMState *env)
{
    uint64_t ttbr = (env->tcr_el1 >> 22) & 1 ? env->ttbr1_el1
                                              : env->ttbr0_el1;

    return (uint16_t)(ttbr >> 48) &
           ((env->tcr_el1 >> 36) & 1 ? 0xffff : 0xff);
}

static int sysreg_store(CPUARMState *env, uint64_t *p, uint32_t key,
                        uint64_t val)
{
    if (key == SR_VBAR) {
        val &= ~0x7ffULL;       /* bits 10:0 are RES0 */
    }
    if (*p == val) {
        return ACC_OK;
    }
    *p = val;
    /*
     * Translation regime changed: mmu.c relies on these flushes.  A new
     * table base or ASID keeps the global entries (as a TLB tagged by
     * ASID would) and the jump-cache entries of the new ASID's TBs.
     */
    if (key == SR_SCTLR || key == SR_TCR) {
        tlb_flush(arm_env_cpu(env));
    }
    if (key == SR_SCTLR || key == SR_TCR || key == SR_TTBR0 ||
        key == SR_TTBR1) {
        tlb_switch_asid(arm_env_cpu(env), arm_current_asid(env));
    }
    return ACC_OK;
}

/* Read-only identification registers (EL1 only); -1 if not one. */
static int id_read(CPUARMState *env, uint32_t key, uint64_t *val)
{
    ARMCPU *cpu = container_of(env, ARMCPU, env);

    for (size_t i = 0; i < ARRAY_SIZE(arm_const_regs); i++) {
        if (arm_const_regs[i].key == key) {
            *val = arm_const_regs[i].val;
            return ACC_OK;
        }
    }
    switch (key) {
    case SR_MIDR:
        *val = env->midr;
        return ACC_OK;
    case SR_MPIDR:
        *val = env->mpidr;
        return ACC_OK;
    case SR_ID_AA64PFR0:
        /* GIC field: the GICv3 system register interface is there. */
        *val = env->id_aa64pfr0 | (cpu->gic_sysreg ? 1ULL << 24 : 0);
        return ACC_OK;
    case SR_ID_AA64ISAR0:
        *val = env->id_aa64isar0;
        return ACC_OK;
    case SR_ID_AA64MMFR0:
        *val = env->id_aa64mmfr0;
        return ACC_OK;
    case SR_ID_MMFR0:
        *val = env->id_mmfr0;
        return ACC_OK;
    case SR_CCSIDR:
        /* CSSELR Level:InD selects; L1 D, L1 I and L2 exist. */
        switch (env->csselr_el1 & 0xf) {
        case 0: *val = 0x701fe00a; break;   /* 32 KiB 2-way 64 B lines */
        case 1: *val = 0x201fe012; break;   /* 48 KiB 3-way */
        case 2: *val = env->ccsidr_l2; break;
        default: *val = 0; break;
        }
        return ACC_OK;
    default:
        break;
    }
    /* Unallocated ID space (op0 3, op1 0, CRn 0, CRm 1-7) is RAZ. */
    if ((key & ~0x3fu) == SR(3, 0, 0, 0, 0) && (key & 0x38)) {
        *val = 0;
        return ACC_OK;
    }
    return -1;
}

/* Registers whose EL0 access depends on EL1 controls, and NZCV/DAIF. */
static int el0_special(CPUARMState *env, uint32_t key, uint64_t *val,
                       bool is_write)
{
    bool el0 = env->el == 0;

    switch (key) {
    case SR_NZCV:
        if (is_write) {
            env->nf = (*val & PSTATE_N) ? ~0ULL : 0;
            env->zf = (*val & PSTATE_Z) ? 0 : 1;
            env->cf = (*val & PSTATE_C) ? 1 : 0;
            env->vf = (*val & PSTATE_V) ? ~0ULL : 0;
        } else {
            *val = arm_pstate_read(env) & 0xf0000000u;
        }
        return ACC_OK;
    case SR_DAIF:
        if (el0 && !(env->sctlr_el1 & SCTLR_UMA)) {
            return ACC_TRAP;
        }
        if (is_write) {
            env->daif = *val & PSTATE_DAIF;
        } else {
            *val = env->daif;
        }
        return ACC_OK;
    case SR_FPCR:
    case SR_FPSR:
        if (!arm_fp_enabled(env)) {
            return ACC_FP_TRAP;
        }
        if (is_write) {
            /* Writable bits of an FP16-less v8.0 CPU (as QEMU reads back) */
            if (key == SR_FPCR) {
                env->fpcr = *val & FPCR_WRITABLE;
            } else {
                env->fpsr = *val & FPSR_WRITABLE;
            }
        } else {
            *val = key == SR_FPCR ? env->fpcr : env->fpsr;
        }
        return ACC_OK;
    case SR_TPIDRRO_EL0:
        if (is_write) {
            if (el0) {
                return ACC_UNDEF;
            }
            env->tpidrro_el0 = *val;
        } else {
            *val = env->tpidrro_el0;
        }
        return ACC_OK;
    case SR_CTR:
        if (is_write) {
            return ACC_UNDEF;
        }
        if (el0 && !(env->sctlr_el1 & SCTLR_UCT)) {
            return ACC_TRAP;
        }
        /* 64-byte lines, VIPT L1 I-cache, as the Cortex-A57. */
        *val = 0x8444c004;
        return ACC_OK;
    case SR_DCZID:
        if (is_write) {
            return ACC_UNDEF;
        }
        /* 64-byte DC ZVA blocks; DZP reports SCTLR_EL1.DZE at EL0. */
        *val = 4 | (el0 && !(env->sctlr_el1 & SCTLR_DZE) ? 0x10 : 0);
        return ACC_OK;
    case SR_CNTFRQ:
        if (is_write) {
            if (el0) {
                return ACC_UNDEF;
            }
            env->cntfrq = *val & 0xffffffffu;
            return ACC_OK;
        }
        return arm_counter_read(env, key, val);
    case SR_CNTPCT:
    case SR_CNTVCT:
        if (is_write) {
            return ACC_UNDEF;
        }
        return arm_counter_read(env, key, val);
    default:
        return -1;
    }
}

/* EL1-only registers with side effects; -1 if unknown. */
static int el1_special(CPUARMState *env, uint32_t key, uint64_t *val,
                       bool is_write)
{
    uint32_t lvl;

    switch (key) {
    case SR_ACTLR:
        if (!is_write) {
            *val = 0;           /* RAZ/WI, as QEMU's Cortex-A57 */
        }
        return ACC_OK;
    case SR_CSSELR:
        if (is_write) {
            env->csselr_el1 = *val & 0xf;
        } else {
            *val = env->csselr_el1;
        }
        return ACC_OK;
    case SR_SP_EL0:
        if (!env->spsel) {
            return ACC_UNDEF;   /* while SP_EL0 is the SP */
        }
        if (is_write) {
            env->sp_el[0] = *val;
        } else {
            *val = env->sp_el[0];
        }
        return ACC_OK;
    case SR_SPSEL:
        if (is_write) {
            arm_save_sp(env);
            env->spsel = *val & 1;
            arm_restore_sp(env);
        } else {
            *val = env->spsel;
        }
        return ACC_OK;
    case SR_CURRENTEL:
        if (is_write) {
            return ACC_UNDEF;
        }
        *val = env->el << 2;
        return ACC_OK;
    case SR_ISR:
        if (is_write) {
            return ACC_UNDEF;
        }
        /* Pending (not masked) IRQ and FIQ: bits I (7) and F (6). */
        lvl = __atomic_load_n(&container_of(env, ARMCPU, env)->irq_level,
                              __ATOMIC_ACQUIRE);
        *val = ((lvl >> ARM_CPU_IRQ) & 1) << 7 |
               ((lvl >> ARM_CPU_FIQ) & 1) << 6;
        return ACC_OK;
    default:
        return -1;
    }
}

static int sysreg_access(CPUARMState *env, uint32_t key, uint64_t *val,
                         bool is_write)
{
    ARMCPU *cpu = container_of(env, ARMCPU, env);
    bool el0;
    uint64_t *p = sysreg_field(env, key, &el0);
    int r;

    if (p) {
        if (env->el == 0 && !el0) {
            return ACC_UNDEF;
        }
        if (is_write) {
            return sysreg_store(env, p, key, *val);
        }
        *val = *p;
        return ACC_OK;
    }
    r = el0_special(env, key, val, is_write);
    if (r < 0) {
        r = arm_gt_access(env, key, val, is_write);
    }
    if (r < 0) {
        r = pmu_access(env, key, val, is_write);
    }
    if (r >= 0) {
        return r;
    }
    if (env->el == 0) {
        return ACC_UNDEF;
    }
    r = debug_access(env, key, val, is_write);
    if (r < 0) {
        r = el1_special(env, key, val, is_write);
    }
    if (r < 0 && !is_write) {
        r = id_read(env, key, val);
    }
    if (r >= 0) {
        return r;
    }
    if (cpu->gic_sysreg) {
        if (cpu->gic_sysreg(cpu->gic_opaque, &cpu->parent, key, val,
                            is_write)) {
            return ACC_OK;
        }
    }
    return ACC_UNDEF;
}

bool arm_sysreg_read(CPUARMState *env, uint32_t key, uint64_t *val)
{
    return sysreg_access(env, key, val, false) == ACC_OK;
}

bool arm_sysreg_write(CPUARMState *env, uint32_t key, uint64_t val)
{
    return sysreg_access(env, key, &val, true) == ACC_OK;
}

/*
 * ISS of a trapped MSR/MRS/SYS (EC 0x18, D17.2.37): Op0, Op2, Op1, CRn,
 * Rt, CRm, Direction (1 = read).
 */
static uint32_t sysreg_trap_iss(uint64_t key, int rt, bool is_read)
{
    uint32_t op0 = (key >> 14) & 3, op1 = (key >> 11) & 7;
    uint32_t crn = (key >> 7) & 15, crm = (key >> 3) & 15, op2 = key & 7;

    return op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 |
           (uint32_t)rt << 5 | crm << 1 | (is_read ? 1 : 0);
}

/* Raise what an access result asks for (does not return). */
static void NORETURN sysreg_fail(CPUARMState *env, int r, uint64_t key,
                                 uint64_t insn, bool is_read, uintptr_t ra)
{
    if (r == ACC_TRAP) {
        arm_raise_exception(env, syn_make(EC_SYSREG,
                                          sysreg_trap_iss(key, insn & 31,
                                                          is_read)), ra);
    }
    if (r == ACC_FP_TRAP) {
        arm_raise_exception(env, syn_make(EC_FP_ACCESS, 0x1e00000), ra);
    }
    /*
     * EL0 reads of the ID space are UNDEFINED by design (Linux emulates
     * them from its undef handler): not a guest error.
     */
    if (env->el == 0 && (key & ~0x7fu) == SR(3, 0, 0, 0, 0)) {
        arm_raise_exception(env, syn_make(EC_UNCATEGORIZED, 0), ra);
    }
    guest_error("arm: unknown system register op0=%d op1=%d CRn=%d CRm=%d "
                "op2=%d (%s at EL%d)\n", (int)(key >> 14) & 3,
                (int)(key >> 11) & 7, (int)(key >> 7) & 15,
                (int)(key >> 3) & 15, (int)key & 7,
                is_read ? "read" : "write", (int)env->el);
    arm_raise_exception(env, syn_make(EC_UNCATEGORIZED, 0), ra);
}

uint64_t helper_arm_mrs(CPUState *cs, uint64_t key, uint64_t insn)
{
    CPUARMState *env = arm_env(cs);
    uint64_t val = 0;
    int r = sysreg_access(env, (uint32_t)key, &val, false);

    if (r != ACC_OK) {
        sysreg_fail(env, r, key, insn, true, GETPC());
    }
    return val;
}
DEF_HELPER(arm_mrs, 0, 3, true);

void helper_arm_msr(CPUState *cs, uint64_t key, uint64_t val, uint64_t insn)
{
    CPUARMState *env = arm_env(cs);
    int r = sysreg_access(env, (uint32_t)key, &val, true);

    if (r != ACC_OK) {
        sysreg_fail(env, r, key, insn, false, GETPC());
    }
}
DEF_HELPER(arm_msr, 0, 4, false);

/*
 * MSR (immediate): op is op1:op2 (C5.2.20).  PAN, UAO, DIT, SSBS and TCO
 * are not advertised by the models, so their forms are UNDEFINED.
 */
void helper_arm_msr_imm(CPUState *cs, uint64_t op, uint64_t imm,
                        uint64_t insn)
{
    CPUARMState *env = arm_env(cs);

    switch (op) {
    case 0x05:                  /* SPSel */
        if (env->el == 0) {
            break;
        }
        arm_save_sp(env);
        env->spsel = imm & 1;
        arm_restore_sp(env);
        return;
    case 0x1e:                  /* DAIFSet */
    case 0x1f:                  /* DAIFClr */
        if (env->el == 0 && !(env->sctlr_el1 & SCTLR_UMA)) {
            arm_raise_exception(env, syn_make(EC_SYSREG,
                                sysreg_trap_iss(SR(0, 3, 4, imm & 15,
                                                   op & 7), 31, false)),
                                GETPC());
        }
        if (op == 0x1e) {
            env->daif |= (imm & 0xf) << 6;
        } else {
            env->daif &= ~((imm & 0xf) << 6);
        }
        return;
    default:
        break;
    }
    (void)insn;
    arm_raise_exception(env, syn_make(EC_UNCATEGORIZED, 0), GETPC());
}
DEF_HELPER(arm_msr_imm, 0, 4, false);

/* DC ZVA (C5.3.19): zero the 64-byte block holding va, as a store. */
#define DCZVA_BLOCK 64

static void arm_dc_zva(CPUState *cs, uint64_t va, uintptr_t ra)
{
    CPUARMState *env = arm_env(cs);
    uint64_t base = va & ~(uint64_t)(DCZVA_BLOCK - 1);
    int mmu_idx = (int)env->el;
    void *host;

    /* A fault reports the operand itself in FAR_EL1, as QEMU does. */
    probe_access(cs, va, 1, MMU_DATA_STORE, mmu_idx, ra);
    host = probe_access(cs, base, DCZVA_BLOCK, MMU_DATA_STORE, mmu_idx, ra);

    if (host) {
        memset(host, 0, DCZVA_BLOCK);
        return;
    }
    /* MMIO (or no single host page): ordinary 8-byte stores. */
    for (int i = 0; i < DCZVA_BLOCK; i += 8) {
        cpu_st_mmu(cs, base + i, 0, make_memop_idx(MO_64, mmu_idx), ra);
    }
}

/*
 * SYS with op0 = 1, CRn = 7 (C5.3): DC ZVA zeroes, AT translates, the
 * cache maintenance operations are no-ops (no caches are modelled) after
 * the EL0 checks of SCTLR_EL1.UCI/DZE.  EL1-only forms are rejected at
 * EL0 by the translator.
 */
void helper_arm_sys(CPUState *cs, uint64_t key, uint64_t xt, uint64_t insn)
{
    CPUARMState *env = arm_env(cs);
    uint32_t op1 = (key >> 11) & 7, crm = (key >> 3) & 15, op2 = key & 7;
    bool el0 = env->el == 0;

    if (op1 == 3 && crm == 4 && op2 == 1) {             /* DC ZVA */
        if (el0 && !(env->sctlr_el1 & SCTLR_DZE)) {
            sysreg_fail(env, ACC_TRAP, key, insn, false, GETPC());
        }
        arm_dc_zva(cs, xt, GETPC());
        return;
    }
    if (op1 == 0 && crm == 8 && op2 <= 3) {             /* AT S1E{1,0}{R,W} */
        env->par_el1 = arm_at_translate(cs, xt, op2 >= 2 ? 0 : 1, op2 & 1);
        return;
    }
    /* IC IVAU, DC CVAC/CVAU/CIVAC at EL0. */
    if (el0 && !(env->sctlr_el1 & SCTLR_UCI)) {
        sysreg_fail(env, ACC_TRAP, key, insn, false, GETPC());
    }
}
DEF_HELPER(arm_sys, 0, 4, false);

/* ---- memory faults (translation itself is in mmu.c) ---- */

void arm_raise_abort(CPUState *cs, vaddr addr, MMUAccessType access_type,
                     uint32_t fsc, uintptr_t retaddr)
{
    CPUARMState *env = arm_env(cs);
    bool lower = env->el == 0;
    int ec;
    uint32_t iss = fsc;

    if (access_type == MMU_INST_FETCH) {
        ec = lower ? EC_INSN_ABORT_LOWER : EC_INSN_ABORT;
    } else {
        ec = lower ? EC_DATA_ABORT_LOWER : EC_DATA_ABORT;
        if (access_type == MMU_DATA_STORE) {
            iss |= 1u << 6;     /* WnR */
        }
    }
    env->exc_far = addr;
    env->exc_far_valid = true;
    arm_raise_exception(env, syn_make(ec, iss), retaddr);
}

static void arm_cpu_do_transaction_failed(CPUState *cs, hwaddr phys,
                                          vaddr addr,
                                          MMUAccessType access_type,
                                          int mmu_idx, uintptr_t retaddr)
{
    (void)phys;
    (void)mmu_idx;
    /* Synchronous external abort, not on a translation table walk. */
    arm_raise_abort(cs, addr, access_type, 0x10, retaddr);
}

static void arm_cpu_do_unaligned_access(CPUState *cs, vaddr addr,
                                        MMUAccessType access_type,
                                        int mmu_idx, uintptr_t retaddr)
{
    (void)mmu_idx;
    if (access_type == MMU_INST_FETCH) {
        arm_raise_exception(arm_env(cs), syn_make(EC_PC_ALIGN, 0), retaddr);
    }
    arm_raise_abort(cs, addr, access_type, 0x21, retaddr);
}

static int arm_cpu_mmu_index(CPUState *cs, bool ifetch)
{
    (void)ifetch;
    return (int)arm_env(cs)->el;
}

static void arm_cpu_get_tb_state(CPUState *cs, vaddr *pc, uint64_t *flags)
{
    CPUARMState *env = arm_env(cs);

    *pc = env->pc;
    int fpen = (env->cpacr_el1 >> 20) & 3;

    *flags = env->el & ARM_TBFLAG_EL_MASK;
    /* D19.2.30: FPEN 11 never traps, 01 traps EL0 only, x0 traps both. */
    if (fpen == 3 || (fpen == 1 && env->el == 1)) {
        *flags |= ARM_TBFLAG_FPEN;
    }
    /*
     * gdb breakpoints are virtual addresses that the translator compiles
     * into the TB, but a pc-relative TB serves every mapping of its code:
     * while any are set, key TBs by their virtual page too (flag bits
     * 12 and up; ARM_TBFLAG_* stay below).
     */
    if (cs->nb_breakpoints) {
        *flags |= env->pc & TARGET_PAGE_MASK;
    }
}

static void arm_cpu_dump_state(CPUState *cs, FILE *f)
{
    CPUARMState *env = arm_env(cs);

    fprintf(f, " PC=%016" PRIx64 " PSTATE=%08" PRIx64 " EL%d%c\n", env->pc,
            arm_pstate_read(env), (int)env->el, env->spsel ? 'h' : 't');
    for (int i = 0; i < 32; i++) {
        fprintf(f, " %s%02d=%016" PRIx64 "%s", i == 31 ? "SP" : "X",
                i == 31 ? (int)(env->spsel ? env->el : 0) : i,
                env->xregs[i], (i & 3) == 3 ? "\n" : "");
    }
    fprintf(f, " ELR_EL1=%016" PRIx64 " SPSR_EL1=%08" PRIx64
            " ESR_EL1=%08" PRIx64 " FAR_EL1=%016" PRIx64 "\n",
            env->elr_el1, env->spsr_el1, env->esr_el1, env->far_el1);
    fprintf(f, " VBAR_EL1=%016" PRIx64 " SCTLR_EL1=%08" PRIx64 "\n",
            env->vbar_el1, env->sctlr_el1);
}

void arm_restore_state(CPUState *cs, uint64_t insn_data)
{
    CPUARMState *env = arm_env(cs);

    /*
     * pc-relative TBs record page offsets; env->pc still holds an address
     * in the TB's page (A64 TBs never leave their first page).
     */
    if (cs->ops->pcrel) {
        env->pc = (env->pc & TARGET_PAGE_MASK) | insn_data;
    } else {
        env->pc = insn_data;
    }
}

const CPUOps arm_cpu_ops = {
    .arch = "aarch64",
    .pcrel = true,
    .get_tb_state = arm_cpu_get_tb_state,
    .translate = arm_translate,
    .restore_state = arm_restore_state,
    .do_exception = arm_cpu_do_exception,
    .exec_interrupt = arm_cpu_exec_interrupt,
    .has_work = arm_cpu_has_work,
    .tlb_fill = arm_cpu_tlb_fill,
    .do_transaction_failed = arm_cpu_do_transaction_failed,
    .do_unaligned_access = arm_cpu_do_unaligned_access,
    .reset = arm_cpu_reset,
    .dump_state = arm_cpu_dump_state,
    .get_phys_page_debug = arm_cpu_get_phys_page_debug,
    .mmu_index = arm_cpu_mmu_index,
    .disas = DISAS_AARCH64,
    .gdb_read_register = arm_gdb_read_register,
    .gdb_write_register = arm_gdb_write_register,
    .gdb_get_xml = arm_gdb_get_xml,
    .gdb_num_g_regs = ARM_GDB_NUM_G_REGS,
    .gdb_pc_reg = 32,
};
