/* SPDX-License-Identifier: MIT */
/* RISC-V hart: -cpu parsing, creation, reset, IRQ inputs, CPUOps. */
#include "cpu.h"
#include <inttypes.h>
#include <stdlib.h>
#include <strings.h>

#define MISA_EXT(c) (1ULL << ((c) - 'A'))
#define MISA_MXL_64 (2ULL << 62)

/* Bits of mip driven by devices, kept across a hart reset. */
#define MIP_DEVICE_BITS ((1ULL << IRQ_M_SOFT) | (1ULL << IRQ_M_TIMER) | \
                         (1ULL << IRQ_M_EXT) | (1ULL << IRQ_S_EXT))

static const char *const cpu_model_names[] = { "rv64", "max", "any" };

typedef struct ExtProp {
    const char *name;
    size_t offset;              /* bool in RISCVConfig */
} ExtProp;

#define EXT(n, f) { n, offsetof(RISCVConfig, f) }
static const ExtProp ext_props[] = {
    EXT("m", ext_m), EXT("a", ext_a), EXT("f", ext_f), EXT("d", ext_d),
    EXT("c", ext_c), EXT("zba", ext_zba), EXT("zbb", ext_zbb),
    EXT("zbc", ext_zbc), EXT("zbs", ext_zbs), EXT("zicbom", ext_zicbom),
    EXT("zicboz", ext_zicboz), EXT("zihintpause", ext_zihintpause),
    EXT("sstc", ext_sstc), EXT("zicsr", ext_zicsr),
    EXT("zifencei", ext_zifencei), EXT("s", ext_s), EXT("u", ext_u),
};
#undef EXT

/* ABI register names, shared by dumps, TCG globals, gdb and disassembly. */
const char *const riscv_gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *const riscv_fpr_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
    "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
    "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* ---- configuration ---- */

static void cfg_defaults(RISCVConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ext_m = cfg->ext_a = cfg->ext_f = cfg->ext_d = cfg->ext_c = true;
    cfg->ext_zba = cfg->ext_zbb = cfg->ext_zbc = cfg->ext_zbs = true;
    cfg->ext_zicbom = cfg->ext_zicboz = cfg->ext_zihintpause = true;
    cfg->ext_sstc = cfg->ext_zicsr = cfg->ext_zifencei = true;
    cfg->ext_s = cfg->ext_u = true;
    cfg->satp_mode_max = 10;
    cfg->pmp_regions = 16;
    cfg->cbom_blocksize = 64;
    cfg->cboz_blocksize = 64;
}

static int parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "yes") ||
        !strcmp(v, "1")) {
        *out = true;
        return 0;
    }
    if (!strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "no") ||
        !strcmp(v, "0")) {
        *out = false;
        return 0;
    }
    return -1;
}

/* "sv39" / "riscv,sv48" / "39" / "bare" -> satp mode, or -1. */
static int parse_mmu_mode(const char *v)
{
    if (!strncmp(v, "riscv,", 6)) {
        v += 6;
    }
    if (!strncmp(v, "sv", 2)) {
        v += 2;
    }
    if (!strcmp(v, "39")) {
        return 8;
    }
    if (!strcmp(v, "48")) {
        return 9;
    }
    if (!strcmp(v, "57")) {
        return 10;
    }
    if (!strcmp(v, "bare") || !strcmp(v, "none") || !strcmp(v, "0")) {
        return 0;
    }
    return -1;
}

