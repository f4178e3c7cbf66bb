/* SPDX-License-Identifier: MIT */
/*
 * ID and other read-only system registers of the CPU model as Linux and
 * U-Boot read them at EL1: MIDR, CTR, DCZID, the cache hierarchy
 * (CLIDR/CSSELR/CCSIDR), ID_AA64* and the AArch32 ID_* registers, the PMU
 * identification, the OS lock and reset values.  Fields that Machina
 * deliberately reports differently from QEMU (AArch32 execution state
 * support in ID_AA64PFR0) are masked.  Expected output: QEMU 7.2,
 * -cpu cortex-a57.
 */
#include "lib.h"

#define SHOW(name, reg) show(name, SYSREG_READ(reg))

static uint64_t ccsidr(uint64_t csselr)
{
    SYSREG_WRITE(s3_2_c0_c0_0, csselr);
    __asm__ volatile("isb");
    return SYSREG_READ(s3_1_c0_c0_0);
}

int main(void)
{
    puts_("sysreg test\n");
    SHOW("MIDR_EL1", midr_el1);
    SHOW("REVIDR_EL1", s3_0_c0_c0_6);
    SHOW("MPIDR_EL1", mpidr_el1);
    SHOW("AIDR_EL1", s3_1_c0_c0_7);
    SHOW("CTR_EL0", s3_3_c0_c0_1);
    SHOW("DCZID_EL0", s3_3_c0_c0_7);
    SHOW("CLIDR_EL1", s3_1_c0_c0_1);
    show("CCSIDR L1D", ccsidr(0));
    show("CCSIDR L1I", ccsidr(1));
    show("CCSIDR L2", ccsidr(2));
    SHOW("CSSELR_EL1", s3_2_c0_c0_0);
    /* EL0/EL1 fields (AArch32 support) are Machina's own: masked. */
    show("ID_AA64PFR0_EL1 & ~0xff", SYSREG_READ(s3_0_c0_c4_0) & ~0xffULL);
    SHOW("ID_AA64PFR1_EL1", s3_0_c0_c4_1);
    SHOW("ID_AA64ZFR0_EL1", s3_0_c0_c4_4);
    SHOW("ID_AA64DFR0_EL1", s3_0_c0_c5_0);
    SHOW("ID_AA64DFR1_EL1", s3_0_c0_c5_1);
    SHOW("ID_AA64AFR0_EL1", s3_0_c0_c5_4);
    SHOW("ID_AA64AFR1_EL1", s3_0_c0_c5_5);
    SHOW("ID_AA64ISAR0_EL1", s3_0_c0_c6_0);
    SHOW("ID_AA64ISAR1_EL1", s3_0_c0_c6_1);
    SHOW("ID_AA64ISAR2_EL1", s3_0_c0_c6_2);
    SHOW("ID_AA64MMFR0_EL1", s3_0_c0_c7_0);
    SHOW("ID_AA64MMFR1_EL1", s3_0_c0_c7_1);
    SHOW("ID_AA64MMFR2_EL1", s3_0_c0_c7_2);
    SHOW("ID_PFR0_EL1", s3_0_c0_c1_0);
    SHOW("ID_PFR1_EL1", s3_0_c0_c1_1);
    SHOW("ID_DFR0_EL1", s3_0_c0_c1_2);
    SHOW("ID_AFR0_EL1", s3_0_c0_c1_3);
    SHOW("ID_MMFR0_EL1", s3_0_c0_c1_4);
    SHOW("ID_MMFR1_EL1", s3_0_c0_c1_5);
    SHOW("ID_MMFR2_EL1", s3_0_c0_c1_6);
    SHOW("ID_MMFR3_EL1", s3_0_c0_c1_7);
    SHOW("ID_ISAR0_EL1", s3_0_c0_c2_0);
    SHOW("ID_ISAR1_EL1", s3_0_c0_c2_1);
    SHOW("ID_ISAR2_EL1", s3_0_c0_c2_2);
    SHOW("ID_ISAR3_EL1", s3_0_c0_c2_3);
    SHOW("ID_ISAR4_EL1", s3_0_c0_c2_4);
    SHOW("ID_ISAR5_EL1", s3_0_c0_c2_5);
    SHOW("ID_MMFR4_EL1", s3_0_c0_c2_6);
    SHOW("ID_ISAR6_EL1", s3_0_c0_c2_7);
    SHOW("MVFR0_EL1", s3_0_c0_c3_0);
    SHOW("MVFR1_EL1", s3_0_c0_c3_1);
    SHOW("MVFR2_EL1", s3_0_c0_c3_2);
    SHOW("ID_PFR2_EL1", s3_0_c0_c3_4);
    SHOW("ID_DFR1_EL1", s3_0_c0_c3_5);
    SHOW("ID_MMFR5_EL1", s3_0_c0_c3_6);
    SHOW("SCTLR_EL1", sctlr_el1);
    SHOW("OSLSR_EL1", s2_0_c1_c1_4);
    SYSREG_WRITE(s2_0_c1_c0_4, 0);          /* OSLAR_EL1: unlock */
    SHOW("OSLSR_EL1 after unlock", s2_0_c1_c1_4);
    SHOW("MDSCR_EL1", mdscr_el1);
    SHOW("PMCR_EL0", s3_3_c9_c12_0);
    SHOW("PMCEID0_EL0", s3_3_c9_c12_6);
    SHOW("PMCEID1_EL0", s3_3_c9_c12_7);
    SHOW("PMUSERENR_EL0", s3_3_c9_c14_0);
    SHOW("CNTKCTL_EL1", cntkctl_el1);
    SHOW("TCR_EL1", tcr_el1);
    SHOW("PAR_EL1", par_el1);
    return 0;
}
