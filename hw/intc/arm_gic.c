/* SPDX-License-Identifier: MIT */
/*
 * GICv2 interrupt controller with the GIC-400 register layout (Arm IHI
 * 0048B, GIC architecture v2.0; GIC-400 TRM DDI 0471B): a distributor
 * (GICD_*) and a memory-mapped CPU interface (GICC_*) banked per CPU, for
 * up to 8 CPUs, plus the GICv2m MSI frame QEMU's virt board puts beside
 * it.
 *
 * Model: no Security Extensions (like QEMU's virt GIC when EL3 is off):
 * GICD_CTLR/GICC_CTLR bits 0 and 1 enable Group 0 and Group 1; both
 * groups are signalled as IRQ (GICC_CTLR.FIQEn is stored, not used).
 * Eight priority bits.  Active priorities are kept as a set of group
 * priorities (GICC_APRn), so priority drop and deactivation can be split
 * (GICC_CTLR.EOImode, GICC_DIR).  SGIs keep one pending bit per source
 * CPU; GICC_IAR reports the source in bits [12:10].
 */
#include "arm_gic.h"
#include "arm_gic_common.h"
#include "machina/cpu.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define GIC_PRIV            32
#define GIC_NR_SGIS         16
#define GIC_SPURIOUS        1023
#define GIC_IDLE_PRIO       0x100   /* above every real priority */

/* GIC-400 identification (TRM 3.1, 3.2) */
/* Identification as QEMU's GICv2 reports it: implementer Arm, arch v2. */
#define GICD_IIDR_VALUE     0x0000043b
#define GICC_IIDR_VALUE     0x0002043b

typedef struct GICv2Cpu {
    GICIrq priv[GIC_PRIV];
    uint8_t sgi_sources[GIC_NR_SGIS];   /* pending SGI: source CPU mask */
    IRQLine *out;
    IRQLine **ppi_in;
    uint32_t ctlr;
    uint32_t pmr, bpr, abpr;
    uint64_t apr[4];                    /* active group priorities */
    struct ARMGICv2 *gic;
    int index;
} GICv2Cpu;

struct ARMGICv2 {
    int nr_cpus;
    int nr_irqs;                /* 32 + SPIs, multiple of 32 */
    uint32_t ctlr;
    GICIrq *spi;                /* INTID 32.. */
    uint8_t *spi_target;        /* GICD_ITARGETSR of SPIs */
    IRQLine **spi_in;
    GICv2Cpu cpus[GICV2_MAX_CPUS];
    ARMCPU *arm_cpus[GICV2_MAX_CPUS];
    ARMGICCurrentCPUFn *current_cpu;
    void *current_opaque;
    MemoryRegion dist, cpuif;
};

/* The CPU making the access (CPU 0 when not called from a vCPU). */
static int gic_cpu_from_engine(void *opaque)
{
    ARMGICv2 *s = opaque;
    CPUState *cs = cpu_current();

    for (int i = 0; cs && i < s->nr_cpus; i++) {
        if (s->arm_cpus[i] && arm_cpu_state(s->arm_cpus[i]) == cs) {
            return i;
        }
    }
    return 0;
}

static int gic_cur(ARMGICv2 *s)
{
    int cpu = s->current_cpu(s->current_opaque);

    return cpu >= 0 && cpu < s->nr_cpus ? cpu : 0;
}

static GICIrq *gic_irq(ARMGICv2 *s, int cpu, int intid)
{
    if (intid < GIC_PRIV) {
        return &s->cpus[cpu].priv[intid];
    }
    return &s->spi[intid - GIC_PRIV];
}

/*
 * CPUs an SPI is forwarded to.  A uniprocessor GIC sends every interrupt
 * to its one CPU and its GICD_ITARGETSRs are RAZ/WI (IHI 0048B 4.3.12):
 * Linux then programs the targets it read back, 0, and must still get
 * its SPIs.
 */
static uint8_t gic_spi_targets(ARMGICv2 *s, int intid)
{
    return s->nr_cpus == 1 ? 1 : s->spi_target[intid - GIC_PRIV];
}

