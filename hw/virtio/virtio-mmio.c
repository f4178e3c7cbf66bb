/* SPDX-License-Identifier: MIT */
/* virtio-mmio transport, version 2 register layout (virtio 1.2, 4.2.2). */

/*
 * A slot without a device answers with device ID 0, which drivers skip
 * (as on QEMU's virt board).  Registers are 32-bit; the device config
 * space at 0x100 takes any width.  Legacy (version 1) is not offered.
 */

#include "machina/virtio.h"
#include "machina/log.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_VIRTIO_MMIO "virtio-mmio"

enum {
    VMMIO_MAGIC = 0x000,
    VMMIO_VERSION = 0x004,
    VMMIO_DEVICE_ID = 0x008,
    VMMIO_VENDOR_ID = 0x00c,
    VMMIO_DEVICE_FEATURES = 0x010,
    VMMIO_DEVICE_FEATURES_SEL = 0x014,
    VMMIO_DRIVER_FEATURES = 0x020,
    VMMIO_DRIVER_FEATURES_SEL = 0x024,
    VMMIO_QUEUE_SEL = 0x030,
    VMMIO_QUEUE_NUM_MAX = 0x034,
    VMMIO_QUEUE_NUM = 0x038,
    VMMIO_QUEUE_READY = 0x044,
    VMMIO_QUEUE_NOTIFY = 0x050,
    VMMIO_INTERRUPT_STATUS = 0x060,
    VMMIO_INTERRUPT_ACK = 0x064,
    VMMIO_STATUS = 0x070,
    VMMIO_QUEUE_DESC_LOW = 0x080,
    VMMIO_QUEUE_DESC_HIGH = 0x084,
    VMMIO_QUEUE_DRIVER_LOW = 0x090,
    VMMIO_QUEUE_DRIVER_HIGH = 0x094,
    VMMIO_QUEUE_DEVICE_LOW = 0x0a0,
    VMMIO_QUEUE_DEVICE_HIGH = 0x0a4,
    VMMIO_SHM_SEL = 0x0ac,
    VMMIO_SHM_LEN_LOW = 0x0b0,
    VMMIO_SHM_LEN_HIGH = 0x0b4,
    VMMIO_SHM_BASE_LOW = 0x0b8,
    VMMIO_SHM_BASE_HIGH = 0x0bc,
    VMMIO_CONFIG_GENERATION = 0x0fc,
    VMMIO_CONFIG = 0x100,
};

#define VMMIO_MAGIC_VALUE   0x74726976      /* "virt" */
#define VMMIO_VENDOR        0x554d4551      /* "QEMU", as Linux expects */

struct VirtioMmioState {
    DeviceState parent;
    MemoryRegion mmio;
    IRQLine *irq;
    VirtIODevice *vdev;
    uint32_t host_features_sel;
    uint32_t guest_features_sel;
    uint32_t queue_sel;
};

static void vmmio_update_irq(void *opaque, VirtIODevice *vdev)
{
    VirtioMmioState *s = opaque;

    irq_set(s->irq, vdev->isr != 0);
}

static const VirtioTransportOps vmmio_transport_ops = {
    .update_irq = vmmio_update_irq,
};

static VirtQueue *vmmio_vq(VirtioMmioState *s)
{
    if (s->queue_sel >= VIRTIO_QUEUE_MAX) {
        return NULL;
    }
    return &s->vdev->vq[s->queue_sel];
}

static uint64_t vmmio_config_read(VirtioMmioState *s, hwaddr off,
                                  unsigned size)
{
    VirtIODevice *vdev = s->vdev;

    if (off + size > vdev->config_len) {
        guest_error("virtio-mmio: config read 0x%" PRIx64 " out of range\n",
                    off);
        return 0;
    }
    if (vdev->ops->get_config) {
        vdev->ops->get_config(vdev);
    }
    return ldn_le(vdev->config + off, size);
}

static void vmmio_config_write(VirtioMmioState *s, hwaddr off,
                               uint64_t val, unsigned size)
{
    VirtIODevice *vdev = s->vdev;

    if (off + size > vdev->config_len) {
        guest_error("virtio-mmio: config write 0x%" PRIx64 " out of range\n",
                    off);
        return;
    }
    if (vdev->ops->get_config) {
        vdev->ops->get_config(vdev);
    }
    stn_le(vdev->config + off, size, val);
    if (vdev->ops->set_config) {
        vdev->ops->set_config(vdev, off, size);
    }
}

