/* SPDX-License-Identifier: MIT */
/* riscv64 "virt" machine: QEMU's memory map, devices and device tree. */

/*
 * Memory map (QEMU hw/riscv/virt.c layout, so firmware and kernels built
 * for QEMU's virt board run unchanged):
 *   0x00001000  boot ROM (reset vector + fw_dynamic info), 0xf000
 *   0x00100000  SiFive test finisher
 *   0x00101000  goldfish RTC, PLIC source 11
 *   0x02000000  CLINT (ACLINT MSWI + MTIMER)
 *   0x0c000000  PLIC, 96 sources, 2 contexts (M, S) per hart
 *   0x10000000  NS16550A UART0, PLIC source 10
 *   0x10001000  8 virtio-mmio slots, 0x1000 apart, PLIC sources 1..8
 *   0x10100000  fw_cfg, MMIO interface with DMA
 *   0x80000000  RAM
 * See docs/devel/riscv-virt.md for the boot protocol.
 */

#include "machina/common.h"
#include "machina/chardev.h"
#include "machina/device.h"
#include "machina/fdt.h"
#include "machina/fw_cfg.h"
#include "machina/irq.h"
#include "machina/loader.h"
#include "machina/log.h"
#include "machina/machine.h"
#include "machina/main-loop.h"
#include "machina/memory.h"
#include "machina/riscv.h"
#include "machina/virtio.h"
#include "../char/uart16550_mmio.h"
#include "../intc/riscv_aclint.h"
#include "../intc/sifive_plic.h"
#include "../misc/sifive_test.h"
#include "../rtc/goldfish_rtc.h"
#include "../pci-host/gpex.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

enum {
    VIRT_MROM,
    VIRT_TEST,
    VIRT_RTC,
    VIRT_CLINT,
    VIRT_PLIC,
    VIRT_UART0,
    VIRT_VIRTIO,
    VIRT_FW_CFG,
    VIRT_DRAM,
};

static const struct {
    hwaddr base;
    uint64_t size;
} virt_memmap[] = {
    [VIRT_MROM] = { 0x1000, 0xf000 },
    [VIRT_TEST] = { 0x100000, 0x1000 },
    [VIRT_RTC] = { 0x101000, 0x1000 },
    [VIRT_CLINT] = { 0x2000000, 0x10000 },
    /* Sized for QEMU's 512-hart maximum, as QEMU's device tree says. */
    [VIRT_PLIC] = { 0xc000000, PLIC_SIZE(512 * 2) },
    [VIRT_UART0] = { 0x10000000, 0x100 },
    [VIRT_VIRTIO] = { 0x10001000, 0x1000 },
    [VIRT_FW_CFG] = { 0x10100000, FW_CFG_MMIO_SIZE },
    [VIRT_DRAM] = { 0x80000000, 0 },
};

#define VIRT_MAX_CPUS           8
#define VIRT_UART0_IRQ          10
#define VIRT_RTC_IRQ            11
#define VIRT_VIRTIO_IRQ         1       /* slot i uses source 1 + i */
#define VIRT_VIRTIO_COUNT       8
/* PCIe host (QEMU's virt addresses): ECAM, windows, INTA..D sources. */
#define VIRT_PCIE_ECAM_BASE     0x30000000
#define VIRT_PCIE_ECAM_SIZE     0x10000000
#define VIRT_PCIE_MMIO_BASE     0x40000000
#define VIRT_PCIE_MMIO_SIZE     0x40000000
#define VIRT_PCIE_HIGH_BASE     0x400000000ULL
#define VIRT_PCIE_HIGH_SIZE     0x400000000ULL
#define VIRT_PCIE_PIO_BASE      0x03000000
#define VIRT_PCIE_PIO_SIZE      0x10000
#define VIRT_PCIE_IRQ           32
#define VIRT_PLIC_NUM_SOURCES   96      /* source 0 is reserved */
#define VIRT_PLIC_NUM_PRIO      7
#define VIRT_TIMEBASE_FREQ      10000000
#define VIRT_UART_CLOCK         3686400
#define VIRT_FDT_BUF_SIZE       (1 * MiB)
#define VIRT_FDT_LIMIT          (3 * GiB)  /* fdt stays below this */
#define VIRT_KERNEL_ALIGN       (2 * MiB)
#define VIRT_EM_RISCV           243

/* OpenSBI include/sbi/fw_dynamic.h */
#define FW_DYNAMIC_MAGIC        0x4942534fULL
#define FW_DYNAMIC_VERSION      2
#define FW_DYNAMIC_NEXT_MODE_S  1

