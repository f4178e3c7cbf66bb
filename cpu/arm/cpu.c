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

static const struct {
    const char *name;
    uint64_t midr;
    uint64_t isar0;
} arm_models[] = {
    { "cortex-a57", 0x411fd070, ISAR0_V80 },
    { "cortex-a72", 0x410fd083, ISAR0_V80 },
    { "max", 0x000f0510, ISAR0_V80 | ISAR0_ATOMIC },
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
    env->sctlr_el1 = 0x30d00800;    /* RES1 bits only */
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
    cpu->env.id_aa64pfr0 = 0x11;        /* EL0/EL1 AArch64, FP, AdvSIMD */
    cpu->env.id_aa64mmfr0 = 0x1124;     /* 4K/64K granules, 40-bit PA */
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

/* ---- system registers ---- */

/* op0:op1:CRn:CRm:op2 packed as in MRS/MSR bits 20:5. */
#define SR(op0, op1, crn, crm, op2) \
    (((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

enum {
    SR_MIDR = SR(3, 0, 0, 0, 0),
    SR_MPIDR = SR(3, 0, 0, 0, 5),
    SR_REVIDR = SR(3, 0, 0, 0, 6),
    SR_ID_AA64PFR0 = SR(3, 0, 0, 4, 0),
    SR_ID_AA64PFR1 = SR(3, 0, 0, 4, 1),
    SR_ID_AA64DFR0 = SR(3, 0, 0, 5, 0),
    SR_ID_AA64ISAR0 = SR(3, 0, 0, 6, 0),
    SR_ID_AA64ISAR1 = SR(3, 0, 0, 6, 1),
    SR_ID_AA64MMFR0 = SR(3, 0, 0, 7, 0),
    SR_ID_AA64MMFR1 = SR(3, 0, 0, 7, 1),
    SR_ID_AA64MMFR2 = SR(3, 0, 0, 7, 2),
    SR_SCTLR = SR(3, 0, 1, 0, 0),
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
    SR_MAIR = SR(3, 0, 10, 2, 0),
    SR_AMAIR = SR(3, 0, 10, 3, 0),
    SR_VBAR = SR(3, 0, 12, 0, 0),
    SR_CONTEXTIDR = SR(3, 0, 13, 0, 1),
    SR_TPIDR_EL1 = SR(3, 0, 13, 0, 4),
    SR_CNTKCTL = SR(3, 0, 14, 1, 0),
    SR_CTR = SR(3, 3, 0, 0, 1),
    SR_DCZID = SR(3, 3, 0, 0, 7),
    SR_NZCV = SR(3, 3, 4, 2, 0),
    SR_DAIF = SR(3, 3, 4, 2, 1),
    SR_FPCR = SR(3, 3, 4, 4, 0),
    SR_FPSR = SR(3, 3, 4, 4, 1),
    SR_TPIDR_EL0 = SR(3, 3, 13, 0, 2),
    SR_TPIDRRO_EL0 = SR(3, 3, 13, 0, 3),
    SR_CNTFRQ = SR(3, 3, 14, 0, 0),
    SR_CNTPCT = SR(3, 3, 14, 0, 1),
    SR_CNTVCT = SR(3, 3, 14, 0, 2),
    SR_MDSCR = SR(2, 0, 0, 2, 2),
    SR_CNTP_TVAL = SR(3, 3, 14, 2, 0),
    SR_CNTP_CTL = SR(3, 3, 14, 2, 1),
    SR_CNTP_CVAL = SR(3, 3, 14, 2, 2),
    SR_CNTV_TVAL = SR(3, 3, 14, 3, 0),
    SR_CNTV_CTL = SR(3, 3, 14, 3, 1),
    SR_CNTV_CVAL = SR(3, 3, 14, 3, 2),
};

/*
 * CNTP_* / CNTV_* access: 1 done, 0 UNDEFINED (EL0 without CNTKCTL
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
        return 0;
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
    return 1;
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
    case SR_MDSCR: return &env->mdscr_el1;
    case SR_TPIDR_EL0:
        *el0 = true;
        return &env->tpidr_el0;
    case SR_FPCR:
        *el0 = true;
        return &env->fpcr;
    case SR_FPSR:
        *el0 = true;
        return &env->fpsr;
    default:
        return NULL;
    }
}


bool arm_sysreg_read(CPUARMState *env, uint32_t key, uint64_t *val)
{
    ARMCPU *cpu = container_of(env, ARMCPU, env);
    int gt;
    bool el0;
    uint64_t *p = sysreg_field(env, key, &el0);

    if (p) {
        if (env->el == 0 && !el0) {
            return false;
        }
        *val = *p;
        return true;
    }
    switch (key) {
    case SR_NZCV:
        *val = arm_pstate_read(env) & 0xf0000000u;
        return true;
    case SR_TPIDRRO_EL0:
        *val = env->tpidrro_el0;
        return true;
    case SR_CNTFRQ:
        *val = env->cntfrq;
        return true;
    case SR_CNTPCT:
    case SR_CNTVCT:
        *val = arm_counter(env);
        return true;
    case SR_CTR:
        *val = 0x8444c004;      /* 64-byte lines, as Cortex-A57 */
        return true;
    case SR_DCZID:
        *val = 0x10;            /* DC ZVA prohibited (not implemented) */
        return true;
    default:
        gt = arm_gt_access(env, key, val, false);
        if (gt >= 0) {
            return gt > 0;
        }
        break;
    }
    if (env->el == 0) {
        return false;
    }
    switch (key) {
    case SR_MIDR:
        *val = env->midr;
        return true;
    case SR_MPIDR:
        *val = env->mpidr;
        return true;
    case SR_REVIDR:
    case SR_ID_AA64PFR1:
    case SR_ID_AA64ISAR1:
    case SR_ID_AA64MMFR1:
    case SR_ID_AA64MMFR2:
        *val = 0;
        return true;
    case SR_ID_AA64PFR0:
        *val = env->id_aa64pfr0;
        return true;
    case SR_ID_AA64DFR0:
        *val = 0x6;
        return true;
    case SR_ID_AA64ISAR0:
        *val = env->id_aa64isar0;
        return true;
    case SR_ID_AA64MMFR0:
        *val = env->id_aa64mmfr0;
        return true;
    case SR_SP_EL0:
        if (!env->spsel) {
            return false;       /* UNDEFINED while SP_EL0 is the SP */
        }
        *val = env->sp_el[0];
        return true;
    case SR_SPSEL:
        *val = env->spsel;
        return true;
    case SR_CURRENTEL:
        *val = env->el << 2;
        return true;
    case SR_DAIF:
        *val = env->daif;
        return true;
    default:
        return cpu->gic_sysreg &&
               cpu->gic_sysreg(cpu->gic_opaque, &cpu->parent, key, val,
                               false);
    }
}

bool arm_sysreg_write(CPUARMState *env, uint32_t key, uint64_t val)
{
    ARMCPU *cpu = container_of(env, ARMCPU, env);
    int gt;
    bool el0;
    uint64_t *p = sysreg_field(env, key, &el0);

    if (p) {
        if (env->el == 0 && !el0) {
            return false;
        }
        if (key == SR_VBAR) {
            val &= ~0x7ffULL;   /* bits 10:0 are RES0 */
        }
        *p = val;
        /* Translation regime changed: mmu.c relies on this flush. */
        if (key == SR_SCTLR || key == SR_TTBR0 || key == SR_TTBR1 ||
            key == SR_TCR) {
            tlb_flush(arm_env_cpu(env));
        }
        return true;
    }
    switch (key) {
    case SR_NZCV:
        env->nf = (val & PSTATE_N) ? ~0ULL : 0;
        env->zf = (val & PSTATE_Z) ? 0 : 1;
        env->cf = (val & PSTATE_C) ? 1 : 0;
        env->vf = (val & PSTATE_V) ? ~0ULL : 0;
        return true;
    default:
        gt = arm_gt_access(env, key, &val, true);
        if (gt >= 0) {
            return gt > 0;
        }
        break;
    }
    if (env->el == 0) {
        return false;
    }
    switch (key) {
    case SR_TPIDRRO_EL0:
        env->tpidrro_el0 = val;
        return true;
    case SR_CNTFRQ:
        env->cntfrq = val & 0xffffffffu;
        return true;
    case SR_SP_EL0:
        if (!env->spsel) {
            return false;
        }
        env->sp_el[0] = val;
        return true;
    case SR_SPSEL:
        arm_save_sp(env);
        env->spsel = val & 1;
        arm_restore_sp(env);
        return true;
    case SR_DAIF:
        env->daif = val & PSTATE_DAIF;
        return true;
    default:
        return cpu->gic_sysreg &&
               cpu->gic_sysreg(cpu->gic_opaque, &cpu->parent, key, &val,
                               true);
    }
}

static void sysreg_undef(CPUARMState *env, uint64_t key, uintptr_t ra)
{
    guest_error("arm: unknown system register op0=%d op1=%d CRn=%d CRm=%d "
                "op2=%d\n", (int)(key >> 14) & 3, (int)(key >> 11) & 7,
                (int)(key >> 7) & 15, (int)(key >> 3) & 15, (int)key & 7);
    arm_raise_exception(env, syn_make(EC_UNCATEGORIZED, 0), ra);
}

uint64_t helper_arm_mrs(CPUState *cs, uint64_t key, uint64_t insn)
{
    CPUARMState *env = arm_env(cs);
    uint64_t val = 0;

    (void)insn;
    if (!arm_sysreg_read(env, (uint32_t)key, &val)) {
        sysreg_undef(env, key, GETPC());
    }
    return val;
}
DEF_HELPER(arm_mrs, 0, 3, true);

void helper_arm_msr(CPUState *cs, uint64_t key, uint64_t val, uint64_t insn)
{
    CPUARMState *env = arm_env(cs);

    (void)insn;
    if (!arm_sysreg_write(env, (uint32_t)key, val)) {
        sysreg_undef(env, key, GETPC());
    }
}
DEF_HELPER(arm_msr, 0, 4, false);

/* MSR (immediate): op is op1:op2 (C5.2.20). */
void helper_arm_msr_imm(CPUState *cs, uint64_t op, uint64_t imm,
                        uint64_t insn)
{
    CPUARMState *env = arm_env(cs);

    (void)insn;
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
        if (env->el == 0) {
            break;
        }
        env->daif |= (imm & 0xf) << 6;
        return;
    case 0x1f:                  /* DAIFClr */
        if (env->el == 0) {
            break;
        }
        env->daif &= ~((imm & 0xf) << 6);
        return;
    default:
        break;
    }
    arm_raise_exception(env, syn_make(EC_UNCATEGORIZED, 0), GETPC());
}
DEF_HELPER(arm_msr_imm, 0, 4, false);

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
    arm_env(cs)->pc = insn_data;
}

const CPUOps arm_cpu_ops = {
    .arch = "aarch64",
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
};
