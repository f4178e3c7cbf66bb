/* SPDX-License-Identifier: MIT */
/* Generic PCIe ECAM host bridge ("pci-host-ecam-generic"), as QEMU's gpex. */
#ifndef HW_PCI_HOST_GPEX_H
#define HW_PCI_HOST_GPEX_H

#include "machina/pci.h"

typedef struct GpexWindows {
    hwaddr ecam_base;
    uint64_t ecam_size;         /* 1 MiB per bus */
    hwaddr mmio_base;           /* 32-bit window, bus address == CPU */
    uint64_t mmio_size;
    hwaddr high_base;           /* 64-bit prefetchable window (or 0) */
    uint64_t high_size;
    hwaddr pio_base;            /* I/O ports 0.. appear here */
    uint64_t pio_size;
} GpexWindows;

typedef struct GpexState {
    GpexWindows w;
    MemoryRegion ecam;
    MemoryRegion pci_mem;       /* PCI memory space */
    MemoryRegion pci_io;        /* PCI I/O space */
    MemoryRegion mmio_alias, high_alias, io_alias;
    PCIBus *bus;
    PCIDevice *root;            /* host bridge function at 00.0 */
} GpexState;

/* Create the bridge, map its windows into sys, INTA..D on irqs[0..3]. */
GpexState *gpex_create(MemoryRegion *sys, const GpexWindows *w,
                       IRQLine *const irqs[PCI_NUM_PINS]);
void gpex_reset(GpexState *s);

/*
 * Emit the device tree node (sequential-write libfdt) as QEMU's riscv and
 * arm virt do: INTx of slot s pin p -> intc irq_base + (s + p) % 4, each
 * parent specifier intc_cells (1 for the PLIC) cells long.  Returns 0 or a
 * libfdt error.
 */
int gpex_fdt_node(void *fdt, const GpexState *s, uint32_t intc_phandle,
                  int irq_base);

#endif
