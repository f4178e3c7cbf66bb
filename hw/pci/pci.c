/* SPDX-License-Identifier: MIT */
/* PCI core: config space, BARs, capabilities, INTx, MSI, MSI-X, info pci. */
#include "machina/pci.h"
#include "machina/log.h"
#include "machina/net.h"
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>

static PCIBus *pci_buses;

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
                           uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

PCIBus *pci_bus_new(const char *name, MemoryRegion *mem, MemoryRegion *io,
                    AddressSpace *dma_as)
{
    PCIBus *bus = mc_malloc0(sizeof(*bus));
    PCIBus **pp = &pci_buses;

    bus->name = name;
    bus->mem_space = mem;
    bus->io_space = io;
    bus->dma_as = dma_as;
    while (*pp) {
        pp = &(*pp)->next;
    }
    *pp = bus;
    return bus;
}

PCIBus *pci_bus_default(void)
{
    return pci_buses;
}

/* ---- config space helpers ---- */

static void cfg_set(uint8_t *p, uint32_t off, unsigned size, uint64_t v)
{
    stn_le(p + off, size, v);
}

void pci_config_set_ids(PCIDevice *d, uint16_t vendor, uint16_t device,
                        uint16_t subsys_vendor, uint16_t subsys,
                        uint8_t revision, uint32_t class_prog)
{
    cfg_set(d->config, PCI_VENDOR_ID, 2, vendor);
    cfg_set(d->config, PCI_DEVICE_ID, 2, device);
    cfg_set(d->config, PCI_SUBSYSTEM_VENDOR_ID, 2, subsys_vendor);
    cfg_set(d->config, PCI_SUBSYSTEM_ID, 2, subsys);
    d->config[PCI_REVISION_ID] = revision;
    /* class_prog is class << 8 | prog-if, i.e. 0x020000 for Ethernet */
    d->config[PCI_CLASS_PROG] = class_prog & 0xff;
    cfg_set(d->config, PCI_CLASS_DEVICE, 2, class_prog >> 8);
}

void pci_config_set_interrupt_pin(PCIDevice *d, int pin)
{
    d->config[PCI_INTERRUPT_PIN] = pin & 7;
}

static void pci_init_masks(PCIDevice *d)
{
    /* Command: I/O, memory, master, parity, SERR, INTx disable. */
    cfg_set(d->wmask, PCI_COMMAND, 2,
            PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
            PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
            PCI_COMMAND_INTX_DISABLE);
    /* Status error bits are RW1C (PCI 3.0 section 6.2.3). */
    cfg_set(d->w1cmask, PCI_STATUS, 2, 0xf900);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    memset(d->cmask, 0xff, 0x40);
}

static int pci_bus_attach(PCIDevice *d, PCIBus *bus, int devfn)
{
    if (devfn < 0) {
        for (int slot = 0; slot < PCI_SLOT_MAX; slot++) {
            if (!bus->devices[PCI_DEVFN(slot, 0)]) {
                devfn = PCI_DEVFN(slot, 0);
                break;
            }
        }
        if (devfn < 0) {
            error_report("%s: no free PCI slot", d->name);
            return -1;
        }
    } else if (devfn > 255 || bus->devices[devfn]) {
        error_report("%s: PCI address %02x.%x is in use or invalid",
                     d->name, PCI_SLOT(devfn), PCI_FUNC(devfn));
        return -1;
    }
    d->bus = bus;
    d->devfn = devfn;
    bus->devices[devfn] = d;
    return 0;
}

int pci_parse_devfn(const char *str, int *devfn)
{
    char *end;
    unsigned long slot = strtoul(str, &end, 16), fn = 0;

    if (end == str || slot >= PCI_SLOT_MAX) {
        return -1;
    }
    if (*end == '.') {
        const char *p = end + 1;

        fn = strtoul(p, &end, 10);
        if (end == p || fn > 7) {
            return -1;
        }
    }
    if (*end) {
        return -1;
    }
    *devfn = PCI_DEVFN(slot, fn);
    return 0;
}

