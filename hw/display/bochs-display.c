/* SPDX-License-Identifier: MIT */
/*
 * bochs-display: the PCI display without VGA (vendor 1234, device 1111,
 * class 0x0380) that Linux's bochs DRM driver drives.  BAR 0 is the linear
 * framebuffer (guest RAM); BAR 2 is MMIO: 0x400 VGA ports (ignored, no
 * VGA), 0x500 the Bochs VBE "dispi" registers (16 bit, index * 2) and
 * 0x600 the QEMU extended registers (region size, framebuffer endianness).
 *
 * The framebuffer is a dirty-logged RAM region: a refresh converts only
 * the rows on pages written since the previous one, straight from vram.
 * Formats: 32 bpp (x8r8g8b8) and 16 bpp (r5g6b5); other depths show black.
 */
#include "machina/pci.h"
#include "machina/log.h"
#include "machina/ui.h"
#include "machina/vga.h"
#include <stdlib.h>
#include <string.h>

#define BOCHS_VENDOR_ID         0x1234
#define BOCHS_DEVICE_ID         0x1111
#define PCI_CLASS_DISPLAY_OTHER 0x0380

typedef struct BochsMode {
    int width, height;
    FbFormat format;
    size_t offset, stride;
} BochsMode;

typedef struct BochsDisplay {
    PCIDevice pci;              /* must be first */
    char *addr;                 /* property: slot[.fn] */
    uint64_t vgamem;            /* property: framebuffer bytes */
    MemoryRegion vram, mmio;
    VbeState vbe;               /* dispi + QEMU extension registers */
    Console *con;
    bool invalid;               /* redraw everything next time */
    BochsMode shown;            /* mode of the last refresh */
} BochsDisplay;

/* ---- registers (hw/display/vbe.c) ---- */

static uint64_t bochs_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    BochsDisplay *s = opaque;

    if (addr >= VBE_MMIO_DISPI_OFF && addr < VBE_MMIO_QEXT_OFF) {
        return vbe_read(&s->vbe, (addr - VBE_MMIO_DISPI_OFF) / 2);
    }
    if (addr >= VBE_MMIO_QEXT_OFF &&
        addr < VBE_MMIO_QEXT_OFF + VBE_MMIO_QEXT_SIZE) {
        return vbe_qext_read(&s->vbe, addr - VBE_MMIO_QEXT_OFF);
    }
    return 0;                   /* EDID area empty, VGA ports absent */
}

static void bochs_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    BochsDisplay *s = opaque;

    if (addr >= VBE_MMIO_DISPI_OFF && addr < VBE_MMIO_QEXT_OFF) {
        if (vbe_write(&s->vbe, (addr - VBE_MMIO_DISPI_OFF) / 2, val)) {
            s->invalid = true;
        }
    } else if (addr >= VBE_MMIO_QEXT_OFF) {
        vbe_qext_write(&s->vbe, addr - VBE_MMIO_QEXT_OFF, val,
                       "bochs-display");
    } else if (addr < VBE_MMIO_VGA_OFF) {
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



/* The mode the registers describe, if it is shown and fits in vram. */
static bool bochs_get_mode(BochsDisplay *s, BochsMode *m)
{
    uint16_t *d = s->vbe.regs;
    unsigned bytes;
    size_t virt_w;

    if (!vbe_enabled(&s->vbe) || !d[VBE_DISPI_INDEX_XRES] ||
        !d[VBE_DISPI_INDEX_YRES]) {
        return false;
    }
    if (d[VBE_DISPI_INDEX_BPP] == 32) {
        m->format = FB_X8R8G8B8;
    } else if (d[VBE_DISPI_INDEX_BPP] == 16) {
        m->format = FB_R5G6B5;
    } else {
        return false;
    }
    bytes = fb_format_bytes(m->format);
    m->width = d[VBE_DISPI_INDEX_XRES];
    m->height = d[VBE_DISPI_INDEX_YRES];
    virt_w = MAX(d[VBE_DISPI_INDEX_VIRT_WIDTH], d[VBE_DISPI_INDEX_XRES]);
    m->stride = virt_w * bytes;
    m->offset = (size_t)d[VBE_DISPI_INDEX_Y_OFFSET] * m->stride +
                (size_t)d[VBE_DISPI_INDEX_X_OFFSET] * bytes;
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
    DirtySnapshot *snap;
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
    /* Other rows shown (a pan, a flip): the log only knows about writes */
    if (m.offset != s->shown.offset || m.stride != s->shown.stride ||
        m.format != s->shown.format || m.width != s->shown.width ||
        m.height != s->shown.height) {
        s->shown = m;
        s->invalid = true;
    }
    row_bytes = (size_t)m.width * fb_format_bytes(m.format);
    /* Taken (and cleared) before converting: later writes count next time */
    snap = memory_region_snapshot_and_clear_dirty(
        &s->vram, m.offset, m.stride * (m.height - 1) + row_bytes);
    if (!snap->any && !s->invalid) {
        memory_region_snapshot_free(snap);
        return;                 /* idle guest: no work */
    }
    for (int y = 0; y < m.height; y++) {
        size_t off = m.offset + y * m.stride;

        if (!s->invalid &&
            !memory_region_snapshot_get_dirty(snap, off, row_bytes)) {
            continue;
        }
        surface_convert_rect(surf, 0, y, s->vram.ram + off, row_bytes,
                             m.format, m.width, 1);
        if (first < 0) {
            first = y;
        }
        last = y;
    }
    memory_region_snapshot_free(snap);
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

static int bochs_realize(DeviceState *dev)
{
    BochsDisplay *s = (BochsDisplay *)dev;
    int devfn = -1;

    if (s->addr && pci_parse_devfn(s->addr, &devfn) < 0) {
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
    memory_region_set_log(&s->vram, true);
    s->vbe.vram_size = s->vgamem;
    s->vbe.vram = s->vram.ram;
    s->vbe.vram_mr = &s->vram;
    memory_region_init_io(&s->mmio, "bochs-display.mmio", &bochs_mmio_ops, s,
                          VBE_MMIO_SIZE);
    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_MEM_PREFETCH, &s->vram);
    pci_register_bar(&s->pci, 2, 0, &s->mmio);
    s->con = graphic_console_init(dev->id ? dev->id : "bochs-display",
                                  &bochs_hw_ops, s);
    return s->con ? 0 : -1;
}

static void bochs_reset(DeviceState *dev)
{
    BochsDisplay *s = (BochsDisplay *)dev;

    vbe_reset(&s->vbe);
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
