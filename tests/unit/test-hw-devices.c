/* SPDX-License-Identifier: MIT */
/* Unit tests: 16550 UART, PLIC, ACLINT, test finisher, goldfish RTC. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "machina/chardev.h"
#include "machina/device.h"
#include "machina/irq.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include "machina/memory.h"
#include "machina/timer.h"
#include "../../hw/char/uart16550.h"
#include "../../hw/intc/riscv_aclint.h"
#include "../../hw/intc/sifive_plic.h"
#include "../../hw/misc/sifive_test.h"
#include "../../hw/rtc/goldfish_rtc.h"

/*
 * Weak stand-ins for the parts of libmachina these devices use, so the
 * test also links on its own; the real definitions win when present.
 * They behave like the real ones as far as the devices can tell.
 */
#define WEAK __attribute__((weak))

static int64_t fake_now_ns;

WEAK int log_mask;
WEAK void log_printf(UNUSED const char *fmt, ...) { }
WEAK void error_report(UNUSED const char *fmt, ...) { }
WEAK void fatal(UNUSED const char *fmt, ...) { abort(); }
/*
 * Devices have no unrealize, so the stand-in allocator remembers every
 * block and a test frees what its devices allocated (stub_free_all);
 * otherwise each test leaks a device under ASan's leak checker.
 */
static void **stub_blocks;
static size_t stub_nr_blocks;

WEAK void *mc_malloc0(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    void **v = realloc(stub_blocks, (stub_nr_blocks + 1) * sizeof(*v));

    if (!p || !v) {
        abort();
    }
    stub_blocks = v;
    stub_blocks[stub_nr_blocks++] = p;
    return p;
}

static void stub_free_all(void)
{
    for (size_t i = 0; i < stub_nr_blocks; i++) {
        free(stub_blocks[i]);
    }
    free(stub_blocks);
    stub_blocks = NULL;
    stub_nr_blocks = 0;
}
static DeviceType *stub_types;

WEAK void device_type_register(DeviceType *t)
{
    t->next = stub_types;
    stub_types = t;
}
WEAK DeviceState *device_new(const char *type_name)
{
    for (DeviceType *t = stub_types; t; t = t->next) {
        if (!strcmp(t->name, type_name)) {
            DeviceState *dev = mc_malloc0(t->instance_size);

            dev->type = t;
            return dev;
        }
    }
    return NULL;
}
WEAK int device_realize(DeviceState *dev)
{
    if (dev->type->realize && dev->type->realize(dev) < 0) {
        return -1;
    }
    dev->realized = true;
    return 0;
}
WEAK void memory_region_init_io(MemoryRegion *mr, const char *name,
                                const MemoryRegionOps *ops, void *opaque,
                                uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->type = MR_MMIO;
    mr->name = name;
    mr->ops = ops;
    mr->opaque = opaque;
    mr->size = size;
}
WEAK void memory_region_add_subregion(UNUSED MemoryRegion *parent,
                                      UNUSED hwaddr addr,
                                      UNUSED MemoryRegion *child) { }
WEAK IRQLine *irq_alloc_line(IRQHandler handler, void *opaque, int n)
{
    IRQLine *l = mc_malloc0(sizeof(*l));

    l->handler = handler;
    l->opaque = opaque;
    l->n = n;
    return l;
}
WEAK IRQLine **irq_alloc_lines(IRQHandler handler, void *opaque, int count)
{
    IRQLine **v = mc_malloc0(count * sizeof(*v));

    for (int i = 0; i < count; i++) {
        v[i] = irq_alloc_line(handler, opaque, i);
    }
    return v;
}
WEAK int chardev_write(Chardev *chr, const uint8_t *buf, int len)
{
    return chr->write(chr, buf, len);
}
WEAK void chardev_accept_input(Chardev *chr)
{
    if (chr->accept_input) {
        chr->accept_input(chr);
    }
}
WEAK void chardev_attach(Chardev *chr, const CharFrontend *fe)
{
    chr->fe = *fe;
    chr->fe_attached = true;
}
WEAK int64_t clock_get_ns(UNUSED ClockType clock) { return fake_now_ns; }
WEAK void timer_init(Timer *t, ClockType clock, TimerCB *cb, void *opaque)
{
    t->clock = clock;
    t->cb = cb;
    t->opaque = opaque;
    t->expire = -1;
}
WEAK void timer_mod(Timer *t, int64_t expire_ns) { t->expire = expire_ns; }
WEAK void timer_del(Timer *t) { t->expire = -1; }
WEAK void request_shutdown(UNUSED ShutdownCause cause,
                           UNUSED int exit_status) { }
