/* SPDX-License-Identifier: MIT */
/* Stage-1 MMU, 64K granule: level 2 blocks, level 3 pages, TLBI. */
#define PG 65536
#include "mmulib.h"            /* VBASE: L2 index 4: remapped window */

static uint64_t l2[1024] __attribute__((aligned(PG)));
static uint64_t l3[8192] __attribute__((aligned(PG)));
static volatile uint64_t pa[2][PG / 8] __attribute__((aligned(PG)));

int main(void)
{
    volatile uint64_t *v = (volatile uint64_t *)VBASE;

    puts_("mmu64k test\n");
    pa[0][0] = 0x1111;
    pa[1][0] = 0x2222;
    l2[0] = 0x00000000ULL | AF | ATTR_DEV | 1;      /* PL011, GIC */
    l2[2] = 0x40000000ULL | AF | SH_INNER | ATTR_MEM | 1;  /* RAM */
    l2[4] = (uint64_t)l3 | 3;
    l3[0] = page(pa[0], 0);                 /* alias of pa[0] */
    l3[1] = page(pa[0], AP_RO);             /* read-only alias */
    l3[2] = page(pa[1], 0) & ~AF;           /* access flag clear */
    l3[3] = page(pa[0], 0);                 /* changed later */
    SYSREG_WRITE(mair_el1, 0xff00ULL);
    /* T0SZ=25 (39-bit VA, walk starts at level 2), 64K, EPD1. */
    SYSREG_WRITE(tcr_el1, 25 | (1 << 8) | (1 << 10) | (3 << 12) |
                 (1 << 14) | (1 << 23) | (5ULL << 32));
    SYSREG_WRITE(ttbr0_el1, (uint64_t)l2);
    __asm__ volatile("dsb ish\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | 1);
    __asm__ volatile("isb" ::: "memory");
    show("SCTLR_EL1.M", SYSREG_READ(sctlr_el1) & 1);

    show("alias read", v[0]);
    v[1] = 0x3333;
    show("write through alias", pa[0][1]);
    show("read-only alias read", v[PG / 8]);
    show("same 64K page, +0x8000", v[0x1000] == pa[0][0x1000]);

    trap_hook = fault_hook;
    puts_("store to read-only page:\n");
    v[PG / 8 + 2] = 0x4444;
    puts_("load from page with AF=0:\n");
    (void)v[2 * PG / 8];
    puts_("load from unmapped page:\n");
    (void)v[5 * PG / 8 + 1];

    show("before remap", v[3 * PG / 8]);
    l3[3] = page(pa[1], 0);
    tlbi_va(VBASE + 3 * PG);
    show("after remap + tlbi", v[3 * PG / 8]);
    show("other 4K of the page", v[3 * PG / 8 + 0x1000] == pa[1][0x1000]);

    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) & ~1ULL);
    __asm__ volatile("isb" ::: "memory");
    show("MMU off, SCTLR_EL1.M", SYSREG_READ(sctlr_el1) & 1);
    return 0;
}
