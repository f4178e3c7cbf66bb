# SPDX-License-Identifier: MIT
"""-sandbox on (seccomp allowlist, system/sandbox.c): Debian's riscv64
kernel runs with a qcow2 disk that grows, slirp networking with a TCP
download, an HMP socket (info, screendump), a QMP socket, a VNC socket
and the gdb stub all in use after the filter is installed; a forbidden
call made on a pre-existing thread (the test-forbidden hook) kills the
whole process with SIGSYS; bad -sandbox arguments fail with one line."""

import functools
import hashlib
import http.server
import os
import resource
import shutil
import signal
import socket
import subprocess
import threading

import pytest

import linuxboot
import machina
from test_display import xvfb  # noqa: F401 (fixture)
from test_gdb import Raw, free_port, wait_listen
from test_virtio import KERNEL, make_ext4
from test_virtio_pci import build_initramfs

MODULES = ["crc32c_generic", "ext4", "virtio_mmio", "virtio_blk",
           "virtio_net"]

INIT = linuxboot.init_head() + r"""
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mount -t ext4 /dev/vda /mnt && echo "== mounted"
echo "== old $(cat /mnt/hello.txt)"
# 4 MiB of new data: the qcow2 image allocates clusters and L2 tables.
dd if=/dev/urandom of=/mnt/big bs=64k count=64 2>/dev/null
sync
echo "== big $(md5sum /mnt/big | cut -c1-32)"
ip link set lo up
ip link set eth0 up
udhcpc -i eth0 -n -q -t 5 -s /bin/true 2>&1 | grep -o "lease of [0-9.]*"
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
port=$(sed -n 's/.*hport=\([0-9]*\).*/\1/p' /proc/cmdline)
wget -q -O /tmp/dl http://10.0.2.2:$port/blob
echo "== wget $(md5sum /tmp/dl | cut -c1-32)"
echo "== waiting"
read line
echo "== got $line"
umount /mnt && echo "== umounted"
echo "== done"
poweroff -f
"""


@pytest.fixture(scope="module")
def initramfs(tmp_path_factory):
    return build_initramfs(tmp_path_factory.mktemp("sandbox") / "rd.cpio",
                           MODULES, INIT)


def no_core():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_paused(emu, sandbox, timeout=30):
    """Start with the vCPUs paused; return (returncode, output)."""
    r = subprocess.run([emu, "-M", "virt", "-bios", "none", "-nographic",
                        "-S", "-monitor", "none", "-serial", "null",
                        "-sandbox", sandbox],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=timeout, preexec_fn=no_core)
    return r.returncode, r.stdout + r.stderr


def need_seccomp(emu):
    rc, out = run_paused(emu, "on,test-forbidden=execve")
    if rc == 1 and "without libseccomp" in out:
        pytest.skip("built without libseccomp (libseccomp-dev)")


@pytest.mark.parametrize("call", ["execve", "af-packet"])
def test_sandbox_forbidden_call_kills(emu, call):
    need_seccomp(emu)
    rc, out = run_paused(emu, "on,test-forbidden=" + call)
    assert "was not refused" not in out, out
    assert rc == -signal.SIGSYS, (rc, out)


@pytest.mark.parametrize("arg,msg", [
    ("on,spawn=deny", "sub-option 'spawn' is not supported"),
    ("on,elevateprivileges=deny", "is not supported"),
    ("maybe", "expected on or off"),
    ("off,test-forbidden=execve", "test-forbidden needs on"),
    ("on,test-forbidden=reboot", "test-forbidden must be"),
])
def test_sandbox_bad_args(emu, arg, msg):
    rc, out = run_paused(emu, arg)
    assert rc == 1, out
    assert msg in out, out
    assert len(out.strip().splitlines()) == 1, out


def test_sandbox_off_runs_forbidden_free(emu):
    """-sandbox off installs nothing: quit through HMP works as always."""
    with machina.Vm(["-M", "virt", "-bios", "none", "-nographic", "-S",
                     "-sandbox", "off"]) as vm:
        vm.send("\x01cquit\n")
        assert vm.wait_exit(timeout=30) == 0


def qemu_img(*args):
    q = shutil.which("qemu-img")
    if not q:
        pytest.skip("qemu-img missing (apt-get install qemu-utils)")
    return subprocess.run([q] + list(args), check=True, capture_output=True,
                          text=True)


