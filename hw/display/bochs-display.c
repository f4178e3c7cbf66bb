/* SPDX-License-Identifier: MIT */
/*
 * bochs-display: the PCI display without VGA (vendor 1234, device 1111,
 * class 0x0380) that Linux's bochs DRM driver drives.  BAR 0 is the linear
 * framebuffer (guest RAM); BAR 2 is MMIO: 0x400 VGA ports (ignored, no
 * VGA), 0x500 the Bochs VBE "dispi" registers (16 bit, index * 2) and
 * 0x600 the QEMU extended registers (region size, framebuffer endianness).
 *
 * The memory API has no dirty log yet, so the refresh compares each
 * framebuffer row with a shadow copy and converts only rows that changed.
 * Formats: 32 bpp (x8r8g8b8) and 16 bpp (r5g6b5); other depths show black.
 */
#include "machina/pci.h"
#include "machina/log.h"
#include "machina/ui.h"
#include <stdlib.h>
#include <string.h>

#define BOCHS_VENDOR_ID         0x1234
#define BOCHS_DEVICE_ID         0x1111
#define PCI_CLASS_DISPLAY_OTHER 0x0380
#define BOCHS_MMIO_SIZE         0x1000
#define BOCHS_VGA_OFF           0x400
#define BOCHS_DISPI_OFF         0x500
#define BOCHS_QEXT_OFF          0x600
#define BOCHS_QEXT_SIZE         0x8

/* Dispi register indices and values (Bochs vbe.h) */
enum {
    DISPI_ID, DISPI_XRES, DISPI_YRES, DISPI_BPP, DISPI_ENABLE, DISPI_BANK,
    DISPI_VIRT_WIDTH, DISPI_VIRT_HEIGHT, DISPI_X_OFFSET, DISPI_Y_OFFSET,
    DISPI_VIDEO_MEMORY_64K, DISPI_NR,
};
#define DISPI_ID5               0xb0c5
#define DISPI_ENABLED           0x01
#define DISPI_GETCAPS           0x02
#define DISPI_MAX_XRES          16000
#define DISPI_MAX_YRES          12000
#define DISPI_MAX_BPP           32

typedef struct BochsDisplay {
    PCIDevice pci;              /* must be first */
    char *addr;                 /* property: slot[.fn] */
    uint64_t vgamem;            /* property: framebuffer bytes */
    MemoryRegion vram, mmio;
    uint16_t dispi[DISPI_NR];
    uint32_t qext_endian;
    Console *con;
    uint8_t *shadow;            /* last converted framebuffer rows */
    size_t shadow_size;
    bool invalid;               /* redraw everything next time */
} BochsDisplay;

/* ---- dispi registers ---- */

static uint16_t bochs_dispi_read(BochsDisplay *s, unsigned idx)
{
    bool caps = s->dispi[DISPI_ENABLE] & DISPI_GETCAPS;

    switch (idx) {
    case DISPI_ID:
        return DISPI_ID5;
    case DISPI_XRES:
        return caps ? DISPI_MAX_XRES : s->dispi[idx];
    case DISPI_YRES:
        return caps ? DISPI_MAX_YRES : s->dispi[idx];
    case DISPI_BPP:
        return caps ? DISPI_MAX_BPP : s->dispi[idx];
    case DISPI_VIDEO_MEMORY_64K:
        return s->vgamem / (64 * KiB);
    default:
        return idx < DISPI_NR ? s->dispi[idx] : 0;
    }
}

static void bochs_dispi_write(BochsDisplay *s, unsigned idx, uint16_t val)
{
    switch (idx) {
    case DISPI_ID:
    case DISPI_VIDEO_MEMORY_64K:
        return;                 /* read-only here */
    case DISPI_BPP:
        if (val != 8 && val != 15 && val != 16 && val != 24 && val != 32) {
            guest_error("bochs-display: bpp %u not supported\n", val);
            return;
        }
        break;
    case DISPI_BANK:
        val = 0;                /* no banked window without VGA */
        break;
    default:
        if (idx >= DISPI_NR) {
            guest_error("bochs-display: dispi index 0x%x\n", idx);
            return;
        }
        break;
    }
    s->dispi[idx] = val;
    s->invalid = true;
}

