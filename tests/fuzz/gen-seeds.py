#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerate the in-tree seed corpora of tests/fuzz (needs qemu-img and
qemu-io for the qcow2 seeds)."""

import gzip
import os
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def vq_seed(qlog, feats, chains, indirect=None):
    """Header + RAM: desc at 0x0, avail at 0x1000, used at 0x2000,
    buffers from 0x4000; chains is a list of [(len, write), ...]."""
    num = 1 << qlog
    ram = bytearray(0x5000)
    hdr = bytes([qlog, feats]) + struct.pack("<HHH", 0x0000, 0x1000, 0x2000)
    d = 0
    buf = 0x4000
    heads = []
    for chain in chains:
        heads.append(d)
        for k, (ln, wr) in enumerate(chain):
            flags = (2 if wr else 0) | (1 if k + 1 < len(chain) else 0)
            struct.pack_into("<QIHH", ram, d * 16, 0x80000000 + buf, ln,
                             flags, d + 1)
            buf += ln
            d += 1
    if indirect:
        heads.append(d)
        table = 0x3000
        struct.pack_into("<QIHH", ram, d * 16, 0x80000000 + table,
                         16 * len(indirect), 4, 0)
        for k, (ln, wr) in enumerate(indirect):
            flags = (2 if wr else 0) | (1 if k + 1 < len(indirect) else 0)
            struct.pack_into("<QIHH", ram, table + k * 16,
                             0x80000000 + buf, ln, flags, k + 1)
            buf += ln
    struct.pack_into("<HH", ram, 0x1000, 0, len(heads))
    for i, h in enumerate(heads):
        struct.pack_into("<H", ram, 0x1004 + 2 * (i % num), h)
    return hdr + bytes(ram)


def write(dirname, name, data):
    d = os.path.join(HERE, "corpus", dirname)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def virtqueue():
    blk = [(16, False), (512, True), (1, True)]
    write("virtqueue", "blk-read", vq_seed(3, 0, [blk]))
    write("virtqueue", "blk-two-event-idx", vq_seed(4, 1, [blk, blk]))
    write("virtqueue", "indirect", vq_seed(3, 3, [], indirect=blk))
    write("virtqueue", "mixed", vq_seed(8, 3, [blk, [(64, False)]],
                                        indirect=[(8, False), (8, True)]))
    write("virtqueue", "loop", vq_seed(1, 0, [[(4, False), (4, False),
                                               (4, False)]]))


def qcow2():
    with tempfile.TemporaryDirectory() as t:
        def img(name, size, opts, io=None):
            p = os.path.join(t, name)
            subprocess.run(["qemu-img", "create", "-q", "-u", "-f", "qcow2",
                            "-o",
                            opts, p, size], check=True)
            for cmd in io or []:
                subprocess.run(["qemu-io", "-f", "qcow2", "-c", cmd, p],
                               check=True, stdout=subprocess.DEVNULL)
            with open(p, "rb") as f:
                write("qcow2", name, f.read())

        img("empty-v3", "64K", "cluster_size=512")
        img("empty-v2", "64K", "cluster_size=512,compat=0.10")
        img("data", "64K", "cluster_size=512",
            ["write -P 0x5a 0 4k", "write -z 8k 1k", "discard 1k 512"])
        img("backing", "64K", "cluster_size=512,backing_file=base.img,"
            "backing_fmt=raw")
        img("big-cluster", "1M", "cluster_size=4096",
            ["write -P 1 0 8k"])
        # A compressed cluster, via qemu-img convert -c.
        raw = os.path.join(t, "raw")
        with open(raw, "wb") as f:
            f.write(b"MACHINA" * 1000 + bytes(65536 - 7000))
        p = os.path.join(t, "compressed")
        subprocess.run(["qemu-img", "convert", "-q", "-c", "-O", "qcow2",
                        "-o", "cluster_size=4096", "-f", "raw", raw, p],
                       check=True)
        with open(p, "rb") as f:
            write("qcow2", "compressed", f.read())


# ---- device targets: op streams (fuzz-dev.h) ----

def op(region, off, size=4, val=None):
    """One op: read (val None) or write of size bytes at off of region."""
    log = {1: 0, 2: 1, 4: 2, 8: 3}[size]
    b = bytes([log | (4 if val is not None else 0) | (region << 3)])
    b += struct.pack("<I", off)[:3]
    if val is not None:
        b += struct.pack("<Q", val)[:size]
    return b


def event(nregions, arg, val, size=4):
    return op(nregions, arg, size, val)


def dev_seed(ops, ram=b""):
    body = b"".join(ops)
    return struct.pack("<H", len(body)) + body + ram


def scan(region, size, step=4):
    return [op(region, off) for off in range(0, size, step)]


def ring_ram(chain, qlog=3):
    """Desc table at 0x3000 (0 means "not set"), avail at 0x1000, used at
    0x2000 (guest RAM at 0), buffers from 0x4000; chain is
    [(len, write, contents), ...]."""
    ram = bytearray(0x5000)
    buf = 0x4000
    for k, (ln, wr, data) in enumerate(chain):
        flags = (2 if wr else 0) | (1 if k + 1 < len(chain) else 0)
        struct.pack_into("<QIHH", ram, 0x3000 + k * 16, buf, ln, flags,
                         k + 1)
        ram[buf:buf + len(data)] = data
        buf += ln
    struct.pack_into("<HHH", ram, 0x1000, 0, 1, 0)
    return bytes(ram)


def vmmio_bringup(slot, notify=True, queue=0):
    """virtio-mmio v2 driver init (virtio 1.2 section 4.2.3) + one kick."""
    o = [op(slot, 0x000), op(slot, 0x004), op(slot, 0x008),
         op(slot, 0x070, 4, 0), op(slot, 0x070, 4, 1), op(slot, 0x070, 4, 3),
         op(slot, 0x014, 4, 1), op(slot, 0x010),
         op(slot, 0x024, 4, 1), op(slot, 0x020, 4, 1),
         op(slot, 0x070, 4, 0xb), op(slot, 0x070),
         op(slot, 0x030, 4, queue), op(slot, 0x034),
         op(slot, 0x038, 4, 8),
         op(slot, 0x080, 4, 0x3000), op(slot, 0x084, 4, 0),
         op(slot, 0x090, 4, 0x1000), op(slot, 0x094, 4, 0),
         op(slot, 0x0a0, 4, 0x2000), op(slot, 0x0a4, 4, 0),
         op(slot, 0x044, 4, 1), op(slot, 0x070, 4, 0xf)]
    if notify:
        o += [op(slot, 0x050, 4, queue), op(slot, 0x060),
              op(slot, 0x064, 4, 1)]
    return o + [op(slot, 0x100), op(slot, 0x0fc)]


def virtio_mmio():
    blk_read = ring_ram([(16, False, struct.pack("<IIQ", 0, 0, 0)),
                         (512, True, b""), (1, True, b"")])
    blk_write = ring_ram([(16, False, struct.pack("<IIQ", 1, 0, 2)),
                          (512, False, b"\x5a" * 512), (1, True, b"")])
    blk_id = ring_ram([(16, False, struct.pack("<IIQ", 8, 0, 0)),
                       (20, True, b""), (1, True, b"")])
    write("virtio-mmio", "blk-read", dev_seed(vmmio_bringup(0), blk_read))
    write("virtio-mmio", "blk-write", dev_seed(vmmio_bringup(0), blk_write))
    write("virtio-mmio", "blk-get-id", dev_seed(vmmio_bringup(0), blk_id))
    tx = ring_ram([(12, False, bytes(12)), (60, False, b"\xff" * 60)])
    write("virtio-mmio", "net-tx", dev_seed(vmmio_bringup(1, queue=1), tx))
    rx = ring_ram([(1526, True, b"")])
    write("virtio-mmio", "net-rx",
          dev_seed(vmmio_bringup(1) + [event(5, 0x4000 << 1 | 1, 60)],
                   rx[:0x4000] + b"\xff" * 60))
    con = ring_ram([(5, False, b"hello")])
    write("virtio-mmio", "console-tx",
          dev_seed(vmmio_bringup(2, queue=1), con))
    write("virtio-mmio", "console-rx",
          dev_seed(vmmio_bringup(2) + [event(5, 0x4000 << 1, 8)],
                   ring_ram([(64, True, b"")])))
    write("virtio-mmio", "rng", dev_seed(vmmio_bringup(3),
                                         ring_ram([(64, True, b"")])))
    # virtio-gpu: GET_DISPLAY_INFO (0x100), then RESOURCE_CREATE_2D.
    hdr = struct.pack("<IIQII", 0x100, 0, 0, 0, 0)
    write("virtio-mmio", "gpu-display-info",
          dev_seed(vmmio_bringup(4),
                   ring_ram([(24, False, hdr), (408, True, b"")])))
    create = struct.pack("<IIQII", 0x101, 0, 0, 0, 0) + \
        struct.pack("<IIII", 1, 1, 64, 64)
    write("virtio-mmio", "gpu-create",
          dev_seed(vmmio_bringup(4),
                   ring_ram([(40, False, create), (24, True, b"")])))


def pci():
    # Regions: 0 ECAM, 1 I/O window, 2.. every BAR in devfn order.
    o = []
    for slot in range(8):
        o += [op(0, slot << 15), op(0, (slot << 15) + 8),
              op(0, (slot << 15) + 0x34, 1)]
    write("pci", "ecam-scan", dev_seed(o))
    bars = [op(0, (1 << 15) + 0x10, 4, 0xffffffff), op(0, (1 << 15) + 0x10),
            op(0, (1 << 15) + 0x10, 4, 0x40000000),
            op(0, (1 << 15) + 4, 2, 7), op(0, (1 << 15) + 4, 2, 0)]
    write("pci", "bar-move", dev_seed(bars))
    for r in range(2, 12):
        write("pci", "bar-%d" % r, dev_seed(scan(r, 0x40)))
    # e1000 (devfn 8, first BARs): a TX descriptor ring in RAM.
    ram = bytearray(0x3000)
    struct.pack_into("<QHBBBBH", ram, 0x1000, 0x2000, 60, 0, 0x0b, 0, 0, 0)
    ram[0x2000:0x203c] = b"\xff" * 60
    e = [op(2, 0x3800, 4, 0x1000), op(2, 0x3804, 4, 0),
         op(2, 0x3808, 4, 0x100), op(2, 0x3810, 4, 0),
         op(2, 0x0400, 4, 0x2), op(2, 0x3818, 4, 1), op(2, 0x0008),
         op(2, 0x00c0)]
    write("pci", "e1000-tx", dev_seed(e, bytes(ram)))
    vga_seeds()


def vga_seeds():
    # fuzz-pci regions: 14 VGA vram (BAR 0), 15 its MMIO BAR, 16 ports
    # 0x3b0-0x3df, 17 VBE ports 0x1ce-0x1d0, 18 the 0xa0000 window; 19
    # is the event (bit 23: display update, bit 22: invalidate first).
    vram, mmio, ports, vbe, low, ev = 14, 15, 16, 17, 18, 19
    show = op(ev, 0xc00000, 1, 0)

    def reg(index_port, index, val):
        return [op(ports, index_port - 0x3b0, 1, index),
                op(ports, index_port - 0x3b0 + 1, 1, val)]

    def attr(index, val):
        return [op(ports, 0x3da - 0x3b0, 1), op(ports, 0x10, 1, index),
                op(ports, 0x10, 1, val)]
    # 80x25 text: misc output, sequencer, graphics, CRTC, attributes
    # (palette address source on), then characters at 0xb8000 and a
    # glyph in plane 2.
    t = [op(ports, 0x12, 1, 0x67)]
    for i, v in ((1, 0x00), (2, 0x03), (3, 0x00), (4, 0x02)):
        t += reg(0x3c4, i, v)
    for i, v in ((5, 0x10), (6, 0x0e)):
        t += reg(0x3ce, i, v)
    for i, v in ((1, 79), (7, 0x1f), (9, 0x4f), (0x0a, 0x0d), (0x0b, 0x0e),
                 (0x12, 0x8f), (0x13, 40), (0x0e, 0), (0x0f, 5)):
        t += reg(0x3d4, i, v)
    for i in range(16):
        t += attr(i, i)
    t += attr(0x10, 0x0c) + attr(0x20, 0)
    t += [op(ports, 0x3c8 - 0x3b0, 1, 0)]
    t += [op(ports, 0x3c9 - 0x3b0, 1, (i * 11) & 63) for i in range(48)]
    # glyph rows of 'A'..'P' in plane 2 (vram byte 4 * offset + plane)
    t += [op(vram, 4 * (c * 32 + r) + 2, 1, 0x81 | (r << 2))
          for c in range(0x41, 0x51) for r in range(0, 16, 3)]
    t += [op(low, 0x18000 + 2 * i, 2, 0x1f41 + i) for i in range(16)]
    t += [show]
    write("pci", "vga-text", dev_seed(t))
    # Mode 13h-like 256 colours through chain-4, and the DAC.
    m = [op(ports, 0x12, 1, 0x63)]
    for i, v in ((1, 0x01), (2, 0x0f), (4, 0x0e)):
        m += reg(0x3c4, i, v)
    for i, v in ((5, 0x40), (6, 0x05)):
        m += reg(0x3ce, i, v)
    for i, v in ((1, 79), (9, 0x41), (0x12, 0x8f), (0x13, 40), (0x17, 0xa3)):
        m += reg(0x3d4, i, v)
    m += attr(0x10, 0x41) + attr(0x20, 0)
    m += [op(ports, 0x3c8 - 0x3b0, 1, 0)]
    m += [op(ports, 0x3c9 - 0x3b0, 1, (i * 7) & 63) for i in range(48)]
    m += [op(low, i * 4, 4, 0x04030201 * (i + 1) & 0xffffffff)
          for i in range(32)]
    m += [show]
    write("pci", "vga-256", dev_seed(m))
    # VBE 640x480x32 through the MMIO BAR, pixels through BAR 0; then a
    # 320x200x8 mode through the VBE ports with an offset.
    v = [op(mmio, 0x500 + 2 * i, 2, val) for i, val in
         ((4, 0), (1, 640), (2, 480), (3, 32), (4, 0x41))]
    v += [op(mmio, 0x41a, 1), op(mmio, 0x400, 1, 0x20)]   # unblank
    v += [op(vram, 4 * i, 4, 0x00ff8040 + i) for i in range(32)]
    v += [show]
    v += [op(vbe, 0, 2, 4), op(vbe, 1, 2, 0)]
    for i, val in ((1, 320), (2, 200), (3, 8), (6, 400), (8, 3), (9, 2),
                   (4, 0x01)):
        v += [op(vbe, 0, 2, i), op(vbe, 1, 2, val)]
    v += [op(ev, 0x800000, 1, 0)]
    write("pci", "vga-vbe", dev_seed(v))


def uart():
    # 16550: LCR DLAB, divisor, 8N1, FIFO, IER, THR, LSR; PL011 likewise.
    u = [op(0, 3, 1, 0x80), op(0, 0, 1, 1), op(0, 1, 1, 0),
         op(0, 3, 1, 3), op(0, 2, 1, 0xc7), op(0, 1, 1, 0xf),
         op(0, 0, 1, 0x41), op(0, 5, 1), op(0, 2, 1), op(0, 6, 1),
         event(3, 0x40, 5, 1), op(0, 0, 1), op(0, 5, 1)]
    write("uart", "16550", dev_seed(u, b"\0" * 0x10 + b"input"))
    u2 = [op(1, 3 << 2, 1, 3), op(1, 1 << 2, 1, 0xf), op(1, 0, 1, 0x41),
          event(3, (0x10 << 2) | 1, 5, 1), op(1, 5 << 2, 1)]
    write("uart", "16550-shift2", dev_seed(u2, b"\0" * 0x10 + b"input"))
    p = [op(2, 0x30, 4, 0x301), op(2, 0x2c, 4, 0x70), op(2, 0x38, 4, 0x7ff),
         op(2, 0x00, 4, 0x41), op(2, 0x18), event(3, 0x42, 5, 1),
         op(2, 0x00), op(2, 0x3c), op(2, 0x40), op(2, 0xfe0)]
    write("uart", "pl011", dev_seed(p, b"\0" * 0x10 + b"input"))


def intc():
    # Regions: 0 GICD, 1 GICC, 2 v2m, 3 GICv3 D, 4/5 GICR, 6 PLIC, 7 ACLINT.
    g2 = [op(0, 0x000, 4, 1), op(0, 0x004), op(0, 0x100 + 4, 4, 0xffffffff),
          op(0, 0x820, 4, 0x01010101), op(1, 0x000, 4, 1),
          op(1, 0x004, 4, 0xff), event(8, 0, 1), op(1, 0x00c),
          op(1, 0x010, 4, 32), op(0, 0xf00, 4, 0x10001), event(8, 2, 1),
          op(1, 0x00c), op(2, 0x040, 4, 50), op(2, 0x008)]
    write("intc", "gicv2", dev_seed(g2))
    g3 = [op(3, 0x000, 4, 0x12), op(3, 0x004), op(3, 0x0080 + 4, 4, ~0 &
                                                   0xffffffff),
          op(3, 0x0100 + 4, 4, 0xffffffff), op(3, 0x6100, 8, 0),
          op(4, 0x0014, 4, 0), op(4, 0x0008), op(4, 0x10080, 4, ~0 &
                                                     0xffffffff),
          op(4, 0x10100, 4, 0xffffffff), event(8, 3, 1),
          event(8, 5 | (0x100 << 8), 0xff, 8),
          event(8, 5 | ((7 << 1 | 7 << 4) << 8), 1, 8),
          event(8, 5 | ((4 << 1 | 0 << 4) << 8), 0, 8),
          event(8, 5 | ((4 << 1 | 1 << 4 | 0x80) << 8), 32, 8),
          op(5, 0x0014)]
    write("intc", "gicv3", dev_seed(g3))
    pl = [op(6, 4, 4, 7), op(6, 0x2000, 4, 2), op(6, 0x200000, 4, 0),
          event(8, 7 | (1 << 8), 1), op(6, 0x1000), op(6, 0x200004),
          op(6, 0x200004, 4, 1)]
    write("intc", "plic", dev_seed(pl))
    ac = [op(7, 0x0, 4, 1), op(7, 0x4000, 8, 100), op(7, 0xbff8, 8),
          op(7, 0x0, 4, 0), op(7, 0x4008, 8, 0)]
    write("intc", "aclint", dev_seed(ac))


def platform():
    # Regions: 0 PL031, 1 PL061, 2 flash, 3 goldfish RTC, 4 SiFive test.
    write("platform", "pl031", dev_seed(
        [op(0, 0), op(0, 4, 4, 100), op(0, 0x10, 4, 1), op(0, 0xc),
         op(0, 0x8, 4, 5), op(0, 0x1c, 4, 1), op(0, 0xfe0)]))
    write("platform", "pl061", dev_seed(
        [op(1, 0x400, 1, 0xff), op(1, 0x3fc, 1, 0xaa), op(1, 0x410, 1, 0xff),
         op(1, 0x41c, 1, 0xff), op(1, 0x418), op(1, 0xfe0, 1)]))
    write("platform", "flash", dev_seed(
        [op(2, 0, 4, 0x00980098), op(2, 0x40), op(2, 0, 4, 0x00ff00ff),
         op(2, 0, 4, 0x00900090), op(2, 0), op(2, 0, 4, 0x00400040),
         op(2, 0, 4, 0x12345678), op(2, 0, 4, 0x00700070), op(2, 0),
         op(2, 0, 4, 0x00e800e8), op(2, 0, 4, 0x00030003),
         op(2, 0, 4, 1), op(2, 4, 4, 2), op(2, 8, 4, 3), op(2, 12, 4, 4),
         op(2, 0, 4, 0x00d000d0), op(2, 0, 4, 0x00200020),
         op(2, 0, 4, 0x00d000d0), op(2, 0, 4, 0x00ff00ff), op(2, 0)]))
    write("platform", "goldfish", dev_seed(
        [op(3, 0), op(3, 4), op(3, 0x8, 4, 0), op(3, 0xc, 4, 0),
         op(3, 0x10), op(3, 0x1c, 4, 1)]))
    write("platform", "test", dev_seed([op(4, 0, 4, 0x1234)]))


def fw_cfg():
    # Region 0: data at 0, selector at 8 (BE16), DMA address at 16 (BE64).
    sig = [op(0, 8, 2, 0x0000), op(0, 0, 8), op(0, 8, 2, 0x0100),
           op(0, 0, 4)]
    write("fw-cfg", "signature", dev_seed(sig))
    d = [op(0, 8, 2, 0x1900), op(0, 0, 4), op(0, 0, 8)]
    write("fw-cfg", "file-dir", dev_seed(d))
    # DMA: descriptor at 0x100 (BE control, length, address).
    ram = bytearray(0x1000)
    struct.pack_into(">IIQ", ram, 0x100, (0x11 << 16) | 0x0a, 64, 0x200)
    struct.pack_into(">IIQ", ram, 0x180, (0x20 << 16) | 0x18, 4, 0x300)
    dma = [op(0, 16, 4, 0), op(0, 20, 4, 0x00010000),
           op(0, 16, 8, 0x8001000000000000)]
    write("fw-cfg", "dma-read", dev_seed(dma, bytes(ram)))


def elf(machine, phdrs):
    """64-bit LE ELF: phdrs is [(type, vaddr, paddr, data, memsz)]."""
    eh_size, ph_size = 64, 56
    off = eh_size + ph_size * len(phdrs)
    body = b""
    ph = b""
    for (ptype, vaddr, paddr, data, memsz) in phdrs:
        ph += struct.pack("<IIQQQQQQ", ptype, 7, off + len(body), vaddr,
                          paddr, len(data), memsz, 0x1000)
        body += data
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    eh += struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, phdrs[0][1]
                      if phdrs else 0, eh_size, 0, 0, eh_size, ph_size,
                      len(phdrs), 64, 0, 0)
    return eh + ph + body


def loader():
    ram = 0x80000000
    k = elf(243, [(1, ram, ram, b"\x13\x00\x00\x00" * 16, 0x2000)])
    write("loader", "elf-riscv", bytes([1 << 0]) + bytes(4) + k)
    write("loader", "elf-arm64", bytes([2]) + bytes(4) +
          elf(183, [(1, ram, ram, b"\x1f\x20\x03\xd5" * 4, 16),
                    (1, 0x1000, 0x1000, b"rom", 3)]))
    write("loader", "elf-file", bytes([31 << 2 | 1]) + bytes(4) + k)
    write("loader", "elf-out-of-ram", bytes([0]) + bytes(4) +
          elf(243, [(1, ram, ram + 0xff000, b"x" * 0x2000, 0x2000)]))
    write("loader", "raw-image",
          bytes([30 << 2, 0x80, 0, 0, 0]) + b"raw" * 50)
    write("loader", "raw-gzip", bytes([30 << 2, 0x80, 0, 0x10, 0]) +
          gzip.compress(b"MACHINA" * 300))


def boot():
    def image(text_offset, image_size, body=b""):
        hdr = struct.pack("<IIQQQQQQI", 0x14000010, 0, text_offset,
                          image_size, 0xa, 0, 0, 0, 0x644d5241)
        return hdr + bytes(4) + body

    def seed(kernel, initrd=b""):
        return struct.pack("<H", len(kernel)) + kernel + initrd

    write("boot", "image", seed(image(0x80000, 0x100000, b"k" * 64),
                                b"initrd" * 10))
    write("boot", "image-old", seed(image(0, 0, b"k" * 64)))
    write("boot", "image-gzip", seed(gzip.compress(image(0, 0x1000)),
                                     b"\x1f\x8b" + b"rd" * 20))
    write("boot", "image-huge-bss", seed(image(0x200000, 0x1000000000)))
    write("boot", "raw", seed(b"\x00" * 200, b"rd"))
    ram = 0x40000000
    write("boot", "elf", seed(elf(183, [(1, ram, ram, b"\x1f\x20\x03\xd5" * 4,
                                         0x300000)]), b"initrd"))


def text_seeds(target, seeds):
    for name, text in seeds.items():
        write(target, name, text.encode())


def options():
    text_seeds("options", {
        "sizes": "512\x001G\x001.5G\x0064k\x00128MiB\x000x10\x00077",
        "bools": "on\x00off\x00yes\x00no\x00true\x00false",
        "drive": "file=disk.img,format=qcow2,if=none,id=d0,cache=none",
        "escaped": "path=a,,b,readonly,snapshot=off,,x,",
        "netdev": "user,id=n0,hostfwd=tcp::2222-:22,,x=1",
    })


def qmp():
    text_seeds("qmp", {
        "session": '{"execute":"qmp_capabilities"}\n'
                   '{"execute":"query-status","id":1}\n'
                   '{"execute":"query-version"}\n'
                   '{"execute":"query-cpus-fast"}\n'
                   '{"execute":"query-commands","id":"x"}\n',
        "hmp": '{"execute":"qmp_capabilities"}'
               '{"execute":"human-monitor-command",'
               '"arguments":{"command-line":"info registers"}}',
        "errors": '{"execute":"stop"}\n[1,2]\n"str"\n{"execute":1}\n'
                  '{"execute":"cont","arguments":{"x":1}}\nbare\n',
        "screendump": '{"execute":"qmp_capabilities"}{"execute":"screendump",'
                      '"arguments":{"filename":"x.png","format":"png"}}',
    })


def hmp():
    text_seeds("hmp", {
        "info": "info status\ninfo registers\ninfo mtree\ninfo qtree\n"
                "info cpus\ninfo version\ninfo pci\ninfo network\nhelp",
        "memory": "x /4xw 0\nxp /16xb 0x100\nx /2i $pc\nxp /2xg $sp+8\n"
                  "x /3dh 0x10000",
        "control": "stop\ncpu 0\ncont\nsystem_reset\nsendkey ctrl-alt-f1\n"
                   "cpu 7",
    })


def gdb_pkt(body):
    return "$%s#%02x" % (body, sum(body.encode()) % 256)


def gdbstub():
    session = ["qSupported:multiprocess+;swbreak+", "?", "Hg0", "g",
               "p20", "P1=0100000000000000", "m0,10", "M0,4:01020304",
               "X10,2:ab", "Z0,100,4", "z0,100,4", "Z2,0,8", "z2,0,8",
               "qXfer:features:read:target.xml:0,ffb", "qfThreadInfo",
               "qsThreadInfo", "qC", "T1", "Hc2", "vCont?", "qAttached",
               "qRcmd,696e666f20726567", "QStartNoAckMode", "m0,4"]
    write("gdbstub", "session",
          ("+" + "".join(gdb_pkt(p) for p in session)).encode())
    write("gdbstub", "rle-escape",
          (gdb_pkt("M0,4:0*#") + gdb_pkt("X0,3:}]}]}]") + "$m0,4#00" +
           "-" + gdb_pkt("vCont;s:1") + "\x03" + gdb_pkt("D")).encode())


if __name__ == "__main__":
    virtqueue()
    qcow2()
    virtio_mmio()
    pci()
    uart()
    intc()
    platform()
    fw_cfg()
    loader()
    boot()
    options()
    qmp()
    hmp()
    gdbstub()