/* Devices realized (by -device) before the machine made its bus. */
static PCIDevice *pci_pending;

int pci_device_register(PCIDevice *d, PCIBus *bus, const char *name,
                        int devfn, bool is_express)
{
    d->name = name;
    d->config_size = is_express ? PCIE_CONFIG_SPACE_SIZE
                                : PCI_CONFIG_SPACE_SIZE;
    d->config = mc_malloc0(d->config_size);
    d->wmask = mc_malloc0(d->config_size);
    d->w1cmask = mc_malloc0(d->config_size);
    d->cmask = mc_malloc0(d->config_size);
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        d->io_regions[i].addr = PCI_BAR_UNMAPPED;
    }
    pci_init_masks(d);
    if (!bus) {
        bus = pci_bus_default();
    }
    if (!bus) {
        PCIDevice **pp = &pci_pending;

        d->devfn = devfn;   /* requested address, applied at plug time */
        while (*pp) {
            pp = &(*pp)->next_on_bus;
        }
        *pp = d;
        return 0;
    }
    return pci_bus_attach(d, bus, devfn);
}

int pci_bus_plug_pending(PCIBus *bus)
{
    /* Explicit addresses first so automatic ones do not take them. */
    for (int pass = 0; pass < 2; pass++) {
        for (PCIDevice **pp = &pci_pending; *pp;) {
            PCIDevice *d = *pp;

            if ((pass == 0) != (d->devfn >= 0)) {
                pp = &d->next_on_bus;
                continue;
            }
            *pp = d->next_on_bus;
            d->next_on_bus = NULL;
            if (pci_bus_attach(d, bus, d->devfn) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

bool pci_have_pending(void)
{
    return pci_pending != NULL;
}

/* ---- BARs ---- */

static uint32_t bar_offset(int n)
{
    return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + n * 4;
}

void pci_register_bar(PCIDevice *d, int n, uint8_t type, MemoryRegion *mr)
{
    PCIIORegion *r;
    uint64_t size, mask;
    uint32_t off;

    assert(n >= 0 && n < PCI_NUM_REGIONS);
    r = &d->io_regions[n];
    size = mr->size;
    if (n == PCI_ROM_SLOT) {
        type = 0;
    }
    size = MAX(size, (type & PCI_BASE_ADDRESS_SPACE_IO) ? 4 : 16);
    if (size & (size - 1)) {
        size = 1ULL << (64 - __builtin_clzll(size));
    }
    r->mr = mr;
    r->size = size;
    r->type = type;
    r->addr = PCI_BAR_UNMAPPED;
    off = bar_offset(n);
    mask = ~(size - 1);
    cfg_set(d->config, off, 4, type);
    if (n == PCI_ROM_SLOT) {
        cfg_set(d->wmask, off, 4, (uint32_t)mask | PCI_ROM_ADDRESS_ENABLE);
    } else if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        cfg_set(d->wmask, off, 4, (uint32_t)mask & 0xfffffffc);
    } else {
        cfg_set(d->wmask, off, 4, (uint32_t)mask & 0xfffffff0);
        if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            assert(n + 1 < PCI_NUM_BARS);
            cfg_set(d->wmask, off + 4, 4, mask >> 32);
        }
    }
}

uint64_t pci_bar_addr(PCIDevice *d, int n)
{
    if (n < 0 || n >= PCI_NUM_REGIONS) {
        return PCI_BAR_UNMAPPED;
    }
    return d->io_regions[n].addr;
}

/* Where BAR n should be now, from config space and the command register. */
static uint64_t bar_decode(PCIDevice *d, int n)
{
    PCIIORegion *r = &d->io_regions[n];
    uint16_t cmd = ldn_le(d->config + PCI_COMMAND, 2);
    uint32_t off = bar_offset(n);
    MemoryRegion *space;
    uint64_t addr;

    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = ldn_le(d->config + off, 4) & ~(uint64_t)3;
        space = d->bus->io_space;
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = ldn_le(d->config + off, 4);
        if (n == PCI_ROM_SLOT) {
            if (!(addr & PCI_ROM_ADDRESS_ENABLE)) {
                return PCI_BAR_UNMAPPED;
            }
            addr &= ~(uint64_t)0x7ff;
        } else {
            addr &= ~(uint64_t)0xf;
        }
        if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            addr |= (uint64_t)ldn_le(d->config + off + 4, 4) << 32;
        }
        space = d->bus->mem_space;
    }
    addr &= ~(r->size - 1);
    /* Address 0 is treated as unassigned, as firmware leaves it. */
    if (!space || addr == 0 || addr + r->size < addr ||
        addr + r->size > space->size) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void pci_update_mappings(PCIDevice *d)
{
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &d->io_regions[n];
        MemoryRegion *space;
        uint64_t addr;

        if (!r->mr) {
            continue;
        }
        space = (r->type & PCI_BASE_ADDRESS_SPACE_IO) ? d->bus->io_space
                                                       : d->bus->mem_space;
        addr = bar_decode(d, n);
        if (addr == r->addr) {
            continue;
        }
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(space, r->mr);
        }
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            /* Overlapping BARs are the guest's problem: lowest priority. */
            memory_region_add_subregion_overlap(space, addr, r->mr, 1);
        }
    }
}

