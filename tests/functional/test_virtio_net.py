# SPDX-License-Identifier: MIT
"""virtio-net under Debian's riscv64 kernel: DHCP through slirp over
virtio-pci and virtio-mmio, the -nic default model, and a TCP download
from a host HTTP server checked by md5 (mergeable rx buffers, checksum
offload on tx)."""

import functools
import hashlib
import http.server
import threading

import pytest

import machina
from test_virtio import KERNEL
from test_virtio_pci import build_initramfs

MAC = "52:54:00:ab:cd:ef"
MODULES = ["virtio_pci", "virtio_mmio", "virtio_net"]

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in $(cat /modules.order); do
    insmod /lib/modules/$m.ko 2>/dev/null || echo "== insmod $m failed"
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do
    sleep 0.1; i=$((i + 1))
done
ip link set lo up
ip link set eth0 up
echo "== link $(cat /sys/class/net/eth0/address)"
echo "== carrier $(cat /sys/class/net/eth0/carrier)"
udhcpc -i eth0 -n -q -t 5 -s /bin/true 2>&1 | grep -o "lease of [0-9.]*"
port=$(sed -n 's/.*hport=\([0-9]*\).*/\1/p' /proc/cmdline)
if [ -n "$port" ]; then
    ip addr add 10.0.2.15/24 dev eth0
    ip route add default via 10.0.2.2
    wget -q -O /tmp/dl http://10.0.2.2:$port/blob
    echo "== wget $(md5sum /tmp/dl)"
fi
echo "== done"
poweroff -f
"""


@pytest.fixture(scope="module")
def initramfs(tmp_path_factory):
    return build_initramfs(tmp_path_factory.mktemp("vnet") / "rd.cpio",
                           MODULES, INIT)


def boot(rd, extra, append=""):
    return machina.Vm(["-M", "virt", "-m", "256M", "-nographic",
                       "-bios", "default", "-kernel", KERNEL, "-initrd", rd,
                       "-append", "console=ttyS0 panic=-1 quiet " + append]
                      + extra)


@pytest.mark.parametrize("args,mac", [
    (["-netdev", "user,id=n0", "-device",
      "virtio-net-pci,netdev=n0,mac=" + MAC], MAC),
    (["-netdev", "user,id=n0", "-device",
      "virtio-net-device,netdev=n0,mac=" + MAC], MAC),
    (["-nic", "user"], "52:54:00:12:34:56"),
], ids=["pci", "mmio", "nic-default"])
def test_virtio_net_dhcp(emu, initramfs, args, mac):
    with boot(initramfs, args) as vm:
        vm.wait_for(r"== link " + mac, timeout=60)
        vm.wait_for(r"== carrier 1", timeout=30)
        vm.wait_for(r"lease of 10\.0\.2\.15", timeout=30)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0


@pytest.mark.parametrize("dev", ["virtio-net-pci", "virtio-net-device"])
def test_virtio_net_tcp(emu, initramfs, tmp_path, dev):
    blob = b"".join(hashlib.sha256(bytes([i % 256, i // 256])).digest()
                    for i in range(16000))      # 500 KiB
    (tmp_path / "blob").write_bytes(blob)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(tmp_path))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with boot(initramfs, ["-netdev", "user,id=n0", "-device",
                              dev + ",netdev=n0"],
                  "hport=%d" % httpd.server_address[1]) as vm:
            vm.wait_for(r"== wget " + hashlib.md5(blob).hexdigest(),
                        timeout=60)
            vm.wait_for(r"== done", timeout=30)
            assert vm.wait_exit(timeout=30) == 0
    finally:
        httpd.shutdown()
