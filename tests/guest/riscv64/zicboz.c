/* SPDX-License-Identifier: MIT */
/* Zicboz cbo.zero (64-byte blocks on virt) and Zicbom no-op forms. */
#include "lib.h"

static volatile uint8_t buf[256] __attribute__((aligned(64)));

static long s_cbo_zero(long a)
{
    __asm__ volatile("cbo.zero (%0)" :: "r"(a) : "memory");
    return 0;
}

int main(void)
{
    memset((void *)buf, 0xaa, sizeof(buf));
    /* QEMU before 8.0 lacks Zicboz: report a skip rather than fail. */
    trap_reset();
    m_trap_expected = 1;
    __asm__ volatile("cbo.zero (%0)" :: "r"(&buf[0]) : "memory");
    m_trap_expected = 0;
    if (m_trap.count) {
        printf("SKIP: zicboz (cbo.zero is an illegal instruction)\n");
        return 0;
    }
    memset((void *)buf, 0xaa, sizeof(buf));
    /* Any address inside the block zeroes the whole aligned block. */
    __asm__ volatile("cbo.zero (%0)" :: "r"(&buf[64 + 5]) : "memory");
    for (int i = 0; i < 256; i++) {
        CHECK_EQ(buf[i], (i >= 64 && i < 128) ? 0 : 0xaa);
    }
    __asm__ volatile("cbo.clean (%0)\n cbo.flush (%0)\n cbo.inval (%0)"
                     :: "r"(buf) : "memory");
    CHECK_EQ(buf[0], 0xaa);
    pass("zicboz m-mode");

    /* From S-mode, menvcfg.CBZE gates it. */
    write_csr(0x30a, 0);
    trap_reset();
    m_trap_expected = 1;
    goto_mode(PRV_S, s_cbo_zero, (long)&buf[0]);
    m_trap_expected = 0;
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_ILLEGAL);
    CHECK_EQ(buf[0], 0xaa);
    write_csr(0x30a, 1UL << 7);         /* menvcfg.CBZE */
    goto_mode(PRV_S, s_cbo_zero, (long)&buf[128]);
    CHECK_EQ(buf[128], 0);
    CHECK_EQ(buf[191], 0);
    CHECK_EQ(buf[192], 0xaa);
    pass("zicboz menvcfg");
    return 0;
}
