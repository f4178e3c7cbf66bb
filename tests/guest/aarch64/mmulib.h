/* SPDX-License-Identifier: MIT */
/*
 * Stage-1 translation table bits and helpers shared by the MMU guests
 * (Arm ARM D8.3: VMSAv8-64 descriptors).  The including file defines
 * PG, its granule size, first.
 */
#ifndef MMULIB_H
#define MMULIB_H

#include "lib.h"

#define AF (1ULL << 10)             /* access flag */
#define NG (1ULL << 11)             /* not global: tagged with the ASID */
#define SH_INNER (3ULL << 8)
#define AP_RO (2ULL << 6)
#define ATTR_DEV (0ULL << 2)        /* MAIR index 0: Device-nGnRnE */
#define ATTR_MEM (1ULL << 2)        /* MAIR index 1: Normal WB */
#define VBASE 0x80000000ULL         /* the window the tests remap */

/* A page descriptor for the level-3 page at p: normal memory, AF set. */
static inline uint64_t page(const volatile void *p, uint64_t extra)
{
    return (uint64_t)p | AF | SH_INNER | ATTR_MEM | extra | 3;
}

/* TLBI VAE1 takes VA[55:12] whatever the granule. */
static inline void tlbi_va(uint64_t va)
{
    __asm__ volatile("dsb ishst\n tlbi vae1, %0\n dsb ish\n isb"
                     : : "r"(va >> 12) : "memory");
}

/* Trap hook: print the data abort's class, status, WnR and FAR; skip it. */
static inline void fault_hook(uint64_t *frame)
{
    uint64_t esr = SYSREG_READ(esr_el1);

    (void)frame;
    show("  EC", esr >> 26);
    show("  DFSC", esr & 0x3f);
    show("  WnR", (esr >> 6) & 1);
    show("  FAR - VBASE", SYSREG_READ(far_el1) - VBASE);
    SYSREG_WRITE(elr_el1, SYSREG_READ(elr_el1) + 4);
}

#endif
