/* SPDX-License-Identifier: MIT */
/* Unit tests: virtio-net tx/rx, checksum offload, mergeable rx, hostile
 * buffers, against a fake network backend. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/* The device's internals are static: test them from the inside. */
#include "../../hw/virtio/virtio-net.c"

#define RAM_BASE    0x80000000ULL
#define RAM_SIZE    0x100000
#define QSIZE       16
#define RXQ_BASE    (RAM_BASE + 0x0000)
#define TXQ_BASE    (RAM_BASE + 0x4000)
#define RX_BUF      (RAM_BASE + 0x10000)
#define TX_BUF      (RAM_BASE + 0x40000)

static MemoryRegion ram;
static uint8_t *host;
static VirtIONet *net;
static NetClient fake;
static int irqs;

/* The backend records the last frame the NIC sent. */
static uint8_t sent[2048];
static size_t sent_len;
static int nr_sent;

static ssize_t fake_receive(NetClient *nc, const uint8_t *buf, size_t len)
{
    (void)nc;
    sent_len = MIN(len, sizeof(sent));
    memcpy(sent, buf, sent_len);
    nr_sent++;
    return len;
}

static const NetClientOps fake_ops = { .receive = fake_receive };

static void t_update_irq(void *opaque, VirtIODevice *vdev)
{
    (void)opaque;
    if (vdev->isr) {
        irqs++;
    }
}

static const VirtioTransportOps t_tops = { .update_irq = t_update_irq };

static void put(hwaddr a, unsigned size, uint64_t v)
{
    stn_le(host + (a - RAM_BASE), size, v);
}

static uint64_t get(hwaddr a, unsigned size)
{
    return ldn_le(host + (a - RAM_BASE), size);
}

static hwaddr q_desc(int q)
{
    return q ? TXQ_BASE : RXQ_BASE;
}

static hwaddr q_avail(int q)
{
    return q_desc(q) + 0x1000;
}

static hwaddr q_used(int q)
{
    return q_desc(q) + 0x2000;
}

static void desc(int q, unsigned i, uint64_t addr, uint32_t len,
                 uint16_t flags, uint16_t next)
{
    hwaddr d = q_desc(q) + i * 16;

    put(d, 8, addr);
    put(d + 8, 4, len);
    put(d + 12, 2, flags);
    put(d + 14, 2, next);
}

static void offer(int q, uint16_t head)
{
    uint16_t idx = get(q_avail(q) + 2, 2);

    put(q_avail(q) + 4 + 2 * (idx % QSIZE), 2, head);
    put(q_avail(q) + 2, 2, idx + 1);
}

static uint16_t used_idx(int q)
{
    return get(q_used(q) + 2, 2);
}

static void start(uint64_t features)
{
    VirtIODevice *vdev = &net->vdev;

    virtio_set_status(vdev, 0);
    virtio_set_guest_features(vdev, features);
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    assert_true(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK);
    for (int q = 0; q < 2; q++) {
        vdev->vq[q].num = QSIZE;
        vdev->vq[q].desc = q_desc(q);
        vdev->vq[q].avail = q_avail(q);
        vdev->vq[q].used = q_used(q);
        vdev->vq[q].ready = true;
    }
    virtio_set_status(vdev, vdev->status | VIRTIO_CONFIG_S_DRIVER_OK);
}

static int setup(void **state)
{
    static bool once;
    DeviceState *dev;

    (void)state;
    if (!once) {
        memory_region_init_ram(&ram, "test.ram", RAM_SIZE);
        memory_region_add_subregion(system_memory, RAM_BASE, &ram);
        net_client_init(&fake, &fake_ops, "fake", "fake0", NULL);
        dev = device_new(TYPE_VIRTIO_NET);
        assert_non_null(dev);
        assert_int_equal(device_set_prop(dev, "mac", "52:54:00:01:02:03"),
                         0);
        net = (VirtIONet *)dev;
        net->vdev.tops = &t_tops;
        assert_int_equal(device_realize(dev), 0);
        net_client_connect(&net->nc, &fake);
        once = true;
    }
    host = ram.ram;
    memset(host, 0, RAM_SIZE);
    irqs = 0;
    nr_sent = 0;
    sent_len = 0;
    start(net->vdev.host_features);
    return 0;
}

static bool needs_reset(void)
{
    return net->vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET;
}

