/* SPDX-License-Identifier: MIT */
/* virtio-blk device (virtio 1.2 section 5.2) on a -drive backend. */

/*
 * Requests: read, write, flush, get-id, discard, write-zeroes.  Block
 * I/O runs in block/aio.c workers (the vCPU only copies guest data) and
 * completes in the main loop; per drive they run in order, so a flush
 * covers every earlier write.  Deviations: one
 * queue, no geometry/topology, no writeback toggle (always writeback).
 */

#include "machina/virtio.h"
#include "machina/block.h"
#include "machina/log.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_VIRTIO_BLK "virtio-blk-device"

#define VIRTIO_BLK_F_SEG_MAX        2
#define VIRTIO_BLK_F_RO             5
#define VIRTIO_BLK_F_BLK_SIZE       6
#define VIRTIO_BLK_F_FLUSH          9
#define VIRTIO_BLK_F_DISCARD        13
#define VIRTIO_BLK_F_WRITE_ZEROES   14

enum {
    VIRTIO_BLK_T_IN = 0,
    VIRTIO_BLK_T_OUT = 1,
    VIRTIO_BLK_T_FLUSH = 4,
    VIRTIO_BLK_T_GET_ID = 8,
    VIRTIO_BLK_T_DISCARD = 11,
    VIRTIO_BLK_T_WRITE_ZEROES = 13,
};

enum {
    VIRTIO_BLK_S_OK = 0,
    VIRTIO_BLK_S_IOERR = 1,
    VIRTIO_BLK_S_UNSUPP = 2,
};

/* Config layout offsets (struct virtio_blk_config). */
enum {
    VBLK_CFG_CAPACITY = 0,
    VBLK_CFG_SEG_MAX = 12,
    VBLK_CFG_BLK_SIZE = 20,
    VBLK_CFG_NUM_QUEUES = 34,
    VBLK_CFG_MAX_DISCARD_SECTORS = 36,
    VBLK_CFG_MAX_DISCARD_SEG = 40,
    VBLK_CFG_DISCARD_ALIGN = 44,
    VBLK_CFG_MAX_WZ_SECTORS = 48,
    VBLK_CFG_MAX_WZ_SEG = 52,
    VBLK_CFG_WZ_MAY_UNMAP = 56,
    VBLK_CFG_SIZE = 60,
};

#define VBLK_SECTOR         512
#define VBLK_QUEUE_SIZE     256
#define VBLK_MAX_DISCARD    0x3fffff        /* sectors per segment */
#define VBLK_MAX_REQ        (64 * MiB)     /* bytes per read/write */
#define VBLK_ID_BYTES       20

typedef struct VirtIOBlock {
    VirtIODevice vdev;
    char *drive;                /* property: -drive id */
    char *serial;               /* property: get-id answer */
    BlockBackend *blk;
    unsigned gen;               /* bumped by reset: stale completions */
    unsigned inflight;
    uint64_t inflight_bytes;    /* data buffers held by requests */
    bool throttled;             /* stopped popping: too many bytes held */
} VirtIOBlock;

/* One request between submission and completion. */
typedef struct VirtIOBlockReq {
    VirtIOBlock *s;
    VirtQueue *vq;
    VirtQueueElement *elem;
    uint32_t type;
    unsigned gen;
    uint64_t off, len;
    uint8_t *buf;               /* read/write data, copied under lock */
} VirtIOBlockReq;

static void vblk_get_config(VirtIODevice *vdev)
{
    VirtIOBlock *s = (VirtIOBlock *)vdev;
    uint8_t *c = vdev->config;

    memset(c, 0, VBLK_CFG_SIZE);
    stn_le(c + VBLK_CFG_CAPACITY, 8, s->blk->size / VBLK_SECTOR);
    stn_le(c + VBLK_CFG_SEG_MAX, 4, VBLK_QUEUE_SIZE - 2);
    stn_le(c + VBLK_CFG_BLK_SIZE, 4, VBLK_SECTOR);
    stn_le(c + VBLK_CFG_NUM_QUEUES, 2, 1);
    stn_le(c + VBLK_CFG_MAX_DISCARD_SECTORS, 4, VBLK_MAX_DISCARD);
    stn_le(c + VBLK_CFG_MAX_DISCARD_SEG, 4, 1);
    stn_le(c + VBLK_CFG_DISCARD_ALIGN, 4, 1);
    stn_le(c + VBLK_CFG_MAX_WZ_SECTORS, 4, VBLK_MAX_DISCARD);
    stn_le(c + VBLK_CFG_MAX_WZ_SEG, 4, 1);
    c[VBLK_CFG_WZ_MAY_UNMAP] = 0;
}

