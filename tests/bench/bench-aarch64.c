/* SPDX-License-Identifier: MIT */
/*
 * The CPU-bound workloads of bench.c for AArch64 guests: integer, memory
 * with the MMU on (4 KiB pages, TLB pressure), calls, floating point and
 * SVC round trips from EL0.  -DWORKLOAD=n picks one; it prints a checksum
 * and powers off through PSCI.
 */
#define PG 4096
#include "mmulib.h"             /* descriptor bits, shared with the MMU tests */

#ifndef WORKLOAD
#define WORKLOAD 0
#endif

#define ARENA_VA VBASE          /* L1 index 2: the arena's 4 KiB pages */
#define ARENA_PAGES 64

static uint64_t l1[512] __attribute__((aligned(PG)));
static uint64_t l2[512] __attribute__((aligned(PG)));
static uint64_t l3[512] __attribute__((aligned(PG)));
static uint8_t arena[ARENA_PAGES * PG] __attribute__((aligned(PG)));

static void print_result(uint64_t r)
{
    puts_("bench ");
    putc_('0' + WORKLOAD);
    puts_(" result ");
    puthex(r);
    putc_('\n');
}

static uint64_t integer(void)
{
    uint64_t x = 88172645463325252ULL, sum = 0;

    for (long i = 0; i < 100000000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum += (x % 1000003) * (uint64_t)(i | 1) / 3;
    }
    return sum;
}

/* Strided accesses over 64 pages mapped one by one (4 KiB granule). */
static uint64_t memory(void)
{
    volatile uint8_t *a = (volatile uint8_t *)ARENA_VA;
    uint64_t sum = 0;

    l1[0] = 0x00000000ULL | AF | ATTR_DEV | 1;               /* devices */
    l1[1] = 0x40000000ULL | AF | SH_INNER | ATTR_MEM | 1;    /* RAM */
    l1[2] = (uint64_t)l2 | 3;
    l2[0] = (uint64_t)l3 | 3;
    for (int i = 0; i < ARENA_PAGES; i++) {
        l3[i] = page(arena + i * PG, 0);
    }
    SYSREG_WRITE(mair_el1, 0xff00ULL);
    /* T0SZ=25 (39-bit VA), WBWA, inner shareable, 4K, EPD1, 48-bit PA. */
    SYSREG_WRITE(tcr_el1, 25 | (1 << 8) | (1 << 10) | (3 << 12) |
                 (1 << 23) | (5ULL << 32));
    SYSREG_WRITE(ttbr0_el1, (uint64_t)l1);
    __asm__ volatile("dsb sy\n isb" ::: "memory");
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | 1);
    __asm__ volatile("isb" ::: "memory");
    for (long r = 0; r < 1000000; r++) {
        for (uint64_t off = 0; off < sizeof(arena); off += PG + 64) {
            a[off % sizeof(arena)] += (uint8_t)r;
            sum += a[(off * 7) % sizeof(arena)];
        }
    }
    return sum;
}

static uint64_t __attribute__((noinline)) fib(uint64_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint64_t fp(void)
{
    double x = 0.5, acc = 0;

    for (long i = 1; i < 20000000; i++) {
        double r;

        x = x * 1.0000001 + 1.0 / (double)i;
        __asm__("fsqrt %d0, %d1" : "=w"(r) : "w"(x));
        acc += r * 0.5 - x / (x + 1.0);
    }
    return (uint64_t)(acc * 1000.0);
}

/* EL0: 2,000,000 SVC #0, then SVC #1 to come back. */
void el0_loop(void);
__asm__(".text\n.balign 4\n.global el0_loop\nel0_loop:\n"
        "  movz x1, #(2000000 & 0xffff)\n"
        "  movk x1, #(2000000 >> 16), lsl #16\n"
        "1: svc #0\n"
        "  subs x1, x1, #1\n"
        "  b.ne 1b\n"
        "  svc #1\n"
        "  b .\n");

static uint64_t svc_count;

static void __attribute__((noreturn)) svc_done(void)
{
    print_result(svc_count);
    poweroff();
}

static void svc_hook(uint64_t *frame)
{
    uint64_t esr = SYSREG_READ(esr_el1);

    (void)frame;
    if (esr >> 26 != 0x15) {
        show("unexpected exception, ESR", esr);
        poweroff();
    }
    if ((esr & 0xffff) == 0) {
        svc_count++;
        return;
    }
    /* Back to EL1h with interrupts masked, in svc_done. */
    SYSREG_WRITE(spsr_el1, 0x3c5);
    SYSREG_WRITE(elr_el1, (uint64_t)svc_done);
}

static void __attribute__((noreturn)) svcs(void)
{
    trap_hook = svc_hook;
    SYSREG_WRITE(spsr_el1, 0x3c0);              /* EL0t, DAIF masked */
    SYSREG_WRITE(elr_el1, (uint64_t)el0_loop);
    __asm__ volatile("isb\n eret" ::: "memory");
    __builtin_unreachable();
}

int main(void)
{
    uint64_t r;

    switch (WORKLOAD) {
    case 0:
        r = integer();
        break;
    case 1:
        r = memory();
        break;
    case 2:
        r = fib(35);
        break;
    case 3:
        r = fp();
        break;
    default:
        svcs();
    }
    print_result(r);
    return 0;
}
