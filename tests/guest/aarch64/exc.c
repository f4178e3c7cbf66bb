/* SPDX-License-Identifier: MIT */
/* SVC and BRK round trips through VBAR_EL1 and ERET; system registers. */
#include "lib.h"

extern char svc_insn[], brk_insn[];

static void hook(uint64_t *frame)
{
    uint64_t esr = SYSREG_READ(esr_el1), elr = SYSREG_READ(elr_el1);

    show("  ESR_EL1", esr);
    show("  ELR_EL1 - svc", elr - (uint64_t)svc_insn);
    show("  SPSR_EL1", SYSREG_READ(spsr_el1));
    show("  CurrentEL in handler", SYSREG_READ(currentel));
    show("  DAIF in handler", SYSREG_READ(daif));
    if ((esr >> 26) == 0x3c) {
        /* BRK returns to itself: step over it. */
        SYSREG_WRITE(elr_el1, elr + 4);
    }
    frame[0] += 0x1000;         /* x0 comes back changed */
}

int main(void)
{
    register uint64_t x0 __asm__("x0");

    puts_("exc test\n");
    show("CurrentEL", SYSREG_READ(currentel));
    show("MIDR_EL1", SYSREG_READ(midr_el1));
    show("MPIDR_EL1", SYSREG_READ(mpidr_el1));
    show("VBAR_EL1 low", SYSREG_READ(vbar_el1) & 0xfff);
    show("SCTLR_EL1.M", SYSREG_READ(sctlr_el1) & 1);
    show("CNTFRQ_EL0 nonzero", SYSREG_READ(cntfrq_el0) != 0);
    SYSREG_WRITE(tpidr_el0, 0x1122334455667788ULL);
    show("TPIDR_EL0", SYSREG_READ(tpidr_el0));
    SYSREG_WRITE(tpidr_el1, 0xabcdULL);
    show("TPIDR_EL1", SYSREG_READ(tpidr_el1));
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    show("DAIF after daifclr", SYSREG_READ(daif));
    __asm__ volatile("msr daifset, #2" ::: "memory");
    trap_hook = hook;
    x0 = 5;
    __asm__ volatile("msr nzcv, %1\n.global svc_insn\nsvc_insn: svc #0x123"
                     : "+r"(x0) : "r"(0x60000000ULL) : "x1", "x2", "x3",
                       "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                       "x12", "x13", "x14", "x15", "x16", "x17", "x18",
                       "x30", "memory", "cc");
    show("x0 after svc", x0);
    show("NZCV after svc", SYSREG_READ(nzcv));
    x0 = 7;
    __asm__ volatile(".global brk_insn\nbrk_insn: brk #0x42"
                     : "+r"(x0) : : "x1", "x2", "x3",
                       "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                       "x12", "x13", "x14", "x15", "x16", "x17", "x18",
                       "x30", "memory");
    show("x0 after brk", x0);
    {
        uint64_t t, sp0 = SYSREG_READ(sp_el0);

        SYSREG_WRITE(sp_el0, 0x1230);
        __asm__ volatile("msr spsel, #0\nmov %0, sp\nmsr spsel, #1"
                         : "=r"(t));
        show("SP with SPSel=0", t);
        SYSREG_WRITE(sp_el0, sp0);
    }
    puts_("exc done\n");
    return 0;
}
