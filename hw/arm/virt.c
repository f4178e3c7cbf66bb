/* SPDX-License-Identifier: MIT */
/*
 * AArch64 "virt" board with QEMU 7.2's memory map, devices and device
 * tree, so firmware and kernels built for QEMU's board run unchanged:
 *   0x00000000  CFI flash bank 0 (64 MiB, -bios or -drive pflash0)
 *   0x04000000  CFI flash bank 1 (64 MiB)
 *   0x08000000  GIC distributor; GICv2 CPU interface at 0x08010000 and
 *               GICv2m MSI frame at 0x08020000, or GICv3 redistributors
 *               at 0x080a0000 (-M virt,gic-version=2|3; 2 by default)
 *   0x09000000  PL011 UART (SPI 1)
 *   0x09010000  PL031 RTC (SPI 2)
 *   0x09020000  fw_cfg, MMIO interface
 *   0x09030000  PL061 GPIO (SPI 7); line 3 is the power button
 *   0x0a000000  32 virtio-mmio transports, 0x200 apart (SPIs 16..47)
 *   0x10000000  PCIe MMIO window (to 0x3efeffff), PIO at 0x3eff0000,
 *               INTA..D on SPIs 3..6; ECAM at 0x4010000000 (256 buses),
 *               64-bit MMIO at 0x8000000000 (512 GiB)
 *   0x40000000  RAM
 * PSCI is handled here over HVC (no EL2/EL3 firmware).  See
 * docs/devel/arm-virt.md for the choices and differences from QEMU.
 */
#include "machina/common.h"
#include "machina/arm.h"
#include "machina/block.h"
#include "machina/chardev.h"
#include "machina/device.h"
#include "machina/fdt.h"
#include "machina/fw_cfg.h"
#include "machina/loader.h"
#include "machina/log.h"
#include "machina/machine.h"
#include "machina/main-loop.h"
#include "machina/memory.h"
#include "machina/pci.h"
#include "machina/timer.h"
#include "machina/virtio.h"
#include "../block/pflash_cfi01.h"
#include "../char/pl011_mmio.h"
#include "../gpio/pl061.h"
#include "../intc/arm_gic.h"
#include "../pci-host/gpex.h"
#include "../rtc/pl031.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define VIRT_MAX_CPUS 8
#define VIRT_FDT_BUF_SIZE (64 * KiB)
#define VIRT_EM_AARCH64 183

#define VIRT_FLASH_BASE UINT64_C(0x00000000)
#define VIRT_FLASH_BANK UINT64_C(0x04000000)        /* per bank */
#define VIRT_FLASH_SECTOR (256 * KiB)
#define VIRT_GICD_BASE UINT64_C(0x08000000)
#define VIRT_GICC_BASE UINT64_C(0x08010000)
#define VIRT_GICV2M_BASE UINT64_C(0x08020000)
#define VIRT_GICR_BASE UINT64_C(0x080a0000)
#define VIRT_GICR_STRIDE UINT64_C(0x20000)
#define VIRT_GICR_SIZE UINT64_C(0x00f60000)         /* QEMU's region */
#define VIRT_NUM_SPIS 256
#define VIRT_UART_BASE UINT64_C(0x09000000)
#define VIRT_RTC_BASE UINT64_C(0x09010000)
#define VIRT_FW_CFG_BASE UINT64_C(0x09020000)
#define VIRT_GPIO_BASE UINT64_C(0x09030000)
#define VIRT_MMIO_DEV_SIZE UINT64_C(0x1000)
#define VIRT_PLATFORM_BUS_BASE UINT64_C(0x0c000000)
#define VIRT_PLATFORM_BUS_SIZE UINT64_C(0x02000000)
#define VIRT_VIRTIO_BASE UINT64_C(0x0a000000)
#define VIRT_VIRTIO_COUNT 32
#define VIRT_PCIE_MMIO_BASE UINT64_C(0x10000000)
#define VIRT_PCIE_MMIO_SIZE UINT64_C(0x2eff0000)
#define VIRT_PCIE_PIO_BASE UINT64_C(0x3eff0000)
#define VIRT_PCIE_PIO_SIZE UINT64_C(0x10000)
#define VIRT_PCIE_ECAM_BASE UINT64_C(0x4010000000)
#define VIRT_PCIE_ECAM_SIZE UINT64_C(0x10000000)
#define VIRT_PCIE_HIGH_BASE UINT64_C(0x8000000000)
#define VIRT_PCIE_HIGH_SIZE UINT64_C(0x8000000000)
#define VIRT_DRAM_BASE UINT64_C(0x40000000)

/* SPIs (INTID - 32) as QEMU's a15irqmap */
#define VIRT_UART_SPI 1
#define VIRT_RTC_SPI 2
#define VIRT_PCIE_SPI 3                 /* INTA..INTD: 3..6 */
#define VIRT_GPIO_SPI 7
#define VIRT_VIRTIO_SPI 16              /* 16..47 */
#define VIRT_GICV2M_SPI 48              /* 64 MSIs: 48..111 */
#define VIRT_GICV2M_COUNT 64

#define VIRT_GPIO_POWER_LINE 3
#define VIRT_KEY_POWER 116              /* linux,code KEY_POWER */
#define VIRT_POWER_PRESS_NS (100 * 1000 * 1000)

/* Image header of an arm64 Linux kernel (Documentation/arm64/booting) */
#define ARM64_IMAGE_MAGIC 0x644d5241u  /* "ARM\x64" at offset 0x38 */

typedef struct ArmVirtState {
    ARMCPU *cpus[VIRT_MAX_CPUS];
    int nr_cpus;
    int gic_version;            /* 2 or 3 */
    MemoryRegion ram;
    PFlashCFI01 *flash[2];
    PL011MmioState *uart;
    PL031State *rtc;
    PL061State *gpio;
    Timer power_button;
    FWCfgState *fw_cfg;
    ARMGICv3 *gicv3;
    ARMGICv2 *gicv2;
    ARMGICv2m *gicv2m;
    GpexState *gpex;
    uint64_t entry, fdt_addr;
} ArmVirtState;

static ArmVirtState *virt_state;

static IRQLine *virt_spi(ArmVirtState *s, int n)
{
    return s->gic_version == 2 ? arm_gicv2_spi(s->gicv2, n)
                               : arm_gicv3_spi(s->gicv3, n);
}

static IRQLine *virt_ppi(ArmVirtState *s, int cpu, int intid)
{
    return s->gic_version == 2 ? arm_gicv2_ppi(s->gicv2, cpu, intid)
                               : arm_gicv3_ppi(s->gicv3, cpu, intid);
}

