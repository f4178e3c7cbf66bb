/* SPDX-License-Identifier: MIT */
/* libFuzzer target: PL031, PL061, CFI flash, goldfish RTC, SiFive test. */

/*
 * The small platform devices of the virt boards.  The flash bank is 256 KiB
 * with 64 KiB sectors, contents in memory only (refilled with the erased
 * pattern after each run so programs and erases do not leak into the
 * next one).  No events: these devices have no backend input worth
 * modelling here (PL061 pins are outputs towards the board).
 */
#include <string.h>
#include "machina/device.h"
#include "../../hw/block/pflash_cfi01.h"
#include "../../hw/gpio/pl061.h"
#include "../../hw/misc/sifive_test.h"
#include "../../hw/rtc/goldfish_rtc.h"
#include "../../hw/rtc/pl031.h"
#include "fuzz-dev.h"

#define FZ_PL031        0x09010000ULL
#define FZ_PL061        0x09030000ULL
#define FZ_FLASH        0x20000000ULL
#define FZ_FLASH_SIZE   0x40000ULL
#define FZ_GOLDFISH     0x00101000ULL
#define FZ_TEST         0x00100000ULL

static const FzRegion fz_regions[] = {
    { FZ_PL031, PL031_SIZE },
    { FZ_PL061, PL061_SIZE },
    { FZ_FLASH, FZ_FLASH_SIZE },
    { FZ_GOLDFISH, GOLDFISH_RTC_SIZE },
    { FZ_TEST, SIFIVE_TEST_SIZE },
};

static PFlashCFI01 *fz_flash;

static void fz_setup(void)
{
    fz_machine_init();
    (void)pl031_create(system_memory, FZ_PL031, fz_irq());
    (void)pl061_create(system_memory, FZ_PL061, fz_irq());
    fz_flash = pflash_cfi01_create("fuzz.flash", FZ_FLASH_SIZE, 0x10000,
                                   NULL);
    memory_region_add_subregion(system_memory, FZ_FLASH,
                                &fz_flash->container);
    (void)goldfish_rtc_create(system_memory, FZ_GOLDFISH, fz_irq());
    (void)sifive_test_create(system_memory, FZ_TEST);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_flash) {
        fz_setup();
    }
    fz_run(data, size, fz_regions, (int)ARRAY_SIZE(fz_regions), NULL);
    devices_reset_all();
    pflash_cfi01_reset(fz_flash);
    memset(fz_flash->storage, 0xff, FZ_FLASH_SIZE);
    return 0;
}
