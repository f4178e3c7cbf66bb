/* SPDX-License-Identifier: MIT */
/* Start-up: stack, exception vectors, FP on, main(), PSCI SYSTEM_OFF. */
    .section .text.start, "ax"
    .global _start
_start:
    ldr x1, =stack_top
    mov sp, x1
    ldr x1, =vectors
    msr vbar_el1, x1
    mov x1, #(3 << 20)              /* CPACR_EL1.FPEN: FP/SIMD on */
    msr cpacr_el1, x1
    isb
    bl main
    .global poweroff
poweroff:
    movz w0, #0x0008
    movk w0, #0x8400, lsl #16       /* PSCI SYSTEM_OFF */
    hvc #0
1:  b 1b

/* Every vector saves x0-x30 and calls trap(frame); x0 returns to ELR. */
    .macro vec
    .balign 0x80
    b trap_entry
    .endm

    .text
    .balign 0x800
    .global vectors
vectors:
    .rept 16
    vec
    .endr

trap_entry:
    sub sp, sp, #256
    stp x0, x1, [sp, #0]
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x29, x30, [sp, #160]
    mov x0, sp
    bl trap
    ldp x0, x1, [sp, #0]
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x29, x30, [sp, #160]
    add sp, sp, #256
    eret