/* Reset vector layout in the boot ROM (byte offsets). */
#define ROM_ENTRY_OFF           24      /* after six instructions */
#define ROM_FDT_OFF             32
#define ROM_FW_INFO_OFF         40
#define ROM_SIZE_USED           (ROM_FW_INFO_OFF + 6 * 8)

typedef struct VirtState {
    MemoryRegion ram;
    MemoryRegion mrom;
    RISCVCPU *harts[VIRT_MAX_CPUS];
    int nr_harts;
    RiscvAclintState *clint;
    SifivePlicState *plic;
    Uart16550MmioState *uart0;
    GoldfishRtcState *rtc;
    SifiveTestState *test;
    GpexState *gpex;
    FWCfgState *fw_cfg;
    hwaddr fdt_addr;
} VirtState;

/* ---- images ---- */

static hwaddr virt_ram_end(MachineState *ms)
{
    return virt_memmap[VIRT_DRAM].base + ms->ram_size;
}

/*
 * Load an ELF (at its physical addresses) or a raw image at raw_addr.
 * Returns the entry point; *end is the end of the loaded image.
 */
static hwaddr virt_load_image(MachineState *ms, VirtState *s,
                              const char *what, const char *path,
                              hwaddr raw_addr, hwaddr *end)
{
    uint8_t *buf;
    size_t size;
    ElfInfo info;
    int ret;

    ret = load_file(path, &buf, &size);
    if (ret < 0) {
        fatal("could not load %s '%s': %s", what, path, strerror(-ret));
    }
    ret = load_elf_buf(&address_space_memory, buf, size, VIRT_EM_RISCV,
                       &info);
    if (ret == 0) {
        rom_add_elf(buf, size, VIRT_EM_RISCV);   /* reloaded on reset */
        *end = info.high;
        /* Virtual entry (e.g. vmlinux): fall back to the load address. */
        if (info.entry < info.low || info.entry >= info.high) {
            return info.low;
        }
        return info.entry;
    }
    if (ret != -ENOEXEC) {
        fatal("could not load %s '%s': %s", what, path, strerror(-ret));
    }
    if (raw_addr < virt_memmap[VIRT_DRAM].base ||
        size > virt_ram_end(ms) - raw_addr) {
        fatal("%s '%s' (%zu bytes) does not fit in RAM at 0x%" PRIx64,
              what, path, size, raw_addr);
    }
    rom_add_image(raw_addr, buf, size);
    *end = raw_addr + size;
    return raw_addr;
}

/* ---- device tree ---- */

/*
 * "rv64imafdc_zicsr_zba" -> base "rv64i", extensions "i" "m" ... "zba"
 * as a device-tree string list (Linux's riscv,isa-extensions binding).
 */
static size_t virt_isa_extensions(const char *isa, char *out, size_t max)
{
    size_t n = 0, len = strlen(isa);
    size_t i = 4;

    if (len < 5) {
        return 0;
    }
    /* Single-letter extensions up to the first underscore. */
    for (; i < len && isa[i] != '_' && n + 10 <= max; i++) {
        if (isa[i] == 'g') {
            /* G = IMAFD (+ Zicsr, Zifencei listed separately). */
            memcpy(out + n, "i\0m\0a\0f\0d\0", 10);
            n += 10;
            continue;
        }
        out[n++] = isa[i];
        out[n++] = '\0';
    }
    /* Multi-letter extensions, underscore separated. */
    while (i < len) {
        size_t start = ++i;

        while (i < len && isa[i] != '_') {
            i++;
        }
        if (i > start && n + (i - start) + 1 <= max) {
            memcpy(out + n, isa + start, i - start);
            n += i - start;
            out[n++] = '\0';
        }
    }
    return n;
}

static bool virt_isa_has(const char *isa, const char *ext)
{
    size_t len = strlen(ext);
    const char *p = isa;

    while ((p = strchr(p, '_')) != NULL) {
        p++;
        if (strncmp(p, ext, len) == 0 && (p[len] == '_' || !p[len])) {
            return true;
        }
    }
    return false;
}

