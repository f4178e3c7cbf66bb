/* SPDX-License-Identifier: MIT */
/*
 * Atomics under real concurrency (run with -smp 4 by
 * tests/functional/test_mttcg.py, thread=single and thread=multi; own
 * _start, every hart runs).
 *
 * Four harts each add 1 to shared counters ITER times with AMOADD.D,
 * AMOADD.W, LR.D/SC.D and LR.W/SC.W loops, and feed AMOMAXU.D; the sums
 * must be exact (a lost update shows as a short count).  A plain
 * load/add/store counter is printed, not checked: with a host thread per
 * hart it loses updates, which shows that the harts did overlap.
 */
#include "smp-start.h"

#define NH   SMP_HARTS
#define ITER 1000000

static volatile uint64_t arrived SHARED, done SHARED;
static volatile uint64_t amo_d SHARED, lrsc_d SHARED, max_d SHARED;
static volatile uint32_t amo_w SHARED, lrsc_w SHARED;
static volatile uint64_t plain SHARED;

static inline void amoadd_w(volatile uint32_t *p, uint32_t v)
{
    __asm__ volatile("amoadd.w zero, %1, (%0)" : : "r"(p), "r"(v)
                     : "memory");
}

static inline void amomaxu_d(volatile uint64_t *p, uint64_t v)
{
    __asm__ volatile("amomaxu.d zero, %1, (%0)" : : "r"(p), "r"(v)
                     : "memory");
}

static inline void lrsc_inc_d(volatile uint64_t *p)
{
    uint64_t t, fail;

    __asm__ volatile("1: lr.d %0, (%2)\n"
                     "   addi %0, %0, 1\n"
                     "   sc.d %1, %0, (%2)\n"
                     "   bnez %1, 1b\n"
                     : "=&r"(t), "=&r"(fail) : "r"(p) : "memory");
}

static inline void lrsc_inc_w(volatile uint32_t *p)
{
    uint32_t t, fail;

    __asm__ volatile("1: lr.w %0, (%2)\n"
                     "   addiw %0, %0, 1\n"
                     "   sc.w %1, %0, (%2)\n"
                     "   bnez %1, 1b\n"
                     : "=&r"(t), "=&r"(fail) : "r"(p) : "memory");
}

void __attribute__((noreturn)) hart_main(unsigned long hartid)
{
    /* Start together, so the loops overlap. */
    amoadd_d(&arrived, 1);
    while (arrived < NH) {
    }
    for (uint64_t i = 0; i < ITER; i++) {
        amoadd_d(&amo_d, 1);
        amoadd_w(&amo_w, 1);
        lrsc_inc_d(&lrsc_d);
        lrsc_inc_w(&lrsc_w);
        amomaxu_d(&max_d, hartid * ITER + i);
        plain = plain + 1;
    }
    amoadd_d(&done, 1);
    if (hartid != 0) {
        for (;;) {
            __asm__ volatile("wfi");
        }
    }
    while (done < NH) {
    }
    printf_("amoadd.d %lu amoadd.w %lu lr/sc.d %lu lr/sc.w %lu "
            "amomaxu.d %lu\n", (unsigned long)amo_d, (unsigned long)amo_w,
            (unsigned long)lrsc_d, (unsigned long)lrsc_w,
            (unsigned long)max_d);
    printf_("plain increments: %lu of %lu\n", (unsigned long)plain,
            (unsigned long)NH * ITER);
    CHECK_EQ(amo_d, (uint64_t)NH * ITER);
    CHECK_EQ(amo_w, (uint32_t)(NH * ITER));
    CHECK_EQ(lrsc_d, (uint64_t)NH * ITER);
    CHECK_EQ(lrsc_w, (uint32_t)(NH * ITER));
    CHECK_EQ(max_d, (uint64_t)NH * ITER - 1);
    pass("smp-atomic");
    rt_exit(0);
}
