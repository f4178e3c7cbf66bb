/* SPDX-License-Identifier: MIT */
/* Bare-metal ramfb driver: fw_cfg items, "etc/ramfb", known patterns. */

/*
 * Run with -device ramfb (QEMU fw_cfg.txt; QEMU hw/display/ramfb.c for
 * RAMFBCfg).  Prints the fw_cfg items and file directory, finds
 * "etc/ramfb", shows a 320x200 pattern (colour bars over a gradient, the
 * one test_display.py computes) and then tries hostile configurations
 * that must each leave the display unchanged.  Prints "READY n" and waits
 * on the UART: 'n' shows the same pattern in the next pixel format
 * (XRGB8888 with a padded stride, RGB888, ARGB8888), 'q'
 * powers off.  Without the device it prints "no etc/ramfb" and exits.
 */
#include "lib.h"

#define FW_CFG_BASE     0x10100000UL
#define RAM_SIZE        (128UL << 20)       /* the test runs with -m 128M */
#define FB_ADDR         (RAM_BASE + 0x400000)
#include "../common/ramfb-test.h"

static void fw_barrier(void)
{
    __asm__ volatile("fence rw, rw" ::: "memory");
}

static void fw_mmio_write64(unsigned long addr, uint64_t v)
{
    mmio_write64(addr, v);
}

static void report(const char *name, uint64_t v)
{
    printf("%s: %lu\n", name, (unsigned long)v);
}

/* Print the directory; return the select key of etc/ramfb or 0. */
static uint16_t list_files(void)
{
    uint32_t count;
    uint16_t ramfb = 0;

    CHECK_EQ(fw_dma(((uint32_t)KEY_FILE_DIR << 16) | DMA_SELECT | DMA_READ,
                    dir_buf, sizeof(dir_buf)), 0);
    count = __builtin_bswap32(*(uint32_t *)dir_buf);
    printf("files: %u\n", count);
    for (uint32_t i = 0; i < count && i < 32; i++) {
        uint8_t *e = dir_buf + 4 + i * 64;
        uint32_t size = __builtin_bswap32(*(uint32_t *)e);
        uint16_t sel = bswap16(*(uint16_t *)(e + 4));
        const char *name = (const char *)(e + 8);

        printf("file %s size %u", name, size);
        if (size && size <= 8) {
            uint8_t small[8] __attribute__((aligned(8)));

            CHECK_EQ(fw_dma(((uint32_t)sel << 16) | DMA_SELECT | DMA_READ,
                            small, size), 0);
            printf(" data");
            for (uint32_t k = 0; k < size; k++) {
                printf(" %02x", small[k]);
            }
        }
        printf("\n");
        if (streq(name, "etc/ramfb")) {
            CHECK_EQ(size, 28);
            ramfb = sel;
        }
    }
    return ramfb;
}

static int uart_getc(void)
{
    if (mmio_read8(UART_BASE + 5) & 1) {
        return mmio_read8(UART_BASE);
    }
    return -1;
}

int main(void)
{
    static const struct {
        uint32_t fourcc, stride;
    } modes[] = {
        { XRGB8888, W * 4 + 64 },
        { RGB888, W * 3 + 4 },
        { ARGB8888, 0 },
        { XBGR8888, 0 },            /* QEMU 8.1+; 7.2 refuses these two */
        { ABGR8888, W * 4 + 16 },
    };
    uint64_t sig = fw_read_le(KEY_SIGNATURE, 4), uuid, uuid2;

    printf("signature: %c%c%c%c\n", (int)(sig & 0xff),
           (int)((sig >> 8) & 0xff), (int)((sig >> 16) & 0xff),
           (int)(sig >> 24));
    CHECK_EQ(sig, 0x554d4551);
    CHECK_EQ(__builtin_bswap64(mmio_read64(FW_CFG_DMA)), 0x51454d5520434647UL);
    printf("id: %lu\n", (unsigned long)fw_read_le(KEY_ID, 4));
    uuid = fw_read_le(KEY_UUID, 8);
    uuid2 = fw_read_more(8);
    printf("uuid: %016lx%016lx\n", (unsigned long)uuid,
           (unsigned long)uuid2);
    printf("boot_menu: %lu\n", (unsigned long)fw_read_le(KEY_BOOT_MENU, 2));
    printf("nb_cpus: %lu\n", (unsigned long)fw_read_le(KEY_NB_CPUS, 2));
    printf("max_cpus: %lu\n", (unsigned long)fw_read_le(KEY_MAX_CPUS, 2));
    printf("ram_size: 0x%lx\n", (unsigned long)fw_read_le(KEY_RAM_SIZE, 8));
    ramfb_key = list_files();
    if (!ramfb_key) {
        puts_("no etc/ramfb\n");
        rt_exit(0);
    }

    for (unsigned m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        uint32_t stride = modes[m].stride;

        draw(modes[m].fourcc, stride ? stride
                                     : W * (modes[m].fourcc == RGB888 ? 3
                                                                      : 4));
        CHECK_EQ(ramfb_write(FB_ADDR, modes[m].fourcc, W, H, stride, 28), 0);
        if (m == 0) {
            hostile();
        }
        printf("READY %u\n", m);
        for (;;) {
            int c = uart_getc();

            if (c == 'q') {
                puts_("BYE\n");
                rt_exit(0);
            }
            if (c == 'n') {
                break;
            }
        }
    }
    puts_("BYE\n");
    rt_exit(0);
}