static void vblk_handle(VirtIODevice *vdev, VirtQueue *vq);

/* Sector range check; false means IOERR. */
static bool vblk_range_ok(VirtIOBlock *s, uint64_t sector, uint64_t bytes)
{
    uint64_t cap = s->blk->size / VBLK_SECTOR;

    return sector <= cap && bytes / VBLK_SECTOR <= cap - sector &&
           bytes % VBLK_SECTOR == 0;
}

/* Worker thread: only the block layer, never guest memory. */
static int vblk_work(void *opaque)
{
    VirtIOBlockReq *r = opaque;
    BlockBackend *blk = r->s->blk;

    switch (r->type) {
    case VIRTIO_BLK_T_IN:
        return blk_pread(blk, r->off, r->buf, r->len);
    case VIRTIO_BLK_T_OUT:
        return blk_pwrite(blk, r->off, r->buf, r->len);
    case VIRTIO_BLK_T_FLUSH:
        return blk_flush(blk);
    case VIRTIO_BLK_T_DISCARD:
        return blk_discard(blk, r->off, r->len);
    default:
        return blk_write_zeroes(blk, r->off, r->len);
    }
}

static void vblk_req_free(VirtIOBlockReq *r)
{
    free(r->buf);
    free(r->elem);
    free(r);
}

/* Fill in the status byte and give the chain back to the driver. */
static void vblk_complete(VirtIOBlockReq *r, uint8_t status, uint32_t len)
{
    VirtIOBlock *s = r->s;

    virtqueue_elem_write(&s->vdev, r->elem, r->elem->in_len - 1, &status, 1);
    virtqueue_push(r->vq, r->elem, len + 1);
    virtqueue_notify(r->vq);
    vblk_req_free(r);
}

/* Main loop (or inline without workers), machine lock held. */
static void vblk_done(void *opaque, int ret)
{
    VirtIOBlockReq *r = opaque;
    VirtIOBlock *s = r->s;
    VirtQueue *vq = r->vq;
    uint32_t len = 0;

    s->inflight--;
    s->inflight_bytes -= r->buf ? r->len : 0;
    if (r->gen != s->gen) {
        /* The device was reset meanwhile: the chain is gone. */
        vblk_req_free(r);
        return;
    }
    if (ret == 0 && r->type == VIRTIO_BLK_T_IN) {
        if (virtqueue_elem_write(&r->s->vdev, r->elem, 0, r->buf, r->len) !=
            r->len) {
            ret = -EIO;
        } else {
            len = r->len;
        }
    }
    vblk_complete(r, ret < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK, len);
    if (s->throttled && s->inflight_bytes < VBLK_MAX_REQ) {
        s->throttled = false;
        vblk_handle(&s->vdev, vq);
    }
}

static uint8_t vblk_prep_rw(VirtIOBlock *s, VirtIOBlockReq *r,
                            uint64_t sector, uint64_t len)
{
    if (r->type == VIRTIO_BLK_T_OUT && s->blk->read_only) {
        return VIRTIO_BLK_S_IOERR;
    }
    if (!vblk_range_ok(s, sector, len) || len > VBLK_MAX_REQ) {
        guest_error("virtio-blk: bad %s, sector %" PRIu64 " len %" PRIu64
                    "\n", r->type == VIRTIO_BLK_T_IN ? "read" : "write",
                    sector, len);
        return VIRTIO_BLK_S_IOERR;
    }
    r->off = sector * VBLK_SECTOR;
    r->len = len;
    r->buf = malloc(MAX(len, 1));
    if (!r->buf) {
        return VIRTIO_BLK_S_IOERR;
    }
    /* Writes: copy the data now, while the machine lock is held. */
    if (r->type == VIRTIO_BLK_T_OUT &&
        virtqueue_elem_read(&s->vdev, r->elem, 16, r->buf, len) != len) {
        return VIRTIO_BLK_S_IOERR;
    }
    return VIRTIO_BLK_S_OK;
}

