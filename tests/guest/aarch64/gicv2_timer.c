/* SPDX-License-Identifier: MIT */
/*
 * Generic timer and SGI interrupts through a GICv2 (virt board map,
 * gic-version=2): memory-mapped distributor and CPU interface.
 */
#include "lib.h"

#define GICD 0x08000000UL
#define GICC 0x08010000UL
#define GICC_CTLR (GICC + 0x000)
#define GICC_PMR (GICC + 0x004)
#define GICC_BPR (GICC + 0x008)
#define GICC_IAR (GICC + 0x00c)
#define GICC_EOIR (GICC + 0x010)
#define GICC_RPR (GICC + 0x014)
#define GICC_HPPIR (GICC + 0x018)

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
    uint32_t iar = r32(GICC_IAR), id = iar & 0x3ff;

    (void)frame;
    show("  IRQ IAR", iar);
    show("  RPR in handler", r32(GICC_RPR));
    show("  DAIF in handler", SYSREG_READ(daif));
    if (id == 27) {
        show("  CNTV_CTL in handler", SYSREG_READ(cntv_ctl_el0));
        SYSREG_WRITE(cntv_ctl_el0, 0);      /* lower the line */
    }
    w32(GICC_EOIR, iar);
    irqs++;
}

int main(void)
{
    uint64_t freq = SYSREG_READ(cntfrq_el0);

    puts_("gicv2 timer test\n");
    trap_hook = hook;
    show("GICD_TYPER.ITLinesNumber", r32(GICD + 0x4) & 0x1f);
    show("GICD_TYPER.CPUNumber", (r32(GICD + 0x4) >> 5) & 7);
    show("GICD_IIDR", r32(GICD + 0x8));
    show("GICC_IIDR", r32(GICC + 0xfc));
    w32(GICD + 0x0, 1);
    w8(GICD + 0x400 + 27, 0x80);
    w8(GICD + 0x400 + 1, 0x40);
    w32(GICD + 0x100, (1u << 27) | (1u << 1));
    show("ISENABLER0", r32(GICD + 0x100) & ((1u << 27) | (1u << 1)));
    show("IPRIORITYR 27", (r32(GICD + 0x418) >> 24) & 0xff);
    show("ITARGETSR 27 (own CPU)", (r32(GICD + 0x818) >> 24) & 0xff);

    w32(GICC_PMR, 0xff);
    w32(GICC_BPR, 0);
    w32(GICC_CTLR, 1);
    show("GICC_PMR", r32(GICC_PMR));
    show("GICC_RPR idle", r32(GICC_RPR));

    /* Virtual timer, 10 ms, polled with IRQs masked. */
    SYSREG_WRITE(cntv_cval_el0, SYSREG_READ(cntvct_el0) + freq / 100);
    SYSREG_WRITE(cntv_ctl_el0, 1);
    __asm__ volatile("isb");
    while (!(SYSREG_READ(cntv_ctl_el0) & 4)) {
    }
    show("CNTV_CTL fired", SYSREG_READ(cntv_ctl_el0));
    show("ISPENDR0 bit 27", (r32(GICD + 0x200) >> 27) & 1);
    show("GICC_HPPIR", r32(GICC_HPPIR));
    show("irqs before unmask", irqs);
    __asm__ volatile("msr daifclr, #2\nisb" ::: "memory");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    show("irqs after unmask", irqs);
    show("GICC_RPR after EOI", r32(GICC_RPR));

    /* Priority mask: an interrupt at the mask level is not signalled. */
    w32(GICC_PMR, 0x80);
    SYSREG_WRITE(cntv_tval_el0, freq / 200);
    SYSREG_WRITE(cntv_ctl_el0, 1);
    __asm__ volatile("isb");
    while (!(SYSREG_READ(cntv_ctl_el0) & 4)) {
    }
    __asm__ volatile("msr daifclr, #2\nisb" ::: "memory");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    show("irqs with PMR 0x80", irqs);
    w32(GICC_PMR, 0xff);
    __asm__ volatile("msr daifclr, #2\nisb" ::: "memory");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    show("irqs with PMR 0xff", irqs);

    /* SGI 1 to self: GICD_SGIR TargetListFilter 2. */
    __asm__ volatile("msr daifclr, #2\nisb" ::: "memory");
    w32(GICD + 0xf00, (2u << 24) | 1);
    __asm__ volatile("isb");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    show("irqs after sgi", irqs);
    show("GICC_IAR spurious", r32(GICC_IAR));
    puts_("gicv2 timer done\n");
    return 0;
}
