/* SPDX-License-Identifier: MIT */
/* Generic PCIe ECAM host bridge: ECAM decoding, windows, device tree node. */
#include "gpex.h"
#include "machina/log.h"
#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>

#define GPEX_ROOT_DEVICE_ID 0x0008      /* QEMU's Red Hat PCIe host */

/* ECAM: bus[27:20] devfn[19:12] register[11:0] (PCIe 5.0 section 7.2.2). */
static uint64_t gpex_ecam_read(void *opaque, hwaddr addr, unsigned size)
{
    GpexState *s = opaque;
    uint32_t reg = addr & 0xfff;

    if (reg & (size - 1)) {
        guest_error("gpex: unaligned ECAM read 0x%" PRIx64 " size %u\n",
                    addr, size);
        return ~0ull;
    }
    if ((addr >> 20) != 0) {
        /* No bridges: only bus 0 exists. */
        return (1ull << (size * 8)) - 1;
    }
    return pci_bus_config_read(s->bus, (addr >> 12) & 0xff, reg, size);
}

static void gpex_ecam_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    GpexState *s = opaque;
    uint32_t reg = addr & 0xfff;

    if (reg & (size - 1)) {
        guest_error("gpex: unaligned ECAM write 0x%" PRIx64 " size %u\n",
                    addr, size);
        return;
    }
    if ((addr >> 20) != 0) {
        return;
    }
    pci_bus_config_write(s->bus, (addr >> 12) & 0xff, reg, val, size);
}

static const MemoryRegionOps gpex_ecam_ops = {
    .read = gpex_ecam_read,
    .write = gpex_ecam_write,
    .valid_min = 1, .valid_max = 4,
};

GpexState *gpex_create(MemoryRegion *sys, const GpexWindows *w,
                       IRQLine *const irqs[PCI_NUM_PINS])
{
    GpexState *s = mc_malloc0(sizeof(*s));
    PCIDevice *root;

    s->w = *w;
    memory_region_init_io(&s->ecam, "pcie-ecam", &gpex_ecam_ops, s,
                          w->ecam_size);
    memory_region_add_subregion(sys, w->ecam_base, &s->ecam);
    /* PCI memory space is identity mapped through the windows. */
    memory_region_init_container(&s->pci_mem, "pci-memory", UINT64_MAX);
    memory_region_init_container(&s->pci_io, "pci-io", w->pio_size);
    memory_region_init_alias(&s->mmio_alias, "pcie-mmio", &s->pci_mem,
                             w->mmio_base, w->mmio_size);
    memory_region_add_subregion(sys, w->mmio_base, &s->mmio_alias);
    if (w->high_size) {
        memory_region_init_alias(&s->high_alias, "pcie-mmio-high",
                                 &s->pci_mem, w->high_base, w->high_size);
        memory_region_add_subregion(sys, w->high_base, &s->high_alias);
    }
    memory_region_init_alias(&s->io_alias, "pcie-pio", &s->pci_io, 0,
                             w->pio_size);
    memory_region_add_subregion(sys, w->pio_base, &s->io_alias);

    s->bus = pci_bus_new("pcie.0", &s->pci_mem, &s->pci_io,
                         &address_space_memory);
    for (int i = 0; i < PCI_NUM_PINS; i++) {
        s->bus->irqs[i] = irqs[i];
    }
    /* The host bridge function itself, like QEMU's gpex-root at 00.0. */
    root = mc_malloc0(sizeof(*root));
    if (pci_device_register(root, s->bus, "gpex-root", PCI_DEVFN(0, 0),
                            true) < 0) {
        fatal("gpex: cannot register the host bridge function");
    }
    pci_config_set_ids(root, PCI_VENDOR_ID_REDHAT, GPEX_ROOT_DEVICE_ID,
                       PCI_VENDOR_ID_REDHAT, 0x1100, 0,
                       PCI_CLASS_BRIDGE_HOST << 8);
    s->root = root;
    if (pci_bus_plug_pending(s->bus) < 0) {
        exit(1);
    }
    return s;
}

