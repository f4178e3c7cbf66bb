/* SPDX-License-Identifier: MIT */
/* GICv3: distributor, redistributors and the system-register CPU iface. */
#include "arm_gic_common.h"
#include "machina/arm.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/*
 * Model: one security state (GICD_CTLR.DS = 1), affinity routing always
 * on, every interrupt treated as Group 1 (IGROUPR is stored only).
 * Priorities are compared in full (BPR is stored, not used for
 * preemption).  Arm IHI 0069 (GICv3/v4 architecture specification).
 */

#define GIC_MAX_CPUS 8
#define GIC_MAX_IRQS 1020
#define GIC_PRIV 32

typedef struct GICCpu {
    ARMGICv3 *gic;
    int index;
    ARMCPU *cpu;
    IRQLine *out;
    GICIrq priv[GIC_PRIV];
    IRQLine **ppi_in;
    uint32_t waker;
    uint64_t pmr, bpr1, ctlr, igrpen1;
    MemoryRegion mmio;
} GICCpu;

struct ARMGICv3 {
    int nr_cpus;
    int nr_irqs;                /* 32 + SPIs, multiple of 32 */
    uint32_t ctlr;
    GICIrq *spi;                /* INTID 32.. */
    uint64_t *irouter;
    IRQLine **spi_in;
    GICCpu cpus[GIC_MAX_CPUS];
    MemoryRegion dist;
};

#define CTLR_EN_GRP1 (1u << 1)
#define CTLR_ARE (1u << 4)
#define CTLR_DS (1u << 6)

static GICIrq *gic_irq(ARMGICv3 *s, int cpu, int intid)
{
    if (intid < GIC_PRIV) {
        return &s->cpus[cpu].priv[intid];
    }
    return &s->spi[intid - GIC_PRIV];
}

static int gic_spi_target(ARMGICv3 *s, int intid)
{
    uint64_t r = s->irouter[intid - GIC_PRIV];

    if (r & (1ULL << 31)) {
        return 0;               /* 1-of-N: deliver to CPU 0 */
    }
    for (int i = 0; i < s->nr_cpus; i++) {
        if (arm_cpu_mpidr(s->cpus[i].cpu) == (r & 0xff00ffffffULL)) {
            return i;
        }
    }
    return -1;
}

/* Highest priority pending interrupt for cpu: intid or 1023. */
static int gic_hppi(ARMGICv3 *s, int cpu, int *prio)
{
    int best = 1023, bp = 0x100;

    for (int i = 0; i < s->nr_irqs; i++) {
        GICIrq *q;

        if (i >= GIC_PRIV && gic_spi_target(s, i) != cpu) {
            continue;
        }
        q = gic_irq(s, cpu, i);
        if (q->enabled && !q->active && gic_irq_is_pending(q) &&
            q->prio < bp) {
            best = i;
            bp = q->prio;
        }
    }
    *prio = bp;
    return best;
}

/* Running priority: the highest-priority active interrupt (0xff idle). */
static int gic_rpr(ARMGICv3 *s, int cpu)
{
    int rp = 0xff;

    for (int i = 0; i < s->nr_irqs; i++) {
        GICIrq *q;

        if (i >= GIC_PRIV && gic_spi_target(s, i) != cpu) {
            continue;
        }
        q = gic_irq(s, cpu, i);
        if (q->active && q->prio < rp) {
            rp = q->prio;
        }
    }
    return rp;
}

static bool gic_cpu_signal(ARMGICv3 *s, int cpu)
{
    GICCpu *c = &s->cpus[cpu];
    int prio, id = gic_hppi(s, cpu, &prio);

    if (id == 1023 || !(s->ctlr & CTLR_EN_GRP1) || !(c->igrpen1 & 1)) {
        return false;
    }
    return prio < (int)c->pmr && prio < gic_rpr(s, cpu);
}

/* Caller holds the machine lock. */
static void gic_update(ARMGICv3 *s)
{
    for (int i = 0; i < s->nr_cpus; i++) {
        irq_set(s->cpus[i].out, gic_cpu_signal(s, i));
    }
}

