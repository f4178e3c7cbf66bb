/* SPDX-License-Identifier: MIT */
/* cycle/time/instret: monotonic, instret counts, mcounteren gating. */
#include "lib.h"

static long s_rdtime(long arg)
{
    unsigned long t;

    (void)arg;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return (long)t;
}

int main(void)
{
    unsigned long c0, c1, t0, t1, i0, i1, mt;

    __asm__ volatile("rdcycle %0\n rdtime %1\n rdinstret %2"
                     : "=r"(c0), "=r"(t0), "=r"(i0));
    for (volatile int i = 0; i < 10000; i++) {
    }
    __asm__ volatile("rdcycle %0\n rdtime %1\n rdinstret %2"
                     : "=r"(c1), "=r"(t1), "=r"(i1));
    mt = mmio_read64(CLINT_MTIME);
    CHECK(c1 > c0);
    CHECK(t1 >= t0);
    CHECK(i1 > i0 + 10000);
    /* time mirrors the CLINT's mtime. */
    CHECK(mt >= t1);
    CHECK(read_csr(mcycle) >= c1);
    CHECK(read_csr(minstret) >= i1);
    pass("counters monotonic");

    /* Writing minstret sets it (an instruction that writes it does not
     * also count, spec 3.1.11). */
    write_csr(minstret, 1000);
    i0 = read_csr(minstret);
    /* QEMU derives minstret from host ticks without -icount: loose. */
    CHECK(i0 >= 1000 && i0 < 1000 + 100000000UL);
    pass("counters minstret write");

    /* Lower modes need mcounteren.TM to read time. */
    write_csr(mcounteren, 0);
    trap_reset();
    m_trap_expected = 1;
    goto_mode(PRV_S, s_rdtime, 0);
    m_trap_expected = 0;
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_ILLEGAL);
    write_csr(mcounteren, 7);
    CHECK(goto_mode(PRV_S, s_rdtime, 0) >= (long)t1);
    pass("counters mcounteren");
    return 0;
}
