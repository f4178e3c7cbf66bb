/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio (virtio 1.2, 4.2.2) for the bare-metal drivers: register
 * offsets, status bits, the split-ring descriptor, and the bring-up
 * steps every driver repeats.  Include after lib.h.
 */
#ifndef GUEST_VIRTIO_MMIO_H
#define GUEST_VIRTIO_MMIO_H

#define VM_MAGIC        0x000
#define VM_VERSION      0x004
#define VM_DEVICE_ID    0x008
#define VM_DEV_FEAT     0x010
#define VM_DEV_FEAT_SEL 0x014
#define VM_DRV_FEAT     0x020
#define VM_DRV_FEAT_SEL 0x024
#define VM_QUEUE_SEL    0x030
#define VM_QUEUE_MAX    0x034
#define VM_QUEUE_NUM    0x038
#define VM_QUEUE_READY  0x044
#define VM_QUEUE_NOTIFY 0x050
#define VM_INT_STATUS   0x060
#define VM_INT_ACK      0x064
#define VM_STATUS       0x070
#define VM_DESC_LO      0x080
#define VM_DESC_HI      0x084
#define VM_AVAIL_LO     0x090
#define VM_AVAIL_HI     0x094
#define VM_USED_LO      0x0a0
#define VM_USED_HI      0x0a4

#define VM_MAGIC_VALUE  0x74726976      /* "virt" */

#define ST_ACK          0x01
#define ST_DRIVER       0x02
#define ST_DRIVER_OK    0x04
#define ST_FEATURES_OK  0x08
#define ST_NEEDS_RESET  0x40

/* Descriptor flags (2.7.5) */
#define F_NEXT          1
#define F_WRITE         2
#define F_INDIRECT      4

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

static inline uint32_t vm_rd(unsigned long base, unsigned long off)
{
    return mmio_read32(base + off);
}

static inline void vm_wr(unsigned long base, unsigned long off, uint32_t v)
{
    mmio_write32(base + off, v);
}

/*
 * Reset, ACKNOWLEDGE, DRIVER, accept VIRTIO_F_VERSION_1 and feat_lo (the
 * low feature word), FEATURES_OK (3.1.1).
 */
static inline void vm_negotiate(unsigned long base, uint32_t feat_lo)
{
    vm_wr(base, VM_STATUS, 0);
    CHECK_EQ(vm_rd(base, VM_STATUS), 0);
    vm_wr(base, VM_STATUS, ST_ACK);
    vm_wr(base, VM_STATUS, ST_ACK | ST_DRIVER);
    vm_wr(base, VM_DEV_FEAT_SEL, 1);
    CHECK(vm_rd(base, VM_DEV_FEAT) & 1);          /* VIRTIO_F_VERSION_1 */
    vm_wr(base, VM_DRV_FEAT_SEL, 0);
    vm_wr(base, VM_DRV_FEAT, feat_lo);
    vm_wr(base, VM_DRV_FEAT_SEL, 1);
    vm_wr(base, VM_DRV_FEAT, 1);
    vm_wr(base, VM_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
    CHECK(vm_rd(base, VM_STATUS) & ST_FEATURES_OK);
}

/* Give queue q its num-entry rings and mark it ready (4.2.3.2). */
static inline void vm_queue_setup(unsigned long base, uint32_t q,
                                  uint32_t num, unsigned long desc,
                                  unsigned long avail, unsigned long used)
{
    vm_wr(base, VM_QUEUE_SEL, q);
    CHECK(vm_rd(base, VM_QUEUE_MAX) >= num);
    CHECK_EQ(vm_rd(base, VM_QUEUE_READY), 0);
    vm_wr(base, VM_QUEUE_NUM, num);
    vm_wr(base, VM_DESC_LO, (uint32_t)desc);
    vm_wr(base, VM_DESC_HI, (uint32_t)(desc >> 32));
    vm_wr(base, VM_AVAIL_LO, (uint32_t)avail);
    vm_wr(base, VM_AVAIL_HI, (uint32_t)(avail >> 32));
    vm_wr(base, VM_USED_LO, (uint32_t)used);
    vm_wr(base, VM_USED_HI, (uint32_t)(used >> 32));
    vm_wr(base, VM_QUEUE_READY, 1);
}

static inline void vm_driver_ok(unsigned long base)
{
    vm_wr(base, VM_STATUS,
          ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
}

#endif
