/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: PCIe host (gpex ECAM), virtio-pci devices, e1000 and
 * the standard VGA.
 */

/*
 * One gpex host bridge with e1000, virtio-net/blk/rng/serial/gpu-pci and
 * VGA (vgamem_mb=1) behind it.  Ops reach ECAM (16 buses) and the I/O
 * window through the system bus, and every BAR of every device through a
 * private address space holding an alias of it (1 MiB apart), so the ops
 * need no firmware-style enumeration first.  The fuzzer can still program
 * BARs and the command register through ECAM: each move builds a new
 * flat view and system/rcu.c frees the old one after its grace period
 * (the harness ends every run with rcu_reclaim(), as the main loop
 * would).  VGA's legacy decoding has three more regions: its ports
 * 0x3b0-0x3df and the VBE ports 0x1ce-0x1d0 inside the I/O window (so
 * every op of those regions hits a register), and the 0xa0000-0xbffff
 * window of PCI memory space, which no CPU window shows (an alias of
 * the bus's memory space).  Bus mastering is on from the start.  Events:
 * arg bit 23 set runs every console's display update (VGA's text and
 * graphics rendering, what a viewer's refresh does; bit 22 invalidates
 * first, as a new viewer does); else a frame from RAM goes to e1000 (arg
 * bit 0 clear) or virtio-net (set).  MSI writes go to a sink.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "machina/block.h"
#include "machina/device.h"
#include "machina/net.h"
#include "machina/pci.h"
#include "machina/rcu.h"
#include "machina/ui.h"
#include "../../hw/pci-host/gpex.h"
#include "fuzz-dev.h"

#define FZ_ECAM_BASE    0x30000000ULL
#define FZ_ECAM_SIZE    0x1000000ULL
#define FZ_MMIO_BASE    0x40000000ULL
#define FZ_MMIO_SIZE    0x1000000ULL
#define FZ_PIO_BASE     0x03000000ULL
#define FZ_PIO_SIZE     0x10000ULL
#define FZ_IMG_SIZE     (1 << 20)

#define FZ_MAX_REGIONS  31      /* 5 region bits: index 31 is the event */

#define FZ_EV_DISPLAY   (1u << 23)
#define FZ_EV_INVALIDATE (1u << 22)

static FzRegion fz_regions[FZ_MAX_REGIONS];
static int fz_nregions;
static MemoryRegion fz_bar_root, fz_bar_alias[FZ_MAX_REGIONS];
static MemoryRegion fz_vga_lowmem;
static MemoryRegion *fz_vram;   /* VGA's vram: cleared after each run */
static AddressSpace fz_bar_as;

static GpexState *fz_gpex;
static int fz_img_fd = -1;
static NetClient fz_net[2];

static ssize_t fz_net_receive(NetClient *nc, const uint8_t *buf, size_t len)
{
    (void)nc;
    (void)buf;
    return (ssize_t)len;
}

/* Registered under a backend model name so netdev= can find it. */
static const NetClientOps fz_net_ops = { .receive = fz_net_receive };

static void fz_msi(void *opaque, uint64_t addr, uint32_t data)
{
    (void)opaque;
    (void)addr;
    (void)data;
}

static void fz_map_bars(void);

static void fz_new(const char *type, const char *prop, const char *val)
{
    DeviceState *dev = device_new(type);

    if (!dev || (prop && device_set_prop(dev, prop, val) < 0) ||
        device_realize(dev) < 0) {
        fprintf(stderr, "fuzz-pci: cannot create %s\n", type);
        abort();
    }
}

static void fz_setup(void)
{
    IRQLine *irqs[PCI_NUM_PINS];
    GpexWindows w = {
        .ecam_base = FZ_ECAM_BASE, .ecam_size = FZ_ECAM_SIZE,
        .mmio_base = FZ_MMIO_BASE, .mmio_size = FZ_MMIO_SIZE,
        .pio_base = FZ_PIO_BASE, .pio_size = FZ_PIO_SIZE,
    };
    char spec[128];

    fz_machine_init();
    for (int i = 0; i < PCI_NUM_PINS; i++) {
        irqs[i] = fz_irq();
    }
    fz_gpex = gpex_create(system_memory, &w, irqs);
    fz_gpex->bus->msi_notify = fz_msi;

    fz_img_fd = memfd_create("fuzz-vblk", 0);
    if (fz_img_fd < 0 || ftruncate(fz_img_fd, FZ_IMG_SIZE) < 0) {
        perror("fuzz-pci: memfd");
        abort();
    }
    snprintf(spec, sizeof(spec),
             "file=/proc/self/fd/%d,format=raw,if=none,id=fzblk", fz_img_fd);
    if (!drive_new(spec)) {
        abort();
    }
    net_client_init(&fz_net[0], &fz_net_ops, "tap", "fznet0", NULL);
    net_client_init(&fz_net[1], &fz_net_ops, "tap", "fznet1", NULL);
    fz_new("e1000", "netdev", "fznet0");
    fz_new("virtio-net-pci", "netdev", "fznet1");
    fz_new("virtio-blk-pci", "drive", "fzblk");
    fz_new("virtio-rng-pci", NULL, NULL);
    fz_new("virtio-serial-pci", NULL, NULL);
    fz_new("virtio-gpu-pci", NULL, NULL);
    /* Last, so the seeds' region numbers of the others stay. */
    fz_new("VGA", "vgamem_mb", "1");
    fz_map_bars();
}