static bool gic_pending_for(ARMGICv2 *s, int cpu, int intid)
{
    GICIrq *q;

    if (intid < GIC_NR_SGIS) {
        return s->cpus[cpu].sgi_sources[intid] != 0;
    }
    q = gic_irq(s, cpu, intid);
    if (intid >= GIC_PRIV && !(gic_spi_targets(s, intid) & (1u << cpu))) {
        return false;
    }
    return gic_irq_is_pending(q);
}

/* Group priority of prio under the CPU's binary point (IHI 0048B 3.3.3) */
static int gic_group_prio(GICv2Cpu *c, const GICIrq *q)
{
    uint32_t mask = q->group ? (0xffu << c->abpr) : (0xffu << (c->bpr + 1));

    return q->prio & mask & 0xff;
}

/* Running priority: the highest active group priority, 0xff when idle. */
static int gic_running_prio(GICv2Cpu *c)
{
    for (int w = 0; w < 4; w++) {
        if (c->apr[w]) {
            return w * 64 + __builtin_ctzll(c->apr[w]);
        }
    }
    return 0xff;
}

/* Highest priority pending interrupt the CPU may take, or 1023. */
static int gic_hppi(ARMGICv2 *s, int cpu, int *prio)
{
    int best = GIC_SPURIOUS, bp = GIC_IDLE_PRIO;

    for (int i = 0; i < s->nr_irqs; i++) {
        GICIrq *q = gic_irq(s, cpu, i);

        if (q->enabled && !q->active && q->prio < bp &&
            gic_pending_for(s, cpu, i)) {
            best = i;
            bp = q->prio;
        }
    }
    *prio = bp;
    return best;
}

/* May the CPU's highest pending interrupt be signalled (preempt)? */
static bool gic_may_signal(ARMGICv2 *s, int cpu, int intid, int prio)
{
    GICv2Cpu *c = &s->cpus[cpu];
    GICIrq *q;
    int g;

    if (intid == GIC_SPURIOUS) {
        return false;
    }
    q = gic_irq(s, cpu, intid);
    g = q->group ? 2 : 1;
    if (!(s->ctlr & g) || !(c->ctlr & g)) {
        return false;
    }
    return prio < (int)c->pmr && gic_group_prio(c, q) < gic_running_prio(c);
}

static void gic_update(ARMGICv2 *s)
{
    for (int i = 0; i < s->nr_cpus; i++) {
        int prio, id = gic_hppi(s, i, &prio);

        irq_set(s->cpus[i].out, gic_may_signal(s, i, id, prio));
    }
}

static void gic_set_line(ARMGICv2 *s, int cpu, int intid, int level)
{
    gic_irq_set_level(gic_irq(s, cpu, intid), level);
    gic_update(s);
}

static void gic_spi_handler(void *opaque, int n, int level)
{
    ARMGICv2 *s = opaque;

    machine_lock();
    gic_set_line(s, 0, GIC_PRIV + n, level);
    machine_unlock();
}

static void gic_ppi_handler(void *opaque, int n, int level)
{
    GICv2Cpu *c = opaque;

    machine_lock();
    gic_set_line(c->gic, c->index, n, level);
    machine_unlock();
}

IRQLine *arm_gicv2_spi(ARMGICv2 *s, int n)
{
    if (n < 0 || n >= s->nr_irqs - GIC_PRIV) {
        return NULL;
    }
    return s->spi_in[n];
}

IRQLine *arm_gicv2_ppi(ARMGICv2 *s, int cpu, int intid)
{
    if (cpu < 0 || cpu >= s->nr_cpus || intid < 16 || intid >= GIC_PRIV) {
        return NULL;
    }
    return s->cpus[cpu].ppi_in[intid];
}

/* ---- distributor (IHI 0048B 4.3) ---- */

static uint32_t gicd_id_reg(hwaddr off)
{
    /* PIDR4..7, PIDR0..3, CIDR0..3 at 0xfd0..0xffc, GIC-400 values. */
    static const uint8_t id[12] = {
        0x04, 0x00, 0x00, 0x00, 0x90, 0xb4, 0x2b, 0x00,
        0x0d, 0xf0, 0x05, 0xb1,
    };

    return id[(off - 0xfd0) / 4];
}