static int parse_model(const char *model, RISCVConfig *cfg)
{
    char *buf, *tok, *save = NULL;
    bool sv_on[3] = { false }, sv_off[3] = { false };
    int explicit_mode = -1;
    int ret = -1;
    size_t i;
    int m;

    cfg_defaults(cfg);
    if (!model || !*model) {
        return 0;
    }
    buf = mc_strdup(model);
    tok = strtok_r(buf, ",", &save);
    if (!tok) {
        tok = (char *)"rv64";
    }
    for (i = 0; i < ARRAY_SIZE(cpu_model_names); i++) {
        if (!strcmp(tok, cpu_model_names[i])) {
            break;
        }
    }
    if (i == ARRAY_SIZE(cpu_model_names)) {
        error_report("unknown CPU model '%s' (try -cpu help)", tok);
        goto out;
    }

    while ((tok = strtok_r(NULL, ",", &save)) != NULL) {
        char *val = strchr(tok, '=');
        bool b;

        if (!val) {
            error_report("CPU property '%s' needs a value", tok);
            goto out;
        }
        *val++ = '\0';
        if (!strcmp(tok, "mmu-type") || !strcmp(tok, "sv")) {
            m = parse_mmu_mode(val);
            if (m < 0) {
                error_report("CPU property '%s': bad MMU type '%s'", tok,
                             val);
                goto out;
            }
            explicit_mode = m;
            continue;
        }
        if (parse_bool(val, &b) < 0) {
            error_report("CPU property '%s': expected true/false/on/off, "
                         "got '%s'", tok, val);
            goto out;
        }
        if (!strcmp(tok, "sv39") || !strcmp(tok, "sv48") ||
            !strcmp(tok, "sv57")) {
            m = parse_mmu_mode(tok) - 8;
            sv_on[m] = b;
            sv_off[m] = !b;
            continue;
        }
        if (!strcmp(tok, "pmp")) {
            cfg->pmp_regions = b ? 16 : 0;
            continue;
        }
        for (i = 0; i < ARRAY_SIZE(ext_props); i++) {
            if (!strcmp(tok, ext_props[i].name)) {
                *(bool *)((char *)cfg + ext_props[i].offset) = b;
                break;
            }
        }
        if (i == ARRAY_SIZE(ext_props)) {
            error_report("unknown CPU property '%s'", tok);
            goto out;
        }
    }

    /* Largest enabled mode wins; disabled ones cap it (QEMU-like). */
    if (explicit_mode >= 0) {
        cfg->satp_mode_max = explicit_mode;
    } else {
        if (sv_on[2] || sv_on[1] || sv_on[0]) {
            cfg->satp_mode_max = sv_on[2] ? 10 : sv_on[1] ? 9 : 8;
        }
        while (cfg->satp_mode_max >= 8 && sv_off[cfg->satp_mode_max - 8]) {
            cfg->satp_mode_max--;
        }
        if (cfg->satp_mode_max < 8) {
            cfg->satp_mode_max = 0;
        }
        for (m = 8; m < cfg->satp_mode_max; m++) {
            if (sv_off[m - 8]) {
                error_report("CPU property 'sv%d': cannot be off while a "
                             "larger MMU mode is on", 39 + 9 * (m - 8));
                goto out;
            }
        }
    }
    if (cfg->ext_d && !cfg->ext_f) {
        error_report("CPU property 'd': requires 'f'");
        goto out;
    }
    if (cfg->ext_f && !cfg->ext_zicsr) {
        error_report("CPU property 'f': requires 'zicsr'");
        goto out;
    }
    if (cfg->ext_s && !cfg->ext_u) {
        error_report("CPU property 's': requires 'u'");
        goto out;
    }
    if (!cfg->ext_s) {
        cfg->satp_mode_max = 0;
        cfg->ext_sstc = false;
    }
    ret = 0;
out:
    free(buf);
    return ret;
}

static uint64_t cfg_misa(const RISCVConfig *cfg)
{
    uint64_t misa = MISA_MXL_64 | MISA_EXT('I');

    misa |= cfg->ext_m ? MISA_EXT('M') : 0;
    misa |= cfg->ext_a ? MISA_EXT('A') : 0;
    misa |= cfg->ext_f ? MISA_EXT('F') : 0;
    misa |= cfg->ext_d ? MISA_EXT('D') : 0;
    misa |= cfg->ext_c ? MISA_EXT('C') : 0;
    misa |= cfg->ext_s ? MISA_EXT('S') : 0;
    misa |= cfg->ext_u ? MISA_EXT('U') : 0;
    return misa;
}