static uint64_t vmmio_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtioMmioState *s = opaque;
    VirtIODevice *vdev = s->vdev;
    VirtQueue *vq;

    if (addr >= VMMIO_CONFIG) {
        return vdev ? vmmio_config_read(s, addr - VMMIO_CONFIG, size) : 0;
    }
    if (size != 4) {
        guest_error("virtio-mmio: %u-byte read at 0x%" PRIx64 "\n", size,
                    addr);
        return 0;
    }
    switch (addr) {
    case VMMIO_MAGIC:
        return VMMIO_MAGIC_VALUE;
    case VMMIO_VERSION:
        return 2;
    case VMMIO_DEVICE_ID:
        return vdev ? vdev->ops->device_id : 0;
    case VMMIO_VENDOR_ID:
        return VMMIO_VENDOR;
    }
    if (!vdev) {
        return 0;
    }
    vq = vmmio_vq(s);
    switch (addr) {
    case VMMIO_DEVICE_FEATURES:
        if (s->host_features_sel > 1) {
            return 0;
        }
        return (uint32_t)(vdev->host_features >>
                          (32 * s->host_features_sel));
    case VMMIO_QUEUE_NUM_MAX:
        return vq ? vq->num_max : 0;
    case VMMIO_QUEUE_READY:
        return vq ? vq->ready : 0;
    case VMMIO_INTERRUPT_STATUS:
        return vdev->isr;
    case VMMIO_STATUS:
        return vdev->status;
    case VMMIO_QUEUE_DESC_LOW:
        return vq ? (uint32_t)vq->desc : 0;
    case VMMIO_QUEUE_DESC_HIGH:
        return vq ? vq->desc >> 32 : 0;
    case VMMIO_QUEUE_DRIVER_LOW:
        return vq ? (uint32_t)vq->avail : 0;
    case VMMIO_QUEUE_DRIVER_HIGH:
        return vq ? vq->avail >> 32 : 0;
    case VMMIO_QUEUE_DEVICE_LOW:
        return vq ? (uint32_t)vq->used : 0;
    case VMMIO_QUEUE_DEVICE_HIGH:
        return vq ? vq->used >> 32 : 0;
    case VMMIO_SHM_LEN_LOW:
    case VMMIO_SHM_LEN_HIGH:
        return 0xffffffff;          /* no shared memory regions */
    case VMMIO_CONFIG_GENERATION:
        return vdev->config_generation;
    default:
        guest_error("virtio-mmio: read of 0x%" PRIx64 "\n", addr);
        return 0;
    }
}

/* Queue registers may change only while the queue is not live. */
static VirtQueue *vmmio_vq_for_setup(VirtioMmioState *s)
{
    VirtQueue *vq = vmmio_vq(s);

    if (!vq || !vq->num_max) {
        guest_error("virtio-mmio: setup of missing queue %u\n",
                    s->queue_sel);
        return NULL;
    }
    if (vq->ready) {
        guest_error("virtio-mmio: queue %u changed while ready\n",
                    s->queue_sel);
        return NULL;
    }
    return vq;
}

static void vmmio_set_addr(uint64_t *field, bool high, uint32_t val)
{
    if (high) {
        *field = (*field & 0xffffffffULL) | ((uint64_t)val << 32);
    } else {
        *field = (*field & ~0xffffffffULL) | val;
    }
}

static void vmmio_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    VirtioMmioState *s = opaque;
    VirtIODevice *vdev = s->vdev;
    VirtQueue *vq;

    if (!vdev) {
        return;
    }
    if (addr >= VMMIO_CONFIG) {
        vmmio_config_write(s, addr - VMMIO_CONFIG, val, size);
        return;
    }
    if (size != 4) {
        guest_error("virtio-mmio: %u-byte write at 0x%" PRIx64 "\n", size,
                    addr);
        return;
    }
    switch (addr) {
    case VMMIO_DEVICE_FEATURES_SEL:
        s->host_features_sel = val;
        break;
    case VMMIO_DRIVER_FEATURES_SEL:
        s->guest_features_sel = val;
        break;
    case VMMIO_DRIVER_FEATURES:
        if (s->guest_features_sel <= 1) {
            uint64_t f = vdev->guest_features;
            unsigned sh = 32 * s->guest_features_sel;

            f = (f & ~(0xffffffffULL << sh)) | ((uint64_t)(uint32_t)val << sh);
            virtio_set_guest_features(vdev, f);
        }
        break;
    case VMMIO_QUEUE_SEL:
        s->queue_sel = val;
        break;
    case VMMIO_QUEUE_NUM:
        vq = vmmio_vq_for_setup(s);
        if (!vq) {
            break;
        }
        /* Split rings need a power of two (spec 2.7). */
        if (val == 0 || val > vq->num_max || (val & (val - 1))) {
            guest_error("virtio-mmio: bad queue size %" PRIu64 "\n", val);
            break;
        }
        vq->num = val;
        break;
    case VMMIO_QUEUE_READY:
        vq = vmmio_vq(s);
        if (!vq || !vq->num_max) {
            guest_error("virtio-mmio: ready of missing queue\n");
            break;
        }
        vq->ready = val & 1;
        if (vq->ready) {
            vq->last_avail_idx = 0;
            vq->used_idx = 0;
            vq->signalled_used_valid = false;
        }
        break;
    case VMMIO_QUEUE_NOTIFY:
        virtio_queue_notify(vdev, (uint16_t)val);
        break;
    case VMMIO_INTERRUPT_ACK:
        vdev->isr &= ~val;
        vmmio_update_irq(s, vdev);
        break;
    case VMMIO_STATUS:
        virtio_set_status(vdev, val & 0xff);
        if (val == 0) {
            s->host_features_sel = s->guest_features_sel = 0;
            s->queue_sel = 0;
        }
        break;
    case VMMIO_QUEUE_DESC_LOW:
    case VMMIO_QUEUE_DESC_HIGH:
        vq = vmmio_vq_for_setup(s);
        if (vq) {
            vmmio_set_addr(&vq->desc, addr == VMMIO_QUEUE_DESC_HIGH, val);
        }
        break;
    case VMMIO_QUEUE_DRIVER_LOW:
    case VMMIO_QUEUE_DRIVER_HIGH:
        vq = vmmio_vq_for_setup(s);
        if (vq) {
            vmmio_set_addr(&vq->avail, addr == VMMIO_QUEUE_DRIVER_HIGH, val);
        }
        break;
    case VMMIO_QUEUE_DEVICE_LOW:
    case VMMIO_QUEUE_DEVICE_HIGH:
        vq = vmmio_vq_for_setup(s);
        if (vq) {
            vmmio_set_addr(&vq->used, addr == VMMIO_QUEUE_DEVICE_HIGH, val);
        }
        break;
    case VMMIO_SHM_SEL:
        break;
    default:
        guest_error("virtio-mmio: write of 0x%" PRIx64 "\n", addr);
        break;
    }
}

