# SPDX-License-Identifier: MIT
"""virtio-mmio devices under Debian's riscv64 kernel: virtio-blk on an
ext4 image (read-write and read-only) and virtio-rng feeding /dev/hwrng."""

import glob
import hashlib
import lzma
import os
import re
import shutil
import subprocess

import pytest

import machina
from cpio import Cpio

RISCV = os.path.join(machina.CACHE, "riscv64")
KERNEL = os.path.join(RISCV, "installer", "linux")
BUSYBOX = os.path.join(RISCV, "busybox")
WANTED = ["crc32c_generic", "ext4", "virtio_mmio", "virtio_blk",
          "virtio-rng"]

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do
    insmod /lib/modules/$m.ko || echo "== insmod $m failed"
done
mode=$(sed -n 's/.*mtest=\([a-z]*\).*/\1/p' /proc/cmdline)
echo "== mode $mode"
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ] && [ "$mode" != rng ]; do
    sleep 0.1; i=$((i + 1))
done
case $mode in
blk)
    mount -t ext4 /dev/vda /mnt && echo "== mounted"
    echo "== old $(cat /mnt/hello.txt)"
    echo "written by machina guest" > /mnt/file
    dd if=/dev/urandom of=/mnt/big bs=64k count=16 2>/dev/null
    sync
    echo "== big $(md5sum /mnt/big | cut -c1-32)"
    umount /mnt && echo "== umounted"
    ;;
ro)
    echo "== ro flag $(cat /sys/block/vda/ro)"
    mount -t ext4 -o ro /dev/vda /mnt && echo "== mounted"
    echo "== old $(cat /mnt/hello.txt)"
    umount /mnt
    if dd if=/dev/zero of=/dev/vda bs=512 count=1 conv=fsync 2>/dev/null
    then echo "== ro write succeeded"; else echo "== ro write refused"; fi
    ;;
rng)
    echo "== rng current $(cat /sys/class/misc/hw_random/rng_current)"
    n=$(dd if=/dev/hwrng bs=64 count=4 2>/dev/null | wc -c)
    echo "== rng bytes $n"
    ;;
esac
echo "== done"
poweroff -f
"""


def need(*paths):
    for p in paths:
        if not os.path.exists(p):
            pytest.skip("%s missing (run scripts/fetch-images.sh)" % p)


def module_dir():
    dirs = glob.glob(os.path.join(RISCV, "linux-image-*", "usr", "lib",
                                  "modules", "*"))
    if not dirs:
        pytest.skip("linux-image modules missing")
    return dirs[0]


def module_files(mdir):
    """Map module name -> path of its .ko or .ko.xz."""
    files = {}
    for root, _, names in os.walk(os.path.join(mdir, "kernel")):
        for n in names:
            m = re.match(r"(.*)\.ko(\.xz)?$", n)
            if m:
                files[m.group(1)] = os.path.join(root, n)
    return files


def ko_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    return lzma.decompress(data) if path.endswith(".xz") else data


def depends(data):
    m = re.search(rb"\0depends=([^\0]*)\0", data)
    return [d for d in m.group(1).decode().split(",") if d] if m else []


@pytest.fixture(scope="module")
def initramfs(tmp_path_factory):
    need(BUSYBOX, KERNEL)
    files = module_files(module_dir())
    order, blobs = [], {}

    def add(name):
        key = name if name in files else name.replace("_", "-")
        if key not in files:
            key = name.replace("-", "_")
        if key in blobs or key not in files:
            return      # built in, or already queued
        data = ko_bytes(files[key])
        blobs[key] = data
        for d in depends(data):
            add(d)
        order.append(key)

    for w in WANTED:
        add(w)
    c = Cpio()
    for d in ("bin", "dev", "proc", "sys", "tmp", "mnt", "lib",
              "lib/modules"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    with open(BUSYBOX, "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    c.symlink("bin/sh", "busybox")
    for name in order:
        c.file("lib/modules/%s.ko" % name, blobs[name])
    c.file("modules.order", ("\n".join(order) + "\n").encode())
    c.file("init", INIT.encode(), 0o755)
    path = tmp_path_factory.mktemp("virtio") / "initramfs.cpio"
    path.write_bytes(c.finish())
    return str(path)


def make_ext4(tmp_path):
    if not shutil.which("mke2fs"):
        pytest.skip("mke2fs missing")
    src = tmp_path / "root"
    src.mkdir()
    (src / "hello.txt").write_text("hello from the host\n")
    img = tmp_path / "disk.img"
    subprocess.run(["mke2fs", "-q", "-t", "ext4", "-d", str(src), str(img),
                    "32M"], check=True)
    return str(img)


def boot(initramfs, mode, extra):
    return machina.Vm(["-M", "virt", "-m", "256M", "-nographic",
                       "-bios", "default", "-kernel", KERNEL,
                       "-initrd", initramfs,
                       "-append", "console=ttyS0 panic=-1 quiet mtest=" +
                       mode] + extra)


def test_virtio_blk_ext4(emu, initramfs, tmp_path):
    img = make_ext4(tmp_path)
    with boot(initramfs, "blk", ["-drive", "file=%s,format=raw,if=none,"
                                 "id=hd0" % img, "-device",
                                 "virtio-blk-device,drive=hd0"]) as vm:
        vm.wait_for(r"== mounted", timeout=120)
        vm.wait_for(r"== old hello from the host", timeout=30)
        big = vm.wait_for(r"== big ([0-9a-f]{32})", timeout=60).group(1)
        vm.wait_for(r"== umounted", timeout=30)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0
    r = subprocess.run(["e2fsck", "-fn", img], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    out = subprocess.run(["debugfs", "-R", "cat /file", img],
                         capture_output=True, text=True).stdout
    assert out == "written by machina guest\n"
    data = subprocess.run(["debugfs", "-R", "cat /big", img],
                          capture_output=True).stdout
    assert hashlib.md5(data).hexdigest().encode() == big


def test_virtio_blk_readonly(emu, initramfs, tmp_path):
    img = make_ext4(tmp_path)
    with open(img, "rb") as f:
        before = f.read()
    with boot(initramfs, "ro", ["-drive", "file=%s,format=raw,if=virtio,"
                                "readonly=on" % img]) as vm:
        vm.wait_for(r"== ro flag 1", timeout=120)
        vm.wait_for(r"== mounted", timeout=30)
        vm.wait_for(r"== old hello from the host", timeout=30)
        vm.wait_for(r"== ro write refused", timeout=30)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0
    with open(img, "rb") as f:
        assert f.read() == before


def test_virtio_rng(emu, initramfs):
    with boot(initramfs, "rng", ["-device", "virtio-rng-device"]) as vm:
        vm.wait_for(r"== rng current virtio_rng", timeout=120)
        vm.wait_for(r"== rng bytes 256", timeout=30)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0


def test_virtio_blk_snapshot_two_devices(emu, initramfs, tmp_path):
    """snapshot=on keeps guest writes in memory; a second device (rng)
    takes the next slot down."""
    img = make_ext4(tmp_path)
    with open(img, "rb") as f:
        before = f.read()
    with boot(initramfs, "blk", ["-drive", "file=%s,if=virtio,snapshot=on,"
                                 "cache=unsafe" % img,
                                 "-device", "virtio-rng-device"]) as vm:
        vm.wait_for(r"== mounted", timeout=120)
        vm.wait_for(r"== umounted", timeout=60)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0
    with open(img, "rb") as f:
        assert f.read() == before
