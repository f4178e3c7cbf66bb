/* SPDX-License-Identifier: MIT */
/* Hostile e1000 driver: bad tx/rx descriptors and ring registers. */

/*
 * Run with -netdev user,id=n0 -device e1000,netdev=n0.  The driver finds
 * the NIC through ECAM (0x30000000), maps BAR0 at 0x40000000 and feeds
 * descriptors with buffers outside RAM, oversized frames and head/tail
 * values outside the ring (8254x SDM 3.3, 3.4, 13.4).  Afterwards a good
 * ARP request for 10.0.2.2 must go out and slirp's reply must come back.
 */
#include "lib.h"

#define ECAM_BASE       0x30000000UL
#define BAR0_ADDR       0x40000000UL

#define CTRL            0x0000
#define STATUS          0x0008
#define RCTL            0x0100
#define TCTL            0x0400
#define RDBAL           0x2800
#define RDBAH           0x2804
#define RDLEN           0x2808
#define RDH             0x2810
#define RDT             0x2818
#define TDBAL           0x3800
#define TDBAH           0x3804
#define TDLEN           0x3808
#define TDH             0x3810
#define TDT             0x3818
#define GPTC            0x4080
#define RAL0            0x5400
#define RAH0            0x5404

#define CTRL_RST        (1U << 26)
#define RCTL_EN         (1U << 1)
#define RCTL_UPE        (1U << 3)
#define RCTL_BAM        (1U << 15)
#define RCTL_SECRC      (1U << 26)
#define TCTL_EN         (1U << 1)
#define TCTL_PSP        (1U << 3)

#define CMD_EOP         0x01
#define CMD_IFCS        0x02
#define CMD_RS          0x08
#define CMD_DEXT        0x20
#define STA_DD          0x01

#define NTX             16
#define NRX             8
#define BAD_ADDR        0x7ff00000000UL

struct txd {
    uint64_t addr;
    uint32_t lower;
    uint32_t upper;
};

struct rxd {
    uint64_t addr;
    uint16_t len;
    uint16_t csum;
    uint8_t status;
    uint8_t errors;
    uint16_t special;
};

static volatile struct txd tx_ring[NTX] __attribute__((aligned(128)));
static volatile struct rxd rx_ring[NRX] __attribute__((aligned(128)));
static uint8_t rx_buf[NRX][2048] __attribute__((aligned(64)));
static uint8_t frame[64];
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static int memcmp_(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return a[i] - b[i];
        }
    }
    return 0;
}

static uint32_t rd(unsigned long off)
{
    __asm__ volatile("fence rw, rw" ::: "memory");
    return mmio_read32(BAR0_ADDR + off);
}

static void wr(unsigned long off, uint32_t v)
{
    __asm__ volatile("fence rw, rw" ::: "memory");
    mmio_write32(BAR0_ADDR + off, v);
}

static uint64_t now(void)
{
    return mmio_read64(CLINT_MTIME);
}

/* Spin until *reg reads other than `old`, up to `ms` (10 MHz mtime). */
static uint32_t wait_change(unsigned long reg, uint32_t old, unsigned ms)
{
    uint64_t end = now() + (uint64_t)ms * 10000;
    uint32_t v;

    do {
        v = rd(reg);
    } while (v == old && now() < end);
    return v;
}

static unsigned long find_e1000(void)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        unsigned long cfg = ECAM_BASE + (dev << 15);
        uint32_t id = mmio_read32(cfg);

        if (id == 0x100e8086) {
            return cfg;
        }
    }
    return 0;
}

static void build_arp(void)
{
    static const uint8_t head[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff,     /* dst: broadcast */
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56,     /* src */
        0x08, 0x06,                             /* ARP */
        0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56,     /* sender MAC */
        10, 0, 2, 15,                           /* sender IP */
        0, 0, 0, 0, 0, 0,                       /* target MAC */
        10, 0, 2, 2,                            /* target IP: gateway */
    };

    memset(frame, 0, sizeof(frame));
    memcpy(frame, head, sizeof(head));
}

