/* SPDX-License-Identifier: MIT */
/* Stage-1 MMU, 4K granule: aliases, permission and AF faults, TLBI. */
#define PG 4096
#include "mmulib.h"            /* VBASE: L1 index 2: remapped window */

static uint64_t l1[512] __attribute__((aligned(PG)));
static uint64_t l2[512] __attribute__((aligned(PG)));
static uint64_t l3[512] __attribute__((aligned(PG)));
static volatile uint64_t pa[2][PG / 8] __attribute__((aligned(PG)));

int main(void)
{
    volatile uint64_t *v = (volatile uint64_t *)VBASE;

    puts_("mmu test\n");
    pa[0][0] = 0x1111;
    pa[1][0] = 0x2222;
    l1[0] = 0x00000000ULL | AF | ATTR_DEV | 1;      /* PL011, GIC */
    l1[1] = 0x40000000ULL | AF | SH_INNER | ATTR_MEM | 1;  /* RAM */
    l1[2] = (uint64_t)l2 | 3;
    l2[0] = (uint64_t)l3 | 3;
    l3[0] = page(pa[0], 0);                 /* alias of pa[0] */
    l3[1] = page(pa[0], AP_RO);             /* read-only alias */
    l3[2] = page(pa[1], 0) & ~AF;           /* access flag clear */
    l3[3] = page(pa[0], 0);                 /* changed later */
    SYSREG_WRITE(mair_el1, 0xff00ULL);
    /* T0SZ=25 (39-bit VA), WBWA, inner shareable, 4K, EPD1, 48-bit PA. */
    SYSREG_WRITE(tcr_el1, 25 | (1 << 8) | (1 << 10) | (3 << 12) |
                 (1 << 23) | (5ULL << 32));
    SYSREG_WRITE(ttbr0_el1, (uint64_t)l1);
    __asm__ volatile("dsb ish\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | 1);
    __asm__ volatile("isb" ::: "memory");
    show("SCTLR_EL1.M", SYSREG_READ(sctlr_el1) & 1);
    puts_("identity map still prints\n");

    show("alias read", v[0]);
    v[1] = 0x3333;
    show("write through alias", pa[0][1]);
    show("read-only alias read", v[PG / 8]);

    trap_hook = fault_hook;
    puts_("store to read-only page:\n");
    v[PG / 8 + 2] = 0x4444;
    show("unchanged", pa[0][2]);
    puts_("load from page with AF=0:\n");
    show("value", v[2 * PG / 8]);
    puts_("load from unmapped page:\n");
    show("value", v[5 * PG / 8 + 1]);

    show("before remap", v[3 * PG / 8]);
    l3[3] = page(pa[1], 0);
    tlbi_va(VBASE + 3 * PG);
    show("after remap + tlbi", v[3 * PG / 8]);
    l3[3] = 0;
    tlbi_va(VBASE + 3 * PG);
    puts_("load after unmap + tlbi:\n");
    show("value", v[3 * PG / 8]);

    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) & ~1ULL);
    __asm__ volatile("isb" ::: "memory");
    show("MMU off, SCTLR_EL1.M", SYSREG_READ(sctlr_el1) & 1);
    return 0;
}
