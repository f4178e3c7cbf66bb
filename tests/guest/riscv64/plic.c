/* SPDX-License-Identifier: MIT */
/* PLIC external interrupts from the UART (THRE) and the goldfish RTC. */
#include "lib.h"

#define UART_IRQ 10
#define RTC_IRQ  11
#define PLIC_PRIO(i)      (PLIC_BASE + 4 * (i))
#define PLIC_PENDING      (PLIC_BASE + 0x1000)
#define PLIC_ENABLE(c)    (PLIC_BASE + 0x2000 + 0x80 * (c))
#define PLIC_THRESHOLD(c) (PLIC_BASE + 0x200000 + 0x1000 * (c))
#define PLIC_CLAIM(c)     (PLIC_BASE + 0x200004 + 0x1000 * (c))
#define MIP_MEIP (1UL << 11)

static volatile unsigned long irqs, claimed;

static void m_irq(unsigned long cause)
{
    uint32_t id;

    CHECK_EQ(cause, 11);
    id = mmio_read32(PLIC_CLAIM(0));
    if (id == 0) {
        /* Spurious: another context or a source that went away. */
        return;
    }
    claimed = id;
    irqs++;
    if (id == UART_IRQ) {
        /* Reading IIR reports and clears the THRE interrupt. */
        CHECK_EQ(mmio_read8(UART_BASE + 2) & 0x0f, 0x02);
        mmio_write8(UART_BASE + 1, 0);
    } else if (id == RTC_IRQ) {
        mmio_write32(RTC_BASE + 0x1c, 1);   /* CLEAR_INTERRUPT */
        mmio_write32(RTC_BASE + 0x10, 0);   /* IRQ_ENABLED */
    }
    mmio_write32(PLIC_CLAIM(0), id);
}

static void test_uart(void)
{
    irqs = 0;
    mmio_write32(PLIC_PRIO(UART_IRQ), 1);
    mmio_write32(PLIC_ENABLE(0), 1U << UART_IRQ);
    mmio_write32(PLIC_THRESHOLD(0), 0);
    CHECK_EQ(mmio_read32(PLIC_PRIO(UART_IRQ)), 1);
    set_csr(mie, MIP_MEIP);
    mmio_write8(UART_BASE + 1, 0x02);       /* IER.ETBEI */
    set_csr(mstatus, MSTATUS_MIE);
    for (int i = 0; i < 100000 && !irqs; i++) {
        __asm__ volatile("nop");
    }
    clear_csr(mstatus, MSTATUS_MIE);
    CHECK_EQ(irqs, 1);
    CHECK_EQ(claimed, UART_IRQ);
    /* Nothing left to claim. */
    CHECK_EQ(mmio_read32(PLIC_CLAIM(0)), 0);
    pass("plic uart thre");
}

static void test_threshold(void)
{
    /* A threshold at the source's priority masks it. */
    irqs = 0;
    mmio_write32(PLIC_THRESHOLD(0), 1);
    mmio_write8(UART_BASE + 1, 0x02);
    CHECK(mmio_read32(PLIC_PENDING) & (1U << UART_IRQ));
    CHECK(!(read_csr(mip) & MIP_MEIP));
    mmio_write8(UART_BASE + 1, 0);
    mmio_write32(PLIC_THRESHOLD(0), 0);
    CHECK_EQ(irqs, 0);
    pass("plic threshold");
}

static void test_rtc(void)
{
    uint64_t now;
    uint32_t lo, hi;

    irqs = 0;
    mmio_write32(PLIC_PRIO(RTC_IRQ), 2);
    mmio_write32(PLIC_ENABLE(0), 1U << RTC_IRQ);
    lo = mmio_read32(RTC_BASE + 0x00);      /* TIME_LOW latches HIGH */
    hi = mmio_read32(RTC_BASE + 0x04);
    now = ((uint64_t)hi << 32) | lo;
    CHECK(now > 0);
    now += 2000000;                         /* 2 ms in ns */
    mmio_write32(RTC_BASE + 0x10, 1);       /* IRQ_ENABLED */
    mmio_write32(RTC_BASE + 0x0c, (uint32_t)(now >> 32));
    mmio_write32(RTC_BASE + 0x08, (uint32_t)now);
    /* Test with MIE clear so the interrupt can't slip in before WFI. */
    while (!irqs) {
        __asm__ volatile("wfi");
        set_csr(mstatus, MSTATUS_MIE);
        clear_csr(mstatus, MSTATUS_MIE);
    }
    CHECK_EQ(claimed, RTC_IRQ);
    pass("plic rtc alarm");
}

int main(void)
{
    m_irq_handler = m_irq;
    test_uart();
    test_threshold();
    test_rtc();
    return 0;
}
