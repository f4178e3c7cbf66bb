/* SPDX-License-Identifier: MIT */
/* NS16550A UART core: register file, FIFOs and interrupt logic, no bus. */
#ifndef HW_CHAR_UART16550_H
#define HW_CHAR_UART16550_H

#include "machina/common.h"
#include "machina/chardev.h"
#include "machina/irq.h"

#define UART16550_FIFO_SIZE 16

/* Register offsets (in register units, before reg-shift). */
enum {
    UART_RBR = 0,   /* read, DLAB=0: receive buffer */
    UART_THR = 0,   /* write, DLAB=0: transmit holding */
    UART_DLL = 0,   /* DLAB=1: divisor latch low */
    UART_IER = 1,   /* DLAB=0: interrupt enable */
    UART_DLM = 1,   /* DLAB=1: divisor latch high */
    UART_IIR = 2,   /* read: interrupt identification */
    UART_FCR = 2,   /* write: FIFO control */
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define UART_IER_RDI    0x01    /* received data available */
#define UART_IER_THRI   0x02    /* THR empty */
#define UART_IER_RLSI   0x04    /* receiver line status */
#define UART_IER_MSI    0x08    /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00
#define UART_IIR_THRI   0x02
#define UART_IIR_RDI    0x04
#define UART_IIR_RLSI   0x06
#define UART_IIR_CTI    0x0c    /* character timeout */
#define UART_IIR_FIFO   0xc0    /* FIFOs enabled */

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLR_RX 0x02
#define UART_FCR_CLR_TX 0x04

#define UART_LCR_DLAB   0x80

#define UART_MCR_DTR    0x01
#define UART_MCR_RTS    0x02
#define UART_MCR_OUT1   0x04
#define UART_MCR_OUT2   0x08
#define UART_MCR_LOOP   0x10

#define UART_LSR_DR     0x01
#define UART_LSR_OE     0x02
#define UART_LSR_PE     0x04
#define UART_LSR_FE     0x08
#define UART_LSR_BI     0x10
#define UART_LSR_THRE   0x20
#define UART_LSR_TEMT   0x40
#define UART_LSR_ERRS   (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS   0x01
#define UART_MSR_DDSR   0x02
#define UART_MSR_TERI   0x04
#define UART_MSR_DDCD   0x08
#define UART_MSR_DELTAS 0x0f
#define UART_MSR_CTS    0x10
#define UART_MSR_DSR    0x20
#define UART_MSR_RI     0x40
#define UART_MSR_DCD    0x80

typedef struct Uart16550 {
    /* Wiring (set before uart16550_init). */
    Chardev *chr;
    IRQLine *irq;
    /* Registers. */
    uint16_t divisor;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    bool thr_ipending;          /* THR-empty interrupt latched */
    int irq_level;              /* last level driven on irq */
    /* Receive FIFO (a 1-byte holding register when FIFOs are off). */
    uint8_t rx_fifo[UART16550_FIFO_SIZE];
    unsigned rx_head, rx_count;
} Uart16550;

/* Attach to s->chr (if any) as its front end and reset. */
void uart16550_init(Uart16550 *s);
void uart16550_reset(Uart16550 *s);
/* reg is 0..7; higher bits are ignored by the caller's decode. */
uint8_t uart16550_read(Uart16550 *s, unsigned reg);
void uart16550_write(Uart16550 *s, unsigned reg, uint8_t val);
/* Chardev front-end callbacks (exported for tests). */
int uart16550_can_receive(void *opaque);
void uart16550_receive(void *opaque, const uint8_t *buf, int len);

#endif
