/* SPDX-License-Identifier: MIT */
/*
 * Arm PrimeCell PL031 real-time clock (PL031 TRM, Arm DDI 0224): a 32-bit
 * seconds counter with a match register and one interrupt.  The count is
 * the host's wall clock (UTC, like QEMU's default -rtc base=utc) plus an
 * offset that writes to RTCLR adjust.  The match interrupt is raised when
 * the count reaches RTCMR; the wait runs on the host clock.  Deviation:
 * RTCCR reads 1 and the counter cannot be stopped, as in QEMU.
 */

#include "pl031.h"
#include "machina/log.h"
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

/* PeriphID0..3 then PCellID0..3 at 0xfe0..0xffc (TRM 3.3.10-3.3.11) */
static const uint8_t pl031_id[8] = {
    0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

static int64_t pl031_host_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec;
}

static uint32_t pl031_count(PL031State *s)
{
    return (uint32_t)(pl031_host_seconds() + s->tick_offset);
}

static void pl031_update_irq(PL031State *s)
{
    irq_set(s->irq, (s->is & s->im) != 0);
}

static void pl031_match_fire(void *opaque)
{
    PL031State *s = opaque;

    s->is = 1;
    pl031_update_irq(s);
}

/* Arm the match timer for the next time the count equals RTCMR. */
static void pl031_arm(PL031State *s)
{
    uint32_t ticks = s->mr - pl031_count(s);    /* wraps like the counter */

    timer_del(&s->match_timer);
    if (ticks == 0) {
        pl031_match_fire(s);
        return;
    }
    timer_mod(&s->match_timer,
              clock_get_ns(CLOCK_HOST) + (int64_t)ticks * 1000000000);
}

uint64_t pl031_mmio_read(void *opaque, hwaddr addr, unsigned size UNUSED)
{
    PL031State *s = opaque;

    if (addr >= 0xfe0 && addr < 0x1000) {
        return pl031_id[(addr - 0xfe0) >> 2];
    }
    switch (addr) {
    case PL031_DR:
        return pl031_count(s);
    case PL031_MR:
        return s->mr;
    case PL031_LR:
        return s->lr;
    case PL031_CR:
        return s->cr;
    case PL031_IMSC:
        return s->im;
    case PL031_RIS:
        return s->is;
    case PL031_MIS:
        return s->is & s->im;
    default:
        guest_error("pl031: bad read at 0x%" PRIx64 "\n", addr);
        return 0;
    }
}

void pl031_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                      unsigned size UNUSED)
{
    PL031State *s = opaque;

    switch (addr) {
    case PL031_LR:
        s->lr = (uint32_t)val;
        s->tick_offset += (int64_t)(uint32_t)val - pl031_count(s);
        pl031_arm(s);
        break;
    case PL031_MR:
        s->mr = (uint32_t)val;
        pl031_arm(s);
        break;
    case PL031_IMSC:
        s->im = val & 1;
        pl031_update_irq(s);
        break;
    case PL031_ICR:
        s->is &= ~(uint32_t)val & 1;
        pl031_update_irq(s);
        break;
    case PL031_CR:
        /* The counter always runs; writing 0 does not stop it. */
        break;
    default:
        guest_error("pl031: bad write 0x%" PRIx64 " at 0x%" PRIx64 "\n",
                    val, addr);
        break;
    }
}

static const MemoryRegionOps pl031_ops = {
    .read = pl031_mmio_read,
    .write = pl031_mmio_write,
    .valid_min = 4,
    .valid_max = 4,
};

static int pl031_realize(DeviceState *dev)
{
    PL031State *s = (PL031State *)dev;

    timer_init(&s->match_timer, CLOCK_HOST, pl031_match_fire, s);
    memory_region_init_io(&s->mmio, TYPE_PL031, &pl031_ops, s, PL031_SIZE);
    return 0;
}

static void pl031_reset(DeviceState *dev)
{
    PL031State *s = (PL031State *)dev;

    /* The time itself survives a reset, like a battery-backed RTC. */
    timer_del(&s->match_timer);
    s->mr = 0;
    s->lr = 0;
    s->cr = 1;
    s->im = 0;
    s->is = 0;
    pl031_update_irq(s);
}

PL031State *pl031_create(MemoryRegion *parent, hwaddr base, IRQLine *irq)
{
    PL031State *s = (PL031State *)device_new(TYPE_PL031);

    if (!s) {
        fatal("cannot create %s", TYPE_PL031);
    }
    s->irq = irq;
    if (device_realize(&s->parent) < 0) {
        exit(1);
    }
    memory_region_add_subregion(parent, base, &s->mmio);
    return s;
}

static DeviceType pl031_type = {
    .name = TYPE_PL031,
    .desc = "Arm PL031 real-time clock",
    .instance_size = sizeof(PL031State),
    .realize = pl031_realize,
    .reset = pl031_reset,
};

DEVICE_TYPE_REGISTER(pl031_type)
