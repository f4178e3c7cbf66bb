/* SPDX-License-Identifier: MIT */
/*
 * PCI core: configuration space with write masks, BARs mapped into the
 * bus's memory and I/O spaces, capability list, INTx with swizzling, MSI
 * and MSI-X.  Host bridges (hw/pci-host/) create the bus and forward
 * configuration accesses; devices embed PCIDevice first in their state.
 */
#ifndef MACHINA_PCI_H
#define MACHINA_PCI_H

#include "machina/common.h"
#include "machina/device.h"
#include "machina/irq.h"
#include "machina/memory.h"
#include <stdio.h>

#define PCI_CONFIG_SPACE_SIZE   256
#define PCIE_CONFIG_SPACE_SIZE  4096
#define PCI_NUM_BARS            6
#define PCI_ROM_SLOT            6
#define PCI_NUM_REGIONS         7
#define PCI_NUM_PINS            4
#define PCI_SLOT_MAX            32
#define PCI_DEVFN(slot, fn)     ((((slot) & 0x1f) << 3) | ((fn) & 7))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 7)
#define PCI_BAR_UNMAPPED        (~(uint64_t)0)

/* Configuration header (type 0), PCI Local Bus 3.0 section 6.1 */
#define PCI_VENDOR_ID           0x00
#define PCI_DEVICE_ID           0x02
#define PCI_COMMAND             0x04
#define  PCI_COMMAND_IO         0x0001
#define  PCI_COMMAND_MEMORY     0x0002
#define  PCI_COMMAND_MASTER     0x0004
#define  PCI_COMMAND_PARITY     0x0040
#define  PCI_COMMAND_SERR       0x0100
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS              0x06
#define  PCI_STATUS_INTERRUPT   0x0008
#define  PCI_STATUS_CAP_LIST    0x0010
#define PCI_REVISION_ID         0x08
#define PCI_CLASS_PROG          0x09
#define PCI_CLASS_DEVICE        0x0a
#define PCI_CACHE_LINE_SIZE     0x0c
#define PCI_LATENCY_TIMER       0x0d
#define PCI_HEADER_TYPE         0x0e
#define  PCI_HEADER_TYPE_MULTI  0x80
#define PCI_BASE_ADDRESS_0      0x10
#define  PCI_BASE_ADDRESS_SPACE_IO      0x01
#define  PCI_BASE_ADDRESS_MEM_TYPE_64   0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH  0x08
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_ROM_ADDRESS         0x30
#define  PCI_ROM_ADDRESS_ENABLE 0x01
#define PCI_CAPABILITY_LIST     0x34
#define PCI_INTERRUPT_LINE      0x3c
#define PCI_INTERRUPT_PIN       0x3d
#define PCI_MIN_GNT             0x3e
#define PCI_MAX_LAT             0x3f

#define PCI_CAP_ID_PM           0x01
#define PCI_CAP_ID_MSI          0x05
#define PCI_CAP_ID_EXP          0x10
#define PCI_CAP_ID_MSIX         0x11

/* MSI capability, PCI 3.0 section 6.8.1 */
#define PCI_MSI_FLAGS           2
#define  PCI_MSI_FLAGS_ENABLE   0x0001
#define  PCI_MSI_FLAGS_QMASK    0x000e
#define  PCI_MSI_FLAGS_QSIZE    0x0070
#define  PCI_MSI_FLAGS_64BIT    0x0080
#define PCI_MSI_ADDRESS_LO      4
/* MSI-X capability, PCI 3.0 section 6.8.2 */
#define PCI_MSIX_FLAGS          2
#define  PCI_MSIX_FLAGS_QSIZE   0x07ff
#define  PCI_MSIX_FLAGS_MASKALL 0x4000
#define  PCI_MSIX_FLAGS_ENABLE  0x8000
#define PCI_MSIX_TABLE          4
#define PCI_MSIX_PBA            8
#define PCI_MSIX_ENTRY_SIZE     16
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 1

#define PCI_VENDOR_ID_INTEL     0x8086
#define PCI_VENDOR_ID_REDHAT    0x1b36
#define PCI_CLASS_NETWORK_ETHERNET 0x0200
#define PCI_CLASS_BRIDGE_HOST   0x0600

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

typedef struct PCIIORegion {
    MemoryRegion *mr;           /* NULL: BAR not implemented */
    uint64_t size;              /* power of two */
    uint8_t type;               /* low BAR bits: IO, MEM_TYPE_64, PREFETCH */
    uint64_t addr;              /* current bus address or PCI_BAR_UNMAPPED */
} PCIIORegion;

struct PCIDevice {
    DeviceState qdev;           /* must be first */
    PCIBus *bus;
    int devfn;                  /* -1 until registered */
    const char *name;
    uint8_t *config;            /* config_size bytes each */
    uint8_t *wmask;             /* bits the guest may write */
    uint8_t *w1cmask;           /* bits cleared by writing 1 */
    uint8_t *cmask;             /* bytes in use by capabilities */
    uint32_t config_size;
    PCIIORegion io_regions[PCI_NUM_REGIONS];
    /* Optional hooks for device-specific config registers. */
    void (*config_write_hook)(PCIDevice *d, uint32_t addr, uint32_t val,
                              int len);
    int intx_level;             /* what the device drives on its pin */
    /* MSI */
    uint8_t msi_cap;            /* 0: none */
    /* MSI-X */
    uint8_t msix_cap;
    uint16_t msix_entries;
    uint8_t *msix_table;
    uint8_t *msix_pba;
    MemoryRegion msix_table_mr, msix_pba_mr;
    PCIDevice *next_on_bus;
};