static void virt_fdt_cpus(void *fdt, VirtState *s, const uint32_t *cpu_ph,
                          const uint32_t *intc_ph)
{
    FDT_CHK(fdt_begin_node(fdt, "cpus"));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 1));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 0));
    FDT_CHK(fdt_property_u32(fdt, "timebase-frequency", VIRT_TIMEBASE_FREQ));

    for (int i = 0; i < s->nr_harts; i++) {
        const char *isa = riscv_cpu_isa_string(s->harts[i]);
        const char *mmu = riscv_cpu_mmu_type(s->harts[i]);
        char exts[512], base[8];
        size_t n;

        fdt_begin_nodef(fdt, "cpu@%" PRIx64, i);
        FDT_CHK(fdt_property_u32(fdt, "phandle", cpu_ph[i]));
        FDT_CHK(fdt_property_string(fdt, "device_type", "cpu"));
        FDT_CHK(fdt_property_u32(fdt, "reg", i));
        FDT_CHK(fdt_property_string(fdt, "status", "okay"));
        FDT_CHK(fdt_property_string(fdt, "compatible", "riscv"));
        if (virt_isa_has(isa, "zicboz")) {
            FDT_CHK(fdt_property_u32(fdt, "riscv,cboz-block-size", 64));
        }
        if (virt_isa_has(isa, "zicbom")) {
            FDT_CHK(fdt_property_u32(fdt, "riscv,cbom-block-size", 64));
        }
        n = virt_isa_extensions(isa, exts, sizeof(exts));
        if (n) {
            FDT_CHK(fdt_property(fdt, "riscv,isa-extensions", exts, n));
        }
        snprintf(base, sizeof(base), "%.4si", isa);
        FDT_CHK(fdt_property_string(fdt, "riscv,isa-base", base));
        FDT_CHK(fdt_property_string(fdt, "riscv,isa", isa));
        if (mmu) {
            FDT_CHK(fdt_property_string(fdt, "mmu-type", mmu));
        }
        FDT_CHK(fdt_begin_node(fdt, "interrupt-controller"));
        FDT_CHK(fdt_property_u32(fdt, "#interrupt-cells", 1));
        FDT_CHK(fdt_property(fdt, "interrupt-controller", NULL, 0));
        FDT_CHK(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
        FDT_CHK(fdt_property_u32(fdt, "phandle", intc_ph[i]));
        FDT_CHK(fdt_end_node(fdt));
        FDT_CHK(fdt_end_node(fdt));
    }

    FDT_CHK(fdt_begin_node(fdt, "cpu-map"));
    FDT_CHK(fdt_begin_node(fdt, "cluster0"));
    for (int i = 0; i < s->nr_harts; i++) {
        fdt_begin_nodef(fdt, "core%" PRIu64, i);
        FDT_CHK(fdt_property_u32(fdt, "cpu", cpu_ph[i]));
        FDT_CHK(fdt_end_node(fdt));
    }
    FDT_CHK(fdt_end_node(fdt));
    FDT_CHK(fdt_end_node(fdt));
    FDT_CHK(fdt_end_node(fdt));
}