static uint32_t gicd_word_reg(ARMGICv2 *s, hwaddr off)
{
    switch (off) {
    case 0x000:
        return s->ctlr;
    case 0x004:                 /* TYPER: ITLinesNumber, CPUNumber */
        return (uint32_t)(s->nr_irqs / 32 - 1) |
               ((uint32_t)(s->nr_cpus - 1) << 5);
    case 0x008:
        return GICD_IIDR_VALUE;
    default:
        if (off >= 0xfd0 && off < 0x1000) {
            return gicd_id_reg(off);
        }
        return 0;
    }
}

/* One bit per interrupt: IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER */
static uint8_t gicd_bits_read(ARMGICv2 *s, int cpu, hwaddr off)
{
    int kind = (int)(off >> 7), first = (int)(off & 0x7f) * 8;
    uint8_t v = 0;

    for (int b = 0; b < 8; b++) {
        int n = first + b;
        GICIrq *q;
        int bit;

        if (n >= s->nr_irqs) {
            break;
        }
        q = gic_irq(s, cpu, n);
        /* SGIs are pending per source CPU. */
        if (n < GIC_NR_SGIS &&
            (kind == GIC_BANK_ISPEND || kind == GIC_BANK_ICPEND)) {
            bit = s->cpus[cpu].sgi_sources[n] != 0;
        } else {
            bit = gic_irq_bank_bit(q, kind);
        }
        v |= (uint8_t)(bit << b);
    }
    return v;
}

static void gicd_bits_write(ARMGICv2 *s, int cpu, hwaddr off, uint8_t val)
{
    int kind = (int)(off >> 7), first = (int)(off & 0x7f) * 8;

    for (int b = 0; b < 8; b++) {
        int n = first + b;
        bool set = (val >> b) & 1;
        GICIrq *q;

        if (n >= s->nr_irqs) {
            break;
        }
        q = gic_irq(s, cpu, n);
        /*
         * SGIs are always enabled (GIC-400) and their pending state is
         * set through GICD_SGIR/SPENDSGIR.
         */
        if (n < GIC_NR_SGIS &&
            (kind == GIC_BANK_ICENABLE || kind == GIC_BANK_ISPEND ||
             kind == GIC_BANK_ICPEND)) {
            continue;
        }
        gic_irq_bank_write(q, kind, set);
    }
}

static uint8_t gicd_readb(ARMGICv2 *s, int cpu, hwaddr off)
{
    int n;

    if (off >= 0x080 && off < 0x400) {
        return gicd_bits_read(s, cpu, off);
    }
    if (off >= 0x400 && off < 0x800) {          /* IPRIORITYR */
        n = (int)(off - 0x400);
        return n < s->nr_irqs ? gic_irq(s, cpu, n)->prio : 0;
    }
    if (off >= 0x800 && off < 0xc00) {          /* ITARGETSR */
        n = (int)(off - 0x800);
        if (s->nr_cpus == 1 || n >= s->nr_irqs) {
            return 0;                           /* RAZ/WI (4.3.12) */
        }
        /* Private interrupts: the reading CPU's own bit. */
        return n < GIC_PRIV ? (uint8_t)(1u << cpu)
                            : s->spi_target[n - GIC_PRIV];
    }
    if (off >= 0xc00 && off < 0xd00) {          /* ICFGR */
        uint8_t v = 0;

        n = (int)(off - 0xc00) * 4;
        for (int b = 0; b < 4 && n + b < s->nr_irqs; b++) {
            if (gic_irq(s, cpu, n + b)->edge) {
                v |= (uint8_t)(2u << (2 * b));
            }
        }
        return v;
    }
    if (off >= 0xf10 && off < 0xf30) {          /* C/SPENDSGIR */
        return s->cpus[cpu].sgi_sources[off & 0xf];
    }
    return (uint8_t)(gicd_word_reg(s, off & ~3ull) >> (8 * (off & 3)));
}

