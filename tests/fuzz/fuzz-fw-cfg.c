/* SPDX-License-Identifier: MIT */
/* libFuzzer target: fw_cfg MMIO transport including DMA. */

/*
 * An fw_cfg device as on arm virt (MMIO, DMA through the system address
 * space) holding the usual items: signature and ID, CPU count, RAM size,
 * kernel data, command line and a few files.  DMA descriptors and their
 * buffers live in the fuzzer's RAM; any address may be named.
 */
#include <stdlib.h>
#include <string.h>
#include "machina/fw_cfg.h"
#include "fuzz-dev.h"

#define FZ_FWCFG        0x09020000ULL

static const FzRegion fz_regions[] = {
    { FZ_FWCFG, FW_CFG_MMIO_SIZE },
};

static FWCfgState *fz_fw;

static void fz_setup(void)
{
    static uint8_t kernel[5000];

    fz_machine_init();
    fz_fw = fw_cfg_new(&address_space_memory);
    for (size_t i = 0; i < sizeof(kernel); i++) {
        kernel[i] = (uint8_t)(i * 7);
    }
    fw_cfg_add_i16(fz_fw, FW_CFG_NB_CPUS, 2);
    fw_cfg_add_i64(fz_fw, FW_CFG_RAM_SIZE, FZ_RAM_SIZE);
    fw_cfg_add_i32(fz_fw, FW_CFG_KERNEL_SIZE, sizeof(kernel));
    fw_cfg_add_bytes(fz_fw, FW_CFG_KERNEL_DATA, kernel, sizeof(kernel));
    fw_cfg_add_string(fz_fw, FW_CFG_CMDLINE_DATA, "console=ttyAMA0");
    if (fw_cfg_add_file(fz_fw, "bootorder", "", 0) < 0 ||
        fw_cfg_add_file(fz_fw, "etc/ramfb", kernel, 28) < 0 ||
        fw_cfg_add_file(fz_fw, "etc/table-loader", kernel, 4096) < 0) {
        abort();
    }
    fw_cfg_mmio_map(fz_fw, system_memory, FZ_FWCFG);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_fw) {
        fz_setup();
    }
    fz_run(data, size, fz_regions, 1, NULL);
    fw_cfg_reset(fz_fw);
    return 0;
}
