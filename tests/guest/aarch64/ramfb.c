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
#define FW_CFG_DATA     (FW_CFG_BASE + 0)
#define FW_CFG_SEL      (FW_CFG_BASE + 8)
#define FW_CFG_DMA      (FW_CFG_BASE + 16)
#define RAM_BASE        0x40000000UL
#define RAM_SIZE        (128UL << 20)       /* the tests run with -m 128M */
#define FB_ADDR         (RAM_BASE + 0x400000)

#define KEY_SIGNATURE   0x00
#define KEY_ID          0x01
#define KEY_UUID        0x02
#define KEY_NB_CPUS     0x05
#define KEY_BOOT_MENU   0x0e
#define KEY_FILE_DIR    0x19

#define DMA_ERROR       0x01
#define DMA_READ        0x02
#define DMA_SELECT      0x08
#define DMA_WRITE       0x10

#define W               320
#define H               200

#define FOURCC(a, b, c, d) \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | \
     ((uint32_t)(d) << 24))
#define XRGB8888        FOURCC('X', 'R', '2', '4')
#define ARGB8888        FOURCC('A', 'R', '2', '4')
#define XBGR8888        FOURCC('X', 'B', '2', '4')
#define RGB888          FOURCC('R', 'G', '2', '4')

struct dma_access {
    uint32_t control, length;
    uint64_t address;
};

/* RAMFBCfg, big endian fields, padded to keep accesses aligned. */
struct ramfb_cfg {
    uint64_t addr;
    uint32_t fourcc, flags, width, height, stride;
    uint32_t pad;
};

static volatile struct dma_access dma __attribute__((aligned(16)));
static struct ramfb_cfg cfg __attribute__((aligned(16)));
static uint8_t dir_buf[4 + 32 * 64] __attribute__((aligned(8)));
static uint16_t ramfb_key;

static inline void mb(void)
{
    __asm__ volatile("dsb sy" ::: "memory");
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

static void show_dec(const char *name, uint64_t v)
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

static uint16_t bswap16(uint16_t v)
{
    return (uint16_t)((v >> 8) | (v << 8));
}

static void fw_select(uint16_t key)
{
    *(volatile uint16_t *)FW_CFG_SEL = bswap16(key);
}

static uint64_t fw_read_more(int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++) {
        v |= (uint64_t)*(volatile uint8_t *)FW_CFG_DATA << (8 * i);
    }
    return v;
}

static uint64_t fw_read_le(uint16_t key, int n)
{
    fw_select(key);
    return fw_read_more(n);
}