/* ---- images ---- */

static uint64_t rd_le64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

/*
 * -kernel: an ELF goes to its physical addresses and starts at its entry;
 * otherwise a raw arm64 Image goes to RAM base + text_offset (a file
 * without the Image header is loaded at RAM base).  Returns the entry.
 */
static uint64_t virt_load_kernel(MachineState *ms, ArmVirtState *s,
                                 hwaddr *end)
{
    uint64_t ram_end = VIRT_DRAM_BASE + ms->ram_size, text_offset = 0;
    uint64_t image_size = 0;
    uint8_t *buf;
    size_t size;
    ElfInfo info;
    hwaddr addr;
    int ret;

    ret = load_file(ms->kernel, &buf, &size);
    if (ret < 0) {
        fatal("could not load kernel '%s': %s", ms->kernel, strerror(-ret));
    }
    ret = load_elf_buf(&address_space_memory, buf, size, VIRT_EM_AARCH64,
                       &info);
    if (ret == 0) {
        rom_add_elf(buf, size, VIRT_EM_AARCH64);
        *end = info.high;
        if (info.entry < info.low || info.entry >= info.high) {
            return info.low;
        }
        return info.entry;
    }
    if (ret != -ENOEXEC) {
        fatal("could not load kernel '%s': %s", ms->kernel, strerror(-ret));
    }
    if (size >= 64 && (uint32_t)rd_le64(buf + 0x38) == ARM64_IMAGE_MAGIC) {
        text_offset = rd_le64(buf + 8);
        image_size = rd_le64(buf + 16);     /* includes the BSS */
        /* image_size 0: an old kernel with the historical 0x80000 */
        if (rd_le64(buf + 16) == 0) {
            text_offset = 0x80000;
        }
        if (text_offset >= ms->ram_size) {
            fatal("kernel '%s': text_offset 0x%" PRIx64 " outside RAM",
                  ms->kernel, text_offset);
        }
    }
    addr = VIRT_DRAM_BASE + text_offset;
    if (size > ram_end - addr) {
        fatal("kernel '%s' (%zu bytes) does not fit in RAM", ms->kernel,
              size);
    }
    rom_add_image(addr, buf, size);
    /* Nothing may follow within image_size: the kernel clears its BSS. */
    *end = addr + MAX((uint64_t)size, MIN(image_size, ram_end - addr));
    return addr;
}

/* ---- device tree (nodes in the order of QEMU 7.2's dumped tree) ---- */

/* Phandles as QEMU numbers them: clock, CPUs (last first), GIC, ... */
typedef struct VirtPhandles {
    uint32_t clock, cpu[VIRT_MAX_CPUS], gic, msi, gpio;
} VirtPhandles;

/* GIC flags cell: level high; GICv2 PPIs also name their CPUs. */
#define GIC_FDT_SPI 0
#define GIC_FDT_PPI 1
#define GIC_FDT_LEVEL_HI 4
#define GIC_FDT_EDGE_RISING 1

static void fdt_irq(void *fdt, uint32_t type, uint32_t n, uint32_t flags)
{
    fdt32_t irq[3] = { cpu_to_fdt32(type), cpu_to_fdt32(n),
                       cpu_to_fdt32(flags) };

    FDT_CHK(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
}

static void fdt_apb_clock(void *fdt, const VirtPhandles *ph)
{
    FDT_CHK(fdt_property_string(fdt, "clock-names", "apb_pclk"));
    FDT_CHK(fdt_property_u32(fdt, "clocks", ph->clock));
}

static void virt_fdt_psci_memory(void *fdt, MachineState *ms)
{
    static const char compat_psci[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";

    FDT_CHK(fdt_begin_node(fdt, "psci"));
    FDT_CHK(fdt_property_u32(fdt, "migrate", 0xc4000005));
    FDT_CHK(fdt_property_u32(fdt, "cpu_on", 0xc4000003));
    FDT_CHK(fdt_property_u32(fdt, "cpu_off", PSCI_0_2_FN_CPU_OFF));
    FDT_CHK(fdt_property_u32(fdt, "cpu_suspend", 0xc4000001));
    FDT_CHK(fdt_property_string(fdt, "method", "hvc"));
    FDT_STRLIST(fdt, "compatible", compat_psci);
    FDT_CHK(fdt_end_node(fdt));

    fdt_begin_nodef(fdt, "memory@%" PRIx64, VIRT_DRAM_BASE);
    fdt_reg64(fdt, VIRT_DRAM_BASE, ms->ram_size);
    FDT_CHK(fdt_property_string(fdt, "device_type", "memory"));
    FDT_CHK(fdt_end_node(fdt));
}

static void virt_fdt_platform(void *fdt, const VirtPhandles *ph)
{
    static const char compat_pbus[] = "qemu,platform\0simple-bus";
    fdt32_t ranges[4] = {
        0, 0, cpu_to_fdt32(VIRT_PLATFORM_BUS_BASE),
        cpu_to_fdt32(VIRT_PLATFORM_BUS_SIZE),
    };

    /* Empty dynamic sysbus, as QEMU describes it. */
    fdt_begin_nodef(fdt, "platform-bus@%" PRIx64, VIRT_PLATFORM_BUS_BASE);
    FDT_CHK(fdt_property_u32(fdt, "interrupt-parent", ph->gic));
    FDT_CHK(fdt_property(fdt, "ranges", ranges, sizeof(ranges)));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 1));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 1));
    FDT_STRLIST(fdt, "compatible", compat_pbus);
    FDT_CHK(fdt_end_node(fdt));

    fdt_begin_nodef(fdt, "fw-cfg@%" PRIx64, VIRT_FW_CFG_BASE);
    FDT_CHK(fdt_property(fdt, "dma-coherent", NULL, 0));
    fdt_reg64(fdt, VIRT_FW_CFG_BASE, FW_CFG_MMIO_SIZE);
    FDT_CHK(fdt_property_string(fdt, "compatible", "qemu,fw-cfg-mmio"));
    FDT_CHK(fdt_end_node(fdt));
}

static void virt_fdt_virtio(void *fdt)
{
    for (int i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        hwaddr base = VIRT_VIRTIO_BASE + (hwaddr)i * VIRTIO_MMIO_SIZE;

        fdt_begin_nodef(fdt, "virtio_mmio@%" PRIx64, base);
        FDT_CHK(fdt_property(fdt, "dma-coherent", NULL, 0));
        fdt_irq(fdt, GIC_FDT_SPI, VIRT_VIRTIO_SPI + i, GIC_FDT_EDGE_RISING);
        fdt_reg64(fdt, base, VIRTIO_MMIO_SIZE);
        FDT_CHK(fdt_property_string(fdt, "compatible", "virtio,mmio"));
        FDT_CHK(fdt_end_node(fdt));
    }
}

