/* SPDX-License-Identifier: MIT */
/* PMP: TOR, NA4 and NAPOT regions checked from S-mode, priority, and
 * locked entries that bind M-mode too (privileged spec, section 3.7). */
#include "lib.h"

#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

static volatile uint64_t region[3][512] __attribute__((aligned(4096)));

static long s_load(long a)
{
    return *(volatile long *)a;
}

static long s_store(long a)
{
    *(volatile long *)a = 0x77;
    return 0;
}

static long s_fetch(long a)
{
    return ((long (*)(long))a)(0);
}

/* pmpcfg0 holds entries 0-7 on RV64. */
static void set_cfg(int i, unsigned long cfg)
{
    unsigned long v = read_csr(pmpcfg0);

    v &= ~(0xffUL << (8 * i));
    v |= cfg << (8 * i);
    write_csr(pmpcfg0, v);
    __asm__ volatile("sfence.vma" ::: "memory");
}

static void expect(long (*fn)(long), unsigned long a, unsigned long cause)
{
    trap_reset();
    m_trap_expected = 1;
    goto_mode(PRV_S, fn, a);
    m_trap_expected = 0;
    if (cause) {
        CHECK_EQ(m_trap.count, 1);
        CHECK_EQ(m_trap.cause, cause);
        CHECK_EQ(m_trap.tval, a);
    } else {
        CHECK_EQ(m_trap.count, 0);
    }
}

int main(void)
{
    unsigned long r0 = (uintptr_t)region[0];
    unsigned long r1 = (uintptr_t)region[1];
    unsigned long r2 = (uintptr_t)region[2];

    /* TOR: [r0, r1) read-only for S. */
    write_csr(pmpaddr0, r0 >> 2);
    write_csr(pmpaddr1, r1 >> 2);
    set_cfg(0, 0);
    set_cfg(1, PMP_TOR | PMP_R);
    CHECK_EQ(read_csr(pmpaddr1), r1 >> 2);
    region[0][5] = 5;
    expect(s_load, r0 + 40, 0);
    expect(s_store, r0 + 40, CAUSE_STORE_ACCESS);
    expect(s_store, r0 + 4088, CAUSE_STORE_ACCESS);
    expect(s_store, r1, 0);
    CHECK_EQ(region[1][0], 0x77);
    expect(s_fetch, r0, CAUSE_FETCH_ACCESS);
    pass("pmp tor");

    /* NA4: one 4-byte word with no permissions. */
    write_csr(pmpaddr2, (r1 + 64) >> 2);
    set_cfg(2, PMP_NA4);
    expect(s_load, r1 + 64, CAUSE_LOAD_ACCESS);
    expect(s_load, r1 + 72, 0);
    /* A doubleword straddling into the NA4 word fails as a whole. */
    expect(s_load, r1 + 60, CAUSE_LOAD_ACCESS);
    pass("pmp na4");

    /* NAPOT: the 4 KiB page r2, RW but not X. */
    write_csr(pmpaddr3, (r2 >> 2) | ((4096 >> 3) - 1));
    set_cfg(3, PMP_NAPOT | PMP_R | PMP_W);
    *(volatile uint32_t *)r2 = 0x00008067;      /* ret */
    expect(s_load, r2, 0);
    expect(s_store, r2 + 8, 0);
    expect(s_fetch, r2, CAUSE_FETCH_ACCESS);
    set_cfg(3, PMP_NAPOT | PMP_R | PMP_X);
    __asm__ volatile("fence.i" ::: "memory");
    expect(s_fetch, r2, 0);
    expect(s_store, r2 + 8, CAUSE_STORE_ACCESS);
    pass("pmp napot");

    /* M-mode ignores unlocked entries... */
    region[0][1] = 1;
    CHECK_EQ(region[0][1], 1);
    /* ...but is bound by locked ones, which also cannot be changed.  The
     * lowest-numbered matching entry decides, so drop entries 0-3. */
    set_cfg(1, 0);
    set_cfg(2, 0);
    set_cfg(3, 0);
    write_csr(pmpaddr4, (r0 >> 2) | ((4096 >> 3) - 1));
    set_cfg(4, PMP_NAPOT | PMP_R | PMP_L);
    trap_reset();
    m_trap_expected = 1;
    region[0][2] = 2;
    m_trap_expected = 0;
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_STORE_ACCESS);
    CHECK_EQ(m_trap.tval, (uintptr_t)&region[0][2]);
    write_csr(pmpaddr4, 0);
    CHECK_EQ(read_csr(pmpaddr4), (r0 >> 2) | ((4096 >> 3) - 1));
    set_cfg(4, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    CHECK_EQ((read_csr(pmpcfg0) >> 32) & 0xff, PMP_NAPOT | PMP_R | PMP_L);
    CHECK_EQ(region[0][5], 5);
    pass("pmp lock");
    return 0;
}
