/* SPDX-License-Identifier: MIT */
/* Hostile virtio-mmio driver: broken virtqueue chains must not kill us. */

/*
 * Run with a raw disk on the highest virtio-mmio slot (0x10008000):
 *   -drive file=IMG,format=raw,if=none,id=d0
 *   -device virtio-blk-device,drive=d0
 * Sector 0 of IMG must start with "MACHINA-HOSTILE".  Each broken chain
 * must leave the device in DEVICE_NEEDS_RESET (virtio 1.2, 2.1.2) with the
 * used ring untouched; after a reset one good read and write must work.
 */
#include "lib.h"
#include "virtio-mmio.h"

#define VMMIO_BASE      0x10008000UL

#define F_RING_INDIRECT (1U << 28)

#define QSZ             8
#define BLK_T_IN        0
#define BLK_T_OUT       1

struct blk_req {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

/* Rings and buffers; the ring areas are page aligned and zeroed per use. */
static struct desc ring_desc[QSZ] __attribute__((aligned(4096)));
static volatile uint16_t ring_avail[3 + QSZ] __attribute__((aligned(4096)));
static volatile uint32_t ring_used[1 + 2 * QSZ + 1]
    __attribute__((aligned(4096)));
static struct desc ind_table[4] __attribute__((aligned(64)));
static struct desc ind_inner[2] __attribute__((aligned(64)));
static struct blk_req req;
static uint8_t data[512] __attribute__((aligned(512)));
static volatile uint8_t req_status;
static uint32_t feat_indirect;

static uint32_t rd(unsigned long off)
{
    return vm_rd(VMMIO_BASE, off);
}

static void wr(unsigned long off, uint32_t v)
{
    vm_wr(VMMIO_BASE, off, v);
}

static void fence(void)
{
    __asm__ volatile("fence rw, rw" ::: "memory");
}

static uint16_t used_idx(void)
{
    fence();
    return (uint16_t)(ring_used[0] >> 16);
}

/* Reset the device and bring queue 0 up with the given descriptor table. */
static void dev_setup(unsigned long desc_addr)
{
    /* Take INDIRECT_DESC so the indirect cases reach the table walk. */
    wr(VM_DEV_FEAT_SEL, 0);
    feat_indirect = rd(VM_DEV_FEAT) & F_RING_INDIRECT;
    memset(ring_desc, 0, sizeof(ring_desc));
    memset((void *)ring_avail, 0, sizeof(ring_avail));
    memset((void *)ring_used, 0, sizeof(ring_used));
    vm_negotiate(VMMIO_BASE, feat_indirect);
    vm_queue_setup(VMMIO_BASE, 0, QSZ, desc_addr, (unsigned long)ring_avail,
                   (unsigned long)ring_used);
    vm_driver_ok(VMMIO_BASE);
    CHECK_EQ(rd(VM_STATUS) & ST_NEEDS_RESET, 0);
}

/* Offer head `head` as the next avail entry (avail idx += step). */
static void kick(uint16_t head, uint16_t step)
{
    uint16_t idx = ring_avail[1];

    ring_avail[2 + idx % QSZ] = head;
    fence();
    ring_avail[1] = (uint16_t)(idx + step);
    fence();
    wr(VM_QUEUE_NOTIFY, 0);
}

/* The device must now be in NEEDS_RESET and must not have used anything. */
static void expect_broken(const char *what)
{
    uint32_t st = 0;

    /* Processing may be deferred; give it a moment. */
    for (int i = 0; i < 200000; i++) {
        st = rd(VM_STATUS);
        if (st & ST_NEEDS_RESET) {
            break;
        }
    }
    if (!(st & ST_NEEDS_RESET)) {
        printf("FAIL: %s: status 0x%x without NEEDS_RESET\n", what, st);
        rt_exit(1);
    }
    CHECK_EQ(used_idx(), 0);
    /* A second notify on a broken device is ignored. */
    wr(VM_QUEUE_NOTIFY, 0);
    CHECK(rd(VM_STATUS) & ST_NEEDS_RESET);
    CHECK_EQ(used_idx(), 0);
    pass(what);
}

static void fill_header(uint32_t type, uint64_t sector)
{
    req.type = type;
    req.reserved = 0;
    req.sector = sector;
}

/* A well formed three-part request in descriptors 0..2. */
static void good_chain(uint32_t type)
{
    fill_header(type, 0);
    req_status = 0xff;
    ring_desc[0] = (struct desc){ (unsigned long)&req, sizeof(req),
                                  F_NEXT, 1 };
    ring_desc[1] = (struct desc){ (unsigned long)data, sizeof(data),
                                  F_NEXT | (type == BLK_T_IN ? F_WRITE : 0),
                                  2 };
    ring_desc[2] = (struct desc){ (unsigned long)&req_status, 1, F_WRITE, 0 };
}

static void test_loop(void)
{
    dev_setup((unsigned long)ring_desc);
    good_chain(BLK_T_OUT);                  /* all device-readable */
    ring_desc[2].flags = F_NEXT;
    ring_desc[2].next = 0;                  /* 0 -> 1 -> 2 -> 0 ... */
    kick(0, 1);
    expect_broken("virtio descriptor loop");
}

static void test_self_loop(void)
{
    dev_setup((unsigned long)ring_desc);
    ring_desc[3] = (struct desc){ (unsigned long)&req, sizeof(req),
                                  F_NEXT, 3 };
    kick(3, 1);
    expect_broken("virtio descriptor self loop");
}

static void test_outside_ram(void)
{
    dev_setup((unsigned long)ring_desc);
    good_chain(BLK_T_IN);
    ring_desc[1].addr = 0x7ff00000000UL;    /* far past the end of RAM */
    kick(0, 1);
    expect_broken("virtio buffer outside RAM");
}

static void test_mmio_buffer(void)
{
    /* A device register window is not DMA-able memory. */
    dev_setup((unsigned long)ring_desc);
    good_chain(BLK_T_IN);
    ring_desc[1].addr = VMMIO_BASE;
    kick(0, 1);
    expect_broken("virtio buffer on MMIO");
}

static void test_huge_len(void)
{
    dev_setup((unsigned long)ring_desc);
    good_chain(BLK_T_IN);
    ring_desc[1].len = 0xffffffffU;
    kick(0, 1);
    expect_broken("virtio huge length");
}

static void test_wrap_addr(void)
{
    dev_setup((unsigned long)ring_desc);
    good_chain(BLK_T_IN);
    ring_desc[1].addr = 0xfffffffffffffe00UL;   /* addr + len wraps */
    kick(0, 1);
    expect_broken("virtio address wrap");
}

static void test_bad_head(void)
{
    dev_setup((unsigned long)ring_desc);
    good_chain(BLK_T_IN);
    kick(200, 1);
    expect_broken("virtio head out of range");
}

static void test_bad_next(void)
{
    dev_setup((unsigned long)ring_desc);
    good_chain(BLK_T_IN);
    ring_desc[1].next = 0xffff;
    kick(0, 1);
    expect_broken("virtio next out of range");
}

static void test_avail_jump(void)
{
    dev_setup((unsigned long)ring_desc);
    good_chain(BLK_T_IN);
    kick(0, 1000);
    expect_broken("virtio avail idx jump");
}

static void test_desc_table_outside(void)
{
    dev_setup(0x7ff00000000UL);
    kick(0, 1);
    expect_broken("virtio desc table outside RAM");
}

static void test_nested_indirect(void)
{
    dev_setup((unsigned long)ring_desc);
    ind_inner[0] = (struct desc){ (unsigned long)&req, sizeof(req), 0, 0 };
    ind_table[0] = (struct desc){ (unsigned long)ind_inner,
                                  sizeof(ind_inner), F_INDIRECT, 0 };
    ring_desc[0] = (struct desc){ (unsigned long)ind_table,
                                  sizeof(struct desc), F_INDIRECT, 0 };
    kick(0, 1);
    expect_broken("virtio nested indirect");
}

static void test_indirect_loop(void)
{
    dev_setup((unsigned long)ring_desc);
    fill_header(BLK_T_IN, 0);
    ind_table[0] = (struct desc){ (unsigned long)&req, sizeof(req),
                                  F_NEXT, 1 };
    ind_table[1] = (struct desc){ (unsigned long)data, sizeof(data),
                                  F_NEXT | F_WRITE, 0 };
    ring_desc[0] = (struct desc){ (unsigned long)ind_table,
                                  2 * sizeof(struct desc), F_INDIRECT, 0 };
    kick(0, 1);
    expect_broken("virtio indirect loop");
}

static void test_indirect_bad_len(void)
{
    dev_setup((unsigned long)ring_desc);
    ring_desc[0] = (struct desc){ (unsigned long)ind_table, 0x12345,
                                  F_INDIRECT, 0 };
    kick(0, 1);
    expect_broken("virtio indirect bad length");
}

static void test_indirect_outside(void)
{
    dev_setup((unsigned long)ring_desc);
    ring_desc[0] = (struct desc){ 0x7ff00000000UL, 4 * sizeof(struct desc),
                                  F_INDIRECT, 0 };
    kick(0, 1);
    expect_broken("virtio indirect table outside RAM");
}

static unsigned long rdtime(void)
{
    unsigned long t;

    __asm__ volatile("csrr %0, time" : "=r"(t));
    return t;
}

/*
 * Wait for one used entry and check the request succeeded.  Completion
 * is asynchronous (host I/O threads), so bound the wait by time - 5 s
 * of the 10 MHz timebase - not by a loop count.
 */
static void wait_used(uint16_t want)
{
    unsigned long end = rdtime() + 50000000UL;

    while (used_idx() != want && rdtime() < end) {
    }
    CHECK_EQ(used_idx(), want);
    CHECK_EQ(rd(VM_STATUS) & ST_NEEDS_RESET, 0);
    CHECK_EQ(req_status, 0);                /* VIRTIO_BLK_S_OK */
    CHECK_EQ(ring_used[1], 0);              /* used elem id = head 0 */
    /* Acknowledge the interrupt the device raised. */
    wr(VM_INT_ACK, rd(VM_INT_STATUS));
}

static void test_good_after_reset(void)
{
    static const char sig[] = "MACHINA-HOSTILE";

    dev_setup((unsigned long)ring_desc);
    memset(data, 0, sizeof(data));
    good_chain(BLK_T_IN);
    kick(0, 1);
    wait_used(1);
    for (unsigned i = 0; i < sizeof(sig) - 1; i++) {
        CHECK_EQ(data[i], (uint8_t)sig[i]);
    }
    pass("virtio good read after reset");

    /* Write sector 0 back with a marker, then read it again. */
    data[sizeof(sig) - 1] = '!';
    good_chain(BLK_T_OUT);
    kick(0, 1);
    wait_used(2);
    memset(data, 0, sizeof(data));
    good_chain(BLK_T_IN);
    kick(0, 1);
    wait_used(3);
    CHECK_EQ(data[0], 'M');
    CHECK_EQ(data[sizeof(sig) - 1], '!');
    pass("virtio good write after reset");
}

int main(void)
{
    CHECK_EQ(rd(VM_MAGIC), VM_MAGIC_VALUE);
    if (rd(VM_DEVICE_ID) != 2) {
        printf("SKIP: no virtio-blk at 0x%lx\n", VMMIO_BASE);
        return 0;
    }
    if (rd(VM_VERSION) != 2) {
        printf("SKIP: legacy virtio-mmio only\n");
        return 0;
    }
    test_loop();
    test_self_loop();
    test_outside_ram();
    test_mmio_buffer();
    test_huge_len();
    test_wrap_addr();
    test_bad_head();
    test_bad_next();
    test_avail_jump();
    test_desc_table_outside();
    if (feat_indirect) {
        test_nested_indirect();
        test_indirect_loop();
    }
    test_indirect_bad_len();
    test_indirect_outside();
    test_good_after_reset();
    wr(VM_STATUS, 0);
    return 0;
}