static void test_config(void **state)
{
    (void)state;
    vnet_get_config(&net->vdev);
    assert_memory_equal(net->vdev.config, "\x52\x54\x00\x01\x02\x03", 6);
    assert_int_equal(ldn_le(net->vdev.config + 6, 2), VIRTIO_NET_S_LINK_UP);
}

/* Ethernet + IPv4 + UDP with 8 payload bytes; returns its length. */
static size_t udp_frame(uint8_t *f)
{
    static const uint8_t ip[20] = {
        0x45, 0, 0, 36, 0, 0, 0, 0, 64, 17, 0, 0,
        10, 0, 2, 15, 10, 0, 2, 2,
    };
    uint32_t ph;

    memset(f, 0, 64);
    memset(f, 0xff, 6);
    f[12] = 0x08;
    memcpy(f + 14, ip, 20);
    f[34] = 0x12; f[35] = 0x34;     /* ports */
    f[36] = 0x00; f[37] = 0x35;
    f[38] = 0; f[39] = 16;          /* UDP length */
    memcpy(f + 42, "payload!", 8);
    /* Pseudo-header sum in the checksum field, as Linux leaves it. */
    ph = 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 17 + 16;
    ph = (ph & 0xffff) + (ph >> 16);
    f[40] = ph >> 8;
    f[41] = ph & 0xff;
    return 50;
}

static void tx_chain(const uint8_t *hdr, const uint8_t *frame, size_t len)
{
    memcpy(host + (TX_BUF - RAM_BASE), hdr, VNET_HDR_LEN);
    memcpy(host + (TX_BUF - RAM_BASE) + 0x100, frame, len);
    desc(1, 0, TX_BUF, VNET_HDR_LEN, VRING_DESC_F_NEXT, 1);
    desc(1, 1, TX_BUF + 0x100, len, 0, 0);
    offer(1, 0);
    virtio_queue_notify(&net->vdev, 1);
}

