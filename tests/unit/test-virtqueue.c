/* SPDX-License-Identifier: MIT */
/* Unit tests: split virtqueue parsing, malformed chains, notifications. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include "machina/block.h"
#include "machina/virtio.h"

#define RAM_BASE    0x80000000ULL
#define RAM_SIZE    (1 * MiB)
#define QSIZE       8
#define DESC        (RAM_BASE + 0x0000)
#define AVAIL       (RAM_BASE + 0x1000)
#define USED        (RAM_BASE + 0x2000)
#define BUF         (RAM_BASE + 0x10000)
#define INDIRECT    (RAM_BASE + 0x8000)

static MemoryRegion ram;
static uint8_t *host;
static VirtIODevice vdev;
static VirtQueueElement elem;
static int irq_updates;

static const VirtioDeviceOps test_ops = { .device_id = 99 };

static void test_update_irq(void *opaque, VirtIODevice *d)
{
    (void)opaque;
    if (d->isr) {
        irq_updates++;
    }
}

static const VirtioTransportOps test_tops = { .update_irq = test_update_irq };

static void put(hwaddr a, unsigned size, uint64_t v)
{
    stn_le(host + (a - RAM_BASE), size, v);
}

static uint64_t get(hwaddr a, unsigned size)
{
    return ldn_le(host + (a - RAM_BASE), size);
}

static void desc(hwaddr table, unsigned i, uint64_t addr, uint32_t len,
                 uint16_t flags, uint16_t next)
{
    hwaddr d = table + i * 16;

    put(d, 8, addr);
    put(d + 8, 4, len);
    put(d + 12, 2, flags);
    put(d + 14, 2, next);
}

/* Offer head as the next avail entry. */
static void offer(uint16_t head)
{
    uint16_t idx = get(AVAIL + 2, 2);

    put(AVAIL + 4 + 2 * (idx % QSIZE), 2, head);
    put(AVAIL + 2, 2, idx + 1);
}