static void gic_set_line(ARMGICv3 *s, int cpu, int intid, int level)
{
    gic_irq_set_level(gic_irq(s, cpu, intid), level);
    gic_update(s);
}

static void gic_spi_handler(void *opaque, int n, int level)
{
    ARMGICv3 *s = opaque;

    machine_lock();
    gic_set_line(s, 0, GIC_PRIV + n, level);
    machine_unlock();
}

static void gic_ppi_handler(void *opaque, int n, int level)
{
    GICCpu *c = opaque;

    machine_lock();
    gic_set_line(c->gic, c->index, n, level);
    machine_unlock();
}

IRQLine *arm_gicv3_spi(ARMGICv3 *s, int n)
{
    if (n < 0 || n >= s->nr_irqs - GIC_PRIV) {
        return NULL;
    }
    return s->spi_in[n];
}

IRQLine *arm_gicv3_ppi(ARMGICv3 *s, int cpu, int intid)
{
    if (cpu < 0 || cpu >= s->nr_cpus || intid < 16 || intid >= GIC_PRIV) {
        return NULL;
    }
    return s->cpus[cpu].ppi_in[intid];
}

/* ---- register banks shared by GICD and GICR SGI_base ---- */

/*
 * Offsets 0x080..0xc7f and 0xc00.. of a bank covering INTIDs
 * [first, first + count) as seen from cpu.  Returns false if unknown.
 */
static bool gic_bank_read(ARMGICv3 *s, int cpu, hwaddr off, int first,
                          int count, uint64_t *val)
{
    uint32_t v = 0;
    int base, n;

    if (off >= 0x400 && off < 0x800) {
        base = (int)(off - 0x400);
        for (int b = 0; b < 4; b++) {
            n = base + b;
            if (n >= first && n < first + count) {
                v |= (uint32_t)gic_irq(s, cpu, n)->prio << (8 * b);
            }
        }
        *val = v;
        return true;
    }
    if (off >= 0xc00 && off < 0xd00) {
        base = (int)(off - 0xc00) / 4 * 16;
        for (int b = 0; b < 16; b++) {
            n = base + b;
            if (n >= first && n < first + count &&
                gic_irq(s, cpu, n)->edge) {
                v |= 2u << (2 * b);
            }
        }
        *val = v;
        return true;
    }
    if (off >= 0x80 && off < 0x400) {
        int reg = (int)(off & 0x7f) / 4;
        int kind = (int)(off >> 7);     /* 1 grp, 2 isen, 3 icen, ... */

        base = reg * 32;
        for (int b = 0; b < 32; b++) {
            int bit;

            n = base + b;
            if (n < first || n >= first + count) {
                continue;
            }
            bit = gic_irq_bank_bit(gic_irq(s, cpu, n), kind);
            v |= (uint32_t)bit << b;
        }
        *val = v;
        return true;
    }
    return false;
}

static bool gic_bank_write(ARMGICv3 *s, int cpu, hwaddr off, int first,
                           int count, uint64_t val, unsigned size)
{
    int base, n;

    if (off >= 0x400 && off < 0x800) {
        base = (int)(off - 0x400);
        for (unsigned b = 0; b < size && b < 4; b++) {
            n = base + (int)b;
            if (n >= first && n < first + count) {
                gic_irq(s, cpu, n)->prio = (uint8_t)(val >> (8 * b));
            }
        }
        return true;
    }
    if (off >= 0xc00 && off < 0xd00) {
        base = (int)(off - 0xc00) / 4 * 16;
        for (int b = 0; b < 16; b++) {
            n = base + b;
            /* SGIs are always edge; the field is read-only for them. */
            if (n >= 16 && n >= first && n < first + count) {
                gic_irq(s, cpu, n)->edge = (val >> (2 * b + 1)) & 1;
            }
        }
        return true;
    }
    if (off >= 0x80 && off < 0x400) {
        int reg = (int)(off & 0x7f) / 4;
        int kind = (int)(off >> 7);

        base = reg * 32;
        for (int b = 0; b < 32; b++) {
            bool set = (val >> b) & 1;

            n = base + b;
            if (n < first || n >= first + count) {
                continue;
            }
            gic_irq_bank_write(gic_irq(s, cpu, n), kind, set);
        }
        return true;
    }
    return false;
}

