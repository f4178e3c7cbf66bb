/* SPDX-License-Identifier: MIT */
/* Goldfish RTC (Android emulator platform, "google,goldfish-rtc"). */

/*
 * Time is the host's wall clock (CLOCK_REALTIME) in nanoseconds plus an
 * offset that guest writes to TIME_LOW/TIME_HIGH adjust.  Reading
 * TIME_LOW latches the high half for the following TIME_HIGH read.
 * Writing ALARM_LOW arms the alarm at (ALARM_HIGH << 32) | value; when
 * it expires the interrupt becomes pending and is delivered while
 * IRQ_ENABLED is set.  The alarm runs on the host clock, so it keeps
 * running while the VM is stopped (as QEMU's default rtc clock does).
 */

#include "goldfish_rtc.h"
#include "machina/log.h"
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

static int64_t goldfish_rtc_host_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t goldfish_rtc_now(GoldfishRtcState *s)
{
    return (uint64_t)goldfish_rtc_host_ns() + s->tick_offset;
}

static void goldfish_rtc_update_irq(GoldfishRtcState *s)
{
    irq_set(s->irq, s->irq_pending && s->irq_enabled);
}

static void goldfish_rtc_alarm_fire(void *opaque)
{
    GoldfishRtcState *s = opaque;

    s->alarm_running = false;
    s->irq_pending = true;
    goldfish_rtc_update_irq(s);
}

static void goldfish_rtc_arm(GoldfishRtcState *s)
{
    uint64_t now = goldfish_rtc_now(s);
    int64_t host = clock_get_ns(CLOCK_HOST);
    uint64_t delta;

    timer_del(&s->alarm_timer);
    if (s->alarm_next <= now) {
        goldfish_rtc_alarm_fire(s);
        return;
    }
    delta = s->alarm_next - now;
    if (delta > (uint64_t)(INT64_MAX - host)) {
        delta = INT64_MAX - host;   /* far future: never in practice */
    }
    s->alarm_running = true;
    timer_mod(&s->alarm_timer, host + (int64_t)delta);
}

uint64_t goldfish_rtc_mmio_read(void *opaque, hwaddr addr,
                                UNUSED unsigned size)
{
    GoldfishRtcState *s = opaque;
    uint64_t now;

    switch (addr) {
    case RTC_TIME_LOW:
        now = goldfish_rtc_now(s);
        s->time_high = now >> 32;
        return (uint32_t)now;
    case RTC_TIME_HIGH:
        return s->time_high;
    case RTC_ALARM_LOW:
        return (uint32_t)s->alarm_next;
    case RTC_ALARM_HIGH:
        return s->alarm_next >> 32;
    case RTC_IRQ_ENABLED:
        return s->irq_enabled;
    case RTC_ALARM_STATUS:
        return s->alarm_running;
    default:
        guest_error("goldfish-rtc: bad read at 0x%" PRIx64 "\n", addr);
        return 0;
    }
}

void goldfish_rtc_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             UNUSED unsigned size)
{
    GoldfishRtcState *s = opaque;
    uint64_t now, set;

    switch (addr) {
    case RTC_TIME_LOW:
    case RTC_TIME_HIGH:
        now = goldfish_rtc_now(s);
        set = deposit64(now, addr == RTC_TIME_LOW ? 0 : 32, 32, val);
        s->tick_offset += set - now;
        if (s->alarm_running) {
            goldfish_rtc_arm(s);    /* the alarm is in guest time */
        }
        break;
    case RTC_ALARM_LOW:
        s->alarm_next = ((uint64_t)s->alarm_high << 32) | (uint32_t)val;
        goldfish_rtc_arm(s);
        break;
    case RTC_ALARM_HIGH:
        s->alarm_high = val;
        break;
    case RTC_IRQ_ENABLED:
        s->irq_enabled = val & 1;
        goldfish_rtc_update_irq(s);
        break;
    case RTC_CLEAR_ALARM:
        timer_del(&s->alarm_timer);
        s->alarm_running = false;
        break;
    case RTC_CLEAR_INTERRUPT:
        s->irq_pending = false;
        goldfish_rtc_update_irq(s);
        break;
    default:
        guest_error("goldfish-rtc: bad write 0x%" PRIx64 " at 0x%" PRIx64
                    "\n", val, addr);
        break;
    }
}

static const MemoryRegionOps goldfish_rtc_ops = {
    .read = goldfish_rtc_mmio_read,
    .write = goldfish_rtc_mmio_write,
    .valid_min = 4,
    .valid_max = 4,
};

static int goldfish_rtc_realize(DeviceState *dev)
{
    GoldfishRtcState *s = (GoldfishRtcState *)dev;

    timer_init(&s->alarm_timer, CLOCK_HOST, goldfish_rtc_alarm_fire, s);
    memory_region_init_io(&s->mmio, TYPE_GOLDFISH_RTC, &goldfish_rtc_ops, s,
                          GOLDFISH_RTC_SIZE);
    return 0;
}

static void goldfish_rtc_reset(DeviceState *dev)
{
    GoldfishRtcState *s = (GoldfishRtcState *)dev;

    /* The clock itself keeps running across a reset, like a real RTC. */
    timer_del(&s->alarm_timer);
    s->alarm_next = 0;
    s->alarm_high = 0;
    s->alarm_running = false;
    s->irq_pending = false;
    s->irq_enabled = false;
    goldfish_rtc_update_irq(s);
}

GoldfishRtcState *goldfish_rtc_create(MemoryRegion *parent, hwaddr base,
                                      IRQLine *irq)
{
    GoldfishRtcState *s = (GoldfishRtcState *)device_new(TYPE_GOLDFISH_RTC);

    if (!s) {
        fatal("cannot create %s", TYPE_GOLDFISH_RTC);
    }
    s->irq = irq;
    if (device_realize(&s->parent) < 0) {
        exit(1);
    }
    memory_region_add_subregion(parent, base, &s->mmio);
    return s;
}

static DeviceType goldfish_rtc_type = {
    .name = TYPE_GOLDFISH_RTC,
    .desc = "Goldfish real-time clock",
    .instance_size = sizeof(GoldfishRtcState),
    .realize = goldfish_rtc_realize,
    .reset = goldfish_rtc_reset,
};

DEVICE_TYPE_REGISTER(goldfish_rtc_type)