static void gicd_send_sgi(ARMGICv2 *s, int cpu, uint32_t val)
{
    int id = val & 0xf;
    uint32_t targets;

    switch ((val >> 24) & 3) {
    case 0:
        targets = (val >> 16) & 0xff;
        break;
    case 1:
        targets = ~(1u << cpu);
        break;
    case 2:
        targets = 1u << cpu;
        break;
    default:
        guest_error("gicv2: GICD_SGIR reserved target filter 0x%x\n", val);
        return;
    }
    for (int t = 0; t < s->nr_cpus; t++) {
        if (targets & (1u << t)) {
            s->cpus[t].sgi_sources[id] |= (uint8_t)(1u << cpu);
        }
    }
}

static void gicd_writeb(ARMGICv2 *s, int cpu, hwaddr off, uint8_t val)
{
    int n;

    if (off < 4) {
        if (off == 0) {
            s->ctlr = val & 3;
        }
        return;
    }
    if (off >= 0x080 && off < 0x400) {
        gicd_bits_write(s, cpu, off, val);
        return;
    }
    if (off >= 0x400 && off < 0x800) {
        n = (int)(off - 0x400);
        if (n < s->nr_irqs) {
            gic_irq(s, cpu, n)->prio = val;
        }
        return;
    }
    if (off >= 0x800 && off < 0xc00) {
        n = (int)(off - 0x800);
        /*
         * SGI/PPI targets are read-only, a uniprocessor's are all WI;
         * SPIs name existing CPUs only.
         */
        if (s->nr_cpus > 1 && n >= GIC_PRIV && n < s->nr_irqs) {
            s->spi_target[n - GIC_PRIV] =
                val & (uint8_t)((1u << s->nr_cpus) - 1);
        }
        return;
    }
    if (off >= 0xc00 && off < 0xd00) {
        n = (int)(off - 0xc00) * 4;
        for (int b = 0; b < 4 && n + b < s->nr_irqs; b++) {
            /* SGIs are always edge-triggered. */
            if (n + b >= GIC_NR_SGIS) {
                gic_irq(s, cpu, n + b)->edge = (val >> (2 * b + 1)) & 1;
            }
        }
        return;
    }
    if (off >= 0xf10 && off < 0xf20) {
        s->cpus[cpu].sgi_sources[off & 0xf] &= (uint8_t)~val;
        return;
    }
    if (off >= 0xf20 && off < 0xf30) {
        s->cpus[cpu].sgi_sources[off & 0xf] |=
            val & (uint8_t)((1u << s->nr_cpus) - 1);
        return;
    }
    guest_error("gicv2: write to read-only or reserved GICD offset 0x%"
                PRIx64 "\n", off);
}

static uint64_t gicd_read(void *opaque, hwaddr off, unsigned size)
{
    ARMGICv2 *s = opaque;
    int cpu = gic_cur(s);
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)gicd_readb(s, cpu, off + i) << (8 * i);
    }
    return v;
}

static void gicd_write(void *opaque, hwaddr off, uint64_t val,
                       unsigned size)
{
    ARMGICv2 *s = opaque;
    int cpu = gic_cur(s);

    if (off >= 0xf00 && off < 0xf04) {
        if (off == 0xf00 && size == 4) {
            gicd_send_sgi(s, cpu, (uint32_t)val);
        } else {
            guest_error("gicv2: GICD_SGIR needs a 32-bit write\n");
        }
    } else {
        for (unsigned i = 0; i < size; i++) {
            gicd_writeb(s, cpu, off + i, (uint8_t)(val >> (8 * i)));
        }
    }
    gic_update(s);
}

static const MemoryRegionOps gicd_ops = {
    .read = gicd_read,
    .write = gicd_write,
    .valid_min = 1,
    .valid_max = 4,
};

/* ---- CPU interface (IHI 0048B 4.4) ---- */

#define GICC_CTLR_EN_GRP0   (1u << 0)
#define GICC_CTLR_EN_GRP1   (1u << 1)
#define GICC_CTLR_EOIMODE   (1u << 9)
#define GICC_CTLR_MASK      0x21fu

static void gicc_apr_set(GICv2Cpu *c, int prio, bool on)
{
    uint64_t bit = 1ULL << (prio & 63);

    if (on) {
        c->apr[prio >> 6] |= bit;
    } else {
        c->apr[prio >> 6] &= ~bit;
    }
}

