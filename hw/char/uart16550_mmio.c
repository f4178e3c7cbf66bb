/* SPDX-License-Identifier: MIT */
/* 16550 UART on a memory-mapped bus with a configurable register stride. */

#include "uart16550_mmio.h"
#include "machina/log.h"
#include <inttypes.h>
#include <stdlib.h>

static uint64_t uart16550_mmio_read(void *opaque, hwaddr addr,
                                    UNUSED unsigned size)
{
    Uart16550MmioState *s = opaque;

    if (addr & ((1u << s->reg_shift) - 1)) {
        guest_error("uart16550-mmio: unaligned read at 0x%" PRIx64 "\n",
                    addr);
        return 0;
    }
    /* A wide access reads just the one register (bus lanes unused). */
    return uart16550_read(&s->uart, (addr >> s->reg_shift) & 7);
}

static void uart16550_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                                 UNUSED unsigned size)
{
    Uart16550MmioState *s = opaque;

    if (addr & ((1u << s->reg_shift) - 1)) {
        guest_error("uart16550-mmio: unaligned write at 0x%" PRIx64 "\n",
                    addr);
        return;
    }
    uart16550_write(&s->uart, (addr >> s->reg_shift) & 7, val & 0xff);
}

static const MemoryRegionOps uart16550_mmio_ops = {
    .read = uart16550_mmio_read,
    .write = uart16550_mmio_write,
    .valid_min = 1,
    .valid_max = 8,
    .impl_min = 1,
    .impl_max = 8,
};

static int uart16550_mmio_realize(DeviceState *dev)
{
    Uart16550MmioState *s = (Uart16550MmioState *)dev;

    if (s->reg_shift > 4) {
        error_report("%s: reg-shift %u out of range (0..4)",
                     TYPE_UART16550_MMIO, s->reg_shift);
        return -1;
    }
    s->uart.chr = s->chr;
    s->uart.irq = s->irq;
    memory_region_init_io(&s->mmio, TYPE_UART16550_MMIO, &uart16550_mmio_ops,
                          s, 8u << s->reg_shift);
    uart16550_init(&s->uart);
    return 0;
}

static void uart16550_mmio_reset(DeviceState *dev)
{
    Uart16550MmioState *s = (Uart16550MmioState *)dev;

    uart16550_reset(&s->uart);
}

Uart16550MmioState *uart16550_mmio_create(MemoryRegion *parent, hwaddr base,
                                          unsigned reg_shift, IRQLine *irq,
                                          Chardev *chr)
{
    Uart16550MmioState *s =
        (Uart16550MmioState *)device_new(TYPE_UART16550_MMIO);

    if (!s) {
        fatal("cannot create %s", TYPE_UART16550_MMIO);
    }
    s->reg_shift = reg_shift;
    s->chr = chr;
    s->irq = irq;
    if (device_realize(&s->parent) < 0) {
        exit(1);
    }
    memory_region_add_subregion(parent, base, &s->mmio);
    return s;
}

static const Property uart16550_mmio_props[] = {
    DEFINE_PROP("reg-shift", Uart16550MmioState, reg_shift, PROP_UINT32, 0),
    DEFINE_PROP("chardev", Uart16550MmioState, chr, PROP_CHARDEV, 0),
    { .name = NULL },
};

static DeviceType uart16550_mmio_type = {
    .name = TYPE_UART16550_MMIO,
    .desc = "NS16550A UART, memory mapped",
    .instance_size = sizeof(Uart16550MmioState),
    .props = uart16550_mmio_props,
    .realize = uart16550_mmio_realize,
    .reset = uart16550_mmio_reset,
};

DEVICE_TYPE_REGISTER(uart16550_mmio_type)