static const MemoryRegionOps vmmio_ops = {
    .read = vmmio_read,
    .write = vmmio_write,
    .valid_min = 1,
    .valid_max = 4,
};

static int vmmio_realize(DeviceState *dev)
{
    VirtioMmioState *s = (VirtioMmioState *)dev;

    memory_region_init_io(&s->mmio, TYPE_VIRTIO_MMIO, &vmmio_ops, s,
                          VIRTIO_MMIO_SIZE);
    return 0;
}

static void vmmio_reset(DeviceState *dev)
{
    VirtioMmioState *s = (VirtioMmioState *)dev;

    s->host_features_sel = s->guest_features_sel = s->queue_sel = 0;
    if (s->vdev) {
        virtio_reset(s->vdev);
    }
}

VirtioMmioState *virtio_mmio_create(MemoryRegion *parent, hwaddr base,
                                    IRQLine *irq)
{
    VirtioMmioState *s = (VirtioMmioState *)device_new(TYPE_VIRTIO_MMIO);

    if (!s) {
        fatal("cannot create %s", TYPE_VIRTIO_MMIO);
    }
    s->irq = irq;
    if (device_realize(&s->parent) < 0) {
        exit(1);
    }
    memory_region_add_subregion(parent, base, &s->mmio);
    return s;
}

void virtio_mmio_plug(VirtioMmioState *s, VirtIODevice *vdev)
{
    s->vdev = vdev;
    vdev->tops = &vmmio_transport_ops;
    vdev->transport = s;
}

bool virtio_mmio_has_device(const VirtioMmioState *s)
{
    return s->vdev != NULL;
}

/* A board's row of transports; -drive/-device fill them from the top. */
typedef struct VirtioMmioSlots {
    int count;
    VirtioMmioState *slot[];
} VirtioMmioSlots;

static void vmmio_plug_top_free(void *opaque, VirtIODevice *vdev)
{
    VirtioMmioSlots *slots = opaque;

    for (int i = slots->count - 1; i >= 0; i--) {
        if (!virtio_mmio_has_device(slots->slot[i])) {
            virtio_mmio_plug(slots->slot[i], vdev);
            return;
        }
    }
    fatal("no free virtio-mmio slot for %s", vdev->name);
}

void virtio_mmio_create_slots(MemoryRegion *parent, hwaddr base,
                              hwaddr stride, int count,
                              IRQLine *const irqs[])
{
    VirtioMmioSlots *slots =
        mc_malloc0(sizeof(*slots) + count * sizeof(slots->slot[0]));

    slots->count = count;
    for (int i = 0; i < count; i++) {
        slots->slot[i] = virtio_mmio_create(parent, base + i * stride,
                                            irqs[i]);
    }
    /* Lives as long as the machine: the handler keeps using it. */
    virtio_set_plug_handler(vmmio_plug_top_free, slots);
    virtio_blk_create_for_drives();
}

static DeviceType virtio_mmio_type = {
    .name = TYPE_VIRTIO_MMIO,
    .desc = "virtio-mmio transport slot",
    .instance_size = sizeof(VirtioMmioState),
    .realize = vmmio_realize,
    .reset = vmmio_reset,
};

DEVICE_TYPE_REGISTER(virtio_mmio_type)
