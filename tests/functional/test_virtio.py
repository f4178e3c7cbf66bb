# SPDX-License-Identifier: MIT
"""virtio-mmio devices under Debian's riscv64 kernel: virtio-blk on an
ext4 image (read-write and read-only) and virtio-rng feeding /dev/hwrng."""

import hashlib
import shutil
import subprocess

import pytest

import machina
import linuxboot
from linuxboot import RISCV64, build_initramfs, missing

KERNEL = RISCV64.kernel
BUSYBOX = RISCV64.busybox
WANTED = ["crc32c_generic", "ext4", "virtio_mmio", "virtio_blk",
          "virtio-rng"]

INIT = linuxboot.init_head() + r"""
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
    m = missing(*paths)
    if m:
        pytest.skip("%s missing (run scripts/fetch-images.sh)" % m)


@pytest.fixture(scope="module")
def initramfs(tmp_path_factory):
    need(BUSYBOX, KERNEL, RISCV64.module_dir())
    path = tmp_path_factory.mktemp("virtio") / "initramfs.cpio"
    return build_initramfs(path, RISCV64, WANTED, INIT)


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


def ext4_session(vm):
    """Follow the guest's ext4 run (mtest=blk) to its end; the md5 of the
    big file it wrote."""
    vm.wait_for(r"== mounted", timeout=120)
    vm.wait_for(r"== old hello from the host", timeout=30)
    big = vm.wait_for(r"== big ([0-9a-f]{32})", timeout=60).group(1)
    vm.wait_for(r"== umounted", timeout=30)
    vm.wait_for(r"== done", timeout=30)
    assert vm.wait_exit(timeout=30) == 0
    return big


def check_ext4(img, file_text, big):
    """The image is clean and holds what the guest wrote."""
    r = subprocess.run(["e2fsck", "-fn", img], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    out = subprocess.run(["debugfs", "-R", "cat /file", img],
                         capture_output=True, text=True).stdout
    assert out == file_text
    data = subprocess.run(["debugfs", "-R", "cat /big", img],
                          capture_output=True).stdout
    assert hashlib.md5(data).hexdigest().encode() == big


def test_virtio_blk_ext4(emu, initramfs, tmp_path):
    img = make_ext4(tmp_path)
    with boot(initramfs, "blk", ["-drive", "file=%s,format=raw,if=none,"
                                 "id=hd0" % img, "-device",
                                 "virtio-blk-device,drive=hd0"]) as vm:
        big = ext4_session(vm)
    check_ext4(img, "written by machina guest\n", big)


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