static void virt_fdt_gpio(void *fdt, const VirtPhandles *ph)
{
    static const char compat_gpio[] = "arm,pl061\0arm,primecell";
    fdt32_t gpios[3] = { cpu_to_fdt32(ph->gpio),
                         cpu_to_fdt32(VIRT_GPIO_POWER_LINE), 0 };

    FDT_CHK(fdt_begin_node(fdt, "gpio-keys"));
    FDT_CHK(fdt_property_string(fdt, "compatible", "gpio-keys"));
    FDT_CHK(fdt_begin_node(fdt, "poweroff"));
    FDT_CHK(fdt_property(fdt, "gpios", gpios, sizeof(gpios)));
    FDT_CHK(fdt_property_u32(fdt, "linux,code", VIRT_KEY_POWER));
    FDT_CHK(fdt_property_string(fdt, "label", "GPIO Key Poweroff"));
    FDT_CHK(fdt_end_node(fdt));
    FDT_CHK(fdt_end_node(fdt));

    fdt_begin_nodef(fdt, "pl061@%" PRIx64, VIRT_GPIO_BASE);
    FDT_CHK(fdt_property_u32(fdt, "phandle", ph->gpio));
    fdt_apb_clock(fdt, ph);
    fdt_irq(fdt, GIC_FDT_SPI, VIRT_GPIO_SPI, GIC_FDT_LEVEL_HI);
    FDT_CHK(fdt_property(fdt, "gpio-controller", NULL, 0));
    FDT_CHK(fdt_property_u32(fdt, "#gpio-cells", 2));
    FDT_STRLIST(fdt, "compatible", compat_gpio);
    fdt_reg64(fdt, VIRT_GPIO_BASE, VIRT_MMIO_DEV_SIZE);
    FDT_CHK(fdt_end_node(fdt));
}

/* ranges cell: <flags pci-hi pci-lo cpu-hi cpu-lo size-hi size-lo> */
static int fdt_pci_range(fdt32_t *r, uint32_t flags, uint64_t pci,
                         uint64_t cpu, uint64_t size)
{
    r[0] = cpu_to_fdt32(flags);
    r[1] = cpu_to_fdt32(pci >> 32);
    r[2] = cpu_to_fdt32(pci);
    r[3] = cpu_to_fdt32(cpu >> 32);
    r[4] = cpu_to_fdt32(cpu);
    r[5] = cpu_to_fdt32(size >> 32);
    r[6] = cpu_to_fdt32(size);
    return 7;
}

static void virt_fdt_pcie(void *fdt, ArmVirtState *s, const VirtPhandles *ph)
{
    fdt32_t map[PCI_NUM_PINS * PCI_NUM_PINS * 10], ranges[21];
    fdt32_t mask[4] = { cpu_to_fdt32(0x1800), 0, 0, cpu_to_fdt32(7) };
    fdt32_t bus_range[2] = { 0, cpu_to_fdt32(VIRT_PCIE_ECAM_SIZE / MiB -
                                             1) };
    int n = 0, nr = 0;

    for (int slot = 0; slot < PCI_NUM_PINS; slot++) {
        for (int pin = 0; pin < PCI_NUM_PINS; pin++) {
            map[n++] = cpu_to_fdt32(PCI_DEVFN(slot, 0) << 8);
            map[n++] = 0;
            map[n++] = 0;
            map[n++] = cpu_to_fdt32(pin + 1);
            map[n++] = cpu_to_fdt32(ph->gic);
            map[n++] = 0;
            map[n++] = 0;
            map[n++] = cpu_to_fdt32(GIC_FDT_SPI);
            map[n++] = cpu_to_fdt32(VIRT_PCIE_SPI +
                                    (slot + pin) % PCI_NUM_PINS);
            map[n++] = cpu_to_fdt32(GIC_FDT_LEVEL_HI);
        }
    }
    nr += fdt_pci_range(ranges + nr, 0x01000000, 0, VIRT_PCIE_PIO_BASE,
                        VIRT_PCIE_PIO_SIZE);
    nr += fdt_pci_range(ranges + nr, 0x02000000, VIRT_PCIE_MMIO_BASE,
                        VIRT_PCIE_MMIO_BASE, VIRT_PCIE_MMIO_SIZE);
    nr += fdt_pci_range(ranges + nr, 0x03000000, VIRT_PCIE_HIGH_BASE,
                        VIRT_PCIE_HIGH_BASE, VIRT_PCIE_HIGH_SIZE);

    fdt_begin_nodef(fdt, "pcie@%" PRIx64, VIRT_PCIE_MMIO_BASE);
    FDT_CHK(fdt_property(fdt, "interrupt-map-mask", mask, sizeof(mask)));
    FDT_CHK(fdt_property(fdt, "interrupt-map", map, n * sizeof(fdt32_t)));
    FDT_CHK(fdt_property_u32(fdt, "#interrupt-cells", 1));
    FDT_CHK(fdt_property(fdt, "ranges", ranges, nr * sizeof(fdt32_t)));
    fdt_reg64(fdt, VIRT_PCIE_ECAM_BASE, VIRT_PCIE_ECAM_SIZE);
    if (s->gic_version == 2) {
        fdt32_t msi[4] = { 0, cpu_to_fdt32(ph->msi), 0,
                           cpu_to_fdt32(0x10000) };

        FDT_CHK(fdt_property(fdt, "msi-map", msi, sizeof(msi)));
    }
    FDT_CHK(fdt_property(fdt, "dma-coherent", NULL, 0));
    FDT_CHK(fdt_property(fdt, "bus-range", bus_range, sizeof(bus_range)));
    FDT_CHK(fdt_property_u32(fdt, "linux,pci-domain", 0));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 2));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 3));
    FDT_CHK(fdt_property_string(fdt, "device_type", "pci"));
    FDT_CHK(fdt_property_string(fdt, "compatible",
                                "pci-host-ecam-generic"));
    FDT_CHK(fdt_end_node(fdt));
}

