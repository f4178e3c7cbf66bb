/* SPDX-License-Identifier: MIT */
/*
 * AArch64 "virt" board, laid out like QEMU's (hw/arm/virt.c memory map):
 * flash at 0, PL011 at 0x09000000, RAM at 0x40000000.  PSCI over HVC is
 * handled here (no EL2/EL3 firmware).  GIC, timers and virtio come later.
 */
#include "machina/common.h"
#include "machina/arm.h"
#include "machina/chardev.h"
#include "machina/device.h"
#include "machina/loader.h"
#include "machina/log.h"
#include "machina/machine.h"
#include "machina/main-loop.h"
#include "machina/memory.h"
#include "../char/pl011_mmio.h"
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIRT_MAX_CPUS 8
#define VIRT_FDT_BUF_SIZE (64 * KiB)
#define VIRT_EM_AARCH64 183

#define VIRT_FLASH_BASE UINT64_C(0x00000000)
#define VIRT_FLASH_SIZE UINT64_C(0x08000000)
#define VIRT_GICD_BASE UINT64_C(0x08000000)
#define VIRT_GICR_BASE UINT64_C(0x080a0000)
#define VIRT_GICR_STRIDE UINT64_C(0x20000)
#define VIRT_NUM_SPIS 256
#define VIRT_UART_SPI 1
#define VIRT_GIC_PHANDLE 0x8002
#define VIRT_UART_BASE UINT64_C(0x09000000)
#define VIRT_UART_SIZE UINT64_C(0x1000)
#define VIRT_DRAM_BASE UINT64_C(0x40000000)

/* Image header of an arm64 Linux kernel (Documentation/arm64/booting) */
#define ARM64_IMAGE_MAGIC 0x644d5241u  /* "ARM\x64" at offset 0x38 */

typedef struct ArmVirtState {
    ARMCPU *cpus[VIRT_MAX_CPUS];
    int nr_cpus;
    MemoryRegion flash, ram;
    PL011MmioState *uart;
    ARMGICv3 *gic;
    uint64_t entry, fdt_addr;
} ArmVirtState;

static ArmVirtState *virt_state;

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
    *end = addr + size;
    return addr;
}

/* ---- device tree ---- */

#define FDT_CHK(expr) do {                                              \
        int fdt_ret_ = (expr);                                          \
        if (fdt_ret_ < 0) {                                             \
            fatal("virt: device tree: %s: %s", #expr,                   \
                  fdt_strerror(fdt_ret_));                              \
        }                                                               \
    } while (0)

static void fdt_reg64(void *fdt, hwaddr base, uint64_t size)
{
    fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

    FDT_CHK(fdt_property(fdt, "reg", reg, sizeof(reg)));
}