/* ---- capabilities ---- */

uint8_t pci_find_capability(PCIDevice *d, uint8_t id)
{
    uint8_t pos;
    int guard = 48;     /* a looped list cannot hang us */

    if (!(ldn_le(d->config + PCI_STATUS, 2) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    pos = d->config[PCI_CAPABILITY_LIST] & ~3;
    while (pos >= 0x40 && guard-- > 0) {
        if (d->config[pos] == id) {
            return pos;
        }
        pos = d->config[pos + 1] & ~3;
    }
    return 0;
}

uint8_t pci_add_capability(PCIDevice *d, uint8_t id, uint8_t size)
{
    uint32_t pos = 0;

    /* First free dword-aligned gap of size bytes in 0x40..0xff. */
    for (uint32_t p = 0x40; p + size <= PCI_CONFIG_SPACE_SIZE; p += 4) {
        bool free_run = true;

        for (uint32_t i = 0; i < size; i++) {
            if (d->cmask[p + i]) {
                free_run = false;
                break;
            }
        }
        if (free_run) {
            pos = p;
            break;
        }
    }
    if (!pos) {
        return 0;
    }
    memset(d->cmask + pos, 0xff, size);
    d->config[pos] = id;
    d->config[pos + 1] = d->config[PCI_CAPABILITY_LIST];
    d->config[PCI_CAPABILITY_LIST] = pos;
    cfg_set(d->config, PCI_STATUS, 2,
            ldn_le(d->config + PCI_STATUS, 2) | PCI_STATUS_CAP_LIST);
    return pos;
}

/* ---- INTx ---- */

static int pci_default_map_irq(PCIDevice *d, int pin)
{
    return (PCI_SLOT(d->devfn) + pin) % PCI_NUM_PINS;
}

static void pci_bus_change_irq(PCIDevice *d, int delta)
{
    PCIBus *bus = d->bus;
    int pin = d->config[PCI_INTERRUPT_PIN];
    int line;

    if (pin < 1 || pin > PCI_NUM_PINS) {
        return;
    }
    line = bus->map_irq ? bus->map_irq(d, pin - 1)
                        : pci_default_map_irq(d, pin - 1);
    line &= PCI_NUM_PINS - 1;
    bus->irq_count[line] += delta;
    irq_set(bus->irqs[line], bus->irq_count[line] > 0);
}

static bool intx_disabled(PCIDevice *d)
{
    return ldn_le(d->config + PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE;
}

void pci_set_irq(PCIDevice *d, int level)
{
    uint16_t status;
    bool was, now;

    level = level != 0;
    if (level == d->intx_level || !d->bus) {
        return;
    }
    was = d->intx_level && !intx_disabled(d);
    d->intx_level = level;
    now = level && !intx_disabled(d);
    /* Interrupt status reflects the device's request regardless. */
    status = ldn_le(d->config + PCI_STATUS, 2) & ~PCI_STATUS_INTERRUPT;
    cfg_set(d->config, PCI_STATUS, 2,
            status | (level ? PCI_STATUS_INTERRUPT : 0));
    if (was != now) {
        pci_bus_change_irq(d, now ? 1 : -1);
    }
}

/* ---- config access ---- */

uint32_t pci_config_read(PCIDevice *d, uint32_t addr, int len)
{
    if (len != 1 && len != 2 && len != 4) {
        return ~0u;
    }
    if (addr >= d->config_size || addr + len > d->config_size) {
        /* Extended space of a conventional device reads as zero. */
        return 0;
    }
    return ldn_le(d->config + addr, len);
}

void pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    bool was_intx_off = intx_disabled(d);
    bool was_msi = msi_enabled(d), was_msix = msix_enabled(d);

    if ((len != 1 && len != 2 && len != 4) || addr >= d->config_size ||
        addr + len > d->config_size) {
        guest_error("pci %s: bad config write at 0x%x len %d\n", d->name,
                    addr, len);
        return;
    }
    for (int i = 0; i < len; i++) {
        uint8_t b = val >> (i * 8);
        uint8_t wm = d->wmask[addr + i], w1c = d->w1cmask[addr + i];

        d->config[addr + i] = (d->config[addr + i] & ~wm) | (b & wm);
        d->config[addr + i] &= ~(b & w1c);
    }
    if (ranges_overlap(addr, len, PCI_COMMAND, 2) ||
        ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 24) ||
        ranges_overlap(addr, len, PCI_ROM_ADDRESS, 4)) {
        pci_update_mappings(d);
    }
    if (was_intx_off != intx_disabled(d) && d->intx_level &&
        !(was_msi || was_msix)) {
        pci_bus_change_irq(d, was_intx_off ? 1 : -1);
    }
    if (d->config_write_hook) {
        d->config_write_hook(d, addr, val, len);
    }
}

static PCIDevice *bus_dev(PCIBus *bus, int devfn)
{
    if (devfn < 0 || devfn > 255) {
        return NULL;
    }
    return bus->devices[devfn];
}

uint32_t pci_bus_config_read(PCIBus *bus, int devfn, uint32_t addr, int len)
{
    PCIDevice *d = bus_dev(bus, devfn);

    if (!d) {
        return len == 4 ? 0xffffffffu : (1u << (len * 8)) - 1;
    }
    return pci_config_read(d, addr, len);
}

void pci_bus_config_write(PCIBus *bus, int devfn, uint32_t addr,
                          uint32_t val, int len)
{
    PCIDevice *d = bus_dev(bus, devfn);

    if (d) {
        pci_config_write(d, addr, val, len);
    }
}

/* ---- reset ---- */

static void pci_device_reset(PCIDevice *d)
{
    uint16_t cmd;

    if (d->intx_level) {
        pci_set_irq(d, 0);
    }
    /* Clear the writable parts: command, BARs, latency, line. */
    for (uint32_t i = 0; i < d->config_size; i++) {
        d->config[i] &= ~(d->wmask[i] | d->w1cmask[i]);
    }
    cmd = ldn_le(d->config + PCI_COMMAND, 2);
    cfg_set(d->config, PCI_COMMAND, 2, cmd & ~0x7ff);
    if (d->msix_table) {
        for (int i = 0; i < d->msix_entries; i++) {
            memset(d->msix_table + i * PCI_MSIX_ENTRY_SIZE, 0, 12);
            cfg_set(d->msix_table, i * PCI_MSIX_ENTRY_SIZE + 12, 4,
                    PCI_MSIX_ENTRY_CTRL_MASKBIT);
        }
        memset(d->msix_pba, 0, (d->msix_entries + 63) / 64 * 8);
    }
    pci_update_mappings(d);
}

void pci_bus_reset(PCIBus *bus)
{
    for (int i = 0; i < 256; i++) {
        if (bus->devices[i]) {
            pci_device_reset(bus->devices[i]);
        }
    }
}

/* ---- MSI ---- */

int msi_init(PCIDevice *d, int vectors, bool is_64bit)
{
    uint8_t size = is_64bit ? 14 : 10, pos;
    uint16_t flags;
    int log2v = 0;

    if (vectors < 1 || vectors > 32 || (vectors & (vectors - 1))) {
        return -1;
    }
    while ((1 << log2v) < vectors) {
        log2v++;
    }
    pos = pci_add_capability(d, PCI_CAP_ID_MSI, size);
    if (!pos) {
        return -1;
    }
    d->msi_cap = pos;
    flags = (log2v << 1) | (is_64bit ? PCI_MSI_FLAGS_64BIT : 0);
    cfg_set(d->config, pos + PCI_MSI_FLAGS, 2, flags);
    cfg_set(d->wmask, pos + PCI_MSI_FLAGS, 2,
            PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
    cfg_set(d->wmask, pos + PCI_MSI_ADDRESS_LO, 4, 0xfffffffc);
    if (is_64bit) {
        cfg_set(d->wmask, pos + 8, 4, 0xffffffff);
        cfg_set(d->wmask, pos + 12, 2, 0xffff);
    } else {
        cfg_set(d->wmask, pos + 8, 2, 0xffff);
    }
    return 0;
}

bool msi_enabled(PCIDevice *d)
{
    return d->msi_cap && d->bus && d->bus->msi_notify &&
           (ldn_le(d->config + d->msi_cap + PCI_MSI_FLAGS, 2) &
            PCI_MSI_FLAGS_ENABLE);
}

void msi_notify(PCIDevice *d, int vector)
{
    uint16_t flags = ldn_le(d->config + d->msi_cap + PCI_MSI_FLAGS, 2);
    bool is64 = flags & PCI_MSI_FLAGS_64BIT;
    int nvec = 1 << ((flags & PCI_MSI_FLAGS_QSIZE) >> 4);
    uint64_t addr;
    uint16_t data;

    if (!msi_enabled(d) || vector < 0 || vector >= nvec ||
        !(ldn_le(d->config + PCI_COMMAND, 2) & PCI_COMMAND_MASTER)) {
        return;
    }
    addr = ldn_le(d->config + d->msi_cap + PCI_MSI_ADDRESS_LO, 4);
    if (is64) {
        addr |= (uint64_t)ldn_le(d->config + d->msi_cap + 8, 4) << 32;
        data = ldn_le(d->config + d->msi_cap + 12, 2);
    } else {
        data = ldn_le(d->config + d->msi_cap + 8, 2);
    }
    /* Low bits of data select the vector (PCI 3.0 section 6.8.1.6). */
    data = (data & ~(nvec - 1)) | vector;
    d->bus->msi_notify(d->bus->msi_opaque, addr, data);
}

/* ---- MSI-X ---- */

static bool msix_entry_masked(PCIDevice *d, int v)
{
    uint16_t ctl = ldn_le(d->config + d->msix_cap + PCI_MSIX_FLAGS, 2);

    return (ctl & PCI_MSIX_FLAGS_MASKALL) ||
           (ldn_le(d->msix_table + v * PCI_MSIX_ENTRY_SIZE + 12, 4) &
            PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

static void msix_fire(PCIDevice *d, int v)
{
    uint8_t *e = d->msix_table + v * PCI_MSIX_ENTRY_SIZE;

    d->bus->msi_notify(d->bus->msi_opaque, ldn_le(e, 8), ldn_le(e + 8, 4));
}

static void msix_set_pending(PCIDevice *d, int v, bool on)
{
    uint8_t bit = 1u << (v & 7);

    if (on) {
        d->msix_pba[v / 8] |= bit;
    } else {
        d->msix_pba[v / 8] &= ~bit;
    }
}

static uint64_t msix_table_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *d = opaque;

    if (addr + size > (hwaddr)d->msix_entries * PCI_MSIX_ENTRY_SIZE) {
        guest_error("pci %s: MSI-X table read beyond end 0x%" PRIx64 "\n",
                    d->name, addr);
        return 0;
    }
    return ldn_le(d->msix_table + addr, size);
}

static void msix_table_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    PCIDevice *d = opaque;
    int v = addr / PCI_MSIX_ENTRY_SIZE;
    bool was_masked;

    if (addr + size > (hwaddr)d->msix_entries * PCI_MSIX_ENTRY_SIZE) {
        guest_error("pci %s: MSI-X table write beyond end 0x%" PRIx64 "\n",
                    d->name, addr);
        return;
    }
    was_masked = msix_entry_masked(d, v);
    stn_le(d->msix_table + addr, size, val);
    /* Only the mask bit of vector control is writable. */
    {
        uint8_t *ctl = d->msix_table + v * PCI_MSIX_ENTRY_SIZE + 12;

        stn_le(ctl, 4, ldn_le(ctl, 4) & PCI_MSIX_ENTRY_CTRL_MASKBIT);
    }
    if (was_masked && !msix_entry_masked(d, v) && msix_enabled(d) &&
        (d->msix_pba[v / 8] & (1u << (v & 7)))) {
        msix_set_pending(d, v, false);
        msix_fire(d, v);
    }
}

static uint64_t msix_pba_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *d = opaque;

    if (addr + size > (hwaddr)(d->msix_entries + 63) / 64 * 8) {
        return 0;
    }
    return ldn_le(d->msix_pba + addr, size);
}

static void msix_pba_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    PCIDevice *d = opaque;

    (void)addr;
    (void)val;
    (void)size;
    guest_error("pci %s: write to read-only MSI-X PBA\n", d->name);
}