/* Deliver an MSI write (addr, data) to the platform's interrupt fabric. */
typedef void PCIMSINotify(void *opaque, uint64_t addr, uint32_t data);

struct PCIBus {
    const char *name;
    PCIDevice *devices[256];    /* by devfn */
    MemoryRegion *mem_space;    /* BARs of memory type map here */
    MemoryRegion *io_space;     /* I/O BARs map here */
    AddressSpace *dma_as;       /* bus master accesses */
    IRQLine *irqs[PCI_NUM_PINS];    /* host bridge INTA..INTD inputs */
    int irq_count[PCI_NUM_PINS];
    /* Swizzle device pin (0..3) to a bridge line; default (slot+pin)%4. */
    int (*map_irq)(PCIDevice *d, int pin);
    PCIMSINotify *msi_notify;   /* NULL: MSI is not available */
    void *msi_opaque;
    PCIBus *next;
};

/* Create a bus; mem/io are containers in PCI bus addresses. */
PCIBus *pci_bus_new(const char *name, MemoryRegion *mem, MemoryRegion *io,
                    AddressSpace *dma_as);
/* The first bus created (the one -device attaches to), or NULL. */
PCIBus *pci_bus_default(void);
/* Reset every device on the bus (the host bridge calls this). */
void pci_bus_reset(PCIBus *bus);

/*
 * Set up config space (PCIe size when is_express) and attach the device
 * to bus (NULL: the default bus).  devfn -1 picks the first free slot.
 * -device runs before the machine builds its bus: then the device waits
 * until the host bridge calls pci_bus_plug_pending().  Returns 0 or -1
 * with a message.
 */
int pci_device_register(PCIDevice *d, PCIBus *bus, const char *name,
                        int devfn, bool is_express);
/*
 * A device's addr= property, "slot[.fn]" (slot in hex, as QEMU), as a
 * devfn.  Returns 0, or -1 if str is malformed or out of range.
 */
int pci_parse_devfn(const char *str, int *devfn);
int pci_bus_plug_pending(PCIBus *bus);
bool pci_have_pending(void);
/*
 * Create the PCI NICs that -nic asked for (model NULL: default_model, may
 * be NULL to leave those alone) and mark them claimed.  Returns 0 or -1.
 */
int pci_nics_create(const char *default_model);
/* Helpers to fill the read-only header. */
void pci_config_set_ids(PCIDevice *d, uint16_t vendor, uint16_t device,
                        uint16_t subsys_vendor, uint16_t subsys,
                        uint8_t revision, uint32_t class_prog);
void pci_config_set_interrupt_pin(PCIDevice *d, int pin); /* 1..4, 0 none */

/*
 * Declare BAR n (or PCI_ROM_SLOT) backed by mr; size is rounded up to a
 * power of two (minimum 16 for memory, 4 for I/O).
 */
void pci_register_bar(PCIDevice *d, int n, uint8_t type, MemoryRegion *mr);
uint64_t pci_bar_addr(PCIDevice *d, int n);

/* Add a capability; returns its offset or 0 when there is no room. */
uint8_t pci_add_capability(PCIDevice *d, uint8_t id, uint8_t size);
uint8_t pci_find_capability(PCIDevice *d, uint8_t id);

/* Configuration access as a host bridge sees it (no width checks). */
uint32_t pci_config_read(PCIDevice *d, uint32_t addr, int len);
void pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len);
/* Bus-level access by devfn; absent functions read all ones. */
uint32_t pci_bus_config_read(PCIBus *bus, int devfn, uint32_t addr,
                             int len);
void pci_bus_config_write(PCIBus *bus, int devfn, uint32_t addr,
                          uint32_t val, int len);

/* INTx: level on the device's pin, honouring INTX_DISABLE. */
void pci_set_irq(PCIDevice *d, int level);

/* MSI: a capability with vectors (power of two, <= 32). */
int msi_init(PCIDevice *d, int vectors, bool is_64bit);
bool msi_enabled(PCIDevice *d);
void msi_notify(PCIDevice *d, int vector);
/*
 * MSI-X: table and PBA placed in BAR bar at table_off/pba_off (the caller
 * registers the BAR with a container holding them via msix_bar_init or
 * supplies its own container).  Returns 0 or -1.
 */
int msix_init(PCIDevice *d, int nentries, MemoryRegion *bar_container,
              int bar, uint32_t table_off, uint32_t pba_off);
bool msix_enabled(PCIDevice *d);
void msix_notify(PCIDevice *d, int vector);
/*
 * Interrupt for the device's vector: MSI-X, then MSI when enabled and the
 * platform can deliver it, else INTx pulse semantics are the device's.
 * Returns true if a message was sent.
 */
bool pci_msi_or_msix_notify(PCIDevice *d, int vector);

void pci_print_info(FILE *f);   /* info pci */

#endif