/* Every BAR of every function on bus 0, aliased into fz_bar_as. */
static void fz_map_bars(void)
{
    PCIBus *bus = fz_gpex->bus;
    hwaddr at = 0;

    fz_regions[0] = (FzRegion){ FZ_ECAM_BASE, FZ_ECAM_SIZE, NULL };
    fz_regions[1] = (FzRegion){ FZ_PIO_BASE, FZ_PIO_SIZE, NULL };
    fz_nregions = 2;
    memory_region_init_container(&fz_bar_root, "fuzz.bars", UINT64_MAX);
    for (int devfn = 0; devfn < 256; devfn++) {
        PCIDevice *d = bus->devices[devfn];

        for (int n = 0; d && n < PCI_NUM_REGIONS; n++) {
            MemoryRegion *mr = d->io_regions[n].mr;

            if (!mr || fz_nregions == FZ_MAX_REGIONS) {
                continue;
            }
            if (mr->ram && !strcmp(mr->name, "vga.vram")) {
                fz_vram = mr;
            }
            memory_region_init_alias(&fz_bar_alias[fz_nregions], "fuzz.bar",
                                     mr, 0, mr->size);
            memory_region_add_subregion(&fz_bar_root, at,
                                        &fz_bar_alias[fz_nregions]);
            fz_regions[fz_nregions++] = (FzRegion){ at, mr->size,
                                                    &fz_bar_as };
            at += MAX(mr->size, 0x100000ULL);
        }
    }
    if (fz_nregions + 3 > FZ_MAX_REGIONS || !fz_vram) {
        fprintf(stderr, "fuzz-pci: %d regions, VGA %sfound\n", fz_nregions,
                fz_vram ? "" : "not ");
        abort();
    }
    /* VGA's legacy ports and window (vga_map_legacy puts them there). */
    fz_regions[fz_nregions++] = (FzRegion){ FZ_PIO_BASE + 0x3b0, 0x30, NULL };
    fz_regions[fz_nregions++] = (FzRegion){ FZ_PIO_BASE + 0x1ce, 3, NULL };
    memory_region_init_alias(&fz_vga_lowmem, "fuzz.vga-lowmem",
                             &fz_gpex->pci_mem, 0xa0000, 0x20000);
    memory_region_add_subregion(&fz_bar_root, at, &fz_vga_lowmem);
    fz_regions[fz_nregions++] = (FzRegion){ at, 0x20000, &fz_bar_as };
    address_space_init(&fz_bar_as, &fz_bar_root, "fuzz-bars");
}

/* Bus master on, decoding off: DMA works, no BAR is mapped. */
static void fz_bus_master(void)
{
    PCIBus *bus = fz_gpex->bus;

    for (int devfn = 0; devfn < 256; devfn++) {
        if (bus->devices[devfn]) {
            pci_bus_config_write(bus, devfn, 0x04, 0x4, 2);
        }
    }
}

static void fz_event(uint32_t arg, uint64_t val)
{
    uint32_t len = (uint32_t)(val & 0x7ff);
    const uint8_t *buf;
    NetClient *nic = fz_net[arg & 1].peer;

    if (arg & FZ_EV_DISPLAY) {
        for (int i = 0; i < console_count(); i++) {
            if (arg & FZ_EV_INVALIDATE) {
                console_hw_invalidate(console_by_index(i));
            }
            console_hw_update(console_by_index(i));
        }
        return;
    }
    buf = fz_ram_input(arg >> 1, &len);

    if (nic && nic->ops->receive &&
        (!nic->ops->can_receive || nic->ops->can_receive(nic))) {
        /* Straight to the NIC: no sender-side queue survives the run. */
        nic->ops->receive(nic, buf, len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_img_fd < 0) {
        fz_setup();
    }
    fz_bus_master();
    fz_run(data, size, fz_regions, fz_nregions, fz_event);
    devices_reset_all();
    gpex_reset(fz_gpex);
    /* Video memory survives a reset; runs must not see each other's. */
    memset(fz_vram->ram, 0, fz_vram->size);
    rcu_reclaim();
    if (ftruncate(fz_img_fd, 0) < 0 || ftruncate(fz_img_fd, FZ_IMG_SIZE) < 0) {
        abort();
    }
    return 0;
}
