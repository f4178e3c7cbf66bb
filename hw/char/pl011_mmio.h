/* SPDX-License-Identifier: MIT */
/* Memory-mapped (APB) attachment of the PL011 UART core. */
#ifndef HW_CHAR_PL011_MMIO_H
#define HW_CHAR_PL011_MMIO_H

#include "machina/device.h"
#include "machina/memory.h"
#include "pl011.h"

typedef struct PL011MmioState {
    DeviceState parent;
    PL011 uart;
    MemoryRegion mmio;
    Chardev *chr;               /* property */
    IRQLine *irq;               /* wired by the machine before realize */
} PL011MmioState;

#define TYPE_PL011 "pl011"

/* Create, realize and map the 4 KiB frame at base; fatal on failure. */
PL011MmioState *pl011_mmio_create(MemoryRegion *parent, hwaddr base,
                                  IRQLine *irq, Chardev *chr);

#endif
