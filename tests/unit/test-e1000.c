/* SPDX-License-Identifier: MIT */
/* Unit tests: e1000 EEPROM, PHY, tx/rx rings, ICR, hostile descriptors. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/* The device's internals are static: test them from the inside. */
#include "../../hw/net/e1000.c"

#define RAM_BASE    0x80000000ULL
#define RAM_SIZE    0x100000
#define TX_RING     (RAM_BASE + 0x1000)
#define RX_RING     (RAM_BASE + 0x2000)
#define TX_BUF      (RAM_BASE + 0x10000)
#define RX_BUF      (RAM_BASE + 0x20000)

static const uint8_t test_mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };

/* A backend that records what the NIC sends. */
static uint8_t sent[4][2048];
static size_t sent_len[4];
static int nr_sent;

static ssize_t fake_receive(NetClient *nc, const uint8_t *buf, size_t len)
{
    (void)nc;
    if (nr_sent < 4 && len <= sizeof(sent[0])) {
        memcpy(sent[nr_sent], buf, len);
        sent_len[nr_sent] = len;
    }
    nr_sent++;
    return len;
}

static const NetClientOps fake_ops = { .receive = fake_receive };

static int irq_level;

static void irq_handler(void *opaque, int n, int level)
{
    (void)opaque;
    (void)n;
    irq_level = level;
}

typedef struct Fixture {
    MemoryRegion root, ram, pci_mem, pci_io;
    AddressSpace as;
    NetClient fake;
    E1000State *s;
} Fixture;

static PCIBus *test_bus;
static Fixture *fx;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    DeviceState *dev;

    if (!test_bus) {
        memory_region_init_container(&f->root, "root", UINT64_MAX);
        memory_region_init_ram(&f->ram, "ram", RAM_SIZE);
        memory_region_add_subregion(&f->root, RAM_BASE, &f->ram);
        address_space_init(&f->as, &f->root, "test-e1000");
        memory_region_init_container(&f->pci_mem, "pci-mem", UINT64_MAX);
        memory_region_init_container(&f->pci_io, "pci-io", 0x10000);
        test_bus = pci_bus_new("test", &f->pci_mem, &f->pci_io, &f->as);
        test_bus->irqs[0] = irq_alloc_line(irq_handler, NULL, 0);
        test_bus->map_irq = NULL;
        fx = f;
    } else {
        /* One RAM and bus for all tests; new device each time. */
        free(f);
        f = fx;
        memset(f->ram.ram, 0, RAM_SIZE);
        for (int i = 0; i < 256; i++) {
            test_bus->devices[i] = NULL;
        }
        test_bus->irq_count[0] = 0;
    }
    irq_level = 0;
    nr_sent = 0;
    dev = device_new("e1000");
    assert_non_null(dev);
    assert_int_equal(device_set_prop(dev, "mac", "52:54:00:aa:bb:cc"), 0);
    assert_int_equal(device_set_prop(dev, "addr", "0"), 0);
    assert_int_equal(device_realize(dev), 0);
    f->s = (E1000State *)dev;
    if (!f->fake.ops) {
        /* Registered once: clients stay on the global list. */
        net_client_init(&f->fake, &fake_ops, "fake", "fake0", NULL);
    }
    /* Tests leave the backend queue empty. */
    assert_int_equal(f->fake.queue_len, 0);
    net_client_connect(&f->s->nc, &f->fake);
    /* Bus mastering on, as a driver does. */
    pci_config_write(&f->s->pci, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    *state = f;
    return 0;
}

static uint32_t reg_rd(Fixture *f, uint32_t r)
{
    return e1000_mmio_read(f->s, r, 4);
}

static void reg_wr(Fixture *f, uint32_t r, uint32_t v)
{
    e1000_mmio_write(f->s, r, v, 4);
}

static void ram_write(Fixture *f, uint64_t addr, const void *buf, size_t n)
{
    memcpy(f->ram.ram + (addr - RAM_BASE), buf, n);
}

static uint8_t *ram_ptr(Fixture *f, uint64_t addr)
{
    return f->ram.ram + (addr - RAM_BASE);
}

/* Microwire bit-banging as Linux's e1000_read_eeprom does it. */
static void ee_clock(Fixture *f, uint32_t eecd)
{
    reg_wr(f, EECD, eecd | EECD_SK);
    reg_wr(f, EECD, eecd);
}