/* GICC_IAR: acknowledge the highest priority pending interrupt. */
static uint32_t gicc_ack(ARMGICv2 *s, int cpu)
{
    GICv2Cpu *c = &s->cpus[cpu];
    int prio, id = gic_hppi(s, cpu, &prio);
    uint32_t src = 0;
    GICIrq *q;

    if (!gic_may_signal(s, cpu, id, prio)) {
        return GIC_SPURIOUS;
    }
    q = gic_irq(s, cpu, id);
    if (id < GIC_NR_SGIS) {
        src = (uint32_t)__builtin_ctz(c->sgi_sources[id]);
        c->sgi_sources[id] &= (uint8_t)~(1u << src);
    } else {
        q->pending = 0;
    }
    q->active = 1;
    gicc_apr_set(c, gic_group_prio(c, q), true);
    return (uint32_t)id | (src << 10);
}

/* Priority drop: the highest active priority leaves the active set. */
static void gicc_drop_prio(GICv2Cpu *c)
{
    int rp = gic_running_prio(c);

    /* Group priorities are at most 0xfe: 0xff means nothing active. */
    if (rp != 0xff) {
        gicc_apr_set(c, rp, false);
    }
}

static void gicc_deactivate(ARMGICv2 *s, int cpu, uint32_t val)
{
    int id = val & 0x3ff;

    if (id >= s->nr_irqs) {
        if (id < 1020) {
            guest_error("gicv2: EOI/DIR of nonexistent INTID %d\n", id);
        }
        return;
    }
    gic_irq(s, cpu, id)->active = 0;
}

static void gicc_eoi(ARMGICv2 *s, int cpu, uint32_t val)
{
    GICv2Cpu *c = &s->cpus[cpu];

    if ((val & 0x3ff) >= 1020) {
        return;                 /* special INTIDs: ignored */
    }
    gicc_drop_prio(c);
    if (!(c->ctlr & GICC_CTLR_EOIMODE)) {
        gicc_deactivate(s, cpu, val);
    }
}

/* GICC_APRn: 32 priority levels per register (group priority >> 3). */
static uint32_t gicc_apr_read(GICv2Cpu *c, int n)
{
    uint32_t v = 0;

    if (n != 0) {
        return 0;
    }
    for (int p = 0; p < 256; p++) {
        if ((c->apr[p >> 6] >> (p & 63)) & 1) {
            v |= 1u << (p >> 3);
        }
    }
    return v;
}

static uint64_t gicc_read(void *opaque, hwaddr off, unsigned size UNUSED)
{
    ARMGICv2 *s = opaque;
    int cpu = gic_cur(s), prio, id;
    GICv2Cpu *c = &s->cpus[cpu];
    uint64_t v = 0;

    switch (off) {
    case 0x00:
        v = c->ctlr;
        break;
    case 0x04:
        v = c->pmr;
        break;
    case 0x08:
        v = c->bpr;
        break;
    case 0x0c:                  /* IAR */
    case 0x20:                  /* AIAR */
        v = gicc_ack(s, cpu);
        gic_update(s);
        break;
    case 0x14:
        v = gic_running_prio(c);
        break;
    case 0x18:                  /* HPPIR */
    case 0x28:                  /* AHPPIR */
        id = gic_hppi(s, cpu, &prio);
        v = id;
        if (id < GIC_NR_SGIS) {
            v |= (uint64_t)__builtin_ctz(c->sgi_sources[id]) << 10;
        }
        break;
    case 0x1c:
        v = c->abpr;
        break;
    case 0xd0:
    case 0xd4:
    case 0xd8:
    case 0xdc:
        v = gicc_apr_read(c, (int)(off - 0xd0) / 4);
        break;
    case 0xfc:
        v = GICC_IIDR_VALUE;
        break;
    default:
        if (off >= 0xe0 && off < 0xf0) {
            break;              /* NSAPRn: no Security Extensions */
        }
        guest_error("gicv2: read of GICC offset 0x%" PRIx64 "\n", off);
        break;
    }
    return v;
}