static void build_isa_string(RISCVCPU *cpu)
{
    const RISCVConfig *cfg = &cpu->cfg;
    char *p = cpu->isa_string;
    size_t left = sizeof(cpu->isa_string);
    const struct { bool on; const char *name; } z[] = {
        { cfg->ext_zicsr, "zicsr" }, { cfg->ext_zifencei, "zifencei" },
        { cfg->ext_zicbom, "zicbom" }, { cfg->ext_zicboz, "zicboz" },
        { cfg->ext_zihintpause, "zihintpause" },
        { cfg->ext_zba, "zba" }, { cfg->ext_zbb, "zbb" },
        { cfg->ext_zbc, "zbc" }, { cfg->ext_zbs, "zbs" },
        { cfg->ext_sstc, "sstc" },
    };
    size_t i;
    int n;

    n = snprintf(p, left, "rv64i%s%s%s%s%s", cfg->ext_m ? "m" : "",
                 cfg->ext_a ? "a" : "", cfg->ext_f ? "f" : "",
                 cfg->ext_d ? "d" : "", cfg->ext_c ? "c" : "");
    p += n;
    left -= n;
    for (i = 0; i < ARRAY_SIZE(z); i++) {
        if (z[i].on) {
            n = snprintf(p, left, "_%s", z[i].name);
            if (n < 0 || (size_t)n >= left) {
                break;
            }
            p += n;
            left -= n;
        }
    }
}

/* ---- reset and IRQs ---- */

static void riscv_cpu_reset(CPUState *cs)
{
    RISCVCPU *cpu = riscv_cpu(cs);
    CPURISCVState *env = &cpu->env;
    uint64_t keep = __atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) &
                    MIP_DEVICE_BITS;

    timer_del(&env->stimecmp_timer);
    memset(env->gpr, 0, sizeof(env->gpr));
    memset(env->fpr, 0, sizeof(env->fpr));
    env->priv = PRV_M;
    env->misa = cfg_misa(&cpu->cfg);
    env->mstatus = 0;
    if (cpu->cfg.ext_s) {
        env->mstatus |= 2ULL << 34;     /* SXL = 64 */
    }
    if (cpu->cfg.ext_u) {
        env->mstatus |= 2ULL << 32;     /* UXL = 64 */
    }
    env->mie = 0;
    env->mideleg = env->medeleg = 0;
    env->mtvec = env->stvec = 0;
    env->mscratch = env->sscratch = 0;
    env->mepc = env->sepc = 0;
    env->mcause = env->scause = 0;
    env->mtval = env->stval = 0;
    env->satp = 0;
    env->mcounteren = env->scounteren = env->mcountinhibit = 0;
    env->menvcfg = env->senvcfg = 0;
    env->mseccfg = 0;
    env->stimecmp = UINT64_MAX;
    env->badaddr = 0;
    env->mcycle_offset = -(uint64_t)clock_get_ns(CLOCK_VIRTUAL);
    env->minstret_offset = env->mcycle_offset;
    memset(env->pmpcfg, 0, sizeof(env->pmpcfg));
    memset(env->pmpaddr, 0, sizeof(env->pmpaddr));
    env->load_res = (uint64_t)-1;
    env->load_val = 0;
    env->frm = 0;
    env->fflags = 0;
    env->pc = env->reset_pc;
    env->gpr[10] = env->mhartid;
    env->gpr[11] = env->reset_a1;
    cs->exception_index = EXCP_NONE;
    cs->halted = false;
    riscv_cpu_update_mip(env, ~0ULL, keep);
    tlb_flush(cs);
}

static void riscv_cpu_set_irq(void *opaque, int n, int level)
{
    RISCVCPU *cpu = opaque;

    riscv_cpu_update_mip(&cpu->env, 1ULL << n, level ? 1ULL << n : 0);
}

IRQLine *riscv_cpu_irq_line(RISCVCPU *cpu, int irq)
{
    if (irq < 0 || irq >= (int)ARRAY_SIZE(cpu->irq_lines)) {
        return NULL;
    }
    if (!cpu->irq_lines[irq]) {
        cpu->irq_lines[irq] = irq_alloc_line(riscv_cpu_set_irq, cpu, irq);
    }
    return cpu->irq_lines[irq];
}

static void stimecmp_timer_cb(void *opaque)
{
    RISCVCPU *cpu = opaque;

    riscv_cpu_update_stimecmp(&cpu->env);
}

