# SPDX-License-Identifier: MIT
"""Display: a bare-metal virtio-gpu driver draws a known pattern that
screendump (HMP, QMP; PPM and PNG) must reproduce pixel for pixel, the
same under Debian's QEMU; the VNC server serves the same frame to a small
RFB client and to vncsnapshot and survives malformed clients; Debian's
riscv64 kernel brings up fbcon on virtio-gpu and on bochs-display."""

import os
import shutil
import socket
import struct
import subprocess
import time
import zlib

import pytest

import machina
import linuxboot
from linuxboot import RISCV64, build_initramfs, missing

W, H = 320, 200
BARS = [0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
        0xff00ff, 0xff0000, 0x0000ff, 0x000000]


def expected_pattern():
    """The RGB bytes gfx_virtio_gpu.c draws (see draw() there)."""
    out = bytearray()
    for y in range(H):
        for x in range(W):
            if y < H // 2:
                v = BARS[x * 8 // W]
            else:
                r = x * 255 // (W - 1)
                g = (y - H // 2) * 255 // (H // 2 - 1)
                b = (x ^ y) & 0xff
                v = (r << 16) | (g << 8) | b
            out += bytes(((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff))
    return bytes(out)


def read_ppm(path, timeout=10):
    """(w, h, RGB bytes) of a binary PPM.  QEMU writes its screendump
    after the HMP command has answered: wait for the whole file."""
    deadline = time.monotonic() + timeout
    while True:
        data = b""
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
        parts = data.split(b"\n", 3)
        if len(parts) == 4 and parts[0] == b"P6":
            w, h = map(int, parts[1].split())
            if len(parts[3]) == w * h * 3:
                break
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert parts[0] == b"P6", data[:20]
    w, h = map(int, parts[1].split())
    assert parts[2] == b"255"
    assert len(parts[3]) == w * h * 3
    return w, h, parts[3]


def read_png(path):
    """(w, h, RGB bytes) of an 8-bit RGB PNG with filter-0 rows."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) == crc, kind
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert (depth, ctype) == (8, 2)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    rows = [raw[i * (w * 3 + 1):(i + 1) * (w * 3 + 1)] for i in range(h)]
    assert all(r[0] == 0 for r in rows)
    return w, h, b"".join(r[1:] for r in rows)


class GfxVm:
    """gfx_virtio_gpu.elf with an HMP socket (and optionally VNC, QMP)."""

    def __init__(self, binary, elf, tmp, extra=(), qemu=False):
        self.hmp_path = os.path.join(tmp, "hmp.sock")
        args = machina.baremetal_args(elf) + [
            "-device", "virtio-gpu-device",
            "-monitor", "unix:%s,server=on,wait=off" % self.hmp_path]
        if qemu:
            # QEMU's virtio-mmio is legacy by default; the guest is 1.x.
            args += ["-global", "virtio-mmio.force-legacy=false"]
        self.vm = machina.Vm(args + list(extra), binary=binary)
        self.vm.wait_for("READY", timeout=30)
        self.hmp = machina.Hmp(self.hmp_path, wait_banner=True)

    def screendump(self, path, fmt=None):
        out = self.hmp.cmd("screendump %s%s" % ("-f %s " % fmt if fmt
                                                else "", path))
        assert "screendump:" not in out, out
        return path

    def close(self):
        self.hmp.sock.close()
        self.vm.kill()


@pytest.fixture
def gfx_elf(guest_dir):
    elf = os.path.join(guest_dir, "gfx_virtio_gpu.elf")
    if not os.path.exists(elf):
        pytest.skip("gfx_virtio_gpu.elf not built (make guest-tests)")
    return elf


def serial_lines(text):
    return [l.strip() for l in text.splitlines()
            if l.strip() and "terminating" not in l and
            not l.startswith("differs from qemu")]


def test_virtio_gpu_pattern_screendump(emu, gfx_elf, tmp_path):
    g = GfxVm(emu, gfx_elf, str(tmp_path))
    try:
        w, h, ppm = read_ppm(g.screendump(str(tmp_path / "s.ppm")))
        assert (w, h) == (W, H)
        assert ppm == expected_pattern()
        w, h, png = read_png(g.screendump(str(tmp_path / "s.png")))
        assert (w, h, png) == (W, H, ppm)
        # -f wins over the extension
        w, h, png2 = read_png(g.screendump(str(tmp_path / "t.ppm"), "png"))
        assert png2 == ppm
        assert "unknown format" in g.hmp.cmd("screendump -f gif x.gif")
        assert "could not open" in g.hmp.cmd("screendump /nonexistent/x.png")
        text = g.vm.text
        assert "create id 0: 0x1203" in text
        assert "attach outside RAM: 0x1200" in text
        assert "fenced flush: 0x1100 flags 1 fence 0x1234" in text
        g.vm.send("q")
        assert g.vm.wait_exit(10) == 0
    finally:
        g.close()


def test_qmp_screendump(emu, gfx_elf, tmp_path):
    qmp_path = str(tmp_path / "qmp.sock")
    g = GfxVm(emu, gfx_elf, str(tmp_path),
              ["-qmp", "unix:%s,server=on,wait=off" % qmp_path])
    try:
        q = machina.Qmp(qmp_path, negotiate=True)
        r = q.cmd("screendump", filename=str(tmp_path / "q.img"),
                  format="ppm")
        assert r == {"return": {}}, r
        assert read_ppm(str(tmp_path / "q.img"))[2] == expected_pattern()
        r = q.cmd("screendump", filename=str(tmp_path / "q.png"))
        assert read_png(str(tmp_path / "q.png"))[2] == expected_pattern()
        r = q.cmd("screendump", filename=str(tmp_path / "x"), format="bmp")
        assert "error" in r
        q.sock.close()
    finally:
        g.close()


def qemu_with_gpu():
    """A reference QEMU that has virtio-gpu-device (the backports build
    in the cache may lack its display modules), or None."""
    for q in (os.environ.get("QEMU"), shutil.which("qemu-system-riscv64"),
              machina.reference_qemu()):
        if not q:
            continue
        try:
            out = subprocess.run([q, "-device", "help"], capture_output=True,
                                 text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        if '"virtio-gpu-device"' in out:
            return q
    return None


@pytest.mark.differential
def test_virtio_gpu_pattern_matches_qemu(emu, gfx_elf, tmp_path):
    qemu = qemu_with_gpu()
    if not qemu:
        pytest.skip("no qemu-system-riscv64 with virtio-gpu-device")
    results = []
    for name, binary in (("machina", emu), ("qemu", qemu)):
        d = tmp_path / name
        d.mkdir()
        g = GfxVm(binary, gfx_elf, str(d), qemu=name == "qemu")
        try:
            img = read_ppm(g.screendump(str(d / "s.ppm")))
            results.append((serial_lines(g.vm.text), img))
        finally:
            g.close()
    assert results[0][0] == results[1][0]
    assert results[0][1] == results[1][1]


# ---- VNC ----

class Rfb:
    """Minimal RFB 3.8 client: None security, raw or zlib updates."""

    def __init__(self, addr, family=socket.AF_INET, timeout=10):
        end = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(family)
                self.sock.connect(addr)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(timeout)
        self.z = zlib.decompressobj()

    def recv(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError("server closed after %d bytes" % len(data))
            data += chunk
        return data

    def handshake(self):
        assert self.recv(12) == b"RFB 003.008\n"
        self.sock.sendall(b"RFB 003.008\n")
        n = self.recv(1)[0]
        assert 1 in self.recv(n)
        self.sock.sendall(b"\x01")
        assert self.recv(4) == b"\0\0\0\0"
        self.sock.sendall(b"\x01")          # shared
        w, h = struct.unpack(">HH", self.recv(4))
        pf = self.recv(16)
        name_len, = struct.unpack(">I", self.recv(4))
        self.name = self.recv(name_len)
        self.w, self.h, self.pf = w, h, pf
        self.fb = bytearray(w * h * 3)
        return w, h

    def set_encodings(self, encs):
        self.sock.sendall(struct.pack(">BBH", 2, 0, len(encs)) +
                          b"".join(struct.pack(">i", e) for e in encs))

    def request(self, incremental=False):
        self.sock.sendall(struct.pack(">BBHHHH", 3, int(incremental), 0, 0,
                                      self.w, self.h))

    def read_update(self):
        """Apply one FramebufferUpdate; returns the list of rects."""
        msg = self.recv(4)
        assert msg[0] == 0, msg
        n, = struct.unpack(">H", msg[2:])
        rects = []
        for _ in range(n):
            x, y, w, h, enc = struct.unpack(">HHHHi", self.recv(12))
            rects.append((x, y, w, h, enc))
            if enc == -223:
                self.w, self.h = w, h
                self.fb = bytearray(w * h * 3)
                continue
            if enc == 0:
                data = self.recv(w * h * 4)
            else:
                assert enc == 6
                zl, = struct.unpack(">I", self.recv(4))
                data = self.z.decompress(self.recv(zl))
                assert len(data) == w * h * 4
            for row in range(h):
                for col in range(w):
                    b, g, r, _ = data[(row * w + col) * 4:
                                      (row * w + col) * 4 + 4]
                    o = ((y + row) * self.w + x + col) * 3
                    self.fb[o:o + 3] = bytes((r, g, b))
        return rects


def vnc_vm(emu, gfx_elf, tmp_path):
    vnc_path = str(tmp_path / "vnc.sock")
    g = GfxVm(emu, gfx_elf, str(tmp_path), ["-vnc", "unix:" + vnc_path])
    return g, vnc_path


def test_vnc_raw_and_zlib_match_screendump(emu, gfx_elf, tmp_path):
    g, path = vnc_vm(emu, gfx_elf, tmp_path)
    try:
        c = Rfb(path, socket.AF_UNIX)
        assert c.handshake() == (W, H)
        c.set_encodings([0])
        c.request()
        c.read_update()
        assert bytes(c.fb) == expected_pattern()
        # Nothing changed: an incremental request gets no answer yet.
        c.request(incremental=True)
        c.sock.settimeout(0.5)
        with pytest.raises(socket.timeout):
            c.sock.recv(1)
        c.sock.settimeout(10)
        # A second client with zlib gets the same frame.
        d = Rfb(path, socket.AF_UNIX)
        d.handshake()
        d.set_encodings([6, -223])
        d.request()
        rects = d.read_update()
        assert all(r[4] == 6 for r in rects)
        assert d.fb == c.fb
        w, h, ppm = read_ppm(g.screendump(str(tmp_path / "s.ppm")))
        assert bytes(d.fb) == ppm
        # Key and pointer events are accepted.
        d.sock.sendall(struct.pack(">BBxxI", 4, 1, 0x61) +
                       struct.pack(">BBHH", 5, 1, 10, 10))
        d.request()
        d.read_update()
        c.sock.close()
        d.sock.close()
    finally:
        g.close()


def test_vnc_malformed_clients(emu, gfx_elf, tmp_path):
    g, path = vnc_vm(emu, gfx_elf, tmp_path)
    try:
        bad = [
            b"GARBAGE!!!!!",                         # bad version
            b"RFB 003.008\n\x02",                    # unoffered security
            None,                                    # unknown message
            None,                                    # bad pixel format
            None,                                    # truncated, then EOF
        ]
        for i, first in enumerate(bad):
            c = Rfb(path, socket.AF_UNIX)
            if first is not None:
                c.recv(12)
                c.sock.sendall(first)
            else:
                c.handshake()
                if i == 2:
                    c.sock.sendall(b"\xee" * 64)
                elif i == 3:
                    c.sock.sendall(struct.pack(">Bxxx", 0) +
                                   bytes([24, 24, 0, 0]) + b"\0" * 12)
                else:
                    c.sock.sendall(struct.pack(">BBH", 2, 0, 65535) +
                                   b"\0" * 100)
            time.sleep(0.2)
            c.sock.close()
        # Huge cut text is skipped, not buffered.
        c = Rfb(path, socket.AF_UNIX)
        c.handshake()
        c.sock.sendall(struct.pack(">BxxxI", 6, 1 << 20) + b"x" * (1 << 20))
        c.set_encodings([0])
        c.request()
        c.read_update()
        assert bytes(c.fb) == expected_pattern()
        c.sock.close()
        assert "VM status: running" in g.hmp.cmd("info status")
    finally:
        g.close()


def test_vncsnapshot_matches_screendump(emu, gfx_elf, tmp_path):
    tool = shutil.which("vncsnapshot")
    if not tool:
        pytest.skip("vncsnapshot not installed (apt-get install vncsnapshot)")
    port_display = 77
    g = GfxVm(emu, gfx_elf, str(tmp_path),
              ["-vnc", "127.0.0.1:%d" % port_display])
    try:
        out = str(tmp_path / "snap.jpg")
        subprocess.run([tool, "-quiet", "-allowblank", "-quality", "100",
                        "127.0.0.1:%d" % port_display, out], check=True,
                       timeout=30)
        ppm = str(tmp_path / "snap.ppm")
        if not shutil.which("djpeg"):
            pytest.skip("djpeg (libjpeg-turbo-progs) not installed")
        with open(ppm, "wb") as f:
            subprocess.run(["djpeg", "-pnm", out], stdout=f, check=True)
        w, h, snap = read_ppm(ppm)
        assert (w, h) == (W, H)
        _, _, ref = read_ppm(g.screendump(str(tmp_path / "s.ppm")))
        # JPEG is lossy: compare within a tolerance, per channel.
        diff = sum(abs(a - b) for a, b in zip(snap, ref)) / len(ref)
        assert diff < 8, diff
    finally:
        g.close()


# ---- SDL under Xvfb ----

def read_xwd(path):
    """(w, h, RGB bytes) of a 32-bpp TrueColor xwd dump (X11 XWDFile.h)."""
    with open(path, "rb") as f:
        d = f.read()
    hdr = struct.unpack(">25I", d[:100])
    hsize, w, h, order, bpp, bpl = (hdr[0], hdr[4], hdr[5], hdr[7], hdr[11],
                                    hdr[12])
    assert bpp == 32, bpp
    assert hdr[14:17] == (0xff0000, 0x00ff00, 0x0000ff), hdr[14:17]
    pos = hsize + hdr[19] * 12
    fmt = "<I" if order == 0 else ">I"
    out = bytearray()
    for y in range(h):
        row = d[pos + y * bpl:pos + y * bpl + w * 4]
        for x in range(w):
            v, = struct.unpack(fmt, row[4 * x:4 * x + 4])
            out += bytes(((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff))
    return w, h, bytes(out)


@pytest.fixture
def xvfb():
    for tool in ("Xvfb", "xwininfo", "xwd"):
        if not shutil.which(tool):
            pytest.skip("%s not installed (apt-get install xvfb x11-utils "
                        "x11-apps)" % tool)
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0",
                             "800x600x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        num = f.readline().strip()
    try:
        yield ":" + num
    finally:
        proc.kill()
        proc.wait()


def test_sdl_window_shows_pattern(emu, gfx_elf, tmp_path, xvfb):
    env = dict(os.environ, DISPLAY=xvfb)
    vm = machina.Vm(machina.baremetal_args(gfx_elf) +
                    ["-device", "virtio-gpu-device", "-display", "sdl"],
                    env=env)
    try:
        try:
            vm.wait_for("READY", timeout=30)
        except machina.Timeout:
            if "built without SDL2" in vm.text:
                pytest.skip("Machina built without SDL2")
            raise
        wid = None
        for _ in range(50):
            tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env,
                                  capture_output=True, text=True).stdout
            for line in tree.splitlines():
                if '"Machina"' in line and "%dx%d" % (W, H) in line:
                    wid = line.split()[0]
            if wid:
                break
            time.sleep(0.1)
        assert wid, tree
        dump = str(tmp_path / "win.xwd")
        for _ in range(50):     # the first frames may predate the map
            with open(dump, "wb") as f:
                subprocess.run(["xwd", "-silent", "-id", wid], env=env,
                               stdout=f, check=True)
            img = read_xwd(dump)
            if img == (W, H, expected_pattern()):
                break
            time.sleep(0.1)
        assert img == (W, H, expected_pattern())
    finally:
        vm.kill()


# ---- Linux fbcon ----

FB_INIT = linuxboot.init_head(quiet=True) + r"""
i=0
while [ ! -e /dev/fb0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "== fb $(cat /sys/class/graphics/fb0/name 2>/dev/null)"
echo "== size $(cat /sys/class/graphics/fb0/virtual_size 2>/dev/null)"
for i in 1 2 3 4 5 6 7 8; do
    echo "MACHINA FBCON TEST LINE $i" > /dev/tty1
done
sleep 1
echo "== drawn"
while true; do sleep 1; done
"""

FB_MODULES = ["virtio_mmio", "virtio_gpu", "bochs", "drm_kms_helper",
              "fbcon"]


@pytest.fixture(scope="module")
def fb_initramfs(tmp_path_factory):
    m = missing(RISCV64.busybox, RISCV64.kernel, RISCV64.module_dir())
    if m:
        pytest.skip("%s missing (run scripts/fetch-images.sh)" % m)
    path = tmp_path_factory.mktemp("fb") / "initramfs.cpio"
    return build_initramfs(path, RISCV64, FB_MODULES, FB_INIT)


def colours(rgb):
    return {rgb[i:i + 3] for i in range(0, len(rgb), 3)}


@pytest.mark.parametrize("device", ["virtio-gpu-device", "bochs-display"])
def test_linux_fbcon(emu, fb_initramfs, tmp_path, device):
    hmp_path = str(tmp_path / "hmp.sock")
    vm = machina.Vm(["-M", "virt", "-m", "512M", "-nographic",
                     "-bios", "default", "-kernel", RISCV64.kernel,
                     "-initrd", fb_initramfs, "-device", device,
                     "-monitor", "unix:%s,server=on,wait=off" % hmp_path,
                     "-append", "console=ttyS0 panic=-1 quiet"])
    try:
        vm.wait_for("== fb ", timeout=240)
        vm.wait_for("== drawn", timeout=60)
        hmp = machina.Hmp(hmp_path, wait_banner=True)
        out = hmp.cmd("screendump %s" % (tmp_path / "fb.ppm"))
        assert "screendump:" not in out, out
        w, h, rgb = read_ppm(str(tmp_path / "fb.ppm"))
        assert w >= 640 and h >= 480, (w, h)
        cs = colours(rgb)
        # fbcon: black background and its light grey (0xaaaaaa) text.
        assert b"\0\0\0" in cs
        assert b"\xaa\xaa\xaa" in cs, sorted(cs)[:10]
        lit = sum(1 for i in range(0, len(rgb), 3)
                  if rgb[i:i + 3] == b"\xaa\xaa\xaa")
        assert lit > 1000, lit
        hmp.sock.close()
    finally:
        vm.kill()
