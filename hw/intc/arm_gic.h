/* SPDX-License-Identifier: MIT */
/*
 * GICv2 (GIC-400 layout, Arm IHI 0048B) internals shared by the machine
 * and the unit tests: the core takes plain IRQ lines for each CPU's IRQ
 * input, so it can be exercised without CPUs.  Also the GICv2m MSI frame
 * (Arm SBSA, "arm,gic-v2m-frame") that QEMU's virt board places beside it.
 */
#ifndef HW_INTC_ARM_GIC_H
#define HW_INTC_ARM_GIC_H

#include "machina/arm.h"
#include "machina/irq.h"
#include "machina/memory.h"

#define GICV2_MAX_CPUS      8
#define GICV2_DIST_SIZE     0x1000
#define GICV2_CPU_SIZE      0x2000      /* GICC_DIR lives at 0x1000 */
#define GICV2M_SIZE         0x1000

/*
 * Which CPU (0..nr_cpus-1) makes the current register access; the
 * banked registers (SGI/PPI state, the whole CPU interface) depend on it.
 */
typedef int ARMGICCurrentCPUFn(void *opaque);

/* Create the core with one IRQ output per CPU; maps both frames. */
ARMGICv2 *arm_gicv2_create_lines(MemoryRegion *parent, hwaddr dist_base,
                                 hwaddr cpu_base, IRQLine **irq_out,
                                 int nr_cpus, int nr_spis);
void arm_gicv2_set_current_cpu_fn(ARMGICv2 *s, ARMGICCurrentCPUFn *fn,
                                  void *opaque);

/* GICv2m: MSI writes to MSI_SETSPI_NS raise SPIs [first, first + nr). */
typedef struct ARMGICv2m ARMGICv2m;
ARMGICv2m *arm_gicv2m_create(MemoryRegion *parent, hwaddr base,
                             ARMGICv2 *gic, int first_spi, int nr_spis);
/* Deliver an MSI write (PCI bus msi_notify signature). */
void arm_gicv2m_msi(void *opaque, uint64_t addr, uint32_t data);

#endif