/* ---- distributor ---- */

static uint64_t gicd_read(void *opaque, hwaddr off, unsigned size)
{
    ARMGICv3 *s = opaque;
    uint64_t v = 0;

    machine_lock();
    if (off == 0x0) {
        v = s->ctlr;
    } else if (off == 0x4) {
        /* ITLinesNumber, IDbits = 9 (10 bits), no LPIs, no MBIS. */
        v = (uint32_t)(s->nr_irqs / 32 - 1) | (9u << 19);
    } else if (off == 0x8) {
        v = 0x0100143b;         /* implementer Arm, as QEMU reports */
    } else if (off == 0xffe8) {
        v = 0x3b;               /* PIDR2: ArchRev 3 */
    } else if (off >= 0x6100 && off < 0x6000 + 8 * (hwaddr)s->nr_irqs) {
        int n = (int)(off - 0x6000) / 8;

        v = s->irouter[n - GIC_PRIV];
        if (off & 4) {
            v >>= 32;
        } else if (size < 8) {
            v &= 0xffffffffu;
        }
    } else if (!gic_bank_read(s, 0, off, GIC_PRIV,
                              s->nr_irqs - GIC_PRIV, &v)) {
        v = 0;
    }
    machine_unlock();
    return v;
}

static void gicd_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    ARMGICv3 *s = opaque;

    machine_lock();
    if (off == 0x0) {
        /* EnableGrp1 (bit 0 is Grp0, also kept); ARE and DS read as 1. */
        s->ctlr = (uint32_t)(val & 3) | CTLR_ARE | CTLR_DS;
    } else if (off >= 0x6100 && off < 0x6000 + 8 * (hwaddr)s->nr_irqs) {
        int n = (int)(off - 0x6000) / 8;
        uint64_t *r = &s->irouter[n - GIC_PRIV];

        if (size == 8) {
            *r = val;
        } else if (off & 4) {
            *r = (*r & 0xffffffffu) | (val << 32);
        } else {
            *r = (*r & ~0xffffffffULL) | (val & 0xffffffffu);
        }
        *r &= 0xff800000ffffffffULL | (1ULL << 31);
        *r &= ~0x7f000000ULL;
    } else if (off < 0x80 ||
               !gic_bank_write(s, 0, off, GIC_PRIV, s->nr_irqs - GIC_PRIV,
                               val, size)) {
        guest_error("gicv3: write to unknown GICD offset 0x%" PRIx64 "\n",
                    (uint64_t)off);
    }
    gic_update(s);
    machine_unlock();
}

static const MemoryRegionOps gicd_ops = {
    .read = gicd_read,
    .write = gicd_write,
    .valid_min = 1,
    .valid_max = 8,
    .impl_min = 1,
    .impl_max = 4,              /* 64-bit registers are split in halves */
};

/* ---- redistributor (RD_base + SGI_base, 128 KiB per CPU) ---- */

static uint64_t gicr_read(void *opaque, hwaddr off, unsigned size)
{
    GICCpu *c = opaque;
    ARMGICv3 *s = c->gic;
    uint64_t v = 0, aff = arm_cpu_mpidr(c->cpu);

    machine_lock();
    if (off == 0x8 || off == 0xc) {
        /* Affinity 63:32, Processor_Number 23:8, Last bit 4. */
        v = ((aff & 0xffffff) | ((aff >> 8) & 0xff000000ULL)) << 32;
        v |= (uint64_t)c->index << 8;
        if (c->index == s->nr_cpus - 1) {
            v |= 1u << 4;
        }
        if (off == 0xc) {
            v >>= 32;
        } else if (size < 8) {
            v &= 0xffffffffu;
        }
    } else if (off == 0x4) {
        v = 0x0100143b;
    } else if (off == 0x14) {
        v = c->waker;
    } else if (off == 0xffe8) {
        v = 0x3b;
    } else if (off >= 0x10000) {
        if (!gic_bank_read(s, c->index, off - 0x10000, 0, GIC_PRIV, &v)) {
            v = 0;
        }
    }
    machine_unlock();
    return v;
}

