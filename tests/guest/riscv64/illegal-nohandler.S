/* SPDX-License-Identifier: MIT */
/* Illegal instruction with mtvec = 0: the hart traps to address 0, which
 * has nothing behind it, and keeps taking instruction access faults.  The
 * emulator must stay alive and responsive (the test quits it). */
    .section .text.init
    .globl _start
_start:
    la sp, _stack_top
    la a0, msg
    call puts_
    csrw mtvec, zero
    .4byte 0xffffffff
1:  j 1b

    .section .rodata
msg: .asciz "about to fault\n"
