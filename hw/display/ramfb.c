/* SPDX-License-Identifier: MIT */
/*
 * ramfb: a framebuffer in guest RAM that the guest (firmware, boot
 * loader) configures through the fw_cfg file "etc/ramfb", like QEMU's
 * `-device ramfb`.  The file is QEMU's RAMFBCfg, 28 bytes, big endian:
 *   be64 addr, be32 fourcc (DRM), be32 flags, be32 width, be32 height,
 *   be32 stride (0: width * bytes per pixel)
 * written by the guest with an fw_cfg DMA write.
 *
 * Accepted, as QEMU 8.1 and later (hw/display/ramfb.c, ui/qemu-pixman.c):
 * fourcc XR24, AR24, XB24, AB24 (32 bpp) and RG24 (24 bpp) -- QEMU 7.2
 * refuses XB24/AB24; 16 <= width <= 16000,
 * 16 <= height <= 12000 (the Bochs VBE limits); the bytes shown,
 * [addr, addr + stride * (height - 1) + width * bpp), lie in one guest
 * RAM block.  Anything else is a guest error and the display keeps what
 * it showed.  Deviation: a stride below the line size (overlapping rows)
 * is refused here; QEMU hands it to pixman.
 *
 * The framebuffer pages are watched through the dirty log of the RAM
 * region holding them: a refresh converts only the rows on pages written
 * since the previous one.  The configuration survives a system reset, as
 * in QEMU 7.2.
 */
#include "machina/device.h"
#include "machina/fw_cfg.h"
#include "machina/log.h"
#include "machina/memory.h"
#include "machina/ui.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_RAMFB              "ramfb"
#define RAMFB_FILE              "etc/ramfb"
#define RAMFB_CFG_SIZE          28
#define RAMFB_MIN_DIM           16
#define RAMFB_MAX_XRES          16000
#define RAMFB_MAX_YRES          12000

/* DRM fourcc codes (include/uapi/drm/drm_fourcc.h) */
#define FOURCC(a, b, c, d) \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | \
     ((uint32_t)(d) << 24))
#define DRM_FORMAT_RGB888       FOURCC('R', 'G', '2', '4')
#define DRM_FORMAT_XRGB8888     FOURCC('X', 'R', '2', '4')
#define DRM_FORMAT_ARGB8888     FOURCC('A', 'R', '2', '4')
#define DRM_FORMAT_XBGR8888     FOURCC('X', 'B', '2', '4')
#define DRM_FORMAT_ABGR8888     FOURCC('A', 'B', '2', '4')

typedef struct RamfbMode {
    hwaddr addr;
    uint32_t fourcc;
    int width, height;
    unsigned bpp;               /* bytes per pixel */
    uint64_t stride;
    uint64_t size;              /* bytes read: stride * (h - 1) + line */
    hwaddr ram_offset;          /* of addr in its RAM region */
} RamfbMode;

typedef struct RamfbState {
    DeviceState parent;         /* must be first */
    FWCfgState *fw_cfg;
    Console *con;
    RamfbMode mode;
    bool active;                /* mode holds a valid configuration */
    MemoryRegion *logged;       /* RAM region whose dirty log we use */
    bool invalid;               /* redraw everything next time */
} RamfbState;

