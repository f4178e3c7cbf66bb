/* SPDX-License-Identifier: MIT */
/* Goldfish RTC: nanosecond wall clock with one alarm and an IRQ. */
#ifndef HW_RTC_GOLDFISH_RTC_H
#define HW_RTC_GOLDFISH_RTC_H

#include "machina/device.h"
#include "machina/irq.h"
#include "machina/memory.h"
#include "machina/timer.h"

#define TYPE_GOLDFISH_RTC "goldfish-rtc"
#define GOLDFISH_RTC_SIZE 0x1000

enum {
    RTC_TIME_LOW = 0x00,
    RTC_TIME_HIGH = 0x04,
    RTC_ALARM_LOW = 0x08,
    RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10,
    RTC_CLEAR_ALARM = 0x14,
    RTC_ALARM_STATUS = 0x18,
    RTC_CLEAR_INTERRUPT = 0x1c,
};

typedef struct GoldfishRtcState {
    DeviceState parent;
    MemoryRegion mmio;
    IRQLine *irq;               /* wired by the machine */
    Timer alarm_timer;          /* CLOCK_HOST */
    uint64_t tick_offset;       /* guest time = wall clock + offset */
    uint64_t alarm_next;
    uint32_t alarm_high;        /* staged by ALARM_HIGH writes */
    uint32_t time_high;         /* latched by TIME_LOW reads */
    bool alarm_running;
    bool irq_pending;
    bool irq_enabled;
} GoldfishRtcState;

/* Create, realize and map at base in parent. */
GoldfishRtcState *goldfish_rtc_create(MemoryRegion *parent, hwaddr base,
                                      IRQLine *irq);

uint64_t goldfish_rtc_mmio_read(void *opaque, hwaddr addr, unsigned size);
void goldfish_rtc_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size);

#endif
