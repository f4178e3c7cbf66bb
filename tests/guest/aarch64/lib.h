/* SPDX-License-Identifier: MIT */
/* Tiny runtime for the bare-metal AArch64 tests. */
#ifndef LIB_H
#define LIB_H

#include <stdint.h>

void putc_(char c);
void puts_(const char *s);
void puthex(uint64_t v);
/* Print "name = value\n". */
void show(const char *name, uint64_t v);
void poweroff(void) __attribute__((noreturn));

/* Called by the vectors with x0-x19, x29, x30 saved at frame. */
void trap(uint64_t *frame);
/* Set by a test: what trap() does (default: report and skip). */
extern void (*trap_hook)(uint64_t *frame);

#define SYSREG_READ(name) ({                                    \
    uint64_t v_;                                                \
    __asm__ volatile("mrs %0, " #name : "=r"(v_));              \
    v_; })
#define SYSREG_WRITE(name, v) \
    __asm__ volatile("msr " #name ", %0" : : "r"((uint64_t)(v)))

#endif