static uint16_t ee_read_word(Fixture *f, unsigned addr)
{
    uint32_t eecd = EECD_REQ;
    uint32_t cmd = (6u << 6) | addr;
    uint16_t v = 0;

    reg_wr(f, EECD, eecd);
    assert_true(reg_rd(f, EECD) & EECD_GNT);
    eecd |= EECD_CS;
    reg_wr(f, EECD, eecd);
    for (int i = 8; i >= 0; i--) {
        uint32_t di = (cmd >> i) & 1 ? EECD_DI : 0;

        reg_wr(f, EECD, eecd | di);
        ee_clock(f, eecd | di);
    }
    for (int i = 0; i < 16; i++) {
        reg_wr(f, EECD, eecd | EECD_SK);
        v = (v << 1) | !!(reg_rd(f, EECD) & EECD_DO);
        reg_wr(f, EECD, eecd);
    }
    reg_wr(f, EECD, 0);
    return v;
}

static void test_eeprom(void **state)
{
    Fixture *f = *state;
    uint16_t sum = 0;

    for (unsigned i = 0; i < E1000_EEPROM_WORDS; i++) {
        uint16_t w = ee_read_word(f, i);

        if (i < 3) {
            assert_int_equal(w, test_mac[i * 2] | (test_mac[i * 2 + 1] << 8));
        }
        sum += w;
    }
    assert_int_equal(sum, 0xbaba);
    /* EERD gives the same words. */
    reg_wr(f, EERD, (1 << 8) | EERD_START);
    assert_int_equal(reg_rd(f, EERD) >> 16, 0xaa00);
    assert_true(reg_rd(f, EERD) & EERD_DONE);
    reg_wr(f, EERD, (0xff << 8) | EERD_START);   /* out of range */
    assert_int_equal(reg_rd(f, EERD) >> 16, 0);
    /* RAL0/RAH0 loaded from the EEPROM. */
    assert_int_equal(reg_rd(f, RA), 0xaa005452);
    assert_int_equal(reg_rd(f, RA + 4), 0x8000ccbb);
}

static void test_phy_and_ids(void **state)
{
    Fixture *f = *state;
    uint32_t v;

    assert_int_equal(pci_config_read(&f->s->pci, 0, 4), 0x100e8086);
    assert_int_equal(pci_config_read(&f->s->pci, PCI_REVISION_ID, 4) >> 8,
                     0x020000);
    reg_wr(f, MDIC, MDIC_OP_READ | (PHY_ADDR << 21) | (2 << 16));
    v = reg_rd(f, MDIC);
    assert_true(v & MDIC_READY);
    assert_int_equal(v & 0xffff, 0x0141);
    reg_wr(f, MDIC, MDIC_OP_READ | (PHY_ADDR << 21) | (1 << 16));
    assert_true(reg_rd(f, MDIC) & PHY_STATUS_LINK);
    /* Wrong PHY address: error bit. */
    reg_wr(f, MDIC, MDIC_OP_READ | (5 << 21) | (2 << 16));
    assert_true(reg_rd(f, MDIC) & MDIC_ERROR);
    /* Writable PHY register round-trips. */
    reg_wr(f, MDIC, MDIC_OP_WRITE | (PHY_ADDR << 21) | (4 << 16) | 0x01e1);
    reg_wr(f, MDIC, MDIC_OP_READ | (PHY_ADDR << 21) | (4 << 16));
    assert_int_equal(reg_rd(f, MDIC) & 0xffff, 0x01e1);
    assert_true(reg_rd(f, STATUS) & STATUS_LU);
}

static void test_icr(void **state)
{
    Fixture *f = *state;

    reg_wr(f, ICS, ICR_LSC);
    assert_int_equal(irq_level, 0);     /* masked */
    reg_wr(f, IMS, ICR_LSC | ICR_RXT0);
    assert_int_equal(irq_level, 1);
    assert_int_equal(reg_rd(f, IMS), ICR_LSC | ICR_RXT0);
    reg_wr(f, IMC, ICR_LSC);
    assert_int_equal(irq_level, 0);
    reg_wr(f, IMS, ICR_LSC);
    assert_int_equal(irq_level, 1);
    /* Read clears. */
    assert_int_equal(reg_rd(f, ICR), ICR_LSC);
    assert_int_equal(irq_level, 0);
    assert_int_equal(reg_rd(f, ICR), 0);
    /* Write-1-to-clear. */
    reg_wr(f, ICS, ICR_LSC | ICR_TXDW);
    reg_wr(f, ICR, ICR_LSC);
    assert_int_equal(reg_rd(f, ICR), ICR_TXDW);
    /* Device reset through CTRL.RST clears the mask. */
    reg_wr(f, IMS, ~0u);
    reg_wr(f, CTRL, CTRL_RST);
    assert_int_equal(reg_rd(f, IMS), 0);
    assert_false(reg_rd(f, CTRL) & CTRL_RST);
}

