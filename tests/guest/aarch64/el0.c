/* SPDX-License-Identifier: MIT */
/*
 * EL0 access controls set at EL1 (MMU off): SCTLR_EL1.UCT/DZE/UCI/UMA,
 * CNTKCTL_EL1 and PMUSERENR_EL0 trap to EL1 with EC 0x18 (and the ISS
 * naming the register), EL1-only registers and SYS forms are UNDEFINED,
 * and the same accesses succeed once enabled; SCTLR_EL1.nTWI traps WFI
 * (EC 0x01).  Also MSR PAN/UAO, which the model does not advertise.
 */
#include "lib.h"

void run_el0(void (*fn)(void), uint64_t sp);
extern char el0_return[];

__asm__(
    "    .text\n"
    "    .global run_el0\n"
    "run_el0:\n"
    "    stp x29, x30, [sp, #-96]!\n"
    "    stp x19, x20, [sp, #16]\n"
    "    stp x21, x22, [sp, #32]\n"
    "    stp x23, x24, [sp, #48]\n"
    "    stp x25, x26, [sp, #64]\n"
    "    stp x27, x28, [sp, #80]\n"
    "    msr sp_el0, x1\n"
    "    msr elr_el1, x0\n"
    "    mov x0, #0x3c0\n"              /* EL0t, DAIF masked */
    "    msr spsr_el1, x0\n"
    "    eret\n"
    "    .global el0_return\n"
    "el0_return:\n"
    "    ldp x19, x20, [sp, #16]\n"
    "    ldp x21, x22, [sp, #32]\n"
    "    ldp x23, x24, [sp, #48]\n"
    "    ldp x25, x26, [sp, #64]\n"
    "    ldp x27, x28, [sp, #80]\n"
    "    ldp x29, x30, [sp], #96\n"
    "    ret\n");

/* EL0 snippets: one access, then SVC back to EL1 with x0. */
#define EL0_FN(name, insn)                                      \
    void name(void);                                            \
    __asm__(".text\n.balign 4\n" #name ":\n"                    \
            "    mov x0, #0x77\n"                               \
            "    " insn "\n"                                    \
            "    svc #0\n")

EL0_FN(el0_ctr, "mrs x0, ctr_el0");
EL0_FN(el0_dczid, "mrs x0, dczid_el0");
EL0_FN(el0_dczva, "adr x1, zbuf\n    dc zva, x1");
EL0_FN(el0_dccvac, "adr x1, zbuf\n    dc cvac, x1");
EL0_FN(el0_icivau, "adr x1, zbuf\n    ic ivau, x1");
EL0_FN(el0_daif, "mrs x0, daif");
EL0_FN(el0_daifset, "msr daifset, #2");
EL0_FN(el0_cntvct, "mrs x0, cntvct_el0\n    mov x0, #1");
EL0_FN(el0_cntpct, "mrs x0, cntpct_el0\n    mov x0, #1");
EL0_FN(el0_cntfrq, "mrs x0, cntfrq_el0");
EL0_FN(el0_cntv_ctl, "mrs x0, cntv_ctl_el0");
EL0_FN(el0_pmccntr, "mrs x0, pmccntr_el0\n    mov x0, #1");
EL0_FN(el0_pmcr, "mrs x0, pmcr_el0");
EL0_FN(el0_pmuserenr, "mrs x0, pmuserenr_el0");
EL0_FN(el0_midr, "mrs x0, midr_el1");
EL0_FN(el0_sctlr, "mrs x0, sctlr_el1");
EL0_FN(el0_dcivac, "adr x1, zbuf\n    dc ivac, x1");
EL0_FN(el0_tlbi, "tlbi vmalle1");
EL0_FN(el0_currentel, "mrs x0, currentel");
EL0_FN(el0_tpidrro_w, "msr tpidrro_el0, x0");
EL0_FN(el0_tpidrro_r, "mrs x0, tpidrro_el0");
EL0_FN(el0_wfi, "wfi");

uint8_t zbuf[128] __attribute__((aligned(64)));
static uint64_t el0_stack[64] __attribute__((aligned(16)));
static uint64_t el0_x0;
/*
 * Print only the EC of a trap: QEMU 7.2 swaps Op1 and Op2 in the ISS of a
 * trapped MSR DAIFSet/DAIFClr (Machina reports Op1 = 3, Op2 = 6).
 */
static int ec_only;

