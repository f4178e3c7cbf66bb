/* SPDX-License-Identifier: MIT */
/*
 * Atomics under real concurrency: CPU 0 starts CPUs 1-3 with PSCI CPU_ON
 * (those that exist), then every CPU adds 1 to shared counters ITER
 * times with LDADD, LDXR/STXR (64-bit) and LDXR/STXR (32-bit) loops, a
 * CAS loop and CASP (pair) loop, and feeds LDUMAX.  The sums must be
 * exact.  The output does not depend on the CPU count, so the plain run
 * (one CPU) and test_mttcg.py (-smp 4, thread=single and thread=multi)
 * share atomic3.expected.  Runs on -cpu max (LSE).
 */
#include "lib.h"

#define NCPU 4
#define ITER 1000000

static volatile uint64_t hold = 1, done;
static volatile uint64_t c_ldadd, c_excl, c_cas, c_max;
static volatile uint32_t c_excl_w;
static volatile uint64_t c_pair[2] __attribute__((aligned(16)));
/* CPUs 1-3; crt0 does not clear .bss, a fresh machine's RAM is zero. */
uint8_t sec_stacks[NCPU][8192] __attribute__((aligned(16)));

void secondary_main(uint64_t cpu);

__asm__(
    "    .text\n"
    "    .balign 4\n"
    "secondary_entry:\n"            /* x0 = context id = CPU number */
    "    ldr x1, =sec_stacks\n"
    "    lsl x2, x0, #13\n"             /* CPU n: top of sec_stacks[n-1] */
    "    add sp, x1, x2\n"
    "    ldr x1, =vectors\n"
    "    msr vbar_el1, x1\n"
    "    mov x1, #(3 << 20)\n"
    "    msr cpacr_el1, x1\n"
    "    isb\n"
    "    bl secondary_main\n"
    "1:  wfe\n"
    "    b 1b\n");
extern char secondary_entry[];

static int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
    register uint64_t x0 __asm__("x0") = 0xc4000003;
    register uint64_t x1 __asm__("x1") = mpidr;
    register uint64_t x2 __asm__("x2") = entry;
    register uint64_t x3 __asm__("x3") = ctx;

    __asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3)
                     : "memory");
    return (int64_t)x0;
}

static void ldadd(volatile uint64_t *p)
{
    __asm__ volatile("stadd %0, [%1]" : : "r"(1ULL), "r"(p) : "memory");
}

static void ldumax(volatile uint64_t *p, uint64_t v)
{
    __asm__ volatile("stumax %0, [%1]" : : "r"(v), "r"(p) : "memory");
}

static void excl_inc(volatile uint64_t *p)
{
    uint64_t t;
    uint32_t fail;

    __asm__ volatile("1: ldxr %0, [%2]\n"
                     "   add %0, %0, #1\n"
                     "   stxr %w1, %0, [%2]\n"
                     "   cbnz %w1, 1b\n"
                     : "=&r"(t), "=&r"(fail) : "r"(p) : "memory");
}

static void excl_inc_w(volatile uint32_t *p)
{
    uint32_t t, fail;

    __asm__ volatile("1: ldaxr %w0, [%2]\n"
                     "   add %w0, %w0, #1\n"
                     "   stlxr %w1, %w0, [%2]\n"
                     "   cbnz %w1, 1b\n"
                     : "=&r"(t), "=&r"(fail) : "r"(p) : "memory");
}

static void cas_inc(volatile uint64_t *p)
{
    uint64_t old = *p, seen;

    for (;;) {
        seen = old;
        __asm__ volatile("casal %0, %2, [%1]"
                         : "+r"(seen) : "r"(p), "r"(old + 1) : "memory");
        if (seen == old) {
            return;
        }
        old = seen;
    }
}

/* Both words of the pair go up by one together. */
static void casp_inc(volatile uint64_t *p)
{
    register uint64_t o0 __asm__("x4");
    register uint64_t o1 __asm__("x5");
    register uint64_t n0 __asm__("x6");
    register uint64_t n1 __asm__("x7");
    uint64_t e0 = p[0], e1 = p[1];

    for (;;) {
        o0 = e0;
        o1 = e1;
        n0 = e0 + 1;
        n1 = e1 + 1;
        __asm__ volatile("caspal x4, x5, x6, x7, [%2]"
                         : "+r"(o0), "+r"(o1) : "r"(p), "r"(n0), "r"(n1)
                         : "memory");
        if (o0 == e0 && o1 == e1) {
            return;
        }
        e0 = o0;
        e1 = o1;
    }
}

static void work(uint64_t cpu)
{
    /* Start together, so the loops overlap. */
    while (__atomic_load_n(&hold, __ATOMIC_ACQUIRE) != 0) {
    }
    for (uint64_t i = 0; i < ITER; i++) {
        ldadd(&c_ldadd);
        excl_inc(&c_excl);
        excl_inc_w(&c_excl_w);
        cas_inc(&c_cas);
        casp_inc(c_pair);
        ldumax(&c_max, cpu * ITER + i);
    }
    ldadd(&done);
}

void secondary_main(uint64_t cpu)
{
    work(cpu);
}

static void check(const char *name, uint64_t got, uint64_t want)
{
    puts_(name);
    puts_(got == want ? ": ok\n" : ": WRONG\n");
    if (got != want) {
        show("  got", got);
        show("  want", want);
    }
}

int main(void)
{
    uint64_t n = 1;

    puts_("atomic3 test\n");
    for (uint64_t cpu = 1; cpu < NCPU; cpu++) {
        if (psci_cpu_on(cpu, (uint64_t)secondary_entry, cpu) == 0) {
            n++;
        }
    }
    __atomic_store_n(&hold, 0, __ATOMIC_RELEASE);
    work(n - 1 == 0 ? 0 : NCPU);
    while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) != n) {
    }
    check("ldadd", c_ldadd, n * ITER);
    check("ldxr/stxr", c_excl, n * ITER);
    check("ldaxr/stlxr w", c_excl_w, (uint32_t)(n * ITER));
    check("cas", c_cas, n * ITER);
    check("casp lo", c_pair[0], n * ITER);
    check("casp hi", c_pair[1], n * ITER);
    /* CPU 0 feeds values above every other CPU's when others run. */
    check("ldumax", c_max, (n == 1 ? 0 : NCPU) * ITER + ITER - 1);
    return 0;
}
