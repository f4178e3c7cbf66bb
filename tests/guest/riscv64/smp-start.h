/* SPDX-License-Identifier: MIT */
/*
 * Start-up shared by the multi-hart bare-metal guests (-bios none: every
 * hart enters _start at once).  Hart 0 runs on the linker's stack, harts
 * 1..3 on the top of stacks[h - 1], harts 4 and up park in WFI; each calls
 * hart_main(mhartid).  Include once, from the test's .c file.
 */
#ifndef SMP_START_H
#define SMP_START_H

#include "lib.h"

#define SMP_HARTS 4

/* In .data: nothing clears .bss here (other harts' stacks live there). */
#define SHARED __attribute__((section(".data")))

/* The RAM of a fresh machine is zero. */
uint8_t stacks[SMP_HARTS][8192] __attribute__((aligned(16)));

void hart_main(unsigned long hartid);

__asm__(
    "    .section .text.init\n"
    "    .globl _start\n"
    "_start:\n"
    "    csrr a0, mhartid\n"
    "    li t0, 4\n"
    "    bgeu a0, t0, 2f\n"
    "    la sp, _stack_top\n"
    "    beqz a0, 1f\n"
    "    la sp, stacks\n"
    "    addi t0, a0, 0\n"
    "    slli t0, t0, 13\n"             /* hart h: top of stacks[h - 1] */
    "    add sp, sp, t0\n"
    "1:  call hart_main\n"
    "2:  wfi\n"
    "    j 2b\n"
    "    .text\n");

static inline void amoadd_d(volatile uint64_t *p, uint64_t v)
{
    __asm__ volatile("amoadd.d zero, %1, (%0)" : : "r"(p), "r"(v)
                     : "memory");
}

#endif
