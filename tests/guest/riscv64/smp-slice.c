/* SPDX-License-Identifier: MIT */
/*
 * Round-robin slices seen from the guest (run with -smp 2 by
 * tests/functional/test_smp.py; own _start, every hart runs).
 *
 * Hart 1 counts forever; hart 0 counts how many loop iterations it runs
 * between two changes of hart 1's counter, i.e. the length of each of
 * its time slices in guest work.
 *
 * 1. M-mode with MIE clear is code no interrupt could preempt on
 *    hardware: the scheduler lets it keep the host thread for several
 *    ticks.  Without that, OpenSBI 1.1's hart start (state published
 *    before the start address) was cut in its window and the started
 *    hart ran Linux's boot path a second time (docs/devel/tcg-engine.md).
 *    Its slices must be clearly longer than with MIE set.
 * 2. Slices count vCPU-thread CPU time: a host that deschedules the
 *    thread must not make a slice arbitrarily short.  Wall-time slices
 *    put some of 200 below median / 16 on a busy host.
 */
#include "lib.h"

#define SKIP    4           /* the first slices include translation */
#define NSLICES 200
#define NLONG   48
#define RATIO   16
__asm__(
    "    .section .text.init\n"
    "    .globl _start\n"
    "_start:\n"
    "    csrr a0, mhartid\n"
    "    li t0, 2\n"
    "    bgeu a0, t0, 2f\n"             /* only harts 0 and 1 take part */
    "    la sp, _stack_top\n"
    "    beqz a0, 1f\n"
    "    li t0, -0x2000\n"               /* hart 1: 8 KiB below hart 0 */
    "    add sp, sp, t0\n"
    "1:  call hart_main\n"
    "2:  wfi\n"
    "    j 2b\n"
    "    .text\n");

/* In .data, not .bss: hart 1 reads them before hart 0 clears .bss. */
static volatile uint64_t hart1_count __attribute__((section(".data")));
static volatile int go __attribute__((section(".data")));
static uint64_t runs[NSLICES];

extern char __bss_start[], __bss_end[];

static void sort(uint64_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        uint64_t v = a[i];
        int j = i - 1;

        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void __attribute__((noreturn)) hart1(void)
{
    while (!go) {
    }
    for (;;) {
        hart1_count = hart1_count + 1;
    }
}

/* Lengths of the next n slices of this hart, sorted. */
static void measure(uint64_t *out, int n)
{
    uint64_t last = hart1_count, run = 0;
    int seen = 0;

    while (seen < SKIP + n) {
        uint64_t v = hart1_count;

        run++;
        if (v != last) {
            /* Hart 1 ran: our previous slice is over. */
            if (seen >= SKIP) {
                out[seen - SKIP] = run;
            }
            seen++;
            last = v;
            run = 0;
        }
    }
    sort(out, n);
}

void __attribute__((noreturn)) hart_main(unsigned long hartid)
{
    uint64_t firm_median, min, median;

    if (hartid == 1) {
        hart1();
    }
    memset(__bss_start, 0, __bss_end - __bss_start);
    go = 1;

    /* mstatus.MIE is clear after reset: firmware-like code. */
    measure(runs, NLONG);
    firm_median = runs[NLONG / 2];
    printf_("MIE=0: %d slices, median %lu iterations\n", NLONG,
            (unsigned long)firm_median);

    /* MIE set (mie is 0, so nothing is taken): ordinary slices. */
    set_csr(mstatus, MSTATUS_MIE);
    measure(runs, NSLICES);
    min = runs[0];
    median = runs[NSLICES / 2];
    printf_("MIE=1: %d slices: min %lu median %lu max %lu iterations\n",
            NSLICES, (unsigned long)min, (unsigned long)median,
            (unsigned long)runs[NSLICES - 1]);
    CHECK(median > 0);
    CHECK(min * RATIO >= median);
    /*
     * The budgets are 8 ms and ~1-2 ms of CPU time (ratio ~4.5 on a
     * quiet host); a loaded CI host once gave 2.4.  Before the fix the
     * two were equal, so 2x still tells them apart.
     */
    CHECK(firm_median >= 2 * median);
    pass("smp-slice");
    rt_exit(0);
}