/* Discard and write-zeroes carry one 16-byte segment (max_seg = 1). */
static uint8_t vblk_prep_discard_wz(VirtIOBlock *s, VirtIOBlockReq *r)
{
    VirtQueueElement *e = r->elem;
    uint8_t seg[16];
    uint64_t sector;
    uint32_t num, flags;

    if (s->blk->read_only) {
        return VIRTIO_BLK_S_IOERR;
    }
    if (e->out_len - 16 != sizeof(seg) ||
        virtqueue_elem_read(&s->vdev, e, 16, seg, sizeof(seg)) !=
        sizeof(seg)) {
        return VIRTIO_BLK_S_UNSUPP;
    }
    sector = ldn_le(seg, 8);
    num = ldn_le(seg + 8, 4);
    flags = ldn_le(seg + 12, 4);
    /* Section 5.2.6.2: unknown flags, or unmap on discard, are errors. */
    if ((flags & ~1u) || (r->type == VIRTIO_BLK_T_DISCARD && (flags & 1))) {
        return VIRTIO_BLK_S_UNSUPP;
    }
    if (num > VBLK_MAX_DISCARD ||
        !vblk_range_ok(s, sector, (uint64_t)num * VBLK_SECTOR)) {
        return VIRTIO_BLK_S_IOERR;
    }
    r->off = sector * VBLK_SECTOR;
    r->len = (uint64_t)num * VBLK_SECTOR;
    return VIRTIO_BLK_S_OK;
}

