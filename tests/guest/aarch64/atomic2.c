/* SPDX-License-Identifier: MIT */
/*
 * Faults in atomics with the MMU on: LSE operations, CAS, CASP and
 * LDXP/STXP on a read-only page and on an unmapped page.  The load comes
 * first, so an unmapped page faults as a read, a read-only page as a
 * write; a faulting instruction changes no register and no memory.
 * Runs on -cpu max.
 */
#define PG 4096
#include "mmulib.h"            /* VBASE: L1 index 2: remapped window */

static uint64_t l1[512] __attribute__((aligned(PG)));
static uint64_t l2[512] __attribute__((aligned(PG)));
static uint64_t l3[512] __attribute__((aligned(PG)));
static volatile uint64_t pa[PG / 8] __attribute__((aligned(PG)));

static void hook(uint64_t *frame)
{
    uint64_t esr = SYSREG_READ(esr_el1);

    (void)frame;
    show("  ESR_EL1", esr);
    show("  FAR - VBASE", SYSREG_READ(far_el1) - VBASE);
    SYSREG_WRITE(elr_el1, SYSREG_READ(elr_el1) + 4);
}

static void mmu_on(void)
{
    l1[0] = 0x00000000ULL | AF | ATTR_DEV | 1;      /* PL011, GIC */
    l1[1] = 0x40000000ULL | AF | SH_INNER | ATTR_MEM | 1;  /* RAM */
    l1[2] = (uint64_t)l2 | 3;
    l2[0] = (uint64_t)l3 | 3;
    l3[0] = page(pa, 0);                    /* writable alias */
    l3[1] = page(pa, AP_RO);                /* read-only alias */
    SYSREG_WRITE(mair_el1, 0xff00ULL);
    SYSREG_WRITE(tcr_el1, 25 | (1 << 8) | (1 << 10) | (3 << 12) |
                 (1 << 23) | (5ULL << 32));
    SYSREG_WRITE(ttbr0_el1, (uint64_t)l1);
    __asm__ volatile("dsb ish\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | 1);
    __asm__ volatile("isb" ::: "memory");
}

#define RO ((uint64_t *)(VBASE + PG))
#define UNMAPPED ((uint64_t *)(VBASE + 5 * PG))

/* Two-register form (LSE, CAS): register r must keep its value. */
#define TRY(mn, W, addr) do {                                           \
    uint64_t r_ = 0x1234567812345678ULL;                                \
    puts_(mn "\n");                                                     \
    __asm__ volatile(mn " %" W "1, %" W "0, [%2]" : "+r"(r_)            \
                     : "r"(0x0f0fULL), "r"(addr) : "memory");           \
    show("  register", r_);                                             \
    show("  memory", pa[0]);                                            \
} while (0)

int main(void)
{
    uint64_t a = 0, b = 0, st = 7;

    puts_("atomic2 test\n");
    pa[0] = 0x1000;
    pa[1] = 0x2000;
    mmu_on();
    trap_hook = hook;
    puts_("read-only page:\n");
    TRY("ldadd", "", RO);
    TRY("ldsmaxb", "w", RO);
    TRY("swph", "w", RO);
    TRY("cas", "", RO);
    TRY("casa", "w", RO);
    puts_("stadd\n");
    __asm__ volatile("stadd %0, [%1]" : : "r"(1ULL), "r"(RO) : "memory");
    puts_("casp\n");
    __asm__ volatile("mov x4, #0x1000\nmov x5, #0x2000\nmov x6, #1\n"
                     "mov x7, #2\ncasp x4, x5, x6, x7, [%1]\nmov %0, x4"
                     : "=r"(a) : "r"(RO) : "x4", "x5", "x6", "x7",
                       "memory");
    show("  rs", a);
    show("  memory", pa[0]);
    puts_("ldxp/stxp x, values unchanged\n");
    __asm__ volatile("ldxp %0, %1, [%3]\nstxp %w2, %1, %0, [%3]"
                     : "=&r"(a), "=&r"(b), "+&r"(st) : "r"(RO)
                     : "memory");
    show("  status", st);
    show("  a", a);
    puts_("ldxp/stxp x after a store through the alias\n");
    __asm__ volatile("ldxp %0, %1, [%3]\nstr %1, [%4]\n"
                     "stxp %w2, %1, %0, [%3]"
                     : "=&r"(a), "=&r"(b), "+&r"(st) : "r"(RO),
                       "r"((uint64_t *)VBASE) : "memory");
    show("  status", st);
    show("  memory", pa[0]);
    puts_("ldxp/stxp w, values unchanged\n");
    st = 7;
    __asm__ volatile("ldxp %w0, %w1, [%3]\nstxp %w2, %w1, %w0, [%3]"
                     : "=&r"(a), "=&r"(b), "+&r"(st) : "r"(RO)
                     : "memory");
    show("  status", st);
    __asm__ volatile("clrex");
    puts_("unmapped page:\n");
    TRY("ldeor", "", UNMAPPED);
    TRY("ldumin", "w", UNMAPPED);
    TRY("casal", "", UNMAPPED);
    puts_("ldxp\n");
    a = 0x55;
    __asm__ volatile("mov x4, %0\nldxp x4, x5, [%1]\nmov %0, x4"
                     : "+r"(a) : "r"(UNMAPPED) : "x4", "x5", "memory");
    show("  rt", a);
    puts_("stxp without a monitor does not access memory\n");
    __asm__ volatile("stxp %w0, %1, %1, [%2]" : "=&r"(st)
                     : "r"(a), "r"(UNMAPPED) : "memory");
    show("  status", st);
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) & ~1ULL);
    __asm__ volatile("isb" ::: "memory");
    puts_("atomic2 done\n");
    return 0;
}