static const MemoryRegionOps msix_table_ops = {
    .read = msix_table_read,
    .write = msix_table_write,
    .valid_min = 4, .valid_max = 8,
    .impl_min = 1, .impl_max = 8,
};

static const MemoryRegionOps msix_pba_ops = {
    .read = msix_pba_read,
    .write = msix_pba_write,
    .valid_min = 4, .valid_max = 8,
    .impl_min = 1, .impl_max = 8,
};

int msix_init(PCIDevice *d, int nentries, MemoryRegion *bar_container,
              int bar, uint32_t table_off, uint32_t pba_off)
{
    uint32_t tsize = nentries * PCI_MSIX_ENTRY_SIZE;
    uint32_t psize = (nentries + 63) / 64 * 8;
    uint8_t pos;

    if (nentries < 1 || nentries > 2048 || bar < 0 || bar >= PCI_NUM_BARS ||
        (table_off & 7) || (pba_off & 7) ||
        table_off + tsize > bar_container->size ||
        pba_off + psize > bar_container->size ||
        ranges_overlap(table_off, tsize, pba_off, psize)) {
        return -1;
    }
    pos = pci_add_capability(d, PCI_CAP_ID_MSIX, 12);
    if (!pos) {
        return -1;
    }
    d->msix_cap = pos;
    d->msix_entries = nentries;
    d->msix_table = mc_malloc0(tsize);
    d->msix_pba = mc_malloc0(psize);
    for (int i = 0; i < nentries; i++) {
        cfg_set(d->msix_table, i * PCI_MSIX_ENTRY_SIZE + 12, 4,
                PCI_MSIX_ENTRY_CTRL_MASKBIT);
    }
    cfg_set(d->config, pos + PCI_MSIX_FLAGS, 2, nentries - 1);
    cfg_set(d->wmask, pos + PCI_MSIX_FLAGS, 2,
            PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
    cfg_set(d->config, pos + PCI_MSIX_TABLE, 4, table_off | bar);
    cfg_set(d->config, pos + PCI_MSIX_PBA, 4, pba_off | bar);
    memory_region_init_io(&d->msix_table_mr, "msix-table", &msix_table_ops,
                          d, tsize);
    memory_region_init_io(&d->msix_pba_mr, "msix-pba", &msix_pba_ops, d,
                          psize);
    memory_region_add_subregion(bar_container, table_off, &d->msix_table_mr);
    memory_region_add_subregion(bar_container, pba_off, &d->msix_pba_mr);
    return 0;
}

bool msix_enabled(PCIDevice *d)
{
    return d->msix_cap && d->bus && d->bus->msi_notify &&
           (ldn_le(d->config + d->msix_cap + PCI_MSIX_FLAGS, 2) &
            PCI_MSIX_FLAGS_ENABLE);
}

void msix_notify(PCIDevice *d, int vector)
{
    if (!msix_enabled(d) || vector < 0 || vector >= d->msix_entries ||
        !(ldn_le(d->config + PCI_COMMAND, 2) & PCI_COMMAND_MASTER)) {
        return;
    }
    if (msix_entry_masked(d, vector)) {
        msix_set_pending(d, vector, true);
        return;
    }
    msix_fire(d, vector);
}

bool pci_msi_or_msix_notify(PCIDevice *d, int vector)
{
    if (msix_enabled(d)) {
        msix_notify(d, vector);
        return true;
    }
    if (msi_enabled(d)) {
        msi_notify(d, vector);
        return true;
    }
    return false;
}

/* ---- info pci ---- */

void pci_print_info(FILE *f)
{
    for (PCIBus *bus = pci_buses; bus; bus = bus->next) {
        for (int devfn = 0; devfn < 256; devfn++) {
            PCIDevice *d = bus->devices[devfn];
            uint8_t *c;

            if (!d) {
                continue;
            }
            c = d->config;
            fprintf(f, "  Bus  0, device %3d, function %d:\n",
                    PCI_SLOT(devfn), PCI_FUNC(devfn));
            fprintf(f, "    class %04x: PCI device %04x:%04x\n",
                    (unsigned)ldn_le(c + PCI_CLASS_DEVICE, 2),
                    (unsigned)ldn_le(c + PCI_VENDOR_ID, 2),
                    (unsigned)ldn_le(c + PCI_DEVICE_ID, 2));
            if (c[PCI_INTERRUPT_PIN]) {
                fprintf(f, "      IRQ %d, pin %c\n", c[PCI_INTERRUPT_LINE],
                        'A' + c[PCI_INTERRUPT_PIN] - 1);
            }
            for (int n = 0; n < PCI_NUM_REGIONS; n++) {
                PCIIORegion *r = &d->io_regions[n];
                const char *kind;

                if (!r->mr) {
                    continue;
                }
                kind = n == PCI_ROM_SLOT ? "ROM" :
                       (r->type & PCI_BASE_ADDRESS_SPACE_IO) ? "I/O" :
                       (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) ?
                       "64 bit memory" : "32 bit memory";
                if (r->addr == PCI_BAR_UNMAPPED) {
                    fprintf(f, "      BAR%d: %s at unassigned [size 0x%"
                            PRIx64 "].\n", n, kind, r->size);
                } else {
                    fprintf(f, "      BAR%d: %s at 0x%" PRIx64 " [0x%"
                            PRIx64 "].\n", n, kind, r->addr,
                            r->addr + r->size - 1);
                }
            }
            fprintf(f, "      id \"%s\"\n",
                    d->qdev.id ? d->qdev.id : "");
        }
    }
}

/* ---- -nic ---- */

static bool is_pci_nic_model(const char *m)
{
    size_t n = strlen(m);

    return !strcmp(m, "e1000") || (n > 4 && !strcmp(m + n - 4, "-pci"));
}

int pci_nics_create(const char *default_model)
{
    for (int i = 0; i < net_nic_count(); i++) {
        NicInfo *ni = net_nic_get(i);
        const char *model = ni->model ? ni->model : default_model;
        DeviceState *dev;
        char mac[18];

        if (ni->claimed || !model || !is_pci_nic_model(model) ||
            !device_type_find(model)) {
            continue;
        }
        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
                 ni->mac[0], ni->mac[1], ni->mac[2], ni->mac[3],
                 ni->mac[4], ni->mac[5]);
        dev = device_new(model);
        if (!dev || device_set_prop(dev, "mac", mac) < 0 ||
            (ni->backend && ni->backend->id &&
             device_set_prop(dev, "netdev", ni->backend->id) < 0) ||
            device_realize(dev) < 0) {
            return -1;
        }
        ni->claimed = true;
    }
    return 0;
}