static void hook(uint64_t *frame)
{
    uint64_t esr = SYSREG_READ(esr_el1);
    uint64_t spsr = SYSREG_READ(spsr_el1);

    if ((esr >> 26) == 0x15 && (spsr & 0xf) == 0) {
        /* SVC from EL0: back to run_el0's caller at EL1h. */
        el0_x0 = frame[0];
        SYSREG_WRITE(elr_el1, (uint64_t)el0_return);
        SYSREG_WRITE(spsr_el1, 0x3c5);
        return;
    }
    show(ec_only ? "  trap EC" : "  trap ESR", ec_only ? esr >> 26 : esr);
    SYSREG_WRITE(elr_el1, SYSREG_READ(elr_el1) + 4);
}

static void el0(const char *name, void (*fn)(void))
{
    puts_(name);
    putc_('\n');
    el0_x0 = 0;
    run_el0(fn, (uint64_t)&el0_stack[64]);
    show("  x0", el0_x0);
}

static void set_sctlr_bit(uint64_t bit, int on)
{
    uint64_t v = SYSREG_READ(sctlr_el1);

    SYSREG_WRITE(sctlr_el1, on ? v | bit : v & ~bit);
    __asm__ volatile("isb");
}

int main(void)
{
    puts_("el0 test\n");
    trap_hook = hook;
    SYSREG_WRITE(tpidrro_el0, 0x1234);

    /* Everything closed: SCTLR_EL1 UCT/DZE/UCI/UMA clear, CNTKCTL 0. */
    set_sctlr_bit(1u << 15 | 1u << 14 | 1u << 26 | 1u << 9, 0);
    SYSREG_WRITE(cntkctl_el1, 0);
    SYSREG_WRITE(s3_3_c9_c14_0, 0);             /* PMUSERENR_EL0 */
    __asm__ volatile("isb");
    el0("ctr closed", el0_ctr);
    el0("dczid closed", el0_dczid);
    el0("dc zva closed", el0_dczva);
    el0("dc cvac closed", el0_dccvac);
    el0("ic ivau closed", el0_icivau);
    el0("daif closed", el0_daif);
    ec_only = 1;
    el0("daifset closed", el0_daifset);
    ec_only = 0;
    el0("cntvct closed", el0_cntvct);
    el0("cntpct closed", el0_cntpct);
    el0("cntfrq closed", el0_cntfrq);
    el0("cntv_ctl closed", el0_cntv_ctl);
    el0("pmccntr closed", el0_pmccntr);
    el0("pmcr closed", el0_pmcr);
    el0("pmuserenr", el0_pmuserenr);
    el0("midr", el0_midr);
    el0("sctlr", el0_sctlr);
    el0("dc ivac", el0_dcivac);
    el0("tlbi", el0_tlbi);
    el0("currentel", el0_currentel);
    el0("tpidrro write", el0_tpidrro_w);
    el0("tpidrro read", el0_tpidrro_r);
    set_sctlr_bit(1u << 16, 0);                 /* nTWI: WFI traps */
    el0("wfi closed", el0_wfi);
    set_sctlr_bit(1u << 16, 1);

    /* Open them. */
    set_sctlr_bit(1u << 15 | 1u << 14 | 1u << 26 | 1u << 9, 1);
    SYSREG_WRITE(cntkctl_el1, 0x303);
    SYSREG_WRITE(s3_3_c9_c14_0, 0xf);
    __asm__ volatile("isb");
    for (int i = 0; i < 128; i++) {
        zbuf[i] = 0xaa;
    }
    el0("ctr open", el0_ctr);
    el0("dczid open", el0_dczid);
    el0("dc zva open", el0_dczva);
    show("  zbuf[0]", zbuf[0]);
    show("  zbuf[63]", zbuf[63]);
    show("  zbuf[64]", zbuf[64]);
    el0("dc cvac open", el0_dccvac);
    el0("ic ivau open", el0_icivau);
    el0("daif open", el0_daif);
    el0("daifset open", el0_daifset);
    el0("cntvct open", el0_cntvct);
    el0("cntpct open", el0_cntpct);
    el0("cntfrq open nonzero", el0_cntfrq);
    el0("cntv_ctl open", el0_cntv_ctl);
    el0("pmccntr open", el0_pmccntr);
    el0("pmcr open", el0_pmcr);

    /* PAN and UAO are not implemented by the model: UNDEFINED. */
    puts_("msr pan\n");
    __asm__ volatile(".inst 0xd500409f" ::: "memory");  /* msr pan, #0 */
    puts_("msr uao\n");
    __asm__ volatile(".inst 0xd500407f" ::: "memory");  /* msr uao, #0 */
    puts_("done\n");
    return 0;
}
