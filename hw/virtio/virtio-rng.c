/* SPDX-License-Identifier: MIT */
/* virtio-rng entropy device (virtio 1.2 section 5.4), host getrandom(). */

#include "machina/virtio.h"
#include "machina/log.h"
#include <errno.h>
#include <sys/random.h>

#define TYPE_VIRTIO_RNG "virtio-rng-device"
#define VRNG_QUEUE_SIZE 64
#define VRNG_MAX_CHUNK  4096        /* bytes per request, at most */

typedef struct VirtIORng {
    VirtIODevice vdev;
    VirtQueueElement *elem;
} VirtIORng;

static void vrng_handle(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIORng *s = (VirtIORng *)vdev;
    uint8_t buf[VRNG_MAX_CHUNK];
    bool done = false;

    while (virtqueue_pop(vq, s->elem) == 1) {
        size_t want = MIN(s->elem->in_len, (uint64_t)sizeof(buf));
        ssize_t got = 0;

        while (want && got <= 0) {
            got = getrandom(buf, want, 0);
            if (got < 0 && errno != EINTR) {
                got = 0;
                break;
            }
        }
        if (got > 0) {
            got = virtqueue_elem_write(vdev, s->elem, 0, buf, got);
        }
        virtqueue_push(vq, s->elem, got > 0 ? got : 0);
        done = true;
    }
    if (done) {
        virtqueue_notify(vq);
    }
}

static const VirtioDeviceOps vrng_ops = {
    .device_id = VIRTIO_ID_RNG,
};

static int vrng_realize(DeviceState *dev)
{
    VirtIORng *s = (VirtIORng *)dev;

    virtio_init(&s->vdev, &vrng_ops, TYPE_VIRTIO_RNG, 0, 0);
    virtio_add_queue(&s->vdev, 0, VRNG_QUEUE_SIZE, vrng_handle);
    s->elem = mc_malloc0(sizeof(*s->elem));
    virtio_add_unplugged(&s->vdev);
    return 0;
}

static void vrng_reset(DeviceState *dev)
{
    virtio_reset((VirtIODevice *)dev);
}

static DeviceType virtio_rng_type = {
    .name = TYPE_VIRTIO_RNG,
    .desc = "virtio entropy source (virtio-mmio)",
    .instance_size = sizeof(VirtIORng),
    .realize = vrng_realize,
    .reset = vrng_reset,
    .user_creatable = true,
};

DEVICE_TYPE_REGISTER(virtio_rng_type)
