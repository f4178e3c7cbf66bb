/* SPDX-License-Identifier: MIT */
/*
 * The -smp 1 vs -smp 2 parallel workload (smp-common.h) for riscv64
 * guests: every hart below SMP_NCPU takes chunks with an AMOADD; hart 0
 * then prints "cpus N" and the checksum (the same line as smp-aarch64.c).
 * Own _start: every hart runs (-bios none starts them all here).
 */
#include "lib.h"
#include "smp-common.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

/* The start-up below shifts the hart number by 13. */
_Static_assert(SMP_STACK == 1 << 13, "_start assumes 8 KiB stacks");

__asm__(
    "    .section .text.init\n"
    "    .globl _start\n"
    "_start:\n"
    "    csrr a0, mhartid\n"
    "    li t0, " STR(SMP_NCPU) "\n"
    "    bgeu a0, t0, 2f\n"
    "    la sp, smp_stacks\n"
    "    addi t0, a0, 1\n"
    "    slli t0, t0, 13\n"             /* hart h: top of smp_stacks[h] */
    "    add sp, sp, t0\n"
    "    call hart_main\n"
    "2:  wfi\n"
    "    j 2b\n"
    "    .text\n");

void __attribute__((noreturn)) hart_main(unsigned long hartid)
{
    uint64_t sum;
    unsigned harts;

    smp_work(hartid);
    if (hartid != 0) {
        for (;;) {
            __asm__ volatile("wfi");
        }
    }
    sum = smp_finish(&harts);
    printf_("smp cpus %u result 0x%016lx\n", harts, (unsigned long)sum);
    rt_exit(0);
}