/* Put one legacy descriptor at the tail and hand it to the NIC. */
static uint32_t tx_one(uint64_t addr, uint32_t len, uint32_t cmd)
{
    uint32_t tail = rd(TDT);

    tx_ring[tail].addr = addr;
    tx_ring[tail].lower = (cmd << 24) | len;
    tx_ring[tail].upper = 0;
    wr(TDT, (tail + 1) % NTX);
    return tail;
}

static void tx_setup(uint64_t base)
{
    wr(TCTL, 0);
    wr(TDBAL, (uint32_t)base);
    wr(TDBAH, (uint32_t)(base >> 32));
    wr(TDLEN, sizeof(tx_ring));
    wr(TDH, 0);
    wr(TDT, 0);
    wr(TCTL, TCTL_EN | TCTL_PSP);
}

static void test_tx_bad_buffer(void)
{
    uint32_t i;

    (void)rd(GPTC);
    i = tx_one(BAD_ADDR, 60, CMD_EOP | CMD_IFCS | CMD_RS);
    CHECK_EQ(rd(TDH), (i + 1) % NTX);
    CHECK(tx_ring[i].upper & STA_DD);
    CHECK_EQ(rd(GPTC), 0);
    pass("e1000 tx buffer outside RAM");

    /* MMIO is not RAM either: our own BAR. */
    i = tx_one(BAR0_ADDR, 60, CMD_EOP | CMD_IFCS | CMD_RS);
    CHECK_EQ(rd(TDH), (i + 1) % NTX);
    CHECK_EQ(rd(GPTC), 0);
    pass("e1000 tx buffer on MMIO");
}

static void test_tx_huge(void)
{
    uint32_t i;

    /* Three 64 KiB pieces of one frame: more than any frame can be. */
    tx_one(RAM_BASE, 0xffff, 0);
    tx_one(RAM_BASE, 0xffff, 0);
    i = tx_one(RAM_BASE, 0xffff, CMD_EOP | CMD_RS);
    CHECK_EQ(rd(TDH), (i + 1) % NTX);
    CHECK_EQ(rd(GPTC), 0);
    pass("e1000 tx oversized legacy frame");

    /* Extended data descriptor (DTYP 1) with a 20-bit length. */
    i = rd(TDT);
    tx_ring[i].addr = RAM_BASE;
    tx_ring[i].lower = ((uint32_t)(CMD_DEXT | CMD_EOP | CMD_RS) << 24) |
                       (1U << 20) | 0xfffff;
    tx_ring[i].upper = 0;
    wr(TDT, (i + 1) % NTX);
    CHECK_EQ(rd(TDH), (i + 1) % NTX);
    CHECK_EQ(rd(GPTC), 0);
    pass("e1000 tx oversized extended frame");
}

static void test_tx_bad_ring(void)
{
    uint32_t head = rd(TDH);

    wr(TDT, 1000);                          /* tail outside the ring */
    CHECK_EQ(rd(TDH), head);
    wr(TDT, 0xffffffff);
    CHECK_EQ(rd(TDH), head);
    wr(TDT, head);
    pass("e1000 tx tail out of range");

    wr(TDH, 5000);                          /* head outside the ring */
    wr(TDT, (head + 1) % NTX);
    CHECK_EQ(rd(TDH), 5000);
    wr(TDH, head);
    wr(TDT, head);
    pass("e1000 tx head out of range");

    /* Descriptor ring outside RAM: nothing is fetched. */
    tx_setup(BAD_ADDR);
    wr(TDT, 3);
    CHECK(rd(TDH) < NTX);
    /* Ring length at its maximum with the base near the end of RAM. */
    tx_setup(RAM_BASE + 128 * 1024 * 1024 - 16);
    wr(TDLEN, 0xfff80);
    wr(TDT, 0xfff);
    CHECK(rd(TDH) < 0xfff8);
    pass("e1000 tx ring outside RAM");
    tx_setup((unsigned long)tx_ring);
}

