/* SPDX-License-Identifier: MIT */
/*
 * What tests/guest/riscv64/ramfb.c and tests/guest/aarch64/ramfb.c share
 * (QEMU fw_cfg.txt; QEMU hw/display/ramfb.c for RAMFBCfg): the fw_cfg
 * DMA layout, the RAMFBCfg write, the 320x200 pattern both draw (the one
 * tests/functional/test_display.py computes) and the hostile
 * configurations.  The includer defines FW_CFG_BASE, RAM_BASE, RAM_SIZE,
 * FB_ADDR and UART_BASE, a memory barrier fw_barrier(), a 64-bit MMIO
 * store fw_mmio_write64() and report(name, value) printing "name: value".
 */
#ifndef GUEST_RAMFB_TEST_H
#define GUEST_RAMFB_TEST_H

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

#define W               320
#define H               200

#define FOURCC(a, b, c, d) \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | \
     ((uint32_t)(d) << 24))
#define XRGB8888        FOURCC('X', 'R', '2', '4')
#define ARGB8888        FOURCC('A', 'R', '2', '4')
#define XBGR8888        FOURCC('X', 'B', '2', '4')
#define ABGR8888        FOURCC('A', 'B', '2', '4')
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

static void fw_barrier(void);
static void fw_mmio_write64(unsigned long addr, uint64_t v);
static void report(const char *name, uint64_t v);

static uint16_t bswap16(uint16_t v)
{
    return (uint16_t)((v >> 8) | (v << 8));
}

static void fw_select(uint16_t key)
{
    *(volatile uint16_t *)FW_CFG_SEL = bswap16(key);
}

/* The next n bytes of the selected item, little endian. */
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
    dma.address = __builtin_bswap64((uint64_t)(unsigned long)buf);
    fw_barrier();
    fw_mmio_write64(FW_CFG_DMA,
                    __builtin_bswap64((uint64_t)(unsigned long)&dma));
    fw_barrier();
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
        volatile uint8_t *row = fb + (unsigned long)y * stride;

        for (int x = 0; x < W; x++) {
            uint32_t v = pattern(x, y);
            uint8_t r = v >> 16, g = v >> 8, b = v;

            if (fourcc == RGB888) {
                row[x * 3] = b;
                row[x * 3 + 1] = g;
                row[x * 3 + 2] = r;
            } else if (fourcc == XBGR8888 || fourcc == ABGR8888) {
                *(volatile uint32_t *)(row + x * 4) =
                    0x81000000u | ((uint32_t)b << 16) | (g << 8) | r;
            } else {
                /* alpha / x bits must be ignored */
                *(volatile uint32_t *)(row + x * 4) = 0x81000000u | v;
            }
        }
        for (uint32_t i = (fourcc == RGB888 ? 3 : 4) * W; i < stride; i++) {
            row[i] = 0xa5;
        }
    }
}

static void hostile(void)
{
    /* Each is accepted by fw_cfg (status 0) but refused by ramfb. */
    report("outside RAM",
           ramfb_write(0x200000000UL, XRGB8888, W, H, 0, 28));
    report("past RAM end",
           ramfb_write(RAM_BASE + RAM_SIZE - 4096, XRGB8888, W, H, 0, 28));
    report("address wraps",
           ramfb_write(0xfffffffffffff000UL, XRGB8888, W, H, 0, 28));
    report("stride * height overflow",
           ramfb_write(FB_ADDR, XRGB8888, W, 12000, 0xffffffffu, 28));
    report("zero size", ramfb_write(FB_ADDR, XRGB8888, 0, 0, 0, 28));
    report("too wide", ramfb_write(FB_ADDR, XRGB8888, 16001, 16, 0, 28));
    report("bad fourcc",
           ramfb_write(FB_ADDR, FOURCC('Y', 'U', 'Y', 'V'), W, H, 0, 28));
    /* fw_cfg itself refuses these (error bit). */
    report("write past the file",
           ramfb_write(FB_ADDR, XRGB8888, W, H, 0, 32));
    report("write to the directory",
           fw_dma(((uint32_t)KEY_FILE_DIR << 16) | DMA_SELECT | DMA_WRITE,
                  &cfg, 4));
    report("write to the signature",
           fw_dma(DMA_SELECT | DMA_WRITE, &cfg, 4));
}

#endif