static void virt_fdt_primecells(void *fdt, const VirtPhandles *ph)
{
    static const char compat_rtc[] = "arm,pl031\0arm,primecell";
    static const char compat_uart[] = "arm,pl011\0arm,primecell";
    static const char uart_clk_names[] = "uartclk\0apb_pclk";
    fdt32_t clocks[2] = { cpu_to_fdt32(ph->clock), cpu_to_fdt32(ph->clock) };

    fdt_begin_nodef(fdt, "pl031@%" PRIx64, VIRT_RTC_BASE);
    fdt_apb_clock(fdt, ph);
    fdt_irq(fdt, GIC_FDT_SPI, VIRT_RTC_SPI, GIC_FDT_LEVEL_HI);
    fdt_reg64(fdt, VIRT_RTC_BASE, VIRT_MMIO_DEV_SIZE);
    FDT_STRLIST(fdt, "compatible", compat_rtc);
    FDT_CHK(fdt_end_node(fdt));

    fdt_begin_nodef(fdt, "pl011@%" PRIx64, VIRT_UART_BASE);
    FDT_STRLIST(fdt, "clock-names", uart_clk_names);
    FDT_CHK(fdt_property(fdt, "clocks", clocks, sizeof(clocks)));
    fdt_irq(fdt, GIC_FDT_SPI, VIRT_UART_SPI, GIC_FDT_LEVEL_HI);
    fdt_reg64(fdt, VIRT_UART_BASE, VIRT_MMIO_DEV_SIZE);
    FDT_STRLIST(fdt, "compatible", compat_uart);
    FDT_CHK(fdt_end_node(fdt));
}

static void virt_fdt_gic(void *fdt, ArmVirtState *s, const VirtPhandles *ph)
{
    fdt_begin_nodef(fdt, "intc@%" PRIx64, VIRT_GICD_BASE);
    FDT_CHK(fdt_property_u32(fdt, "phandle", ph->gic));
    if (s->gic_version == 2) {
        fdt32_t reg[8] = {
            0, cpu_to_fdt32(VIRT_GICD_BASE), 0, cpu_to_fdt32(0x10000),
            0, cpu_to_fdt32(VIRT_GICC_BASE), 0, cpu_to_fdt32(0x10000),
        };

        FDT_CHK(fdt_property(fdt, "reg", reg, sizeof(reg)));
        FDT_CHK(fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic"));
    } else {
        fdt32_t reg[8] = {
            0, cpu_to_fdt32(VIRT_GICD_BASE), 0, cpu_to_fdt32(0x10000),
            0, cpu_to_fdt32(VIRT_GICR_BASE), 0, cpu_to_fdt32(VIRT_GICR_SIZE),
        };

        FDT_CHK(fdt_property(fdt, "reg", reg, sizeof(reg)));
        FDT_CHK(fdt_property_u32(fdt, "#redistributor-regions", 1));
        FDT_CHK(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
    }
    FDT_CHK(fdt_property(fdt, "ranges", NULL, 0));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 2));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 2));
    FDT_CHK(fdt_property(fdt, "interrupt-controller", NULL, 0));
    FDT_CHK(fdt_property_u32(fdt, "#interrupt-cells", 3));
    if (s->gic_version == 2) {
        fdt_begin_nodef(fdt, "v2m@%" PRIx64, VIRT_GICV2M_BASE);
        FDT_CHK(fdt_property_u32(fdt, "phandle", ph->msi));
        fdt_reg64(fdt, VIRT_GICV2M_BASE, GICV2M_SIZE);
        FDT_CHK(fdt_property(fdt, "msi-controller", NULL, 0));
        FDT_CHK(fdt_property_string(fdt, "compatible", "arm,gic-v2m-frame"));
        FDT_CHK(fdt_end_node(fdt));
    }
    FDT_CHK(fdt_end_node(fdt));
}

static void virt_fdt_flash(void *fdt)
{
    fdt32_t reg[8] = {
        0, cpu_to_fdt32(VIRT_FLASH_BASE), 0, cpu_to_fdt32(VIRT_FLASH_BANK),
        0, cpu_to_fdt32(VIRT_FLASH_BASE + VIRT_FLASH_BANK),
        0, cpu_to_fdt32(VIRT_FLASH_BANK),
    };

    fdt_begin_nodef(fdt, "flash@%" PRIx64, VIRT_FLASH_BASE);
    FDT_CHK(fdt_property_u32(fdt, "bank-width", 4));
    FDT_CHK(fdt_property(fdt, "reg", reg, sizeof(reg)));
    FDT_CHK(fdt_property_string(fdt, "compatible", "cfi-flash"));
    FDT_CHK(fdt_end_node(fdt));
}

static void virt_fdt_cpus(void *fdt, MachineState *ms, ArmVirtState *s,
                          const VirtPhandles *ph)
{
    char compat[32];

    snprintf(compat, sizeof(compat), "arm,%s",
             ms->cpu_model && !strncmp(ms->cpu_model, "cortex-a72", 10)
             ? "cortex-a72" : "cortex-a57");
    FDT_CHK(fdt_begin_node(fdt, "cpus"));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 0));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 1));
    FDT_CHK(fdt_begin_node(fdt, "cpu-map"));
    FDT_CHK(fdt_begin_node(fdt, "socket0"));
    FDT_CHK(fdt_begin_node(fdt, "cluster0"));
    for (int i = 0; i < s->nr_cpus; i++) {
        fdt_begin_nodef(fdt, "core%" PRIu64, (uint64_t)i);
        FDT_CHK(fdt_property_u32(fdt, "cpu", ph->cpu[i]));
        FDT_CHK(fdt_end_node(fdt));
    }
    FDT_CHK(fdt_end_node(fdt));
    FDT_CHK(fdt_end_node(fdt));
    FDT_CHK(fdt_end_node(fdt));
    for (int i = 0; i < s->nr_cpus; i++) {
        fdt_begin_nodef(fdt, "cpu@%" PRIx64, (uint64_t)i);
        FDT_CHK(fdt_property_u32(fdt, "phandle", ph->cpu[i]));
        FDT_CHK(fdt_property_u32(fdt, "reg", i));
        if (s->nr_cpus > 1) {
            FDT_CHK(fdt_property_string(fdt, "enable-method", "psci"));
        }
        FDT_CHK(fdt_property_string(fdt, "compatible", compat));
        FDT_CHK(fdt_property_string(fdt, "device_type", "cpu"));
        FDT_CHK(fdt_end_node(fdt));
    }
    FDT_CHK(fdt_end_node(fdt));
}

