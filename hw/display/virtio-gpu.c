/* SPDX-License-Identifier: MIT */
/*
 * virtio-gpu 2D device (virtio 1.2 section 5.7): control and cursor
 * queues, host-side resources backed by guest scatter lists, one scanout
 * shown on a graphic console, EDID.  No 3D (virgl), no blob resources.
 * Resources count against a per-device host memory limit (max_hostmem)
 * so a guest cannot make us allocate without bound.
 *
 * Deviations: the cursor is tracked but not drawn into the surface (as in
 * QEMU, front ends draw it); only scanout 0 exists by default.
 */
#include "machina/virtio.h"
#include "machina/log.h"
#include "machina/ui.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_VIRTIO_GPU         "virtio-gpu-device"
#define VIRTIO_ID_GPU           16
#define VGPU_QUEUE_SIZE         256
#define VGPU_MAX_SCANOUTS       16
#define VGPU_MAX_BACKING        16384       /* entries per resource */
#define VGPU_RES_OVERHEAD       256         /* bytes charged per resource */

/* Feature bits (5.7.3) */
#define VIRTIO_GPU_F_EDID       1

/* Commands and responses (5.7.6.7) */
enum {
    CMD_GET_DISPLAY_INFO = 0x0100,
    CMD_RESOURCE_CREATE_2D,
    CMD_RESOURCE_UNREF,
    CMD_SET_SCANOUT,
    CMD_RESOURCE_FLUSH,
    CMD_TRANSFER_TO_HOST_2D,
    CMD_RESOURCE_ATTACH_BACKING,
    CMD_RESOURCE_DETACH_BACKING,
    CMD_GET_CAPSET_INFO,
    CMD_GET_CAPSET,
    CMD_GET_EDID,
    CMD_UPDATE_CURSOR = 0x0300,
    CMD_MOVE_CURSOR,
    RESP_OK_NODATA = 0x1100,
    RESP_OK_DISPLAY_INFO,
    RESP_OK_CAPSET_INFO,
    RESP_OK_CAPSET,
    RESP_OK_EDID,
    RESP_ERR_UNSPEC = 0x1200,
    RESP_ERR_OUT_OF_MEMORY,
    RESP_ERR_INVALID_SCANOUT_ID,
    RESP_ERR_INVALID_RESOURCE_ID,
    RESP_ERR_INVALID_CONTEXT_ID,
    RESP_ERR_INVALID_PARAMETER,
};

#define VIRTIO_GPU_FLAG_FENCE   1

/* Formats (5.7.6.8) */
enum {
    VGPU_FMT_B8G8R8A8 = 1,
    VGPU_FMT_B8G8R8X8 = 2,
    VGPU_FMT_A8R8G8B8 = 3,
    VGPU_FMT_X8R8G8B8 = 4,
    VGPU_FMT_R8G8B8A8 = 67,
    VGPU_FMT_X8B8G8R8 = 68,
    VGPU_FMT_A8B8G8R8 = 121,
    VGPU_FMT_R8G8B8X8 = 134,
};

typedef struct VGpuCtrlHdr {
    uint32_t type;
    uint32_t flags;
    uint64_t fence_id;
    uint32_t ctx_id;
    uint8_t ring_idx;
    uint8_t padding[3];
} VGpuCtrlHdr;

typedef struct VGpuRect {
    uint32_t x, y, width, height;
} VGpuRect;

typedef struct VGpuMemEntry {
    uint64_t addr;
    uint32_t length;
    uint32_t padding;
} VGpuMemEntry;

/* The largest request body after the header (update_cursor, 32 bytes). */
#define VGPU_MAX_REQ 64

typedef struct VGpuResource {
    uint32_t id;
    uint32_t width, height;
    FbFormat format;
    uint32_t stride;
    uint8_t *data;
    uint64_t hostmem;           /* bytes charged */
    VGpuMemEntry *backing;
    uint32_t nr_backing;
    uint64_t backing_len;
    struct VGpuResource *next;
} VGpuResource;

typedef struct VGpuScanout {
    uint32_t resource_id;       /* 0: disabled */
    VGpuRect r;
} VGpuScanout;

typedef struct VirtIOGpu {
    VirtIODevice vdev;
    /* Properties */
    uint32_t xres, yres;
    uint32_t max_outputs;
    uint64_t max_hostmem;
    bool edid;
    VirtQueueElement *elem;
    VGpuResource *resources;
    uint64_t hostmem;
    VGpuScanout scanout[VGPU_MAX_SCANOUTS];
    Console *con;
    struct {
        uint32_t resource_id, x, y, hot_x, hot_y;
    } cursor;
} VirtIOGpu;