static void gicr_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    GICCpu *c = opaque;
    ARMGICv3 *s = c->gic;

    machine_lock();
    if (off == 0x14) {
        /* ChildrenAsleep (bit 2) follows ProcessorSleep (bit 1). */
        c->waker = (val & 2) ? 6 : 0;
    } else if (off < 0x10000 ||
               !gic_bank_write(s, c->index, off - 0x10000, 0, GIC_PRIV, val,
                               size)) {
        guest_error("gicv3: write to unknown GICR offset 0x%" PRIx64 "\n",
                    (uint64_t)off);
    }
    gic_update(s);
    machine_unlock();
}

static const MemoryRegionOps gicr_ops = {
    .read = gicr_read,
    .write = gicr_write,
    .valid_min = 1,
    .valid_max = 8,
    .impl_min = 1,
    .impl_max = 4,              /* 64-bit registers are split in halves */
};

/* ---- CPU interface (ICC_*_EL1) ---- */

#define ICC(crm, op2) ((3u << 14) | (12u << 7) | ((crm) << 3) | (op2))
#define ICC_PMR ((3u << 14) | (4u << 7) | (6u << 3))

static int gic_acknowledge(ARMGICv3 *s, int cpu)
{
    int prio, id;

    if (!gic_cpu_signal(s, cpu)) {
        return 1023;
    }
    id = gic_hppi(s, cpu, &prio);
    if (id != 1023) {
        GICIrq *q = gic_irq(s, cpu, id);

        q->pending = 0;
        q->active = 1;
    }
    return id;
}

static void gic_sgi(ARMGICv3 *s, int self, uint64_t val)
{
    int intid = (int)((val >> 24) & 0xf);
    uint64_t aff = ((val >> 16) & 0xff) << 8 | ((val >> 32) & 0xff) << 16 |
                   ((val >> 48) & 0xffULL) << 32;

    for (int i = 0; i < s->nr_cpus; i++) {
        uint64_t m = arm_cpu_mpidr(s->cpus[i].cpu);

        if (val & (1ULL << 40)) {
            if (i == self) {
                continue;
            }
        } else if ((m & ~0xffULL) != aff || (m & 0xff) >= 16 ||
                   !((val >> (m & 0xff)) & 1)) {
            continue;
        }
        s->cpus[i].priv[intid].pending = 1;
    }
}

static bool gic_sysreg(void *opaque, CPUState *cs, uint32_t key,
                       uint64_t *val, bool is_write)
{
    ARMGICv3 *s = opaque;
    GICCpu *c;
    int cpu = cs->cpu_index;
    bool ok = true;

    if (cpu < 0 || cpu >= s->nr_cpus) {
        return false;
    }
    c = &s->cpus[cpu];
    machine_lock();
    switch (key) {
    case ICC_PMR:
        if (is_write) {
            c->pmr = *val & 0xf8;     /* 5 priority bits */
        } else {
            *val = c->pmr;
        }
        break;
    case ICC(12, 0):            /* IAR1 */
        if (is_write) {
            ok = false;
        } else {
            *val = (uint64_t)gic_acknowledge(s, cpu);
        }
        break;
    case ICC(12, 1):            /* EOIR1: priority drop (+ deactivate) */
    case ICC(11, 1):            /* DIR */
        if (!is_write) {
            ok = false;
        } else if (*val < (uint64_t)s->nr_irqs &&
                   (key == ICC(11, 1) || !(c->ctlr & 2))) {
            gic_irq(s, cpu, (int)*val)->active = 0;
        } else if (*val >= (uint64_t)s->nr_irqs && *val < 1020) {
            guest_error("gicv3: EOI of bad INTID %" PRIu64 "\n", *val);
        }
        break;
    case ICC(12, 2):            /* HPPIR1 */
        if (is_write) {
            ok = false;
        } else {
            int prio;

            *val = (uint64_t)gic_hppi(s, cpu, &prio);
        }
        break;
    case ICC(12, 3):            /* BPR1 */
        if (is_write) {
            c->bpr1 = *val & 7;
        } else {
            *val = c->bpr1;
        }
        break;
    case ICC(12, 4):            /* CTLR: EOImode (bit 1), 5 PRIbits */
        if (is_write) {
            c->ctlr = *val & 2;
        } else {
            *val = c->ctlr | (4u << 8) | (1u << 14) | (1u << 15);
        }
        break;
    case ICC(12, 5):            /* SRE: system registers always on */
        if (!is_write) {
            *val = 7;
        }
        break;
    case ICC(12, 6):            /* IGRPEN0: group 0 unused */
        if (!is_write) {
            *val = 0;
        }
        break;
    case ICC(12, 7):            /* IGRPEN1 */
        if (is_write) {
            c->igrpen1 = *val & 1;
        } else {
            *val = c->igrpen1;
        }
        break;
    case ICC(11, 3):            /* RPR */
        if (is_write) {
            ok = false;
        } else {
            *val = (uint64_t)gic_rpr(s, cpu);
        }
        break;
    case ICC(11, 5):            /* SGI1R */
        if (is_write) {
            gic_sgi(s, cpu, *val);
        } else {
            ok = false;
        }
        break;
    case ICC(8, 4):             /* AP0R0 (5 priority bits: only n = 0) */
    case ICC(9, 0):             /* AP1R0 */
        if (!is_write) {
            *val = 0;
        }
        break;
    default:
        ok = false;
        break;
    }
    if (ok) {
        gic_update(s);
    }
    machine_unlock();
    return ok;
}