static void virt_fdt_timer_clock(void *fdt, ArmVirtState *s,
                                 const VirtPhandles *ph)
{
    static const char compat_timer[] = "arm,armv8-timer\0arm,armv7-timer";
    /* PPIs 13 (secure phys), 14 (phys), 11 (virt), 10 (hyp). */
    static const uint32_t ppis[4] = { 13, 14, 11, 10 };
    uint32_t flags = GIC_FDT_LEVEL_HI;
    fdt32_t irqs[12];

    if (s->gic_version == 2) {
        /* GICv2 bindings: bits [15:8] are the CPUs the PPI goes to. */
        flags |= ((1u << s->nr_cpus) - 1) << 8;
    }
    for (int i = 0; i < 4; i++) {
        irqs[3 * i] = cpu_to_fdt32(GIC_FDT_PPI);
        irqs[3 * i + 1] = cpu_to_fdt32(ppis[i]);
        irqs[3 * i + 2] = cpu_to_fdt32(flags);
    }
    FDT_CHK(fdt_begin_node(fdt, "timer"));
    FDT_CHK(fdt_property(fdt, "interrupts", irqs, sizeof(irqs)));
    FDT_CHK(fdt_property(fdt, "always-on", NULL, 0));
    FDT_STRLIST(fdt, "compatible", compat_timer);
    FDT_CHK(fdt_end_node(fdt));

    FDT_CHK(fdt_begin_node(fdt, "apb-pclk"));
    FDT_CHK(fdt_property_u32(fdt, "phandle", ph->clock));
    FDT_CHK(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
    FDT_CHK(fdt_property_u32(fdt, "clock-frequency", 24000000));
    FDT_CHK(fdt_property_u32(fdt, "#clock-cells", 0));
    FDT_CHK(fdt_property_string(fdt, "compatible", "fixed-clock"));
    FDT_CHK(fdt_end_node(fdt));
}

static void virt_fdt_chosen(void *fdt, MachineState *ms, hwaddr initrd_start,
                            hwaddr initrd_end)
{
    uint8_t seed[40];
    char path[64];

    FDT_CHK(fdt_begin_node(fdt, "chosen"));
    snprintf(path, sizeof(path), "/pl011@%" PRIx64, VIRT_UART_BASE);
    FDT_CHK(fdt_property_string(fdt, "stdout-path", path));
    if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed)) {
        FDT_CHK(fdt_property(fdt, "rng-seed", seed, 32));
        FDT_CHK(fdt_property(fdt, "kaslr-seed", seed + 32, 8));
    }
    if (ms->append) {
        if (strlen(ms->append) > VIRT_FDT_BUF_SIZE / 4) {
            fatal("-append string is too long");
        }
        FDT_CHK(fdt_property_string(fdt, "bootargs", ms->append));
    }
    if (initrd_end > initrd_start) {
        FDT_CHK(fdt_property_u64(fdt, "linux,initrd-start", initrd_start));
        FDT_CHK(fdt_property_u64(fdt, "linux,initrd-end", initrd_end));
    }
    FDT_CHK(fdt_end_node(fdt));
}

static void *virt_build_fdt(MachineState *ms, ArmVirtState *s,
                            hwaddr initrd_start, hwaddr initrd_end)
{
    void *fdt = mc_malloc0(VIRT_FDT_BUF_SIZE);
    uint32_t next = 0x8000;
    VirtPhandles ph;

    ph.clock = next++;
    for (int i = s->nr_cpus - 1; i >= 0; i--) {
        ph.cpu[i] = next++;
    }
    ph.gic = next++;
    ph.msi = next++;            /* v2m frame; QEMU's ITS number for v3 */
    ph.gpio = next++;

    FDT_CHK(fdt_create(fdt, VIRT_FDT_BUF_SIZE));
    FDT_CHK(fdt_finish_reservemap(fdt));
    FDT_CHK(fdt_begin_node(fdt, ""));
    FDT_CHK(fdt_property_u32(fdt, "interrupt-parent", ph.gic));
    FDT_CHK(fdt_property_string(fdt, "model", "linux,dummy-virt"));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 2));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 2));
    FDT_CHK(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));

    virt_fdt_psci_memory(fdt, ms);
    virt_fdt_platform(fdt, &ph);
    virt_fdt_virtio(fdt);
    virt_fdt_gpio(fdt, &ph);
    virt_fdt_pcie(fdt, s, &ph);
    virt_fdt_primecells(fdt, &ph);
    virt_fdt_gic(fdt, s, &ph);
    virt_fdt_flash(fdt);
    virt_fdt_cpus(fdt, ms, s, &ph);
    virt_fdt_timer_clock(fdt, s, &ph);
    virt_fdt_chosen(fdt, ms, initrd_start, initrd_end);

    FDT_CHK(fdt_end_node(fdt));
    FDT_CHK(fdt_finish(fdt));
    return fdt;
}

/* ---- PSCI (DEN 0022), conduit HVC ---- */

/* Calls and return values beyond machina/arm.h's (DEN 0022 ch. 5). */
#define PSCI_FN_CPU_ON_32           0x84000003u
#define PSCI_FN_CPU_ON_64           0xc4000003u
#define PSCI_FN_AFFINITY_INFO_32    0x84000004u
#define PSCI_FN_AFFINITY_INFO_64    0xc4000004u
#define PSCI_RET_SUCCESS            0
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_ALREADY_ON         (-4)
#define PSCI_AFFINITY_ON            0
#define PSCI_AFFINITY_OFF           1

static ARMCPU *virt_cpu_by_mpidr(uint64_t mpidr)
{
    ArmVirtState *s = virt_state;

    for (int i = 0; i < s->nr_cpus; i++) {
        if (arm_cpu_mpidr(s->cpus[i]) == (mpidr & 0xff00ffffffULL)) {
            return s->cpus[i];
        }
    }
    return NULL;
}

/*
 * CPU_ON.  Under thread=multi the caller runs on its own
 * vCPU thread while the target's thread may look at the target at any
 * time, and two CPUs may start one target at once.  Under the machine
 * lock the check and the set-up are one step (the second caller gets
 * ALREADY_ON; the reset's timer and GIC calls need the lock anyway).
 * The release store of stopped publishes the new registers to the
 * acquire load in cpu_runnable() on the target's thread; the kick wakes
 * that thread from its idle wait.
 */
