/* SPDX-License-Identifier: MIT */
/* Memory-mapped attachment of the 16550 UART core. */
#ifndef HW_CHAR_UART16550_MMIO_H
#define HW_CHAR_UART16550_MMIO_H

#include "machina/device.h"
#include "machina/memory.h"
#include "uart16550.h"

typedef struct Uart16550MmioState {
    DeviceState parent;
    Uart16550 uart;
    MemoryRegion mmio;
    /* Properties. */
    uint32_t reg_shift;         /* register stride is 1 << reg_shift */
    Chardev *chr;
    /* Wired by the machine before realize. */
    IRQLine *irq;
} Uart16550MmioState;

#define TYPE_UART16550_MMIO "uart16550-mmio"

/* Create, realize and map at base in parent; fatal on failure. */
Uart16550MmioState *uart16550_mmio_create(MemoryRegion *parent, hwaddr base,
                                          unsigned reg_shift, IRQLine *irq,
                                          Chardev *chr);

#endif
