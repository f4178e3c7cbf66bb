/* SPDX-License-Identifier: MIT */
/* virtio-net device (virtio 1.2 section 5.1) on a -netdev backend. */

/*
 * Queues: 0 receive, 1 transmit (no control queue, no multiqueue).
 * Features: MAC, STATUS, MRG_RXBUF, CSUM (the device completes partial
 * checksums the driver leaves, since backends want whole frames) and
 * GUEST_CSUM.  No segmentation offloads are offered, so every transmitted
 * chain is one frame.  With VERSION_1 the header is always 12 bytes.
 */

#include "machina/virtio.h"
#include "machina/net.h"
#include "machina/log.h"
#include <string.h>

#define TYPE_VIRTIO_NET "virtio-net-device"
#define VIRTIO_ID_NET   1

#define VIRTIO_NET_F_CSUM           0
#define VIRTIO_NET_F_GUEST_CSUM     1
#define VIRTIO_NET_F_MAC            5
#define VIRTIO_NET_F_MRG_RXBUF      15
#define VIRTIO_NET_F_STATUS         16

#define VIRTIO_NET_S_LINK_UP        1
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_GSO_NONE     0

#define VNET_HDR_LEN        12      /* struct virtio_net_hdr, VERSION_1 */
#define VNET_CFG_SIZE       10      /* mac, status, max_virtqueue_pairs */
#define VNET_QUEUE_SIZE     256
#define VNET_RXQ            0
#define VNET_TXQ            1
/* Largest frame either way: 64 KiB of payload plus an Ethernet header. */
#define VNET_MAX_FRAME      (65536 + 14)
/* A received frame may spread over at most this many rx buffers. */
#define VNET_MAX_MERGE      64

typedef struct VirtIONet {
    VirtIODevice vdev;
    NetClient nc;
    char *netdev;               /* property */
    char *mac_str;              /* property */
    uint8_t mac[6];
    VirtQueueElement *tx_elem;
    VirtQueueElement *rx_elem[VNET_MAX_MERGE];
    uint8_t *tx_buf;
    /* Counters for info/debugging and the unit tests. */
    uint64_t tx_frames, tx_dropped, rx_frames, rx_dropped;
} VirtIONet;

static void vnet_get_config(VirtIODevice *vdev)
{
    VirtIONet *s = (VirtIONet *)vdev;
    uint16_t status = s->nc.link_down ? 0 : VIRTIO_NET_S_LINK_UP;

    memcpy(vdev->config, s->mac, 6);
    stn_le(vdev->config + 6, 2, status);
    stn_le(vdev->config + 8, 2, 1);
}

/* The MAC is writable only on legacy devices (5.1.4.2); keep ours. */
static void vnet_set_config(VirtIODevice *vdev UNUSED, uint32_t off,
                            uint32_t len UNUSED)
{
    guest_error("virtio-net: config write at %u ignored\n", off);
}

/* ---- transmit ---- */

/* RFC 1071 one's complement sum, folded and inverted. */
static uint16_t vnet_inet_csum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;

    while (len > 1) {
        sum += (p[0] << 8) | p[1];
        p += 2;
        len -= 2;
    }
    if (len) {
        sum += p[0] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum & 0xffff;
}

/*
 * NEEDS_CSUM (5.1.6.2): the driver put the pseudo-header sum at
 * csum_start + csum_offset; sum from csum_start to the end and store.
 */
static bool vnet_complete_csum(uint8_t *frame, size_t len,
                               uint16_t start, uint16_t offset)
{
    uint16_t c;

    if ((size_t)start + offset + 2 > len) {
        guest_error("virtio-net: checksum at %u+%u outside %zu-byte frame\n",
                    start, offset, len);
        return false;
    }
    c = vnet_inet_csum(frame + start, len - start);
    frame[start + offset] = c >> 8;
    frame[start + offset + 1] = c & 0xff;
    return true;
}

