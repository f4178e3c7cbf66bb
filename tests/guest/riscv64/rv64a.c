/* SPDX-License-Identifier: MIT */
/* RV64A: LR/SC success and failure, every AMO in .w and .d forms. */
#include "lib.h"

static volatile uint64_t cell[2] __attribute__((aligned(16)));

#define AMO(insn, addr, v) ({ unsigned long __r; \
    __asm__ volatile(insn " %0, %2, (%1)" : "=r"(__r) \
                     : "r"(addr), "r"((unsigned long)(v)) : "memory"); __r; })

static void amo_d(void)
{
    volatile uint64_t *p = &cell[0];

    *p = 10;
    CHECK_EQ(AMO("amoswap.d", p, 20), 10);
    CHECK_EQ(*p, 20);
    CHECK_EQ(AMO("amoadd.d", p, -25L), 20);
    CHECK_EQ(*p, -5UL);
    CHECK_EQ(AMO("amoxor.d", p, 0xff), -5UL);
    CHECK_EQ(*p, -5UL ^ 0xff);
    *p = 0xf0f0;
    CHECK_EQ(AMO("amoand.d", p, 0xff00), 0xf0f0);
    CHECK_EQ(*p, 0xf000);
    CHECK_EQ(AMO("amoor.d", p, 0x0f), 0xf000);
    CHECK_EQ(*p, 0xf00f);
    *p = -3UL;
    CHECK_EQ(AMO("amomin.d", p, 2), -3UL);
    CHECK_EQ(*p, -3UL);
    CHECK_EQ(AMO("amomax.d", p, 2), -3UL);
    CHECK_EQ(*p, 2);
    CHECK_EQ(AMO("amominu.d", p, -1UL), 2);
    CHECK_EQ(*p, 2);
    CHECK_EQ(AMO("amomaxu.d", p, -1UL), 2);
    CHECK_EQ(*p, -1UL);
    /* rd = x0 still performs the store. */
    __asm__ volatile("amoadd.d.aqrl x0, %1, (%0)" :: "r"(p), "r"(1UL)
                     : "memory");
    CHECK_EQ(*p, 0);
    pass("rv64a amo.d");
}

static void amo_w(void)
{
    volatile uint32_t *p = (volatile uint32_t *)&cell[0];

    cell[0] = 0x1111111100000000UL;
    /* .w results are sign-extended; the upper word is untouched. */
    CHECK_EQ(AMO("amoswap.w", p, 0x80000000UL), 0);
    CHECK_EQ(cell[0], 0x1111111180000000UL);
    CHECK_EQ(AMO("amoadd.w", p, 0x80000000UL), 0xffffffff80000000UL);
    CHECK_EQ(cell[0], 0x1111111100000000UL);
    CHECK_EQ(AMO("amoxor.w", p, 0xffffffffUL), 0);
    CHECK_EQ(cell[0], 0x11111111ffffffffUL);
    CHECK_EQ(AMO("amoand.w", p, 0x0000ff00UL), -1UL);
    CHECK_EQ(cell[0], 0x111111110000ff00UL);
    CHECK_EQ(AMO("amoor.w", p, 0x80000000UL), 0xff00);
    CHECK_EQ(cell[0], 0x111111118000ff00UL);
    /* Signed min/max compare the 32-bit values as signed. */
    CHECK_EQ(AMO("amomin.w", p, 1), 0xffffffff8000ff00UL);
    CHECK_EQ(cell[0], 0x111111118000ff00UL);
    CHECK_EQ(AMO("amomax.w", p, 1), 0xffffffff8000ff00UL);
    CHECK_EQ(cell[0], 0x1111111100000001UL);
    CHECK_EQ(AMO("amominu.w", p, 0xfffffffeUL), 1);
    CHECK_EQ(cell[0], 0x1111111100000001UL);
    CHECK_EQ(AMO("amomaxu.w", p, 0xfffffffeUL), 1);
    CHECK_EQ(cell[0], 0x11111111fffffffeUL);
    /* The upper half of a .w AMO. */
    CHECK_EQ(AMO("amoadd.w", p + 1, 1), 0x11111111);
    CHECK_EQ(cell[0], 0x11111112fffffffeUL);
    pass("rv64a amo.w");
}

static void lrsc(void)
{
    volatile uint64_t *p = &cell[0];
    unsigned long v, fail;

    *p = 5;
    __asm__ volatile("lr.d %0, (%2)\n sc.d %1, %3, (%2)"
                     : "=&r"(v), "=&r"(fail) : "r"(p), "r"(6UL) : "memory");
    CHECK_EQ(v, 5);
    CHECK_EQ(fail, 0);
    CHECK_EQ(*p, 6);
    /* SC without a reservation fails and does not write.  The previous
     * SC consumed the reservation. */
    __asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(fail) : "r"(p), "r"(7UL)
                     : "memory");
    CHECK(fail != 0);
    CHECK_EQ(*p, 6);
    /* A store in between clears a reservation only on other harts, but an
     * SC to a different address than the LR must fail. */
    __asm__ volatile("lr.d %0, (%2)\n sc.d %1, %3, (%4)"
                     : "=&r"(v), "=&r"(fail)
                     : "r"(p), "r"(8UL), "r"(&cell[1]) : "memory");
    CHECK(fail != 0);
    CHECK_EQ(cell[1], 0);
    /* lr.w sign-extends. */
    cell[0] = 0x80000000UL;
    __asm__ volatile("lr.w.aq %0, (%2)\n sc.w.rl %1, %3, (%2)"
                     : "=&r"(v), "=&r"(fail) : "r"(p), "r"(9UL) : "memory");
    CHECK_EQ(v, 0xffffffff80000000UL);
    CHECK_EQ(fail, 0);
    CHECK_EQ(cell[0], 9);
    /* A retry loop: atomic increment. */
    for (int i = 0; i < 100; i++) {
        __asm__ volatile("1: lr.d %0, (%1)\n addi %0, %0, 1\n"
                         " sc.d %0, %0, (%1)\n bnez %0, 1b"
                         : "=&r"(v) : "r"(p) : "memory");
    }
    CHECK_EQ(cell[0], 109);
    pass("rv64a lr/sc");
}

static void misaligned_amo(void)
{
    unsigned long r = 0;

    /* AMOs must be naturally aligned: store/AMO misaligned or access
     * fault (cause 6 or 7). */
    trap_reset();
    m_trap_expected = 1;
    __asm__ volatile("amoadd.w %0, %2, (%1)" : "+r"(r)
                     : "r"((uintptr_t)&cell[0] + 2), "r"(1UL) : "memory");
    m_trap_expected = 0;
    CHECK_EQ(m_trap.count, 1);
    /* QEMU (7.2 and 10.0) reports a load misaligned (4); the spec says
     * 6.  Accept both and print nothing, so the differential test does
     * not insist on QEMU's choice. */
    CHECK(m_trap.cause == CAUSE_MISALIGNED_LOAD ||
          m_trap.cause == CAUSE_MISALIGNED_STORE ||
          m_trap.cause == CAUSE_STORE_ACCESS);
    pass("rv64a misaligned");
}

int main(void)
{
    amo_d();
    amo_w();
    lrsc();
    misaligned_amo();
    return 0;
}