def test_sandbox_linux_disk_net_monitor_gdb(emu, initramfs, tmp_path):
    need_seccomp(emu)
    raw = make_ext4(tmp_path)
    img = str(tmp_path / "disk.qcow2")
    qemu_img("convert", "-f", "raw", "-O", "qcow2", raw, img)
    size0 = os.path.getsize(img)

    blob = b"".join(hashlib.sha256(bytes([i % 256, i // 256])).digest()
                    for i in range(8000))       # 250 KiB
    (tmp_path / "blob").write_bytes(blob)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(tmp_path))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    hmp_path = str(tmp_path / "hmp.sock")
    qmp_path = str(tmp_path / "qmp.sock")
    vnc_path = str(tmp_path / "vnc.sock")
    shot = str(tmp_path / "shot.ppm")
    gdb_port = free_port()
    args = ["-M", "virt", "-m", "256M", "-nographic", "-bios", "default",
            "-kernel", KERNEL, "-initrd", initramfs,
            "-append", "console=ttyS0 panic=-1 quiet hport=%d" %
            httpd.server_address[1],
            "-drive", "file=%s,format=qcow2,if=virtio" % img,
            "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
            "-device", "bochs-display",
            "-monitor", "unix:%s,server=on,wait=off" % hmp_path,
            "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
            "-vnc", "unix:" + vnc_path,
            "-gdb", "tcp::%d" % gdb_port,
            "-sandbox", "on"]
    try:
        with machina.Vm(args) as vm:
            vm.wait_for(r"== mounted", timeout=120)
            vm.wait_for(r"== old hello from the host", timeout=30)
            big = vm.wait_for(r"== big ([0-9a-f]{32})", timeout=60).group(1)
            vm.wait_for(r"lease of 10\.0\.2\.15", timeout=60)
            vm.wait_for(r"== wget " + hashlib.md5(blob).hexdigest(),
                        timeout=60)
            vm.wait_for(r"== waiting", timeout=30)

            mon = machina.Hmp(hmp_path)
            assert "running" in mon.cmd("info status")
            out = mon.cmd("screendump " + shot)
            assert "screendump:" not in out, out
            with open(shot, "rb") as f:
                assert f.read(2) == b"P6"
            qmp = machina.Qmp(qmp_path, negotiate=True)
            assert qmp.cmd("query-status")["return"]["running"] is True
            with socket.socket(socket.AF_UNIX) as v:
                v.settimeout(10)
                v.connect(vnc_path)
                assert v.recv(12).startswith(b"RFB 003.")

            wait_listen(gdb_port)
            g = Raw(gdb_port)
            assert g.cmd("?").startswith("T05")
            assert len(g.cmd("g")) >= 33 * 16      # x0-x31 and pc
            g.packet("D")
            g.ack()
            assert g.reply() == "OK"
            g.s.close()
            # A new gdb listener made at run time (socket, bind, listen).
            port2 = free_port()
            mon.cmd("gdbserver tcp::%d" % port2)
            wait_listen(port2)
            g = Raw(port2)
            assert g.cmd("?").startswith("T05")
            g.packet("D")
            g.ack()
            assert g.reply() == "OK"
            g.s.close()

            vm.send("go\n")
            vm.wait_for(r"== got go", timeout=30)
            vm.wait_for(r"== umounted", timeout=30)
            vm.wait_for(r"== done", timeout=30)
            assert vm.wait_exit(timeout=30) == 0, vm.text[-2000:]
            mon.sock.close()
            qmp.sock.close()
    finally:
        httpd.shutdown()

    assert os.path.getsize(img) > size0 + 4 * 1024 * 1024
    r = subprocess.run(["qemu-img", "check", img], capture_output=True,
                       text=True)
    assert r.returncode == 0 and "No errors were found" in r.stdout, \
        r.stdout + r.stderr
    out = str(tmp_path / "out.raw")
    qemu_img("convert", "-O", "raw", img, out)
    data = subprocess.run(["debugfs", "-R", "cat /big", out],
                          capture_output=True).stdout
    assert hashlib.md5(data).hexdigest() == big.decode()


def test_sandbox_sdl_window(emu, tmp_path, xvfb):  # noqa: F811
    """The SDL event loop and X11 traffic keep running under the filter;
    screendump and quit still work."""
    need_seccomp(emu)
    if not os.path.exists(machina.UBOOT):
        pytest.skip("u-boot-qemu is not installed")
    hmp_path = str(tmp_path / "hmp.sock")
    shot = str(tmp_path / "shot.ppm")
    vm = machina.Vm(["-M", "virt", "-kernel", machina.UBOOT,
                     "-device", "virtio-gpu-device", "-display", "sdl",
                     "-serial", "stdio",
                     "-monitor", "unix:%s,server=on,wait=off" % hmp_path,
                     "-sandbox", "on"], env=dict(os.environ, DISPLAY=xvfb))
    with vm:
        try:
            vm.wait_for("OpenSBI", timeout=30)
        except machina.Timeout:
            if "built without SDL2" in vm.text:
                pytest.skip("Machina built without SDL2")
            raise
        vm.wait_for("Hit any key to stop autoboot", timeout=60)
        vm.send(" ")
        vm.wait_for("=> ", timeout=30)
        mon = machina.Hmp(hmp_path)
        out = mon.cmd("screendump " + shot)
        assert "screendump:" not in out, out
        with open(shot, "rb") as f:
            assert f.read(2) == b"P6"
        vm.send("version\n")
        vm.wait_for("U-Boot", timeout=30)
        mon.sock.sendall(b"quit\n")
        assert vm.wait_exit(timeout=30) == 0, vm.text[-2000:]
        mon.sock.close()
