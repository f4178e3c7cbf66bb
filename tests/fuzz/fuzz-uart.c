/* SPDX-License-Identifier: MIT */
/* libFuzzer target: 16550 UART (MMIO, reg-shift 0 and 2) and PL011. */

/*
 * Regions: a 16550 with byte-spaced registers (riscv virt), one with
 * 4-byte spacing, a PL011 (arm virt), each on a null chardev.  Events
 * deliver received bytes from RAM to one UART as its backend would
 * (arg bits 0-1 pick the UART, never more than it says it can take).
 */
#include <stdlib.h>
#include "machina/chardev.h"
#include "machina/device.h"
#include "../../hw/char/pl011_mmio.h"
#include "../../hw/char/uart16550_mmio.h"
#include "fuzz-dev.h"

#define FZ_U0   0x10000000ULL
#define FZ_U1   0x10001000ULL
#define FZ_PL   0x09000000ULL

static const FzRegion fz_regions[] = {
    { FZ_U0, 0x100 },
    { FZ_U1, 0x100 },
    { FZ_PL, 0x1000 },
};

static Chardev *fz_chr[3];

static void fz_setup(void)
{
    static const char *const labels[3] = { "fzu0", "fzu1", "fzpl" };

    fz_machine_init();
    for (int i = 0; i < 3; i++) {
        fz_chr[i] = chardev_new_from_spec("null", labels[i]);
        if (!fz_chr[i]) {
            abort();
        }
    }
    (void)uart16550_mmio_create(system_memory, FZ_U0, 0, fz_irq(),
                                fz_chr[0]);
    (void)uart16550_mmio_create(system_memory, FZ_U1, 2, fz_irq(),
                                fz_chr[1]);
    (void)pl011_mmio_create(system_memory, FZ_PL, fz_irq(), fz_chr[2]);
}

static void fz_event(uint32_t arg, uint64_t val)
{
    Chardev *chr = fz_chr[(arg & 3) % 3];
    uint32_t len = (uint32_t)(val & 0x3f);
    const uint8_t *buf = fz_ram_input(arg >> 2, &len);
    int n = (int)len;

    if (chr->fe_attached && chr->fe.can_read) {
        n = MIN(n, chr->fe.can_read(chr->fe.opaque));
        if (n > 0) {
            chr->fe.read(chr->fe.opaque, buf, n);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_chr[0]) {
        fz_setup();
    }
    fz_run(data, size, fz_regions, (int)ARRAY_SIZE(fz_regions), fz_event);
    devices_reset_all();
    return 0;
}
