/* SPDX-License-Identifier: MIT */
/* libFuzzer target: GICv2 (+v2m), GICv3, SiFive PLIC and ACLINT registers. */

/*
 * Two CPUs' worth of each interrupt controller, mapped as the virt boards
 * do.  Regions: GICv2 distributor, CPU interface, v2m frame, GICv3
 * distributor, both redistributors, PLIC (first 16 MiB of its aperture),
 * ACLINT.  Events (arg byte 0 picks the kind): GICv2 SPI/PPI line levels,
 * which CPU makes GICv2 accesses, GICv3 SPI/PPI levels, GICv3 CPU
 * interface system registers (captured with --wrap, no CPU runs), PLIC
 * source levels.
 */
#include <stdlib.h>
#include "machina/arm.h"
#include "machina/device.h"
#include "machina/cpu.h"
#include "../../hw/intc/arm_gic.h"
#include "../../hw/intc/riscv_aclint.h"
#include "../../hw/intc/sifive_plic.h"
#include "fuzz-dev.h"

#define FZ_NCPUS        2
#define FZ_NSPIS        96
#define FZ_GICD         0x08000000ULL
#define FZ_GICC         0x08010000ULL
#define FZ_GICV2M       0x08020000ULL
#define FZ_GICV3D       0x09000000ULL
#define FZ_GICV3R       0x09100000ULL
#define FZ_PLIC         0x0c000000ULL
#define FZ_PLIC_SIZE    0x4000000ULL
#define FZ_ACLINT       0x02000000ULL
#define FZ_PLIC_SOURCES 96

static const FzRegion fz_regions[] = {
    { FZ_GICD, GICV2_DIST_SIZE },
    { FZ_GICC, GICV2_CPU_SIZE },
    { FZ_GICV2M, GICV2M_SIZE },
    { FZ_GICV3D, 0x10000 },
    { FZ_GICV3R, 0x20000 },
    { FZ_GICV3R + 0x20000, 0x20000 },
    { FZ_PLIC, 0x1000000 },
    { FZ_ACLINT, 0x10000 },
};

static ARMGICv2 *fz_gicv2;
static ARMGICv3 *fz_gicv3;
static SifivePlicState *fz_plic;
static RiscvAclintState *fz_aclint;
static ARMCPU *fz_cpus[FZ_NCPUS];
static int fz_cur_cpu;
static ARMGICSysregFn *fz_sysreg_fn;
/* Lines raised this run, lowered again before the reset. */
static IRQLine *fz_raised[512];
static int fz_nraised;
static void *fz_sysreg_opaque;

void __real_arm_cpu_set_gic_sysreg(ARMCPU *cpu, ARMGICSysregFn *fn,
                                   void *opaque);
void __wrap_arm_cpu_set_gic_sysreg(ARMCPU *cpu, ARMGICSysregFn *fn,
                                   void *opaque);

/* The GICv3 CPU interface is system registers: keep the hook to call. */
void __wrap_arm_cpu_set_gic_sysreg(ARMCPU *cpu, ARMGICSysregFn *fn,
                                   void *opaque)
{
    fz_sysreg_fn = fn;
    fz_sysreg_opaque = opaque;
    __real_arm_cpu_set_gic_sysreg(cpu, fn, opaque);
}

static int fz_current_cpu(void *opaque)
{
    (void)opaque;
    return fz_cur_cpu;
}

static void fz_setup(void)
{
    IRQLine *out[FZ_NCPUS];

    fz_machine_init();
    fz_tcg_init();
    for (int i = 0; i < FZ_NCPUS; i++) {
        out[i] = fz_irq();
        fz_cpus[i] = arm_cpu_create(i, "cortex-a57");
        if (!fz_cpus[i]) {
            abort();
        }
    }
    fz_gicv2 = arm_gicv2_create_lines(system_memory, FZ_GICD, FZ_GICC, out,
                                      FZ_NCPUS, FZ_NSPIS);
    arm_gicv2_set_current_cpu_fn(fz_gicv2, fz_current_cpu, NULL);
    (void)arm_gicv2m_create(system_memory, FZ_GICV2M, fz_gicv2, 48, 48);
    fz_gicv3 = arm_gicv3_create(system_memory, FZ_GICV3D, FZ_GICV3R,
                                fz_cpus, FZ_NCPUS, FZ_NSPIS);
    fz_plic = sifive_plic_create(FZ_PLIC_SOURCES, 2 * FZ_NCPUS, 7,
                                 FZ_PLIC_SIZE);
    memory_region_add_subregion(system_memory, FZ_PLIC, &fz_plic->mmio);
    for (int i = 0; i < 2 * FZ_NCPUS; i++) {
        fz_plic->outputs[i] = fz_irq();
    }
    fz_aclint = riscv_aclint_create(FZ_NCPUS, 10000000);
    memory_region_add_subregion(system_memory, FZ_ACLINT, &fz_aclint->mmio);
    for (int i = 0; i < FZ_NCPUS; i++) {
        fz_aclint->harts[i].msip_irq = fz_irq();
        fz_aclint->harts[i].mtip_irq = fz_irq();
    }
}

static void fz_line(IRQLine *l, int level)
{
    if (level && fz_nraised < (int)ARRAY_SIZE(fz_raised)) {
        fz_raised[fz_nraised++] = l;
    } else if (level) {
        return;
    }
    irq_set(l, level);
}

static void fz_event(uint32_t arg, uint64_t val)
{
    uint32_t n = arg >> 8;
    int level = (int)(val & 1);

    switch (arg & 7) {
    case 0:
        fz_line(arm_gicv2_spi(fz_gicv2, (int)(n % FZ_NSPIS)), level);
        break;
    case 1:
        fz_line(arm_gicv2_ppi(fz_gicv2, (int)(n % FZ_NCPUS),
                              16 + (int)((n >> 1) % 16)), level);
        break;
    case 2:
        fz_cur_cpu = (int)(val % FZ_NCPUS);
        break;
    case 3:
        fz_line(arm_gicv3_spi(fz_gicv3, (int)(n % FZ_NSPIS)), level);
        break;
    case 4:
        fz_line(arm_gicv3_ppi(fz_gicv3, (int)(n % FZ_NCPUS),
                              16 + (int)((n >> 1) % 16)), level);
        break;
    case 5: {
        /* ICC_* (op0 3, op1 0, CRn 12, CRm 8..15) or ICC_PMR_EL1. */
        uint32_t key = (n & 0x100) ? ((3u << 14) | (4u << 7) | (6u << 3))
                                   : ((3u << 14) | (12u << 7) |
                                      ((8 + ((n >> 1) & 7)) << 3) |
                                      ((n >> 4) & 7));
        uint64_t v = val;

        if (fz_sysreg_fn) {
            (void)fz_sysreg_fn(fz_sysreg_opaque,
                               arm_cpu_state(fz_cpus[n & 1]), key, &v,
                               (n >> 7) & 1);
        }
        break;
    }
    default:
        fz_line(fz_plic->inputs[n % FZ_PLIC_SOURCES], level);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_gicv2) {
        fz_setup();
    }
    fz_cur_cpu = 0;
    fz_run(data, size, fz_regions, (int)ARRAY_SIZE(fz_regions), fz_event);
    /* Line levels are the wiring's, not reset: drop them again. */
    while (fz_nraised > 0) {
        irq_set(fz_raised[--fz_nraised], 0);
    }
    arm_gicv2_reset(fz_gicv2);
    arm_gicv3_reset(fz_gicv3);
    devices_reset_all();
    return 0;
}
