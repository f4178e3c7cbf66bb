/* SPDX-License-Identifier: MIT */
/* NS16550A UART core (TI PC16550D datasheet): registers, rx FIFO, IRQs. */

/*
 * Known deviations from the datasheet:
 * - Transmission is instantaneous: a THR write goes straight to the
 *   chardev, so THRE/TEMT are always set and there is no tx FIFO.
 * - The character-timeout interrupt (IIR 0xc) is reported at once when
 *   the rx FIFO holds data below its trigger level, instead of after
 *   four character times.  Drivers treat it exactly like "data ready".
 * - Baud rate, parity and stop bits (divisor, LCR) are stored only.
 */

#include "uart16550.h"
#include "machina/log.h"

static const unsigned uart16550_trigger_levels[4] = { 1, 4, 8, 14 };

static bool uart16550_fifo_enabled(const Uart16550 *s)
{
    return s->fcr & UART_FCR_ENABLE;
}

static uint8_t uart16550_compute_iir(const Uart16550 *s)
{
    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_ERRS)) {
        return UART_IIR_RLSI;
    }
    if ((s->ier & UART_IER_RDI) && s->rx_count > 0) {
        if (uart16550_fifo_enabled(s) &&
            s->rx_count < uart16550_trigger_levels[s->fcr >> 6]) {
            return UART_IIR_CTI;
        }
        return UART_IIR_RDI;
    }
    if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        return UART_IIR_THRI;
    }
    if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_DELTAS)) {
        return UART_IIR_MSI;
    }
    return UART_IIR_NO_INT;
}

static void uart16550_update_irq(Uart16550 *s)
{
    int level = uart16550_compute_iir(s) != UART_IIR_NO_INT;

    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(s->irq, level);
    }
}

static void uart16550_rx_clear(Uart16550 *s)
{
    s->rx_head = 0;
    s->rx_count = 0;
    s->lsr &= ~UART_LSR_DR;
}

static void uart16550_rx_push(Uart16550 *s, uint8_t byte)
{
    unsigned cap = uart16550_fifo_enabled(s) ? UART16550_FIFO_SIZE : 1;

    if (s->rx_count >= cap) {
        /*
         * Overrun.  With FIFOs the shift register's character is lost;
         * without them the new character replaces the unread one.
         */
        s->lsr |= UART_LSR_OE;
        if (!uart16550_fifo_enabled(s)) {
            s->rx_fifo[s->rx_head] = byte;
        }
        return;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % UART16550_FIFO_SIZE] = byte;
    s->rx_count++;
    s->lsr |= UART_LSR_DR;
}

static void uart16550_accept_input(Uart16550 *s)
{
    if (s->chr) {
        chardev_accept_input(s->chr);
    }
}

int uart16550_can_receive(void *opaque)
{
    Uart16550 *s = opaque;

    /* In loopback the serial input is disconnected from the pins. */
    if (s->mcr & UART_MCR_LOOP) {
        return 0;
    }
    if (uart16550_fifo_enabled(s)) {
        return UART16550_FIFO_SIZE - s->rx_count;
    }
    return s->rx_count ? 0 : 1;
}

void uart16550_receive(void *opaque, const uint8_t *buf, int len)
{
    Uart16550 *s = opaque;

    for (int i = 0; i < len; i++) {
        uart16550_rx_push(s, buf[i]);
    }
    uart16550_update_irq(s);
}

/* Modem status as the pins (or the loopback wiring) show it. */
static void uart16550_update_msr(Uart16550 *s)
{
    uint8_t old = s->msr, lines;

    if (s->mcr & UART_MCR_LOOP) {
        /* Loopback wiring, datasheet section 8.6.4. */
        lines = 0;
        if (s->mcr & UART_MCR_RTS) {
            lines |= UART_MSR_CTS;
        }
        if (s->mcr & UART_MCR_DTR) {
            lines |= UART_MSR_DSR;
        }
        if (s->mcr & UART_MCR_OUT1) {
            lines |= UART_MSR_RI;
        }
        if (s->mcr & UART_MCR_OUT2) {
            lines |= UART_MSR_DCD;
        }
    } else {
        /* A chardev has no modem lines: report a ready peer. */
        lines = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    }

    s->msr = (old & UART_MSR_DELTAS) | lines;
    if ((old ^ lines) & UART_MSR_CTS) {
        s->msr |= UART_MSR_DCTS;
    }
    if ((old ^ lines) & UART_MSR_DSR) {
        s->msr |= UART_MSR_DDSR;
    }
    if ((old ^ lines) & UART_MSR_DCD) {
        s->msr |= UART_MSR_DDCD;
    }
    if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI)) {
        s->msr |= UART_MSR_TERI;   /* trailing edge of ring indicator */
    }
}

