/* SPDX-License-Identifier: MIT */
/* ARM PrimeCell PL011 UART core: registers, receive FIFO, IRQ, no bus. */
#ifndef HW_CHAR_PL011_H
#define HW_CHAR_PL011_H

#include "machina/common.h"
#include "machina/chardev.h"
#include "machina/irq.h"

#define PL011_FIFO_SIZE 32

typedef struct PL011 {
    /* Wired by the attachment before pl011_init(). */
    Chardev *chr;
    IRQLine *irq;
    /* Registers (PL011 TRM DDI 0183, 3.3). */
    uint32_t rsr, ilpr, ibrd, fbrd, lcr, cr, ifls, imsc, ris, dmacr;
    uint8_t rx_fifo[PL011_FIFO_SIZE];
    uint32_t rx_head, rx_count;
} PL011;

void pl011_init(PL011 *s);
void pl011_reset(PL011 *s);
/* offset is the byte offset of a 32-bit register in the 4 KiB frame. */
uint32_t pl011_read(PL011 *s, uint32_t offset);
void pl011_write(PL011 *s, uint32_t offset, uint32_t val);

#endif