static int64_t virt_psci_cpu_on(uint32_t fn, uint64_t mpidr, uint64_t entry,
                                uint64_t ctx)
{
    ARMCPU *target;
    CPUState *tcs;

    if (fn == PSCI_FN_CPU_ON_32) {
        /* SMC32: the arguments are W1-W3 (SMCCC 2.6). */
        mpidr = (uint32_t)mpidr;
        entry = (uint32_t)entry;
        ctx = (uint32_t)ctx;
    }
    target = virt_cpu_by_mpidr(mpidr);
    if (!target) {
        return PSCI_RET_INVALID_PARAMETERS;
    }
    tcs = arm_cpu_state(target);
    machine_lock();
    if (!__atomic_load_n(&tcs->stopped, __ATOMIC_ACQUIRE)) {
        machine_unlock();
        return PSCI_RET_ALREADY_ON;
    }
    arm_cpu_set_reset_vector(target, entry, ctx);
    tcs->ops->reset(tcs);
    __atomic_store_n(&tcs->stopped, false, __ATOMIC_RELEASE);
    machine_unlock();
    cpu_kick(tcs);
    return PSCI_RET_SUCCESS;
}

/*
 * AFFINITY_INFO.  stopped is set by the target's own
 * thread when it acts on CPU_OFF (a release store in cpu_runnable()), so
 * an acquire load here orders whatever the target wrote before CPU_OFF
 * before the caller's next accesses.  Levels above 0 answer ON, as in
 * QEMU (the one cluster is never off).
 */
static int64_t virt_psci_affinity_info(uint32_t fn, uint64_t mpidr,
                                       uint64_t level)
{
    ARMCPU *target;

    if (fn == PSCI_FN_AFFINITY_INFO_32) {
        mpidr = (uint32_t)mpidr;
        level = (uint32_t)level;
    }
    if (level != 0) {
        return PSCI_AFFINITY_ON;
    }
    target = virt_cpu_by_mpidr(mpidr);
    if (!target) {
        return PSCI_RET_INVALID_PARAMETERS;
    }
    return __atomic_load_n(&arm_cpu_state(target)->stopped, __ATOMIC_ACQUIRE)
           ? PSCI_AFFINITY_OFF : PSCI_AFFINITY_ON;
}

static bool virt_firmware_call(CPUState *cs, bool is_smc, uint64_t *regs)
{
    uint32_t fn = (uint32_t)regs[0];

    if (is_smc) {
        return false;           /* the device tree says "hvc" */
    }
    switch (fn) {
    case PSCI_0_2_FN_PSCI_VERSION:
        regs[0] = 0x10000;      /* PSCI 1.0 */
        break;
    case PSCI_0_2_FN_SYSTEM_OFF:
        request_shutdown(SHUTDOWN_GUEST_POWEROFF, 0);
        cs->stop_requested = true;
        cpu_exit(cs);
        break;
    case PSCI_0_2_FN_SYSTEM_RESET:
        request_reset();
        cpu_exit(cs);
        break;
    case PSCI_0_2_FN_CPU_OFF:
        cs->stop_requested = true;
        cpu_exit(cs);
        break;
    case PSCI_FN_CPU_ON_32:
    case PSCI_FN_CPU_ON_64:
        regs[0] = (uint64_t)virt_psci_cpu_on(fn, regs[1], regs[2], regs[3]);
        break;
    case PSCI_FN_AFFINITY_INFO_32:
    case PSCI_FN_AFFINITY_INFO_64:
        regs[0] = (uint64_t)virt_psci_affinity_info(fn, regs[1], regs[2]);
        break;
    case PSCI_1_0_FN_PSCI_FEATURES:
        switch ((uint32_t)regs[1]) {
        case PSCI_0_2_FN_PSCI_VERSION:
        case PSCI_0_2_FN_SYSTEM_OFF:
        case PSCI_0_2_FN_SYSTEM_RESET:
        case PSCI_0_2_FN_CPU_OFF:
        case PSCI_FN_CPU_ON_32:
        case PSCI_FN_CPU_ON_64:
        case PSCI_FN_AFFINITY_INFO_32:
        case PSCI_FN_AFFINITY_INFO_64:
        case PSCI_1_0_FN_PSCI_FEATURES:
            regs[0] = 0;
            break;
        default:
            regs[0] = (uint64_t)(int64_t)PSCI_RET_NOT_SUPPORTED;
            break;
        }
        break;
    default:
        guest_error("virt: unsupported PSCI/SMCCC call 0x%x\n", fn);
        regs[0] = (uint64_t)(int64_t)PSCI_RET_NOT_SUPPORTED;
        break;
    }
    return true;
}

/* ---- machine ---- */

/* -M virt,gic-version=2|3|host|max (QEMU 7.2 defaults to 2). */
static int virt_parse_gic_version(MachineState *ms)
{
    const char *v = machine_opt(ms, "gic-version");

    if (!v || !strcmp(v, "2")) {
        return 2;
    }
    if (!strcmp(v, "3") || !strcmp(v, "host") || !strcmp(v, "max")) {
        return 3;
    }
    fatal("virt: gic-version=%s: expected 2, 3, host or max", v);
}

static void virt_check_opts(MachineState *ms)
{
    static const char *const known[] = {
        "gic-version", "pflash0", "pflash1", "highmem", "secure",
        "virtualization", "its", "iommu", "acpi", "usb", "mte", NULL,
    };

    for (int i = 0; i < ms->nr_opts; i++) {
        int k = 0;

        while (known[k] && strcmp(known[k], ms->opt_keys[i])) {
            k++;
        }
        if (!known[k]) {
            fatal("virt: unknown machine property '%s'", ms->opt_keys[i]);
        }
    }
    if ((machine_opt(ms, "secure") &&
         strcmp(machine_opt(ms, "secure"), "off")) ||
        (machine_opt(ms, "virtualization") &&
         strcmp(machine_opt(ms, "virtualization"), "off"))) {
        fatal("virt: EL3 and EL2 are not modelled (secure/virtualization "
              "must stay off)");
    }
}

static void virt_create_gic(ArmVirtState *s)
{
    MemoryRegion *sys = system_memory;

    if (s->gic_version == 2) {
        s->gicv2 = arm_gicv2_create(sys, VIRT_GICD_BASE, VIRT_GICC_BASE,
                                    s->cpus, s->nr_cpus, VIRT_NUM_SPIS);
        s->gicv2m = arm_gicv2m_create(sys, VIRT_GICV2M_BASE, s->gicv2,
                                      VIRT_GICV2M_SPI, VIRT_GICV2M_COUNT);
    } else {
        s->gicv3 = arm_gicv3_create(sys, VIRT_GICD_BASE, VIRT_GICR_BASE,
                                    s->cpus, s->nr_cpus, VIRT_NUM_SPIS);
    }
    for (int i = 0; i < s->nr_cpus; i++) {
        /* Non-secure physical timer: PPI 30; virtual timer: PPI 27. */
        arm_cpu_set_timer_output(s->cpus[i], ARM_TIMER_PHYS,
                                 virt_ppi(s, i, 30));
        arm_cpu_set_timer_output(s->cpus[i], ARM_TIMER_VIRT,
                                 virt_ppi(s, i, 27));
    }
}