void riscv_cpu_set_time_source(RISCVCPU *cpu,
                               uint64_t (*read_time)(void *opaque),
                               void *opaque, uint64_t freq)
{
    cpu->env.read_time = read_time;
    cpu->env.time_opaque = opaque;
    cpu->env.time_freq = freq ? freq : 10000000;
}

void riscv_cpu_set_reset_vector(RISCVCPU *cpu, uint64_t pc, uint64_t a1)
{
    cpu->env.reset_pc = pc;
    cpu->env.reset_a1 = a1;
    /* Takes effect now too: machines set it after creation. */
    if (cpu->env.priv == PRV_M) {
        cpu->env.pc = pc;
        cpu->env.gpr[11] = a1;
    }
}

const char *riscv_cpu_isa_string(RISCVCPU *cpu)
{
    return cpu->isa_string;
}

const char *riscv_cpu_mmu_type(RISCVCPU *cpu)
{
    switch (cpu->cfg.satp_mode_max) {
    case 8:
        return "riscv,sv39";
    case 9:
        return "riscv,sv48";
    case 10:
        return "riscv,sv57";
    default:
        return "riscv,none";
    }
}

CPUState *riscv_cpu_state(RISCVCPU *cpu)
{
    return &cpu->parent;
}

void riscv_cpu_print_models(FILE *f)
{
    fprintf(f, "Available CPUs:\n");
    fprintf(f, "  rv64     RV64GC + Zba/Zbb/Zbc/Zbs, Zicbom/Zicboz, "
            "Zihintpause, Sstc, Sv39/48/57 (default)\n");
    fprintf(f, "  max      alias of rv64\n");
    fprintf(f, "  any      alias of rv64\n");
    fprintf(f, "Properties (=true|false|on|off): m a f d c zba zbb zbc zbs "
            "zicbom zicboz\n  zihintpause sstc zicsr zifencei sv39 sv48 "
            "sv57 pmp; mmu-type=sv39|sv48|sv57|bare\n");
}

RISCVCPU *riscv_cpu_create(int hartid, const char *model)
{
    static bool translate_ready;
    RISCVConfig cfg;
    RISCVCPU *cpu;
    size_t size;

    if (parse_model(model, &cfg) < 0) {
        return NULL;
    }
    if (hartid < 0) {
        error_report("invalid hart id %d", hartid);
        return NULL;
    }
    /* Cache-line aligned: the TLB is large and hot. */
    size = ROUND_UP(sizeof(RISCVCPU), (size_t)64);
    cpu = aligned_alloc(64, size);
    if (!cpu) {
        fatal("out of memory allocating hart %d", hartid);
    }
    memset(cpu, 0, size);
    cpu->cfg = cfg;
    build_isa_string(cpu);

    cpu->parent.cpu_index = hartid;
    cpu->parent.ops = &riscv_cpu_ops;
    cpu->parent.exception_index = EXCP_NONE;
    cpu->env.mhartid = hartid;
    cpu->env.time_freq = 10000000;
    timer_init(&cpu->env.stimecmp_timer, CLOCK_VIRTUAL, stimecmp_timer_cb,
               cpu);

    if (!translate_ready) {
        riscv_translate_init();
        translate_ready = true;
    }
    /* Register first: the engine's TLB state must exist for reset. */
    cpu_register(&cpu->parent);
    riscv_cpu_reset(&cpu->parent);
    return cpu;
}

/* ---- CPUOps ---- */

static void riscv_cpu_get_tb_state(CPUState *cs, vaddr *pc, uint64_t *flags)
{
    CPURISCVState *env = cpu_env(cs);
    uint64_t fs = 0;

    if (env->misa & MISA_EXT('F')) {
        fs = (env->mstatus & MSTATUS_FS) >> 13;
    }
    *pc = env->pc;
    *flags = (env->priv << TB_FLAGS_PRIV_SHIFT) |
             ((uint64_t)riscv_cpu_mmu_index(env, false) <<
              TB_FLAGS_MEMIDX_SHIFT) |
             (fs << TB_FLAGS_FS_SHIFT) |
             ((env->frm & 7) << TB_FLAGS_FRM_SHIFT);
}

