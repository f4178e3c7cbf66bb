#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerate the in-tree seed corpora of tests/fuzz (needs qemu-img and
qemu-io for the qcow2 seeds)."""

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


if __name__ == "__main__":
    virtqueue()
    qcow2()
