/* SPDX-License-Identifier: MIT */
/* RISC-V control and status registers (privileged spec 1.12, Sstc). */
#include "cpu.h"
#include "machina/main-loop.h"
#include <inttypes.h>

/* CSR numbers (privileged spec tables 2.2-2.5). */
enum {
    CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
    CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02,
    CSR_HPMCOUNTER3 = 0xc03, CSR_HPMCOUNTER31 = 0xc1f,
    CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105,
    CSR_SCOUNTEREN = 0x106, CSR_SENVCFG = 0x10a,
    CSR_SSCRATCH = 0x140, CSR_SEPC = 0x141, CSR_SCAUSE = 0x142,
    CSR_STVAL = 0x143, CSR_SIP = 0x144, CSR_STIMECMP = 0x14d,
    CSR_SATP = 0x180,
    CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302,
    CSR_MIDELEG = 0x303, CSR_MIE = 0x304, CSR_MTVEC = 0x305,
    CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a,
    CSR_MCOUNTINHIBIT = 0x320,
    CSR_MHPMEVENT3 = 0x323, CSR_MHPMEVENT31 = 0x33f,
    CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342,
    CSR_MTVAL = 0x343, CSR_MIP = 0x344,
    CSR_PMPCFG0 = 0x3a0, CSR_PMPCFG15 = 0x3af,
    CSR_PMPADDR0 = 0x3b0, CSR_PMPADDR63 = 0x3ef,
    CSR_MSECCFG = 0x747,
    CSR_TSELECT = 0x7a0, CSR_TDATA1 = 0x7a1, CSR_TDATA2 = 0x7a2,
    CSR_TDATA3 = 0x7a3, CSR_TINFO = 0x7a4,
    CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02,
    CSR_MHPMCOUNTER3 = 0xb03, CSR_MHPMCOUNTER31 = 0xb1f,
    CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13,
    CSR_MHARTID = 0xf14, CSR_MCONFIGPTR = 0xf15,
};

#define MIP_SSIP (1ULL << IRQ_S_SOFT)
#define MIP_MSIP (1ULL << IRQ_M_SOFT)
#define MIP_STIP (1ULL << IRQ_S_TIMER)
#define MIP_MTIP (1ULL << IRQ_M_TIMER)
#define MIP_SEIP (1ULL << IRQ_S_EXT)
#define MIP_MEIP (1ULL << IRQ_M_EXT)
#define S_INTS   (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define ALL_INTS (S_INTS | MIP_MSIP | MIP_MTIP | MIP_MEIP)

/* Delegable exceptions: all standard ones except M-mode ecall. */
#define DELEGABLE_EXCPS 0xb3ffULL

#define SSTATUS_MASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | \
                      MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS | \
                      MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)

/* envcfg fields. */
#define ENVCFG_FIOM   (1ULL << 0)
#define ENVCFG_CBIE   (3ULL << 4)
#define ENVCFG_CBCFE  (1ULL << 6)
#define ENVCFG_CBZE   (1ULL << 7)
#define ENVCFG_STCE   (1ULL << 63)

#define COUNTEREN_TM  (1ULL << 1)

/* satp.ASID (RV64, 16 bits: all of them are writable here). */
static uint16_t satp_asid(uint64_t satp)
{
    return (satp >> 44) & 0xffff;
}

static RISCVConfig *env_cfg(CPURISCVState *env)
{
    return &container_of(env, RISCVCPU, env)->cfg;
}

bool riscv_cpu_fp_enabled(CPURISCVState *env)
{
    return (env->mstatus & MSTATUS_FS) != 0 &&
           (env->misa & (1ULL << ('F' - 'A')));
}

void riscv_cpu_set_fs_dirty(CPURISCVState *env)
{
    env->mstatus |= MSTATUS_FS;
}

uint64_t riscv_cpu_get_time(CPURISCVState *env)
{
    uint64_t freq = env->time_freq ? env->time_freq : 10000000;

    if (env->read_time) {
        return env->read_time(env->time_opaque);
    }
    return (unsigned __int128)clock_get_ns(CLOCK_VIRTUAL) * freq /
           1000000000u;
}

/* Cycle and instret both count virtual nanoseconds (1 GHz, 1 IPC). */
static uint64_t counter_now(void)
{
    return clock_get_ns(CLOCK_VIRTUAL);
}

/* ---- Sstc ---- */

static void stimecmp_arm(CPURISCVState *env, int64_t expire)
{
    /* timer_mod/timer_del are thread safe and wake the main loop. */
    if (expire < 0) {
        timer_del(&env->stimecmp_timer);
    } else {
        timer_mod(&env->stimecmp_timer, expire);
    }
}

