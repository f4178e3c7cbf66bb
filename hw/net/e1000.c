/* SPDX-License-Identifier: MIT */
/*
 * Intel 82540EM gigabit Ethernet (e1000) on PCI: microwire EEPROM, MDIC
 * PHY, legacy and extended tx descriptors with checksum offload, legacy rx
 * descriptors, receive filter and interrupt cause/mask registers.
 * Register numbers and bit layouts follow Intel's "PCI/PCI-X Family of
 * Gigabit Ethernet Controllers Software Developer's Manual" (8254x SDM).
 */
#include "machina/device.h"
#include "machina/log.h"
#include "machina/net.h"
#include "machina/pci.h"
#include <inttypes.h>
#include <stdlib.h>
#include <zlib.h>

#define E1000_DEVICE_ID     0x100e
#define E1000_MMIO_SIZE     0x20000
#define E1000_IO_SIZE       0x40
#define E1000_EEPROM_WORDS  64
#define E1000_MAX_FRAME     0x10000     /* tx assembly buffer */
#define E1000_MIN_FRAME     60

/* Register offsets (SDM section 13.4) */
enum {
    CTRL = 0x0000, STATUS = 0x0008, EECD = 0x0010, EERD = 0x0014,
    CTRL_EXT = 0x0018, MDIC = 0x0020, ICR = 0x00c0, ITR = 0x00c4,
    ICS = 0x00c8, IMS = 0x00d0, IMC = 0x00d8, RCTL = 0x0100,
    TCTL = 0x0400, RDBAL = 0x2800, RDBAH = 0x2804, RDLEN = 0x2808,
    RDH = 0x2810, RDT = 0x2818, TDBAL = 0x3800, TDBAH = 0x3804,
    TDLEN = 0x3808, TDH = 0x3810, TDT = 0x3818, STATS_START = 0x4000,
    STATS_END = 0x4100, GPRC = 0x4074, GPTC = 0x4080, TORL = 0x40c0,
    TOTL = 0x40c8, TPR = 0x40d0, TPT = 0x40d4, MTA = 0x5200, RA = 0x5400,
    VFTA = 0x5600,
};

#define CTRL_RST        (1u << 26)
#define CTRL_PHY_RST    (1u << 31)
#define STATUS_FD       (1u << 0)
#define STATUS_LU       (1u << 1)
#define STATUS_SPEED_1000 (1u << 7)
#define STATUS_ASDV_1000  (1u << 9)
#define STATUS_GIO_MASTER (1u << 19)
#define EECD_SK         (1u << 0)
#define EECD_CS         (1u << 1)
#define EECD_DI         (1u << 2)
#define EECD_DO         (1u << 3)
#define EECD_REQ        (1u << 6)
#define EECD_GNT        (1u << 7)
#define EECD_PRES       (1u << 8)
#define EECD_RW_MASK    (EECD_SK | EECD_CS | EECD_DI | EECD_REQ)
#define EERD_START      (1u << 0)
#define EERD_DONE       (1u << 4)
#define MDIC_OP_WRITE   (1u << 26)
#define MDIC_OP_READ    (2u << 26)
#define MDIC_READY      (1u << 28)
#define MDIC_ERROR      (1u << 30)
#define ICR_TXDW        (1u << 0)
#define ICR_TXQE        (1u << 1)
#define ICR_LSC         (1u << 2)
#define ICR_RXDMT0      (1u << 4)
#define ICR_RXO         (1u << 6)
#define ICR_RXT0        (1u << 7)
#define RCTL_EN         (1u << 1)
#define RCTL_UPE        (1u << 3)
#define RCTL_MPE        (1u << 4)
#define RCTL_MO_SHIFT   12
#define RCTL_BAM        (1u << 15)
#define RCTL_BSEX       (1u << 25)
#define RCTL_SECRC      (1u << 26)
#define TCTL_EN         (1u << 1)
#define RAH_AV          (1u << 31)

/* Descriptor bits (SDM sections 3.2.3, 3.3.3 and 3.3.7) */
#define TXD_CMD_EOP     0x01
#define TXD_CMD_IC      0x04
#define TXD_CMD_RS      0x08
#define TXD_CMD_RPS     0x10
#define TXD_CMD_DEXT    0x20
#define TXD_CMD_TSE     0x04    /* in extended DCMD */
#define TXD_STA_DD      0x01
#define TXD_DTYP_CTX    0
#define TXD_DTYP_DATA   1
#define TXD_POPTS_IXSM  0x01
#define TXD_POPTS_TXSM  0x02
#define RXD_STA_DD      0x01
#define RXD_STA_EOP     0x02
#define RXD_STA_IXSM    0x04

