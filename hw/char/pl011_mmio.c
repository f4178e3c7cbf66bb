/* SPDX-License-Identifier: MIT */
/* PL011 UART on the APB: a 4 KiB frame of 32-bit registers. */
#include "pl011_mmio.h"
#include "machina/log.h"
#include <inttypes.h>
#include <stdlib.h>

static uint64_t pl011_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    PL011MmioState *s = opaque;

    if ((addr & 3) || size > 4) {
        guest_error("pl011: bad read of size %u at 0x%" PRIx64 "\n", size,
                    addr);
        return 0;
    }
    return pl011_read(&s->uart, (uint32_t)addr);
}

static void pl011_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    PL011MmioState *s = opaque;

    if ((addr & 3) || size > 4) {
        guest_error("pl011: bad write of size %u at 0x%" PRIx64 "\n", size,
                    addr);
        return;
    }
    pl011_write(&s->uart, (uint32_t)addr, (uint32_t)val);
}

static const MemoryRegionOps pl011_mmio_ops = {
    .read = pl011_mmio_read,
    .write = pl011_mmio_write,
    .valid_min = 1,
    .valid_max = 8,
    .impl_min = 1,
    .impl_max = 8,
};

static int pl011_mmio_realize(DeviceState *dev)
{
    PL011MmioState *s = (PL011MmioState *)dev;

    s->uart.chr = s->chr;
    s->uart.irq = s->irq;
    memory_region_init_io(&s->mmio, TYPE_PL011, &pl011_mmio_ops, s, 0x1000);
    pl011_init(&s->uart);
    return 0;
}

static void pl011_mmio_reset(DeviceState *dev)
{
    pl011_reset(&((PL011MmioState *)dev)->uart);
}

PL011MmioState *pl011_mmio_create(MemoryRegion *parent, hwaddr base,
                                  IRQLine *irq, Chardev *chr)
{
    PL011MmioState *s = (PL011MmioState *)device_new(TYPE_PL011);

    if (!s) {
        fatal("cannot create %s", TYPE_PL011);
    }
    s->chr = chr;
    s->irq = irq;
    if (device_realize(&s->parent) < 0) {
        exit(1);
    }
    memory_region_add_subregion(parent, base, &s->mmio);
    return s;
}

static const Property pl011_mmio_props[] = {
    DEFINE_PROP("chardev", PL011MmioState, chr, PROP_CHARDEV, 0),
    { .name = NULL },
};

static DeviceType pl011_mmio_type = {
    .name = TYPE_PL011,
    .desc = "ARM PrimeCell PL011 UART",
    .instance_size = sizeof(PL011MmioState),
    .props = pl011_mmio_props,
    .realize = pl011_mmio_realize,
    .reset = pl011_mmio_reset,
};

DEVICE_TYPE_REGISTER(pl011_mmio_type)