static void dump_csr(FILE *f, const char *name, uint64_t v)
{
    fprintf(f, " %-8s %016" PRIx64 "\n", name, v);
}

static void riscv_cpu_dump_state(CPUState *cs, FILE *f)
{
    CPURISCVState *env = cpu_env(cs);
    uint64_t mstatus = env->mstatus;
    int i;

    if ((mstatus & MSTATUS_FS) == MSTATUS_FS) {
        mstatus |= MSTATUS_SD;
    }
    fprintf(f, " hart     %d\n", cs->cpu_index);
    dump_csr(f, "pc", env->pc);
    dump_csr(f, "priv", env->priv);
    dump_csr(f, "mhartid", env->mhartid);
    dump_csr(f, "mstatus", mstatus);
    dump_csr(f, "misa", env->misa);
    dump_csr(f, "mip", __atomic_load_n(&env->mip, __ATOMIC_RELAXED));
    dump_csr(f, "mie", env->mie);
    dump_csr(f, "mideleg", env->mideleg);
    dump_csr(f, "medeleg", env->medeleg);
    dump_csr(f, "mtvec", env->mtvec);
    dump_csr(f, "stvec", env->stvec);
    dump_csr(f, "mepc", env->mepc);
    dump_csr(f, "sepc", env->sepc);
    dump_csr(f, "mcause", env->mcause);
    dump_csr(f, "scause", env->scause);
    dump_csr(f, "mtval", env->mtval);
    dump_csr(f, "stval", env->stval);
    dump_csr(f, "mscratch", env->mscratch);
    dump_csr(f, "sscratch", env->sscratch);
    dump_csr(f, "satp", env->satp);
    dump_csr(f, "menvcfg", env->menvcfg);
    dump_csr(f, "stimecmp", env->stimecmp);
    for (i = 0; i < 32; i++) {
        char name[16];

        snprintf(name, sizeof(name), "x%d/%s", i, riscv_gpr_names[i]);
        fprintf(f, " %-8s %016" PRIx64 "%s", name, env->gpr[i],
                (i & 3) == 3 ? "\n" : " ");
    }
    if (env->misa & MISA_EXT('F')) {
        for (i = 0; i < 32; i++) {
            fprintf(f, " %-8s %016" PRIx64 "%s", riscv_fpr_names[i],
                    env->fpr[i], (i & 3) == 3 ? "\n" : " ");
        }
        fprintf(f, " %-8s %016" PRIx64 "\n", "fcsr",
                (env->fflags & 0x1f) | ((env->frm & 7) << 5));
    }
}

static int riscv_cpu_mmu_index_op(CPUState *cs, bool ifetch)
{
    return riscv_cpu_mmu_index(cpu_env(cs), ifetch);
}

const CPUOps riscv_cpu_ops = {
    .arch = "riscv64",
    .pcrel = true,
    .get_tb_state = riscv_cpu_get_tb_state,
    .translate = riscv_translate,
    .restore_state = riscv_restore_state,
    .do_exception = riscv_cpu_do_exception,
    .exec_interrupt = riscv_cpu_exec_interrupt,
    .has_work = riscv_cpu_has_work,
    .no_preempt = riscv_cpu_no_preempt,
    .tlb_fill = riscv_cpu_tlb_fill,
    .do_transaction_failed = riscv_cpu_do_transaction_failed,
    .do_unaligned_access = riscv_cpu_do_unaligned_access,
    .reset = riscv_cpu_reset,
    .dump_state = riscv_cpu_dump_state,
    .get_phys_page_debug = riscv_cpu_get_phys_page_debug,
    .mmu_index = riscv_cpu_mmu_index_op,
    .disas = DISAS_RISCV64,
    .gdb_read_register = riscv_gdb_read_register,
    .gdb_write_register = riscv_gdb_write_register,
    .gdb_get_xml = riscv_gdb_get_xml,
    .gdb_num_g_regs = RISCV_GDB_NUM_G_REGS,
    .gdb_pc_reg = 32,
};
