/* SPDX-License-Identifier: MIT */
/* AArch64 CPUs as machines see them: creation, reset state, PSCI hook. */
#ifndef MACHINA_ARM_H
#define MACHINA_ARM_H

#include "machina/common.h"
#include "machina/cpu.h"
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

#endif
