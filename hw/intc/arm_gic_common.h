/* SPDX-License-Identifier: MIT */
/*
 * Per-interrupt state and the one-bit-per-interrupt distributor
 * registers that GICv2 (arm_gic.c) and GICv3 (arm_gicv3.c) share: the
 * IGROUPR, IS/ICENABLER, IS/ICPENDR and IS/ICACTIVER banks at GICD
 * 0x080-0x3ff (and GICR_SGI_base in v3).  IHI 0048B 4.3.4-4.3.9, IHI
 * 0069 12.9.
 */
#ifndef HW_INTC_ARM_GIC_COMMON_H
#define HW_INTC_ARM_GIC_COMMON_H

#include "machina/common.h"

typedef struct GICIrq {
    uint8_t enabled, pending, active, level, edge, group, prio;
} GICIrq;

/* Which bank an offset in 0x080..0x3ff is: offset >> 7. */
enum {
    GIC_BANK_GROUP = 1,
    GIC_BANK_ISENABLE,
    GIC_BANK_ICENABLE,
    GIC_BANK_ISPEND,
    GIC_BANK_ICPEND,
    GIC_BANK_ISACTIVE,
    GIC_BANK_ICACTIVE,
};

/* Pending: latched (edge, or set by software) or a level held high. */
bool gic_irq_is_pending(const GICIrq *q);
/* The input line changed; a rising edge latches pending. */
void gic_irq_set_level(GICIrq *q, int level);
/* The interrupt's bit as the bank reads it. */
bool gic_irq_bank_bit(const GICIrq *q, int bank);
/* Write bit (set/clear banks act on 1, IGROUPR stores it). */
void gic_irq_bank_write(GICIrq *q, int bank, bool bit);
/* Reset: everything clear but the input level; edge from the config. */
void gic_irq_reset(GICIrq *q, bool edge);

#endif