/*
 * Serialised with the machine lock: the timer callback (main loop) and
 * CSR writes (vCPU thread) both get here, and an unserialised pair could
 * delete the timer the other just armed and lose the interrupt.
 */
static void riscv_cpu_update_stimecmp_locked(CPURISCVState *env);

void riscv_cpu_update_stimecmp(CPURISCVState *env)
{
    machine_lock();
    riscv_cpu_update_stimecmp_locked(env);
    machine_unlock();
}

static void riscv_cpu_update_stimecmp_locked(CPURISCVState *env)
{
    uint64_t freq = env->time_freq ? env->time_freq : 10000000;
    uint64_t now, delta;
    unsigned __int128 ns;

    if (!env_cfg(env)->ext_sstc || !(env->menvcfg & ENVCFG_STCE)) {
        stimecmp_arm(env, -1);
        return;
    }
    now = riscv_cpu_get_time(env);
    if (now >= env->stimecmp) {
        riscv_cpu_update_mip(env, MIP_STIP, MIP_STIP);
        stimecmp_arm(env, -1);
        return;
    }
    riscv_cpu_update_mip(env, MIP_STIP, 0);
    delta = env->stimecmp - now;
    ns = (unsigned __int128)delta * 1000000000u / freq;
    ns += clock_get_ns(CLOCK_VIRTUAL);
    if (ns > INT64_MAX) {
        ns = INT64_MAX;         /* far future: effectively never */
    }
    stimecmp_arm(env, (int64_t)ns);
}

/* ---- access checks ---- */

static bool has_ext(CPURISCVState *env, char ext)
{
    return (env->misa >> (ext - 'A')) & 1;
}

/* Counter CSR n (0 = cycle, 1 = time, 2 = instret, ...) in S/U mode. */
static bool counter_allowed(CPURISCVState *env, int n)
{
    if (env->priv < PRV_M && !((env->mcounteren >> n) & 1)) {
        return false;
    }
    if (env->priv < PRV_S && !((env->scounteren >> n) & 1)) {
        return false;
    }
    return true;
}

/* Predicates beyond the generic privilege check. */
static bool csr_available(CPURISCVState *env, int csrno)
{
    RISCVConfig *cfg = env_cfg(env);

    switch (csrno) {
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR:
        return has_ext(env, 'F') && (env->mstatus & MSTATUS_FS);
    case CSR_CYCLE:
    case CSR_TIME:
    case CSR_INSTRET:
        return counter_allowed(env, csrno - CSR_CYCLE);
    case CSR_SATP:
        /* TVM traps satp accesses from S-mode (3.1.6.5). */
        return !(env->priv == PRV_S && (env->mstatus & MSTATUS_TVM));
    case CSR_STIMECMP:
        if (!cfg->ext_sstc) {
            return false;
        }
        if (env->priv < PRV_M && (!(env->menvcfg & ENVCFG_STCE) ||
                                  !(env->mcounteren & COUNTEREN_TM))) {
            return false;
        }
        return true;
    default:
        break;
    }
    if (csrno >= CSR_HPMCOUNTER3 && csrno <= CSR_HPMCOUNTER31) {
        return counter_allowed(env, csrno - CSR_CYCLE);
    }
    if (csrno >= CSR_PMPCFG0 && csrno <= CSR_PMPCFG15) {
        return !(csrno & 1);    /* odd pmpcfg do not exist on RV64 */
    }
    /* S-mode CSRs need S-mode. */
    if (((csrno >> 8) & 3) == 1 && !has_ext(env, 'S')) {
        return false;
    }
    return true;
}

/* Privilege from bits 9:8 (H-level CSRs do not exist here). */
static bool csr_access_ok(CPURISCVState *env, int csrno, bool write)
{
    int level = (csrno >> 8) & 3;

    if (csrno < 0 || csrno > 0xfff) {
        return false;
    }
    if (level == 2 || env->priv < (uint64_t)level) {
        return false;
    }
    if (write && ((csrno >> 10) & 3) == 3) {
        return false;           /* read-only CSR */
    }
    return csr_available(env, csrno);
}

/* ---- register views ---- */

static uint64_t mstatus_read(CPURISCVState *env)
{
    uint64_t s = env->mstatus & ~MSTATUS_SD;

    if ((s & MSTATUS_FS) == MSTATUS_FS || (s & MSTATUS_XS) == MSTATUS_XS ||
        (s & MSTATUS_VS) == MSTATUS_VS) {
        s |= MSTATUS_SD;
    }
    return s;
}

