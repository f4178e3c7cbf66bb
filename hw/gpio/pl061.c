/* SPDX-License-Identifier: MIT */
/*
 * Arm PrimeCell PL061 GPIO (PL061 TRM, Arm DDI 0190): eight lines, each
 * an input or an output (GPIODIR), with edge or level, single or both
 * edge interrupt detection combined into one interrupt.  GPIODATA is
 * accessed through an address mask: bits [9:2] of the offset select the
 * lines a read returns or a write changes.  On QEMU's virt board line 3
 * is the power button (gpio-keys, KEY_POWER).  GPIOAFSEL is stored only.
 */

#include "pl061.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include <inttypes.h>
#include <stdlib.h>

enum {
    PL061_DIR = 0x400,
    PL061_IS = 0x404,
    PL061_IBE = 0x408,
    PL061_IEV = 0x40c,
    PL061_IE = 0x410,
    PL061_RIS = 0x414,
    PL061_MIS = 0x418,
    PL061_IC = 0x41c,
    PL061_AFSEL = 0x420,
};

/* PeriphID0..3 then PCellID0..3 at 0xfe0..0xffc (TRM 3.3) */
static const uint8_t pl061_id[8] = {
    0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

/* Pin levels: outputs drive the data register, inputs follow the lines. */
static uint8_t pl061_pins(PL061State *s)
{
    return (s->data & s->dir) | (s->in_level & ~s->dir);
}

/* Sample the pins: latch edges, follow levels, drive outputs and IRQ. */
static void pl061_update(PL061State *s)
{
    uint8_t pins = pl061_pins(s);
    uint8_t changed = pins ^ s->old_in;
    uint8_t edge = ~s->isense;
    uint8_t rising = changed & pins, falling = changed & ~pins;
    uint8_t fire = (changed & s->ibe) |
                   (~s->ibe & ((rising & s->iev) | (falling & ~s->iev)));
    uint8_t outs = s->data & s->dir;

    s->istate |= fire & edge;
    /* Level-sensitive lines: status follows the pin (high if IEV). */
    s->istate = (s->istate & edge) |
                (s->isense & ~(pins ^ s->iev));
    s->old_in = pins;
    for (int i = 0; i < PL061_NR_LINES; i++) {
        if (((outs ^ s->old_out) >> i) & 1) {
            irq_set(s->out[i], (outs >> i) & 1);
        }
    }
    s->old_out = outs;
    irq_set(s->irq, (s->istate & s->im) != 0);
}

static void pl061_input(void *opaque, int n, int level)
{
    PL061State *s = opaque;

    machine_lock();
    if (level) {
        s->in_level |= (uint8_t)(1u << n);
    } else {
        s->in_level &= (uint8_t)~(1u << n);
    }
    pl061_update(s);
    machine_unlock();
}

uint64_t pl061_mmio_read(void *opaque, hwaddr addr, unsigned size UNUSED)
{
    PL061State *s = opaque;

    if (addr < 0x400) {
        return pl061_pins(s) & (addr >> 2);
    }
    if (addr >= 0xfe0 && addr < 0x1000) {
        return pl061_id[(addr - 0xfe0) >> 2];
    }
    switch (addr) {
    case PL061_DIR:
        return s->dir;
    case PL061_IS:
        return s->isense;
    case PL061_IBE:
        return s->ibe;
    case PL061_IEV:
        return s->iev;
    case PL061_IE:
        return s->im;
    case PL061_RIS:
        return s->istate;
    case PL061_MIS:
        return s->istate & s->im;
    case PL061_AFSEL:
        return s->afsel;
    default:
        guest_error("pl061: bad read at 0x%" PRIx64 "\n", addr);
        return 0;
    }
}

void pl061_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                      unsigned size UNUSED)
{
    PL061State *s = opaque;
    uint8_t v = (uint8_t)val;

    if (addr < 0x400) {
        uint8_t mask = (uint8_t)(addr >> 2) & s->dir;

        s->data = (s->data & ~mask) | (v & mask);
        pl061_update(s);
        return;
    }
    switch (addr) {
    case PL061_DIR:
        s->dir = v;
        break;
    case PL061_IS:
        s->isense = v;
        break;
    case PL061_IBE:
        s->ibe = v;
        break;
    case PL061_IEV:
        s->iev = v;
        break;
    case PL061_IE:
        s->im = v;
        break;
    case PL061_IC:
        s->istate &= ~v;
        break;
    case PL061_AFSEL:
        s->afsel = v;
        break;
    default:
        guest_error("pl061: bad write 0x%" PRIx64 " at 0x%" PRIx64 "\n",
                    val, addr);
        return;
    }
    pl061_update(s);
}

static const MemoryRegionOps pl061_ops = {
    .read = pl061_mmio_read,
    .write = pl061_mmio_write,
    .valid_min = 1,
    .valid_max = 4,
    .impl_min = 4,
    .impl_max = 4,
};

static int pl061_realize(DeviceState *dev)
{
    PL061State *s = (PL061State *)dev;

    s->in = irq_alloc_lines(pl061_input, s, PL061_NR_LINES);
    memory_region_init_io(&s->mmio, TYPE_PL061, &pl061_ops, s, PL061_SIZE);
    return 0;
}

static void pl061_reset(DeviceState *dev)
{
    PL061State *s = (PL061State *)dev;

    /* Registers to 0; the input lines keep their levels. */
    s->data = s->old_out = s->dir = 0;
    s->isense = s->ibe = s->iev = s->im = s->istate = s->afsel = 0;
    s->old_in = s->in_level;
    pl061_update(s);
}

PL061State *pl061_create(MemoryRegion *parent, hwaddr base, IRQLine *irq)
{
    PL061State *s = (PL061State *)device_new(TYPE_PL061);

    if (!s) {
        fatal("cannot create %s", TYPE_PL061);
    }
    s->irq = irq;
    if (device_realize(&s->parent) < 0) {
        exit(1);
    }
    memory_region_add_subregion(parent, base, &s->mmio);
    return s;
}

static DeviceType pl061_type = {
    .name = TYPE_PL061,
    .desc = "Arm PL061 GPIO controller",
    .instance_size = sizeof(PL061State),
    .realize = pl061_realize,
    .reset = pl061_reset,
};

DEVICE_TYPE_REGISTER(pl061_type)