static void virt_fdt_soc(void *fdt, VirtState *s, const uint32_t *intc_ph,
                         uint32_t plic_ph, uint32_t test_ph)
{
    fdt32_t ext[VIRT_MAX_CPUS * 4];

    FDT_CHK(fdt_begin_node(fdt, "soc"));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 2));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 2));
    FDT_CHK(fdt_property_string(fdt, "compatible", "simple-bus"));
    FDT_CHK(fdt_property(fdt, "ranges", NULL, 0));

    for (int i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        hwaddr base = virt_memmap[VIRT_VIRTIO].base +
                      i * virt_memmap[VIRT_VIRTIO].size;

        fdt_begin_nodef(fdt, "virtio_mmio@%" PRIx64, base);
        FDT_CHK(fdt_property_u32(fdt, "interrupts", VIRT_VIRTIO_IRQ + i));
        FDT_CHK(fdt_property_u32(fdt, "interrupt-parent", plic_ph));
        fdt_reg64(fdt, base, virt_memmap[VIRT_VIRTIO].size);
        FDT_CHK(fdt_property_string(fdt, "compatible", "virtio,mmio"));
        FDT_CHK(fdt_end_node(fdt));
    }

    fdt_begin_nodef(fdt, "rtc@%" PRIx64, virt_memmap[VIRT_RTC].base);
    FDT_CHK(fdt_property_u32(fdt, "interrupts", VIRT_RTC_IRQ));
    FDT_CHK(fdt_property_u32(fdt, "interrupt-parent", plic_ph));
    fdt_reg64(fdt, virt_memmap[VIRT_RTC].base, virt_memmap[VIRT_RTC].size);
    FDT_CHK(fdt_property_string(fdt, "compatible", "google,goldfish-rtc"));
    FDT_CHK(fdt_end_node(fdt));

    fdt_begin_nodef(fdt, "serial@%" PRIx64, virt_memmap[VIRT_UART0].base);
    FDT_CHK(fdt_property_u32(fdt, "interrupts", VIRT_UART0_IRQ));
    FDT_CHK(fdt_property_u32(fdt, "interrupt-parent", plic_ph));
    FDT_CHK(fdt_property_u32(fdt, "clock-frequency", VIRT_UART_CLOCK));
    fdt_reg64(fdt, virt_memmap[VIRT_UART0].base,
              virt_memmap[VIRT_UART0].size);
    FDT_CHK(fdt_property_string(fdt, "compatible", "ns16550a"));
    FDT_CHK(fdt_end_node(fdt));

    fdt_begin_nodef(fdt, "test@%" PRIx64, virt_memmap[VIRT_TEST].base);
    FDT_CHK(fdt_property_u32(fdt, "phandle", test_ph));
    fdt_reg64(fdt, virt_memmap[VIRT_TEST].base, virt_memmap[VIRT_TEST].size);
    FDT_STRLIST(fdt, "compatible", "sifive,test1\0sifive,test0\0syscon");
    FDT_CHK(fdt_end_node(fdt));

    fdt_begin_nodef(fdt, "plic@%" PRIx64, virt_memmap[VIRT_PLIC].base);
    FDT_CHK(fdt_property_u32(fdt, "phandle", plic_ph));
    FDT_CHK(fdt_property_u32(fdt, "riscv,ndev", VIRT_PLIC_NUM_SOURCES - 1));
    fdt_reg64(fdt, virt_memmap[VIRT_PLIC].base, virt_memmap[VIRT_PLIC].size);
    for (int i = 0; i < s->nr_harts; i++) {
        ext[i * 4 + 0] = cpu_to_fdt32(intc_ph[i]);
        ext[i * 4 + 1] = cpu_to_fdt32(IRQ_M_EXT);
        ext[i * 4 + 2] = cpu_to_fdt32(intc_ph[i]);
        ext[i * 4 + 3] = cpu_to_fdt32(IRQ_S_EXT);
    }
    FDT_CHK(fdt_property(fdt, "interrupts-extended", ext,
                         s->nr_harts * 4 * sizeof(fdt32_t)));
    FDT_CHK(fdt_property(fdt, "interrupt-controller", NULL, 0));
    FDT_STRLIST(fdt, "compatible", "sifive,plic-1.0.0\0riscv,plic0");
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 0));
    FDT_CHK(fdt_property_u32(fdt, "#interrupt-cells", 1));
    FDT_CHK(fdt_end_node(fdt));

    fdt_begin_nodef(fdt, "clint@%" PRIx64, virt_memmap[VIRT_CLINT].base);
    for (int i = 0; i < s->nr_harts; i++) {
        ext[i * 4 + 0] = cpu_to_fdt32(intc_ph[i]);
        ext[i * 4 + 1] = cpu_to_fdt32(IRQ_M_SOFT);
        ext[i * 4 + 2] = cpu_to_fdt32(intc_ph[i]);
        ext[i * 4 + 3] = cpu_to_fdt32(IRQ_M_TIMER);
    }
    FDT_CHK(fdt_property(fdt, "interrupts-extended", ext,
                         s->nr_harts * 4 * sizeof(fdt32_t)));
    fdt_reg64(fdt, virt_memmap[VIRT_CLINT].base,
              virt_memmap[VIRT_CLINT].size);
    FDT_STRLIST(fdt, "compatible", "sifive,clint0\0riscv,clint0");
    FDT_CHK(fdt_end_node(fdt));

    FDT_CHK(gpex_fdt_node(fdt, s->gpex, plic_ph, VIRT_PCIE_IRQ));

    FDT_CHK(fdt_end_node(fdt));
}

