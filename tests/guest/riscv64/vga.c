/* SPDX-License-Identifier: MIT */
/*
 * Standard VGA (-device VGA) on the riscv64 virt board: BARs assigned
 * by hand in the PCI MMIO window, then the screens of
 * tests/guest/common/vga-test.h (test_vga.py compares them).
 */
#include "lib.h"

#define ECAM_BASE       0x30000000UL
#define BAR0_ADDR       0x40000000UL
#define BAR2_ADDR       0x41000000UL

static int uart_getc(void)
{
    if (mmio_read8(UART_BASE + 5) & 1) {
        return mmio_read8(UART_BASE);
    }
    return -1;
}

#include "../common/vga-test.h"

int main(void)
{
    rt_exit(vga_test());
}