static void put_txd(Fixture *f, int i, uint64_t addr, uint32_t lower,
                    uint32_t upper)
{
    uint8_t d[16];

    stn_le(d, 8, addr);
    stn_le(d + 8, 4, lower);
    stn_le(d + 12, 4, upper);
    ram_write(f, TX_RING + i * 16, d, 16);
}

static void tx_ring_setup(Fixture *f)
{
    reg_wr(f, TDBAL, (uint32_t)TX_RING);
    reg_wr(f, TDBAH, TX_RING >> 32);
    reg_wr(f, TDLEN, 8 * 16 * 2);   /* 16 descriptors */
    reg_wr(f, TDH, 0);
    reg_wr(f, TDT, 0);
    reg_wr(f, TCTL, TCTL_EN);
    reg_wr(f, IMS, ICR_TXDW);
}

static void test_tx_legacy(void **state)
{
    Fixture *f = *state;
    uint8_t frame[100];

    for (size_t i = 0; i < sizeof(frame); i++) {
        frame[i] = i;
    }
    ram_write(f, TX_BUF, frame, 40);
    ram_write(f, TX_BUF + 0x100, frame + 40, 60);
    tx_ring_setup(f);
    /* A frame in two descriptors; status written back on the last. */
    put_txd(f, 0, TX_BUF, 40, 0);
    put_txd(f, 1, TX_BUF + 0x100, 60 | ((TXD_CMD_EOP | TXD_CMD_RS) << 24),
            0);
    reg_wr(f, TDT, 2);
    assert_int_equal(nr_sent, 1);
    assert_int_equal(sent_len[0], 100);
    assert_memory_equal(sent[0], frame, 100);
    assert_int_equal(reg_rd(f, TDH), 2);
    assert_int_equal(ram_ptr(f, TX_RING + 16 + 12)[0] & TXD_STA_DD, 1);
    assert_int_equal(ram_ptr(f, TX_RING + 12)[0] & TXD_STA_DD, 0);
    assert_int_equal(irq_level, 1);
    assert_int_equal(reg_rd(f, ICR), ICR_TXDW | ICR_TXQE);
    assert_int_equal(irq_level, 0);
    /* TCTL.EN off: nothing moves. */
    reg_wr(f, TCTL, 0);
    put_txd(f, 2, TX_BUF, 60 | (TXD_CMD_EOP << 24), 0);
    reg_wr(f, TDT, 3);
    assert_int_equal(nr_sent, 1);
    assert_int_equal(reg_rd(f, TDH), 2);
}

