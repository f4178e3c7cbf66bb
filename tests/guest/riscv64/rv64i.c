/* SPDX-License-Identifier: MIT */
/* RV64I: arithmetic, shifts, compares, branches, loads/stores, misaligned. */
#include "lib.h"

/* Keep the compiler from folding constants: values pass through asm. */
#define OPAQUE(x) ({ unsigned long __o = (x); \
    __asm__ volatile("" : "+r"(__o)); __o; })

static void test_arith(void)
{
    unsigned long a = OPAQUE(0x7fffffffffffffffUL), b = OPAQUE(1), r;

    __asm__ volatile("add %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    CHECK_EQ(r, 0x8000000000000000UL);
    __asm__ volatile("sub %0, %1, %2" : "=r"(r) : "r"(b), "r"(a));
    CHECK_EQ(r, 0x8000000000000002UL);
    /* W forms sign-extend their 32-bit result. */
    __asm__ volatile("addw %0, %1, %2" : "=r"(r)
                     : "r"(OPAQUE(0x7fffffff)), "r"(b));
    CHECK_EQ(r, 0xffffffff80000000UL);
    __asm__ volatile("addiw %0, %1, -1" : "=r"(r) : "r"(OPAQUE(0)));
    CHECK_EQ(r, -1UL);
    __asm__ volatile("subw %0, %1, %2" : "=r"(r)
                     : "r"(OPAQUE(0x100000000UL)), "r"(b));
    CHECK_EQ(r, -1UL);
    __asm__ volatile("lui %0, 0x80000" : "=r"(r));
    CHECK_EQ(r, 0xffffffff80000000UL);
    __asm__ volatile("1: auipc %0, 0\n la %1, 1b" : "=r"(r), "=r"(a));
    CHECK_EQ(r, a);
    __asm__ volatile("slli %0, %1, 63" : "=r"(r) : "r"(b));
    CHECK_EQ(r, 0x8000000000000000UL);
    __asm__ volatile("srai %0, %1, 63" : "=r"(r) : "r"(OPAQUE(1UL << 63)));
    CHECK_EQ(r, -1UL);
    __asm__ volatile("srli %0, %1, 63" : "=r"(r) : "r"(OPAQUE(1UL << 63)));
    CHECK_EQ(r, 1);
    /* Shift amounts use only the low 6 (or 5 for W) bits. */
    __asm__ volatile("sll %0, %1, %2" : "=r"(r) : "r"(b), "r"(OPAQUE(65)));
    CHECK_EQ(r, 2);
    __asm__ volatile("sllw %0, %1, %2" : "=r"(r) : "r"(b), "r"(OPAQUE(63)));
    CHECK_EQ(r, 0xffffffff80000000UL);
    __asm__ volatile("sraw %0, %1, %2" : "=r"(r)
                     : "r"(OPAQUE(0x80000000UL)), "r"(OPAQUE(4)));
    CHECK_EQ(r, 0xfffffffff8000000UL);
    __asm__ volatile("srlw %0, %1, %2" : "=r"(r)
                     : "r"(OPAQUE(0xffffffff80000000UL)), "r"(OPAQUE(4)));
    CHECK_EQ(r, 0x08000000UL);
    __asm__ volatile("sraiw %0, %1, 31" : "=r"(r)
                     : "r"(OPAQUE(0x80000000UL)));
    CHECK_EQ(r, -1UL);
    __asm__ volatile("slt %0, %1, %2" : "=r"(r) : "r"(OPAQUE(-1UL)), "r"(b));
    CHECK_EQ(r, 1);
    __asm__ volatile("sltu %0, %1, %2" : "=r"(r) : "r"(OPAQUE(-1UL)),
                     "r"(b));
    CHECK_EQ(r, 0);
    __asm__ volatile("sltiu %0, %1, -1" : "=r"(r) : "r"(OPAQUE(5)));
    CHECK_EQ(r, 1);
    __asm__ volatile("slti %0, %1, -1" : "=r"(r) : "r"(OPAQUE(5)));
    CHECK_EQ(r, 0);
    __asm__ volatile("xori %0, %1, -1" : "=r"(r) : "r"(OPAQUE(0x0f)));
    CHECK_EQ(r, ~0x0fUL);
    __asm__ volatile("andi %0, %1, -16" : "=r"(r) : "r"(OPAQUE(0x1234)));
    CHECK_EQ(r, 0x1230);
    __asm__ volatile("ori %0, %1, 0x7ff" : "=r"(r) : "r"(OPAQUE(0x1000)));
    CHECK_EQ(r, 0x17ff);
    /* x0 ignores writes. */
    __asm__ volatile("addi x0, x0, 5\n mv %0, x0" : "=r"(r));
    CHECK_EQ(r, 0);
    pass("rv64i arith");
}

static void test_branches(void)
{
    long n = 0;
    unsigned long m1 = OPAQUE(-1UL), one = OPAQUE(1);

    __asm__ volatile(
        "li %0, 0\n"
        "blt %1, %2, 1f\n addi %0, %0, 100\n"
        "1: bltu %2, %1, 2f\n addi %0, %0, 100\n"
        "2: bge %2, %1, 3f\n addi %0, %0, 100\n"
        "3: bgeu %1, %2, 4f\n addi %0, %0, 100\n"
        "4: bne %1, %2, 5f\n addi %0, %0, 100\n"
        "5: beq %1, %1, 6f\n addi %0, %0, 100\n"
        "6: beq %1, %2, 7f\n addi %0, %0, 1\n"
        "7: jal t0, 8f\n addi %0, %0, 100\n"
        "8: la t1, 9f\n jalr t2, 0(t1)\n addi %0, %0, 100\n"
        "9: la t1, 10f\n addi t1, t1, -4\n jalr x0, 4(t1)\n"
        " addi %0, %0, 100\n"
        "10:\n"
        : "=&r"(n) : "r"(m1), "r"(one) : "t0", "t1", "t2");
    CHECK_EQ(n, 1);
    pass("rv64i branches");
}

static volatile uint64_t mem[4];

static void test_loads_stores(void)
{
    volatile uint8_t *b = (volatile uint8_t *)mem;
    unsigned long r;

    mem[0] = 0x8182838485868788UL;
    __asm__ volatile("lb %0, 0(%1)" : "=r"(r) : "r"(b));
    CHECK_EQ(r, 0xffffffffffffff88UL);
    __asm__ volatile("lbu %0, 0(%1)" : "=r"(r) : "r"(b));
    CHECK_EQ(r, 0x88);
    __asm__ volatile("lh %0, 2(%1)" : "=r"(r) : "r"(b));
    CHECK_EQ(r, 0xffffffffffff8586UL);
    __asm__ volatile("lhu %0, 2(%1)" : "=r"(r) : "r"(b));
    CHECK_EQ(r, 0x8586);
    __asm__ volatile("lw %0, 4(%1)" : "=r"(r) : "r"(b));
    CHECK_EQ(r, 0xffffffff81828384UL);
    __asm__ volatile("lwu %0, 4(%1)" : "=r"(r) : "r"(b));
    CHECK_EQ(r, 0x81828384UL);
    __asm__ volatile("ld %0, 0(%1)" : "=r"(r) : "r"(b));
    CHECK_EQ(r, 0x8182838485868788UL);
    __asm__ volatile("sb %1, 8(%0)\n sh %1, 10(%0)\n sw %1, 12(%0)"
                     :: "r"(b), "r"(OPAQUE(0x1122334455667788UL))
                     : "memory");
    CHECK_EQ(mem[1], 0x5566778877880088UL);
    __asm__ volatile("sd %1, 16(%0)" :: "r"(b), "r"(OPAQUE(-2UL))
                     : "memory");
    CHECK_EQ(mem[2], -2UL);
    /* Negative offsets. */
    __asm__ volatile("ld %0, -8(%1)" : "=r"(r) : "r"(b + 16));
    CHECK_EQ(r, 0x5566778877880088UL);
    pass("rv64i loads/stores");
}

/* Misaligned accesses may be done by hardware or trap (cause 4/6);
 * print which, so the differential test compares it with QEMU. */
static void test_misaligned(void)
{
    volatile uint8_t *b = (volatile uint8_t *)mem;
    unsigned long r = 0;

    mem[0] = 0x0706050403020100UL;
    mem[1] = 0x0f0e0d0c0b0a0908UL;
    trap_reset();
    m_trap_expected = 1;
    __asm__ volatile("ld %0, 3(%1)" : "+r"(r) : "r"(b));
    if (m_trap.count) {
        CHECK_EQ(m_trap.cause, CAUSE_MISALIGNED_LOAD);
        CHECK_EQ(m_trap.tval, (unsigned long)(b + 3));
        printf("misaligned load: trapped\n");
    } else {
        CHECK_EQ(r, 0x0a09080706050403UL);
        printf("misaligned load: handled\n");
    }
    trap_reset();
    __asm__ volatile("sw %1, 1(%0)" :: "r"(b), "r"(OPAQUE(0xaabbccdd))
                     : "memory");
    if (m_trap.count) {
        CHECK_EQ(m_trap.cause, CAUSE_MISALIGNED_STORE);
        CHECK_EQ(m_trap.tval, (unsigned long)(b + 1));
        CHECK_EQ(mem[0], 0x0706050403020100UL);
        printf("misaligned store: trapped\n");
    } else {
        CHECK_EQ(mem[0], 0x070605aabbccdd00UL);
        printf("misaligned store: handled\n");
    }
    m_trap_expected = 0;
    pass("rv64i misaligned");
}

int main(void)
{
    test_arith();
    test_branches();
    test_loads_stores();
    test_misaligned();
    return 0;
}