/* ---- response helpers ---- */

static void vgpu_fill_hdr(const VGpuCtrlHdr *req, VGpuCtrlHdr *resp,
                          uint32_t type)
{
    memset(resp, 0, sizeof(*resp));
    resp->type = type;
    if (req->flags & VIRTIO_GPU_FLAG_FENCE) {
        /* Work is synchronous: the fence is done when we answer. */
        resp->flags = VIRTIO_GPU_FLAG_FENCE;
        resp->fence_id = req->fence_id;
        resp->ctx_id = req->ctx_id;
        resp->ring_idx = req->ring_idx;
    }
}

static uint32_t vgpu_respond(VirtIOGpu *s, const VGpuCtrlHdr *req,
                             void *resp, size_t len, uint32_t type)
{
    vgpu_fill_hdr(req, resp, type);
    return virtqueue_elem_write(&s->vdev, s->elem, 0, resp, len);
}

/* ---- resources ---- */

static VGpuResource *vgpu_find(VirtIOGpu *s, uint32_t id)
{
    for (VGpuResource *r = s->resources; r; r = r->next) {
        if (r->id == id) {
            return r;
        }
    }
    return NULL;
}

static int vgpu_format(uint32_t f, FbFormat *out)
{
    /* virtio names list bytes in memory order; ours are LE word order. */
    switch (f) {
    case VGPU_FMT_B8G8R8A8: *out = FB_A8R8G8B8; return 0;
    case VGPU_FMT_B8G8R8X8: *out = FB_X8R8G8B8; return 0;
    case VGPU_FMT_A8R8G8B8: *out = FB_B8G8R8A8; return 0;
    case VGPU_FMT_X8R8G8B8: *out = FB_B8G8R8X8; return 0;
    case VGPU_FMT_R8G8B8A8: *out = FB_A8B8G8R8; return 0;
    case VGPU_FMT_X8B8G8R8: *out = FB_R8G8B8X8; return 0;
    case VGPU_FMT_A8B8G8R8: *out = FB_R8G8B8A8; return 0;
    case VGPU_FMT_R8G8B8X8: *out = FB_X8B8G8R8; return 0;
    default: return -1;
    }
}

static void vgpu_backing_free(VirtIOGpu *s, VGpuResource *res)
{
    s->hostmem -= (uint64_t)res->nr_backing * sizeof(VGpuMemEntry);
    free(res->backing);
    res->backing = NULL;
    res->nr_backing = 0;
    res->backing_len = 0;
}

static void vgpu_scanout_disable(VirtIOGpu *s, int i)
{
    s->scanout[i].resource_id = 0;
    if (i == 0 && s->con) {
        DisplaySurface *blank = surface_create(s->xres, s->yres);

        if (blank) {
            console_switch_surface(s->con, blank);
        }
    }
}

static void vgpu_resource_destroy(VirtIOGpu *s, VGpuResource *res)
{
    for (int i = 0; i < VGPU_MAX_SCANOUTS; i++) {
        if (s->scanout[i].resource_id == res->id) {
            vgpu_scanout_disable(s, i);
        }
    }
    for (VGpuResource **p = &s->resources; *p; p = &(*p)->next) {
        if (*p == res) {
            *p = res->next;
            break;
        }
    }
    vgpu_backing_free(s, res);
    s->hostmem -= res->hostmem;
    free(res->data);
    free(res);
}