/* PHY (Marvell 88E1011, the 82540EM's) */
#define PHY_ADDR        1
#define PHY_REGS        0x20
#define PHY_CTRL        0
#define PHY_STATUS      1
#define PHY_STATUS_LINK 0x0004
#define PHY_STATUS_ANC  0x0020
#define PHY_SPEC_STATUS 0x11
#define PHY_SPEC_LINK   0x0400

typedef struct E1000TxCtx {
    uint8_t ipcss, ipcso, tucss, tucso;
    uint16_t ipcse, tucse;
    uint8_t tucmd, hdr_len;     /* segmentation (SDM section 3.5) */
    uint16_t mss;
} E1000TxCtx;

#define TUCMD_TCP       0x01
#define TUCMD_IP        0x02    /* IPv4 (else IPv6) */
#define E1000_TX_BUF    (0x10000 + 0x100)

typedef struct E1000State {
    PCIDevice pci;              /* must be first */
    char *netdev;               /* properties */
    char *mac_str;
    char *addr;
    MemoryRegion mmio, io;
    NetClient nc;
    uint8_t macaddr[6];
    uint32_t regs[E1000_MMIO_SIZE / 4];
    uint16_t phy[PHY_REGS];
    uint16_t eeprom[E1000_EEPROM_WORDS];
    /* Microwire state (SDM section 5.3.1) */
    uint32_t ee_in;
    int ee_bits_in;
    int ee_bit_out;             /* -1: dummy zero; 0..15: data bit */
    bool ee_reading;
    uint8_t ee_addr;
    uint32_t ioaddr;            /* IOADDR window of BAR1 */
    /* Transmit */
    E1000TxCtx ctx;
    uint8_t tx_buf[E1000_TX_BUF];
    uint8_t tso_seg[E1000_TX_BUF];
    uint8_t rx_frame[E1000_MAX_FRAME + 4];  /* padded, with CRC */
    bool tx_tse;
    size_t tx_len;
    bool tx_bad;                /* drop the frame being assembled */
    uint8_t tx_popts, tx_cmd;   /* of the first descriptor of a frame */
    bool tx_legacy_ic;
    uint8_t tx_cso, tx_css;
} E1000State;

static uint32_t rd(E1000State *s, uint32_t r)
{
    return s->regs[r / 4];
}

static void wr(E1000State *s, uint32_t r, uint32_t v)
{
    s->regs[r / 4] = v;
}

/* ---- interrupts ---- */

static void e1000_update_irq(E1000State *s)
{
    pci_set_irq(&s->pci, (rd(s, ICR) & rd(s, IMS)) != 0);
}

static void e1000_set_ics(E1000State *s, uint32_t bits)
{
    wr(s, ICR, rd(s, ICR) | bits);
    e1000_update_irq(s);
}

/* ---- EEPROM and PHY ---- */

static void e1000_eeprom_init(E1000State *s)
{
    uint16_t sum = 0;

    memset(s->eeprom, 0, sizeof(s->eeprom));
    for (int i = 0; i < 3; i++) {
        s->eeprom[i] = s->macaddr[i * 2] | (s->macaddr[i * 2 + 1] << 8);
    }
    s->eeprom[0x0a] = 0x6000;   /* init control 1: valid signature */
    s->eeprom[0x0b] = 0;        /* subsystem id */
    s->eeprom[0x0c] = PCI_VENDOR_ID_INTEL;
    s->eeprom[0x0d] = E1000_DEVICE_ID;
    s->eeprom[0x0e] = PCI_VENDOR_ID_INTEL;
    s->eeprom[0x0f] = 0x3040;   /* init control 2 */
    /* Words 0..0x3f sum to 0xbaba (SDM section 5.6.20). */
    for (int i = 0; i < E1000_EEPROM_WORDS - 1; i++) {
        sum += s->eeprom[i];
    }
    s->eeprom[E1000_EEPROM_WORDS - 1] = 0xbaba - sum;
}

static void e1000_phy_reset(E1000State *s)
{
    static const uint16_t init[PHY_REGS] = {
        [0] = 0x1140, [1] = 0x796d, [2] = 0x0141, [3] = 0x0c20,
        [4] = 0x0de1, [5] = 0x41e1, [6] = 0x0001, [9] = 0x0e00,
        [10] = 0x3c00, [15] = 0x3000, [0x10] = 0x0360, [0x11] = 0xac00,
        [0x14] = 0x0c60,
    };

    memcpy(s->phy, init, sizeof(s->phy));
    if (s->nc.link_down) {
        s->phy[PHY_STATUS] &= ~(PHY_STATUS_LINK | PHY_STATUS_ANC);
        s->phy[PHY_SPEC_STATUS] &= ~PHY_SPEC_LINK;
    }
}