/* Ones-complement sum over a buffer, as a receiver verifies it. */
static uint16_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i < n; i++) {
        sum += i & 1 ? p[i] : p[i] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

static void test_tx_csum_offload(void **state)
{
    Fixture *f = *state;
    uint8_t pkt[14 + 20 + 8 + 6] = { 0 };
    uint8_t *ip = pkt + 14, *udp = ip + 20;
    uint32_t ctx_lower = (TXD_CMD_DEXT << 24) | (TXD_DTYP_CTX << 20);
    uint32_t data_lower;
    uint8_t ctx[16] = { 0 };

    pkt[12] = 0x08;
    ip[0] = 0x45;
    ip[3] = 34;
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    udp[1] = 68;
    udp[3] = 67;
    udp[5] = 14;
    memcpy(udp + 8, "abcdef", 6);
    ram_write(f, TX_BUF, pkt, sizeof(pkt));
    tx_ring_setup(f);
    /* Context: IP header 14..33, csum at 24; UDP from 34, csum at 40. */
    ctx[0] = 14;
    ctx[1] = 24;
    stn_le(ctx + 2, 2, 33);
    ctx[4] = 34;
    ctx[5] = 40;
    stn_le(ctx + 8, 4, ctx_lower);
    ram_write(f, TX_RING, ctx, 16);
    data_lower = sizeof(pkt) | ((TXD_CMD_DEXT | TXD_CMD_EOP | TXD_CMD_RS)
                                << 24) | (TXD_DTYP_DATA << 20);
    put_txd(f, 1, TX_BUF, data_lower,
            (TXD_POPTS_IXSM | TXD_POPTS_TXSM) << 8);
    reg_wr(f, TDT, 2);
    assert_int_equal(nr_sent, 1);
    assert_int_equal(sent_len[0], sizeof(pkt));
    /* Both checksums now verify to 0xffff (with no pseudo header here). */
    assert_int_equal(sum16(sent[0] + 14, 20, 0), 0xffff);
    assert_int_equal(sum16(sent[0] + 34, 14, 0), 0xffff);
    assert_int_equal(ram_ptr(f, TX_RING + 16 + 12)[0] & TXD_STA_DD, 1);
}

static void test_tx_tso(void **state)
{
    Fixture *f = *state;
    enum { HDR = 54, PAY = 2500, MSS = 1000 };
    static uint8_t pkt[HDR + PAY];
    uint8_t *ip = pkt + 14, *tcp = ip + 20;
    uint8_t ctx[16] = { 0 };
    uint32_t pseudo;

    memset(pkt, 0, sizeof(pkt));
    pkt[12] = 0x08;
    ip[0] = 0x45;
    ip[5] = 0x10;               /* id 0x0010 */
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    tcp[4] = 0x01;              /* seq 0x01000000 */
    tcp[12] = 0x50;
    tcp[13] = 0x19;             /* FIN PSH ACK */
    for (int i = 0; i < PAY; i++) {
        pkt[HDR + i] = i * 7;
    }
    /* Pseudo header without length, as Linux leaves it. */
    pseudo = sum16(ip + 12, 8, 6);
    tcp[16] = pseudo >> 8;
    tcp[17] = pseudo;
    ram_write(f, TX_BUF, pkt, sizeof(pkt));
    tx_ring_setup(f);
    ctx[0] = 14;
    ctx[1] = 24;
    stn_le(ctx + 2, 2, 33);
    ctx[4] = 34;
    ctx[5] = 50;
    stn_le(ctx + 8, 4, PAY | ((TXD_CMD_DEXT | TXD_CMD_TSE | TUCMD_TCP |
                               TUCMD_IP) << 24));
    ctx[13] = HDR;
    stn_le(ctx + 14, 2, MSS);
    ram_write(f, TX_RING, ctx, 16);
    put_txd(f, 1, TX_BUF, sizeof(pkt) |
            ((TXD_CMD_DEXT | TXD_CMD_TSE | TXD_CMD_EOP) << 24) |
            (TXD_DTYP_DATA << 20), (TXD_POPTS_IXSM | TXD_POPTS_TXSM) << 8);
    reg_wr(f, TDT, 2);
    assert_int_equal(nr_sent, 3);
    for (int n = 0; n < 3; n++) {
        size_t pay = n < 2 ? MSS : PAY - 2 * MSS;
        uint8_t *sip = sent[n] + 14, *stcp = sip + 20;
        uint32_t ps;

        assert_int_equal(sent_len[n], HDR + pay);
        assert_int_equal((sip[2] << 8) | sip[3], 40 + pay);
        assert_int_equal((sip[4] << 8) | sip[5], 0x10 + n);
        assert_int_equal(sum16(sip, 20, 0), 0xffff);
        assert_int_equal(ldn_le(stcp + 4, 4), __builtin_bswap32(
                         0x01000000 + n * MSS));
        assert_int_equal(stcp[13], n < 2 ? 0x10 : 0x19);
        ps = sum16(sip + 12, 8, 6 + 20 + pay);
        assert_int_equal(sum16(stcp, 20 + pay, ps), 0xffff);
        assert_memory_equal(stcp + 20, pkt + HDR + n * MSS, pay);
    }
}

static void test_tx_hostile(void **state)
{
    Fixture *f = *state;

    tx_ring_setup(f);
    /* Buffer outside RAM, huge lengths, ring outside RAM, bad head. */
    put_txd(f, 0, 0x10, 64 | ((TXD_CMD_EOP | TXD_CMD_RS) << 24), 0);
    put_txd(f, 1, RAM_BASE + RAM_SIZE - 8, 0xffff | (TXD_CMD_EOP << 24), 0);
    put_txd(f, 2, TX_BUF, 0xfffff | ((TXD_CMD_DEXT | TXD_CMD_EOP) << 24) |
            (TXD_DTYP_DATA << 20), 0);
    put_txd(f, 3, ~0ull - 4, 64 | (TXD_CMD_EOP << 24), 0);
    put_txd(f, 4, TX_BUF, (TXD_CMD_DEXT << 24) | (7 << 20), 0);
    reg_wr(f, TDT, 5);
    assert_int_equal(nr_sent, 0);
    assert_int_equal(reg_rd(f, TDH), 5);
    /* Status still written back for the bad buffer with RS. */
    assert_int_equal(ram_ptr(f, TX_RING + 12)[0] & TXD_STA_DD, 1);
    /* 0x10000 bytes in 16 descriptors of 4 KiB: too long, dropped. */
    for (int i = 5; i < 16; i++) {
        put_txd(f, i, TX_BUF, 0x1000, 0);
    }
    reg_wr(f, TDT, 15);
    put_txd(f, 15, TX_BUF, 0x1000, 0);
    put_txd(f, 0, TX_BUF, 0x1000, 0);
    put_txd(f, 1, TX_BUF, 0x1000, 0);
    put_txd(f, 2, TX_BUF, 0x1000, 0);
    put_txd(f, 3, TX_BUF, 0x1000, 0);
    put_txd(f, 4, TX_BUF, 0x1000, 0);
    put_txd(f, 5, TX_BUF, 0x200 | (TXD_CMD_EOP << 24), 0);
    reg_wr(f, TDT, 6);
    assert_int_equal(nr_sent, 0);
    /* Next frame is fine again. */
    put_txd(f, 6, TX_BUF, 64 | (TXD_CMD_EOP << 24), 0);
    reg_wr(f, TDT, 7);
    assert_int_equal(nr_sent, 1);
    /* Tail beyond the ring: ignored. */
    reg_wr(f, TDT, 100);
    assert_int_equal(reg_rd(f, TDH), 7);
    /* Ring base outside RAM: no crash, no frame. */
    reg_wr(f, TDBAL, 0xfffff000);
    reg_wr(f, TDBAH, 0xffffffff);
    reg_wr(f, TDH, 0);
    reg_wr(f, TDT, 3);
    assert_int_equal(nr_sent, 1);
}

static void rx_ring_setup(Fixture *f, uint32_t rctl)
{
    for (int i = 0; i < 8; i++) {
        uint8_t d[16] = { 0 };

        stn_le(d, 8, RX_BUF + i * 0x800);
        ram_write(f, RX_RING + i * 16, d, 16);
    }
    reg_wr(f, RDBAL, (uint32_t)RX_RING);
    reg_wr(f, RDBAH, 0);
    reg_wr(f, RDLEN, 128);          /* 8 descriptors */
    reg_wr(f, RDH, 0);
    reg_wr(f, RDT, 7);
    reg_wr(f, IMS, ICR_RXT0);
    reg_wr(f, RCTL, rctl);
}

static void test_rx(void **state)
{
    Fixture *f = *state;
    uint8_t frame[100];
    uint8_t *d0 = ram_ptr(f, RX_RING);

    memcpy(frame, test_mac, 6);
    for (size_t i = 6; i < sizeof(frame); i++) {
        frame[i] = i;
    }
    /* Receiver off: the backend queues. */
    assert_false(e1000_can_receive(&f->s->nc));
    rx_ring_setup(f, RCTL_EN | RCTL_BAM | RCTL_SECRC);
    assert_int_equal(net_send(&f->fake, frame, sizeof(frame)),
                     sizeof(frame));
    assert_memory_equal(ram_ptr(f, RX_BUF), frame, sizeof(frame));
    assert_int_equal(ldn_le(d0 + 8, 2), 100);
    assert_int_equal(d0[12] & (RXD_STA_DD | RXD_STA_EOP),
                     RXD_STA_DD | RXD_STA_EOP);
    assert_int_equal(reg_rd(f, RDH), 1);
    assert_int_equal(irq_level, 1);
    assert_true(reg_rd(f, ICR) & ICR_RXT0);
    /* Short frame padded to 60, plus CRC when not stripped. */
    reg_wr(f, RCTL, RCTL_EN | RCTL_BAM);
    assert_int_equal(net_send(&f->fake, frame, 20), 20);
    assert_int_equal(ldn_le(ram_ptr(f, RX_RING + 16) + 8, 2), 64);
    /* Other unicast: filtered out; promiscuous takes it. */
    frame[5] ^= 1;
    net_send(&f->fake, frame, sizeof(frame));
    assert_int_equal(reg_rd(f, RDH), 2);
    reg_wr(f, RCTL, RCTL_EN | RCTL_UPE | RCTL_SECRC);
    net_send(&f->fake, frame, sizeof(frame));
    assert_int_equal(reg_rd(f, RDH), 3);
    /* Broadcast needs BAM. */
    memset(frame, 0xff, 6);
    net_send(&f->fake, frame, sizeof(frame));
    assert_int_equal(reg_rd(f, RDH), 3);
    reg_wr(f, RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
    net_send(&f->fake, frame, sizeof(frame));
    assert_int_equal(reg_rd(f, RDH), 4);
    /* Multicast through the MTA hash (MO = 0). */
    memcpy(frame, "\x01\x00\x5e\x00\x00\x01", 6);
    net_send(&f->fake, frame, sizeof(frame));
    assert_int_equal(reg_rd(f, RDH), 4);
    {
        unsigned hash = ((frame[4] >> 4) | (frame[5] << 4)) & 0xfff;

        reg_wr(f, MTA + (hash >> 5) * 4, 1u << (hash & 31));
    }
    net_send(&f->fake, frame, sizeof(frame));
    assert_int_equal(reg_rd(f, RDH), 5);
    /* Ring full (head 5, tail 7): two more fit, then the backend queues. */
    memcpy(frame, test_mac, 6);
    net_send(&f->fake, frame, sizeof(frame));
    net_send(&f->fake, frame, sizeof(frame));
    assert_int_equal(reg_rd(f, RDH), 7);
    net_send(&f->fake, frame, sizeof(frame));
    assert_int_equal(reg_rd(f, RDH), 7);
    assert_int_equal(f->fake.queue_len, 1);
    /* Giving descriptors back delivers the queued frame. */
    reg_wr(f, RDT, 2);
    assert_int_equal(reg_rd(f, RDH), 0);
    assert_int_equal(f->fake.queue_len, 0);
}

static void test_rx_hostile(void **state)
{
    Fixture *f = *state;
    uint8_t frame[1500] = { 0 };
    uint8_t d[16] = { 0 };

    memcpy(frame, test_mac, 6);
    rx_ring_setup(f, RCTL_EN | RCTL_SECRC | (3u << 16));   /* 256 bytes */
    /* Buffer address outside RAM: skipped, descriptor still completes. */
    stn_le(d, 8, 0xfffffffffffff000ULL);
    ram_write(f, RX_RING, d, 16);
    /* 1500 bytes need 6 buffers of 256: spans descriptors 0..5. */
    assert_int_equal(net_send(&f->fake, frame, sizeof(frame)),
                     sizeof(frame));
    assert_int_equal(reg_rd(f, RDH), 6);
    assert_int_equal(ram_ptr(f, RX_RING + 5 * 16)[12] & RXD_STA_EOP,
                     RXD_STA_EOP);
    assert_int_equal(ram_ptr(f, RX_RING)[12] & RXD_STA_EOP, 0);
    /* Head/tail beyond the ring or ring outside RAM: nothing taken. */
    reg_wr(f, RDT, 200);
    assert_false(e1000_can_receive(&f->s->nc));
    reg_wr(f, RDBAL, 0xfff00000);
    reg_wr(f, RDBAH, 0xffffffff);
    reg_wr(f, RDH, 0);
    reg_wr(f, RDT, 4);
    net_send(&f->fake, frame, 64);
    assert_int_equal(reg_rd(f, RDH), 0);
    /* Oversized frames are dropped by the device. */
    assert_int_equal(e1000_receive(&f->s->nc, frame, 10), -1);
}

static void test_link(void **state)
{
    Fixture *f = *state;

    reg_wr(f, IMS, ICR_LSC);
    f->s->nc.link_down = true;
    e1000_link_status_changed(&f->s->nc);
    assert_false(reg_rd(f, STATUS) & STATUS_LU);
    assert_int_equal(irq_level, 1);
    assert_int_equal(reg_rd(f, ICR), ICR_LSC);
    f->s->nc.link_down = false;
    e1000_link_status_changed(&f->s->nc);
    assert_true(reg_rd(f, STATUS) & STATUS_LU);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_eeprom, setup),
        cmocka_unit_test_setup(test_phy_and_ids, setup),
        cmocka_unit_test_setup(test_icr, setup),
        cmocka_unit_test_setup(test_tx_legacy, setup),
        cmocka_unit_test_setup(test_tx_csum_offload, setup),
        cmocka_unit_test_setup(test_tx_tso, setup),
        cmocka_unit_test_setup(test_tx_hostile, setup),
        cmocka_unit_test_setup(test_rx, setup),
        cmocka_unit_test_setup(test_rx_hostile, setup),
        cmocka_unit_test_setup(test_link, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