void uart16550_reset(Uart16550 *s)
{
    s->divisor = 12;            /* 9600 baud from a 1.8432 MHz clock */
    s->ier = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->scr = 0;
    s->fcr = 0;
    s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    s->thr_ipending = false;
    uart16550_rx_clear(s);
    s->irq_level = 0;
    irq_set(s->irq, 0);
}

void uart16550_init(Uart16550 *s)
{
    if (s->chr) {
        CharFrontend fe = {
            .can_read = uart16550_can_receive,
            .read = uart16550_receive,
            .opaque = s,
        };
        chardev_attach(s->chr, &fe);
    }
    uart16550_reset(s);
}

static void uart16550_transmit(Uart16550 *s, uint8_t byte)
{
    if (s->mcr & UART_MCR_LOOP) {
        uart16550_rx_push(s, byte);
    } else if (s->chr) {
        chardev_write(s->chr, &byte, 1);
    }
    /* The byte left at once: THR is empty again. */
    s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    s->thr_ipending = true;
}

uint8_t uart16550_read(Uart16550 *s, unsigned reg)
{
    uint8_t val = 0;

    switch (reg & 7) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            val = s->divisor & 0xff;
            break;
        }
        if (s->rx_count > 0) {
            bool was_blocked = uart16550_can_receive(s) == 0;

            val = s->rx_fifo[s->rx_head];
            s->rx_head = (s->rx_head + 1) % UART16550_FIFO_SIZE;
            s->rx_count--;
            if (s->rx_count == 0) {
                s->lsr &= ~UART_LSR_DR;
            }
            if (was_blocked && uart16550_can_receive(s) > 0) {
                uart16550_accept_input(s);
            }
        }
        break;
    case UART_IER:
        val = (s->lcr & UART_LCR_DLAB) ? s->divisor >> 8 : s->ier;
        break;
    case UART_IIR:
        val = uart16550_compute_iir(s);
        if (val == UART_IIR_THRI) {
            /* Reading IIR with THRI as the source clears it. */
            s->thr_ipending = false;
        }
        if (uart16550_fifo_enabled(s)) {
            val |= UART_IIR_FIFO;
        }
        break;
    case UART_LCR:
        val = s->lcr;
        break;
    case UART_MCR:
        val = s->mcr;
        break;
    case UART_LSR:
        val = s->lsr;
        s->lsr &= ~UART_LSR_ERRS;
        break;
    case UART_MSR:
        val = s->msr;
        s->msr &= ~UART_MSR_DELTAS;
        break;
    case UART_SCR:
        val = s->scr;
        break;
    }
    uart16550_update_irq(s);
    return val;
}

void uart16550_write(Uart16550 *s, unsigned reg, uint8_t val)
{
    switch (reg & 7) {
    case UART_THR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divisor = (s->divisor & 0xff00) | val;
            break;
        }
        s->thr_ipending = false;
        uart16550_transmit(s, val);
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divisor = (s->divisor & 0x00ff) | (val << 8);
            break;
        }
        if ((val & UART_IER_THRI) && !(s->ier & UART_IER_THRI) &&
            (s->lsr & UART_LSR_THRE)) {
            /* Enabling THRI while THR is empty raises it (16550). */
            s->thr_ipending = true;
        } else if (!(val & UART_IER_THRI)) {
            s->thr_ipending = false;
        }
        s->ier = val & 0x0f;
        break;
    case UART_FCR: {
        bool was_blocked = uart16550_can_receive(s) == 0;

        if ((val ^ s->fcr) & UART_FCR_ENABLE) {
            /* Switching FIFO mode empties both FIFOs. */
            uart16550_rx_clear(s);
        }
        if (val & UART_FCR_CLR_RX) {
            uart16550_rx_clear(s);
        }
        /* Keep enable, DMA mode and trigger level; clear bits self-reset. */
        s->fcr = val & 0xc9;
        if (was_blocked && uart16550_can_receive(s) > 0) {
            uart16550_accept_input(s);
        }
        break;
    }
    case UART_LCR:
        s->lcr = val;
        break;
    case UART_MCR: {
        bool was_blocked = uart16550_can_receive(s) == 0;

        s->mcr = val & 0x1f;
        uart16550_update_msr(s);
        if (was_blocked && uart16550_can_receive(s) > 0) {
            uart16550_accept_input(s);
        }
        break;
    }
    case UART_LSR:
    case UART_MSR:
        /* Read-only in a 16550A (factory test registers). */
        guest_error("uart16550: write 0x%x to read-only register %u\n",
                    val, reg & 7);
        break;
    case UART_SCR:
        s->scr = val;
        break;
    }
    uart16550_update_irq(s);
}
