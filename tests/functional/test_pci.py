# SPDX-License-Identifier: MIT
"""PCIe on riscv64 virt: the ECAM host bridge enumerates under Debian's
kernel, and an e1000 shows up in sysfs and comes up as eth0 with its MAC."""

import functools
import glob
import hashlib
import http.server
import lzma
import os
import socket
import threading
import urllib.request

import pytest

import machina
from cpio import Cpio

RISCV = os.path.join(machina.CACHE, "riscv64")
KERNEL = os.path.join(RISCV, "installer", "linux")
BUSYBOX = os.path.join(RISCV, "busybox")
MAC = "52:54:00:aa:bb:cc"

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
for d in /sys/bus/pci/devices/*; do
    echo "== pci $(basename $d) $(cat $d/vendor) $(cat $d/device)" \
         "$(cat $d/class)"
done
if [ -f /e1000.ko ]; then
    insmod /e1000.ko
    sleep 1
    ip link set eth0 up
    sleep 1
    echo "== link $(cat /sys/class/net/eth0/address)"
    echo "== carrier $(cat /sys/class/net/eth0/carrier)"
    udhcpc -i eth0 -n -q -t 5 -s /bin/true 2>&1 | grep -o "lease of [0-9.]*"
fi
echo "== done"
poweroff -f
"""


def need(*paths):
    for p in paths:
        if not os.path.exists(p):
            pytest.skip("%s missing (run scripts/fetch-images.sh)" % p)


def e1000_module():
    mods = glob.glob(os.path.join(
        RISCV, "linux-image-*", "usr", "lib", "modules", "*", "kernel",
        "drivers", "net", "ethernet", "intel", "e1000", "e1000.ko*"))
    if not mods:
        pytest.skip("e1000.ko missing (run scripts/fetch-images.sh)")
    with open(mods[0], "rb") as f:
        data = f.read()
    return lzma.decompress(data) if mods[0].endswith(".xz") else data


TCP_INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
insmod /e1000.ko
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
sleep 1
wget -q -O /tmp/dl http://10.0.2.2:HTTP_PORT/blob
echo "== wget $(md5sum /tmp/dl)"
httpd -p 8080 -h /www
echo "== serving"
read line
poweroff -f
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def initramfs(tmp_path, module=None, init=INIT, files=()):
    need(BUSYBOX)
    c = Cpio()
    for d in ("bin", "dev", "proc", "sys", "tmp", "www"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    with open(BUSYBOX, "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    c.symlink("bin/sh", "busybox")
    c.file("init", init.encode(), 0o755)
    if module:
        c.file("e1000.ko", module, 0o644)
    for name, data in files:
        c.file(name, data, 0o644)
    path = tmp_path / "pci.cpio"
    path.write_bytes(c.finish())
    return str(path)


def boot(rd, extra):
    need(KERNEL)
    return machina.Vm(["-M", "virt", "-m", "256M", "-nographic",
                       "-bios", "default", "-kernel", KERNEL, "-initrd", rd,
                       "-append", "console=ttyS0 panic=-1 quiet"] + extra)


def test_host_bridge(emu, tmp_path):
    with boot(initramfs(tmp_path), []) as vm:
        vm.wait_for(r"== pci 0000:00:00.0 0x1b36 0x0008 0x060000",
                    timeout=60)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0


@pytest.mark.parametrize("args", [
    ["-netdev", "user,id=n0", "-device", "e1000,netdev=n0,mac=" + MAC],
    ["-nic", "user,model=e1000,mac=" + MAC],
], ids=["device", "nic"])
def test_e1000(emu, tmp_path, args):
    rd = initramfs(tmp_path, e1000_module())
    with boot(rd, args) as vm:
        vm.wait_for(r"== pci 0000:00:01.0 0x8086 0x100e 0x020000",
                    timeout=60)
        vm.wait_for(r"== link " + MAC, timeout=60)
        vm.wait_for(r"== carrier 1", timeout=30)
        # DHCP over slirp: tx with UDP checksum offload, rx, interrupts.
        vm.wait_for(r"lease of 10\.0\.2\.15", timeout=60)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0


def test_e1000_tcp(emu, tmp_path):
    """Guest downloads from a host HTTP server through slirp (rx), and the
    host fetches a file from the guest's httpd through hostfwd (tx with
    TCP segmentation offload)."""
    blob = b"".join(hashlib.sha256(bytes([i % 256, i // 256])).digest()
                    for i in range(12000))      # 384 KiB
    served = os.urandom(256 * 1024)
    (tmp_path / "blob").write_bytes(blob)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(tmp_path))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    fwd = free_port()
    init = TCP_INIT.replace("HTTP_PORT", str(httpd.server_address[1]))
    rd = initramfs(tmp_path, e1000_module(), init,
                   [("www/big", served)])
    try:
        with boot(rd, ["-netdev",
                       "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:8080" % fwd,
                       "-device", "e1000,netdev=n0"]) as vm:
            vm.wait_for(r"== wget " + hashlib.md5(blob).hexdigest(),
                        timeout=60)
            vm.wait_for(r"== serving", timeout=30)
            with urllib.request.urlopen("http://127.0.0.1:%d/big" % fwd,
                                        timeout=30) as r:
                got = r.read()
            assert hashlib.md5(got).hexdigest() == \
                hashlib.md5(served).hexdigest()
            vm.send("done\n")
            assert vm.wait_exit(timeout=30) == 0
    finally:
        httpd.shutdown()