static void mstatus_write(CPURISCVState *env, uint64_t val, uint64_t mask)
{
    uint64_t old = env->mstatus;
    uint64_t writable = MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP |
                        MSTATUS_MPRV;
    uint64_t new;

    if (has_ext(env, 'S')) {
        writable |= MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM |
                    MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
    }
    if (has_ext(env, 'F')) {
        writable |= MSTATUS_FS;
    }
    mask &= writable;
    new = (old & ~mask) | (val & mask);
    /* MPP is WARL: 2 (H) is not a mode here, keep the old value. */
    if (((new & MSTATUS_MPP) >> 11) == 2 ||
        (((new & MSTATUS_MPP) >> 11) == PRV_S && !has_ext(env, 'S'))) {
        new = (new & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    }
    new &= ~MSTATUS_SD;
    env->mstatus = new;
    /* MXR changes what cached translations allow. */
    if ((old ^ new) & MSTATUS_MXR) {
        tlb_flush(env_cpu(env));
    }
}

static uint64_t epc_read(CPURISCVState *env, uint64_t epc)
{
    /* IALIGN: bit 1 is masked when C is off (3.1.14). */
    return epc & (has_ext(env, 'C') ? ~1ULL : ~3ULL);
}

static uint64_t tvec_legal(uint64_t old, uint64_t val)
{
    /* Modes 0 (direct) and 1 (vectored) only; others leave it alone. */
    if ((val & 3) >= 2) {
        guest_error("riscv: reserved xtvec mode %" PRIu64 "\n", val & 3);
        return old;
    }
    return val;
}

static void envcfg_write(CPURISCVState *env, uint64_t *reg, uint64_t val,
                         bool is_menvcfg)
{
    RISCVConfig *cfg = env_cfg(env);
    uint64_t mask = ENVCFG_FIOM;
    uint64_t new;

    if (cfg->ext_zicbom) {
        mask |= ENVCFG_CBIE | ENVCFG_CBCFE;
        /* CBIE = 2 is reserved: keep the previous field. */
        if ((val & ENVCFG_CBIE) == (2ULL << 4)) {
            val = (val & ~ENVCFG_CBIE) | (*reg & ENVCFG_CBIE);
        }
    }
    if (cfg->ext_zicboz) {
        mask |= ENVCFG_CBZE;
    }
    if (is_menvcfg && cfg->ext_sstc) {
        mask |= ENVCFG_STCE;
    }
    new = (*reg & ~mask) | (val & mask);
    if (is_menvcfg && ((new ^ *reg) & ENVCFG_STCE)) {
        *reg = new;
        riscv_cpu_update_stimecmp(env);
        return;
    }
    *reg = new;
}

/* Is mip.STIP driven by stimecmp rather than written by M-mode? */
static bool stip_from_sstc(CPURISCVState *env)
{
    return env_cfg(env)->ext_sstc && (env->menvcfg & ENVCFG_STCE);
}

/* ---- read/write ---- */

int riscv_csr_read(CPURISCVState *env, int csrno, uint64_t *val)
{
    uint64_t v;

    if (!csr_access_ok(env, csrno, false)) {
        return -1;
    }
    if (csrno >= CSR_HPMCOUNTER3 && csrno <= CSR_HPMCOUNTER31) {
        *val = 0;
        return 0;
    }
    if ((csrno >= CSR_MHPMCOUNTER3 && csrno <= CSR_MHPMCOUNTER31) ||
        (csrno >= CSR_MHPMEVENT3 && csrno <= CSR_MHPMEVENT31)) {
        *val = 0;
        return 0;
    }
    if (csrno >= CSR_PMPCFG0 && csrno <= CSR_PMPCFG15) {
        *val = riscv_pmpcfg_read(env, csrno - CSR_PMPCFG0);
        return 0;
    }
    if (csrno >= CSR_PMPADDR0 && csrno <= CSR_PMPADDR63) {
        *val = riscv_pmpaddr_read(env, csrno - CSR_PMPADDR0);
        return 0;
    }

    switch (csrno) {
    case CSR_FFLAGS:
        v = env->fflags & 0x1f;
        break;
    case CSR_FRM:
        v = env->frm & 7;
        break;
    case CSR_FCSR:
        v = (env->fflags & 0x1f) | ((env->frm & 7) << 5);
        break;
    case CSR_CYCLE:
    case CSR_MCYCLE:
        v = counter_now() + env->mcycle_offset;
        break;
    case CSR_INSTRET:
    case CSR_MINSTRET:
        v = counter_now() + env->minstret_offset;
        break;
    case CSR_TIME:
        v = riscv_cpu_get_time(env);
        break;
    case CSR_SSTATUS:
        v = mstatus_read(env) & SSTATUS_MASK;
        break;
    case CSR_SIE:
        v = env->mie & env->mideleg;
        break;
    case CSR_STVEC:
        v = env->stvec;
        break;
    case CSR_SCOUNTEREN:
        v = env->scounteren;
        break;
    case CSR_SENVCFG:
        v = env->senvcfg;
        break;
    case CSR_SSCRATCH:
        v = env->sscratch;
        break;
    case CSR_SEPC:
        v = epc_read(env, env->sepc);
        break;
    case CSR_SCAUSE:
        v = env->scause;
        break;
    case CSR_STVAL:
        v = env->stval;
        break;
    case CSR_SIP:
        v = __atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) & env->mideleg;
        break;
    case CSR_STIMECMP:
        v = env->stimecmp;
        break;
    case CSR_SATP:
        v = env->satp;
        break;
    case CSR_MSTATUS:
        v = mstatus_read(env);
        break;
    case CSR_MISA:
        v = env->misa;
        break;
    case CSR_MEDELEG:
        v = env->medeleg;
        break;
    case CSR_MIDELEG:
        v = env->mideleg;
        break;
    case CSR_MIE:
        v = env->mie;
        break;
    case CSR_MTVEC:
        v = env->mtvec;
        break;
    case CSR_MCOUNTEREN:
        v = env->mcounteren;
        break;
    case CSR_MENVCFG:
        v = env->menvcfg;
        break;
    case CSR_MCOUNTINHIBIT:
        v = env->mcountinhibit;
        break;
    case CSR_MSCRATCH:
        v = env->mscratch;
        break;
    case CSR_MEPC:
        v = epc_read(env, env->mepc);
        break;
    case CSR_MCAUSE:
        v = env->mcause;
        break;
    case CSR_MTVAL:
        v = env->mtval;
        break;
    case CSR_MIP:
        v = __atomic_load_n(&env->mip, __ATOMIC_ACQUIRE);
        break;
    case CSR_MSECCFG:
        v = env->mseccfg;
        break;
    case CSR_TSELECT:
    case CSR_TDATA1:
    case CSR_TDATA2:
    case CSR_TDATA3:
        v = 0;                  /* no triggers: tdata1.type = 0 */
        break;
    case CSR_TINFO:
        v = 1;                  /* only type 0 ("none") supported */
        break;
    case CSR_MVENDORID:
    case CSR_MARCHID:
    case CSR_MIMPID:
    case CSR_MCONFIGPTR:
        v = 0;
        break;
    case CSR_MHARTID:
        v = env->mhartid;
        break;
    default:
        return -1;
    }
    *val = v;
    return 0;
}