static uint64_t bochs_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    BochsDisplay *s = opaque;

    if (addr >= BOCHS_DISPI_OFF && addr < BOCHS_QEXT_OFF) {
        return bochs_dispi_read(s, (addr - BOCHS_DISPI_OFF) / 2);
    }
    if (addr == BOCHS_QEXT_OFF) {
        return BOCHS_QEXT_SIZE;
    }
    if (addr == BOCHS_QEXT_OFF + 4) {
        return s->qext_endian;
    }
    return 0;                   /* EDID area empty, VGA ports absent */
}

static void bochs_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    BochsDisplay *s = opaque;

    if (addr >= BOCHS_DISPI_OFF && addr < BOCHS_QEXT_OFF) {
        bochs_dispi_write(s, (addr - BOCHS_DISPI_OFF) / 2, val);
    } else if (addr == BOCHS_QEXT_OFF + 4) {
        /* 0x1e1e1e1e little endian, 0xbebebebe big: only LE is shown. */
        s->qext_endian = val;
        if (val != 0x1e1e1e1e) {
            log_unimp("bochs-display: big-endian framebuffer\n");
        }
    } else if (addr < BOCHS_VGA_OFF || addr >= BOCHS_QEXT_OFF) {
        guest_error("bochs-display: write 0x%x to read-only offset 0x%x\n",
                    (unsigned)val, (unsigned)addr);
    }
}

static const MemoryRegionOps bochs_mmio_ops = {
    .read = bochs_mmio_read,
    .write = bochs_mmio_write,
    .valid_min = 1, .valid_max = 4,
    .impl_min = 1, .impl_max = 4,
};

/* ---- refresh ---- */

typedef struct BochsMode {
    int width, height;
    FbFormat format;
    size_t offset, stride;
} BochsMode;

/* The mode the registers describe, if it is shown and fits in vram. */
static bool bochs_get_mode(BochsDisplay *s, BochsMode *m)
{
    uint16_t *d = s->dispi;
    unsigned bytes;
    size_t virt_w;

    if (!(d[DISPI_ENABLE] & DISPI_ENABLED) || !d[DISPI_XRES] ||
        !d[DISPI_YRES]) {
        return false;
    }
    if (d[DISPI_BPP] == 32) {
        m->format = FB_X8R8G8B8;
    } else if (d[DISPI_BPP] == 16) {
        m->format = FB_R5G6B5;
    } else {
        return false;
    }
    bytes = fb_format_bytes(m->format);
    m->width = d[DISPI_XRES];
    m->height = d[DISPI_YRES];
    virt_w = MAX(d[DISPI_VIRT_WIDTH], d[DISPI_XRES]);
    m->stride = virt_w * bytes;
    m->offset = (size_t)d[DISPI_Y_OFFSET] * m->stride +
                (size_t)d[DISPI_X_OFFSET] * bytes;
    if (m->width > SURFACE_MAX_DIM || m->height > SURFACE_MAX_DIM ||
        m->offset + m->stride * (m->height - 1) +
        (size_t)m->width * bytes > s->vgamem) {
        return false;
    }
    return true;
}

static void bochs_show_blank(BochsDisplay *s)
{
    DisplaySurface *surf = console_surface(s->con);

    if (s->invalid) {
        memset(surf->data, 0, (size_t)surf->stride * surf->height);
        console_gfx_update(s->con, 0, 0, surf->width, surf->height);
        s->invalid = false;
    }
}