static uint32_t vgpu_create_2d(VirtIOGpu *s, const uint8_t *body)
{
    struct {
        uint32_t resource_id, format, width, height;
    } c;
    VGpuResource *res;
    FbFormat fmt;
    uint64_t size;

    memcpy(&c, body, sizeof(c));
    if (c.resource_id == 0 || vgpu_find(s, c.resource_id)) {
        guest_error("virtio-gpu: create_2d: bad resource id %u\n",
                    c.resource_id);
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (vgpu_format(c.format, &fmt) < 0 || !c.width || !c.height ||
        c.width > SURFACE_MAX_DIM || c.height > SURFACE_MAX_DIM) {
        guest_error("virtio-gpu: create_2d: bad format %u or size %ux%u\n",
                    c.format, c.width, c.height);
        return RESP_ERR_INVALID_PARAMETER;
    }
    size = (uint64_t)c.width * 4 * c.height + VGPU_RES_OVERHEAD;
    if (size > s->max_hostmem - MIN(s->hostmem, s->max_hostmem)) {
        guest_error("virtio-gpu: create_2d: %ux%u exceeds max_hostmem\n",
                    c.width, c.height);
        return RESP_ERR_OUT_OF_MEMORY;
    }
    res = calloc(1, sizeof(*res));
    if (res) {
        res->data = calloc(c.height, (size_t)c.width * 4);
    }
    if (!res || !res->data) {
        free(res);
        return RESP_ERR_OUT_OF_MEMORY;
    }
    res->id = c.resource_id;
    res->width = c.width;
    res->height = c.height;
    res->format = fmt;
    res->stride = c.width * 4;
    res->hostmem = size;
    s->hostmem += size;
    res->next = s->resources;
    s->resources = res;
    return RESP_OK_NODATA;
}

static uint32_t vgpu_unref(VirtIOGpu *s, const uint8_t *body)
{
    uint32_t id;
    VGpuResource *res;

    memcpy(&id, body, 4);
    res = vgpu_find(s, id);
    if (!res) {
        guest_error("virtio-gpu: unref: no resource %u\n", id);
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    vgpu_resource_destroy(s, res);
    return RESP_OK_NODATA;
}

/* Is r inside a w x h area?  (Sums in 64 bits: no wrap-around.) */
static bool rect_inside(const VGpuRect *r, uint32_t w, uint32_t h)
{
    return (uint64_t)r->x + r->width <= w && (uint64_t)r->y + r->height <= h;
}

static uint32_t vgpu_attach_backing(VirtIOGpu *s, const uint8_t *body,
                                    uint64_t entries_off)
{
    struct {
        uint32_t resource_id, nr_entries;
    } c;
    VGpuResource *res;
    VGpuMemEntry *ents;
    uint64_t total = 0, bytes;

    memcpy(&c, body, sizeof(c));
    res = vgpu_find(s, c.resource_id);
    if (!res) {
        guest_error("virtio-gpu: attach_backing: no resource %u\n",
                    c.resource_id);
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (res->backing) {
        guest_error("virtio-gpu: attach_backing: resource %u has backing\n",
                    c.resource_id);
        return RESP_ERR_UNSPEC;
    }
    if (!c.nr_entries || c.nr_entries > VGPU_MAX_BACKING) {
        guest_error("virtio-gpu: attach_backing: %u entries\n",
                    c.nr_entries);
        return RESP_ERR_UNSPEC;
    }
    bytes = (uint64_t)c.nr_entries * sizeof(VGpuMemEntry);
    if (bytes > s->max_hostmem - MIN(s->hostmem, s->max_hostmem)) {
        return RESP_ERR_OUT_OF_MEMORY;
    }
    ents = calloc(c.nr_entries, sizeof(*ents));
    if (!ents) {
        return RESP_ERR_OUT_OF_MEMORY;
    }
    if (virtqueue_elem_read(&s->vdev, s->elem, entries_off, ents, bytes) !=
        bytes) {
        guest_error("virtio-gpu: attach_backing: entries truncated\n");
        free(ents);
        return RESP_ERR_UNSPEC;
    }
    for (uint32_t i = 0; i < c.nr_entries; i++) {
        /* Every piece must lie inside one RAM block. */
        if (!ents[i].length ||
            !dma_map(s->vdev.as, ents[i].addr, ents[i].length, false)) {
            guest_error("virtio-gpu: attach_backing: entry %u "
                        "(0x%" PRIx64 "+0x%x) is not guest RAM\n", i,
                        ents[i].addr, ents[i].length);
            free(ents);
            return RESP_ERR_UNSPEC;
        }
        total += ents[i].length;
    }
    res->backing = ents;
    res->nr_backing = c.nr_entries;
    res->backing_len = total;
    s->hostmem += bytes;
    return RESP_OK_NODATA;
}

static uint32_t vgpu_detach_backing(VirtIOGpu *s, const uint8_t *body)
{
    uint32_t id;
    VGpuResource *res;

    memcpy(&id, body, 4);
    res = vgpu_find(s, id);
    if (!res || !res->backing) {
        guest_error("virtio-gpu: detach_backing: resource %u %s\n", id,
                    res ? "has no backing" : "does not exist");
        return res ? RESP_ERR_UNSPEC : RESP_ERR_INVALID_RESOURCE_ID;
    }
    vgpu_backing_free(s, res);
    return RESP_OK_NODATA;
}

/* Copy len bytes at offset off of the backing into dst; false if short. */
static bool vgpu_backing_read(VirtIOGpu *s, VGpuResource *res, uint64_t off,
                              uint8_t *dst, uint64_t len)
{
    for (uint32_t i = 0; i < res->nr_backing && len; i++) {
        VGpuMemEntry *e = &res->backing[i];
        uint64_t n;

        if (off >= e->length) {
            off -= e->length;
            continue;
        }
        n = MIN(len, e->length - off);
        if (dma_read(s->vdev.as, e->addr + off, dst, n) != MEMTX_OK) {
            return false;
        }
        dst += n;
        len -= n;
        off = 0;
    }
    return len == 0;
}

static uint32_t vgpu_transfer_to_host(VirtIOGpu *s, const uint8_t *body)
{
    struct {
        VGpuRect r;
        uint64_t offset;
        uint32_t resource_id, padding;
    } c;
    VGpuResource *res;
    uint64_t row = 0;

    memcpy(&c, body, sizeof(c));
    res = vgpu_find(s, c.resource_id);
    if (!res || !res->backing) {
        guest_error("virtio-gpu: transfer: resource %u %s\n", c.resource_id,
                    res ? "has no backing" : "does not exist");
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (!rect_inside(&c.r, res->width, res->height)) {
        guest_error("virtio-gpu: transfer: rect %u,%u %ux%u outside %ux%u\n",
                    c.r.x, c.r.y, c.r.width, c.r.height, res->width,
                    res->height);
        return RESP_ERR_INVALID_PARAMETER;
    }
    /*
     * Row h of the rectangle comes from offset + h * stride of the backing
     * (the guest's copy has the resource's layout, 5.7.6.8).
     */
    for (uint32_t h = 0; h < c.r.height; h++) {
        uint8_t *dst = res->data + (uint64_t)(c.r.y + h) * res->stride +
                       (uint64_t)c.r.x * 4;

        row = c.offset + (uint64_t)h * res->stride;
        if (row < c.offset || !vgpu_backing_read(s, res, row, dst,
                                                 (uint64_t)c.r.width * 4)) {
            guest_error("virtio-gpu: transfer: backing of resource %u too "
                        "small or unreadable\n", c.resource_id);
            return RESP_ERR_INVALID_PARAMETER;
        }
    }
    return RESP_OK_NODATA;
}

/* Show the part of res under scanout 0's rectangle that r touches. */
static void vgpu_scanout_show(VirtIOGpu *s, VGpuResource *res,
                              const VGpuRect *r)
{
    VGpuScanout *so = &s->scanout[0];
    DisplaySurface *surf = console_surface(s->con);
    uint64_t x1 = MAX(r->x, so->r.x), y1 = MAX(r->y, so->r.y);
    uint64_t x2 = MIN((uint64_t)r->x + r->width,
                      (uint64_t)so->r.x + so->r.width);
    uint64_t y2 = MIN((uint64_t)r->y + r->height,
                      (uint64_t)so->r.y + so->r.height);

    if (x1 >= x2 || y1 >= y2) {
        return;
    }
    surface_convert_rect(surf, x1 - so->r.x, y1 - so->r.y,
                         res->data + y1 * res->stride + x1 * 4, res->stride,
                         res->format, x2 - x1, y2 - y1);
    console_gfx_update(s->con, x1 - so->r.x, y1 - so->r.y, x2 - x1, y2 - y1);
}

static uint32_t vgpu_set_scanout(VirtIOGpu *s, const uint8_t *body)
{
    struct {
        VGpuRect r;
        uint32_t scanout_id, resource_id;
    } c;
    VGpuResource *res;

    memcpy(&c, body, sizeof(c));
    if (c.scanout_id >= s->max_outputs) {
        guest_error("virtio-gpu: set_scanout: bad scanout %u\n",
                    c.scanout_id);
        return RESP_ERR_INVALID_SCANOUT_ID;
    }
    if (c.resource_id == 0) {
        vgpu_scanout_disable(s, c.scanout_id);
        return RESP_OK_NODATA;
    }
    res = vgpu_find(s, c.resource_id);
    if (!res) {
        guest_error("virtio-gpu: set_scanout: no resource %u\n",
                    c.resource_id);
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (!c.r.width || !c.r.height ||
        !rect_inside(&c.r, res->width, res->height)) {
        guest_error("virtio-gpu: set_scanout: rect %u,%u %ux%u outside "
                    "resource %u\n", c.r.x, c.r.y, c.r.width, c.r.height,
                    c.resource_id);
        return RESP_ERR_INVALID_PARAMETER;
    }
    s->scanout[c.scanout_id].resource_id = c.resource_id;
    s->scanout[c.scanout_id].r = c.r;
    if (c.scanout_id == 0) {
        DisplaySurface *surf = console_surface(s->con);

        if (surf->width != (int)c.r.width ||
            surf->height != (int)c.r.height) {
            console_switch_surface(s->con,
                                   surface_create(c.r.width, c.r.height));
        }
        vgpu_scanout_show(s, res, &c.r);
    }
    return RESP_OK_NODATA;
}

static uint32_t vgpu_flush(VirtIOGpu *s, const uint8_t *body)
{
    struct {
        VGpuRect r;
        uint32_t resource_id, padding;
    } c;
    VGpuResource *res;

    memcpy(&c, body, sizeof(c));
    res = vgpu_find(s, c.resource_id);
    if (!res) {
        guest_error("virtio-gpu: flush: no resource %u\n", c.resource_id);
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (!rect_inside(&c.r, res->width, res->height)) {
        guest_error("virtio-gpu: flush: rect outside resource %u\n",
                    c.resource_id);
        return RESP_ERR_INVALID_PARAMETER;
    }
    if (s->scanout[0].resource_id == c.resource_id) {
        vgpu_scanout_show(s, res, &c.r);
    }
    return RESP_OK_NODATA;
}

/* ---- EDID (VESA E-EDID 1.4 base block) ---- */

static void vgpu_edid_dtd(uint8_t *d, uint32_t w, uint32_t h)
{
    /* Blanking as CVT reduced blanking: 160 pixels, 30+ lines, 60 Hz. */
    uint32_t hb = 160, hfp = 48, hsw = 32, vb = 30, vfp = 3, vsw = 6;
    uint64_t clock = (uint64_t)(w + hb) * (h + vb) * 60 / 10000;

    d[0] = clock;
    d[1] = clock >> 8;
    d[2] = w;
    d[3] = hb;
    d[4] = ((w >> 8) << 4) | (hb >> 8);
    d[5] = h;
    d[6] = vb;
    d[7] = ((h >> 8) << 4) | (vb >> 8);
    d[8] = hfp;
    d[9] = hsw;
    d[10] = (vfp << 4) | vsw;
    d[11] = 0;
    d[12] = (w / 4) & 0xff;      /* image size in mm (~100 dpi) */
    d[13] = (h / 4) & 0xff;
    d[14] = (((w / 4) >> 8) << 4) | ((h / 4) >> 8);
    d[17] = 0x1e;               /* digital separate sync, +h +v */
}

static void vgpu_make_edid(VirtIOGpu *s, uint8_t *e)
{
    static const uint8_t header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff,
                                       0xff, 0 };
    static const char name[] = "Machina GPU\n ";
    uint8_t sum = 0;

    memset(e, 0, 128);
    memcpy(e, header, 8);
    /* Manufacturer "MCH" in 5-bit letters, big endian. */
    e[8] = (('M' - '@') << 2) | (('C' - '@') >> 3);
    e[9] = (('C' - '@') << 5) | ('H' - '@');
    e[10] = 0x34;
    e[11] = 0x12;
    e[16] = 1;                  /* week */
    e[17] = 2026 - 1990;        /* year */
    e[18] = 1;
    e[19] = 4;                  /* EDID 1.4 */
    e[20] = 0xa5;               /* digital, 8 bpc, DisplayPort */
    e[21] = MIN(255u, s->xres / 40);    /* screen size, cm */
    e[22] = MIN(255u, s->yres / 40);
    e[23] = 120;                /* gamma 2.2 */
    e[24] = 0x06;               /* RGB, preferred timing is native */
    /* sRGB chromaticity */
    e[25] = 0xee; e[26] = 0x91; e[27] = 0xa3; e[28] = 0x54;
    e[29] = 0x4c; e[30] = 0x99; e[31] = 0x26; e[32] = 0x0f;
    e[33] = 0x50; e[34] = 0x54;
    for (int i = 38; i < 54; i++) {
        e[i] = 0x01;            /* unused standard timings */
    }
    vgpu_edid_dtd(e + 54, s->xres, s->yres);
    /* Display name descriptor */
    e[72 + 3] = 0xfc;
    memcpy(e + 72 + 5, name, 13);
    /* Range limits: 50-75 Hz, 30-160 kHz, 600 MHz */
    e[90 + 3] = 0xfd;
    e[90 + 5] = 50;
    e[90 + 6] = 75;
    e[90 + 7] = 30;
    e[90 + 8] = 160;
    e[90 + 9] = 60;
    e[90 + 10] = 0x01;
    e[90 + 11] = 0x0a;
    memset(e + 90 + 12, 0x20, 6);
    /* Dummy descriptor */
    e[108 + 3] = 0x10;
    for (int i = 0; i < 127; i++) {
        sum += e[i];
    }
    e[127] = -sum;
}

/* ---- queues ---- */

/* Bytes each control command carries after the header. */
static size_t vgpu_body_size(uint32_t type)
{
    switch (type) {
    case CMD_GET_DISPLAY_INFO:
        return 0;
    case CMD_RESOURCE_UNREF:
    case CMD_RESOURCE_DETACH_BACKING:
    case CMD_GET_EDID:
    case CMD_RESOURCE_ATTACH_BACKING:
        return 8;
    case CMD_RESOURCE_CREATE_2D:
        return 16;
    case CMD_SET_SCANOUT:
    case CMD_RESOURCE_FLUSH:
        return 24;
    case CMD_TRANSFER_TO_HOST_2D:
        return 32;
    default:
        return 0;
    }
}

static void vgpu_process_ctrl(VirtIOGpu *s)
{
    VGpuCtrlHdr req = { 0 };
    uint8_t body[VGPU_MAX_REQ] = { 0 };
    uint32_t written = 0, type = RESP_ERR_UNSPEC;
    size_t need;

    if (virtqueue_elem_read(&s->vdev, s->elem, 0, &req, sizeof(req)) <
        sizeof(req)) {
        guest_error("virtio-gpu: request shorter than its header\n");
        memset(&req, 0, sizeof(req));   /* type 0: answered ERR_UNSPEC */
    }
    need = vgpu_body_size(req.type);
    if (virtqueue_elem_read(&s->vdev, s->elem, sizeof(req), body, need) <
        need) {
        guest_error("virtio-gpu: command 0x%x is truncated\n", req.type);
        req.type = 0;
    }

    switch (req.type) {
    case CMD_GET_DISPLAY_INFO: {
        struct {
            VGpuCtrlHdr hdr;
            struct {
                VGpuRect r;
                uint32_t enabled, flags;
            } pmodes[VGPU_MAX_SCANOUTS];
        } resp = { 0 };

        for (uint32_t i = 0; i < s->max_outputs; i++) {
            resp.pmodes[i].r.width = s->xres;
            resp.pmodes[i].r.height = s->yres;
            resp.pmodes[i].enabled = i == 0;
        }
        written = vgpu_respond(s, &req, &resp, sizeof(resp),
                               RESP_OK_DISPLAY_INFO);
        goto done;
    }
    case CMD_GET_EDID: {
        struct {
            VGpuCtrlHdr hdr;
            uint32_t size, padding;
            uint8_t edid[1024];
        } resp = { 0 };
        uint32_t scanout;

        memcpy(&scanout, body, 4);
        if (!s->edid || scanout >= s->max_outputs) {
            type = RESP_ERR_INVALID_PARAMETER;
            break;
        }
        resp.size = 128;
        vgpu_make_edid(s, resp.edid);
        written = vgpu_respond(s, &req, &resp, sizeof(resp), RESP_OK_EDID);
        goto done;
    }
    case CMD_RESOURCE_CREATE_2D:
        type = vgpu_create_2d(s, body);
        break;
    case CMD_RESOURCE_UNREF:
        type = vgpu_unref(s, body);
        break;
    case CMD_SET_SCANOUT:
        type = vgpu_set_scanout(s, body);
        break;
    case CMD_RESOURCE_FLUSH:
        type = vgpu_flush(s, body);
        break;
    case CMD_TRANSFER_TO_HOST_2D:
        type = vgpu_transfer_to_host(s, body);
        break;
    case CMD_RESOURCE_ATTACH_BACKING:
        type = vgpu_attach_backing(s, body, sizeof(req) + 8);
        break;
    case CMD_RESOURCE_DETACH_BACKING:
        type = vgpu_detach_backing(s, body);
        break;
    case 0:
        type = RESP_ERR_UNSPEC;     /* malformed, logged above */
        break;
    default:
        guest_error("virtio-gpu: unknown control command 0x%x\n", req.type);
        type = RESP_ERR_UNSPEC;
        break;
    }
    {
        VGpuCtrlHdr resp;

        written = vgpu_respond(s, &req, &resp, sizeof(resp), type);
    }
done:
    virtqueue_push(s->vdev.vq, s->elem, written);
}

static void vgpu_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOGpu *s = (VirtIOGpu *)vdev;
    bool done = false;

    while (virtqueue_pop(vq, s->elem) == 1) {
        vgpu_process_ctrl(s);
        done = true;
    }
    if (done) {
        virtqueue_notify(vq);
    }
}

/*
 * The cursor image for the front ends (they draw it; screendump does
 * not, as QEMU): the top-left 64x64 of the resource's host copy (what
 * TRANSFER_TO_HOST_2D last brought in) as a8r8g8b8.  Linux uses 64x64
 * B8G8R8A8 resources; formats without alpha are opaque.
 */
static void vgpu_cursor_define(VirtIOGpu *s, VGpuResource *res)
{
    static uint32_t argb[CURSOR_DIM * CURSOR_DIM];
    unsigned bpp = fb_format_bytes(res->format);
    uint32_t w = MIN(res->width, CURSOR_DIM), h = MIN(res->height,
                                                      CURSOR_DIM);

    if (!s->con || bpp != 4) {
        return;
    }
    memset(argb, 0, sizeof(argb));
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *row = res->data + (size_t)y * res->stride;

        for (uint32_t x = 0; x < w; x++) {
            const uint8_t *p = row + 4 * x;
            uint32_t v = p[0] | (p[1] << 8) | (p[2] << 16) |
                         ((uint32_t)p[3] << 24);
            uint32_t a;

            switch (res->format) {
            case FB_A8R8G8B8:
            case FB_A8B8G8R8:
                a = v >> 24;
                break;
            case FB_B8G8R8A8:
            case FB_R8G8B8A8:
                a = v & 0xff;
                break;
            default:
                a = 0xff;
                break;
            }
            argb[y * CURSOR_DIM + x] = (a << 24) |
                                       fb_pixel_to_xrgb(res->format, p);
        }
    }
    console_cursor_define(s->con, argb, (int)MIN(s->cursor.hot_x, 63),
                          (int)MIN(s->cursor.hot_y, 63));
}

static void vgpu_process_cursor(VirtIOGpu *s)
{
    struct {
        VGpuCtrlHdr hdr;
        uint32_t scanout_id, x, y, padding;
        uint32_t resource_id, hot_x, hot_y, padding2;
    } c = { 0 };

    if (virtqueue_elem_read(&s->vdev, s->elem, 0, &c, sizeof(c)) !=
        sizeof(c)) {
        guest_error("virtio-gpu: short cursor request\n");
        return;
    }
    if (c.scanout_id >= s->max_outputs) {
        guest_error("virtio-gpu: cursor on bad scanout %u\n", c.scanout_id);
        return;
    }
    if (c.hdr.type == CMD_UPDATE_CURSOR) {
        if (c.resource_id && !vgpu_find(s, c.resource_id)) {
            guest_error("virtio-gpu: cursor: no resource %u\n",
                        c.resource_id);
            return;
        }
        s->cursor.resource_id = c.resource_id;
        s->cursor.hot_x = c.hot_x;
        s->cursor.hot_y = c.hot_y;
        if (c.resource_id) {
            vgpu_cursor_define(s, vgpu_find(s, c.resource_id));
        }
    } else if (c.hdr.type != CMD_MOVE_CURSOR) {
        guest_error("virtio-gpu: unknown cursor command 0x%x\n", c.hdr.type);
        return;
    }
    s->cursor.x = c.x;
    s->cursor.y = c.y;
    if (s->con && c.scanout_id == 0) {
        console_cursor_move(s->con, (int)MIN(c.x, INT32_MAX),
                            (int)MIN(c.y, INT32_MAX),
                            s->cursor.resource_id != 0);
    }
}

static void vgpu_handle_cursor(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOGpu *s = (VirtIOGpu *)vdev;
    bool done = false;

    /* No response on the cursor queue: buffers come back empty. */
    while (virtqueue_pop(vq, s->elem) == 1) {
        vgpu_process_cursor(s);
        virtqueue_push(vq, s->elem, 0);
        done = true;
    }
    if (done) {
        virtqueue_notify(vq);
    }
}

/* ---- device ---- */

/* Config space (5.7.4): events_read, events_clear, num_scanouts, capsets */
#define VGPU_CFG_SIZE 16

static void vgpu_get_config(VirtIODevice *vdev)
{
    VirtIOGpu *s = (VirtIOGpu *)vdev;
    uint32_t cfg[4] = { 0, 0, s->max_outputs, 0 };

    memcpy(vdev->config, cfg, sizeof(cfg));
}

static void vgpu_set_config(VirtIODevice *vdev, uint32_t off, uint32_t len)
{
    /* events_clear is write-to-clear; we never raise events. */
    memset(vdev->config, 0, VGPU_CFG_SIZE);
    vgpu_get_config(vdev);
}

static void vgpu_reset_state(VirtIOGpu *s)
{
    while (s->resources) {
        vgpu_resource_destroy(s, s->resources);
    }
    memset(s->scanout, 0, sizeof(s->scanout));
    memset(&s->cursor, 0, sizeof(s->cursor));
    if (s->con) {
        console_cursor_move(s->con, 0, 0, false);    /* hidden */
    }
}

static void vgpu_vdev_reset(VirtIODevice *vdev)
{
    vgpu_reset_state((VirtIOGpu *)vdev);
}

static const VirtioDeviceOps vgpu_ops = {
    .device_id = VIRTIO_ID_GPU,
    .get_config = vgpu_get_config,
    .set_config = vgpu_set_config,
    .reset = vgpu_vdev_reset,
};

static const GraphicHwOps vgpu_hw_ops = {
    .gfx_update = NULL,         /* the guest pushes with RESOURCE_FLUSH */
};

static int vgpu_realize(DeviceState *dev)
{
    VirtIOGpu *s = (VirtIOGpu *)dev;

    if (!s->max_outputs || s->max_outputs > VGPU_MAX_SCANOUTS) {
        error_report("%s: max_outputs must be 1..%d", TYPE_VIRTIO_GPU,
                     VGPU_MAX_SCANOUTS);
        return -1;
    }
    if (s->xres < 16 || s->yres < 16 || s->xres > SURFACE_MAX_DIM ||
        s->yres > SURFACE_MAX_DIM) {
        error_report("%s: bad xres/yres %ux%u", TYPE_VIRTIO_GPU, s->xres,
                     s->yres);
        return -1;
    }
    virtio_init(&s->vdev, &vgpu_ops, TYPE_VIRTIO_GPU, VGPU_CFG_SIZE,
                s->edid ? 1ULL << VIRTIO_GPU_F_EDID : 0);
    virtio_add_queue(&s->vdev, 0, VGPU_QUEUE_SIZE, vgpu_handle_ctrl);
    virtio_add_queue(&s->vdev, 1, VGPU_QUEUE_SIZE, vgpu_handle_cursor);
    s->elem = mc_malloc0(sizeof(*s->elem));
    s->con = graphic_console_init(dev->id ? dev->id : TYPE_VIRTIO_GPU,
                                  &vgpu_hw_ops, s);
    if (!s->con) {
        return -1;
    }
    virtio_add_unplugged(&s->vdev);
    return 0;
}

static void vgpu_reset(DeviceState *dev)
{
    virtio_reset((VirtIODevice *)dev);
}

static const Property vgpu_props[] = {
    DEFINE_PROP("xres", VirtIOGpu, xres, PROP_UINT32, 1280),
    DEFINE_PROP("yres", VirtIOGpu, yres, PROP_UINT32, 800),
    DEFINE_PROP("max_outputs", VirtIOGpu, max_outputs, PROP_UINT32, 1),
    DEFINE_PROP("max_hostmem", VirtIOGpu, max_hostmem, PROP_SIZE,
                256 * MiB),
    DEFINE_PROP("edid", VirtIOGpu, edid, PROP_BOOL, true),
    { .name = NULL },
};

static DeviceType virtio_gpu_type = {
    .name = TYPE_VIRTIO_GPU,
    .desc = "virtio GPU, 2D (virtio-mmio)",
    .instance_size = sizeof(VirtIOGpu),
    .props = vgpu_props,
    .realize = vgpu_realize,
    .reset = vgpu_reset,
    .user_creatable = true,
};

DEVICE_TYPE_REGISTER(virtio_gpu_type)