static void test_tx_csum(void **state)
{
    uint8_t f[64], hdr[VNET_HDR_LEN] = { 0 };
    size_t len = udp_frame(f);
    uint32_t sum = 0;

    (void)state;
    hdr[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    stn_le(hdr + 6, 2, 34);         /* csum_start: UDP header */
    stn_le(hdr + 8, 2, 6);          /* csum_offset: UDP checksum */
    tx_chain(hdr, f, len);
    assert_int_equal(nr_sent, 1);
    assert_int_equal(sent_len, len);
    assert_int_equal(used_idx(1), 1);
    assert_true(irqs > 0);
    /* Verify: pseudo header + UDP segment sums to 0xffff. */
    sum = 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 17 + 16;
    for (size_t i = 34; i < len; i += 2) {
        sum += (sent[i] << 8) | sent[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    assert_int_equal(sum, 0xffff);
    assert_memory_equal(sent + 42, "payload!", 8);
}

static void test_tx_hostile(void **state)
{
    uint8_t f[64], hdr[VNET_HDR_LEN] = { 0 };
    size_t len = udp_frame(f);

    (void)state;
    /* Checksum position beyond the frame: dropped, buffer returned. */
    hdr[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    stn_le(hdr + 6, 2, 0xfff0);
    stn_le(hdr + 8, 2, 0x20);
    tx_chain(hdr, f, len);
    assert_int_equal(nr_sent, 0);
    assert_int_equal(used_idx(1), 1);
    /* GSO that was never offered: dropped. */
    memset(hdr, 0, sizeof(hdr));
    hdr[1] = 1;
    tx_chain(hdr, f, len);
    assert_int_equal(nr_sent, 0);
    assert_int_equal(used_idx(1), 2);
    assert_false(needs_reset());
    /* A buffer outside RAM: the device needs a reset, nothing sent. */
    desc(1, 0, 0x1000, 64, 0, 0);
    offer(1, 0);
    virtio_queue_notify(&net->vdev, 1);
    assert_int_equal(nr_sent, 0);
    assert_true(needs_reset());
}

static void test_tx_short_header(void **state)
{
    (void)state;
    desc(1, 0, TX_BUF, 4, 0, 0);
    offer(1, 0);
    virtio_queue_notify(&net->vdev, 1);
    assert_int_equal(nr_sent, 0);
    assert_true(needs_reset());
}

static void post_rx(unsigned i, hwaddr addr, uint32_t len)
{
    desc(0, i, addr, len, VRING_DESC_F_WRITE, 0);
    offer(0, i);
}

static void test_rx_mergeable(void **state)
{
    uint8_t frame[150];

    (void)state;
    for (size_t i = 0; i < sizeof(frame); i++) {
        frame[i] = i;
    }
    for (unsigned i = 0; i < 4; i++) {
        post_rx(i, RX_BUF + i * 0x100, 64);
    }
    assert_int_equal(net_send(&fake, frame, sizeof(frame)), sizeof(frame));
    /* 12 + 150 bytes over 64-byte buffers: three of them. */
    assert_int_equal(used_idx(0), 3);
    assert_int_equal(get(RX_BUF + 10, 2), 3);        /* num_buffers */
    assert_int_equal(get(q_used(0) + 4 + 4, 4), 64);
    assert_int_equal(get(q_used(0) + 4 + 16 + 4, 4), 162 - 128);
    assert_memory_equal(host + (RX_BUF - RAM_BASE) + 12, frame, 52);
    assert_memory_equal(host + (RX_BUF - RAM_BASE) + 0x100, frame + 52, 64);
    assert_memory_equal(host + (RX_BUF - RAM_BASE) + 0x200, frame + 116,
                        34);
    assert_true(irqs > 0);
}

static void test_rx_queue_until_buffers(void **state)
{
    uint8_t frame[100];

    (void)state;
    memset(frame, 0xab, sizeof(frame));
    /* No buffers: the backend keeps the frame. */
    assert_int_equal(net_send(&fake, frame, sizeof(frame)), sizeof(frame));
    assert_int_equal(fake.queue_len, 1);
    assert_int_equal(used_idx(0), 0);
    /* One buffer too small (with MRG the frame waits for more). */
    post_rx(0, RX_BUF, 64);
    virtio_queue_notify(&net->vdev, 0);
    assert_int_equal(fake.queue_len, 1);
    assert_int_equal(used_idx(0), 0);
    post_rx(1, RX_BUF + 0x100, 64);
    virtio_queue_notify(&net->vdev, 0);
    assert_int_equal(fake.queue_len, 0);
    assert_int_equal(used_idx(0), 2);
    assert_int_equal(get(RX_BUF + 10, 2), 2);
}

static void test_rx_no_mrg_small(void **state)
{
    uint8_t frame[100];

    (void)state;
    start(net->vdev.host_features & ~(1ULL << VIRTIO_NET_F_MRG_RXBUF));
    memset(frame, 1, sizeof(frame));
    post_rx(0, RX_BUF, 64);
    /* Too big for the single buffer: dropped, buffer kept. */
    assert_int_equal(net_send(&fake, frame, sizeof(frame)), -1);
    assert_int_equal(used_idx(0), 0);
    assert_int_equal(fake.queue_len, 0);
    assert_int_equal(net_send(&fake, frame, 40), 40);
    assert_int_equal(used_idx(0), 1);
    assert_int_equal(get(q_used(0) + 4 + 4, 4), 52);
    assert_int_equal(get(RX_BUF + 10, 2), 0);
    assert_false(needs_reset());
}

static void test_rx_hostile(void **state)
{
    uint8_t frame[60] = { 0 };

    (void)state;
    /* A device-readable receive buffer. */
    desc(0, 0, RX_BUF, 256, 0, 0);
    offer(0, 0);
    assert_int_equal(net_send(&fake, frame, sizeof(frame)), -1);
    assert_true(needs_reset());
    /* Reset and try a buffer shorter than the header. */
    setup(NULL);
    post_rx(0, RX_BUF, 4);
    assert_int_equal(net_send(&fake, frame, sizeof(frame)), -1);
    assert_true(needs_reset());
    /* Outside RAM. */
    setup(NULL);
    desc(0, 0, 0xf0000000ULL, 4096, VRING_DESC_F_WRITE, 0);
    offer(0, 0);
    net_send(&fake, frame, sizeof(frame));
    assert_true(needs_reset());
    assert_int_equal(used_idx(0), 0);
    /* The backend queue must not hold frames for a dead device. */
    while (fake.queue_len) {
        setup(NULL);
        post_rx(0, RX_BUF, 2048);
        virtio_queue_notify(&net->vdev, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_config, setup),
        cmocka_unit_test_setup(test_tx_csum, setup),
        cmocka_unit_test_setup(test_tx_hostile, setup),
        cmocka_unit_test_setup(test_tx_short_header, setup),
        cmocka_unit_test_setup(test_rx_mergeable, setup),
        cmocka_unit_test_setup(test_rx_queue_until_buffers, setup),
        cmocka_unit_test_setup(test_rx_no_mrg_small, setup),
        cmocka_unit_test_setup(test_rx_hostile, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
