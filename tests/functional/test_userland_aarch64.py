# SPDX-License-Identifier: MIT
"""A busybox-static (arm64) userland on a virtio-blk ext4 disk under
Debian's arm64 installer kernel: an initramfs loads the virtio and ext4
modules and switches root to the disk, whose /sbin/init runs a script,
writes a file, gets a DHCP lease and downloads a file over HTTP through
slirp, then powers off.  The host checks the exit status, that the disk
is fsck-clean and that the file is on it."""

import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import threading

import pytest

import machina
import linuxboot
from linuxboot import ARM64, build_initramfs, missing

MODULES = ["virtio_mmio", "virtio_pci", "virtio_blk", "virtio_net", "ext4",
           "crc32c_generic"]

# Runs from the initramfs: find the disk and switch to it.
RD_INIT = linuxboot.init_head() + r"""
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do
    sleep 0.1; i=$((i + 1))
done
mount -t ext4 /dev/vda /mnt || { echo "== no root"; poweroff -f; }
umount /proc /sys /dev
exec switch_root /mnt /sbin/init
"""

# /sbin/init on the disk.
DISK_INIT = r"""#!/bin/busybox sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "== root $(sed -n 's|^/dev/vda / \([a-z0-9]*\) .*|\1|p' /proc/mounts)"
echo "== sort"
printf 'pear\napple\nfig\n' | sort | tr '\n' ' '
echo
echo "== md5 $(echo -n machina | md5sum | cut -c1-32)"
echo "== arith $((6 * 7)) $((1 << 20))"
echo "== cpus $(grep -c ^processor /proc/cpuinfo)"
echo "written by the arm64 guest" > /written.txt
sync
echo "== wrote $(cat /written.txt)"
ip link set lo up
ip link set eth0 up
udhcpc -i eth0 -n -q -t 5 -s /bin/true 2>&1 | grep -o "lease of [0-9.]*"
port=$(sed -n 's/.*hport=\([0-9]*\).*/\1/p' /proc/cmdline)
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
wget -q -O /tmp/dl http://10.0.2.2:$port/blob
echo "== wget $(md5sum /tmp/dl | cut -c1-32)"
mount -o remount,ro /
echo "== done"
poweroff -f
"""


@pytest.fixture
def emu64():
    path = ARM64.emulator()
    if not os.access(path, os.X_OK):
        pytest.skip("emulator %s is not built" % path)
    return path


def need_images():
    m = missing(ARM64.kernel, ARM64.busybox, ARM64.module_dir())
    if m:
        pytest.skip("%s missing (run scripts/fetch-images.sh arm64 "
                    "arm64-kernel)" % m)
    for tool in ("mke2fs", "e2fsck", "debugfs"):
        if not shutil.which(tool):
            pytest.skip("%s missing (Debian: e2fsprogs)" % tool)


def make_root_disk(tmp_path):
    root = tmp_path / "root"
    for d in ("bin", "sbin", "proc", "sys", "dev", "tmp", "mnt"):
        (root / d).mkdir(parents=True)
    shutil.copy(ARM64.busybox, root / "bin" / "busybox")
    os.chmod(root / "bin" / "busybox", 0o755)
    for applet in ("sh", "mount", "sed", "printf", "sort", "tr", "md5sum",
                   "cut", "grep", "sync", "cat", "ip", "udhcpc", "wget",
                   "poweroff", "true", "echo"):
        os.symlink("busybox", root / "bin" / applet)
    init = root / "sbin" / "init"
    init.write_text(DISK_INIT)
    os.chmod(init, 0o755)
    img = tmp_path / "root.img"
    subprocess.run(["mke2fs", "-q", "-t", "ext4", "-d", str(root), str(img),
                    "64M"], check=True)
    return img


def http_server(directory):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(directory))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.mark.parametrize("transport", ["device", "pci"])
def test_busybox_userland_on_virtio(emu64, tmp_path, transport):
    need_images()
    img = make_root_disk(tmp_path)
    rd = build_initramfs(tmp_path / "rd.cpio", ARM64, MODULES, RD_INIT)
    www = tmp_path / "www"
    www.mkdir()
    blob = b"".join(hashlib.sha256(i.to_bytes(2, "little")).digest()
                    for i in range(8192))          # 256 KiB
    (www / "blob").write_bytes(blob)
    httpd = http_server(www)
    try:
        args = ARM64.machine_args + [
            "-m", "512M", "-nographic", "-kernel", ARM64.kernel,
            "-initrd", rd,
            "-append", "console=ttyAMA0 panic=-1 quiet hport=%d"
            % httpd.server_address[1],
            "-drive", "file=%s,format=raw,if=none,id=d0" % img,
            "-device", "virtio-blk-%s,drive=d0" % transport,
            "-netdev", "user,id=n0",
            "-device", "virtio-net-%s,netdev=n0" % transport]
        with machina.Vm(args, binary=emu64) as vm:
            vm.wait_for(r"== root ext4", timeout=300)
            vm.wait_for(r"apple fig pear", timeout=30)
            vm.wait_for(r"== md5 " + hashlib.md5(b"machina").hexdigest(),
                        timeout=30)
            vm.wait_for(r"== arith 42 1048576", timeout=30)
            vm.wait_for(r"== cpus 1", timeout=30)
            vm.wait_for(r"== wrote written by the arm64 guest", timeout=30)
            vm.wait_for(r"lease of 10\.0\.2\.15", timeout=60)
            vm.wait_for(r"== wget " + hashlib.md5(blob).hexdigest(),
                        timeout=60)
            vm.wait_for(r"== done", timeout=30)
            assert vm.wait_exit(timeout=60) == 0
    finally:
        httpd.shutdown()
    fsck = subprocess.run(["e2fsck", "-fn", str(img)], capture_output=True,
                          text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    cat = subprocess.run(["debugfs", "-R", "cat /written.txt", str(img)],
                         capture_output=True, text=True)
    assert cat.stdout == "written by the arm64 guest\n"
