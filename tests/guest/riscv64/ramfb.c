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
#define FW_CFG_DATA     (FW_CFG_BASE + 0)
#define FW_CFG_SEL      (FW_CFG_BASE + 8)
#define FW_CFG_DMA      (FW_CFG_BASE + 16)

#define KEY_SIGNATURE   0x00
#define KEY_ID          0x01
#define KEY_UUID        0x02
#define KEY_RAM_SIZE    0x03
#define KEY_NB_CPUS     0x05
#define KEY_BOOT_MENU   0x0e
#define KEY_MAX_CPUS    0x0f
#define KEY_FILE_DIR    0x19

#define DMA_ERROR       0x01
#define DMA_READ        0x02
#define DMA_SELECT      0x08
#define DMA_WRITE       0x10

#define RAM_SIZE        (128UL << 20)       /* the test runs with -m 128M */
#define FB_ADDR         (RAM_BASE + 0x400000)
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

/* RAMFBCfg, big endian fields; kept as words so every access is aligned. */
struct ramfb_cfg {
    uint64_t addr;
    uint32_t fourcc, flags, width, height, stride;
    uint32_t pad;
};

static volatile struct dma_access dma __attribute__((aligned(16)));
static struct ramfb_cfg cfg __attribute__((aligned(16)));
static uint8_t dir_buf[4 + 32 * 64] __attribute__((aligned(8)));

static uint16_t bswap16(uint16_t v)
{
    return (uint16_t)((v >> 8) | (v << 8));
}

static uint32_t bswap32(uint32_t v)
{
    return __builtin_bswap32(v);
}

static uint64_t bswap64(uint64_t v)
{
    return __builtin_bswap64(v);
}

static void fw_select(uint16_t key)
{
    *(volatile uint16_t *)FW_CFG_SEL = bswap16(key);
}

static uint64_t fw_read_le(uint16_t key, int n)
{
    uint64_t v = 0;

    fw_select(key);
    for (int i = 0; i < n; i++) {
        v |= (uint64_t)mmio_read8(FW_CFG_DATA) << (8 * i);
    }
    return v;
}

/* One DMA transfer; returns the final control word (0 or DMA_ERROR). */
static uint32_t fw_dma(uint32_t control, void *buf, uint32_t len)
{
    dma.control = bswap32(control);
    dma.length = bswap32(len);
    dma.address = bswap64((uint64_t)(unsigned long)buf);
    __asm__ volatile("fence rw, rw" ::: "memory");
    mmio_write64(FW_CFG_DMA, bswap64((uint64_t)(unsigned long)&dma));
    __asm__ volatile("fence rw, rw" ::: "memory");
    while (bswap32(dma.control) & ~DMA_ERROR) {
    }
    return bswap32(dma.control);
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Print the directory; return the select key of etc/ramfb or 0. */
static uint16_t list_files(void)
{
    uint32_t count;
    uint16_t ramfb = 0;

    CHECK_EQ(fw_dma(((uint32_t)KEY_FILE_DIR << 16) | DMA_SELECT | DMA_READ,
                    dir_buf, sizeof(dir_buf)), 0);
    count = bswap32(*(uint32_t *)dir_buf);
    printf("files: %u\n", count);
    for (uint32_t i = 0; i < count && i < 32; i++) {
        uint8_t *e = dir_buf + 4 + i * 64;
        uint32_t size = bswap32(*(uint32_t *)e);
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

static uint16_t ramfb_key;

static uint32_t ramfb_write(uint64_t addr, uint32_t fourcc, uint32_t w,
                           uint32_t h, uint32_t stride, uint32_t len)
{
    cfg.addr = bswap64(addr);
    cfg.fourcc = bswap32(fourcc);
    cfg.flags = 0;
    cfg.width = bswap32(w);
    cfg.height = bswap32(h);
    cfg.stride = bswap32(stride);
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
        volatile uint8_t *row = fb + (unsigned long)y * stride;
        int x;

        for (x = 0; x < W; x++) {
            uint32_t v = pattern(x, y);
            uint8_t r = v >> 16, g = v >> 8, b = v;

            if (fourcc == RGB888) {
                row[x * 3] = b;
                row[x * 3 + 1] = g;
                row[x * 3 + 2] = r;
            } else {
                /* alpha / x bits must be ignored */
                *(volatile uint32_t *)(row + x * 4) = 0x81000000u | v;
            }
        }
        for (unsigned i = (fourcc == RGB888 ? 3 : 4) * W; i < stride; i++) {
            row[i] = 0xa5;
        }
    }
}

static int uart_getc(void)
{
    if (mmio_read8(UART_BASE + 5) & 1) {
        return mmio_read8(UART_BASE);
    }
    return -1;
}

static void hostile(void)
{
    /* Each is accepted by fw_cfg (status 0) but refused by ramfb. */
    printf("outside RAM: %u\n",
           ramfb_write(0x200000000UL, XRGB8888, W, H, 0, 28));
    printf("past RAM end: %u\n",
           ramfb_write(RAM_BASE + RAM_SIZE - 4096, XRGB8888, W, H, 0, 28));
    printf("address wraps: %u\n",
           ramfb_write(0xfffffffffffff000UL, XRGB8888, W, H, 0, 28));
    printf("stride * height overflow: %u\n",
           ramfb_write(FB_ADDR, XRGB8888, W, 12000, 0xffffffffu, 28));
    printf("zero size: %u\n", ramfb_write(FB_ADDR, XRGB8888, 0, 0, 0, 28));
    printf("too wide: %u\n",
           ramfb_write(FB_ADDR, XRGB8888, 16001, 16, 0, 28));
    printf("bad fourcc: %u\n",
           ramfb_write(FB_ADDR, FOURCC('Y', 'U', 'Y', 'V'), W, H, 0, 28));
    /* QEMU 8.1 added XB24/AB24; 7.2 refuses them. */
    printf("XBGR8888: %u\n", ramfb_write(FB_ADDR, XBGR8888, W, H, 0, 28));
    /* fw_cfg itself refuses these (error bit). */
    printf("write past the file: %u\n",
           ramfb_write(FB_ADDR, XRGB8888, W, H, 0, 32));
    printf("write to the directory: %u\n",
           fw_dma(((uint32_t)KEY_FILE_DIR << 16) | DMA_SELECT | DMA_WRITE,
                  &cfg, 4));
    printf("write to the signature: %u\n",
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
    uint64_t sig = fw_read_le(KEY_SIGNATURE, 4), uuid, uuid2 = 0;

    printf("signature: %c%c%c%c\n", (int)(sig & 0xff),
           (int)((sig >> 8) & 0xff), (int)((sig >> 16) & 0xff),
           (int)(sig >> 24));
    CHECK_EQ(sig, 0x554d4551);
    CHECK_EQ(bswap64(mmio_read64(FW_CFG_DMA)), 0x51454d5520434647UL);
    printf("id: %lu\n", (unsigned long)fw_read_le(KEY_ID, 4));
    uuid = fw_read_le(KEY_UUID, 8);
    for (int i = 0; i < 8; i++) {
        uuid2 |= (uint64_t)mmio_read8(FW_CFG_DATA) << (8 * i);
    }
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
