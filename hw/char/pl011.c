/* SPDX-License-Identifier: MIT */
/*
 * ARM PrimeCell PL011 UART core (PL011 TRM, ARM DDI 0183G).  Transmit is
 * immediate (no TX FIFO timing); no modem lines, DMA or IrDA.
 */
#include "pl011.h"
#include "machina/log.h"
#include <string.h>

enum {
    PL011_DR = 0x000, PL011_RSR = 0x004, PL011_FR = 0x018,
    PL011_ILPR = 0x020, PL011_IBRD = 0x024, PL011_FBRD = 0x028,
    PL011_LCR_H = 0x02c, PL011_CR = 0x030, PL011_IFLS = 0x034,
    PL011_IMSC = 0x038, PL011_RIS = 0x03c, PL011_MIS = 0x040,
    PL011_ICR = 0x044, PL011_DMACR = 0x048,
};

#define FR_RXFE 0x10
#define FR_TXFF 0x20
#define FR_RXFF 0x40
#define FR_TXFE 0x80

#define INT_RX 0x10
#define INT_TX 0x20
#define INT_RT 0x40
#define INT_ALL 0x7ff

#define LCR_FEN 0x10

/* Peripheral and PrimeCell ids at 0xfe0..0xffc (TRM 3.3.14-15). */
static const uint8_t pl011_id[8] = {
    0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

static uint32_t pl011_fifo_depth(PL011 *s)
{
    return (s->lcr & LCR_FEN) ? PL011_FIFO_SIZE : 1;
}

static void pl011_update(PL011 *s)
{
    irq_set(s->irq, (s->ris & s->imsc) != 0);
}

static int pl011_can_receive(void *opaque)
{
    PL011 *s = opaque;

    return (int)(pl011_fifo_depth(s) - s->rx_count);
}

static void pl011_receive(void *opaque, const uint8_t *buf, int len)
{
    PL011 *s = opaque;

    for (int i = 0; i < len; i++) {
        if (s->rx_count >= pl011_fifo_depth(s)) {
            s->rsr |= 0x8;      /* overrun */
            break;
        }
        s->rx_fifo[(s->rx_head + s->rx_count) % PL011_FIFO_SIZE] = buf[i];
        s->rx_count++;
    }
    s->ris |= INT_RX;
    pl011_update(s);
}

uint32_t pl011_read(PL011 *s, uint32_t offset)
{
    uint32_t v;

    if (offset >= 0xfe0 && offset < 0x1000) {
        return pl011_id[(offset - 0xfe0) >> 2];
    }
    switch (offset) {
    case PL011_DR:
        if (!s->rx_count) {
            return 0;
        }
        v = s->rx_fifo[s->rx_head];
        s->rx_head = (s->rx_head + 1) % PL011_FIFO_SIZE;
        s->rx_count--;
        if (!s->rx_count) {
            s->ris &= ~(INT_RX | INT_RT);
        }
        pl011_update(s);
        if (s->chr) {
            chardev_accept_input(s->chr);
        }
        return v;
    case PL011_RSR:
        return s->rsr;
    case PL011_FR:
        v = FR_TXFE;
        if (!s->rx_count) {
            v |= FR_RXFE;
        }
        if (s->rx_count >= pl011_fifo_depth(s)) {
            v |= FR_RXFF;
        }
        return v;
    case PL011_ILPR: return s->ilpr;
    case PL011_IBRD: return s->ibrd;
    case PL011_FBRD: return s->fbrd;
    case PL011_LCR_H: return s->lcr;
    case PL011_CR: return s->cr;
    case PL011_IFLS: return s->ifls;
    case PL011_IMSC: return s->imsc;
    case PL011_RIS: return s->ris;
    case PL011_MIS: return s->ris & s->imsc;
    case PL011_DMACR: return s->dmacr;
    default:
        guest_error("pl011: read of unknown register 0x%x\n", offset);
        return 0;
    }
}

void pl011_write(PL011 *s, uint32_t offset, uint32_t val)
{
    uint8_t ch;

    switch (offset) {
    case PL011_DR:
        ch = val & 0xff;
        if (s->chr) {
            chardev_write(s->chr, &ch, 1);
        }
        /* The byte left at once: the transmit FIFO is empty again. */
        s->ris |= INT_TX;
        pl011_update(s);
        break;
    case PL011_RSR:
        s->rsr = 0;             /* write clears the error bits */
        break;
    case PL011_ILPR:
        s->ilpr = val & 0xff;
        break;
    case PL011_IBRD:
        s->ibrd = val & 0xffff;
        break;
    case PL011_FBRD:
        s->fbrd = val & 0x3f;
        break;
    case PL011_LCR_H:
        /* Turning the FIFO off or on flushes the receive side. */
        if ((s->lcr ^ val) & LCR_FEN) {
            s->rx_count = 0;
            s->rx_head = 0;
        }
        s->lcr = val & 0xff;
        break;
    case PL011_CR:
        s->cr = val & 0xffff;
        break;
    case PL011_IFLS:
        s->ifls = val & 0x3f;
        break;
    case PL011_IMSC:
        s->imsc = val & INT_ALL;
        pl011_update(s);
        break;
    case PL011_ICR:
        s->ris &= ~val;
        pl011_update(s);
        break;
    case PL011_DMACR:
        s->dmacr = val & 7;
        break;
    default:
        guest_error("pl011: write 0x%x to unknown/read-only register 0x%x\n",
                    val, offset);
        break;
    }
}

void pl011_reset(PL011 *s)
{
    s->rsr = s->ilpr = s->ibrd = s->fbrd = s->lcr = 0;
    s->cr = 0x300;              /* TXE | RXE */
    s->ifls = 0x12;
    s->imsc = s->ris = s->dmacr = 0;
    s->rx_head = s->rx_count = 0;
    memset(s->rx_fifo, 0, sizeof(s->rx_fifo));
    pl011_update(s);
}

void pl011_init(PL011 *s)
{
    CharFrontend fe = {
        .can_read = pl011_can_receive,
        .read = pl011_receive,
        .opaque = s,
    };

    if (s->chr) {
        chardev_attach(s->chr, &fe);
    }
    pl011_reset(s);
}
