/* SPDX-License-Identifier: MIT */
/*
 * virtio 1.x core: device status, features, config space and split
 * virtqueues, shared by every transport (mmio now, pci later).
 */
#ifndef MACHINA_VIRTIO_H
#define MACHINA_VIRTIO_H

#include "machina/common.h"
#include "machina/device.h"
#include "machina/irq.h"
#include "machina/memory.h"

/* Device status bits (virtio 1.2 section 2.1) */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE     1
#define VIRTIO_CONFIG_S_DRIVER          2
#define VIRTIO_CONFIG_S_DRIVER_OK       4
#define VIRTIO_CONFIG_S_FEATURES_OK     8
#define VIRTIO_CONFIG_S_NEEDS_RESET     0x40
#define VIRTIO_CONFIG_S_FAILED          0x80

/* Reserved feature bits (section 6) */
#define VIRTIO_RING_F_INDIRECT_DESC     28
#define VIRTIO_RING_F_EVENT_IDX         29
#define VIRTIO_F_VERSION_1              32

/* Descriptor flags (section 2.7.5) */
#define VRING_DESC_F_NEXT               1
#define VRING_DESC_F_WRITE              2
#define VRING_DESC_F_INDIRECT           4
#define VRING_AVAIL_F_NO_INTERRUPT      1
#define VRING_USED_F_NO_NOTIFY          1

/* ISR bits */
#define VIRTIO_ISR_QUEUE                1
#define VIRTIO_ISR_CONFIG               2

#define VIRTIO_ID_BLOCK                 2
#define VIRTIO_ID_RNG                   4

#define VIRTIO_QUEUE_MAX                8
#define VIRTQUEUE_MAX_SIZE              1024

typedef struct VirtIODevice VirtIODevice;
typedef struct VirtQueue VirtQueue;

/* One guest buffer of a chain: checked to lie in guest memory. */
typedef struct VirtQueueSeg {
    hwaddr addr;
    uint32_t len;
} VirtQueueSeg;

/* A popped descriptor chain. */
typedef struct VirtQueueElement {
    uint16_t head;
    unsigned out_num, in_num;
    uint64_t out_len, in_len;   /* total bytes */
    VirtQueueSeg out[VIRTQUEUE_MAX_SIZE];   /* device-readable */
    VirtQueueSeg in[VIRTQUEUE_MAX_SIZE];    /* device-writable */
} VirtQueueElement;

typedef void (*VirtQueueHandler)(VirtIODevice *vdev, VirtQueue *vq);

struct VirtQueue {
    VirtIODevice *vdev;
    int index;
    uint16_t num_max;           /* 0: queue does not exist */
    uint16_t num;               /* size chosen by the driver */
    bool ready;
    hwaddr desc, avail, used;
    uint16_t last_avail_idx;
    uint16_t used_idx;
    uint16_t signalled_used;
    bool signalled_used_valid;
    VirtQueueHandler handler;
};

/* What a device model provides. */
typedef struct VirtioDeviceOps {
    uint16_t device_id;
    /* Fill vdev->config from the device state before a guest read. */
    void (*get_config)(VirtIODevice *vdev);
    /* A guest wrote config bytes [off, off+len) into vdev->config. */
    void (*set_config)(VirtIODevice *vdev, uint32_t off, uint32_t len);
    void (*reset)(VirtIODevice *vdev);
} VirtioDeviceOps;

/* What a transport provides to the core. */
typedef struct VirtioTransportOps {
    /* ISR or queue state changed: recompute the interrupt line. */
    void (*update_irq)(void *opaque, VirtIODevice *vdev);
} VirtioTransportOps;

struct VirtIODevice {
    DeviceState parent;
    const VirtioDeviceOps *ops;
    const char *name;
    AddressSpace *as;           /* DMA view (system memory) */
    uint64_t host_features;
    uint64_t guest_features;
    uint8_t status;
    uint8_t isr;
    uint32_t config_generation;
    uint8_t config[256];
    uint32_t config_len;
    VirtQueue vq[VIRTIO_QUEUE_MAX];
    /* Bound transport, NULL until plugged. */
    const VirtioTransportOps *tops;
    void *transport;
    VirtIODevice *next_unplugged;
};

/* Core (hw/virtio/virtio.c) */
void virtio_init(VirtIODevice *vdev, const VirtioDeviceOps *ops,
                 const char *name, uint32_t config_len,
                 uint64_t host_features);
void virtio_add_queue(VirtIODevice *vdev, int n, uint16_t num_max,
                      VirtQueueHandler handler);
void virtio_reset(VirtIODevice *vdev);
void virtio_set_status(VirtIODevice *vdev, uint8_t val);
/* Writes to the driver feature bits; ignored after FEATURES_OK. */
void virtio_set_guest_features(VirtIODevice *vdev, uint64_t val);
void virtio_queue_notify(VirtIODevice *vdev, int n);
void virtio_notify_config(VirtIODevice *vdev);
/* The guest broke the protocol: NEEDS_RESET + config interrupt. */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...) PRINTF_FMT(2, 3);
static inline bool virtio_has_feature(const VirtIODevice *vdev, int bit)
{
    return (vdev->guest_features >> bit) & 1;
}

/*
 * Pop the next available chain into elem; returns 1, 0 when the ring is
 * empty, -1 on a malformed chain (device marked NEEDS_RESET).
 */
int virtqueue_pop(VirtQueue *vq, VirtQueueElement *elem);
/* Return elem to the driver with len bytes written. */
void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem,
                    uint32_t len);
/* Interrupt the driver unless it suppressed it (flags / used_event). */
void virtqueue_notify(VirtQueue *vq);
/* Copy from/to a chain at byte offset off; returns bytes copied. */
size_t virtqueue_elem_read(VirtIODevice *vdev, const VirtQueueElement *e,
                           uint64_t off, void *buf, size_t len);
size_t virtqueue_elem_write(VirtIODevice *vdev, const VirtQueueElement *e,
                            uint64_t off, const void *buf, size_t len);

/*
 * A realized device asks for a transport here.  Once the machine has
 * installed a plug handler (after creating its slots) devices go straight
 * to it; earlier ones wait and are handed over by virtio_set_plug_handler.
 * -device runs after machine init, like QEMU.
 */
typedef void (*VirtioPlugFn)(void *opaque, VirtIODevice *vdev);
void virtio_add_unplugged(VirtIODevice *vdev);
void virtio_set_plug_handler(VirtioPlugFn fn, void *opaque);

/* virtio-mmio transport (hw/virtio/virtio-mmio.c) */
#define VIRTIO_MMIO_SIZE 0x200
typedef struct VirtioMmioState VirtioMmioState;
VirtioMmioState *virtio_mmio_create(MemoryRegion *parent, hwaddr base,
                                    IRQLine *irq);
void virtio_mmio_plug(VirtioMmioState *s, VirtIODevice *vdev);
bool virtio_mmio_has_device(const VirtioMmioState *s);
/*
 * A board's count transports at base + i * stride with irqs[i]; devices
 * (-drive if=virtio first) take the highest free slot, as in QEMU.
 */
void virtio_mmio_create_slots(MemoryRegion *parent, hwaddr base,
                              hwaddr stride, int count,
                              IRQLine *const irqs[]);

/* Create a virtio-blk-device for every unattached -drive if=virtio. */
void virtio_blk_create_for_drives(void);

#endif