void gpex_reset(GpexState *s)
{
    pci_bus_reset(s->bus);
}

#define FDT_TRY(expr) do {          \
        int ret_ = (expr);          \
        if (ret_ < 0) {             \
            return ret_;            \
        }                           \
    } while (0)

int gpex_fdt_node(void *fdt, const GpexState *s, uint32_t intc_phandle,
                  int irq_base)
{
    const GpexWindows *w = &s->w;
    char name[64];
    uint32_t map[PCI_NUM_PINS * PCI_NUM_PINS * 6];
    uint32_t ranges[3 * 7];
    int n = 0, nr = 0;

    snprintf(name, sizeof(name), "pci@%" PRIx64, w->ecam_base);
    FDT_TRY(fdt_begin_node(fdt, name));
    FDT_TRY(fdt_property_u32(fdt, "#address-cells", 3));
    FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
    FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
    FDT_TRY(fdt_property_string(fdt, "compatible",
                                "pci-host-ecam-generic"));
    FDT_TRY(fdt_property_string(fdt, "device_type", "pci"));
    FDT_TRY(fdt_property_u32(fdt, "linux,pci-domain", 0));
    {
        uint32_t br[2] = { cpu_to_fdt32(0),
                           cpu_to_fdt32(w->ecam_size / MiB - 1) };
        FDT_TRY(fdt_property(fdt, "bus-range", br, sizeof(br)));
    }
    FDT_TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
    {
        uint32_t reg[4] = {
            cpu_to_fdt32(w->ecam_base >> 32), cpu_to_fdt32(w->ecam_base),
            cpu_to_fdt32(w->ecam_size >> 32), cpu_to_fdt32(w->ecam_size),
        };
        FDT_TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
    }
    /* ranges: <flags pci-hi pci-lo cpu-hi cpu-lo size-hi size-lo> */
#define RANGE(flags, pci, cpu, size) do {                   \
        ranges[nr++] = cpu_to_fdt32(flags);                 \
        ranges[nr++] = cpu_to_fdt32((uint64_t)(pci) >> 32); \
        ranges[nr++] = cpu_to_fdt32(pci);                   \
        ranges[nr++] = cpu_to_fdt32((uint64_t)(cpu) >> 32); \
        ranges[nr++] = cpu_to_fdt32(cpu);                   \
        ranges[nr++] = cpu_to_fdt32((uint64_t)(size) >> 32);\
        ranges[nr++] = cpu_to_fdt32(size);                  \
    } while (0)
    RANGE(0x01000000, 0, w->pio_base, w->pio_size);
    RANGE(0x02000000, w->mmio_base, w->mmio_base, w->mmio_size);
    if (w->high_size) {
        RANGE(0x03000000, w->high_base, w->high_base, w->high_size);
    }
#undef RANGE
    FDT_TRY(fdt_property(fdt, "ranges", ranges, nr * sizeof(uint32_t)));
    for (int slot = 0; slot < PCI_NUM_PINS; slot++) {
        for (int pin = 0; pin < PCI_NUM_PINS; pin++) {
            map[n++] = cpu_to_fdt32(PCI_DEVFN(slot, 0) << 8);
            map[n++] = 0;
            map[n++] = 0;
            map[n++] = cpu_to_fdt32(pin + 1);
            map[n++] = cpu_to_fdt32(intc_phandle);
            map[n++] = cpu_to_fdt32(irq_base + (slot + pin) % PCI_NUM_PINS);
        }
    }
    FDT_TRY(fdt_property(fdt, "interrupt-map", map, n * sizeof(uint32_t)));
    {
        uint32_t mask[4] = { cpu_to_fdt32(0x1800), 0, 0, cpu_to_fdt32(7) };
        FDT_TRY(fdt_property(fdt, "interrupt-map-mask", mask,
                             sizeof(mask)));
    }
    FDT_TRY(fdt_end_node(fdt));
    return 0;
}
