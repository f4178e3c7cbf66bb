/* SPDX-License-Identifier: MIT */
/* CPU-bound guest workloads for scripts/bench.sh: integer, memory/TLB under
 * Sv39, calls, floating point, ecall round trips.  Which one runs is chosen
 * at build time with -DWORKLOAD=n; each prints a checksum and exits 0. */
#include "lib.h"

#ifndef WORKLOAD
#define WORKLOAD 0
#endif

static uint64_t pt[3][512] __attribute__((aligned(4096)));
static volatile uint8_t arena[64 * 4096] __attribute__((aligned(4096)));

static unsigned long integer(void)
{
    unsigned long x = 88172645463325252UL, sum = 0;

    for (long i = 0; i < 100000000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum += (x % 1000003) * (i | 1) / 3;
    }
    return sum;
}

/* Runs in S-mode with Sv39 on: strided writes over 64 pages. */
static long mem_body(long n)
{
    unsigned long sum = 0;

    for (long r = 0; r < n; r++) {
        for (unsigned long off = 0; off < sizeof(arena); off += 4096 + 64) {
            arena[off % sizeof(arena)] += (uint8_t)r;
            sum += arena[(off * 7) % sizeof(arena)];
        }
    }
    return (long)sum;
}

static unsigned long memory(void)
{
    /* Identity-map devices and RAM with 4 KiB-granular RAM tables would
     * cost setup time; 1 GiB leaves plus a 4 KiB level for the arena. */
    pt[0][0] = (0UL >> 12 << 10) | 0xcf;
    pt[0][2] = (RAM_BASE >> 12 << 10) | 0xcf;
    write_csr(satp, (8UL << 60) | ((uintptr_t)pt[0] >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    return (unsigned long)goto_mode(PRV_S, mem_body, 1000000);
}

static unsigned long __attribute__((noinline)) fib(unsigned long n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static unsigned long fp(void)
{
    double x = 0.5, acc = 0;

    for (long i = 1; i < 20000000; i++) {
        x = x * 1.0000001 + 1.0 / (double)i;
        double r;

        __asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(x));
        acc += r * 0.5 - x / (x + 1.0);
    }
    return (unsigned long)(acc * 1000.0);
}

static long ecall_body(long n)
{
    for (long i = 0; i < n; i++) {
        register long a7 __asm__("a7") = 0;

        __asm__ volatile("ecall" : "+r"(a7) :: "memory");
    }
    return n;
}

static unsigned long ecalls(void)
{
    m_trap_expected = 1;
    goto_mode(PRV_U, ecall_body, 2000000);
    m_trap_expected = 0;
    return m_trap.count;
}

int main(void)
{
    unsigned long r;

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
        r = ecalls();
        break;
    }
    printf("bench %d result %lu\n", WORKLOAD, r);
    return 0;
}