static void vnet_tx_one(VirtIONet *s, VirtQueueElement *e)
{
    uint8_t hdr[VNET_HDR_LEN];
    uint8_t *frame = s->tx_buf;
    uint64_t flen;

    if (e->out_len > VNET_HDR_LEN + (uint64_t)VNET_MAX_FRAME) {
        guest_error("virtio-net: %llu-byte tx chain dropped\n",
                    (unsigned long long)e->out_len);
        s->tx_dropped++;
        return;
    }
    flen = e->out_len - VNET_HDR_LEN;
    if (flen < 14) {
        s->tx_dropped++;        /* not even an Ethernet header */
        return;
    }
    virtqueue_elem_read(&s->vdev, e, 0, hdr, VNET_HDR_LEN);
    if (virtqueue_elem_read(&s->vdev, e, VNET_HDR_LEN, frame, flen) !=
        flen) {
        s->tx_dropped++;
        return;
    }
    if (hdr[1] != VIRTIO_NET_HDR_GSO_NONE) {
        /* No GSO feature was offered. */
        guest_error("virtio-net: tx gso_type %u not negotiated\n", hdr[1]);
        s->tx_dropped++;
        return;
    }
    if ((hdr[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
        !vnet_complete_csum(frame, flen, ldn_le(hdr + 6, 2),
                            ldn_le(hdr + 8, 2))) {
        s->tx_dropped++;
        return;
    }
    if (net_send(&s->nc, frame, flen) < 0) {
        s->tx_dropped++;
    } else {
        s->tx_frames++;
    }
}

static void vnet_handle_tx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *s = (VirtIONet *)vdev;
    bool done = false;
    int r;

    while ((r = virtqueue_pop(vq, s->tx_elem)) == 1) {
        if (s->tx_elem->out_len < VNET_HDR_LEN) {
            virtio_error(vdev, "tx chain without a header");
            return;
        }
        vnet_tx_one(s, s->tx_elem);
        virtqueue_push(vq, s->tx_elem, 0);
        done = true;
    }
    if (done) {
        virtqueue_notify(vq);
    }
}

/* ---- receive ---- */

static bool vnet_rx_usable(VirtIONet *s)
{
    VirtIODevice *vdev = &s->vdev;
    VirtQueue *vq = &vdev->vq[VNET_RXQ];

    return vq->ready && vq->num && vq->desc &&
           (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
           !(vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

/* Does the driver have at least one receive buffer posted? */
static bool vnet_rx_has_buffers(VirtIONet *s)
{
    VirtQueue *vq = &s->vdev.vq[VNET_RXQ];
    uint8_t b[2];

    if (!vnet_rx_usable(s) ||
        dma_read(s->vdev.as, vq->avail + 2, b, 2) != MEMTX_OK) {
        return false;
    }
    return ldn_le(b, 2) != vq->last_avail_idx;
}

static bool vnet_can_receive(NetClient *nc)
{
    return vnet_rx_has_buffers(nc->opaque);
}

/* Give popped-but-unused buffers back (they stay in the avail ring). */
static void vnet_rx_unpop(VirtQueue *vq, int n)
{
    vq->last_avail_idx -= n;
}

static ssize_t vnet_receive(NetClient *nc, const uint8_t *buf, size_t len)
{
    VirtIONet *s = nc->opaque;
    VirtIODevice *vdev = &s->vdev;
    VirtQueue *vq = &vdev->vq[VNET_RXQ];
    bool mrg = virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF);
    uint8_t hdr[VNET_HDR_LEN] = { 0 };
    uint64_t need = VNET_HDR_LEN + (uint64_t)len, have = 0, off = 0;
    int n = 0, r;

    if (!vnet_rx_usable(s)) {
        return 0;
    }
    if (len > VNET_MAX_FRAME) {
        s->rx_dropped++;
        return -1;
    }
    /* Collect enough buffers first: a frame is delivered whole or not. */
    while (have < need) {
        if (n == VNET_MAX_MERGE || (!mrg && n == 1)) {
            /* Buffers too small for this frame: drop it, keep them. */
            vnet_rx_unpop(vq, n);
            s->rx_dropped++;
            return -1;
        }
        if (!s->rx_elem[n]) {
            s->rx_elem[n] = mc_malloc0(sizeof(*s->rx_elem[n]));
        }
        r = virtqueue_pop(vq, s->rx_elem[n]);
        if (r < 0) {
            return -1;          /* malformed: device needs reset */
        }
        if (r == 0) {
            vnet_rx_unpop(vq, n);
            return 0;           /* wait for buffers; backend queues it */
        }
        if (s->rx_elem[n]->out_num || !s->rx_elem[n]->in_len) {
            virtio_error(vdev, "rx buffer not device-writable");
            return -1;
        }
        /* The header may not straddle buffers of the first element. */
        if (n == 0 && s->rx_elem[0]->in_len < VNET_HDR_LEN) {
            virtio_error(vdev, "rx buffer shorter than the header");
            return -1;
        }
        have += s->rx_elem[n]->in_len;
        n++;
    }
    stn_le(hdr + 10, 2, mrg ? n : 0);
    for (int i = 0; i < n; i++) {
        VirtQueueElement *e = s->rx_elem[i];
        uint64_t eoff = 0, chunk;
        uint32_t written = 0;

        if (i == 0) {
            virtqueue_elem_write(vdev, e, 0, hdr, VNET_HDR_LEN);
            eoff = written = VNET_HDR_LEN;
        }
        chunk = MIN(e->in_len - eoff, (uint64_t)len - off);
        written += virtqueue_elem_write(vdev, e, eoff, buf + off, chunk);
        off += chunk;
        virtqueue_push(vq, e, written);
    }
    virtqueue_notify(vq);
    s->rx_frames++;
    return len;
}

static void vnet_handle_rx(VirtIODevice *vdev, VirtQueue *vq UNUSED)
{
    VirtIONet *s = (VirtIONet *)vdev;

    /* New buffers: let the backend deliver what it held back. */
    if (vnet_rx_has_buffers(s)) {
        net_client_flush_queue(&s->nc);
    }
}

static void vnet_link_status_changed(NetClient *nc)
{
    VirtIONet *s = nc->opaque;

    if (s->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK) {
        virtio_notify_config(&s->vdev);
    }
}

static const NetClientOps vnet_net_ops = {
    .receive = vnet_receive,
    .can_receive = vnet_can_receive,
    .link_status_changed = vnet_link_status_changed,
};

static const VirtioDeviceOps vnet_ops = {
    .device_id = VIRTIO_ID_NET,
    .get_config = vnet_get_config,
    .set_config = vnet_set_config,
};

static int vnet_realize(DeviceState *dev)
{
    VirtIONet *s = (VirtIONet *)dev;
    uint64_t features;

    if (s->mac_str) {
        if (net_parse_macaddr(s->mac, s->mac_str) < 0) {
            error_report("%s: invalid mac '%s'", TYPE_VIRTIO_NET,
                         s->mac_str);
            return -1;
        }
    } else {
        net_default_macaddr(s->mac);
    }
    net_client_init(&s->nc, &vnet_net_ops, "virtio-net", dev->id, s);
    if (s->netdev) {
        NetClient *peer = netdev_find(s->netdev);

        if (!peer) {
            error_report("%s: netdev '%s' not found", TYPE_VIRTIO_NET,
                         s->netdev);
            return -1;
        }
        net_client_connect(&s->nc, peer);
    }
    features = (1ULL << VIRTIO_NET_F_CSUM) |
               (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
               (1ULL << VIRTIO_NET_F_MAC) |
               (1ULL << VIRTIO_NET_F_MRG_RXBUF) |
               (1ULL << VIRTIO_NET_F_STATUS);
    virtio_init(&s->vdev, &vnet_ops, TYPE_VIRTIO_NET, VNET_CFG_SIZE,
                features);
    virtio_add_queue(&s->vdev, VNET_RXQ, VNET_QUEUE_SIZE, vnet_handle_rx);
    virtio_add_queue(&s->vdev, VNET_TXQ, VNET_QUEUE_SIZE, vnet_handle_tx);
    s->tx_elem = mc_malloc0(sizeof(*s->tx_elem));
    s->tx_buf = mc_malloc0(VNET_MAX_FRAME);
    virtio_add_unplugged(&s->vdev);
    return 0;
}

static void vnet_reset(DeviceState *dev)
{
    virtio_reset((VirtIODevice *)dev);
}

static const Property vnet_props[] = {
    { .name = "netdev", .type = PROP_STRING,
      .offset = offsetof(VirtIONet, netdev) },
    { .name = "mac", .type = PROP_STRING,
      .offset = offsetof(VirtIONet, mac_str) },
    { .name = NULL },
};

static DeviceType virtio_net_type = {
    .name = TYPE_VIRTIO_NET,
    .desc = "virtio network device (virtio-mmio)",
    .instance_size = sizeof(VirtIONet),
    .props = vnet_props,
    .realize = vnet_realize,
    .reset = vnet_reset,
    .user_creatable = true,
};

DEVICE_TYPE_REGISTER(virtio_net_type)
