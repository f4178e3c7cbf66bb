/* SPDX-License-Identifier: MIT */
/* Generic timer and SGI interrupts through a GICv3 (virt board map). */
#include "lib.h"

#define GICD 0x08000000UL
#define GICR 0x080a0000UL
#define GICR_SGI (GICR + 0x10000)

static volatile unsigned int irqs;

static inline void w32(uint64_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

static inline uint32_t r32(uint64_t a)
{
    return *(volatile uint32_t *)a;
}

static inline void w8(uint64_t a, uint8_t v)
{
    *(volatile uint8_t *)a = v;
}

static void hook(uint64_t *frame)
{
    uint64_t id = SYSREG_READ(icc_iar1_el1) & 0xffffff;

    (void)frame;
    show("  IRQ INTID", id);
    show("  RPR in handler", SYSREG_READ(icc_rpr_el1));
    show("  DAIF in handler", SYSREG_READ(daif));
    if (id == 27) {
        show("  CNTV_CTL in handler", SYSREG_READ(cntv_ctl_el0));
        SYSREG_WRITE(cntv_ctl_el0, 0);      /* lower the line */
    }
    SYSREG_WRITE(icc_eoir1_el1, id);
    irqs++;
}

static void wait_istatus(void)
{
    while (!(SYSREG_READ(cntv_ctl_el0) & 4)) {
    }
}

int main(void)
{
    uint64_t freq = SYSREG_READ(cntfrq_el0);

    puts_("timer test\n");
    trap_hook = hook;
    show("CNTFRQ_EL0", freq);
    show("ICC_SRE_EL1.SRE", SYSREG_READ(icc_sre_el1) & 1);

    /* Wake the redistributor, enable group 1 with affinity routing. */
    w32(GICR + 0x14, r32(GICR + 0x14) & ~2u);
    while (r32(GICR + 0x14) & 4) {
    }
    show("GICR_WAKER", r32(GICR + 0x14));
    show("GICR_TYPER.Last", (r32(GICR + 0x8) >> 4) & 1);
    w32(GICD + 0x0, 0x12);
    w32(GICR_SGI + 0x80, 0xffffffffu);          /* IGROUPR0: group 1 */
    w8(GICR_SGI + 0x400 + 27, 0x80);
    w8(GICR_SGI + 0x400 + 1, 0x40);
    w32(GICR_SGI + 0x100, (1u << 27) | (1u << 1));
    show("ISENABLER0", r32(GICR_SGI + 0x100) & ((1u << 27) | (1u << 1)));
    show("IPRIORITYR 27", (r32(GICR_SGI + 0x418) >> 24) & 0xff);

    SYSREG_WRITE(icc_pmr_el1, 0xff);
    SYSREG_WRITE(icc_bpr1_el1, 0);
    SYSREG_WRITE(icc_igrpen1_el1, 1);
    __asm__ volatile("isb");
    show("ICC_PMR_EL1", SYSREG_READ(icc_pmr_el1));
    show("ICC_IGRPEN1_EL1", SYSREG_READ(icc_igrpen1_el1));
    show("ICC_RPR_EL1 idle", SYSREG_READ(icc_rpr_el1));

    /* Virtual timer, 10 ms, polled with IRQs masked. */
    SYSREG_WRITE(cntv_cval_el0, SYSREG_READ(cntvct_el0) + freq / 100);
    SYSREG_WRITE(cntv_ctl_el0, 1);
    __asm__ volatile("isb");
    wait_istatus();
    show("CNTV_CTL fired", SYSREG_READ(cntv_ctl_el0));
    show("TVAL negative", (SYSREG_READ(cntv_tval_el0) >> 31) & 1);
    show("ISPENDR0 bit 27", (r32(GICR_SGI + 0x200) >> 27) & 1);
    show("ICC_HPPIR1_EL1", SYSREG_READ(icc_hppir1_el1));
    show("irqs before unmask", irqs);
    __asm__ volatile("msr daifclr, #2\nisb" ::: "memory");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    show("irqs after unmask", irqs);
    show("ICC_RPR_EL1 after EOI", SYSREG_READ(icc_rpr_el1));

    /* WFI with IRQs masked wakes on the pending timer interrupt. */
    SYSREG_WRITE(cntv_tval_el0, freq / 200);
    SYSREG_WRITE(cntv_ctl_el0, 1);
    __asm__ volatile("isb");
    while (!(SYSREG_READ(cntv_ctl_el0) & 4)) {
        __asm__ volatile("wfi");
    }
    puts_("woke from wfi\n");
    __asm__ volatile("msr daifclr, #2\nisb" ::: "memory");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    show("irqs after wfi", irqs);

    /* SGI 1 to self (Aff0 0, target list bit 0). */
    __asm__ volatile("msr daifclr, #2\nisb" ::: "memory");
    SYSREG_WRITE(icc_sgi1r_el1, (1ULL << 24) | 1);
    __asm__ volatile("isb");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    show("irqs after sgi", irqs);
    show("ICC_IAR1_EL1 spurious", SYSREG_READ(icc_iar1_el1));
    puts_("timer done\n");
    return 0;
}