static void *virt_build_fdt(MachineState *ms, VirtState *s)
{
    void *fdt = mc_malloc0(VIRT_FDT_BUF_SIZE);
    uint32_t cpu_ph[VIRT_MAX_CPUS], intc_ph[VIRT_MAX_CPUS];
    uint32_t phandle = 1, plic_ph, test_ph;
    uint8_t seed[32];
    char stdout_path[64];

    /* Phandles in QEMU's order: harts from the last one down. */
    for (int i = s->nr_harts - 1; i >= 0; i--) {
        cpu_ph[i] = phandle++;
        intc_ph[i] = phandle++;
    }
    plic_ph = phandle++;
    test_ph = phandle++;

    FDT_CHK(fdt_create(fdt, VIRT_FDT_BUF_SIZE));
    FDT_CHK(fdt_finish_reservemap(fdt));
    FDT_CHK(fdt_begin_node(fdt, ""));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 2));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 2));
    FDT_CHK(fdt_property_string(fdt, "compatible", "riscv-virtio"));
    FDT_CHK(fdt_property_string(fdt, "model", "riscv-virtio,qemu"));

    /* fw_cfg at the root, as QEMU 7.2 places it (before /chosen). */
    fdt_begin_nodef(fdt, "fw-cfg@%" PRIx64, virt_memmap[VIRT_FW_CFG].base);
    FDT_CHK(fdt_property(fdt, "dma-coherent", NULL, 0));
    fdt_reg64(fdt, virt_memmap[VIRT_FW_CFG].base,
              virt_memmap[VIRT_FW_CFG].size);
    FDT_CHK(fdt_property_string(fdt, "compatible", "qemu,fw-cfg-mmio"));
    FDT_CHK(fdt_end_node(fdt));

    FDT_CHK(fdt_begin_node(fdt, "chosen"));
    if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed)) {
        FDT_CHK(fdt_property(fdt, "rng-seed", seed, sizeof(seed)));
    }
    snprintf(stdout_path, sizeof(stdout_path), "/soc/serial@%" PRIx64,
             virt_memmap[VIRT_UART0].base);
    FDT_CHK(fdt_property_string(fdt, "stdout-path", stdout_path));
    FDT_CHK(fdt_end_node(fdt));

    FDT_CHK(fdt_begin_node(fdt, "poweroff"));
    FDT_CHK(fdt_property_u32(fdt, "value", SIFIVE_TEST_PASS));
    FDT_CHK(fdt_property_u32(fdt, "offset", 0));
    FDT_CHK(fdt_property_u32(fdt, "regmap", test_ph));
    FDT_CHK(fdt_property_string(fdt, "compatible", "syscon-poweroff"));
    FDT_CHK(fdt_end_node(fdt));

    FDT_CHK(fdt_begin_node(fdt, "reboot"));
    FDT_CHK(fdt_property_u32(fdt, "value", SIFIVE_TEST_RESET));
    FDT_CHK(fdt_property_u32(fdt, "offset", 0));
    FDT_CHK(fdt_property_u32(fdt, "regmap", test_ph));
    FDT_CHK(fdt_property_string(fdt, "compatible", "syscon-reboot"));
    FDT_CHK(fdt_end_node(fdt));

    fdt_begin_nodef(fdt, "memory@%" PRIx64, virt_memmap[VIRT_DRAM].base);
    FDT_CHK(fdt_property_string(fdt, "device_type", "memory"));
    fdt_reg64(fdt, virt_memmap[VIRT_DRAM].base, ms->ram_size);
    FDT_CHK(fdt_end_node(fdt));

    virt_fdt_cpus(fdt, s, cpu_ph, intc_ph);
    virt_fdt_soc(fdt, s, intc_ph, plic_ph, test_ph);

    FDT_CHK(fdt_end_node(fdt));
    FDT_CHK(fdt_finish(fdt));
    return fdt;
}

static void *virt_load_dtb(const char *path)
{
    uint8_t *buf;
    size_t size;
    void *fdt;
    int ret = load_file(path, &buf, &size);

    if (ret < 0) {
        fatal("could not load dtb '%s': %s", path, strerror(-ret));
    }
    if (size < sizeof(struct fdt_header) || fdt_check_header(buf) != 0 ||
        fdt_totalsize(buf) > size) {
        fatal("'%s' is not a valid device tree blob", path);
    }
    if (fdt_totalsize(buf) > VIRT_FDT_BUF_SIZE / 2) {
        fatal("device tree blob '%s' is too large", path);
    }
    fdt = mc_malloc0(VIRT_FDT_BUF_SIZE);
    memcpy(fdt, buf, fdt_totalsize(buf));
    free(buf);
    return fdt;
}

/* Add /chosen properties that depend on the command line. */
static void virt_fdt_chosen(MachineState *ms, void *fdt)
{
    int chosen;

    FDT_CHK(fdt_open_into(fdt, fdt, VIRT_FDT_BUF_SIZE));
    chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0) {
        chosen = fdt_add_subnode(fdt, 0, "chosen");
        FDT_CHK(chosen);
    }
    if (ms->append) {
        if (strlen(ms->append) > VIRT_FDT_BUF_SIZE / 4) {
            fatal("-append string is too long");
        }
        FDT_CHK(fdt_setprop_string(fdt, chosen, "bootargs", ms->append));
    }
    if (ms->initrd) {
        /* Placeholders: the final addresses depend on the blob size. */
        FDT_CHK(fdt_setprop_u64(fdt, chosen, "linux,initrd-start", 0));
        FDT_CHK(fdt_setprop_u64(fdt, chosen, "linux,initrd-end", 0));
    }
    FDT_CHK(fdt_pack(fdt));
}

/* ---- boot ROM ---- */