static void gicc_write(void *opaque, hwaddr off, uint64_t val,
                       unsigned size UNUSED)
{
    ARMGICv2 *s = opaque;
    int cpu = gic_cur(s);
    GICv2Cpu *c = &s->cpus[cpu];

    switch (off) {
    case 0x00:
        c->ctlr = (uint32_t)val & GICC_CTLR_MASK;
        break;
    case 0x04:
        c->pmr = val & 0xff;
        break;
    case 0x08:
        c->bpr = val & 7;
        break;
    case 0x10:                  /* EOIR */
    case 0x24:                  /* AEOIR */
        gicc_eoi(s, cpu, (uint32_t)val);
        break;
    case 0x1c:
        c->abpr = MAX((uint32_t)val & 7, 1u);
        break;
    case 0x1000:                /* DIR */
        gicc_deactivate(s, cpu, (uint32_t)val);
        break;
    default:
        if ((off >= 0xd0 && off < 0xf0)) {
            break;              /* APRs: state is rebuilt by IAR/EOIR */
        }
        guest_error("gicv2: write to GICC offset 0x%" PRIx64 "\n", off);
        break;
    }
    gic_update(s);
}

static const MemoryRegionOps gicc_ops = {
    .read = gicc_read,
    .write = gicc_write,
    .valid_min = 4,
    .valid_max = 4,
};

/* ---- creation and reset ---- */

void arm_gicv2_reset(ARMGICv2 *s)
{
    machine_lock();
    s->ctlr = 0;
    for (int n = 0; n < s->nr_irqs - GIC_PRIV; n++) {
        gic_irq_reset(&s->spi[n], false);
        s->spi_target[n] = 0;
    }
    for (int i = 0; i < s->nr_cpus; i++) {
        GICv2Cpu *c = &s->cpus[i];

        for (int n = 0; n < GIC_PRIV; n++) {
            gic_irq_reset(&c->priv[n], n < GIC_NR_SGIS);
        }
        /* GIC-400: the SGI enable bits are RAO/WI. */
        for (int n = 0; n < GIC_NR_SGIS; n++) {
            c->priv[n].enabled = 1;
        }
        memset(c->sgi_sources, 0, sizeof(c->sgi_sources));
        memset(c->apr, 0, sizeof(c->apr));
        c->ctlr = 0;
        c->pmr = 0;
        c->bpr = 2;             /* GIC-400 reset values */
        c->abpr = 3;
    }
    gic_update(s);
    machine_unlock();
}

ARMGICv2 *arm_gicv2_create_lines(MemoryRegion *parent, hwaddr dist_base,
                                 hwaddr cpu_base, IRQLine **irq_out,
                                 int nr_cpus, int nr_spis)
{
    ARMGICv2 *s;
    int nspi;

    if (nr_cpus < 1 || nr_cpus > GICV2_MAX_CPUS || nr_spis < 0) {
        fatal("gicv2: bad configuration (%d CPUs)", nr_cpus);
    }
    s = mc_malloc0(sizeof(*s));
    s->nr_cpus = nr_cpus;
    s->nr_irqs = MIN(ROUND_UP(GIC_PRIV + nr_spis, 32), 1020 / 32 * 32);
    nspi = s->nr_irqs - GIC_PRIV;
    s->spi = mc_malloc0((size_t)MAX(nspi, 1) * sizeof(*s->spi));
    s->spi_target = mc_malloc0((size_t)MAX(nspi, 1));
    s->spi_in = irq_alloc_lines(gic_spi_handler, s, MAX(nspi, 1));
    s->current_cpu = gic_cpu_from_engine;
    s->current_opaque = s;
    for (int i = 0; i < nr_cpus; i++) {
        GICv2Cpu *c = &s->cpus[i];

        c->gic = s;
        c->index = i;
        c->out = irq_out[i];
        c->ppi_in = irq_alloc_lines(gic_ppi_handler, c, GIC_PRIV);
    }
    memory_region_init_io(&s->dist, "gicv2.dist", &gicd_ops, s,
                          GICV2_DIST_SIZE);
    memory_region_add_subregion(parent, dist_base, &s->dist);
    memory_region_init_io(&s->cpuif, "gicv2.cpu", &gicc_ops, s,
                          GICV2_CPU_SIZE);
    memory_region_add_subregion(parent, cpu_base, &s->cpuif);
    arm_gicv2_reset(s);
    return s;
}