static void e1000_mdic_write(E1000State *s, uint32_t val)
{
    unsigned reg = (val >> 16) & 0x1f, phy = (val >> 21) & 0x1f;
    uint32_t op = val & (3u << 26);

    val &= 0xffff | (0x3ffu << 16) | (3u << 26);
    if (phy != PHY_ADDR) {
        /* No PHY there: the MDIO read times out. */
        val |= MDIC_ERROR;
    } else if (op == MDIC_OP_READ) {
        val = (val & ~0xffffu) | s->phy[reg];
    } else if (op == MDIC_OP_WRITE) {
        uint16_t v = val & 0xffff;

        if (reg == PHY_CTRL) {
            /* Reset and restart-autonegotiation complete at once. */
            v &= ~(0x8000 | 0x0200);
        }
        if (reg != PHY_STATUS && reg != 2 && reg != 3 &&
            reg != PHY_SPEC_STATUS) {
            s->phy[reg] = v;
        }
    } else {
        val |= MDIC_ERROR;
    }
    wr(s, MDIC, val | MDIC_READY);
}

static uint32_t e1000_eecd_read(E1000State *s)
{
    uint32_t v = rd(s, EECD) | EECD_PRES;

    if (v & EECD_REQ) {
        v |= EECD_GNT;
    }
    v &= ~EECD_DO;
    if (s->ee_reading && s->ee_bit_out >= 0 && s->ee_bit_out < 16 &&
        ((s->eeprom[s->ee_addr] >> (15 - s->ee_bit_out)) & 1)) {
        v |= EECD_DO;
    }
    return v;
}

static void e1000_eecd_write(E1000State *s, uint32_t val)
{
    uint32_t old = rd(s, EECD);

    wr(s, EECD, (old & ~EECD_RW_MASK) | (val & EECD_RW_MASK));
    if (!(val & EECD_CS) || !(old & EECD_CS)) {
        /* Chip select low, or newly raised: start a new command. */
        s->ee_in = 0;
        s->ee_bits_in = 0;
        s->ee_reading = false;
        return;
    }
    if (!(old & EECD_SK) && (val & EECD_SK)) {
        if (s->ee_reading) {
            /* Sequential read continues into the next word. */
            if (++s->ee_bit_out == 16) {
                s->ee_bit_out = 0;
                s->ee_addr = (s->ee_addr + 1) % E1000_EEPROM_WORDS;
            }
            return;
        }
        s->ee_in = (s->ee_in << 1) | !!(val & EECD_DI);
        s->ee_bits_in++;
        /* start bit, opcode 10 (read), 6 address bits */
        if (s->ee_bits_in == 9) {
            if ((s->ee_in >> 6) == 6) {
                s->ee_reading = true;
                s->ee_addr = s->ee_in & 0x3f;
                s->ee_bit_out = -1;
            } else {
                log_unimp("e1000: EEPROM opcode 0x%x ignored\n",
                          s->ee_in >> 6);
            }
        }
    }
}

static void e1000_eerd_write(E1000State *s, uint32_t val)
{
    unsigned addr = (val >> 8) & 0xff;

    if (!(val & EERD_START)) {
        wr(s, EERD, val & ~EERD_DONE);
        return;
    }
    if (addr >= E1000_EEPROM_WORDS) {
        guest_error("e1000: EERD address 0x%x out of range\n", addr);
        wr(s, EERD, (addr << 8) | EERD_DONE);
        return;
    }
    wr(s, EERD, ((uint32_t)s->eeprom[addr] << 16) | (addr << 8) |
       EERD_DONE);
}

/* ---- transmit ---- */

static uint64_t ring_base(E1000State *s, uint32_t lo_reg, uint32_t hi_reg)
{
    return ((uint64_t)rd(s, hi_reg) << 32) | (rd(s, lo_reg) & ~0xfu);
}

