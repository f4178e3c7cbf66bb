/* SPDX-License-Identifier: MIT */
/* virtio 1.x core: status, features, split virtqueues (spec 2.7). */

/*
 * Every ring access goes through dma_read/dma_write, so a guest address
 * outside RAM is a failed transfer, never a host access.  A malformed
 * chain marks the device NEEDS_RESET (spec 2.1.2) and stops the queue.
 */

#include "machina/virtio.h"
#include "machina/log.h"
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct VRingDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VRingDesc;

static VirtIODevice *unplugged_head;
static VirtioPlugFn plug_fn;
static void *plug_opaque;

void virtio_add_unplugged(VirtIODevice *vdev)
{
    VirtIODevice **p = &unplugged_head;

    /* Already bound (a virtio-pci proxy binds before realize). */
    if (vdev->tops) {
        return;
    }
    if (plug_fn) {
        plug_fn(plug_opaque, vdev);
        return;
    }
    while (*p) {
        p = &(*p)->next_unplugged;
    }
    vdev->next_unplugged = NULL;
    *p = vdev;
}

void virtio_set_plug_handler(VirtioPlugFn fn, void *opaque)
{
    plug_fn = fn;
    plug_opaque = opaque;
    while (fn && unplugged_head) {
        VirtIODevice *vdev = unplugged_head;

        unplugged_head = vdev->next_unplugged;
        vdev->next_unplugged = NULL;
        fn(opaque, vdev);
    }
}

void virtio_init(VirtIODevice *vdev, const VirtioDeviceOps *ops,
                 const char *name, uint32_t config_len,
                 uint64_t host_features)
{
    vdev->ops = ops;
    vdev->name = name;
    vdev->as = &address_space_memory;
    vdev->config_len = MIN(config_len, (uint32_t)sizeof(vdev->config));
    vdev->host_features = host_features |
        (1ULL << VIRTIO_F_VERSION_1) |
        (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
        (1ULL << VIRTIO_RING_F_EVENT_IDX);
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vdev->vq[i].vdev = vdev;
        vdev->vq[i].index = i;
    }
}

void virtio_add_queue(VirtIODevice *vdev, int n, uint16_t num_max,
                      VirtQueueHandler handler)
{
    if (n < 0 || n >= VIRTIO_QUEUE_MAX || num_max > VIRTQUEUE_MAX_SIZE) {
        return;
    }
    vdev->vq[n].num_max = num_max;
    vdev->vq[n].num = num_max;
    vdev->vq[n].handler = handler;
}

static void virtio_update_irq(VirtIODevice *vdev)
{
    if (vdev->tops && vdev->tops->update_irq) {
        vdev->tops->update_irq(vdev->transport, vdev);
    }
}

static void virtio_queue_reset(VirtQueue *vq)
{
    vq->num = vq->num_max;
    vq->ready = false;
    vq->desc = vq->avail = vq->used = 0;
    vq->last_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
}

void virtio_reset(VirtIODevice *vdev)
{
    vdev->status = 0;
    vdev->isr = 0;
    vdev->guest_features = 0;
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        virtio_queue_reset(&vdev->vq[i]);
    }
    if (vdev->ops && vdev->ops->reset) {
        vdev->ops->reset(vdev);
    }
    virtio_update_irq(vdev);
}

void virtio_set_guest_features(VirtIODevice *vdev, uint64_t val)
{
    if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) {
        guest_error("%s: feature write after FEATURES_OK\n", vdev->name);
        return;
    }
    vdev->guest_features = val;
}

