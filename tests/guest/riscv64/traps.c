/* SPDX-License-Identifier: MIT */
/* Synchronous traps: ecall from U/S/M, illegal instruction (mtval),
 * breakpoint, jump-target alignment, access faults, CSR privilege. */
#include "lib.h"

/* An address with nothing behind it on the virt machine. */
#define UNMAPPED 0x0UL

static long do_ecall(long arg)
{
    register long a7 __asm__("a7") = 0;

    __asm__ volatile("ecall" : "+r"(a7) :: "memory");
    return arg;
}

static long read_mstatus(long arg)
{
    (void)read_csr(mstatus);
    return arg;
}

static void test_ecall(void)
{
    static const struct {
        int mode;
        unsigned long cause;
    } t[] = {
        { PRV_U, CAUSE_ECALL_U }, { PRV_S, CAUSE_ECALL_S },
        { PRV_M, CAUSE_ECALL_M },
    };

    for (unsigned i = 0; i < 3; i++) {
        trap_reset();
        m_trap_expected = 1;
        CHECK_EQ(goto_mode(t[i].mode, do_ecall, 42), 42);
        m_trap_expected = 0;
        CHECK_EQ(m_trap.count, 1);
        CHECK_EQ(m_trap.cause, t[i].cause);
        CHECK_EQ(m_trap.tval, 0);
        /* mepc points at the ecall itself. */
        CHECK_EQ(*(volatile uint32_t *)m_trap.epc, 0x00000073);
    }
    pass("traps ecall U/S/M");
}

static void test_illegal(void)
{
    trap_reset();
    m_trap_expected = 1;
    __asm__ volatile(".4byte 0xffffffff");
    CHECK_EQ(m_trap.cause, CAUSE_ILLEGAL);
    printf("illegal mtval: 0x%lx\n", m_trap.tval);
    CHECK(m_trap.tval == 0xffffffffUL || m_trap.tval == 0);
    /* A reserved major opcode (custom-0 is unimplemented here). */
    trap_reset();
    __asm__ volatile(".4byte 0x0000000b");
    CHECK_EQ(m_trap.cause, CAUSE_ILLEGAL);
    CHECK(m_trap.tval == 0x0bUL || m_trap.tval == 0);
    /* Writing a read-only CSR (mvendorid) is illegal. */
    trap_reset();
    __asm__ volatile("csrw mvendorid, %0" :: "r"(1UL));
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_ILLEGAL);
    /* M-mode CSRs from lower modes. */
    trap_reset();
    goto_mode(PRV_S, read_mstatus, 0);
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_ILLEGAL);
    trap_reset();
    goto_mode(PRV_U, read_mstatus, 0);
    CHECK_EQ(m_trap.cause, CAUSE_ILLEGAL);
    m_trap_expected = 0;
    pass("traps illegal instruction");
}

static void test_breakpoint(void)
{
    trap_reset();
    m_trap_expected = 1;
    __asm__ volatile(".4byte 0x00100073");    /* 32-bit ebreak */
    m_trap_expected = 0;
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_BREAKPOINT);
    CHECK(m_trap.tval == m_trap.epc || m_trap.tval == 0);
    CHECK_EQ(*(volatile uint32_t *)m_trap.epc, 0x00100073);
    pass("traps breakpoint");
}

static void test_jump_align(void)
{
    unsigned long r;

    /* jalr clears bit 0 of the target, and with C, 2-byte targets are
     * aligned: neither traps. */
    __asm__ volatile("la t0, 1f\n addi t0, t0, 1\n li %0, 0\n jalr x0, 0(t0)\n"
                     "li %0, 99\n"
                     ".balign 4\n1: addi %0, %0, 1\n"
                     : "=&r"(r) :: "t0");
    CHECK_EQ(r, 1);
    __asm__ volatile(".option push\n .option rvc\n"
                     "li %0, 0\n la t0, 1f\n jalr x0, 0(t0)\n"
                     "li %0, 99\n .balign 4\n c.nop\n"
                     "1: c.addi %0, 2\n .option pop\n"
                     : "=&r"(r) :: "t0");
    CHECK_EQ(r, 2);
    pass("traps jump alignment");
}

static void test_access_fault(void)
{
    unsigned long r = 0;
    void (*fn)(void) = (void (*)(void))0x00800000UL;

    trap_reset();
    m_trap_expected = 1;
    __asm__ volatile("ld %0, 0(%1)" : "+r"(r) : "r"(UNMAPPED) : "memory");
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_LOAD_ACCESS);
    CHECK_EQ(m_trap.tval, UNMAPPED);
    trap_reset();
    __asm__ volatile("sw %0, 8(%1)" :: "r"(r), "r"(UNMAPPED) : "memory");
    CHECK_EQ(m_trap.cause, CAUSE_STORE_ACCESS);
    CHECK_EQ(m_trap.tval, UNMAPPED + 8);
    /* Fetch from a hole: instruction access fault, resume at ra. */
    trap_reset();
    __asm__ volatile("" : "+r"(fn));
    fn();
    m_trap_expected = 0;
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_FETCH_ACCESS);
    CHECK_EQ(m_trap.tval, 0x00800000UL);
    CHECK_EQ(m_trap.epc, 0x00800000UL);
    pass("traps access fault");
}

static void test_mret_state(void)
{
    /* mret restores MIE from MPIE and sets MPIE; MPP becomes U (or M). */
    unsigned long st;

    clear_csr(mstatus, MSTATUS_MIE);
    set_csr(mstatus, 1UL << 7);
    __asm__ volatile("la t0, 1f\n csrw mepc, t0\n li t0, 0x1800\n"
                     "csrs mstatus, t0\n mret\n 1:" ::: "t0", "memory");
    st = read_csr(mstatus);
    clear_csr(mstatus, MSTATUS_MIE);
    CHECK(st & MSTATUS_MIE);
    CHECK(st & (1UL << 7));
    CHECK_EQ(st & MSTATUS_MPP, 0);
    pass("traps mret state");
}

int main(void)
{
    test_ecall();
    test_illegal();
    test_breakpoint();
    test_jump_align();
    test_access_fault();
    test_mret_state();
    return 0;
}