void arm_gicv2_set_current_cpu_fn(ARMGICv2 *s, ARMGICCurrentCPUFn *fn,
                                  void *opaque)
{
    s->current_cpu = fn;
    s->current_opaque = opaque;
}

ARMGICv2 *arm_gicv2_create(MemoryRegion *parent, hwaddr dist_base,
                           hwaddr cpu_base, ARMCPU **cpus, int nr_cpus,
                           int nr_spis)
{
    IRQLine *out[GICV2_MAX_CPUS] = { NULL };
    ARMGICv2 *s;

    for (int i = 0; i < nr_cpus && i < GICV2_MAX_CPUS; i++) {
        out[i] = arm_cpu_irq_line(cpus[i], ARM_CPU_IRQ);
    }
    s = arm_gicv2_create_lines(parent, dist_base, cpu_base, out, nr_cpus,
                               nr_spis);
    for (int i = 0; i < nr_cpus; i++) {
        s->arm_cpus[i] = cpus[i];
    }
    return s;
}

/* ---- GICv2m MSI frame (Arm SBSA, GICv2m register map) ---- */

#define V2M_MSI_TYPER       0x008
#define V2M_MSI_SETSPI_NS   0x040
#define V2M_MSI_IIDR        0xfcc

struct ARMGICv2m {
    ARMGICv2 *gic;
    hwaddr base;
    int first_spi, nr_spis;     /* SPI numbers (INTID - 32) */
    MemoryRegion mmio;
};

static void gicv2m_raise(ARMGICv2m *m, uint32_t intid)
{
    int n = (int)intid - GIC_PRIV - m->first_spi;
    GICIrq *q;

    if (intid < GIC_PRIV || n < 0 || n >= m->nr_spis) {
        guest_error("gicv2m: MSI for INTID %u outside the frame\n", intid);
        return;
    }
    q = gic_irq(m->gic, 0, (int)intid);
    q->pending = 1;
    gic_update(m->gic);
}

static uint64_t gicv2m_read(void *opaque, hwaddr off, unsigned size UNUSED)
{
    ARMGICv2m *m = opaque;

    switch (off) {
    case V2M_MSI_TYPER:
        return ((uint64_t)(GIC_PRIV + m->first_spi) << 16) |
               (uint64_t)m->nr_spis;
    case V2M_MSI_IIDR:
        return 0;
    default:
        return 0;
    }
}

static void gicv2m_write(void *opaque, hwaddr off, uint64_t val,
                         unsigned size UNUSED)
{
    ARMGICv2m *m = opaque;

    if (off == V2M_MSI_SETSPI_NS) {
        machine_lock();
        gicv2m_raise(m, (uint32_t)val & 0x3ff);
        machine_unlock();
    } else {
        guest_error("gicv2m: write to offset 0x%" PRIx64 "\n", off);
    }
}

static const MemoryRegionOps gicv2m_ops = {
    .read = gicv2m_read,
    .write = gicv2m_write,
    .valid_min = 2,
    .valid_max = 4,
};

ARMGICv2m *arm_gicv2m_create(MemoryRegion *parent, hwaddr base,
                             ARMGICv2 *gic, int first_spi, int nr_spis)
{
    ARMGICv2m *m = mc_malloc0(sizeof(*m));

    m->gic = gic;
    m->base = base;
    m->first_spi = first_spi;
    m->nr_spis = MIN(nr_spis, gic->nr_irqs - GIC_PRIV - first_spi);
    memory_region_init_io(&m->mmio, "gicv2m", &gicv2m_ops, m, GICV2M_SIZE);
    memory_region_add_subregion(parent, base, &m->mmio);
    return m;
}

void arm_gicv2m_msi(void *opaque, uint64_t addr, uint32_t data)
{
    ARMGICv2m *m = opaque;

    if (addr != m->base + V2M_MSI_SETSPI_NS) {
        guest_error("gicv2m: MSI to 0x%" PRIx64 " is not MSI_SETSPI_NS\n",
                    addr);
        return;
    }
    machine_lock();
    gicv2m_raise(m, data & 0x3ff);
    machine_unlock();
}
