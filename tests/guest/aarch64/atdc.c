/* SPDX-License-Identifier: MIT */
/*
 * With the MMU on (4K granule, 39-bit VA, 1 GiB blocks): AT S1E1R/W and
 * S1E0R/W results in PAR_EL1 (address, attributes, fault status), LDTR
 * and STTR at EL1 checked with EL0 permissions, and DC ZVA zeroing one
 * 64-byte block through an alias and faulting on a read-only one.
 */
#include "lib.h"

/* VA windows: 1 GiB blocks, all onto RAM at 0x40000000 but UART. */
#define VA_EL1_ONLY 0x080000000ULL      /* AP 00: EL1 RW, EL0 none */
#define VA_EL0_RW   0x0c0000000ULL      /* AP 01: EL1 RW, EL0 RW, PXN */
#define VA_RO       0x100000000ULL      /* AP 11: read-only both */
#define VA_NONE     0x140000000ULL      /* invalid descriptor */

static uint64_t l1[512] __attribute__((aligned(4096)));
static volatile uint64_t probe_word;
static uint8_t zbuf[192] __attribute__((aligned(64)));

static void hook(uint64_t *frame)
{
    (void)frame;
    show("  fault ESR", SYSREG_READ(esr_el1));
    show("  FAR", SYSREG_READ(far_el1));
    SYSREG_WRITE(elr_el1, SYSREG_READ(elr_el1) + 4);
}

static uint64_t block(uint64_t pa, int attr, int ap, int xn)
{
    /* AF, SH inner, AttrIndx, AP[2:1]; UXN|PXN when xn. */
    return pa | 1ULL << 10 | 3ULL << 8 | (uint64_t)ap << 6 |
           (uint64_t)attr << 2 | (xn ? 3ULL << 53 : 0) | 1;
}

static void at(const char *name, uint64_t va, int which)
{
    switch (which) {
    case 0: __asm__ volatile("at s1e1r, %0" : : "r"(va)); break;
    case 1: __asm__ volatile("at s1e1w, %0" : : "r"(va)); break;
    case 2: __asm__ volatile("at s1e0r, %0" : : "r"(va)); break;
    default: __asm__ volatile("at s1e0w, %0" : : "r"(va)); break;
    }
    __asm__ volatile("isb");
    show(name, SYSREG_READ(par_el1));
}

static uint64_t ldtr(uint64_t va)
{
    uint64_t v = 0x77;

    __asm__ volatile("ldtr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
    return v;
}

static void sttr(uint64_t va, uint64_t v)
{
    __asm__ volatile("sttr %0, [%1]" : : "r"(v), "r"(va) : "memory");
}

int main(void)
{
    uint64_t off = (uint64_t)&probe_word - 0x40000000;
    uint64_t zoff = (uint64_t)zbuf - 0x40000000;

    puts_("atdc test\n");
    trap_hook = hook;
    at("PAR MMU off, S1E1R 0x40001234", 0x40001234, 0);

    l1[0] = block(0, 0, 0, 1);                  /* devices */
    l1[1] = block(0x40000000, 1, 0, 0);         /* RAM, identity */
    l1[2] = block(0x40000000, 1, 0, 1);
    l1[3] = block(0x40000000, 1, 1, 1);
    l1[4] = block(0x40000000, 1, 3, 1);
    SYSREG_WRITE(mair_el1, 0xff00);             /* 0 device, 1 normal WB */
    /* T0SZ 25, IRGN0/ORGN0 WB, SH0 inner, TG0 4K, EPD1, IPS 40 bits. */
    SYSREG_WRITE(tcr_el1, 25 | 1u << 8 | 1u << 10 | 3u << 12 | 1u << 23 |
                 2ULL << 32);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)l1);
    __asm__ volatile("dsb sy\n isb");
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | 1);
    __asm__ volatile("isb");
    puts_("mmu on\n");

    at("PAR S1E1R el1-only", VA_EL1_ONLY + 0x5678, 0);
    at("PAR S1E1W el1-only", VA_EL1_ONLY + 0x5678, 1);
    at("PAR S1E0R el1-only", VA_EL1_ONLY + 0x5678, 2);
    at("PAR S1E0R el0-rw", VA_EL0_RW + 0x9000, 2);
    at("PAR S1E0W el0-rw", VA_EL0_RW + 0x9000, 3);
    at("PAR S1E1W read-only", VA_RO + 0x1000, 1);
    at("PAR S1E0R read-only", VA_RO + 0x1000, 2);
    at("PAR S1E1R invalid", VA_NONE + 0x2000, 0);
    at("PAR S1E1R device", 0x09000000, 0);

    probe_word = 0x1122334455667788ULL;
    puts_("ldtr el0-rw\n");
    show("  value", ldtr(VA_EL0_RW + off));
    puts_("ldtr el1-only\n");
    show("  value", ldtr(VA_EL1_ONLY + off));
    puts_("sttr read-only\n");
    sttr(VA_RO + off, 1);
    puts_("sttr el0-rw\n");
    sttr(VA_EL0_RW + off, 0xabcdef);
    show("  word", probe_word);
    puts_("ldr el1-only\n");
    show("  value", *(volatile uint64_t *)(VA_EL1_ONLY + off));

    for (int i = 0; i < 192; i++) {
        zbuf[i] = 0x5a;
    }
    puts_("dc zva via alias\n");
    __asm__ volatile("dc zva, %0" : : "r"(VA_EL1_ONLY + zoff + 64 + 17)
                     : "memory");
    show("  zbuf[63]", zbuf[63]);
    show("  zbuf[64]", zbuf[64]);
    show("  zbuf[127]", zbuf[127]);
    show("  zbuf[128]", zbuf[128]);
    puts_("dc zva read-only\n");
    __asm__ volatile("dc zva, %0" : : "r"(VA_RO + zoff + 130) : "memory");
    show("  zbuf[128]", zbuf[128]);
    puts_("dc zva invalid\n");
    __asm__ volatile("dc zva, %0" : : "r"(VA_NONE + 0x40) : "memory");

    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) & ~1ULL);
    __asm__ volatile("isb");
    puts_("done\n");
    return 0;
}
