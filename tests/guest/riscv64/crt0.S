/* SPDX-License-Identifier: MIT */
/* Start-up, M/S trap entries and privilege-mode switching for guest tests. */

#define FRAME_SIZE (32 * 8)
#define MODE_EXIT_MAGIC 0x4d414348

    .section .text.init
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, park
    la sp, _stack_top
    la t0, _trap_stack_top
    csrw mscratch, t0
    la t0, trap_entry
    csrw mtvec, t0
    /* The lowest-priority PMP entry grants S/U all memory, as firmware
     * does; tests use entries 0..14. */
    li t0, -1
    csrw pmpaddr15, t0
    li t0, (0x1f << 56)
    csrw pmpcfg2, t0
    li t0, (1 << 13)            /* mstatus.FS = Initial */
    csrs mstatus, t0
    csrwi fcsr, 0
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  call main
    call rt_exit
park:
    wfi
    j park

/* Save x1..x31 in a frame on the trap stack, call handler(frame). */
.macro SAVE_REGS scratch
    csrrw sp, \scratch, sp
    addi sp, sp, -FRAME_SIZE
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd x\n, (\n * 8)(sp)
    .endr
    csrr t0, \scratch
    sd t0, 16(sp)
.endm

.macro RESTORE_REGS scratch
    addi t0, sp, FRAME_SIZE
    csrw \scratch, t0
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld x\n, (\n * 8)(sp)
    .endr
    ld sp, 16(sp)
.endm

    .text
    .balign 4
    .globl trap_entry
trap_entry:
    SAVE_REGS mscratch
    mv a0, sp
    call m_trap_dispatch
    RESTORE_REGS mscratch
    mret

    .balign 4
    .globl s_trap_entry
s_trap_entry:
    SAVE_REGS sscratch
    mv a0, sp
    call s_trap_dispatch
    RESTORE_REGS sscratch
    sret

/* long goto_mode(int mode, long (*fn)(long), long arg): run fn(arg) in
 * privilege mode 0 (U), 1 (S) or 3 (M); fn returns through an ecall that
 * m_trap_dispatch turns into a jump to mode_return in M-mode. */
    .globl goto_mode
goto_mode:
    la t0, mode_ctx
    sd ra, 0(t0)
    sd sp, 8(t0)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    sd s\n, (16 + \n * 8)(t0)
    .endr
    li t1, (3 << 11)
    csrc mstatus, t1
    slli t2, a0, 11
    csrs mstatus, t2
    csrw mepc, a1
    mv a0, a2
    la ra, mode_exit_stub
    mret

    .globl mode_exit_stub
mode_exit_stub:
    li a7, MODE_EXIT_MAGIC
    ecall
1:  j 1b

    .globl mode_return
mode_return:
    la t0, mode_ctx
    ld ra, 0(t0)
    ld sp, 8(t0)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    ld s\n, (16 + \n * 8)(t0)
    .endr
    ret

    .bss
    .balign 8
mode_ctx:
    .space (14 * 8)
