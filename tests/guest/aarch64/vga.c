/* SPDX-License-Identifier: MIT */
/*
 * Standard VGA (-device VGA) on the aarch64 virt board: the twin of
 * tests/guest/riscv64/vga.c (screens of tests/guest/common/vga-test.h,
 * compared by test_vga.py).  ECAM is the high one at 0x4010000000 (as
 * QEMU's virt with highmem); BARs go to the 32-bit PCI MMIO window.
 * Without the device (the plain guest-test run) it prints "no VGA" and
 * powers off.  The MMU is off, so every access is naturally aligned.
 */
#include <stdarg.h>
#include <stddef.h>
#include "lib.h"

#define UART_BASE       0x09000000UL
#define ECAM_BASE       0x4010000000UL
#define BAR0_ADDR       0x10000000UL
#define BAR2_ADDR       0x11000000UL

static inline uint8_t mmio_read8(unsigned long a)
{
    return *(volatile uint8_t *)a;
}

static inline void mmio_write8(unsigned long a, uint8_t v)
{
    *(volatile uint8_t *)a = v;
}

static inline uint32_t mmio_read32(unsigned long a)
{
    return *(volatile uint32_t *)a;
}

static inline void mmio_write32(unsigned long a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

static void put_num(unsigned long v, unsigned base)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n) {
        putc_(buf[--n]);
    }
}

/* The subset of printf the shared header uses: %s, %u, %x. */
static void vga_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc_(*fmt);
            continue;
        }
        switch (*++fmt) {
        case 's':
            puts_(va_arg(ap, const char *));
            break;
        case 'u':
            put_num(va_arg(ap, unsigned), 10);
            break;
        case 'x':
            put_num(va_arg(ap, unsigned), 16);
            break;
        default:
            putc_('%');
            putc_(*fmt);
            break;
        }
    }
    va_end(ap);
}
#define printf vga_printf

static void rt_exit(int code)
{
    (void)code;
    poweroff();
}

static int uart_getc(void)
{
    if (*(volatile uint32_t *)(UART_BASE + 0x18) & 0x10) {
        return -1;                          /* RXFE */
    }
    return (int)(*(volatile uint32_t *)UART_BASE & 0xff);
}

#include "../common/vga-test.h"

int main(void)
{
    vga_test();
    poweroff();
}
