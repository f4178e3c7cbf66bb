/* SPDX-License-Identifier: MIT */
/* RISC-V harts as machines see them: creation, IRQ inputs, time source. */
#ifndef MACHINA_RISCV_H
#define MACHINA_RISCV_H

#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/irq.h"
#include <stdio.h>

typedef struct RISCVCPU RISCVCPU;

/* mip bit numbers (privileged spec, 3.1.9). */
enum {
    IRQ_S_SOFT = 1, IRQ_M_SOFT = 3,
    IRQ_S_TIMER = 5, IRQ_M_TIMER = 7,
    IRQ_S_EXT = 9, IRQ_M_EXT = 11,
};

/*
 * Create hart hartid from a -cpu string ("rv64", "rv64,zba=false,sv=39",
 * NULL for the default).  Returns NULL after printing an error naming the
 * bad model or property.  The hart is registered with cpu_register().
 */
RISCVCPU *riscv_cpu_create(int hartid, const char *model);
CPUState *riscv_cpu_state(RISCVCPU *cpu);
void riscv_cpu_print_models(FILE *f);

/* Level-triggered input driving mip bit irq (IRQ_M_SOFT ...). */
IRQLine *riscv_cpu_irq_line(RISCVCPU *cpu, int irq);

/* mtime source for the time CSR and Sstc (ticks at freq Hz). */
void riscv_cpu_set_time_source(RISCVCPU *cpu,
                               uint64_t (*read_time)(void *opaque),
                               void *opaque, uint64_t freq);

/* Reset state: pc, a0 (hartid is automatic), a1, and the start state. */
void riscv_cpu_set_reset_vector(RISCVCPU *cpu, uint64_t pc, uint64_t a1);
/* Features for the device tree: "rv64imafdc_zicsr_..." and MMU type. */
const char *riscv_cpu_isa_string(RISCVCPU *cpu);
const char *riscv_cpu_mmu_type(RISCVCPU *cpu);  /* "riscv,sv57" etc */

#endif
