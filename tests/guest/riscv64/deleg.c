/* SPDX-License-Identifier: MIT */
/* medeleg/mideleg: exceptions and interrupts delegated to S-mode. */
#include "lib.h"

static long u_ecall(long arg)
{
    register long a7 __asm__("a7") = 0;

    __asm__ volatile("ecall" : "+r"(a7) :: "memory");
    return arg;
}

static long u_illegal(long arg)
{
    __asm__ volatile("csrr t0, sstatus" ::: "t0");
    return arg;
}

/* Runs in S-mode: call fn in U-mode by sret, come back by ecall. */
static long s_run_u(long arg)
{
    long (*fn)(long) = (long (*)(long))arg;

    clear_csr(sstatus, MSTATUS_SPP);
    write_csr(sepc, (unsigned long)fn);
    __asm__ volatile("la ra, mode_exit_stub\n sret" ::: "ra", "memory");
    return 0;
}

static volatile unsigned long s_irqs;

static void s_irq(unsigned long cause)
{
    s_irqs++;
    CHECK_EQ(cause, 1);
    clear_csr(sip, 1UL << 1);
}

static long s_soft_irq(long arg)
{
    set_csr(sie, 1UL << 1);
    set_csr(sstatus, MSTATUS_SIE);
    set_csr(sip, 1UL << 1);
    for (int i = 0; i < 1000 && !s_irqs; i++) {
        __asm__ volatile("nop");
    }
    clear_csr(sstatus, MSTATUS_SIE);
    return arg;
}

int main(void)
{
    s_trap_install();

    /* Illegal instruction from U delegated: S sees scause 2 and stval,
     * M sees nothing. */
    write_csr(medeleg, (1UL << CAUSE_ECALL_U) | (1UL << CAUSE_ILLEGAL));
    CHECK_EQ(read_csr(medeleg) & (1UL << CAUSE_ECALL_U),
             1UL << CAUSE_ECALL_U);
    trap_reset();
    s_trap_expected = 1;
    /* The exit ecall from U must reach M: do not delegate ecall-U. */
    write_csr(medeleg, 1UL << CAUSE_ILLEGAL);
    goto_mode(PRV_U, u_illegal, 0);
    CHECK_EQ(s_trap.count, 1);
    CHECK_EQ(s_trap.cause, CAUSE_ILLEGAL);
    printf("delegated illegal stval: 0x%lx\n", s_trap.tval);
    CHECK_EQ(m_trap.count, 0);
    /* sstatus.SPP records the previous mode (U = 0). */
    CHECK_EQ(read_csr(mstatus) & MSTATUS_SPP, 0);
    pass("deleg illegal from U");

    /* Not delegated: ecall from U goes to M. */
    trap_reset();
    m_trap_expected = 1;
    write_csr(medeleg, 0);
    goto_mode(PRV_U, u_ecall, 0);
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_ECALL_U);
    CHECK_EQ(s_trap.count, 0);
    m_trap_expected = 0;
    pass("deleg ecall not delegated");

    /* S-mode enters U by sret; U's illegal instruction is delegated to
     * S, U's final (exit) ecall is not and reaches M. */
    write_csr(medeleg, 1UL << CAUSE_ILLEGAL);
    trap_reset();
    goto_mode(PRV_S, s_run_u, (long)u_illegal);
    CHECK_EQ(s_trap.count, 1);
    CHECK_EQ(s_trap.cause, CAUSE_ILLEGAL);
    s_trap_expected = 0;
    write_csr(medeleg, 0);
    pass("deleg U from S");

    /* Software interrupt delegated to S, raised by S itself. */
    write_csr(mideleg, 1UL << 1);
    CHECK_EQ(read_csr(mideleg) & 2, 2);
    s_irq_handler = s_irq;
    s_irqs = 0;
    goto_mode(PRV_S, s_soft_irq, 0);
    CHECK_EQ(s_irqs, 1);
    /* Delegated interrupts never trap M-mode while it runs. */
    set_csr(mip, 1UL << 1);
    set_csr(mie, 1UL << 1);
    set_csr(mstatus, MSTATUS_MIE);
    __asm__ volatile("nop\n nop");
    clear_csr(mstatus, MSTATUS_MIE);
    clear_csr(mip, 1UL << 1);
    CHECK_EQ(s_irqs, 1);
    pass("deleg software interrupt to S");
    return 0;
}