/*
 * Flash bank N is backed by -drive if=pflash,unit=N or by
 * -drive if=none,id=X with -M virt,pflashN=X.
 */
static BlockBackend *virt_flash_drive(MachineState *ms, int unit)
{
    const char *id = machine_opt(ms, unit ? "pflash1" : "pflash0");
    BlockBackend *blk;

    if (!id) {
        blk = blk_by_unit(IF_PFLASH, unit);
        if (!blk) {
            return NULL;
        }
    } else {
        blk = blk_by_id(id);
    }
    if (!blk) {
        fatal("virt: pflash%d=%s: no -drive with that id", unit, id);
    }
    if (blk->attached) {
        fatal("virt: drive '%s' is already in use", id);
    }
    if (blk->size > VIRT_FLASH_BANK) {
        fatal("virt: pflash%d image '%s' is larger than 64 MiB", unit,
              blk->filename);
    }
    blk->attached = true;
    return blk;
}

static void virt_create_flash(MachineState *ms, ArmVirtState *s)
{
    for (int i = 0; i < 2; i++) {
        BlockBackend *blk = virt_flash_drive(ms, i);

        s->flash[i] = pflash_cfi01_create(i ? "virt.flash1" : "virt.flash0",
                                          VIRT_FLASH_BANK, VIRT_FLASH_SECTOR,
                                          blk);
        memory_region_add_subregion(system_memory,
                                    VIRT_FLASH_BASE + VIRT_FLASH_BANK * i,
                                    &s->flash[i]->container);
    }
    if (ms->bios && strcmp(ms->bios, "none")) {
        char *path = firmware_find(ms->bios);
        uint8_t *buf;
        size_t size;
        int ret;

        if (s->flash[0]->blk) {
            fatal("virt: -bios and pflash0 cannot be used together");
        }
        ret = load_file(path ? path : ms->bios, &buf, &size);
        if (ret < 0) {
            fatal("could not load firmware '%s': %s", ms->bios,
                  strerror(-ret));
        }
        if (size > VIRT_FLASH_BANK) {
            fatal("firmware '%s' is larger than the flash", ms->bios);
        }
        rom_add_image(VIRT_FLASH_BASE, buf, size);
        free(path);
    }
}

static void virt_create_virtio(ArmVirtState *s)
{
    IRQLine *irqs[VIRT_VIRTIO_COUNT];

    for (int i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        irqs[i] = virt_spi(s, VIRT_VIRTIO_SPI + i);
    }
    virtio_mmio_create_slots(system_memory, VIRT_VIRTIO_BASE,
                             VIRTIO_MMIO_SIZE, VIRT_VIRTIO_COUNT, irqs);
}

static void virt_create_pcie(ArmVirtState *s)
{
    static const GpexWindows w = {
        .ecam_base = VIRT_PCIE_ECAM_BASE, .ecam_size = VIRT_PCIE_ECAM_SIZE,
        .mmio_base = VIRT_PCIE_MMIO_BASE, .mmio_size = VIRT_PCIE_MMIO_SIZE,
        .high_base = VIRT_PCIE_HIGH_BASE, .high_size = VIRT_PCIE_HIGH_SIZE,
        .pio_base = VIRT_PCIE_PIO_BASE, .pio_size = VIRT_PCIE_PIO_SIZE,
    };
    IRQLine *irqs[PCI_NUM_PINS];

    for (int i = 0; i < PCI_NUM_PINS; i++) {
        irqs[i] = virt_spi(s, VIRT_PCIE_SPI + i);
    }
    s->gpex = gpex_create(system_memory, &w, irqs);
    if (s->gicv2m) {
        s->gpex->bus->msi_notify = arm_gicv2m_msi;
        s->gpex->bus->msi_opaque = s->gicv2m;
    }
    /* -nic without a model: virtio-net-pci, like QEMU's virt. */
    if (pci_nics_create("virtio-net-pci") < 0) {
        exit(1);
    }
}

/* -kernel inflated like QEMU does, the initrd as it is, the cmdline. */
static void virt_fw_cfg_kernel(FWCfgState *f, MachineState *ms)
{
    const char *cmdline = ms->append ? ms->append : "";
    uint8_t *buf;
    size_t size;

    if (load_file(ms->kernel, &buf, &size) == 0) {
        fw_cfg_add_i32(f, FW_CFG_KERNEL_SIZE, (uint32_t)size);
        fw_cfg_add_bytes(f, FW_CFG_KERNEL_DATA, buf, size);
        free(buf);
    }
    if (ms->initrd &&
        load_file_raw(ms->initrd, ms->ram_size, &buf, &size) == 0) {
        fw_cfg_add_i32(f, FW_CFG_INITRD_SIZE, (uint32_t)size);
        fw_cfg_add_bytes(f, FW_CFG_INITRD_DATA, buf, size);
        free(buf);
    }
    fw_cfg_add_i32(f, FW_CFG_CMDLINE_SIZE, (uint32_t)strlen(cmdline) + 1);
    fw_cfg_add_string(f, FW_CFG_CMDLINE_DATA, cmdline);
}

/*
 * fw_cfg items as QEMU's virt board sets them; with firmware the kernel,
 * initrd and command line are for it to load (QEMU's arm boot code).
 */
static void virt_create_fw_cfg(MachineState *ms, ArmVirtState *s)
{
    FWCfgState *f = fw_cfg_new(&address_space_memory);

    s->fw_cfg = f;
    fw_cfg_mmio_map(f, system_memory, VIRT_FW_CFG_BASE);
    fw_cfg_add_i16(f, FW_CFG_NB_CPUS, (uint16_t)s->nr_cpus);
    fw_cfg_add_i16(f, FW_CFG_MAX_CPUS, (uint16_t)s->nr_cpus);
    fw_cfg_add_i64(f, FW_CFG_RAM_SIZE, ms->ram_size);
    if (fw_cfg_add_file(f, "bootorder", "", 0) < 0) {
        fatal("virt: fw_cfg: cannot add bootorder");
    }
    if (ms->kernel) {
        virt_fw_cfg_kernel(f, ms);
    }
}

/* Power button (gpio-keys on PL061 line 3): a 100 ms press. */
static void virt_power_button_release(void *opaque)
{
    ArmVirtState *s = opaque;

    irq_lower(s->gpio->in[VIRT_GPIO_POWER_LINE]);
}