static void *virt_build_fdt(MachineState *ms, ArmVirtState *s,
                            hwaddr initrd_start, hwaddr initrd_end)
{
    void *fdt = mc_malloc0(VIRT_FDT_BUF_SIZE);
    const uint32_t clk_ph = 0x8000;
    char name[64];
    fdt32_t clocks[2] = { cpu_to_fdt32(clk_ph), cpu_to_fdt32(clk_ph) };
    static const char compat_uart[] = "arm,pl011\0arm,primecell";
    static const char compat_psci[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    static const char clk_names[] = "uartclk\0apb_pclk";
    static const char compat_timer[] = "arm,armv8-timer\0arm,armv7-timer";

    FDT_CHK(fdt_create(fdt, VIRT_FDT_BUF_SIZE));
    FDT_CHK(fdt_finish_reservemap(fdt));
    FDT_CHK(fdt_begin_node(fdt, ""));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 2));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 2));
    FDT_CHK(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
    FDT_CHK(fdt_property_string(fdt, "model", "linux,dummy-virt"));
    FDT_CHK(fdt_property_u32(fdt, "interrupt-parent", VIRT_GIC_PHANDLE));

    FDT_CHK(fdt_begin_node(fdt, "psci"));
    FDT_CHK(fdt_property(fdt, "compatible", compat_psci,
                         sizeof(compat_psci)));
    FDT_CHK(fdt_property_string(fdt, "method", "hvc"));
    FDT_CHK(fdt_property_u32(fdt, "cpu_suspend", 0xc4000001));
    FDT_CHK(fdt_property_u32(fdt, "cpu_off", PSCI_0_2_FN_CPU_OFF));
    FDT_CHK(fdt_property_u32(fdt, "cpu_on", 0xc4000003));
    FDT_CHK(fdt_property_u32(fdt, "migrate", 0xc4000005));
    FDT_CHK(fdt_end_node(fdt));

    snprintf(name, sizeof(name), "memory@%" PRIx64, VIRT_DRAM_BASE);
    FDT_CHK(fdt_begin_node(fdt, name));
    FDT_CHK(fdt_property_string(fdt, "device_type", "memory"));
    fdt_reg64(fdt, VIRT_DRAM_BASE, ms->ram_size);
    FDT_CHK(fdt_end_node(fdt));

    FDT_CHK(fdt_begin_node(fdt, "cpus"));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 1));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 0));
    for (int i = 0; i < s->nr_cpus; i++) {
        snprintf(name, sizeof(name), "cpu@%d", i);
        FDT_CHK(fdt_begin_node(fdt, name));
        FDT_CHK(fdt_property_string(fdt, "device_type", "cpu"));
        snprintf(name, sizeof(name), "arm,%s",
                 ms->cpu_model && !strncmp(ms->cpu_model, "cortex-a72", 10)
                 ? "cortex-a72" : "cortex-a57");
        FDT_CHK(fdt_property_string(fdt, "compatible", name));
        FDT_CHK(fdt_property_u32(fdt, "reg", i));
        if (s->nr_cpus > 1) {
            FDT_CHK(fdt_property_string(fdt, "enable-method", "psci"));
        }
        FDT_CHK(fdt_end_node(fdt));
    }
    FDT_CHK(fdt_end_node(fdt));

    FDT_CHK(fdt_begin_node(fdt, "apb-pclk"));
    FDT_CHK(fdt_property_string(fdt, "compatible", "fixed-clock"));
    FDT_CHK(fdt_property_u32(fdt, "#clock-cells", 0));
    FDT_CHK(fdt_property_u32(fdt, "clock-frequency", 24000000));
    FDT_CHK(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
    FDT_CHK(fdt_property_u32(fdt, "phandle", clk_ph));
    FDT_CHK(fdt_end_node(fdt));

    /* GICv3 and timer as QEMU's virt board describes them. */
    snprintf(name, sizeof(name), "intc@%" PRIx64, VIRT_GICD_BASE);
    FDT_CHK(fdt_begin_node(fdt, name));
    FDT_CHK(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
    FDT_CHK(fdt_property_u32(fdt, "#interrupt-cells", 3));
    FDT_CHK(fdt_property(fdt, "interrupt-controller", NULL, 0));
    FDT_CHK(fdt_property_u32(fdt, "#address-cells", 2));
    FDT_CHK(fdt_property_u32(fdt, "#size-cells", 2));
    FDT_CHK(fdt_property(fdt, "ranges", NULL, 0));
    FDT_CHK(fdt_property_u32(fdt, "#redistributor-regions", 1));
    {
        fdt64_t reg[4] = {
            cpu_to_fdt64(VIRT_GICD_BASE), cpu_to_fdt64(0x10000),
            cpu_to_fdt64(VIRT_GICR_BASE),
            cpu_to_fdt64(VIRT_GICR_STRIDE * (uint64_t)s->nr_cpus),
        };

        FDT_CHK(fdt_property(fdt, "reg", reg, sizeof(reg)));
    }
    FDT_CHK(fdt_property_u32(fdt, "phandle", VIRT_GIC_PHANDLE));
    FDT_CHK(fdt_end_node(fdt));

    FDT_CHK(fdt_begin_node(fdt, "timer"));
    FDT_CHK(fdt_property(fdt, "compatible", compat_timer,
                         sizeof(compat_timer)));
    {
        /* PPIs 13 (secure phys), 14 (phys), 11 (virt), 10 (hyp). */
        static const uint32_t ppis[4] = { 13, 14, 11, 10 };
        fdt32_t irqs[12];

        for (int i = 0; i < 4; i++) {
            irqs[3 * i] = cpu_to_fdt32(1);
            irqs[3 * i + 1] = cpu_to_fdt32(ppis[i]);
            irqs[3 * i + 2] = cpu_to_fdt32(4);     /* level high */
        }
        FDT_CHK(fdt_property(fdt, "interrupts", irqs, sizeof(irqs)));
    }
    FDT_CHK(fdt_property(fdt, "always-on", NULL, 0));
    FDT_CHK(fdt_end_node(fdt));

    snprintf(name, sizeof(name), "pl011@%" PRIx64, VIRT_UART_BASE);
    FDT_CHK(fdt_begin_node(fdt, name));
    {
        fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(VIRT_UART_SPI),
                           cpu_to_fdt32(4) };

        FDT_CHK(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
    }
    FDT_CHK(fdt_property(fdt, "compatible", compat_uart,
                         sizeof(compat_uart)));
    fdt_reg64(fdt, VIRT_UART_BASE, VIRT_UART_SIZE);
    FDT_CHK(fdt_property(fdt, "clock-names", clk_names, sizeof(clk_names)));
    FDT_CHK(fdt_property(fdt, "clocks", clocks, sizeof(clocks)));
    FDT_CHK(fdt_end_node(fdt));

    FDT_CHK(fdt_begin_node(fdt, "chosen"));
    snprintf(name, sizeof(name), "/pl011@%" PRIx64, VIRT_UART_BASE);
    FDT_CHK(fdt_property_string(fdt, "stdout-path", name));
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

    FDT_CHK(fdt_end_node(fdt));
    FDT_CHK(fdt_finish(fdt));
    return fdt;
}

/* ---- PSCI (DEN 0022), conduit HVC ---- */

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

static bool virt_firmware_call(CPUState *cs, bool is_smc, uint64_t *regs)
{
    uint32_t fn = (uint32_t)regs[0];
    ARMCPU *target;
    CPUState *tcs;

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
    case 0x84000003:            /* CPU_ON (SMC32) */
    case 0xc4000003:            /* CPU_ON (SMC64) */
        target = virt_cpu_by_mpidr(regs[1]);
        if (!target) {
            regs[0] = (uint64_t)-2;     /* INVALID_PARAMETERS */
            break;
        }
        tcs = arm_cpu_state(target);
        if (!tcs->stopped) {
            regs[0] = (uint64_t)-4;     /* ALREADY_ON */
            break;
        }
        arm_cpu_set_reset_vector(target, fn == 0x84000003 ?
                                 (uint32_t)regs[2] : regs[2], regs[3]);
        tcs->ops->reset(tcs);
        tcs->stopped = false;
        cpu_kick(tcs);
        regs[0] = 0;
        break;
    case PSCI_1_0_FN_PSCI_FEATURES:
        switch ((uint32_t)regs[1]) {
        case PSCI_0_2_FN_PSCI_VERSION:
        case PSCI_0_2_FN_SYSTEM_OFF:
        case PSCI_0_2_FN_SYSTEM_RESET:
        case PSCI_0_2_FN_CPU_OFF:
        case 0x84000003:
        case 0xc4000003:
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

static void virt_init(MachineState *ms)
{
    ArmVirtState *s = mc_malloc0(sizeof(*s));
    MemoryRegion *sys = system_memory;
    Chardev *serial = ms->nr_serial > 0 ? ms->serial[0] : NULL;
    hwaddr kend = VIRT_DRAM_BASE, initrd_start = 0, initrd_end = 0;
    uint64_t ram_end;
    void *fdt;
    size_t fdt_size;

    ms->priv = s;
    virt_state = s;
    if (ms->ram_size > 255 * 1024 * MiB) {
        fatal("virt: -m %" PRIu64 "M is more than the 255G RAM window",
              (uint64_t)(ms->ram_size / MiB));
    }
    ram_end = VIRT_DRAM_BASE + ms->ram_size;
    s->nr_cpus = ms->smp;
    for (int i = 0; i < s->nr_cpus; i++) {
        s->cpus[i] = arm_cpu_create(i, ms->cpu_model);
        if (!s->cpus[i]) {
            exit(1);
        }
    }
    arm_set_firmware_call_handler(virt_firmware_call);

    memory_region_init_rom(&s->flash, "virt.flash", VIRT_FLASH_SIZE);
    memory_region_add_subregion(sys, VIRT_FLASH_BASE, &s->flash);
    memory_region_init_ram(&s->ram, "mach-virt.ram", ms->ram_size);
    memory_region_add_subregion(sys, VIRT_DRAM_BASE, &s->ram);
    s->gic = arm_gicv3_create(sys, VIRT_GICD_BASE, VIRT_GICR_BASE, s->cpus,
                              s->nr_cpus, VIRT_NUM_SPIS);
    for (int i = 0; i < s->nr_cpus; i++) {
        /* Non-secure physical timer: PPI 30; virtual timer: PPI 27. */
        arm_cpu_set_timer_output(s->cpus[i], ARM_TIMER_PHYS,
                                 arm_gicv3_ppi(s->gic, i, 30));
        arm_cpu_set_timer_output(s->cpus[i], ARM_TIMER_VIRT,
                                 arm_gicv3_ppi(s->gic, i, 27));
    }
    s->uart = pl011_mmio_create(sys, VIRT_UART_BASE,
                                arm_gicv3_spi(s->gic, VIRT_UART_SPI), serial);

    s->entry = VIRT_FLASH_BASE;
    if (ms->bios && strcmp(ms->bios, "none")) {
        char *path = firmware_find(ms->bios);
        uint8_t *buf;
        size_t size;
        int ret;

        ret = load_file(path ? path : ms->bios, &buf, &size);
        if (ret < 0) {
            fatal("could not load firmware '%s': %s", ms->bios,
                  strerror(-ret));
        }
        if (size > VIRT_FLASH_SIZE) {
            fatal("firmware '%s' is larger than the flash", ms->bios);
        }
        rom_add_image(VIRT_FLASH_BASE, buf, size);
        free(path);
    }
    if (ms->kernel) {
        s->entry = virt_load_kernel(ms, s, &kend);
    }
    if (ms->initrd) {
        uint8_t *buf;
        size_t size;
        int ret = load_file(ms->initrd, &buf, &size);

        if (ret < 0) {
            fatal("could not load initrd '%s': %s", ms->initrd,
                  strerror(-ret));
        }
        initrd_start = ROUND_UP(kend, 2 * MiB);
        if (initrd_start >= ram_end || size > ram_end - initrd_start) {
            fatal("initrd '%s' does not fit in RAM", ms->initrd);
        }
        initrd_end = initrd_start + size;
        rom_add_image(initrd_start, buf, size);
        kend = initrd_end;
    }

    fdt = virt_build_fdt(ms, s, initrd_start, initrd_end);
    fdt_size = fdt_totalsize(fdt);
    if (ms->dumpdtb) {
        FILE *f = fopen(ms->dumpdtb, "wb");

        if (!f || fwrite(fdt, 1, fdt_size, f) != fdt_size ||
            fclose(f) != 0) {
            fatal("could not write dtb to '%s': %s", ms->dumpdtb,
                  strerror(errno));
        }
        exit(0);
    }
    /* The DTB goes at the start of RAM unless the kernel is there. */
    if (!ms->kernel || kend <= VIRT_DRAM_BASE ||
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
    arm_gicv3_reset(s->gic);
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
    .desc = "QEMU 7.2 ARM Virtual Machine (AArch64, partial)",
    .arch = "aarch64",
    .is_default = true,
    .default_ram = 128 * MiB,
    .max_cpus = VIRT_MAX_CPUS,
    .default_cpu = "cortex-a57",
    .init = virt_init,
    .reset = virt_reset,
    .print_cpus = arm_cpu_print_models,
};

MACHINE_TYPE_REGISTER(arm_virt_machine)