void virtio_set_status(VirtIODevice *vdev, uint8_t val)
{
    if (val == 0) {
        virtio_reset(vdev);
        return;
    }
    if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
        !(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
        /* Section 3.1.1: only offered features, and VERSION_1 is a must. */
        if ((vdev->guest_features & ~vdev->host_features) ||
            !virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
            guest_error("%s: features 0x%" PRIx64 " not acceptable\n",
                        vdev->name, vdev->guest_features);
            val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
        }
    }
    /* NEEDS_RESET is the device's to set; keep it until reset. */
    vdev->status = val | (vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

void virtio_notify_config(VirtIODevice *vdev)
{
    vdev->config_generation++;
    vdev->isr |= VIRTIO_ISR_CONFIG;
    virtio_update_irq(vdev);
}

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    va_list ap;
    char msg[256];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    guest_error("%s: %s\n", vdev->name, msg);
    if (vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET) {
        return;
    }
    vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    if (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) {
        virtio_notify_config(vdev);
    }
}

static bool vq_usable(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;

    return vq->ready && vq->num && vq->desc &&
           (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
           !(vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

void virtio_queue_notify(VirtIODevice *vdev, int n)
{
    VirtQueue *vq;

    if (n < 0 || n >= VIRTIO_QUEUE_MAX || !vdev->vq[n].num_max) {
        guest_error("%s: notify of bad queue %d\n", vdev->name, n);
        return;
    }
    vq = &vdev->vq[n];
    if (vq_usable(vq) && vq->handler) {
        vq->handler(vdev, vq);
    }
}

/* ---- ring field access (little endian, through the DMA helpers) ---- */

/* Rings must be RAM: no DMA into device registers (or our own). */
static bool vq_ring_ok(VirtQueue *vq, hwaddr addr, size_t len, bool write)
{
    if (!dma_map(vq->vdev->as, addr, len, write)) {
        virtio_error(vq->vdev, "queue %d: ring at 0x%" PRIx64
                     " is not RAM", vq->index, addr);
        return false;
    }
    return true;
}

static bool vq_ld16(VirtQueue *vq, hwaddr addr, uint16_t *val)
{
    uint8_t b[2];

    if (!vq_ring_ok(vq, addr, 2, false)) {
        return false;
    }
    if (dma_read(vq->vdev->as, addr, b, 2) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %d: ring read at 0x%" PRIx64
                     " failed", vq->index, addr);
        return false;
    }
    *val = b[0] | (b[1] << 8);
    return true;
}

static bool vq_st16(VirtQueue *vq, hwaddr addr, uint16_t val)
{
    uint8_t b[2] = { val & 0xff, val >> 8 };

    if (!vq_ring_ok(vq, addr, 2, true)) {
        return false;
    }
    if (dma_write(vq->vdev->as, addr, b, 2) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %d: ring write at 0x%" PRIx64
                     " failed", vq->index, addr);
        return false;
    }
    return true;
}

static bool vq_read_desc(VirtQueue *vq, hwaddr table, unsigned i,
                         VRingDesc *d)
{
    uint8_t b[16];

    if (!vq_ring_ok(vq, table + (hwaddr)i * 16, 16, false)) {
        return false;
    }
    if (dma_read(vq->vdev->as, table + (hwaddr)i * 16, b, 16) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %d: descriptor %u unreadable",
                     vq->index, i);
        return false;
    }
    d->addr = ldn_le(b, 8);
    d->len = ldn_le(b + 8, 4);
    d->flags = ldn_le(b + 12, 2);
    d->next = ldn_le(b + 14, 2);
    return true;
}

/* Add one buffer to elem after checking it is guest memory. */
static bool vq_add_seg(VirtQueue *vq, VirtQueueElement *e,
                       const VRingDesc *d)
{
    VirtIODevice *vdev = vq->vdev;
    bool is_write = d->flags & VRING_DESC_F_WRITE;

    if (d->len && !dma_map(vdev->as, d->addr, d->len, is_write)) {
        virtio_error(vdev, "queue %d: buffer 0x%" PRIx64 "+0x%x outside RAM",
                     vq->index, d->addr, d->len);
        return false;
    }
    if (is_write) {
        if (e->in_num >= VIRTQUEUE_MAX_SIZE) {
            goto too_long;
        }
        e->in[e->in_num].addr = d->addr;
        e->in[e->in_num].len = d->len;
        e->in_num++;
        e->in_len += d->len;
    } else {
        /* Section 2.7.4.2: readable buffers come before writable ones. */
        if (e->in_num) {
            virtio_error(vdev, "queue %d: readable after writable buffer",
                         vq->index);
            return false;
        }
        if (e->out_num >= VIRTQUEUE_MAX_SIZE) {
            goto too_long;
        }
        e->out[e->out_num].addr = d->addr;
        e->out[e->out_num].len = d->len;
        e->out_num++;
        e->out_len += d->len;
    }
    return true;

too_long:
    virtio_error(vdev, "queue %d: chain too long", vq->index);
    return false;
}

/* Walk an indirect table (section 2.7.5.3). */
static bool vq_walk_indirect(VirtQueue *vq, VirtQueueElement *e,
                             const VRingDesc *ind)
{
    unsigned max, i = 0, count = 0;
    VRingDesc d;

    if (!virtio_has_feature(vq->vdev, VIRTIO_RING_F_INDIRECT_DESC) ||
        (ind->flags & VRING_DESC_F_NEXT) ||
        ind->len == 0 || ind->len % 16 ||
        ind->len / 16 > VIRTQUEUE_MAX_SIZE) {
        virtio_error(vq->vdev, "queue %d: bad indirect descriptor "
                     "(len 0x%x flags 0x%x)", vq->index, ind->len,
                     ind->flags);
        return false;
    }
    if (!dma_map(vq->vdev->as, ind->addr, ind->len, false)) {
        virtio_error(vq->vdev, "queue %d: indirect table 0x%" PRIx64
                     "+0x%x outside RAM", vq->index, ind->addr, ind->len);
        return false;
    }
    max = ind->len / 16;
    for (;;) {
        if (++count > max) {
            virtio_error(vq->vdev, "queue %d: loop in indirect table",
                         vq->index);
            return false;
        }
        if (!vq_read_desc(vq, ind->addr, i, &d)) {
            return false;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            virtio_error(vq->vdev, "queue %d: indirect in indirect",
                         vq->index);
            return false;
        }
        if (!vq_add_seg(vq, e, &d)) {
            return false;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return true;
        }
        if (d.next >= max) {
            virtio_error(vq->vdev, "queue %d: indirect next %u out of range",
                         vq->index, d.next);
            return false;
        }
        i = d.next;
    }
}

int virtqueue_pop(VirtQueue *vq, VirtQueueElement *e)
{
    VirtIODevice *vdev = vq->vdev;
    uint16_t avail_idx, head;
    unsigned i, count = 0;
    VRingDesc d;

    if (!vq_usable(vq)) {
        return 0;
    }
    if (!vq_ld16(vq, vq->avail + 2, &avail_idx)) {
        return -1;
    }
    if ((uint16_t)(avail_idx - vq->last_avail_idx) > vq->num) {
        virtio_error(vdev, "queue %d: avail idx %u jumped from %u",
                     vq->index, avail_idx, vq->last_avail_idx);
        return -1;
    }
    if (avail_idx == vq->last_avail_idx) {
        return 0;
    }
    /* Read ring entries only after seeing the index. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (!vq_ld16(vq, vq->avail + 4 + 2 * (vq->last_avail_idx % vq->num),
                 &head)) {
        return -1;
    }
    if (head >= vq->num) {
        virtio_error(vdev, "queue %d: head %u >= size %u", vq->index, head,
                     vq->num);
        return -1;
    }
    e->head = head;
    e->out_num = e->in_num = 0;
    e->out_len = e->in_len = 0;
    i = head;
    for (;;) {
        /* A chain visits each descriptor at most once: longer = loop. */
        if (++count > vq->num) {
            virtio_error(vdev, "queue %d: descriptor loop", vq->index);
            return -1;
        }
        if (!vq_read_desc(vq, vq->desc, i, &d)) {
            return -1;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if (e->out_num || e->in_num) {
                virtio_error(vdev, "queue %d: indirect after direct",
                             vq->index);
                return -1;
            }
            if (!vq_walk_indirect(vq, e, &d)) {
                return -1;
            }
            break;
        }
        if (!vq_add_seg(vq, e, &d)) {
            return -1;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            break;
        }
        if (d.next >= vq->num) {
            virtio_error(vdev, "queue %d: next %u >= size %u", vq->index,
                         d.next, vq->num);
            return -1;
        }
        i = d.next;
    }
    vq->last_avail_idx++;
    if (virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        /* avail_event: tell the driver how far we have read. */
        if (!vq_st16(vq, vq->used + 4 + 8 * vq->num, vq->last_avail_idx)) {
            return -1;
        }
    }
    return 1;
}

