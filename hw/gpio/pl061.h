/* SPDX-License-Identifier: MIT */
/* Arm PrimeCell PL061 GPIO controller ("arm,pl061"), 8 lines. */
#ifndef HW_GPIO_PL061_H
#define HW_GPIO_PL061_H

#include "machina/device.h"
#include "machina/irq.h"
#include "machina/memory.h"

#define TYPE_PL061 "pl061"
#define PL061_SIZE 0x1000
#define PL061_NR_LINES 8

typedef struct PL061State {
    DeviceState parent;
    MemoryRegion mmio;
    IRQLine *irq;                       /* combined interrupt, machine */
    IRQLine **in;                       /* input lines 0..7 */
    IRQLine *out[PL061_NR_LINES];       /* outputs, may be NULL */
    uint8_t data, old_out, dir, isense, ibe, iev, im, istate, afsel;
    uint8_t in_level;                   /* levels driven on the inputs */
    uint8_t old_in;                     /* inputs as last sampled */
} PL061State;

/* Create, realize and map at base in parent. */
PL061State *pl061_create(MemoryRegion *parent, hwaddr base, IRQLine *irq);

uint64_t pl061_mmio_read(void *opaque, hwaddr addr, unsigned size);
void pl061_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                      unsigned size);

#endif
