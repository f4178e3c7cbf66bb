/* SPDX-License-Identifier: MIT */
/* PL011 output and the default exception report for the tests. */
#include "lib.h"

#define UART_DR ((volatile uint32_t *)0x09000000)
#define UART_FR ((volatile uint32_t *)0x09000018)

void putc_(char c)
{
    while (*UART_FR & 0x20) {
        /* transmit FIFO full */
    }
    *UART_DR = (uint8_t)c;
}

void puts_(const char *s)
{
    while (*s) {
        putc_(*s++);
    }
}

void puthex(uint64_t v)
{
    puts_("0x");
    for (int i = 60; i >= 0; i -= 4) {
        putc_("0123456789abcdef"[(v >> i) & 15]);
    }
}

void show(const char *name, uint64_t v)
{
    puts_(name);
    puts_(" = ");
    puthex(v);
    putc_('\n');
}

void (*trap_hook)(uint64_t *frame);

void trap(uint64_t *frame)
{
    if (trap_hook) {
        trap_hook(frame);
        return;
    }
    show("unexpected exception, ESR", SYSREG_READ(esr_el1));
    show("ELR", SYSREG_READ(elr_el1));
    poweroff();
}
