/* SPDX-License-Identifier: MIT */
/* Bare-metal ramfb driver: fw_cfg items, "etc/ramfb", known patterns. */

/*
 * The aarch64 twin of tests/guest/riscv64/ramfb.c (same output, same
 * patterns; QEMU fw_cfg.txt, QEMU hw/display/ramfb.c for RAMFBCfg).
 * Prints the fw_cfg items both boards agree with QEMU 7.2 on and finds
 * "etc/ramfb" (QEMU's arm virt also lists ACPI and SMBIOS files, and the
 * directory is not printed; docs/devel/display.md lists the differences).
 * Without -device ramfb (the plain guest-test run) it prints
 * "no etc/ramfb" and powers off.  With it: shows a 320x200 pattern,
 * tries hostile configurations that must leave the display unchanged,
 * prints "READY n" and waits on the UART: 'n' shows the same pattern in
 * the next pixel format (XRGB8888 with a padded stride, RGB888,
 * ARGB8888), 'q' powers off.  The MMU is off, so every
 * access is naturally aligned.
 */
#include "lib.h"

#define UART_BASE       0x09000000UL
#define FW_CFG_BASE     0x09020000UL
#define RAM_BASE        0x40000000UL
#define RAM_SIZE        (128UL << 20)       /* the tests run with -m 128M */
#define FB_ADDR         (RAM_BASE + 0x400000)
#include "../common/ramfb-test.h"

static void fw_barrier(void)
{
    __asm__ volatile("dsb sy" ::: "memory");
}

static void fw_mmio_write64(unsigned long addr, uint64_t v)
{
    *(volatile uint64_t *)addr = v;
}

static void put_dec(uint64_t v)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        putc_(buf[--n]);
    }
}

static void put_hexn(uint64_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        putc_("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
    }
}

static void report(const char *name, uint64_t v)
{
    puts_(name);
    puts_(": ");
    put_dec(v);
    putc_('\n');
}

static void fail(const char *what)
{
    puts_("FAIL: ");
    puts_(what);
    putc_('\n');
    poweroff();
}

/* Find etc/ramfb in the directory; its select key or 0. */
static uint16_t find_ramfb(void)
{
    uint32_t count;
    uint16_t ramfb = 0;

    if (fw_dma(((uint32_t)KEY_FILE_DIR << 16) | DMA_SELECT | DMA_READ,
               dir_buf, sizeof(dir_buf))) {
        fail("directory read");
    }
    count = __builtin_bswap32(*(uint32_t *)dir_buf);
    for (uint32_t i = 0; i < count && i < 32; i++) {
        uint8_t *e = dir_buf + 4 + i * 64;
        uint32_t size = __builtin_bswap32(*(uint32_t *)e);
        uint16_t sel = bswap16(*(uint16_t *)(e + 4));
        const char *name = (const char *)(e + 8);

        if (streq(name, "bootorder")) {
            report("bootorder size", size);
        }
        if (streq(name, "etc/ramfb")) {
            if (size != 28) {
                fail("etc/ramfb size");
            }
            ramfb = sel;
        }
    }
    return ramfb;
}

static int uart_getc(void)
{
    if (*(volatile uint32_t *)(UART_BASE + 0x18) & 0x10) {
        return -1;                          /* RXFE */
    }
    return (int)(*(volatile uint32_t *)UART_BASE & 0xff);
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
    uint64_t sig = fw_read_le(KEY_SIGNATURE, 4);

    puts_("signature: ");
    for (int i = 0; i < 4; i++) {
        putc_((char)(sig >> (8 * i)));
    }
    putc_('\n');
    if (sig != 0x554d4551 ||
        __builtin_bswap64(*(volatile uint64_t *)FW_CFG_DMA) !=
        0x51454d5520434647UL) {
        fail("fw_cfg signatures");
    }
    report("id", fw_read_le(KEY_ID, 4));
    puts_("uuid: ");
    put_hexn(fw_read_le(KEY_UUID, 8), 16);
    put_hexn(fw_read_more(8), 16);
    putc_('\n');
    report("boot_menu", fw_read_le(KEY_BOOT_MENU, 2));
    report("nb_cpus", fw_read_le(KEY_NB_CPUS, 2));
    ramfb_key = find_ramfb();
    if (!ramfb_key) {
        puts_("no etc/ramfb\n");
        poweroff();
    }

    for (unsigned m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        uint32_t stride = modes[m].stride;

        draw(modes[m].fourcc, stride ? stride
                                     : W * (modes[m].fourcc == RGB888 ? 3
                                                                      : 4));
        if (ramfb_write(FB_ADDR, modes[m].fourcc, W, H, stride, 28)) {
            fail("ramfb config");
        }
        if (m == 0) {
            hostile();
        }
        puts_("READY ");
        put_dec(m);
        putc_('\n');
        for (;;) {
            int c = uart_getc();

            if (c == 'q') {
                puts_("BYE\n");
                poweroff();
            }
            if (c == 'n') {
                break;
            }
        }
    }
    puts_("BYE\n");
    poweroff();
}