static int setup(void **state)
{
    static bool ram_done;

    (void)state;
    if (!ram_done) {
        memory_region_init_ram(&ram, "test.ram", RAM_SIZE);
        memory_region_add_subregion(system_memory, RAM_BASE, &ram);
        ram_done = true;
    }
    host = ram.ram;
    memset(host, 0, RAM_SIZE);
    memset(&vdev, 0, sizeof(vdev));
    virtio_init(&vdev, &test_ops, "test", 0, 0);
    virtio_add_queue(&vdev, 0, QSIZE, NULL);
    vdev.tops = &test_tops;
    virtio_set_guest_features(&vdev, vdev.host_features);
    virtio_set_status(&vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    virtio_set_status(&vdev, vdev.status | VIRTIO_CONFIG_S_DRIVER_OK);
    vdev.vq[0].desc = DESC;
    vdev.vq[0].avail = AVAIL;
    vdev.vq[0].used = USED;
    vdev.vq[0].ready = true;
    irq_updates = 0;
    return 0;
}

static bool needs_reset(void)
{
    return vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET;
}

static void test_good_chain(void **state)
{
    uint8_t buf[24];

    (void)state;
    assert_true(vdev.status & VIRTIO_CONFIG_S_FEATURES_OK);
    assert_int_equal(virtqueue_pop(&vdev.vq[0], &elem), 0);
    desc(DESC, 3, BUF, 16, VRING_DESC_F_NEXT, 5);
    desc(DESC, 5, BUF + 0x100, 8, VRING_DESC_F_NEXT, 6);
    desc(DESC, 6, BUF + 0x200, 1, VRING_DESC_F_WRITE, 0);
    for (int i = 0; i < 24; i++) {
        host[0x10000 + (i < 16 ? i : 0x100 + i - 16)] = i;
    }
    offer(3);
    assert_int_equal(virtqueue_pop(&vdev.vq[0], &elem), 1);
    assert_int_equal(elem.head, 3);
    assert_int_equal(elem.out_num, 2);
    assert_int_equal(elem.in_num, 1);
    assert_int_equal(elem.out_len, 24);
    assert_int_equal(elem.in_len, 1);
    assert_int_equal(virtqueue_elem_read(&vdev, &elem, 0, buf, 24), 24);
    for (int i = 0; i < 24; i++) {
        assert_int_equal(buf[i], i);
    }
    /* avail_event follows what we consumed (event index). */
    assert_int_equal(get(USED + 4 + 8 * QSIZE, 2), 1);
    virtqueue_push(&vdev.vq[0], &elem, 1);
    assert_int_equal(get(USED + 2, 2), 1);
    assert_int_equal(get(USED + 4, 4), 3);
    assert_int_equal(get(USED + 8, 4), 1);
    virtqueue_notify(&vdev.vq[0]);
    assert_int_equal(irq_updates, 1);
    assert_false(needs_reset());
    assert_int_equal(virtqueue_pop(&vdev.vq[0], &elem), 0);
}

static void expect_broken(void)
{
    offer(0);
    assert_int_equal(virtqueue_pop(&vdev.vq[0], &elem), -1);
    assert_true(needs_reset());
    /* A broken device stays quiet until reset. */
    assert_int_equal(virtqueue_pop(&vdev.vq[0], &elem), 0);
}

static void test_loop(void **state)
{
    (void)state;
    desc(DESC, 0, BUF, 4, VRING_DESC_F_NEXT, 1);
    desc(DESC, 1, BUF, 4, VRING_DESC_F_NEXT, 0);
    expect_broken();
}

static void test_next_out_of_range(void **state)
{
    (void)state;
    desc(DESC, 0, BUF, 4, VRING_DESC_F_NEXT, QSIZE);
    expect_broken();
}

static void test_head_out_of_range(void **state)
{
    (void)state;
    put(AVAIL + 4, 2, QSIZE + 3);
    put(AVAIL + 2, 2, 1);
    assert_int_equal(virtqueue_pop(&vdev.vq[0], &elem), -1);
    assert_true(needs_reset());
}

static void test_buffer_outside_ram(void **state)
{
    (void)state;
    desc(DESC, 0, 0x1000, 16, 0, 0);
    expect_broken();
}

static void test_buffer_crosses_ram_end(void **state)
{
    (void)state;
    desc(DESC, 0, RAM_BASE + RAM_SIZE - 8, 16, VRING_DESC_F_WRITE, 0);
    expect_broken();
}

static void test_huge_length(void **state)
{
    (void)state;
    desc(DESC, 0, BUF, 0xffffffff, 0, 0);
    expect_broken();
}

static void test_address_wraps(void **state)
{
    (void)state;
    desc(DESC, 0, UINT64_MAX - 4, 16, 0, 0);
    expect_broken();
}

static void test_readable_after_writable(void **state)
{
    (void)state;
    desc(DESC, 0, BUF, 4, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
    desc(DESC, 1, BUF, 4, 0, 0);
    expect_broken();
}

static void test_indirect_good(void **state)
{
    (void)state;
    desc(DESC, 0, INDIRECT, 3 * 16, VRING_DESC_F_INDIRECT, 0);
    desc(INDIRECT, 0, BUF, 16, VRING_DESC_F_NEXT, 2);
    desc(INDIRECT, 2, BUF + 0x100, 512, VRING_DESC_F_NEXT |
         VRING_DESC_F_WRITE, 1);
    desc(INDIRECT, 1, BUF + 0x400, 1, VRING_DESC_F_WRITE, 0);
    offer(0);
    assert_int_equal(virtqueue_pop(&vdev.vq[0], &elem), 1);
    assert_int_equal(elem.out_num, 1);
    assert_int_equal(elem.in_num, 2);
    assert_int_equal(elem.in_len, 513);
    assert_false(needs_reset());
}

static void test_indirect_in_indirect(void **state)
{
    (void)state;
    desc(DESC, 0, INDIRECT, 2 * 16, VRING_DESC_F_INDIRECT, 0);
    desc(INDIRECT, 0, BUF, 16, VRING_DESC_F_NEXT, 1);
    desc(INDIRECT, 1, INDIRECT, 32, VRING_DESC_F_INDIRECT, 0);
    expect_broken();
}

static void test_indirect_bad_len(void **state)
{
    (void)state;
    desc(DESC, 0, INDIRECT, 20, VRING_DESC_F_INDIRECT, 0);
    expect_broken();
}

static void test_indirect_zero_len(void **state)
{
    (void)state;
    desc(DESC, 0, INDIRECT, 0, VRING_DESC_F_INDIRECT, 0);
    expect_broken();
}

static void test_indirect_loop(void **state)
{
    (void)state;
    desc(DESC, 0, INDIRECT, 2 * 16, VRING_DESC_F_INDIRECT, 0);
    desc(INDIRECT, 0, BUF, 16, VRING_DESC_F_NEXT, 1);
    desc(INDIRECT, 1, BUF, 16, VRING_DESC_F_NEXT, 0);
    expect_broken();
}

static void test_indirect_table_outside_ram(void **state)
{
    (void)state;
    desc(DESC, 0, RAM_BASE + RAM_SIZE - 16, 64, VRING_DESC_F_INDIRECT, 0);
    expect_broken();
}

static void test_indirect_with_next(void **state)
{
    (void)state;
    desc(DESC, 0, INDIRECT, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT,
         1);
    desc(INDIRECT, 0, BUF, 16, 0, 0);
    expect_broken();
}

static void test_avail_idx_jump(void **state)
{
    (void)state;
    desc(DESC, 0, BUF, 16, 0, 0);
    put(AVAIL + 2, 2, QSIZE + 1);
    assert_int_equal(virtqueue_pop(&vdev.vq[0], &elem), -1);
    assert_true(needs_reset());
}

static void test_ring_outside_ram(void **state)
{
    (void)state;
    vdev.vq[0].avail = 0x100;
    assert_int_equal(virtqueue_pop(&vdev.vq[0], &elem), -1);
    assert_true(needs_reset());
}

static void test_reset_clears(void **state)
{
    (void)state;
    desc(DESC, 0, 0x10, 16, 0, 0);
    expect_broken();
    virtio_set_status(&vdev, 0);
    assert_int_equal(vdev.status, 0);
    assert_false(vdev.vq[0].ready);
    assert_int_equal(vdev.guest_features, 0);
}

static void test_features_need_version_1(void **state)
{
    (void)state;
    virtio_set_status(&vdev, 0);
    virtio_set_guest_features(&vdev, 1ULL << VIRTIO_RING_F_EVENT_IDX);
    virtio_set_status(&vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    assert_false(vdev.status & VIRTIO_CONFIG_S_FEATURES_OK);
    virtio_set_status(&vdev, 0);
    virtio_set_guest_features(&vdev, (1ULL << VIRTIO_F_VERSION_1) |
                              (1ULL << 50));
    virtio_set_status(&vdev, VIRTIO_CONFIG_S_FEATURES_OK);
    assert_false(vdev.status & VIRTIO_CONFIG_S_FEATURES_OK);
}

static void push_one(void)
{
    desc(DESC, 0, BUF, 16, 0, 0);
    offer(0);
    assert_int_equal(virtqueue_pop(&vdev.vq[0], &elem), 1);
    virtqueue_push(&vdev.vq[0], &elem, 0);
}

static void test_event_idx_suppression(void **state)
{
    (void)state;
    push_one();
    virtqueue_notify(&vdev.vq[0]);       /* first one always */
    assert_int_equal(irq_updates, 1);
    vdev.isr = 0;
    put(AVAIL + 4 + 2 * QSIZE, 2, 5);    /* used_event: wake at 6 */
    push_one();
    virtqueue_notify(&vdev.vq[0]);
    assert_int_equal(irq_updates, 1);
    put(AVAIL + 4 + 2 * QSIZE, 2, 2);    /* used_event 2: idx 3 passes */
    push_one();
    virtqueue_notify(&vdev.vq[0]);
    assert_int_equal(irq_updates, 2);
}

static void test_no_interrupt_flag(void **state)
{
    (void)state;
    vdev.guest_features &= ~(1ULL << VIRTIO_RING_F_EVENT_IDX);
    put(AVAIL, 2, VRING_AVAIL_F_NO_INTERRUPT);
    push_one();
    virtqueue_notify(&vdev.vq[0]);
    assert_int_equal(irq_updates, 0);
    put(AVAIL, 2, 0);
    push_one();
    virtqueue_notify(&vdev.vq[0]);
    assert_int_equal(irq_updates, 1);
}

static void test_indirect_not_negotiated(void **state)
{
    (void)state;
    vdev.guest_features &= ~(1ULL << VIRTIO_RING_F_INDIRECT_DESC);
    desc(DESC, 0, INDIRECT, 16, VRING_DESC_F_INDIRECT, 0);
    desc(INDIRECT, 0, BUF, 16, 0, 0);
    expect_broken();
}

/* ---- virtio-mmio transport with a real device (virtio-blk) ---- */

#define MMIO_BASE 0x10001000ULL

static VirtioMmioState *slot;

static void plug_into_slot(void *opaque, VirtIODevice *d)
{
    (void)opaque;
    virtio_mmio_plug(slot, d);
}

static uint32_t mr(hwaddr off)
{
    uint64_t v = 0;

    address_space_read(&address_space_memory, MMIO_BASE + off, &v, 4);
    return v;
}

static void mw(hwaddr off, uint32_t v)
{
    address_space_write(&address_space_memory, MMIO_BASE + off, v, 4);
}

static void blk_request(uint16_t head, uint32_t type, uint64_t sector)
{
    hwaddr hdr = BUF + 0x1000 * head;

    put(hdr, 4, type);
    put(hdr + 4, 4, 0);
    put(hdr + 8, 8, sector);
    desc(DESC, head, hdr, 16, VRING_DESC_F_NEXT, head + 1);
    desc(DESC, head + 1, hdr + 0x100, 512,
         VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, head + 2);
    desc(DESC, head + 2, hdr + 0x400, 1, VRING_DESC_F_WRITE, 0);
    put(hdr + 0x400, 1, 0xff);
    offer(head);
    mw(0x050, 0);
}

static void test_mmio_blk(void **state)
{
    char path[] = "/tmp/test-virtqueue-XXXXXX";
    char opts[80];
    uint64_t v = 0;
    int fd;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 64 * 1024), 0);
    assert_int_equal(pwrite(fd, "machina", 7, 512), 7);
    close(fd);
    snprintf(opts, sizeof(opts), "file=%s,if=virtio,id=d0", path);
    assert_non_null(drive_new(opts));
    unlink(path);
    slot = virtio_mmio_create(system_memory, MMIO_BASE, NULL);
    assert_int_equal(mr(0x000), 0x74726976);
    assert_int_equal(mr(0x004), 2);
    assert_int_equal(mr(0x008), 0);             /* empty slot */
    virtio_set_plug_handler(plug_into_slot, NULL);
    virtio_blk_create_for_drives();
    assert_true(virtio_mmio_has_device(slot));
    assert_int_equal(mr(0x008), VIRTIO_ID_BLOCK);
    assert_int_equal(mr(0x100), 128);           /* capacity, sectors */
    /* Registers are 32-bit only. */
    address_space_read(&address_space_memory, MMIO_BASE, &v, 2);
    assert_int_equal(v, 0);
    /* FEATURES_OK needs VERSION_1. */
    mw(0x070, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    mw(0x070, mr(0x070) | VIRTIO_CONFIG_S_FEATURES_OK);
    assert_false(mr(0x070) & VIRTIO_CONFIG_S_FEATURES_OK);
    mw(0x070, 0);
    assert_int_equal(mr(0x070), 0);
    mw(0x070, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    mw(0x024, 1);
    mw(0x020, 1);                               /* VERSION_1 */
    mw(0x070, mr(0x070) | VIRTIO_CONFIG_S_FEATURES_OK);
    assert_true(mr(0x070) & VIRTIO_CONFIG_S_FEATURES_OK);
    mw(0x030, 0);
    assert_int_equal(mr(0x034), 256);
    mw(0x038, 3);                               /* not a power of two */
    mw(0x038, QSIZE);
    mw(0x080, (uint32_t)DESC);
    mw(0x090, (uint32_t)AVAIL);
    mw(0x0a0, (uint32_t)USED);
    mw(0x044, 1);
    mw(0x070, mr(0x070) | VIRTIO_CONFIG_S_DRIVER_OK);
    blk_request(0, 0, 1);                       /* read sector 1 */
    assert_int_equal(get(USED + 2, 2), 1);
    assert_int_equal(get(USED + 8, 4), 513);
    assert_int_equal(get(BUF + 0x400, 1), 0);   /* VIRTIO_BLK_S_OK */
    assert_memory_equal(host + 0x10100, "machina", 7);
    assert_int_equal(mr(0x060), VIRTIO_ISR_QUEUE);
    blk_request(3, 0, 128);                     /* past the end */
    assert_int_equal(get(BUF + 0x3400, 1), 1);  /* VIRTIO_BLK_S_IOERR */
    blk_request(0, 0, UINT64_MAX);              /* sector overflow */
    assert_int_equal(get(BUF + 0x400, 1), 1);
    blk_request(3, 77, 0);                      /* unknown type */
    assert_int_equal(get(BUF + 0x3400, 1), 2);  /* VIRTIO_BLK_S_UNSUPP */
    assert_false(mr(0x070) & VIRTIO_CONFIG_S_NEEDS_RESET);
    mw(0x064, VIRTIO_ISR_QUEUE);
    assert_int_equal(mr(0x060), 0);
    /* A chain pointing outside RAM: NEEDS_RESET, no crash. */
    desc(DESC, 6, 0x20, 32, VRING_DESC_F_WRITE, 0);
    offer(6);
    mw(0x050, 0);
    assert_true(mr(0x070) & VIRTIO_CONFIG_S_NEEDS_RESET);
    assert_int_equal(mr(0x060), VIRTIO_ISR_CONFIG);
    mw(0x050, 7);                               /* bad queue index */
    mw(0x070, 0);
    assert_int_equal(mr(0x070), 0);
    assert_int_equal(mr(0x044), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_good_chain, setup),
        cmocka_unit_test_setup(test_loop, setup),
        cmocka_unit_test_setup(test_next_out_of_range, setup),
        cmocka_unit_test_setup(test_head_out_of_range, setup),
        cmocka_unit_test_setup(test_buffer_outside_ram, setup),
        cmocka_unit_test_setup(test_buffer_crosses_ram_end, setup),
        cmocka_unit_test_setup(test_huge_length, setup),
        cmocka_unit_test_setup(test_address_wraps, setup),
        cmocka_unit_test_setup(test_readable_after_writable, setup),
        cmocka_unit_test_setup(test_indirect_good, setup),
        cmocka_unit_test_setup(test_indirect_in_indirect, setup),
        cmocka_unit_test_setup(test_indirect_bad_len, setup),
        cmocka_unit_test_setup(test_indirect_zero_len, setup),
        cmocka_unit_test_setup(test_indirect_loop, setup),
        cmocka_unit_test_setup(test_indirect_table_outside_ram, setup),
        cmocka_unit_test_setup(test_indirect_with_next, setup),
        cmocka_unit_test_setup(test_indirect_not_negotiated, setup),
        cmocka_unit_test_setup(test_avail_idx_jump, setup),
        cmocka_unit_test_setup(test_ring_outside_ram, setup),
        cmocka_unit_test_setup(test_reset_clears, setup),
        cmocka_unit_test_setup(test_features_need_version_1, setup),
        cmocka_unit_test_setup(test_event_idx_suppression, setup),
        cmocka_unit_test_setup(test_no_interrupt_flag, setup),
        cmocka_unit_test_setup(test_mmio_blk, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