static void bochs_gfx_update(void *opaque)
{
    BochsDisplay *s = opaque;
    DisplaySurface *surf = console_surface(s->con);
    BochsMode m;
    size_t row_bytes;
    int first = -1, last = -1;

    if (!bochs_get_mode(s, &m)) {
        bochs_show_blank(s);
        return;
    }
    if (surf->width != m.width || surf->height != m.height) {
        surf = surface_create(m.width, m.height);
        console_switch_surface(s->con, surf);
        s->invalid = true;
    }
    row_bytes = (size_t)m.width * fb_format_bytes(m.format);
    if (s->shadow_size != row_bytes * m.height) {
        free(s->shadow);
        s->shadow_size = row_bytes * m.height;
        s->shadow = mc_malloc0(s->shadow_size);
        s->invalid = true;
    }
    for (int y = 0; y < m.height; y++) {
        const uint8_t *src = s->vram.ram + m.offset + y * m.stride;
        uint8_t *old = s->shadow + y * row_bytes;

        if (!s->invalid && !memcmp(src, old, row_bytes)) {
            continue;
        }
        memcpy(old, src, row_bytes);
        surface_convert_rect(surf, 0, y, old, row_bytes, m.format, m.width,
                             1);
        if (first < 0) {
            first = y;
        }
        last = y;
    }
    s->invalid = false;
    if (first >= 0) {
        console_gfx_update(s->con, 0, first, m.width, last - first + 1);
    }
}

static void bochs_invalidate(void *opaque)
{
    ((BochsDisplay *)opaque)->invalid = true;
}

static const GraphicHwOps bochs_hw_ops = {
    .gfx_update = bochs_gfx_update,
    .invalidate = bochs_invalidate,
};

/* ---- device ---- */

static int bochs_parse_addr(const char *str, int *devfn)
{
    char *end;
    unsigned long slot = strtoul(str, &end, 16), fn = 0;

    if (end == str || slot >= PCI_SLOT_MAX) {
        return -1;
    }
    if (*end == '.') {
        fn = strtoul(end + 1, &end, 10);
        if (fn > 7) {
            return -1;
        }
    }
    if (*end) {
        return -1;
    }
    *devfn = PCI_DEVFN(slot, fn);
    return 0;
}

static int bochs_realize(DeviceState *dev)
{
    BochsDisplay *s = (BochsDisplay *)dev;
    int devfn = -1;

    if (s->addr && bochs_parse_addr(s->addr, &devfn) < 0) {
        error_report("bochs-display: invalid PCI address '%s'", s->addr);
        return -1;
    }
    if (s->vgamem < 1 * MiB || s->vgamem > 256 * MiB ||
        (s->vgamem & (s->vgamem - 1))) {
        error_report("bochs-display: vgamem must be a power of two from "
                     "1M to 256M");
        return -1;
    }
    if (pci_device_register(&s->pci, NULL, "bochs-display", devfn,
                            false) < 0) {
        return -1;
    }
    pci_config_set_ids(&s->pci, BOCHS_VENDOR_ID, BOCHS_DEVICE_ID,
                       PCI_VENDOR_ID_REDHAT, 0x0100, 2,
                       PCI_CLASS_DISPLAY_OTHER << 8);
    memory_region_init_ram(&s->vram, "bochs-display.vram", s->vgamem);
    memory_region_init_io(&s->mmio, "bochs-display.mmio", &bochs_mmio_ops, s,
                          BOCHS_MMIO_SIZE);
    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_MEM_PREFETCH, &s->vram);
    pci_register_bar(&s->pci, 2, 0, &s->mmio);
    s->con = graphic_console_init(dev->id ? dev->id : "bochs-display",
                                  &bochs_hw_ops, s);
    return s->con ? 0 : -1;
}

static void bochs_reset(DeviceState *dev)
{
    BochsDisplay *s = (BochsDisplay *)dev;

    memset(s->dispi, 0, sizeof(s->dispi));
    s->qext_endian = 0x1e1e1e1e;
    s->invalid = true;
}

static const Property bochs_props[] = {
    { .name = "addr", .type = PROP_STRING,
      .offset = offsetof(BochsDisplay, addr) },
    DEFINE_PROP("vgamem", BochsDisplay, vgamem, PROP_SIZE, 16 * MiB),
    { .name = NULL },
};

static DeviceType bochs_display_type = {
    .name = "bochs-display",
    .desc = "Bochs VBE display without VGA (PCI)",
    .instance_size = sizeof(BochsDisplay),
    .props = bochs_props,
    .realize = bochs_realize,
    .reset = bochs_reset,
    .user_creatable = true,
};

DEVICE_TYPE_REGISTER(bochs_display_type)