/* system_powerdown: press the button so the guest powers off. */
static void virt_powerdown(MachineState *ms)
{
    ArmVirtState *s = ms->priv;

    irq_raise(s->gpio->in[VIRT_GPIO_POWER_LINE]);
    timer_mod(&s->power_button,
              clock_get_ns(CLOCK_VIRTUAL) + VIRT_POWER_PRESS_NS);
}

static void virt_create_devices(MachineState *ms, ArmVirtState *s)
{
    MemoryRegion *sys = system_memory;
    Chardev *serial = ms->nr_serial > 0 ? ms->serial[0] : NULL;

    virt_create_gic(s);
    s->uart = pl011_mmio_create(sys, VIRT_UART_BASE,
                                virt_spi(s, VIRT_UART_SPI), serial);
    s->rtc = pl031_create(sys, VIRT_RTC_BASE, virt_spi(s, VIRT_RTC_SPI));
    s->gpio = pl061_create(sys, VIRT_GPIO_BASE, virt_spi(s, VIRT_GPIO_SPI));
    timer_init(&s->power_button, CLOCK_VIRTUAL, virt_power_button_release,
               s);
    virt_create_fw_cfg(ms, s);
    virt_create_virtio(s);
    virt_create_pcie(s);
}

static hwaddr virt_load_initrd(MachineState *ms, hwaddr kend,
                               hwaddr *initrd_end)
{
    uint64_t ram_end = VIRT_DRAM_BASE + ms->ram_size;
    hwaddr start;
    uint8_t *buf = NULL;
    size_t size = 0;
    int ret = load_file_raw(ms->initrd, ms->ram_size, &buf, &size);

    if (ret < 0) {
        fatal("could not load initrd '%s': %s", ms->initrd, strerror(-ret));
    }
    start = ROUND_UP(kend, 2 * MiB);
    if (start >= ram_end || size > ram_end - start) {
        fatal("initrd '%s' does not fit in RAM", ms->initrd);
    }
    *initrd_end = start + size;
    rom_add_image(start, buf, size);
    return start;
}

static void virt_init(MachineState *ms)
{
    ArmVirtState *s = mc_malloc0(sizeof(*s));
    hwaddr kend = VIRT_DRAM_BASE, initrd_start = 0, initrd_end = 0;
    bool have_fw = ms->bios && strcmp(ms->bios, "none");
    uint64_t ram_end;
    void *fdt;
    size_t fdt_size;

    ms->priv = s;
    virt_state = s;
    virt_check_opts(ms);
    s->gic_version = virt_parse_gic_version(ms);
    if (ms->ram_size > 255 * 1024 * MiB) {
        fatal("virt: -m %" PRIu64 "M is more than the 255G RAM window",
              (uint64_t)(ms->ram_size / MiB));
    }
    ram_end = VIRT_DRAM_BASE + ms->ram_size;
    s->nr_cpus = ms->smp;
    if (s->nr_cpus < 1 || s->nr_cpus > VIRT_MAX_CPUS) {
        fatal("virt: -smp %d out of range (1..%d)", s->nr_cpus,
              VIRT_MAX_CPUS);
    }
    for (int i = 0; i < s->nr_cpus; i++) {
        s->cpus[i] = arm_cpu_create(i, ms->cpu_model);
        if (!s->cpus[i]) {
            exit(1);
        }
    }
    arm_set_firmware_call_handler(virt_firmware_call);

    memory_region_init_ram(&s->ram, "mach-virt.ram", ms->ram_size);
    memory_region_add_subregion(system_memory, VIRT_DRAM_BASE, &s->ram);
    virt_create_flash(ms, s);
    virt_create_devices(ms, s);

    /* Firmware boots from flash and loads the kernel itself (fw_cfg). */
    s->entry = VIRT_FLASH_BASE;
    if (ms->kernel && !have_fw) {
        s->entry = virt_load_kernel(ms, s, &kend);
        if (ms->initrd) {
            initrd_start = virt_load_initrd(ms, kend, &initrd_end);
            kend = initrd_end;
        }
    }

    fdt = virt_build_fdt(ms, s, initrd_start, initrd_end);
    fdt_size = fdt_totalsize(fdt);
    if (ms->dumpdtb) {
        fdt_dump_and_exit(fdt, ms->dumpdtb);
    }
    /* The DTB goes at the start of RAM unless the kernel is there. */
    if (!ms->kernel || have_fw || kend <= VIRT_DRAM_BASE ||
        s->entry >= VIRT_DRAM_BASE + 2 * MiB) {
        s->fdt_addr = VIRT_DRAM_BASE;
    } else {
        s->fdt_addr = ROUND_UP(kend, 2 * MiB);
    }
    if (s->fdt_addr >= ram_end || fdt_size > ram_end - s->fdt_addr) {
        fatal("virt: no room for the device tree in RAM");
    }
    rom_add_image(s->fdt_addr, fdt, fdt_size);
}

static void virt_reset(MachineState *ms)
{
    ArmVirtState *s = ms->priv;

    /* Images come back as loaded: the guest may have overwritten RAM. */
    roms_reset();
    devices_reset_all();
    if (s->gicv2) {
        arm_gicv2_reset(s->gicv2);
    } else {
        arm_gicv3_reset(s->gicv3);
    }
    for (int i = 0; i < 2; i++) {
        pflash_cfi01_reset(s->flash[i]);
    }
    fw_cfg_reset(s->fw_cfg);
    gpex_reset(s->gpex);
    for (int i = 0; i < s->nr_cpus; i++) {
        CPUState *cs = arm_cpu_state(s->cpus[i]);

        /* CPU 0 boots; the others wait for PSCI CPU_ON. */
        arm_cpu_set_reset_vector(s->cpus[i], s->entry,
                                 i == 0 ? s->fdt_addr : 0);
        cs->ops->reset(cs);
        cs->stopped = i != 0;
    }
}

static MachineType arm_virt_machine = {
    .name = "virt",
    .desc = "QEMU 7.2 ARM Virtual Machine",
    .arch = "aarch64",
    .is_default = true,
    .default_ram = 128 * MiB,
    .max_cpus = VIRT_MAX_CPUS,
    .default_cpu = "cortex-a57",
    .init = virt_init,
    .reset = virt_reset,
    .print_cpus = arm_cpu_print_models,
    .powerdown = virt_powerdown,
};

MACHINE_TYPE_REGISTER(arm_virt_machine)
