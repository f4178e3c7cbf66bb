/* SPDX-License-Identifier: MIT */
/* C extension: each compressed form, written explicitly in assembly. */
#include "lib.h"

static volatile uint64_t buf[4] __attribute__((aligned(8)));

int main(void)
{
    unsigned long r, s;

    /* CI/CR arithmetic on a0..a5 (the CL/CS register window). */
    __asm__ volatile(
        ".option push\n .option rvc\n"
        "c.li a0, -5\n c.addi a0, 3\n c.slli a0, 4\n c.srai a0, 1\n"
        "c.mv a1, a0\n c.add a1, a0\n c.li a2, 7\n c.and a2, a1\n"
        "c.andi a2, -1\n c.or a2, a0\n c.xor a2, a1\n c.sub a2, a0\n"
        "c.lui a3, 0xfffff\n c.srli a3, 60\n"
        "c.li a4, -1\n c.addiw a4, 1\n c.li a5, 1\n c.slli a5, 31\n"
        "c.addw a5, a5\n"
        "mv %0, a2\n mv %1, a3\n"
        ".option pop\n"
        : "=r"(r), "=r"(s) : : "a0", "a1", "a2", "a3", "a4", "a5");
    /* a0 = ((-5+3)<<4)>>1 = -16, a1 = -32, a2 = ((7&-32)|-16)^-32)-(-16) */
    CHECK_EQ(r, ((((7UL & -32UL) | -16UL) ^ -32UL) + 16));
    CHECK_EQ(s, 0xf);
    __asm__ volatile(
        ".option push\n .option rvc\n"
        "c.li a0, 1\n c.slli a0, 31\n c.mv a1, a0\n c.addw a0, a1\n"
        "mv %0, a0\n c.li a2, 0\n c.subw a2, a1\n mv %1, a2\n"
        ".option pop\n"
        : "=r"(r), "=r"(s) : : "a0", "a1", "a2");
    CHECK_EQ(r, 0);
    CHECK_EQ(s, 0xffffffff80000000UL);
    pass("rvc arith");

    /* Loads and stores: CL/CS forms and the sp-relative forms. */
    buf[0] = 0x1122334455667788UL;
    __asm__ volatile(
        ".option push\n .option rvc\n"
        "mv a0, %2\n c.ld a1, 0(a0)\n c.sd a1, 8(a0)\n c.lw a2, 4(a0)\n"
        "c.sw a2, 16(a0)\n c.fld fa0, 0(a0)\n c.fsd fa0, 24(a0)\n"
        "mv %0, a2\n"
        "c.addi16sp sp, -32\n c.sdsp a1, 8(sp)\n c.ldsp a3, 8(sp)\n"
        "c.swsp a3, 16(sp)\n c.lwsp a4, 16(sp)\n c.fsdsp fa0, 24(sp)\n"
        "c.fldsp fa1, 24(sp)\n c.addi4spn a5, sp, 8\n c.ld a5, 0(a5)\n"
        "c.addi16sp sp, 32\n mv %1, a5\n"
        ".option pop\n"
        : "=r"(r), "=r"(s) : "r"(buf)
        : "a0", "a1", "a2", "a3", "a4", "a5", "fa0", "fa1", "memory");
    CHECK_EQ(buf[1], 0x1122334455667788UL);
    CHECK_EQ(r, 0x11223344);
    CHECK_EQ(buf[2] & 0xffffffffUL, 0x11223344);
    CHECK_EQ(buf[3], 0x1122334455667788UL);
    CHECK_EQ(s, 0x1122334455667788UL);
    pass("rvc loads/stores");

    /* Control flow: c.j, c.beqz, c.bnez, c.jr, c.jalr. */
    __asm__ volatile(
        ".option push\n .option rvc\n"
        "c.li a0, 0\n c.li a1, 0\n"
        "c.j 1f\n c.addi a0, 1\n"
        "1: c.beqz a1, 2f\n c.addi a0, 2\n"
        "2: c.bnez a1, 3f\n c.addi a0, 4\n"
        "3: la a2, 4f\n c.jr a2\n c.addi a0, 8\n"
        "4: la a2, 5f\n c.jalr a2\n c.addi a0, 16\n"
        "c.j 6f\n"
        "5: c.addi a0, 31\n c.jr ra\n"
        "6: mv %0, a0\n"
        ".option pop\n"
        : "=r"(r) : : "a0", "a1", "a2", "ra");
    CHECK_EQ(r, 4 + 16 + 31);
    pass("rvc jumps");

    /* c.ebreak traps with cause 3 and is 2 bytes long. */
    trap_reset();
    m_trap_expected = 1;
    __asm__ volatile(".option push\n .option rvc\n c.ebreak\n .option pop");
    m_trap_expected = 0;
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, CAUSE_BREAKPOINT);
    /* The all-zero halfword is a defined illegal instruction. */
    trap_reset();
    m_trap_expected = 1;
    __asm__ volatile(".2byte 0");
    m_trap_expected = 0;
    CHECK_EQ(m_trap.cause, CAUSE_ILLEGAL);
    pass("rvc ebreak/illegal");
    return 0;
}
