/* SPDX-License-Identifier: MIT */
/* Jump to unmapped memory; the handler reports mcause/mtval and exits. */
    .section .text.init
    .globl _start
_start:
    la sp, _stack_top
    la t0, handler
    csrw mtvec, t0
    li t0, 0x00800000           /* a hole in the virt memory map */
    jr t0

    .balign 4
handler:
    la a0, msg
    call puts_
    csrr a0, mcause
    addi a0, a0, '0'
    call uart_putc
    la a0, msg2
    call puts_
    csrr a0, mtval
    srli a0, a0, 20             /* 0x800000 >> 20 = 8 */
    addi a0, a0, '0'
    call uart_putc
    li a0, '\n'
    call uart_putc
    li a0, 0
    call rt_exit

    .section .rodata
msg:  .asciz "mcause="
msg2: .asciz " mtval>>20="