static uint32_t rv_itype(int32_t imm, int rs1, int funct3, int rd, int op)
{
    return ((uint32_t)(imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) |
           (rd << 7) | op;
}

enum { RV_T0 = 5, RV_A0 = 10, RV_A1 = 11, RV_A2 = 12 };
#define RV_CSR_MHARTID 0xf14

static void virt_build_rom(uint8_t *rom, hwaddr entry, hwaddr fdt_addr,
                           hwaddr next_addr)
{
    const uint32_t code[6] = {
        /* auipc t0, 0: t0 = 0x1000 */
        (RV_T0 << 7) | 0x17,
        /* addi a2, t0, fw_dynamic info */
        rv_itype(ROM_FW_INFO_OFF, RV_T0, 0, RV_A2, 0x13),
        /* csrr a0, mhartid */
        rv_itype(RV_CSR_MHARTID, 0, 2, RV_A0, 0x73),
        /* ld a1, fdt address */
        rv_itype(ROM_FDT_OFF, RV_T0, 3, RV_A1, 0x03),
        /* ld t0, entry address */
        rv_itype(ROM_ENTRY_OFF, RV_T0, 3, RV_T0, 0x03),
        /* jr t0 */
        rv_itype(0, RV_T0, 0, 0, 0x67),
    };
    const uint64_t info[6] = {
        FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, next_addr,
        FW_DYNAMIC_NEXT_MODE_S, 0, UINT64_MAX,   /* boot hart: lottery */
    };

    for (int i = 0; i < 6; i++) {
        stn_le(rom + i * 4, 4, code[i]);
        stn_le(rom + ROM_FW_INFO_OFF + i * 8, 8, info[i]);
    }
    stn_le(rom + ROM_ENTRY_OFF, 8, entry);
    stn_le(rom + ROM_FDT_OFF, 8, fdt_addr);
}

/* ---- machine ---- */

static char *virt_find_bios(const char *bios)
{
    char *path;

    if (!bios || !strcmp(bios, "default")) {
        path = firmware_find("fw_dynamic.bin");
        if (!path) {
            fatal("could not find firmware fw_dynamic.bin "
                  "(install Debian package opensbi)");
        }
        return path;
    }
    /* As given first, then the firmware search path (like QEMU). */
    if (access(bios, R_OK) != 0 && strchr(bios, '/') == NULL) {
        path = firmware_find(bios);
        if (path) {
            return path;
        }
    }
    return mc_strdup(bios);
}

static void virt_create_virtio(VirtState *s)
{
    virtio_mmio_create_slots(system_memory, virt_memmap[VIRT_VIRTIO].base,
                             virt_memmap[VIRT_VIRTIO].size, VIRT_VIRTIO_COUNT,
                             &s->plic->inputs[VIRT_VIRTIO_IRQ]);
}

static void virt_create_pcie(VirtState *s)
{
    static const GpexWindows w = {
        .ecam_base = VIRT_PCIE_ECAM_BASE, .ecam_size = VIRT_PCIE_ECAM_SIZE,
        .mmio_base = VIRT_PCIE_MMIO_BASE, .mmio_size = VIRT_PCIE_MMIO_SIZE,
        .high_base = VIRT_PCIE_HIGH_BASE, .high_size = VIRT_PCIE_HIGH_SIZE,
        .pio_base = VIRT_PCIE_PIO_BASE, .pio_size = VIRT_PCIE_PIO_SIZE,
    };
    IRQLine *irqs[PCI_NUM_PINS];

    for (int i = 0; i < PCI_NUM_PINS; i++) {
        irqs[i] = s->plic->inputs[VIRT_PCIE_IRQ + i];
    }
    /* No MSI controller (no IMSIC): devices fall back to INTx. */
    s->gpex = gpex_create(system_memory, &w, irqs);
    /*
     * -nic model=e1000 (and other PCI models not yet claimed); without a
     * model, virtio-net-pci like QEMU's riscv virt board.
     */
    if (pci_nics_create("virtio-net-pci") < 0) {
        exit(1);
    }
}

/*
 * fw_cfg with the items QEMU 7.2's riscv virt board has: NB_CPUS and its
 * common set (UUID, BOOT_MENU, the files below), but no RAM_SIZE,
 * MAX_CPUS or kernel items (the boot ROM and device tree pass those).
 * NOGRAPHIC is not set (QEMU: 1 under -nographic).  ramfb adds
 * "etc/ramfb".
 */
static void virt_create_fw_cfg(VirtState *s)
{
    FWCfgState *f = fw_cfg_new(&address_space_memory);
    static const uint8_t uuid[16], boot_fail_wait[4] = {
        0xff, 0xff, 0xff, 0xff      /* -1: no reboot timeout */
    };

    s->fw_cfg = f;
    fw_cfg_mmio_map(f, system_memory, virt_memmap[VIRT_FW_CFG].base);
    fw_cfg_add_bytes(f, FW_CFG_UUID, uuid, sizeof(uuid));
    fw_cfg_add_i16(f, FW_CFG_BOOT_MENU, 0);
    fw_cfg_add_i16(f, FW_CFG_NB_CPUS, (uint16_t)s->nr_harts);
    if (fw_cfg_add_file(f, "bios-geometry", "", 0) < 0 ||
        fw_cfg_add_file(f, "bootorder", "", 0) < 0 ||
        fw_cfg_add_file(f, "etc/boot-fail-wait", boot_fail_wait,
                        sizeof(boot_fail_wait)) < 0) {
        fatal("virt: fw_cfg: cannot add the default files");
    }
}

static void virt_create_devices(MachineState *ms, VirtState *s)
{
    MemoryRegion *sys = system_memory;
    Chardev *serial = ms->nr_serial > 0 ? ms->serial[0] : NULL;

    s->clint = riscv_aclint_create(s->nr_harts, VIRT_TIMEBASE_FREQ);
    memory_region_add_subregion(sys, virt_memmap[VIRT_CLINT].base,
                                &s->clint->mmio);
    s->plic = sifive_plic_create(VIRT_PLIC_NUM_SOURCES, s->nr_harts * 2,
                                 VIRT_PLIC_NUM_PRIO,
                                 virt_memmap[VIRT_PLIC].size);
    memory_region_add_subregion(sys, virt_memmap[VIRT_PLIC].base,
                                &s->plic->mmio);
    for (int i = 0; i < s->nr_harts; i++) {
        RISCVCPU *cpu = s->harts[i];

        s->clint->harts[i].msip_irq = riscv_cpu_irq_line(cpu, IRQ_M_SOFT);
        s->clint->harts[i].mtip_irq = riscv_cpu_irq_line(cpu, IRQ_M_TIMER);
        riscv_cpu_set_time_source(cpu, riscv_aclint_read_time, s->clint,
                                  VIRT_TIMEBASE_FREQ);
        s->plic->outputs[i * 2] = riscv_cpu_irq_line(cpu, IRQ_M_EXT);
        s->plic->outputs[i * 2 + 1] = riscv_cpu_irq_line(cpu, IRQ_S_EXT);
    }
    s->test = sifive_test_create(sys, virt_memmap[VIRT_TEST].base);
    s->rtc = goldfish_rtc_create(sys, virt_memmap[VIRT_RTC].base,
                                 s->plic->inputs[VIRT_RTC_IRQ]);
    s->uart0 = uart16550_mmio_create(sys, virt_memmap[VIRT_UART0].base, 0,
                                     s->plic->inputs[VIRT_UART0_IRQ],
                                     serial);
    virt_create_virtio(s);
    virt_create_pcie(s);
    virt_create_fw_cfg(s);
}

static void virt_init(MachineState *ms)
{
    VirtState *s = mc_malloc0(sizeof(*s));
    const hwaddr ram_base = virt_memmap[VIRT_DRAM].base;
    hwaddr entry = ram_base, next_addr = 0, loaded_end = ram_base;
    hwaddr fdt_top, fdt_addr;
    uint8_t rom[ROM_SIZE_USED] = { 0 };
    void *fdt;
    size_t fdt_size;
    bool have_fw;

    ms->priv = s;
    if (ms->smp == 0) {
        ms->smp = 1;
    }
    if (ms->ram_size == 0) {
        ms->ram_size = 128 * MiB;
    }
    if (ms->smp < 1 || ms->smp > VIRT_MAX_CPUS) {
        fatal("virt: -smp %d out of range (1..%d)", ms->smp, VIRT_MAX_CPUS);
    }
    if (ms->ram_size < 16 * MiB || ms->ram_size > 1024 * GiB) {
        fatal("virt: RAM size must be between 16 MiB and 1 TiB");
    }

    memory_region_init_ram(&s->ram, "riscv.virt.ram", ms->ram_size);
    memory_region_add_subregion(system_memory, ram_base, &s->ram);
    memory_region_init_rom(&s->mrom, "riscv.virt.mrom",
                           virt_memmap[VIRT_MROM].size);
    memory_region_add_subregion(system_memory, virt_memmap[VIRT_MROM].base,
                                &s->mrom);

    s->nr_harts = ms->smp;
    for (int i = 0; i < s->nr_harts; i++) {
        s->harts[i] = riscv_cpu_create(i, ms->cpu_model);
        if (!s->harts[i]) {
            exit(1);
        }
    }
    virt_create_devices(ms, s);

    /* Firmware at the start of RAM, then the kernel 2 MiB aligned. */
    have_fw = !ms->bios || strcmp(ms->bios, "none") != 0;
    if (have_fw) {
        char *path = virt_find_bios(ms->bios);

        entry = virt_load_image(ms, s, "firmware", path, ram_base,
                                &loaded_end);
        free(path);
    }
    if (ms->kernel) {
        hwaddr kstart = ram_base, kentry, kend;

        if (have_fw) {
            kstart = MAX(ROUND_UP(loaded_end, VIRT_KERNEL_ALIGN),
                         ram_base + VIRT_KERNEL_ALIGN);
        }
        kentry = virt_load_image(ms, s, "kernel", ms->kernel, kstart,
                                 &kend);
        loaded_end = MAX(loaded_end, kend);
        if (have_fw) {
            next_addr = kentry;
        } else {
            entry = kentry;
        }
    }

    /* Device tree: near the end of RAM, below 3 GiB, 2 MiB aligned. */
    fdt = ms->dtb ? virt_load_dtb(ms->dtb) : virt_build_fdt(ms, s);
    virt_fdt_chosen(ms, fdt);
    fdt_size = fdt_totalsize(fdt);
    fdt_top = MIN(virt_ram_end(ms), VIRT_FDT_LIMIT);
    fdt_addr = ROUND_DOWN(fdt_top - fdt_size, VIRT_KERNEL_ALIGN);
    if (fdt_addr < loaded_end || fdt_top - fdt_size < ram_base) {
        fatal("virt: not enough RAM for the device tree after the images");
    }

    if (ms->initrd) {
        uint8_t *buf = NULL;
        size_t size = 0;
        hwaddr start;
        int ret = load_file_raw(ms->initrd, ms->ram_size, &buf, &size);
        int chosen = fdt_path_offset(fdt, "/chosen");

        if (ret == -E2BIG) {
            fatal("initrd '%s' is larger than RAM", ms->initrd);
        } else if (ret < 0) {
            fatal("could not load initrd '%s': %s", ms->initrd,
                  strerror(-ret));
        }
        if (size > fdt_addr - loaded_end ||
            ROUND_DOWN(fdt_addr - size, 4 * KiB) < loaded_end) {
            fatal("initrd '%s' (%zu bytes) is too large for %" PRIu64
                  " MiB of RAM", ms->initrd, size,
                  (uint64_t)(ms->ram_size / MiB));
        }
        start = ROUND_DOWN(fdt_addr - size, 4 * KiB);
        rom_add_image(start, buf, size);
        FDT_CHK(fdt_setprop_inplace_u64(fdt, chosen, "linux,initrd-start",
                                        start));
        FDT_CHK(fdt_setprop_inplace_u64(fdt, chosen, "linux,initrd-end",
                                        start + size));
    }

    if (ms->dumpdtb) {
        fdt_dump_and_exit(fdt, ms->dumpdtb);
    }
    s->fdt_addr = fdt_addr;
    rom_add_image(fdt_addr, fdt, fdt_size);

    virt_build_rom(rom, entry, fdt_addr, next_addr);
    rom_add_image(virt_memmap[VIRT_MROM].base,
                  memcpy(mc_malloc0(sizeof(rom)), rom, sizeof(rom)),
                  sizeof(rom));

    for (int i = 0; i < s->nr_harts; i++) {
        riscv_cpu_set_reset_vector(s->harts[i], virt_memmap[VIRT_MROM].base,
                                   fdt_addr);
    }
}

static void virt_reset(MachineState *ms)
{
    VirtState *s = ms->priv;

    /* Images come back as loaded: the guest may have overwritten RAM. */
    roms_reset();
    devices_reset_all();
    gpex_reset(s->gpex);
    fw_cfg_reset(s->fw_cfg);
    for (int i = 0; i < s->nr_harts; i++) {
        CPUState *cs = riscv_cpu_state(s->harts[i]);

        cs->ops->reset(cs);
    }
}

static MachineType virt_machine = {
    .name = "virt",
    .desc = "RISC-V VirtIO board (QEMU virt compatible)",
    .arch = "riscv64",
    .is_default = true,
    .default_ram = 128 * MiB,
    .max_cpus = VIRT_MAX_CPUS,
    .default_cpu = "rv64",
    .init = virt_init,
    .reset = virt_reset,
    .print_cpus = riscv_cpu_print_models,
};

MACHINE_TYPE_REGISTER(virt_machine)
