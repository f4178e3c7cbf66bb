/* SPDX-License-Identifier: MIT */
/* virtio-blk device (virtio 1.2 section 5.2) on a -drive backend. */

/*
 * Requests: read, write, flush, get-id, discard, write-zeroes.  They run
 * synchronously when the driver notifies the queue.  Deviations: one
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
#define VBLK_BOUNCE         (256 * KiB)
#define VBLK_ID_BYTES       20

typedef struct VirtIOBlock {
    VirtIODevice vdev;
    char *drive;                /* property: -drive id */
    char *serial;               /* property: get-id answer */
    BlockBackend *blk;
    VirtQueueElement *elem;
    uint8_t *bounce;
} VirtIOBlock;

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

/* Sector range check; false means IOERR. */
static bool vblk_range_ok(VirtIOBlock *s, uint64_t sector, uint64_t bytes)
{
    uint64_t cap = s->blk->size / VBLK_SECTOR;

    return sector <= cap && bytes / VBLK_SECTOR <= cap - sector &&
           bytes % VBLK_SECTOR == 0;
}

static uint8_t vblk_read(VirtIOBlock *s, VirtQueueElement *e,
                         uint64_t sector, uint64_t len)
{
    uint64_t off = sector * VBLK_SECTOR;

    if (!vblk_range_ok(s, sector, len)) {
        guest_error("virtio-blk: read beyond end, sector %" PRIu64 "\n",
                    sector);
        return VIRTIO_BLK_S_IOERR;
    }
    for (uint64_t done = 0; done < len;) {
        size_t n = MIN(len - done, VBLK_BOUNCE);

        if (blk_pread(s->blk, off + done, s->bounce, n) < 0) {
            return VIRTIO_BLK_S_IOERR;
        }
        if (virtqueue_elem_write(&s->vdev, e, done, s->bounce, n) != n) {
            return VIRTIO_BLK_S_IOERR;
        }
        done += n;
    }
    return VIRTIO_BLK_S_OK;
}

static uint8_t vblk_write(VirtIOBlock *s, VirtQueueElement *e,
                          uint64_t sector, uint64_t len)
{
    uint64_t off = sector * VBLK_SECTOR;

    if (s->blk->read_only) {
        return VIRTIO_BLK_S_IOERR;
    }
    if (!vblk_range_ok(s, sector, len)) {
        guest_error("virtio-blk: write beyond end, sector %" PRIu64 "\n",
                    sector);
        return VIRTIO_BLK_S_IOERR;
    }
    for (uint64_t done = 0; done < len;) {
        size_t n = MIN(len - done, VBLK_BOUNCE);

        if (virtqueue_elem_read(&s->vdev, e, 16 + done, s->bounce, n) != n) {
            return VIRTIO_BLK_S_IOERR;
        }
        if (blk_pwrite(s->blk, off + done, s->bounce, n) < 0) {
            return VIRTIO_BLK_S_IOERR;
        }
        done += n;
    }
    return VIRTIO_BLK_S_OK;
}

/* Discard and write-zeroes carry one 16-byte segment (max_seg = 1). */
static uint8_t vblk_discard_wz(VirtIOBlock *s, VirtQueueElement *e,
                               uint32_t type)
{
    uint8_t seg[16];
    uint64_t sector;
    uint32_t num, flags;
    int ret;

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
    if ((flags & ~1u) || (type == VIRTIO_BLK_T_DISCARD && (flags & 1))) {
        return VIRTIO_BLK_S_UNSUPP;
    }
    if (num > VBLK_MAX_DISCARD ||
        !vblk_range_ok(s, sector, (uint64_t)num * VBLK_SECTOR)) {
        return VIRTIO_BLK_S_IOERR;
    }
    if (type == VIRTIO_BLK_T_DISCARD) {
        ret = blk_discard(s->blk, sector * VBLK_SECTOR,
                          (uint64_t)num * VBLK_SECTOR);
    } else {
        ret = blk_write_zeroes(s->blk, sector * VBLK_SECTOR,
                               (uint64_t)num * VBLK_SECTOR);
    }
    return ret < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* Handle one request; returns the bytes written into the chain. */
static uint32_t vblk_request(VirtIOBlock *s, VirtQueueElement *e)
{
    uint8_t hdr[16], status;
    uint64_t data_in, sector;
    uint32_t type, written = 1;

    if (e->out_len < sizeof(hdr) || e->in_len < 1 ||
        e->in_len > UINT32_MAX ||
        virtqueue_elem_read(&s->vdev, e, 0, hdr, sizeof(hdr)) !=
        sizeof(hdr)) {
        virtio_error(&s->vdev, "malformed request (out %" PRIu64
                     ", in %" PRIu64 ")", e->out_len, e->in_len);
        return 0;
    }
    type = ldn_le(hdr, 4);
    sector = ldn_le(hdr + 8, 8);
    data_in = e->in_len - 1;        /* the last byte is the status */

    switch (type) {
    case VIRTIO_BLK_T_IN:
        status = vblk_read(s, e, sector, data_in);
        if (status == VIRTIO_BLK_S_OK) {
            written += data_in;
        }
        break;
    case VIRTIO_BLK_T_OUT:
        status = vblk_write(s, e, sector, e->out_len - sizeof(hdr));
        break;
    case VIRTIO_BLK_T_FLUSH:
        status = blk_flush(s->blk) < 0 ? VIRTIO_BLK_S_IOERR
                                       : VIRTIO_BLK_S_OK;
        break;
    case VIRTIO_BLK_T_GET_ID: {
        char id[VBLK_ID_BYTES] = { 0 };
        size_t n = MIN(data_in, (uint64_t)VBLK_ID_BYTES);

        if (s->serial) {
            /* Exactly 20 bytes need no terminator (5.2.6). */
            memcpy(id, s->serial, MIN(strlen(s->serial), sizeof(id)));
        }
        virtqueue_elem_write(&s->vdev, e, 0, id, n);
        written += n;
        status = VIRTIO_BLK_S_OK;
        break;
    }
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        status = vblk_discard_wz(s, e, type);
        break;
    default:
        log_unimp("virtio-blk: request type %u\n", type);
        status = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    virtqueue_elem_write(&s->vdev, e, e->in_len - 1, &status, 1);
    return written;
}

static void vblk_handle(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBlock *s = (VirtIOBlock *)vdev;
    bool done = false;

    while (virtqueue_pop(vq, s->elem) == 1) {
        uint32_t len = vblk_request(s, s->elem);

        virtqueue_push(vq, s->elem, len);
        done = true;
    }
    if (done) {
        virtqueue_notify(vq);
    }
}

static const VirtioDeviceOps vblk_ops = {
    .device_id = VIRTIO_ID_BLOCK,
    .get_config = vblk_get_config,
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
    s->elem = mc_malloc0(sizeof(*s->elem));
    s->bounce = mc_malloc0(VBLK_BOUNCE);
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
