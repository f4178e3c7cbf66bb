/* SPDX-License-Identifier: MIT */
/* AArch64 CPUs as machines see them: creation, reset state, PSCI hook. */
#ifndef MACHINA_ARM_H
#define MACHINA_ARM_H

#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/irq.h"
#include "machina/memory.h"
#include <stdio.h>

typedef struct ARMCPU ARMCPU;

/*
 * Create CPU index from a -cpu string ("cortex-a57", "cortex-a72", "max";
 * NULL for the default).  Returns NULL after printing an error.  The CPU
 * is registered with cpu_register().
 */
ARMCPU *arm_cpu_create(int index, const char *model);
CPUState *arm_cpu_state(ARMCPU *cpu);
void arm_cpu_print_models(FILE *f);
uint64_t arm_cpu_mpidr(ARMCPU *cpu);

/* Reset state: pc and x0 (e.g. the DTB address for a Linux Image). */
void arm_cpu_set_reset_vector(ARMCPU *cpu, uint64_t pc, uint64_t x0);

/*
 * Firmware calls (HVC/SMC with the SMC Calling Convention) are offered to
 * this hook first; regs points at X0..X30 (results go to X0..X3).  It
 * returns true if it handled the call; otherwise the instruction is
 * UNDEFINED (no EL2/EL3 is modelled).
 */
typedef bool ARMFirmwareCallFn(CPUState *cs, bool is_smc, uint64_t *regs);
void arm_set_firmware_call_handler(ARMFirmwareCallFn *fn);

/* PSCI function ids (SMC32/SMC64 as used over the "hvc" conduit). */
#define PSCI_0_2_FN_PSCI_VERSION     0x84000000u
#define PSCI_0_2_FN_CPU_OFF          0x84000002u
#define PSCI_0_2_FN_SYSTEM_OFF       0x84000008u
#define PSCI_0_2_FN_SYSTEM_RESET     0x84000009u
#define PSCI_1_0_FN_PSCI_FEATURES    0x8400000au
#define PSCI_RET_NOT_SUPPORTED       (-1)

/* CPU interrupt inputs (level): IRQ and FIQ. */
enum { ARM_CPU_IRQ = 0, ARM_CPU_FIQ = 1 };
IRQLine *arm_cpu_irq_line(ARMCPU *cpu, int n);

/* Generic timer outputs (level), wired by the machine to GIC PPIs. */
enum { ARM_TIMER_PHYS = 0, ARM_TIMER_VIRT = 1 };
void arm_cpu_set_timer_output(ARMCPU *cpu, int timer, IRQLine *line);

/*
 * GIC CPU interface system registers (ICC_*, op0 3 op1 0 CRn 12 and
 * ICC_PMR_EL1) are forwarded to this hook with the MRS/MSR key
 * (op0:op1:CRn:CRm:op2).  Returns false for an unknown register
 * (UNDEFINED).  Called from the vCPU thread without the machine lock.
 */
typedef bool ARMGICSysregFn(void *opaque, CPUState *cs, uint32_t key,
                            uint64_t *val, bool is_write);
void arm_cpu_set_gic_sysreg(ARMCPU *cpu, ARMGICSysregFn *fn, void *opaque);

/* GICv3 (hw/intc/arm_gicv3.c): distributor 64 KiB, 128 KiB per redist. */
typedef struct ARMGICv3 ARMGICv3;
ARMGICv3 *arm_gicv3_create(MemoryRegion *parent, hwaddr dist_base,
                           hwaddr redist_base, ARMCPU **cpus, int nr_cpus,
                           int nr_spis);
/* Machine reset: registers to their reset values (line levels kept). */
void arm_gicv3_reset(ARMGICv3 *s);
/* Input line of SPI n (INTID 32 + n), or of PPI intid (16..31) of cpu. */
IRQLine *arm_gicv3_spi(ARMGICv3 *s, int n);
IRQLine *arm_gicv3_ppi(ARMGICv3 *s, int cpu, int intid);

/*
 * GICv2 (hw/intc/arm_gic.c, GIC-400 layout): distributor 4 KiB, memory-
 * mapped CPU interface 8 KiB.  The CPU only sees its IRQ input line.
 */
typedef struct ARMGICv2 ARMGICv2;
ARMGICv2 *arm_gicv2_create(MemoryRegion *parent, hwaddr dist_base,
                           hwaddr cpu_base, ARMCPU **cpus, int nr_cpus,
                           int nr_spis);
void arm_gicv2_reset(ARMGICv2 *s);
IRQLine *arm_gicv2_spi(ARMGICv2 *s, int n);
IRQLine *arm_gicv2_ppi(ARMGICv2 *s, int cpu, int intid);

#endif
