/* SPDX-License-Identifier: MIT */
/*
 * Cross-hart ordering and wake-ups (run with -smp 4 by
 * tests/functional/test_mttcg.py, thread=single and thread=multi; own
 * _start, every hart runs).
 *
 * 1. Store buffering (SB litmus) with FENCE RW,RW between the store and
 *    the load, harts 0/1 and 2/3 in pairs:
 *        A: x = 1; fence rw,rw; ra = y      B: y = 1; fence rw,rw; rb = x
 *    ra == 0 && rb == 0 is forbidden by RVWMO (spec "RVWMO Memory
 *    Consistency Model", preserved program order rule 4: a FENCE orders
 *    prior stores before later loads).  x86 hosts reorder exactly this
 *    (a store before a younger load), so under thread=multi a FENCE that
 *    emits no host barrier shows the outcome within a few thousand
 *    rounds.  Linux's wait/wake-up (set_current_state() vs. wake_up())
 *    and qspinlock rely on it; losing it hung -smp 4 boots.  The same
 *    loop without the fence is counted and printed, not checked: it
 *    shows whether the harts did overlap.
 * 2. IPI ping-pong through the ACLINT MSWI with WFI: hart 0 wakes each
 *    other hart in turn and sleeps in WFI until it answers, ROUNDS times
 *    each; a lost MSIP or a missed wake-up hangs (the test times out).
 */
#include "smp-start.h"

#define NH     SMP_HARTS
#define ITER   100000
#define ROUNDS 3000
#define MIP_MSIP (1UL << 3)

static volatile uint64_t arrived SHARED, done SHARED;
/* Per pair: the round each hart has reached (one cache line apart). */
static volatile uint64_t round_[NH][8] SHARED;
/* Litmus locations and results: .bss, zero in a fresh machine's RAM. */
static volatile uint32_t xs[2][ITER], ys[2][ITER];
static volatile uint8_t ra[2][ITER], rb[2][ITER];
static volatile uint32_t nx[2][ITER], ny[2][ITER];
static volatile uint8_t na[2][ITER], nb[2][ITER];
static volatile uint64_t pong[NH] SHARED;

/* Both harts of the pair reach round i before either goes on. */
static void pair_sync(unsigned long me, unsigned long other, uint64_t i)
{
    round_[me][0] = i;
    while (round_[other][0] < i) {
    }
}

static void litmus(unsigned long hartid, int fenced, uint64_t base)
{
    unsigned long pair = hartid / 2, other = hartid ^ 1;
    int a_side = !(hartid & 1);
    volatile uint32_t *mine, *theirs;
    volatile uint8_t *res;

    for (uint64_t i = 0; i < ITER; i++) {
        uint32_t v;

        if (fenced) {
            mine = a_side ? &xs[pair][i] : &ys[pair][i];
            theirs = a_side ? &ys[pair][i] : &xs[pair][i];
            res = a_side ? &ra[pair][i] : &rb[pair][i];
        } else {
            mine = a_side ? &nx[pair][i] : &ny[pair][i];
            theirs = a_side ? &ny[pair][i] : &nx[pair][i];
            res = a_side ? &na[pair][i] : &nb[pair][i];
        }
        pair_sync(hartid, other, base + i + 1);
        if (fenced) {
            __asm__ volatile("sw %1, 0(%2)\n"
                             "fence rw, rw\n"
                             "lw %0, 0(%3)\n"
                             : "=&r"(v) : "r"(1), "r"(mine), "r"(theirs)
                             : "memory");
        } else {
            __asm__ volatile("sw %1, 0(%2)\n"
                             "lw %0, 0(%3)\n"
                             : "=&r"(v) : "r"(1), "r"(mine), "r"(theirs)
                             : "memory");
        }
        *res = (uint8_t)v;
    }
}

static unsigned long both_zero(volatile uint8_t (*a)[ITER],
                               volatile uint8_t (*b)[ITER])
{
    unsigned long n = 0;

    for (int p = 0; p < 2; p++) {
        for (uint64_t i = 0; i < ITER; i++) {
            n += !a[p][i] && !b[p][i];
        }
    }
    return n;
}

static void msip_set(unsigned long hart, uint32_t v)
{
    mmio_write32(CLINT_MSIP + 4 * hart, v);
}

/* Sleep until this hart's MSIP is pending (MSIE set, MIE clear). */
static void wait_msip(unsigned long hartid)
{
    while (!(read_csr(mip) & MIP_MSIP)) {
        __asm__ volatile("wfi");
    }
    msip_set(hartid, 0);
}

void __attribute__((noreturn)) hart_main(unsigned long hartid)
{
    amoadd_d(&arrived, 1);
    while (arrived < NH) {
    }
    litmus(hartid, 0, 0);
    litmus(hartid, 1, ITER);

    /* Part 2: MIE stays clear; a pending enabled MSIP still ends WFI. */
    clear_csr(mstatus, MSTATUS_MIE);
    set_csr(mie, MIP_MSIP);
    if (hartid != 0) {
        for (int r = 0; r < ROUNDS; r++) {
            wait_msip(hartid);
            pong[hartid]++;
            __asm__ volatile("fence rw, rw" ::: "memory");
            msip_set(0, 1);
        }
        amoadd_d(&done, 1);
        for (;;) {
            __asm__ volatile("wfi");
        }
    }
    for (int r = 0; r < ROUNDS; r++) {
        for (unsigned long h = 1; h < NH; h++) {
            msip_set(h, 1);
            wait_msip(0);
            CHECK_EQ(pong[h], (uint64_t)r + 1);
        }
    }
    while (done < NH - 1) {
    }

    unsigned long bad = both_zero(ra, rb), loose = both_zero(na, nb);
    printf_("SB without fence: %lu of %lu rounds saw 0/0\n", loose,
            2UL * ITER);
    printf_("SB with fence rw,rw: %lu of %lu rounds saw 0/0\n", bad,
            2UL * ITER);
    printf_("IPI ping-pong: %d rounds x %d harts\n", ROUNDS, NH - 1);
    CHECK_EQ(bad, 0UL);
    pass("smp-fence");
    rt_exit(0);
}
