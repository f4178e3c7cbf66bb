/* SPDX-License-Identifier: MIT */
/* Arm PrimeCell PL031 real-time clock ("arm,pl031"). */
#ifndef HW_RTC_PL031_H
#define HW_RTC_PL031_H

#include "machina/device.h"
#include "machina/irq.h"
#include "machina/memory.h"
#include "machina/timer.h"

#define TYPE_PL031 "pl031"
#define PL031_SIZE 0x1000

enum {
    PL031_DR = 0x00,            /* data: current count (seconds) */
    PL031_MR = 0x04,            /* match */
    PL031_LR = 0x08,            /* load */
    PL031_CR = 0x0c,            /* control: bit 0 start */
    PL031_IMSC = 0x10,          /* interrupt mask set/clear */
    PL031_RIS = 0x14,           /* raw interrupt status */
    PL031_MIS = 0x18,           /* masked interrupt status */
    PL031_ICR = 0x1c,           /* interrupt clear */
};

typedef struct PL031State {
    DeviceState parent;
    MemoryRegion mmio;
    IRQLine *irq;               /* wired by the machine */
    Timer match_timer;          /* CLOCK_HOST */
    int64_t tick_offset;        /* count = host wall-clock seconds + this */
    uint32_t mr, lr, cr, im, is;
} PL031State;

/* Create, realize and map at base in parent. */
PL031State *pl031_create(MemoryRegion *parent, hwaddr base, IRQLine *irq);

uint64_t pl031_mmio_read(void *opaque, hwaddr addr, unsigned size);
void pl031_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                      unsigned size);

#endif
