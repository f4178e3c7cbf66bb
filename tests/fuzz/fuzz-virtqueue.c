/* SPDX-License-Identifier: MIT */
/* libFuzzer target: split virtqueue processing with fuzzer-owned RAM. */

/*
 * Input: an 8-byte header choosing queue size, features and ring
 * addresses, then the initial contents of a 64 KiB guest RAM at
 * 0x80000000.  A fake device pops every chain, reads its readable part,
 * writes its writable part and pushes it back, as a real device would.
 * Ring addresses may point past the end of RAM or into nothing at all.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "machina/memory.h"
#include "machina/virtio.h"

#define FZ_RAM_BASE     0x80000000ULL
#define FZ_RAM_SIZE     0x10000
#define FZ_HDR          8
#define FZ_MAX_POPS     64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static MemoryRegion fz_ram;
static VirtIODevice fz_vdev;
static VirtQueueElement fz_elem;
static uint8_t fz_buf[8192];
static const VirtioDeviceOps fz_ops = { .device_id = 99 };

static void fz_update_irq(void *opaque, VirtIODevice *vdev)
{
    (void)opaque;
    (void)vdev;
}

static const VirtioTransportOps fz_tops = { .update_irq = fz_update_irq };

/* Ring address: an offset in RAM, or (top bit) somewhere outside it. */
static hwaddr fz_addr(const uint8_t *p)
{
    uint16_t v = (uint16_t)(p[0] | (p[1] << 8));

    if (v & 0x8000) {
        return ((hwaddr)(v & 0x7fff) << 16) | 0xff0;
    }
    return FZ_RAM_BASE + (v & 0xfff0);
}

static void fz_handler(VirtIODevice *vdev, VirtQueue *vq)
{
    for (int n = 0; n < FZ_MAX_POPS; n++) {
        size_t in;

        if (virtqueue_pop(vq, &fz_elem) != 1) {
            break;
        }
        virtqueue_elem_read(vdev, &fz_elem, 0, fz_buf,
                            MIN(fz_elem.out_len, (uint64_t)sizeof(fz_buf)));
        in = virtqueue_elem_write(vdev, &fz_elem, 0, fz_buf,
                                  MIN(fz_elem.in_len,
                                      (uint64_t)sizeof(fz_buf)));
        virtqueue_push(vq, &fz_elem, (uint32_t)in);
        virtqueue_notify(vq);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ram_done;
    uint64_t feat = 1ULL << VIRTIO_F_VERSION_1;

    if (!ram_done) {
        memory_region_init_ram(&fz_ram, "fuzz.ram", FZ_RAM_SIZE);
        memory_region_add_subregion(system_memory, FZ_RAM_BASE, &fz_ram);
        ram_done = true;
    }
    if (size < FZ_HDR) {
        return 0;
    }
    memset(fz_ram.ram, 0, FZ_RAM_SIZE);
    memcpy(fz_ram.ram, data + FZ_HDR, MIN(size - FZ_HDR, FZ_RAM_SIZE));

    memset(&fz_vdev, 0, sizeof(fz_vdev));
    virtio_init(&fz_vdev, &fz_ops, "fuzz", 0, 0);
    virtio_add_queue(&fz_vdev, 0, 256, fz_handler);
    fz_vdev.tops = &fz_tops;
    if (data[1] & 1) {
        feat |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
    }
    if (data[1] & 2) {
        feat |= 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
    }
    virtio_set_guest_features(&fz_vdev, feat);
    virtio_set_status(&fz_vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    fz_vdev.vq[0].num = (uint16_t)(1u << (data[0] % 9));
    fz_vdev.vq[0].desc = fz_addr(data + 2);
    fz_vdev.vq[0].avail = fz_addr(data + 4);
    fz_vdev.vq[0].used = fz_addr(data + 6);
    fz_vdev.vq[0].ready = true;
    virtio_set_status(&fz_vdev, fz_vdev.status | VIRTIO_CONFIG_S_DRIVER_OK);
    /* Two kicks: the second sees the state the first one left. */
    virtio_queue_notify(&fz_vdev, 0);
    virtio_queue_notify(&fz_vdev, data[1] >> 5);
    virtio_reset(&fz_vdev);
    return 0;
}