/* Descriptors in a ring; TDLEN/RDLEN are 128-byte multiples. */
static uint32_t ring_count(E1000State *s, uint32_t len_reg)
{
    return (rd(s, len_reg) & 0xfff80) / 16;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* Ones-complement checksum of buf[start..end] stored at buf[off]. */
static void insert_csum(uint8_t *buf, size_t len, unsigned start,
                        unsigned end, unsigned off)
{
    uint32_t sum = 0;

    if (end == 0 || end >= len) {
        end = len - 1;
    }
    if (start > end || off + 2 > len) {
        guest_error("e1000: bad checksum offsets %u..%u at %u (len %zu)\n",
                    start, end, off, len);
        return;
    }
    for (unsigned i = start; i <= end; i++) {
        sum += (i - start) & 1 ? buf[i] : buf[i] << 8;
    }
    sum = (uint16_t)~csum_fold(sum);
    buf[off] = sum >> 8;
    buf[off + 1] = sum & 0xff;
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static uint16_t get_be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

/*
 * TCP/UDP segmentation: the frame is a header template plus payload; each
 * segment gets fixed-up lengths, IP id, TCP sequence and flags, then the
 * offloaded checksums.  The driver left the pseudo-header sum without
 * length in the L4 checksum field (SDM section 3.5.4).
 */
static void e1000_tx_tso(E1000State *s)
{
    const E1000TxCtx *c = &s->ctx;
    const uint8_t *buf = s->tx_buf;
    uint8_t *seg = s->tso_seg;
    size_t hdr = c->hdr_len, len = s->tx_len, mss = c->mss;
    bool tcp = c->tucmd & TUCMD_TCP, ip4 = c->tucmd & TUCMD_IP;
    uint32_t seq = 0;
    uint16_t ipid = 0, l4sum;
    unsigned n = 0;

    if (hdr == 0 || hdr >= len || mss == 0 ||
        c->ipcss + (ip4 ? 20u : 40u) > hdr ||
        c->tucss + (tcp ? 20u : 8u) > hdr || c->tucso + 2u > hdr ||
        c->ipcso + 2u > hdr) {
        guest_error("e1000: bad TSO context (hdr %zu mss %zu len %zu)\n",
                    hdr, mss, len);
        return;
    }
    mss = MIN(mss, sizeof(s->tso_seg) - hdr);
    l4sum = get_be16(buf + c->tucso);
    if (tcp) {
        seq = ldn_le(buf + c->tucss + 4, 4);
        seq = __builtin_bswap32(seq);
    }
    if (ip4) {
        ipid = get_be16(buf + c->ipcss + 4);
    }
    for (size_t off = hdr; off < len; n++) {
        size_t chunk = MIN(mss, len - off), seglen = hdr + chunk;
        bool last = off + chunk >= len;

        memcpy(seg, buf, hdr);
        memcpy(seg + hdr, buf + off, chunk);
        if (ip4) {
            put_be16(seg + c->ipcss + 2, seglen - c->ipcss);
            put_be16(seg + c->ipcss + 4, ipid + n);
        } else {
            put_be16(seg + c->ipcss + 4, seglen - c->ipcss - 40);
        }
        if (tcp) {
            uint32_t sq = seq + (off - hdr);

            put_be16(seg + c->tucss + 4, sq >> 16);
            put_be16(seg + c->tucss + 6, sq);
            if (!last) {
                seg[c->tucss + 13] &= ~0x09;    /* FIN, PSH */
            }
        } else {
            put_be16(seg + c->tucss + 4, seglen - c->tucss);
        }
        if (s->tx_popts & TXD_POPTS_IXSM) {
            put_be16(seg + c->ipcso, 0);
            insert_csum(seg, seglen, c->ipcss, c->ipcse, c->ipcso);
        }
        if (s->tx_popts & TXD_POPTS_TXSM) {
            put_be16(seg + c->tucso,
                     csum_fold((uint32_t)l4sum + seglen - c->tucss));
            insert_csum(seg, seglen, c->tucss, 0, c->tucso);
        }
        wr(s, TPT, rd(s, TPT) + 1);
        wr(s, GPTC, rd(s, GPTC) + 1);
        wr(s, TOTL, rd(s, TOTL) + seglen);
        net_send(&s->nc, seg, seglen);
        off += chunk;
    }
}

static void e1000_tx_frame(E1000State *s)
{
    uint8_t *buf = s->tx_buf;
    size_t len = s->tx_len;

    if (s->tx_tse) {
        e1000_tx_tso(s);
        return;
    }
    if (s->tx_legacy_ic) {
        insert_csum(buf, len, s->tx_css, 0, s->tx_cso);
    } else {
        if (s->tx_popts & TXD_POPTS_IXSM) {
            insert_csum(buf, len, s->ctx.ipcss, s->ctx.ipcse, s->ctx.ipcso);
        }
        if (s->tx_popts & TXD_POPTS_TXSM) {
            insert_csum(buf, len, s->ctx.tucss, s->ctx.tucse, s->ctx.tucso);
        }
    }
    wr(s, TPT, rd(s, TPT) + 1);
    wr(s, GPTC, rd(s, GPTC) + 1);
    wr(s, TOTL, rd(s, TOTL) + len);
    net_send(&s->nc, buf, len);
}

static void e1000_tx_append(E1000State *s, uint64_t addr, uint32_t len)
{
    if (s->tx_bad) {
        return;
    }
    if (len > sizeof(s->tx_buf) - s->tx_len) {
        guest_error("e1000: tx frame longer than %zu bytes dropped\n",
                    sizeof(s->tx_buf));
        s->tx_bad = true;
        return;
    }
    if (dma_read(s->pci.bus->dma_as, addr, s->tx_buf + s->tx_len, len) !=
        MEMTX_OK) {
        guest_error("e1000: tx buffer 0x%" PRIx64 "+%u not in RAM\n",
                    addr, len);
        s->tx_bad = true;
        return;
    }
    s->tx_len += len;
}

/* Handle one descriptor; returns false when the ring must stop. */
static bool e1000_tx_desc(E1000State *s, uint64_t daddr)
{
    uint8_t d[16];
    uint64_t addr;
    uint32_t lower, upper;
    uint8_t cmd, dtyp;
    bool eop;
    uint32_t len;

    if (dma_read(s->pci.bus->dma_as, daddr, d, sizeof(d)) != MEMTX_OK) {
        guest_error("e1000: tx descriptor at 0x%" PRIx64 " not in RAM\n",
                    daddr);
        return false;
    }
    addr = ldn_le(d, 8);
    lower = ldn_le(d + 8, 4);
    upper = ldn_le(d + 12, 4);
    cmd = lower >> 24;
    dtyp = (lower >> 20) & 0xf;
    if (!(cmd & TXD_CMD_DEXT)) {
        /* Legacy: length 15:0, CSO 23:16, CSS in upper 23:16. */
        len = lower & 0xffff;
        if (s->tx_len == 0) {
            s->tx_tse = false;
            s->tx_legacy_ic = cmd & TXD_CMD_IC;
            s->tx_cso = (lower >> 16) & 0xff;
            s->tx_css = (upper >> 16) & 0xff;
        }
        e1000_tx_append(s, addr, len);
        eop = cmd & TXD_CMD_EOP;
    } else if (dtyp == TXD_DTYP_CTX) {
        s->ctx.ipcss = d[0];
        s->ctx.ipcso = d[1];
        s->ctx.ipcse = ldn_le(d + 2, 2);
        s->ctx.tucss = d[4];
        s->ctx.tucso = d[5];
        s->ctx.tucse = ldn_le(d + 6, 2);
        s->ctx.tucmd = cmd;
        s->ctx.hdr_len = d[13];
        s->ctx.mss = ldn_le(d + 14, 2);
        eop = false;
    } else if (dtyp == TXD_DTYP_DATA) {
        len = lower & 0xfffff;
        if (s->tx_len == 0) {
            s->tx_legacy_ic = false;
            s->tx_popts = (upper >> 8) & 0xff;
            s->tx_tse = cmd & TXD_CMD_TSE;
        }
        e1000_tx_append(s, addr, len);
        eop = cmd & TXD_CMD_EOP;
    } else {
        guest_error("e1000: tx descriptor type %u ignored\n", dtyp);
        eop = false;
    }
    if (eop) {
        if (!s->tx_bad && s->tx_len > 0) {
            e1000_tx_frame(s);
        }
        s->tx_len = 0;
        s->tx_bad = false;
    }
    if (cmd & (TXD_CMD_RS | TXD_CMD_RPS)) {
        uint8_t sta = (upper & 0xff) | TXD_STA_DD;

        if (dma_write(s->pci.bus->dma_as, daddr + 12, &sta, 1) !=
            MEMTX_OK) {
            guest_error("e1000: tx write-back to 0x%" PRIx64 " failed\n",
                        daddr);
        }
    }
    return true;
}

static void e1000_start_xmit(E1000State *s)
{
    uint32_t count = ring_count(s, TDLEN);
    uint64_t base = ring_base(s, TDBAL, TDBAH);
    uint32_t head = rd(s, TDH), tail = rd(s, TDT);
    bool sent = false;

    if (!(rd(s, TCTL) & TCTL_EN) || count == 0) {
        return;
    }
    if (head >= count || tail >= count) {
        guest_error("e1000: tx head %u / tail %u outside ring of %u\n",
                    head, tail, count);
        return;
    }
    /* At most one lap: the guest cannot keep us here. */
    for (uint32_t n = 0; head != tail && n < count; n++) {
        if (!e1000_tx_desc(s, base + (uint64_t)head * 16)) {
            break;
        }
        head = (head + 1) % count;
        sent = true;
    }
    wr(s, TDH, head);
    if (sent) {
        e1000_set_ics(s, ICR_TXDW | (head == tail ? ICR_TXQE : 0));
    }
}

/* ---- receive ---- */

static uint32_t rx_buf_size(E1000State *s)
{
    uint32_t rctl = rd(s, RCTL);
    uint32_t sz = 2048 >> ((rctl >> 16) & 3);

    if ((rctl & RCTL_BSEX) && ((rctl >> 16) & 3)) {
        sz *= 16;
    }
    return sz;
}

static uint32_t rx_free_descs(E1000State *s)
{
    uint32_t count = ring_count(s, RDLEN);
    uint32_t head = rd(s, RDH), tail = rd(s, RDT);

    if (count == 0 || head >= count || tail >= count) {
        return 0;
    }
    return (tail + count - head) % count;
}

static bool e1000_can_receive(NetClient *nc)
{
    E1000State *s = nc->opaque;

    return s->pci.bus && (rd(s, RCTL) & RCTL_EN) && rx_free_descs(s) > 0 &&
           (ldn_le(s->pci.config + PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
}

static bool e1000_filter(E1000State *s, const uint8_t *buf)
{
    uint32_t rctl = rd(s, RCTL);
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    if (!memcmp(buf, bcast, 6)) {
        return rctl & RCTL_BAM;
    }
    if (buf[0] & 1) {
        unsigned mo = (rctl >> RCTL_MO_SHIFT) & 3;
        /* 12-bit hash of the upper address bits (SDM section 13.5.1). */
        unsigned hash = ((buf[4] >> (4 - mo)) | (buf[5] << (4 + mo))) &
                        0xfff;

        if (mo == 3) {
            hash = (buf[4] | (buf[5] << 8)) & 0xfff;
        }
        return (rctl & RCTL_MPE) ||
               (rd(s, MTA + (hash >> 5) * 4) >> (hash & 31)) & 1;
    }
    if (rctl & RCTL_UPE) {
        return true;
    }
    for (int i = 0; i < 16; i++) {
        uint32_t lo = rd(s, RA + i * 8), hi = rd(s, RA + i * 8 + 4);
        uint8_t ra[6] = { lo, lo >> 8, lo >> 16, lo >> 24, hi, hi >> 8 };

        if ((hi & RAH_AV) && !memcmp(buf, ra, 6)) {
            return true;
        }
    }
    return false;
}

static ssize_t e1000_receive(NetClient *nc, const uint8_t *buf, size_t len)
{
    E1000State *s = nc->opaque;
    uint8_t *frame = s->rx_frame;
    uint32_t count = ring_count(s, RDLEN), bufsz = rx_buf_size(s);
    uint64_t base = ring_base(s, RDBAL, RDBAH);
    uint32_t head = rd(s, RDH);
    size_t total, done = 0;

    if (!s->pci.bus || !(rd(s, RCTL) & RCTL_EN)) {
        return -1;
    }
    if (len < 14 || len > E1000_MAX_FRAME) {
        return -1;
    }
    if (!e1000_filter(s, buf)) {
        return len;
    }
    memcpy(frame, buf, len);
    total = len;
    if (total < E1000_MIN_FRAME) {
        memset(frame + total, 0, E1000_MIN_FRAME - total);
        total = E1000_MIN_FRAME;
    }
    if (!(rd(s, RCTL) & RCTL_SECRC)) {
        uint32_t crc = crc32(0, frame, total);

        stn_le(frame + total, 4, crc);
        total += 4;
    }
    if (!e1000_can_receive(nc) ||
        rx_free_descs(s) < (total + bufsz - 1) / bufsz) {
        /* Out of descriptors: overrun, the backend retries later. */
        e1000_set_ics(s, ICR_RXO);
        return 0;
    }
    while (done < total) {
        uint64_t daddr = base + (uint64_t)head * 16;
        uint8_t d[16];
        size_t chunk = MIN(total - done, (size_t)bufsz);
        uint64_t baddr;

        if (dma_read(s->pci.bus->dma_as, daddr, d, sizeof(d)) != MEMTX_OK) {
            guest_error("e1000: rx descriptor at 0x%" PRIx64
                        " not in RAM\n", daddr);
            break;
        }
        baddr = ldn_le(d, 8);
        /* A zero buffer address means: skip, just mark done. */
        if (baddr && dma_write(s->pci.bus->dma_as, baddr, frame + done,
                               chunk) != MEMTX_OK) {
            guest_error("e1000: rx buffer 0x%" PRIx64 "+%zu not in RAM\n",
                        baddr, chunk);
        }
        done += chunk;
        stn_le(d + 8, 2, chunk);
        stn_le(d + 10, 2, 0);
        d[12] = RXD_STA_DD | RXD_STA_IXSM | (done == total ? RXD_STA_EOP
                                                           : 0);
        d[13] = 0;
        if (dma_write(s->pci.bus->dma_as, daddr + 8, d + 8, 8) !=
            MEMTX_OK) {
            guest_error("e1000: rx write-back to 0x%" PRIx64 " failed\n",
                        daddr);
        }
        head = (head + 1) % count;
    }
    wr(s, RDH, head);
    wr(s, TPR, rd(s, TPR) + 1);
    wr(s, GPRC, rd(s, GPRC) + 1);
    wr(s, TORL, rd(s, TORL) + total);
    if (done > 0) {
        e1000_set_ics(s, ICR_RXT0 |
                      (rx_free_descs(s) < count / 4 ? ICR_RXDMT0 : 0));
    }
    return len;
}

static void e1000_link_status_changed(NetClient *nc)
{
    E1000State *s = nc->opaque;

    if (nc->link_down) {
        wr(s, STATUS, rd(s, STATUS) & ~STATUS_LU);
        s->phy[PHY_STATUS] &= ~(PHY_STATUS_LINK | PHY_STATUS_ANC);
        s->phy[PHY_SPEC_STATUS] &= ~PHY_SPEC_LINK;
    } else {
        wr(s, STATUS, rd(s, STATUS) | STATUS_LU);
        s->phy[PHY_STATUS] |= PHY_STATUS_LINK | PHY_STATUS_ANC;
        s->phy[PHY_SPEC_STATUS] |= PHY_SPEC_LINK;
    }
    e1000_set_ics(s, ICR_LSC);
}

static const NetClientOps e1000_net_ops = {
    .receive = e1000_receive,
    .can_receive = e1000_can_receive,
    .link_status_changed = e1000_link_status_changed,
};

/* ---- registers ---- */

static void e1000_reset_regs(E1000State *s)
{
    memset(s->regs, 0, sizeof(s->regs));
    s->tx_len = 0;
    s->tx_bad = false;
    memset(&s->ctx, 0, sizeof(s->ctx));
    s->ee_reading = false;
    s->ee_bits_in = 0;
    wr(s, CTRL, 0x00140248);    /* full duplex, speed 1000, SLU */
    wr(s, STATUS, STATUS_FD | STATUS_SPEED_1000 | STATUS_ASDV_1000 |
       STATUS_GIO_MASTER | (s->nc.link_down ? 0 : STATUS_LU));
    wr(s, EECD, EECD_PRES);
    wr(s, MDIC, MDIC_READY);
    wr(s, 0x1000, 0x00100030);  /* PBA: 48K rx, 16K tx */
    /* Receive address 0 comes from the EEPROM. */
    wr(s, RA, s->macaddr[0] | (s->macaddr[1] << 8) |
       (s->macaddr[2] << 16) | ((uint32_t)s->macaddr[3] << 24));
    wr(s, RA + 4, s->macaddr[4] | (s->macaddr[5] << 8) | RAH_AV);
    e1000_phy_reset(s);
    e1000_update_irq(s);
}

static uint32_t e1000_reg_read(E1000State *s, uint32_t r)
{
    uint32_t v;

    switch (r) {
    case ICR:
        /* Reading ICR clears it (SDM section 13.4.17). */
        v = rd(s, ICR);
        wr(s, ICR, 0);
        e1000_update_irq(s);
        return v;
    case EECD:
        return e1000_eecd_read(s);
    case ICS:
    case IMC:
        return 0;
    default:
        break;
    }
    v = rd(s, r);
    if (r >= STATS_START && r < STATS_END) {
        /* Statistics clear on read. */
        wr(s, r, 0);
    }
    return v;
}

static void e1000_reg_write(E1000State *s, uint32_t r, uint32_t v)
{
    switch (r) {
    case CTRL:
        if (v & CTRL_RST) {
            e1000_reset_regs(s);
            return;
        }
        if (v & CTRL_PHY_RST) {
            e1000_phy_reset(s);
        }
        wr(s, CTRL, v & ~(CTRL_RST | CTRL_PHY_RST));
        return;
    case STATUS:
        return;
    case EECD:
        e1000_eecd_write(s, v);
        return;
    case EERD:
        e1000_eerd_write(s, v);
        return;
    case MDIC:
        e1000_mdic_write(s, v);
        return;
    case ICR:
        /* Writing 1s clears those causes. */
        wr(s, ICR, rd(s, ICR) & ~v);
        e1000_update_irq(s);
        return;
    case ICS:
        e1000_set_ics(s, v);
        return;
    case IMS:
        wr(s, IMS, rd(s, IMS) | v);
        e1000_update_irq(s);
        return;
    case IMC:
        wr(s, IMS, rd(s, IMS) & ~v);
        e1000_update_irq(s);
        return;
    case RCTL:
        wr(s, RCTL, v);
        if (e1000_can_receive(&s->nc)) {
            net_client_flush_queue(&s->nc);
        }
        return;
    case RDH:
    case RDT:
    case TDH:
        wr(s, r, v & 0xffff);
        if (r == RDT && e1000_can_receive(&s->nc)) {
            net_client_flush_queue(&s->nc);
        }
        return;
    case RDLEN:
    case TDLEN:
        wr(s, r, v & 0xfff80);
        return;
    case TDT:
        wr(s, TDT, v & 0xffff);
        e1000_start_xmit(s);
        return;
    case TCTL:
        wr(s, TCTL, v);
        e1000_start_xmit(s);
        return;
    default:
        if (r >= STATS_START && r < STATS_END) {
            return;
        }
        wr(s, r, v);
        return;
    }
}

static uint64_t e1000_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    E1000State *s = opaque;

    (void)size;
    if (addr >= E1000_MMIO_SIZE) {
        return 0;
    }
    return e1000_reg_read(s, addr & ~3u);
}

static void e1000_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    E1000State *s = opaque;

    (void)size;
    if (addr >= E1000_MMIO_SIZE) {
        return;
    }
    e1000_reg_write(s, addr & ~3u, val);
}

static const MemoryRegionOps e1000_mmio_ops = {
    .read = e1000_mmio_read,
    .write = e1000_mmio_write,
    .valid_min = 4, .valid_max = 4,
};

/* BAR1: IOADDR at 0 selects a register, IODATA at 4 accesses it. */
static uint64_t e1000_io_read(void *opaque, hwaddr addr, unsigned size)
{
    E1000State *s = opaque;

    (void)size;
    if (addr == 0) {
        return s->ioaddr;
    }
    if (addr == 4 && s->ioaddr < E1000_MMIO_SIZE) {
        return e1000_reg_read(s, s->ioaddr & ~3u);
    }
    return 0;
}

static void e1000_io_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    E1000State *s = opaque;

    (void)size;
    if (addr == 0) {
        s->ioaddr = val & 0x1fffc;
    } else if (addr == 4 && s->ioaddr < E1000_MMIO_SIZE) {
        e1000_reg_write(s, s->ioaddr & ~3u, val);
    }
}

static const MemoryRegionOps e1000_io_ops = {
    .read = e1000_io_read,
    .write = e1000_io_write,
    .valid_min = 4, .valid_max = 4,
};

/* ---- device ---- */

static int e1000_realize(DeviceState *dev)
{
    E1000State *s = (E1000State *)dev;
    int devfn = -1;

    if (s->addr && pci_parse_devfn(s->addr, &devfn) < 0) {
        error_report("e1000: invalid PCI address '%s'", s->addr);
        return -1;
    }
    if (s->mac_str) {
        if (net_parse_macaddr(s->macaddr, s->mac_str) < 0) {
            error_report("e1000: invalid mac '%s'", s->mac_str);
            return -1;
        }
    } else {
        net_default_macaddr(s->macaddr);
    }
    if (pci_device_register(&s->pci, NULL, "e1000", devfn,
                            false) < 0) {
        return -1;
    }
    pci_config_set_ids(&s->pci, PCI_VENDOR_ID_INTEL, E1000_DEVICE_ID,
                       PCI_VENDOR_ID_INTEL, 0, 3,
                       PCI_CLASS_NETWORK_ETHERNET << 8);
    pci_config_set_interrupt_pin(&s->pci, 1);
    s->pci.config[PCI_MIN_GNT] = 0xff;
    memory_region_init_io(&s->mmio, "e1000-mmio", &e1000_mmio_ops, s,
                          E1000_MMIO_SIZE);
    memory_region_init_io(&s->io, "e1000-io", &e1000_io_ops, s,
                          E1000_IO_SIZE);
    pci_register_bar(&s->pci, 0, 0, &s->mmio);
    pci_register_bar(&s->pci, 1, PCI_BASE_ADDRESS_SPACE_IO, &s->io);

    net_client_init(&s->nc, &e1000_net_ops, "e1000", dev->id, s);
    if (s->netdev) {
        NetClient *peer = netdev_find(s->netdev);

        if (!peer) {
            error_report("e1000: netdev '%s' not found", s->netdev);
            return -1;
        }
        net_client_connect(&s->nc, peer);
    }
    e1000_eeprom_init(s);
    e1000_reset_regs(s);
    return 0;
}

static void e1000_reset(DeviceState *dev)
{
    e1000_reset_regs((E1000State *)dev);
}

static const Property e1000_props[] = {
    { .name = "netdev", .type = PROP_STRING,
      .offset = offsetof(E1000State, netdev) },
    { .name = "mac", .type = PROP_STRING,
      .offset = offsetof(E1000State, mac_str) },
    { .name = "addr", .type = PROP_STRING,
      .offset = offsetof(E1000State, addr) },
    { .name = NULL },
};

static DeviceType e1000_type = {
    .name = "e1000",
    .desc = "Intel Gigabit Ethernet (82540EM)",
    .instance_size = sizeof(E1000State),
    .props = e1000_props,
    .realize = e1000_realize,
    .reset = e1000_reset,
    .user_creatable = true,
};

DEVICE_TYPE_REGISTER(e1000_type)