WEAK void request_reset(void) { }

/* ---- helpers ---- */

typedef struct FakeLine {
    IRQLine line;
    int level;
    int changes;
} FakeLine;

static void fake_line_handler(void *opaque, UNUSED int n, int level)
{
    FakeLine *f = opaque;

    if (f->level != level) {
        f->changes++;
    }
    f->level = level;
}

static void fake_line_init(FakeLine *f)
{
    memset(f, 0, sizeof(*f));
    f->line.handler = fake_line_handler;
    f->line.opaque = f;
}

static uint8_t tx_buf[64];
static int tx_len;
static int accept_calls;

static int fake_chr_write(UNUSED Chardev *chr, const uint8_t *buf, int len)
{
    for (int i = 0; i < len && tx_len < (int)sizeof(tx_buf); i++) {
        tx_buf[tx_len++] = buf[i];
    }
    return len;
}

static void fake_chr_accept(UNUSED Chardev *chr)
{
    accept_calls++;
}

/* ---- UART ---- */

typedef struct UartFixture {
    Uart16550 uart;
    Chardev chr;
    FakeLine irq;
} UartFixture;

static int uart_setup(void **state)
{
    UartFixture *f = calloc(1, sizeof(*f));

    fake_line_init(&f->irq);
    f->chr.write = fake_chr_write;
    f->chr.accept_input = fake_chr_accept;
    f->uart.chr = &f->chr;
    f->uart.irq = &f->irq.line;
    uart16550_init(&f->uart);
    tx_len = 0;
    accept_calls = 0;
    *state = f;
    return 0;
}

static int uart_teardown(void **state)
{
    free(*state);
    return 0;
}