static uint64_t ramfb_ld_be(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* Bytes per pixel of a fourcc QEMU accepts, 0 otherwise. */
static unsigned ramfb_format_bpp(uint32_t fourcc)
{
    switch (fourcc) {
    case DRM_FORMAT_XRGB8888:
    case DRM_FORMAT_ARGB8888:
    case DRM_FORMAT_XBGR8888:
    case DRM_FORMAT_ABGR8888:
        return 4;
    case DRM_FORMAT_RGB888:
        return 3;
    default:
        return 0;
    }
}

/* Convert one row of w pixels to x8r8g8b8. */
static void ramfb_convert_row(DisplaySurface *surf, int y, const uint8_t *src,
                              uint32_t fourcc, int w)
{
    uint32_t *dst = surface_row(surf, y);

    switch (fourcc) {
    case DRM_FORMAT_XRGB8888:
    case DRM_FORMAT_ARGB8888:
        surface_convert_rect(surf, 0, y, src, (size_t)w * 4, FB_X8R8G8B8,
                             w, 1);
        break;
    case DRM_FORMAT_XBGR8888:
    case DRM_FORMAT_ABGR8888:
        /* Little-endian [31:0] X:B:G:R; alpha is not blended. */
        surface_convert_rect(surf, 0, y, src, (size_t)w * 4, FB_X8B8G8R8,
                             w, 1);
        break;
    default:
        /* RG24: little-endian 24-bit [23:0] R:G:B, i.e. bytes B, G, R. */
        for (int x = 0; x < w; x++) {
            const uint8_t *p = src + (size_t)x * 3;

            dst[x] = ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
        }
        break;
    }
}

/*
 * Check a configuration as QEMU's ramfb_create_display_surface does and
 * fill *m.  Returns NULL or the reason it is refused.
 */
static const char *ramfb_parse(const uint8_t *cfg, RamfbMode *m)
{
    uint32_t width = (uint32_t)ramfb_ld_be(cfg + 16, 4);
    uint32_t height = (uint32_t)ramfb_ld_be(cfg + 20, 4);
    uint64_t line;

    m->addr = ramfb_ld_be(cfg, 8);
    m->fourcc = (uint32_t)ramfb_ld_be(cfg + 8, 4);
    m->stride = ramfb_ld_be(cfg + 24, 4);
    m->bpp = ramfb_format_bpp(m->fourcc);
    if (!m->bpp) {
        return "unsupported fourcc";
    }
    if (width < RAMFB_MIN_DIM || width > RAMFB_MAX_XRES ||
        height < RAMFB_MIN_DIM || height > RAMFB_MAX_YRES) {
        return "size out of range";
    }
    m->width = (int)width;
    m->height = (int)height;
    line = (uint64_t)width * m->bpp;
    if (m->stride == 0) {
        m->stride = line;
    }
    if (m->stride < line) {
        return "stride below the line size";
    }
    /* At most 2^32 * 12000 + 64000: no overflow in 64 bits. */
    m->size = m->stride * (height - 1) + line;
    if (!memory_find_ram(&address_space_memory, m->addr, m->size,
                         &m->ram_offset)) {
        return "framebuffer not inside guest RAM";
    }
    return NULL;
}

/* fw_cfg write callback: the guest wrote (part of) etc/ramfb. */
static void ramfb_cfg_write(void *opaque, const uint8_t *data,
                            uint32_t offset, uint32_t len)
{
    RamfbState *s = opaque;
    RamfbMode m;
    const char *why = ramfb_parse(data, &m);

    (void)offset;
    (void)len;
    if (why) {
        guest_error("ramfb: %s: %" PRIu32 "x%" PRIu32 " fourcc 0x%08" PRIx32
                    " stride %" PRIu32 " at 0x%" PRIx64 "; display "
                    "unchanged\n", why,
                    (uint32_t)ramfb_ld_be(data + 16, 4),
                    (uint32_t)ramfb_ld_be(data + 20, 4),
                    (uint32_t)ramfb_ld_be(data + 8, 4),
                    (uint32_t)ramfb_ld_be(data + 24, 4),
                    ramfb_ld_be(data, 8));
        return;
    }
    s->mode = m;
    s->active = true;
    s->invalid = true;
}

static void ramfb_gfx_update(void *opaque)
{
    RamfbState *s = opaque;
    DisplaySurface *surf = console_surface(s->con);
    RamfbMode *m = &s->mode;
    size_t row_bytes;
    const uint8_t *fb;
    MemoryRegion *mr;
    DirtySnapshot *snap;
    hwaddr off;
    int first = -1, last = -1;

    if (!s->active) {
        return;
    }
    /* Checked again: the RAM layout is the machine's, not ours. */
    mr = memory_find_ram(&address_space_memory, m->addr, m->size, &off);
    if (!mr) {
        return;
    }
    if (mr != s->logged) {
        /* Log only while shown; a whole RAM region costs 1 bit a page. */
        if (s->logged) {
            memory_region_set_log(s->logged, false);
        }
        memory_region_set_log(mr, true);
        s->logged = mr;
        s->invalid = true;
    }
    if (off != m->ram_offset) {
        m->ram_offset = off;
        s->invalid = true;
    }
    fb = mr->ram + off;
    if (surf->width != m->width || surf->height != m->height) {
        surf = surface_create(m->width, m->height);
        if (!surf) {
            return;
        }
        console_switch_surface(s->con, surf);
        s->invalid = true;
    }
    row_bytes = (size_t)m->width * m->bpp;
    /* Taken (and cleared) before converting: later writes count next time */
    snap = memory_region_snapshot_and_clear_dirty(mr, off, m->size);
    if (!snap->any && !s->invalid) {
        memory_region_snapshot_free(snap);
        return;                 /* idle guest: no work */
    }
    for (int y = 0; y < m->height; y++) {
        uint64_t roff = (uint64_t)y * m->stride;

        if (!s->invalid &&
            !memory_region_snapshot_get_dirty(snap, off + roff, row_bytes)) {
            continue;
        }
        ramfb_convert_row(surf, y, fb + roff, m->fourcc, m->width);
        if (first < 0) {
            first = y;
        }
        last = y;
    }
    memory_region_snapshot_free(snap);
    s->invalid = false;
    if (first >= 0) {
        console_gfx_update(s->con, 0, first, m->width, last - first + 1);
    }
}

static void ramfb_invalidate(void *opaque)
{
    ((RamfbState *)opaque)->invalid = true;
}

static const GraphicHwOps ramfb_hw_ops = {
    .gfx_update = ramfb_gfx_update,
    .invalidate = ramfb_invalidate,
};

static int ramfb_realize(DeviceState *dev)
{
    RamfbState *s = (RamfbState *)dev;
    uint8_t zero[RAMFB_CFG_SIZE] = { 0 };

    s->fw_cfg = fw_cfg_find();
    if (!s->fw_cfg) {
        error_report("ramfb: this machine has no fw_cfg device");
        return -1;
    }
    if (fw_cfg_file_data(s->fw_cfg, RAMFB_FILE, NULL)) {
        error_report("ramfb: only one ramfb device is supported");
        return -1;
    }
    if (fw_cfg_add_file_callback(s->fw_cfg, RAMFB_FILE, zero, sizeof(zero),
                                 ramfb_cfg_write, s, false) < 0) {
        error_report("ramfb: no room for %s in fw_cfg", RAMFB_FILE);
        return -1;
    }
    s->con = graphic_console_init(dev->id ? dev->id : TYPE_RAMFB,
                                  &ramfb_hw_ops, s);
    return s->con ? 0 : -1;
}

static const Property ramfb_props[] = {
    { .name = NULL },
};

static DeviceType ramfb_type = {
    .name = TYPE_RAMFB,
    .desc = "ram framebuffer standalone device",
    .instance_size = sizeof(RamfbState),
    .props = ramfb_props,
    .realize = ramfb_realize,
    .user_creatable = true,
};

DEVICE_TYPE_REGISTER(ramfb_type)