static void test_tx_good(void)
{
    uint32_t i;

    build_arp();
    (void)rd(GPTC);
    i = tx_one((unsigned long)frame, 60, CMD_EOP | CMD_IFCS | CMD_RS);
    CHECK_EQ(rd(TDH), (i + 1) % NTX);
    CHECK(tx_ring[i].upper & STA_DD);
    CHECK_EQ(rd(GPTC), 1);
    pass("e1000 good tx frame");
}

static void rx_setup(uint64_t buf_addr, uint32_t tail)
{
    wr(RCTL, 0);
    for (int i = 0; i < NRX; i++) {
        rx_ring[i].addr = buf_addr ? buf_addr : (unsigned long)rx_buf[i];
        rx_ring[i].status = 0;
        rx_ring[i].len = 0;
    }
    wr(RDBAL, (uint32_t)(unsigned long)rx_ring);
    wr(RDBAH, 0);
    wr(RDLEN, sizeof(rx_ring));
    wr(RDH, 0);
    wr(RDT, tail);
    wr(RCTL, RCTL_EN | RCTL_BAM | RCTL_UPE | RCTL_SECRC);
}

static void send_arp(void)
{
    build_arp();
    tx_one((unsigned long)frame, 60, CMD_EOP | CMD_IFCS | CMD_RS);
}

static void test_rx(void)
{
    int found = 0;

    /* Every buffer outside RAM: the reply is dropped, the ring moves. */
    rx_setup(BAD_ADDR, NRX - 1);
    send_arp();
    CHECK(wait_change(RDH, 0, 3000) != 0);
    CHECK(rx_ring[0].status & STA_DD);
    pass("e1000 rx buffer outside RAM");

    /* Tail outside the ring: the NIC must not receive. */
    rx_setup(0, 1000);
    send_arp();
    CHECK_EQ(wait_change(RDH, 0, 300), 0);
    CHECK_EQ(rx_ring[0].status, 0);
    pass("e1000 rx tail out of range");

    /* Good buffers: an ARP reply from 10.0.2.2 must arrive. */
    rx_setup(0, NRX - 1);
    for (int tries = 0; tries < 3 && !found; tries++) {
        uint32_t h;

        send_arp();
        h = wait_change(RDH, rd(RDH), 3000);
        for (uint32_t k = 0; k < h && k < NRX; k++) {
            const uint8_t *b = rx_buf[k];

            if ((rx_ring[k].status & STA_DD) && b[12] == 0x08 &&
                b[13] == 0x06 && b[21] == 2 && b[28] == 10 && b[31] == 2 &&
                !memcmp_(b, mac, 6)) {
                found = 1;
            }
        }
    }
    CHECK(found);
    pass("e1000 rx good arp reply");
}

int main(void)
{
    unsigned long cfg = find_e1000();
    uint32_t bar;

    if (!cfg) {
        printf("SKIP: no e1000 on PCI bus 0\n");
        return 0;
    }
    mmio_write32(cfg + 0x10, 0xffffffff);
    bar = mmio_read32(cfg + 0x10);
    CHECK_EQ(bar & 0xfffe0000, 0xfffe0000);  /* 128 KiB memory BAR */
    mmio_write32(cfg + 0x10, BAR0_ADDR);
    mmio_write32(cfg + 0x04, 0x6);           /* memory + bus master */
    wr(CTRL, CTRL_RST);
    CHECK(rd(STATUS) & 2);                   /* link up */
    wr(RAL0, 0x12005452);
    wr(RAH0, 0x5634 | (1U << 31));
    tx_setup((unsigned long)tx_ring);
    test_tx_bad_buffer();
    test_tx_huge();
    test_tx_bad_ring();
    test_tx_good();
    test_rx();
    return 0;
}
