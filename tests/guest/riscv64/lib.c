/* SPDX-License-Identifier: MIT */
/* Tiny runtime: UART output, printf-lite, test finisher, trap dispatch. */
#include <stdarg.h>
#include "lib.h"

volatile struct trap_rec m_trap, s_trap;
volatile int m_trap_expected, s_trap_expected;
void (*volatile m_irq_handler)(unsigned long cause);
void (*volatile s_irq_handler)(unsigned long cause);

void uart_putc(char c)
{
    if (c == '\n') {
        uart_putc('\r');
    }
    /* Wait for THR empty (LSR bit 5). */
    while (!(mmio_read8(UART_BASE + 5) & 0x20)) {
    }
    mmio_write8(UART_BASE, (uint8_t)c);
}

void puts_(const char *s)
{
    while (*s) {
        uart_putc(*s++);
    }
}

static void put_num(unsigned long v, int base, int width, char pad, int neg)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg) {
        buf[n++] = '-';
    }
    while (n < width) {
        uart_putc(pad);
        width--;
    }
    while (n) {
        uart_putc(buf[--n]);
    }
}

int printf_(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        int width = 0, lng = 0;
        char pad = ' ';

        if (*fmt != '%') {
            uart_putc(*fmt);
            continue;
        }
        fmt++;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l') {
            lng = 1;
            fmt++;
        }
        switch (*fmt) {
        case 'd': {
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);
            put_num(v < 0 ? -(unsigned long)v : (unsigned long)v, 10,
                    width, pad, v < 0);
            break;
        }
        case 'u':
            put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned),
                    10, width, pad, 0);
            break;
        case 'x':
            put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned),
                    16, width, pad, 0);
            break;
        case 'p':
            puts_("0x");
            put_num((unsigned long)va_arg(ap, void *), 16, 16, '0', 0);
            break;
        case 's':
            puts_(va_arg(ap, const char *));
            break;
        case 'c':
            uart_putc((char)va_arg(ap, int));
            break;
        case '%':
            uart_putc('%');
            break;
        default:
            uart_putc('?');
            break;
        }
    }
    va_end(ap);
    return 0;
}

/* SiFive test finisher: 0x5555 = pass, (code << 16) | 0x3333 = fail. */
void rt_exit(int code)
{
    if (code == 0) {
        mmio_write32(FINISHER_BASE, 0x5555);
    } else {
        mmio_write32(FINISHER_BASE, ((uint32_t)code << 16) | 0x3333);
    }
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void check_fail(const char *file, int line, const char *what)
{
    printf("FAIL: %s:%d: %s\n", file, line, what);
    rt_exit(1);
}

void check_fail_eq(const char *file, int line, const char *a, const char *b,
                   unsigned long va, unsigned long vb)
{
    printf("FAIL: %s:%d: %s == %s (0x%lx != 0x%lx)\n", file, line, a, b,
           va, vb);
    rt_exit(1);
}

void pass(const char *name)
{
    printf("PASS: %s\n", name);
}

void trap_reset(void)
{
    m_trap.cause = m_trap.tval = m_trap.epc = m_trap.count = 0;
    s_trap.cause = s_trap.tval = s_trap.epc = s_trap.count = 0;
}

void *memset(void *d, int c, size_t n)
{
    volatile unsigned char *p = d;

    while (n--) {
        *p++ = (unsigned char)c;
    }
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    volatile unsigned char *p = d;
    const unsigned char *q = s;

    while (n--) {
        *p++ = *q++;
    }
    return d;
}

/* Length of the instruction at pc (identity-mapped code only). */
static unsigned long insn_len(unsigned long pc)
{
    uint16_t lo = *(volatile uint16_t *)pc;

    return (lo & 3) == 3 ? 4 : 2;
}

/* Where to resume after a synchronous trap: past the faulting instruction,
 * or for fetch faults back to the caller (tests jump there via jalr ra). */
static unsigned long resume_pc(unsigned long cause, unsigned long epc,
                               struct trap_frame *f)
{
    if (cause == CAUSE_MISALIGNED_FETCH || cause == CAUSE_FETCH_ACCESS ||
        cause == CAUSE_FETCH_PAGE) {
        return f->x[1];
    }
    return epc + insn_len(epc);
}

void m_trap_dispatch(struct trap_frame *f);
void s_trap_dispatch(struct trap_frame *f);
void mode_return(void);

void m_trap_dispatch(struct trap_frame *f)
{
    unsigned long cause = read_csr(mcause);
    unsigned long epc = read_csr(mepc);
    unsigned long tval = read_csr(mtval);

    if (cause & CAUSE_INTR) {
        if (m_irq_handler) {
            m_irq_handler(cause & ~CAUSE_INTR);
            return;
        }
        printf("FAIL: unexpected M interrupt %lu at 0x%lx\n",
               cause & ~CAUSE_INTR, epc);
        rt_exit(3);
    }
    if ((cause == CAUSE_ECALL_U || cause == CAUSE_ECALL_S ||
         cause == CAUSE_ECALL_M) && f->x[17] == MODE_EXIT_MAGIC) {
        /* End of goto_mode(): back to M-mode at mode_return. */
        clear_csr(mstatus, MSTATUS_MPRV);
        set_csr(mstatus, MSTATUS_MPP);
        write_csr(mepc, (unsigned long)mode_return);
        return;
    }
    if (!m_trap_expected) {
        printf("FAIL: unexpected trap mcause=%lu mepc=0x%lx mtval=0x%lx\n",
               cause, epc, tval);
        rt_exit(3);
    }
    m_trap.cause = cause;
    m_trap.tval = tval;
    m_trap.epc = epc;
    m_trap.count++;
    write_csr(mepc, resume_pc(cause, epc, f));
}

void s_trap_dispatch(struct trap_frame *f)
{
    unsigned long cause = read_csr(scause);
    unsigned long epc = read_csr(sepc);
    unsigned long tval = read_csr(stval);

    if (cause & CAUSE_INTR) {
        if (s_irq_handler) {
            s_irq_handler(cause & ~CAUSE_INTR);
            return;
        }
        printf("FAIL: unexpected S interrupt %lu at 0x%lx\n",
               cause & ~CAUSE_INTR, epc);
        rt_exit(3);
    }
    if (!s_trap_expected) {
        printf("FAIL: unexpected S trap scause=%lu sepc=0x%lx stval=0x%lx\n",
               cause, epc, tval);
        rt_exit(3);
    }
    s_trap.cause = cause;
    s_trap.tval = tval;
    s_trap.epc = epc;
    s_trap.count++;
    write_csr(sepc, resume_pc(cause, epc, f));
}

extern char _strap_stack_top[];

void s_trap_install(void)
{
    write_csr(sscratch, (unsigned long)_strap_stack_top);
    write_csr(stvec, (unsigned long)s_trap_entry);
}
