# SPDX-License-Identifier: MIT
"""Modern virtio-pci under Debian's riscv64 kernel: virtio-blk-pci with
ext4 (INTx interrupts), virtio-rng-pci, and a virtio console port on a
file chardev (over virtio-serial-pci and virtio-serial-device)."""

import socket
import time

import pytest

import linuxboot
from linuxboot import RISCV64
from test_virtio import (BUSYBOX, KERNEL, boot, check_ext4, ext4_session,
                         make_ext4, need)

INIT = linuxboot.init_head(quiet=True) + r"""
for d in /sys/bus/pci/devices/*; do
    echo "== pci $(basename $d) $(cat $d/vendor) $(cat $d/device)"
done
mode=$(sed -n 's/.*mtest=\([a-z]*\).*/\1/p' /proc/cmdline)
echo "== mode $mode"
wait_for() {
    i=0
    while [ ! -e $1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
case $mode in
blk)
    wait_for /dev/vda
    mount -t ext4 /dev/vda /mnt && echo "== mounted"
    echo "== old $(cat /mnt/hello.txt)"
    echo "written over virtio-pci" > /mnt/file
    dd if=/dev/urandom of=/mnt/big bs=64k count=16 2>/dev/null
    sync
    echo "== big $(md5sum /mnt/big | cut -c1-32)"
    umount /mnt && echo "== umounted"
    ;;
rng)
    echo "== rng current $(cat /sys/class/misc/hw_random/rng_current)"
    n=$(dd if=/dev/hwrng bs=64 count=4 2>/dev/null | wc -c)
    echo "== rng bytes $n"
    ;;
con)
    wait_for /dev/hvc0
    echo "hello through virtio-console" > /dev/hvc0 && echo "== con wrote"
    ;;
conin)
    wait_for /dev/hvc0
    stty -F /dev/hvc0 raw -echo 2>/dev/null
    echo "== reading"
    echo "== got $(dd if=/dev/hvc0 bs=1 count=11 2>/dev/null)"
    ;;
esac
echo "== done"
poweroff -f
"""

MODULES = ["crc32c_generic", "ext4", "virtio_pci", "virtio_mmio",
           "virtio_blk", "virtio-rng"]


def build_initramfs(path, wanted, init):
    """A busybox initramfs with the wanted modules (and their
    dependencies) in load order, run by init."""
    need(BUSYBOX, KERNEL, RISCV64.module_dir())
    return linuxboot.build_initramfs(path, RISCV64, wanted, init)


@pytest.fixture(scope="module")
def initramfs(tmp_path_factory):
    return build_initramfs(tmp_path_factory.mktemp("vpci") / "rd.cpio",
                           MODULES, INIT)


def test_virtio_blk_pci_ext4(emu, initramfs, tmp_path):
    img = make_ext4(tmp_path)
    with boot(initramfs, "blk", ["-drive", "file=%s,format=raw,if=none,"
                                 "id=hd0" % img, "-device",
                                 "virtio-blk-pci,drive=hd0"]) as vm:
        vm.wait_for(r"== pci 0000:00:01.0 0x1af4 0x1042", timeout=60)
        big = ext4_session(vm)
    check_ext4(img, "written over virtio-pci\n", big)


def test_virtio_rng_pci(emu, initramfs):
    with boot(initramfs, "rng", ["-device", "virtio-rng-pci"]) as vm:
        vm.wait_for(r"== pci 0000:00:01.0 0x1af4 0x1044", timeout=60)
        vm.wait_for(r"== rng current virtio_rng", timeout=60)
        vm.wait_for(r"== rng bytes 256", timeout=30)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0


@pytest.mark.parametrize("transport", ["virtio-serial-pci",
                                       "virtio-serial-device"])
def test_virtio_console(emu, initramfs, tmp_path, transport):
    out = tmp_path / "console.txt"
    with boot(initramfs, "con", ["-chardev", "file,id=c0,path=%s" % out,
                                 "-device", transport,
                                 "-device", "virtconsole,chardev=c0"]) as vm:
        vm.wait_for(r"== con wrote", timeout=60)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0
    assert "hello through virtio-console" in out.read_text()


def test_virtio_console_input(emu, initramfs):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with boot(initramfs, "conin", [
            "-chardev", "socket,id=c0,host=127.0.0.1,port=%d,server=on,"
            "wait=off" % port,
            "-device", "virtio-serial-pci",
            "-device", "virtconsole,chardev=c0"]) as vm:
        vm.wait_for(r"== reading", timeout=60)
        with socket.create_connection(("127.0.0.1", port)) as c:
            time.sleep(0.5)
            c.sendall(b"hello-input\n")
            vm.wait_for(r"== got hello-input", timeout=30)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0