int riscv_csr_write(CPURISCVState *env, int csrno, uint64_t val)
{
    CPUState *cs = env_cpu(env);
    uint64_t mask;

    if (!csr_access_ok(env, csrno, true)) {
        return -1;
    }
    if ((csrno >= CSR_MHPMCOUNTER3 && csrno <= CSR_MHPMCOUNTER31) ||
        (csrno >= CSR_MHPMEVENT3 && csrno <= CSR_MHPMEVENT31)) {
        return 0;               /* read-only zero (WARL) */
    }
    if (csrno >= CSR_PMPCFG0 && csrno <= CSR_PMPCFG15) {
        riscv_pmpcfg_write(env, csrno - CSR_PMPCFG0, val);
        return 0;
    }
    if (csrno >= CSR_PMPADDR0 && csrno <= CSR_PMPADDR63) {
        riscv_pmpaddr_write(env, csrno - CSR_PMPADDR0, val);
        return 0;
    }

    switch (csrno) {
    case CSR_FFLAGS:
        env->fflags = val & 0x1f;
        riscv_cpu_set_fs_dirty(env);
        break;
    case CSR_FRM:
        env->frm = val & 7;
        riscv_cpu_set_fs_dirty(env);
        break;
    case CSR_FCSR:
        env->fflags = val & 0x1f;
        env->frm = (val >> 5) & 7;
        riscv_cpu_set_fs_dirty(env);
        break;
    case CSR_MCYCLE:
        env->mcycle_offset = val - counter_now();
        break;
    case CSR_MINSTRET:
        env->minstret_offset = val - counter_now();
        break;
    case CSR_SSTATUS:
        mstatus_write(env, val, SSTATUS_MASK);
        riscv_cpu_check_interrupts(env);
        break;
    case CSR_SIE:
        mask = env->mideleg & S_INTS;
        env->mie = (env->mie & ~mask) | (val & mask);
        riscv_cpu_update_mip(env, 0, 0);
        riscv_cpu_check_interrupts(env);
        break;
    case CSR_STVEC:
        env->stvec = tvec_legal(env->stvec, val);
        break;
    case CSR_SCOUNTEREN:
        env->scounteren = val & 0xffffffffULL;
        break;
    case CSR_SENVCFG:
        envcfg_write(env, &env->senvcfg, val, false);
        break;
    case CSR_SSCRATCH:
        env->sscratch = val;
        break;
    case CSR_SEPC:
        env->sepc = val & ~1ULL;
        break;
    case CSR_SCAUSE:
        env->scause = val;
        break;
    case CSR_STVAL:
        env->stval = val;
        break;
    case CSR_SIP:
        /* Only SSIP is writable through sip, and only if delegated. */
        mask = env->mideleg & MIP_SSIP;
        riscv_cpu_update_mip(env, mask, val);
        riscv_cpu_check_interrupts(env);
        break;
    case CSR_STIMECMP:
        machine_lock();
        env->stimecmp = val;
        riscv_cpu_update_stimecmp_locked(env);
        machine_unlock();
        break;
    case CSR_SATP: {
        RISCVConfig *cfg = env_cfg(env);
        uint64_t mode = val >> 60;

        if (!has_ext(env, 'S')) {
            break;
        }
        /* Unsupported modes leave satp unchanged (4.1.11). */
        if (mode != 0 && (mode < 8 || mode > (uint64_t)cfg->satp_mode_max)) {
            break;
        }
        if (val != env->satp) {
            uint64_t old = env->satp;

            env->satp = val;
            /*
             * Another ASID in the same translation mode: global entries
             * stay valid, the old address space's entries go, and the
             * jump-cache entries of its TBs wait under its ASID for the
             * switch back (tlb_switch_asid()).  Writing satp implies no
             * flush (4.1.11): reusing an ASID for other mappings needs
             * an sfence.vma, which flushes everything.  Any other change
             * flushes all, as before.
             */
            if (mode != 0 && mode == old >> 60 &&
                satp_asid(val) != satp_asid(old)) {
                tlb_switch_asid(cs, satp_asid(val));
            } else {
                tlb_flush(cs);
            }
        }
        break;
    }
    case CSR_MSTATUS:
        mstatus_write(env, val, ~0ULL);
        riscv_cpu_check_interrupts(env);
        break;
    case CSR_MISA:
        break;                  /* fixed configuration (WARL) */
    case CSR_MEDELEG:
        env->medeleg = val & DELEGABLE_EXCPS;
        break;
    case CSR_MIDELEG:
        env->mideleg = val & S_INTS;
        riscv_cpu_check_interrupts(env);
        break;
    case CSR_MIE:
        env->mie = val & ALL_INTS;
        riscv_cpu_update_mip(env, 0, 0);
        riscv_cpu_check_interrupts(env);
        break;
    case CSR_MTVEC:
        env->mtvec = tvec_legal(env->mtvec, val);
        break;
    case CSR_MCOUNTEREN:
        env->mcounteren = val & 0xffffffffULL;
        break;
    case CSR_MENVCFG:
        envcfg_write(env, &env->menvcfg, val, true);
        break;
    case CSR_MCOUNTINHIBIT:
        env->mcountinhibit = val & 0xfffffffdULL;   /* TM is zero */
        break;
    case CSR_MSCRATCH:
        env->mscratch = val;
        break;
    case CSR_MEPC:
        env->mepc = val & ~1ULL;
        break;
    case CSR_MCAUSE:
        env->mcause = val;
        break;
    case CSR_MTVAL:
        env->mtval = val;
        break;
    case CSR_MIP:
        /* MSIP/MTIP/MEIP follow the devices; STIP follows Sstc if on. */
        mask = MIP_SSIP | MIP_SEIP;
        if (!stip_from_sstc(env)) {
            mask |= MIP_STIP;
        }
        riscv_cpu_update_mip(env, mask, val);
        riscv_cpu_check_interrupts(env);
        break;
    case CSR_MSECCFG:
        break;                  /* no Smepmp: read-only zero */
    case CSR_TSELECT:
    case CSR_TDATA1:
    case CSR_TDATA2:
    case CSR_TDATA3:
    case CSR_TINFO:
        break;                  /* no triggers */
    default:
        return -1;
    }
    return 0;
}
