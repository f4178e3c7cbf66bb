/* SPDX-License-Identifier: MIT */
/* Interrupts: CLINT timer (mtimecmp) and software (msip), WFI wake-up,
 * Sstc stimecmp from S-mode. */
#include "lib.h"

#define MIP_SSIP (1UL << 1)
#define MIP_MSIP (1UL << 3)
#define MIP_STIP (1UL << 5)
#define MIP_MTIP (1UL << 7)
#define TICKS_1MS 10000UL

static volatile unsigned long m_irqs, s_irqs, last_cause;

static void m_irq(unsigned long cause)
{
    last_cause = cause;
    m_irqs++;
    if (cause == 7) {
        mmio_write64(CLINT_MTIMECMP, -1UL);
    } else if (cause == 3) {
        mmio_write32(CLINT_MSIP, 0);
    } else {
        printf("FAIL: M interrupt %lu\n", cause);
        rt_exit(1);
    }
}

static void s_irq(unsigned long cause)
{
    last_cause = cause;
    s_irqs++;
    CHECK_EQ(cause, 5);
    write_csr(0x14d, -1UL);     /* stimecmp */
}

static void test_mtimecmp(void)
{
    unsigned long target = mmio_read64(CLINT_MTIME) + TICKS_1MS;

    m_irq_handler = m_irq;
    m_irqs = 0;
    mmio_write64(CLINT_MTIMECMP, target);
    set_csr(mie, MIP_MTIP);
    /*
     * Test with MIE clear, then WFI: an interrupt that comes between the
     * test and the WFI stays pending and ends the WFI.  With MIE set it
     * would be taken there, and the WFI would wait for another that never
     * comes (seen under host load).  MIE is opened only to take it.
     */
    while (!m_irqs) {
        __asm__ volatile("wfi");
        set_csr(mstatus, MSTATUS_MIE);
        clear_csr(mstatus, MSTATUS_MIE);
    }
    CHECK_EQ(last_cause, 7);
    CHECK(mmio_read64(CLINT_MTIME) >= target);
    CHECK(!(read_csr(mip) & MIP_MTIP));
    pass("timer mtimecmp");
}

static void test_msip(void)
{
    m_irqs = 0;
    set_csr(mie, MIP_MSIP);
    mmio_write32(CLINT_MSIP, 1);
    CHECK(read_csr(mip) & MIP_MSIP);
    set_csr(mstatus, MSTATUS_MIE);
    __asm__ volatile("nop");
    clear_csr(mstatus, MSTATUS_MIE);
    CHECK_EQ(m_irqs, 1);
    CHECK_EQ(last_cause, 3);
    CHECK(!(read_csr(mip) & MIP_MSIP));
    CHECK_EQ(mmio_read32(CLINT_MSIP), 0);
    pass("timer msip");
}

static void test_wfi(void)
{
    /* WFI wakes on a pending enabled interrupt even with MIE clear; no
     * trap is taken. */
    m_irqs = 0;
    clear_csr(mstatus, MSTATUS_MIE);
    set_csr(mie, MIP_MTIP);
    mmio_write64(CLINT_MTIMECMP, mmio_read64(CLINT_MTIME) + TICKS_1MS);
    while (!(read_csr(mip) & MIP_MTIP)) {
        __asm__ volatile("wfi");
    }
    CHECK_EQ(m_irqs, 0);
    mmio_write64(CLINT_MTIMECMP, -1UL);
    CHECK(!(read_csr(mip) & MIP_MTIP));
    clear_csr(mie, MIP_MTIP | MIP_MSIP);
    pass("timer wfi wake-up");
}

static long s_stimecmp(long arg)
{
    unsigned long now;

    __asm__ volatile("rdtime %0" : "=r"(now));
    write_csr(0x14d, now + TICKS_1MS);
    set_csr(sie, MIP_STIP);
    while (!s_irqs) {                   /* as in test_mtimecmp */
        __asm__ volatile("wfi");
        set_csr(sstatus, MSTATUS_SIE);
        clear_csr(sstatus, MSTATUS_SIE);
    }
    return arg;
}

static void test_sstc(void)
{
    s_trap_install();
    s_irq_handler = s_irq;
    write_csr(0x30a, 1UL << 63);        /* menvcfg.STCE */
    write_csr(mcounteren, 7);
    write_csr(mideleg, MIP_STIP);
    s_irqs = 0;
    goto_mode(PRV_S, s_stimecmp, 0);
    CHECK_EQ(s_irqs, 1);
    CHECK_EQ(last_cause, 5);
    CHECK(!(read_csr(mip) & MIP_STIP));
    pass("timer sstc");
}

int main(void)
{
    mmio_write64(CLINT_MTIMECMP, -1UL);
    test_mtimecmp();
    test_msip();
    test_wfi();
    test_sstc();
    return 0;
}