/* Start one request; it completes now or later through vblk_done. */
static void vblk_request(VirtIOBlock *s, VirtIOBlockReq *r)
{
    VirtQueueElement *e = r->elem;
    uint8_t hdr[16], status;
    uint64_t sector;
    uint32_t written = 0;

    if (e->out_len < sizeof(hdr) || e->in_len < 1 ||
        e->in_len > UINT32_MAX ||
        virtqueue_elem_read(&s->vdev, e, 0, hdr, sizeof(hdr)) !=
        sizeof(hdr)) {
        virtio_error(&s->vdev, "malformed request (out %" PRIu64
                     ", in %" PRIu64 ")", e->out_len, e->in_len);
        virtqueue_push(r->vq, e, 0);
        virtqueue_notify(r->vq);
        vblk_req_free(r);
        return;
    }
    r->type = ldn_le(hdr, 4);
    sector = ldn_le(hdr + 8, 8);

    switch (r->type) {
    case VIRTIO_BLK_T_IN:
        /* The last in byte is the status. */
        status = vblk_prep_rw(s, r, sector, e->in_len - 1);
        break;
    case VIRTIO_BLK_T_OUT:
        status = vblk_prep_rw(s, r, sector, e->out_len - sizeof(hdr));
        break;
    case VIRTIO_BLK_T_FLUSH:
        status = VIRTIO_BLK_S_OK;
        break;
    case VIRTIO_BLK_T_GET_ID: {
        char id[VBLK_ID_BYTES] = { 0 };
        size_t n = MIN(e->in_len - 1, (uint64_t)VBLK_ID_BYTES);

        if (s->serial) {
            /* Exactly 20 bytes need no terminator (5.2.6). */
            memcpy(id, s->serial, MIN(strlen(s->serial), sizeof(id)));
        }
        virtqueue_elem_write(&s->vdev, e, 0, id, n);
        vblk_complete(r, VIRTIO_BLK_S_OK, n);
        return;
    }
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        status = vblk_prep_discard_wz(s, r);
        break;
    default:
        log_unimp("virtio-blk: request type %u\n", r->type);
        status = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    if (status != VIRTIO_BLK_S_OK) {
        vblk_complete(r, status, written);
        return;
    }
    r->gen = s->gen;
    s->inflight++;
    s->inflight_bytes += r->buf ? r->len : 0;
    blk_aio_submit(s->blk, vblk_work, vblk_done, r);
}

static void vblk_handle(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBlock *s = (VirtIOBlock *)vdev;

    for (;;) {
        VirtIOBlockReq *r;
        VirtQueueElement *e;

        /* Bound the host memory a guest can pin with huge requests. */
        if (s->inflight_bytes >= VBLK_MAX_REQ) {
            s->throttled = true;
            break;
        }
        e = malloc(sizeof(*e));

        if (!e || virtqueue_pop(vq, e) != 1) {
            free(e);
            break;
        }
        r = mc_malloc0(sizeof(*r));
        r->s = s;
        r->vq = vq;
        r->elem = e;
        vblk_request(s, r);
    }
}

/* Device reset: requests still in a worker complete into nothing. */
static void vblk_vdev_reset(VirtIODevice *vdev)
{
    ((VirtIOBlock *)vdev)->gen++;
}

static const VirtioDeviceOps vblk_ops = {
    .device_id = VIRTIO_ID_BLOCK,
    .get_config = vblk_get_config,
    .reset = vblk_vdev_reset,
};

static int vblk_realize(DeviceState *dev)
{
    VirtIOBlock *s = (VirtIOBlock *)dev;
    uint64_t features;

    if (!s->drive) {
        error_report("%s: drive= is required", TYPE_VIRTIO_BLK);
        return -1;
    }
    s->blk = blk_by_id(s->drive);
    if (!s->blk) {
        error_report("%s: no drive with id '%s'", TYPE_VIRTIO_BLK, s->drive);
        return -1;
    }
    if (s->blk->attached) {
        error_report("%s: drive '%s' is already in use", TYPE_VIRTIO_BLK,
                     s->drive);
        return -1;
    }
    s->blk->attached = true;
    features = (1ULL << VIRTIO_BLK_F_SEG_MAX) |
               (1ULL << VIRTIO_BLK_F_BLK_SIZE) |
               (1ULL << VIRTIO_BLK_F_FLUSH);
    if (s->blk->read_only) {
        features |= 1ULL << VIRTIO_BLK_F_RO;
    } else {
        features |= (1ULL << VIRTIO_BLK_F_DISCARD) |
                    (1ULL << VIRTIO_BLK_F_WRITE_ZEROES);
    }
    virtio_init(&s->vdev, &vblk_ops, TYPE_VIRTIO_BLK, VBLK_CFG_SIZE,
                features);
    virtio_add_queue(&s->vdev, 0, VBLK_QUEUE_SIZE, vblk_handle);
    virtio_add_unplugged(&s->vdev);
    return 0;
}

static void vblk_reset(DeviceState *dev)
{
    virtio_reset((VirtIODevice *)dev);
}

void virtio_blk_create_for_drives(void)
{
    BlockBackend *blk;

    while ((blk = blk_next_unattached(IF_VIRTIO)) != NULL) {
        DeviceState *dev = device_new(TYPE_VIRTIO_BLK);

        if (!dev || device_set_prop(dev, "drive", blk->id) < 0 ||
            device_realize(dev) < 0) {
            exit(1);
        }
    }
}

static const Property vblk_props[] = {
    { .name = "drive", .type = PROP_STRING,
      .offset = offsetof(VirtIOBlock, drive) },
    { .name = "serial", .type = PROP_STRING,
      .offset = offsetof(VirtIOBlock, serial) },
    { .name = NULL },
};

static DeviceType virtio_blk_type = {
    .name = TYPE_VIRTIO_BLK,
    .desc = "virtio block device (virtio-mmio)",
    .instance_size = sizeof(VirtIOBlock),
    .props = vblk_props,
    .realize = vblk_realize,
    .reset = vblk_reset,
    .user_creatable = true,
};

DEVICE_TYPE_REGISTER(virtio_blk_type)