static void test_uart_reset_state(void **state)
{
    UartFixture *f = *state;
    Uart16550 *s = &f->uart;

    assert_int_equal(uart16550_read(s, UART_LSR),
                     UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(uart16550_read(s, UART_IIR), UART_IIR_NO_INT);
    assert_int_equal(uart16550_read(s, UART_IER), 0);
    assert_int_equal(f->irq.level, 0);
    /* Frontend attached to the chardev. */
    assert_true(f->chr.fe_attached);
    assert_ptr_equal(f->chr.fe.opaque, s);
}

static void test_uart_transmit_and_scratch(void **state)
{
    UartFixture *f = *state;
    Uart16550 *s = &f->uart;

    uart16550_write(s, UART_THR, 'h');
    uart16550_write(s, UART_THR, 'i');
    assert_int_equal(tx_len, 2);
    assert_memory_equal(tx_buf, "hi", 2);
    assert_true(uart16550_read(s, UART_LSR) & UART_LSR_TEMT);
    uart16550_write(s, UART_SCR, 0xa5);
    assert_int_equal(uart16550_read(s, UART_SCR), 0xa5);
}

static void test_uart_divisor_latch(void **state)
{
    UartFixture *f = *state;
    Uart16550 *s = &f->uart;

    uart16550_write(s, UART_LCR, UART_LCR_DLAB | 0x03);
    uart16550_write(s, UART_DLL, 0x01);
    uart16550_write(s, UART_DLM, 0x02);
    assert_int_equal(uart16550_read(s, UART_DLL), 0x01);
    assert_int_equal(uart16550_read(s, UART_DLM), 0x02);
    assert_int_equal(tx_len, 0);            /* DLL write is no THR write */
    uart16550_write(s, UART_LCR, 0x03);
    assert_int_equal(uart16550_read(s, UART_IER), 0);
    assert_int_equal(s->divisor, 0x0201);
}

static void test_uart_loopback(void **state)
{
    UartFixture *f = *state;
    Uart16550 *s = &f->uart;
    uint8_t msr;

    uart16550_write(s, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS |
                    UART_MCR_OUT2);
    msr = uart16550_read(s, UART_MSR);
    assert_int_equal(msr & 0xf0, UART_MSR_CTS | UART_MSR_DCD);
    assert_int_equal(uart16550_can_receive(s), 0);  /* pins disconnected */
    uart16550_write(s, UART_THR, 0x42);
    assert_int_equal(tx_len, 0);                    /* nothing on the wire */
    assert_true(uart16550_read(s, UART_LSR) & UART_LSR_DR);
    assert_int_equal(uart16550_read(s, UART_RBR), 0x42);
    assert_false(uart16550_read(s, UART_LSR) & UART_LSR_DR);
    uart16550_write(s, UART_MCR, 0);
    uart16550_write(s, UART_THR, 0x43);
    assert_int_equal(tx_len, 1);
}

static void test_uart_iir_priorities(void **state)
{
    UartFixture *f = *state;
    Uart16550 *s = &f->uart;
    uint8_t b = 'x';

    /* Enabling THRI with THR empty raises it at once. */
    uart16550_write(s, UART_IER, UART_IER_THRI);
    assert_int_equal(f->irq.level, 1);
    assert_int_equal(uart16550_read(s, UART_IIR), UART_IIR_THRI);
    /* Reading IIR cleared the THRI source. */
    assert_int_equal(f->irq.level, 0);
    assert_int_equal(uart16550_read(s, UART_IIR), UART_IIR_NO_INT);

    /* A transmit re-arms THRI; received data outranks it. */
    uart16550_write(s, UART_IER, UART_IER_THRI | UART_IER_RDI |
                    UART_IER_RLSI | UART_IER_MSI);
    uart16550_write(s, UART_THR, 'a');
    uart16550_receive(s, &b, 1);
    assert_int_equal(f->irq.level, 1);
    assert_int_equal(uart16550_read(s, UART_IIR), UART_IIR_RDI);
    /* Overrun: line status is the highest priority. */
    uart16550_receive(s, &b, 1);
    assert_int_equal(uart16550_read(s, UART_IIR), UART_IIR_RLSI);
    assert_true(uart16550_read(s, UART_LSR) & UART_LSR_OE);  /* clears */
    assert_int_equal(uart16550_read(s, UART_IIR), UART_IIR_RDI);
    assert_int_equal(uart16550_read(s, UART_RBR), 'x');
    assert_int_equal(uart16550_read(s, UART_IIR), UART_IIR_THRI);
    assert_int_equal(uart16550_read(s, UART_IIR), UART_IIR_NO_INT);

    /* Modem status is last; loopback changes raise delta bits. */
    uart16550_write(s, UART_IER, UART_IER_MSI);
    uart16550_write(s, UART_MCR, UART_MCR_LOOP);
    assert_int_equal(uart16550_read(s, UART_IIR), UART_IIR_MSI);
    assert_int_equal(f->irq.level, 1);
    assert_true(uart16550_read(s, UART_MSR) & UART_MSR_DELTAS);
    assert_int_equal(uart16550_read(s, UART_IIR), UART_IIR_NO_INT);
    assert_int_equal(f->irq.level, 0);
}

static void test_uart_fifo_full(void **state)
{
    UartFixture *f = *state;
    Uart16550 *s = &f->uart;
    uint8_t data[UART16550_FIFO_SIZE + 1];

    for (int i = 0; i < (int)sizeof(data); i++) {
        data[i] = 'A' + i;
    }
    /* FIFO on, trigger level 8. */
    uart16550_write(s, UART_FCR, UART_FCR_ENABLE | 0x80);
    assert_int_equal(uart16550_read(s, UART_IIR) & 0xc0, UART_IIR_FIFO);
    uart16550_write(s, UART_IER, UART_IER_RDI);
    assert_int_equal(uart16550_can_receive(s), UART16550_FIFO_SIZE);

    uart16550_receive(s, data, 4);
    assert_int_equal(uart16550_read(s, UART_IIR) & 0x0f, UART_IIR_CTI);
    uart16550_receive(s, data + 4, UART16550_FIFO_SIZE - 4);
    assert_int_equal(uart16550_read(s, UART_IIR) & 0x0f, UART_IIR_RDI);
    assert_int_equal(uart16550_can_receive(s), 0);

    /* One more byte overruns and is lost. */
    uart16550_receive(s, data + UART16550_FIFO_SIZE, 1);
    assert_true(uart16550_read(s, UART_LSR) & UART_LSR_OE);

    /* Draining one byte tells the backend there is room again. */
    assert_int_equal(accept_calls, 0);
    assert_int_equal(uart16550_read(s, UART_RBR), 'A');
    assert_int_equal(accept_calls, 1);
    for (int i = 1; i < UART16550_FIFO_SIZE; i++) {
        assert_int_equal(uart16550_read(s, UART_RBR), 'A' + i);
    }
    assert_false(uart16550_read(s, UART_LSR) & UART_LSR_DR);
    assert_int_equal(f->irq.level, 0);
    assert_int_equal(uart16550_can_receive(s), UART16550_FIFO_SIZE);

    /* Without FIFOs only one byte fits. */
    uart16550_write(s, UART_FCR, 0);
    assert_int_equal(uart16550_can_receive(s), 1);
}

/* ---- PLIC ---- */

#define PLIC_CTX 4

typedef struct PlicFixture {
    SifivePlicState *plic;
    FakeLine out[PLIC_CTX];
} PlicFixture;

static int plic_setup(void **state)
{
    PlicFixture *f = calloc(1, sizeof(*f));

    f->plic = sifive_plic_create(96, PLIC_CTX, 7, 0);
    for (int i = 0; i < PLIC_CTX; i++) {
        fake_line_init(&f->out[i]);
        f->plic->outputs[i] = &f->out[i].line;
    }
    f->plic->parent.type->reset(&f->plic->parent);
    *state = f;
    return 0;
}

static int plic_teardown(void **state)
{
    free(*state);
    stub_free_all();
    return 0;
}

static uint32_t plic_rd(PlicFixture *f, hwaddr addr)
{
    return sifive_plic_mmio_read(f->plic, addr, 4);
}

static void plic_wr(PlicFixture *f, hwaddr addr, uint32_t val)
{
    sifive_plic_mmio_write(f->plic, addr, val, 4);
}

#define PRIO(src)       (PLIC_PRIORITY_BASE + 4 * (src))
#define ENABLE(ctx, w) \
    (PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (ctx) + 4 * (w))
#define THRESH(ctx)     (PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (ctx))
#define CLAIM(ctx)      (THRESH(ctx) + 4)

static void test_plic_layout(void **state)
{
    PlicFixture *f = *state;

    assert_int_equal(f->plic->mmio.size, PLIC_SIZE(PLIC_CTX));
    /* Priorities are 3-bit WARL; source 0 is hardwired to zero. */
    plic_wr(f, PRIO(5), 0xff);
    assert_int_equal(plic_rd(f, PRIO(5)), 7);
    plic_wr(f, PRIO(0), 3);
    assert_int_equal(plic_rd(f, PRIO(0)), 0);
    /* Bit 0 (source 0) and bits above source 95 cannot be enabled. */
    plic_wr(f, ENABLE(1, 0), 0xffffffff);
    assert_int_equal(plic_rd(f, ENABLE(1, 0)), 0xfffffffe);
    plic_wr(f, ENABLE(1, 2), 0xffffffff);
    assert_int_equal(plic_rd(f, ENABLE(1, 2)), 0xffffffff);
    plic_wr(f, ENABLE(1, 3), 0xffffffff);
    assert_int_equal(plic_rd(f, ENABLE(1, 3)), 0);
    /* Absent contexts and sources read zero, never crash. */
    assert_int_equal(plic_rd(f, THRESH(PLIC_CTX)), 0);
    assert_int_equal(plic_rd(f, CLAIM(1000)), 0);
    plic_wr(f, CLAIM(PLIC_CTX + 3), 5);
    assert_int_equal(plic_rd(f, PRIO(200)), 0);
    assert_int_equal(sifive_plic_mmio_read(f->plic, PRIO(1), 2), 0);
}

static void test_plic_claim_complete(void **state)
{
    PlicFixture *f = *state;
    IRQLine **in = f->plic->inputs;

    plic_wr(f, PRIO(10), 1);
    plic_wr(f, ENABLE(0, 0), 1u << 10);
    irq_set(in[10], 1);
    assert_int_equal(plic_rd(f, PLIC_PENDING_BASE), 1u << 10);
    assert_int_equal(f->out[0].level, 1);
    assert_int_equal(f->out[1].level, 0);       /* not enabled there */

    assert_int_equal(plic_rd(f, CLAIM(0)), 10);
    assert_int_equal(f->out[0].level, 0);
    assert_int_equal(plic_rd(f, PLIC_PENDING_BASE), 0);
    assert_int_equal(plic_rd(f, CLAIM(0)), 0);  /* nothing left */

    /* Level still high at completion: pending again. */
    plic_wr(f, CLAIM(0), 10);
    assert_int_equal(f->out[0].level, 1);
    assert_int_equal(plic_rd(f, CLAIM(0)), 10);
    irq_set(in[10], 0);
    plic_wr(f, CLAIM(0), 10);
    assert_int_equal(f->out[0].level, 0);
    assert_int_equal(plic_rd(f, CLAIM(0)), 0);

    /* A level that drops before the claim withdraws the request. */
    irq_set(in[10], 1);
    assert_int_equal(f->out[0].level, 1);
    irq_set(in[10], 0);
    assert_int_equal(f->out[0].level, 0);
}

static void test_plic_priority_threshold(void **state)
{
    PlicFixture *f = *state;
    IRQLine **in = f->plic->inputs;

    plic_wr(f, PRIO(3), 2);
    plic_wr(f, PRIO(40), 5);
    plic_wr(f, PRIO(41), 5);
    plic_wr(f, ENABLE(2, 0), 1u << 3);
    plic_wr(f, ENABLE(2, 1), (1u << 8) | (1u << 9));   /* 40, 41 */
    irq_set(in[3], 1);
    irq_set(in[41], 1);
    irq_set(in[40], 1);
    assert_int_equal(f->out[2].level, 1);

    /* Threshold 5 masks everything (priority must exceed it). */
    plic_wr(f, THRESH(2), 5);
    assert_int_equal(plic_rd(f, THRESH(2)), 5);
    assert_int_equal(f->out[2].level, 0);
    assert_int_equal(plic_rd(f, CLAIM(2)), 0);
    plic_wr(f, THRESH(2), 4);
    assert_int_equal(f->out[2].level, 1);

    /* Highest priority first; ties go to the lowest source id. */
    assert_int_equal(plic_rd(f, CLAIM(2)), 40);
    assert_int_equal(plic_rd(f, CLAIM(2)), 41);
    assert_int_equal(f->out[2].level, 0);       /* 3 is below threshold */
    plic_wr(f, THRESH(2), 0);
    assert_int_equal(f->out[2].level, 1);
    assert_int_equal(plic_rd(f, CLAIM(2)), 3);

    /* Completion for a source the context has not enabled is ignored. */
    plic_wr(f, ENABLE(2, 1), 0);
    plic_wr(f, CLAIM(2), 40);
    assert_int_equal(plic_rd(f, PLIC_PENDING_BASE + 4), 0);
    plic_wr(f, ENABLE(2, 1), 1u << 8);
    plic_wr(f, CLAIM(2), 40);
    assert_int_equal(plic_rd(f, PLIC_PENDING_BASE + 4), 1u << 8);

    /* Priority 0 never interrupts. */
    plic_wr(f, PRIO(40), 0);
    plic_wr(f, CLAIM(2), 3);
    irq_set(in[3], 0);
    assert_int_equal(f->out[2].level, 0);
}

/* ---- ACLINT ---- */

static void test_aclint_timer(UNUSED void **state)
{
    RiscvAclintState *s;
    FakeLine msip[2], mtip[2];

    fake_now_ns = 1000;
    s = riscv_aclint_create(2, ACLINT_DEFAULT_TIMEBASE);
    for (int i = 0; i < 2; i++) {
        fake_line_init(&msip[i]);
        fake_line_init(&mtip[i]);
        s->harts[i].msip_irq = &msip[i].line;
        s->harts[i].mtip_irq = &mtip[i].line;
    }
    s->parent.type->reset(&s->parent);
    assert_int_equal(riscv_aclint_read_time(s), 0);
    fake_now_ns += 1000;                        /* 10 ticks at 10 MHz */
    assert_int_equal(riscv_aclint_mmio_read(s, ACLINT_MTIME, 8), 10);
    assert_int_equal(riscv_aclint_mmio_read(s, ACLINT_MTIME + 4, 4), 0);

    riscv_aclint_mmio_write(s, ACLINT_MSIP_BASE + 4, 0xffffffff, 4);
    assert_int_equal(msip[1].level, 1);
    assert_int_equal(msip[0].level, 0);
    assert_int_equal(riscv_aclint_mmio_read(s, 4, 4), 1);
    riscv_aclint_mmio_write(s, 4, 0, 4);
    assert_int_equal(msip[1].level, 0);

    /* mtimecmp in the future arms the timer, in the past raises MTIP. */
    riscv_aclint_mmio_write(s, ACLINT_MTIMECMP_BASE, 110, 8);
    assert_int_equal(mtip[0].level, 0);
    assert_int_equal(s->harts[0].timer.expire, fake_now_ns + 10000);
    fake_now_ns += 10000;
    s->harts[0].timer.cb(s->harts[0].timer.opaque);
    assert_int_equal(mtip[0].level, 1);
    /* 32-bit halves. */
    riscv_aclint_mmio_write(s, ACLINT_MTIMECMP_BASE + 4, 1, 4);
    assert_int_equal(mtip[0].level, 0);
    assert_int_equal(riscv_aclint_mmio_read(s, ACLINT_MTIMECMP_BASE, 8),
                     (1ULL << 32) | 110);
    /* Far future never overflows the timer. */
    riscv_aclint_mmio_write(s, ACLINT_MTIMECMP_BASE + 8, UINT64_MAX, 8);
    assert_int_equal(mtip[1].level, 0);
    /* Writing mtime moves every comparison. */
    riscv_aclint_mmio_write(s, ACLINT_MTIME, (1ULL << 32) | 200, 8);
    assert_int_equal(mtip[0].level, 1);
    /* Bad accesses are ignored. */
    riscv_aclint_mmio_write(s, ACLINT_MTIMECMP_BASE + 16, 0, 8);
    riscv_aclint_mmio_write(s, 2, 1, 4);
    assert_int_equal(riscv_aclint_mmio_read(s, 0xc000, 4), 0);
    assert_int_equal(riscv_aclint_mmio_read(s, 8, 4), 0);
    stub_free_all();
}

/* ---- test finisher ---- */

static void test_sifive_test_decode(UNUSED void **state)
{
    int code = -1;

    assert_int_equal(sifive_test_decode(0x5555, &code),
                     SIFIVE_TEST_ACT_POWEROFF);
    assert_int_equal(code, 0);
    assert_int_equal(sifive_test_decode(0x7777, &code),
                     SIFIVE_TEST_ACT_RESET);
    assert_int_equal(sifive_test_decode((42u << 16) | 0x3333, &code),
                     SIFIVE_TEST_ACT_PANIC);
    assert_int_equal(code, 42);
    assert_int_equal(sifive_test_decode(0x1234, &code),
                     SIFIVE_TEST_ACT_NONE);
    assert_int_equal(sifive_test_decode(0xffff5555, &code),
                     SIFIVE_TEST_ACT_POWEROFF);
}

/* ---- goldfish RTC ---- */

static void test_goldfish_rtc(UNUSED void **state)
{
    GoldfishRtcState *s = calloc(1, sizeof(*s));
    FakeLine irq;
    uint32_t lo, hi;

    fake_line_init(&irq);
    s->irq = &irq.line;
    timer_init(&s->alarm_timer, CLOCK_HOST, NULL, s);
    /* Set the clock to 2^32 + 5 s, read it back through the latch. */
    goldfish_rtc_mmio_write(s, RTC_TIME_HIGH, 1, 4);
    goldfish_rtc_mmio_write(s, RTC_TIME_LOW, 5, 4);
    lo = goldfish_rtc_mmio_read(s, RTC_TIME_LOW, 4);
    hi = goldfish_rtc_mmio_read(s, RTC_TIME_HIGH, 4);
    assert_int_equal(hi, 1);
    assert_true(lo >= 5 && lo < 5 + 1000000000u);
    /* An alarm in the past fires at once; delivery needs IRQ_ENABLED. */
    goldfish_rtc_mmio_write(s, RTC_ALARM_HIGH, 0, 4);
    goldfish_rtc_mmio_write(s, RTC_ALARM_LOW, 1, 4);
    assert_int_equal(goldfish_rtc_mmio_read(s, RTC_ALARM_STATUS, 4), 0);
    assert_int_equal(irq.level, 0);
    goldfish_rtc_mmio_write(s, RTC_IRQ_ENABLED, 1, 4);
    assert_int_equal(irq.level, 1);
    goldfish_rtc_mmio_write(s, RTC_CLEAR_INTERRUPT, 1, 4);
    assert_int_equal(irq.level, 0);
    /* A future alarm runs until cleared. */
    goldfish_rtc_mmio_write(s, RTC_ALARM_HIGH, 2, 4);
    goldfish_rtc_mmio_write(s, RTC_ALARM_LOW, 0, 4);
    assert_int_equal(goldfish_rtc_mmio_read(s, RTC_ALARM_STATUS, 4), 1);
    assert_int_equal(irq.level, 0);
    goldfish_rtc_mmio_write(s, RTC_CLEAR_ALARM, 1, 4);
    assert_int_equal(goldfish_rtc_mmio_read(s, RTC_ALARM_STATUS, 4), 0);
    assert_int_equal(goldfish_rtc_mmio_read(s, 0x20, 4), 0);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_uart_reset_state,
                                        uart_setup, uart_teardown),
        cmocka_unit_test_setup_teardown(test_uart_transmit_and_scratch,
                                        uart_setup, uart_teardown),
        cmocka_unit_test_setup_teardown(test_uart_divisor_latch,
                                        uart_setup, uart_teardown),
        cmocka_unit_test_setup_teardown(test_uart_loopback,
                                        uart_setup, uart_teardown),
        cmocka_unit_test_setup_teardown(test_uart_iir_priorities,
                                        uart_setup, uart_teardown),
        cmocka_unit_test_setup_teardown(test_uart_fifo_full,
                                        uart_setup, uart_teardown),
        cmocka_unit_test_setup_teardown(test_plic_layout,
                                        plic_setup, plic_teardown),
        cmocka_unit_test_setup_teardown(test_plic_claim_complete,
                                        plic_setup, plic_teardown),
        cmocka_unit_test_setup_teardown(test_plic_priority_threshold,
                                        plic_setup, plic_teardown),
        cmocka_unit_test(test_aclint_timer),
        cmocka_unit_test(test_sifive_test_decode),
        cmocka_unit_test(test_goldfish_rtc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