void arm_gicv3_reset(ARMGICv3 *s)
{
    int nspi = s->nr_irqs - GIC_PRIV;

    machine_lock();
    s->ctlr = CTLR_ARE | CTLR_DS;
    for (int n = 0; n < nspi; n++) {
        gic_irq_reset(&s->spi[n], false);
        s->irouter[n] = 0;
    }
    for (int i = 0; i < s->nr_cpus; i++) {
        GICCpu *c = &s->cpus[i];

        for (int n = 0; n < GIC_PRIV; n++) {
            gic_irq_reset(&c->priv[n], n < 16);
        }
        c->waker = 6;
        c->pmr = c->bpr1 = c->ctlr = c->igrpen1 = 0;
    }
    gic_update(s);
    machine_unlock();
}

ARMGICv3 *arm_gicv3_create(MemoryRegion *parent, hwaddr dist_base,
                           hwaddr redist_base, ARMCPU **cpus, int nr_cpus,
                           int nr_spis)
{
    ARMGICv3 *s = calloc(1, sizeof(*s));
    int nspi;

    if (!s || nr_cpus < 1 || nr_cpus > GIC_MAX_CPUS) {
        fatal("gicv3: bad configuration (%d CPUs)", nr_cpus);
    }
    s->nr_cpus = nr_cpus;
    s->nr_irqs = ROUND_UP(GIC_PRIV + nr_spis, 32);
    if (s->nr_irqs > 992) {
        s->nr_irqs = 992;
    }
    nspi = s->nr_irqs - GIC_PRIV;
    s->ctlr = CTLR_ARE | CTLR_DS;
    s->spi = calloc((size_t)nspi, sizeof(*s->spi));
    s->irouter = calloc((size_t)nspi, sizeof(*s->irouter));
    if (!s->spi || !s->irouter) {
        fatal("gicv3: out of memory");
    }
    s->spi_in = irq_alloc_lines(gic_spi_handler, s, nspi);
    memory_region_init_io(&s->dist, "gicv3.dist", &gicd_ops, s, 0x10000);
    memory_region_add_subregion(parent, dist_base, &s->dist);
    for (int i = 0; i < nr_cpus; i++) {
        GICCpu *c = &s->cpus[i];

        c->gic = s;
        c->index = i;
        c->cpu = cpus[i];
        c->out = arm_cpu_irq_line(cpus[i], ARM_CPU_IRQ);
        c->ppi_in = irq_alloc_lines(gic_ppi_handler, c, GIC_PRIV);
        memory_region_init_io(&c->mmio, "gicv3.redist", &gicr_ops, c,
                              0x20000);
        memory_region_add_subregion(parent, redist_base + 0x20000 * i,
                                    &c->mmio);
        arm_cpu_set_gic_sysreg(cpus[i], gic_sysreg, s);
    }
    arm_gicv3_reset(s);
    return s;
}
