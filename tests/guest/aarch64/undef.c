/* SPDX-License-Identifier: MIT */
/* UNDEFINED instructions take EC 0 to VBAR_EL1 + 0x200 with ELR = insn. */
#include "lib.h"

extern char u1[], u2[], u3[], u4[];

static uint64_t expect;

static void hook(uint64_t *frame)
{
    uint64_t elr = SYSREG_READ(elr_el1);

    (void)frame;
    show("  ESR_EL1", SYSREG_READ(esr_el1));
    show("  ELR_EL1 at insn", elr == expect);
    SYSREG_WRITE(elr_el1, elr + 4);
}

int main(void)
{
    puts_("undef test\n");
    trap_hook = hook;
    expect = (uint64_t)u1;
    __asm__ volatile(".global u1\nu1: .word 0x00000000" ::: "memory");
    puts_("after udf 0\n");
    expect = (uint64_t)u2;
    __asm__ volatile(".global u2\nu2: .word 0xffffffff" ::: "memory");
    puts_("after 0xffffffff\n");
    expect = (uint64_t)u3;
    /* MOVZ with opc=01 is unallocated */
    __asm__ volatile(".global u3\nu3: .word 0x32800000 | (1 << 29)"
                     ::: "memory");
    puts_("after unallocated move wide\n");
    expect = (uint64_t)u4;
    /* ERET at EL0-only... here: SMC without EL3 is UNDEFINED */
    __asm__ volatile(".global u4\nu4: smc #0" ::: "memory");
    puts_("after smc\n");
    puts_("undef done\n");
    return 0;
}