/* One DMA transfer; returns the final control word (0 or DMA_ERROR). */
static uint32_t fw_dma(uint32_t control, void *buf, uint32_t len)
{
    dma.control = __builtin_bswap32(control);
    dma.length = __builtin_bswap32(len);
    dma.address = __builtin_bswap64((uint64_t)buf);
    mb();
    *(volatile uint64_t *)FW_CFG_DMA = __builtin_bswap64((uint64_t)&dma);
    mb();
    while (__builtin_bswap32(dma.control) & ~DMA_ERROR) {
    }
    return __builtin_bswap32(dma.control);
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
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
            show_dec("bootorder size", size);
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

static uint32_t ramfb_write(uint64_t addr, uint32_t fourcc, uint32_t w,
                           uint32_t h, uint32_t stride, uint32_t len)
{
    cfg.addr = __builtin_bswap64(addr);
    cfg.fourcc = __builtin_bswap32(fourcc);
    cfg.flags = 0;
    cfg.width = __builtin_bswap32(w);
    cfg.height = __builtin_bswap32(h);
    cfg.stride = __builtin_bswap32(stride);
    cfg.pad = 0;
    return fw_dma(((uint32_t)ramfb_key << 16) | DMA_SELECT | DMA_WRITE, &cfg,
                  len);
}

static const uint32_t bars[8] = {
    0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
    0xff00ff, 0xff0000, 0x0000ff, 0x000000,
};

/* The pattern pixel at (x, y) as 0xRRGGBB. */
static uint32_t pattern(int x, int y)
{
    if (y < H / 2) {
        return bars[x * 8 / W];
    } else {
        uint32_t r = x * 255 / (W - 1);
        uint32_t g = (y - H / 2) * 255 / (H / 2 - 1);
        uint32_t b = (x ^ y) & 0xff;

        return (r << 16) | (g << 8) | b;
    }
}

/* Draw the pattern in a format; bytes past each row get junk. */
static void draw(uint32_t fourcc, uint32_t stride)
{
    volatile uint8_t *fb = (volatile uint8_t *)FB_ADDR;

    for (int y = 0; y < H; y++) {
        volatile uint8_t *row = fb + (uint64_t)y * stride;

        for (int x = 0; x < W; x++) {
            uint32_t v = pattern(x, y);
            uint8_t r = v >> 16, g = v >> 8, b = v;

            if (fourcc == RGB888) {
                row[x * 3] = b;
                row[x * 3 + 1] = g;
                row[x * 3 + 2] = r;
            } else {
                *(volatile uint32_t *)(row + x * 4) = 0x81000000u | v;
            }
        }
        for (uint32_t i = (fourcc == RGB888 ? 3 : 4) * W; i < stride; i++) {
            row[i] = 0xa5;
        }
    }
}

static int uart_getc(void)
{
    if (*(volatile uint32_t *)(UART_BASE + 0x18) & 0x10) {
        return -1;                          /* RXFE */
    }
    return (int)(*(volatile uint32_t *)UART_BASE & 0xff);
}

static void hostile(void)
{
    /* Each is accepted by fw_cfg (status 0) but refused by ramfb. */
    show_dec("outside RAM",
             ramfb_write(0x200000000UL, XRGB8888, W, H, 0, 28));
    show_dec("past RAM end",
             ramfb_write(RAM_BASE + RAM_SIZE - 4096, XRGB8888, W, H, 0, 28));
    show_dec("address wraps",
             ramfb_write(0xfffffffffffff000UL, XRGB8888, W, H, 0, 28));
    show_dec("stride * height overflow",
             ramfb_write(FB_ADDR, XRGB8888, W, 12000, 0xffffffffu, 28));
    show_dec("zero size", ramfb_write(FB_ADDR, XRGB8888, 0, 0, 0, 28));
    show_dec("too wide", ramfb_write(FB_ADDR, XRGB8888, 16001, 16, 0, 28));
    show_dec("bad fourcc",
             ramfb_write(FB_ADDR, FOURCC('Y', 'U', 'Y', 'V'), W, H, 0, 28));
    /* QEMU 8.1 added XB24/AB24; 7.2 refuses them. */
    show_dec("XBGR8888", ramfb_write(FB_ADDR, XBGR8888, W, H, 0, 28));
    /* fw_cfg itself refuses these (error bit). */
    show_dec("write past the file",
             ramfb_write(FB_ADDR, XRGB8888, W, H, 0, 32));
    show_dec("write to the directory",
             fw_dma(((uint32_t)KEY_FILE_DIR << 16) | DMA_SELECT | DMA_WRITE,
                    &cfg, 4));
    show_dec("write to the signature",
             fw_dma(DMA_SELECT | DMA_WRITE, &cfg, 4));
}

int main(void)
{
    static const struct {
        uint32_t fourcc, stride;
    } modes[] = {
        { XRGB8888, W * 4 + 64 },
        { RGB888, W * 3 + 4 },
        { ARGB8888, 0 },
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
    show_dec("id", fw_read_le(KEY_ID, 4));
    puts_("uuid: ");
    put_hexn(fw_read_le(KEY_UUID, 8), 16);
    put_hexn(fw_read_more(8), 16);
    putc_('\n');
    show_dec("boot_menu", fw_read_le(KEY_BOOT_MENU, 2));
    show_dec("nb_cpus", fw_read_le(KEY_NB_CPUS, 2));
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
