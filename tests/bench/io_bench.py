#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""I/O benchmark inside a busybox initramfs: sequential virtio-blk read and
write (256 MiB, O_DIRECT, timed in the guest with /proc/uptime) and guest
to host TCP over slirp (guest nc to a host listener at 10.0.2.2).

usage: io_bench.py EMULATOR [BLK_MiB [TCP_MiB]]  (defaults 256, 32)
prints: "blk_read MB/s", "blk_write MB/s", "tcp_tx MB/s" lines
(a value of "fail" when a workload did not finish)."""

import os
import re
import socket
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "functional"))

import machina             # noqa: E402
from linuxboot import RISCV64, build_initramfs  # noqa: E402

KERNEL = RISCV64.kernel
WANTED = ["virtio_mmio", "virtio_blk", "e1000"]

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do
    insmod /lib/modules/$m.ko 2>/dev/null || echo "== insmod $m failed"
done
mib=$(sed -n 's/.*bmib=\([0-9]*\).*/\1/p' /proc/cmdline)
tmib=$(sed -n 's/.*tmib=\([0-9]*\).*/\1/p' /proc/cmdline)
port=$(sed -n 's/.*bport=\([0-9]*\).*/\1/p' /proc/cmdline)
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
up() { cut -d' ' -f1 /proc/uptime; }
t0=$(up)
dd if=/dev/vda of=/dev/null bs=1M count=$mib iflag=direct 2>/dev/null &&
    echo "== blk_read $t0 $(up)"
t0=$(up)
dd if=/dev/zero of=/dev/vda bs=1M count=$mib oflag=direct 2>/dev/null &&
    echo "== blk_write $t0 $(up)"
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 &&
    ip route add default via 10.0.2.2
t0=$(up)
dd if=/dev/zero bs=64k count=$((tmib * 16)) 2>/dev/null |
    nc 10.0.2.2 $port >/dev/null && echo "== tcp_tx $t0 $(up)"
echo "== done"
poweroff -f
"""


def initramfs(path):
    return build_initramfs(path, RISCV64, WANTED, INIT)


def sink(srv, want, result):
    """Accept one connection, read `want` bytes, close (nc then exits)."""
    conn, _ = srv.accept()
    got = 0
    t0 = None
    while got < want:
        data = conn.recv(1 << 20)
        if not data:
            break
        if t0 is None:
            t0 = time.monotonic()
        got += len(data)
    result["host"] = (got, time.monotonic() - (t0 or time.monotonic()))
    conn.close()


def main():
    emu = sys.argv[1]
    mib = int(sys.argv[2]) if len(sys.argv) > 2 else 256
    tmib = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    for p in (KERNEL, RISCV64.busybox):
        if not os.path.exists(p):
            sys.exit("io_bench: %s missing (scripts/fetch-images.sh)" % p)
    with tempfile.TemporaryDirectory() as t:
        rd = os.path.join(t, "initramfs.cpio")
        initramfs(rd)
        img = os.path.join(t, "disk.img")
        with open(img, "wb") as f:
            f.truncate(mib << 20)
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        port = srv.getsockname()[1]
        result = {}
        th = threading.Thread(target=sink, args=(srv, tmib << 20, result),
                              daemon=True)
        th.start()
        args = ["-M", "virt", "-m", "512M", "-nographic", "-bios", "default",
                "-kernel", KERNEL, "-initrd", rd,
                "-append", "console=ttyS0 panic=-1 quiet "
                "bmib=%d tmib=%d bport=%d" % (mib, tmib, port),
                "-drive", "file=%s,format=raw,if=none,id=hd0" % img,
                "-device", "virtio-blk-device,drive=hd0",
                "-netdev", "user,id=n0", "-device", "e1000,netdev=n0"]
        vals = {"blk_read": "fail", "blk_write": "fail", "tcp_tx": "fail"}
        with machina.Vm(args, binary=emu) as vm:
            try:
                vm.wait_for(r"== done", timeout=900)
            except machina.Timeout as e:
                sys.stderr.write(str(e)[-1500:] + "\n")
            for m in re.finditer(r"== (\w+) ([0-9.]+) ([0-9.]+)", vm.text):
                secs = float(m.group(3)) - float(m.group(2))
                size = tmib if m.group(1) == "tcp_tx" else mib
                if secs > 0:
                    vals[m.group(1)] = "%.1f" % (size / secs)
            for line in vm.text.splitlines():
                if "failed" in line:
                    sys.stderr.write(line + "\n")
        srv.close()
        for k in ("blk_read", "blk_write", "tcp_tx"):
            print(k, vals[k])


if __name__ == "__main__":
    main()