void virtqueue_push(VirtQueue *vq, const VirtQueueElement *e, uint32_t len)
{
    uint8_t b[8];
    hwaddr slot = vq->used + 4 + 8 * (vq->used_idx % vq->num);

    if (vq->vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET) {
        return;
    }
    stn_le(b, 4, e->head);
    stn_le(b + 4, 4, len);
    if (!vq_ring_ok(vq, slot, 8, true)) {
        return;
    }
    if (dma_write(vq->vdev->as, slot, b, 8) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %d: used ring write failed",
                     vq->index);
        return;
    }
    /* The element must be visible before the index. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    vq->used_idx++;
    vq_st16(vq, vq->used + 2, vq->used_idx);
}

void virtqueue_notify(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;
    uint16_t old, new, event, flags;
    bool need;

    if (vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET) {
        return;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        /* Section 2.7.10: used_event sits after the avail ring. */
        if (!vq_ld16(vq, vq->avail + 4 + 2 * vq->num, &event)) {
            return;
        }
        old = vq->signalled_used;
        new = vq->used_idx;
        need = !vq->signalled_used_valid ||
               (uint16_t)(new - event - 1) < (uint16_t)(new - old);
        vq->signalled_used = new;
        vq->signalled_used_valid = true;
    } else {
        if (!vq_ld16(vq, vq->avail, &flags)) {
            return;
        }
        need = !(flags & VRING_AVAIL_F_NO_INTERRUPT);
    }
    if (need) {
        vdev->isr |= VIRTIO_ISR_QUEUE;
        virtio_update_irq(vdev);
    }
}

