/* SPDX-License-Identifier: MIT */
/*
 * PMUv3 at EL1: PMCR_EL0 (N, IDCODE, writable bits, C reset), the cycle
 * counter enable and its progress, PMSELR/PMXEVTYPER/PMXEVCNTR, the
 * software increment event with overflow into PMOVSSET, the set/clear
 * register pairs; counters beyond PMCR_EL0.N read as zero through
 * PMSELR/PMXEVCNTR and are UNDEFINED as PMEVCNTR<n>.
 */
#include "lib.h"

#define RD(r) SYSREG_READ(r)
#define WR(r, v) SYSREG_WRITE(r, v)

#define PMCR        s3_3_c9_c12_0
#define PMCNTENSET  s3_3_c9_c12_1
#define PMCNTENCLR  s3_3_c9_c12_2
#define PMOVSCLR    s3_3_c9_c12_3
#define PMSWINC     s3_3_c9_c12_4
#define PMSELR      s3_3_c9_c12_5
#define PMCCNTR     s3_3_c9_c13_0
#define PMXEVTYPER  s3_3_c9_c13_1
#define PMXEVCNTR   s3_3_c9_c13_2
#define PMOVSSET    s3_3_c9_c14_3
#define PMINTENSET  s3_0_c9_c14_1
#define PMINTENCLR  s3_0_c9_c14_2
#define PMEVCNTR0   s3_3_c14_c8_0
#define PMEVCNTR1   s3_3_c14_c8_1
#define PMEVCNTR7   s3_3_c14_c8_7
#define PMEVTYPER0  s3_3_c14_c12_0
#define PMCCFILTR   s3_3_c14_c15_7

static void hook(uint64_t *frame)
{
    (void)frame;
    show("  trap ESR", SYSREG_READ(esr_el1));
    SYSREG_WRITE(elr_el1, SYSREG_READ(elr_el1) + 4);
}

int main(void)
{
    uint64_t a, b;

    puts_("pmu test\n");
    trap_hook = hook;
    show("PMCR_EL0", RD(PMCR));
    WR(PMCR, 0xffffffff);
    show("PMCR_EL0 after all-ones", RD(PMCR));
    WR(PMCR, 0x1);
    show("PMCNTENSET reset", RD(PMCNTENSET));
    WR(PMCNTENSET, 0xffffffff);
    show("PMCNTENSET all", RD(PMCNTENSET));
    WR(PMCNTENCLR, 0x7fffffff);
    show("PMCNTENCLR -> C only", RD(PMCNTENCLR));

    /* Cycle counter: counts while E and PMCNTENSET.C are set. */
    a = RD(PMCCNTR);
    for (volatile int i = 0; i < 10000; i++) {
    }
    b = RD(PMCCNTR);
    show("PMCCNTR advances", b > a);
    WR(PMCNTENCLR, 1u << 31);
    a = RD(PMCCNTR);
    for (volatile int i = 0; i < 10000; i++) {
    }
    b = RD(PMCCNTR);
    show("PMCCNTR stopped", b == a);
    WR(PMCCNTR, 0x123456789ULL);
    show("PMCCNTR written", RD(PMCCNTR));
    WR(PMCR, 0x5);            /* E, C: reset the cycle counter */
    show("PMCCNTR after PMCR.C", RD(PMCCNTR));

    /* Event counter 0 counts SW_INCR. */
    WR(PMEVTYPER0, 0);
    WR(PMEVCNTR0, 0);
    WR(PMCNTENSET, 1);
    WR(PMSWINC, 1);
    WR(PMSWINC, 3);
    show("PMEVCNTR0 after 2 SW_INCR", RD(PMEVCNTR0));
    show("PMEVCNTR1 (disabled)", RD(PMEVCNTR1));
    WR(PMEVCNTR0, 0xffffffff);
    WR(PMSWINC, 1);
    show("PMEVCNTR0 wrapped", RD(PMEVCNTR0));
    show("PMOVSSET", RD(PMOVSSET));
    WR(PMOVSCLR, 1);
    show("PMOVSCLR after clear", RD(PMOVSCLR));
    WR(PMOVSSET, 0xffffffff);
    show("PMOVSSET all", RD(PMOVSSET));
    WR(PMOVSCLR, 0xffffffff);

    /* Selected counter access. */
    WR(PMSELR, 3);
    WR(PMXEVTYPER, 0x11);
    WR(PMXEVCNTR, 0x42);
    show("PMSELR", RD(PMSELR));
    show("PMXEVTYPER", RD(PMXEVTYPER));
    show("PMXEVCNTR", RD(PMXEVCNTR));
    WR(PMSELR, 31);
    WR(PMXEVTYPER, 0xc0000000);
    show("PMCCFILTR via PMSELR 31", RD(PMCCFILTR));
    WR(PMSELR, 7);
    WR(PMXEVCNTR, 0x99);
    show("PMXEVCNTR 7 (beyond N)", RD(PMXEVCNTR));
    puts_("PMEVCNTR7 (beyond N)\n");
    WR(PMEVCNTR7, 0x99);

    WR(PMINTENSET, 0xffffffff);
    show("PMINTENSET", RD(PMINTENSET));
    WR(PMINTENCLR, 0xffffffff);
    show("PMINTENCLR", RD(PMINTENCLR));
    return 0;
}