static size_t elem_copy(VirtIODevice *vdev, const VirtQueueSeg *sg,
                        unsigned num, uint64_t off, uint8_t *buf,
                        size_t len, bool to_guest)
{
    size_t done = 0;

    for (unsigned i = 0; i < num && done < len; i++) {
        uint64_t n;
        MemTxResult r;

        if (off >= sg[i].len) {
            off -= sg[i].len;
            continue;
        }
        n = MIN(sg[i].len - off, len - done);
        if (to_guest) {
            r = dma_write(vdev->as, sg[i].addr + off, buf + done, n);
        } else {
            r = dma_read(vdev->as, sg[i].addr + off, buf + done, n);
        }
        if (r != MEMTX_OK) {
            guest_error("%s: DMA to 0x%" PRIx64 " failed\n", vdev->name,
                        sg[i].addr + off);
            break;
        }
        done += n;
        off = 0;
    }
    return done;
}

size_t virtqueue_elem_read(VirtIODevice *vdev, const VirtQueueElement *e,
                           uint64_t off, void *buf, size_t len)
{
    return elem_copy(vdev, e->out, e->out_num, off, buf, len, false);
}

size_t virtqueue_elem_write(VirtIODevice *vdev, const VirtQueueElement *e,
                            uint64_t off, const void *buf, size_t len)
{
    return elem_copy(vdev, e->in, e->in_num, off, (uint8_t *)buf, len,
                     true);
}
