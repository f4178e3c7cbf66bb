# SPDX-License-Identifier: MIT
"""Standard VGA (-device VGA) on the riscv64 and aarch64 virt boards.

tests/guest/<arch>/vga.c (tests/guest/common/vga-test.h) assigns the
BARs, then shows ten screens: text 80x25 with a generated font, mode
13h, mode 12h, VBE 640x480x32, VBE 320x200x16 with a virtual width and
offsets, hostile register values (read back on the serial line; text
geometry too large to draw), VBE 8 bpp with the 8-bit DAC, the same with
a block of vram changed, 8-dot text with blinking characters and a
cursor, and the same with only the font changed.  Each HMP
screendump is compared pixel for pixel with QEMU 7.2's screendump of the
same guest, and with an image computed here for all but the planar and
hostile screens.  The hostile read-backs must equal QEMU's.  Debian's
riscv64 kernel drives the device with its bochs DRM driver (fbcon)."""

import os
import socket

import pytest

import baredisplay
import machina
from baredisplay import emulator, guest_elf, qemu
from linuxboot import RISCV64
from test_display import Rfb, colours, fb_initramfs, read_ppm  # noqa: F401

SCREENS = 10
# QEMU 7.2 never blinks characters: screens 8 and 9 are ours only.
QEMU_SCREENS = 8


ARCHES = ("riscv64", "aarch64")


def serial_lines(text):
    return baredisplay.serial_lines(text, ("VGA:",))


class VgaVm(baredisplay.DisplayVm):
    """vga.elf with -device VGA and an HMP socket."""

    def __init__(self, binary, arch, tmp, extra=()):
        self.tmp = tmp
        super().__init__(binary, arch, guest_elf(arch, "vga"), "VGA", tmp,
                         extra)

    def screens(self):
        shots = []
        for n in range(SCREENS):
            if n:
                self.vm.send("n")
                self.vm.wait_for(r"READY %d\r?\n" % n, timeout=60)
            shots.append(read_ppm(self.screendump(
                os.path.join(self.tmp, "screen%d.ppm" % n))))
        self.vm.send("n")
        self.vm.wait_for(r"BYE\r?\n", timeout=30)
        return shots


# ---- expected images (the guest's formulas) ----

def c6(v):
    v &= 0x3f
    return (v << 2) | ((v & 1) << 1) | (v & 1)


def dac(shift):
    """DAC of load_dac(shift) as 8-bit RGB triples."""
    out = []
    for i in range(256):
        k = i + shift
        out.append((c6(k * 5), c6(k * 11 + 7), c6(63 - k)))
    return out


def glyph_row(c, r):
    if r in (0, 15):
        return c & 0x81
    return ((c * 0x9d + r * 0x3b) ^ (c >> 3) ^ (r << 5)) & 0xff


def text_images(cw=9, blink=False, cursor=None, invert=0):
    """80x25 text of the guest's cells and font (16-line cells, mode 3
    attribute palette).  Returns two images: characters blinking on and
    cursor shown, and both off; pixels that do not blink are equal."""
    atc = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
           0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f]
    d = dac(0)
    pal = [bytes(d[a]) for a in atc]
    w, h = 80 * cw, 400
    imgs = [bytearray(w * h * 3), bytearray(w * h * 3)]
    for i in range(80 * 25):
        c, a = (i * 7) & 0xff, (i * 13 + i // 80) & 0xff
        fg, bg = pal[a & 15], pal[a >> 4]
        if blink:
            bg = pal[(a >> 4) & 7]
        cx, cy = i % 80, i // 80
        for phase in (0, 1):
            on = phase == 0
            f = bg if blink and a & 0x80 and not on else fg
            for r in range(16):
                bits = glyph_row(c, r) ^ invert
                if cursor and i == cursor[0] and on and \
                        cursor[1] <= r <= cursor[2]:
                    bits = 0x1ff
                row = [f if bits & (0x80 >> x) else bg for x in range(8)]
                if cw == 9:
                    # line-graphics characters repeat column 8
                    row.append(f if (0xb0 <= c <= 0xdf or bits == 0x1ff)
                               and bits & 1 else bg)
                o = ((cy * 16 + r) * w + cx * cw) * 3
                imgs[phase][o:o + 3 * cw] = b"".join(row)
    return w, h, bytes(imgs[0]), bytes(imgs[1])


def expected_text():
    w, h, img, _ = text_images()
    return w, h, img


def assert_text(shot, **kw):
    """shot shows the text, each blinking pixel in one of its phases."""
    w, h, a, b = text_images(**kw)
    assert shot[:2] == (w, h)
    px = shot[2]
    bad = [i for i in range(0, len(px), 3)
           if px[i:i + 3] != a[i:i + 3] and px[i:i + 3] != b[i:i + 3]]
    assert not bad, "%d pixels, first at %s" % (
        len(bad), ((bad[0] // 3) % w, (bad[0] // 3) // w))
    assert a != b           # something does blink


def expected_13h():
    d = dac(3)
    img = bytearray()
    for y in range(400):
        for x in range(640):
            img += bytes(d[((x // 2) + 2 * (y // 2)) & 0xff])
    return 640, 400, bytes(img)


def expected_vbe32():
    img = bytearray()
    for y in range(480):
        for x in range(640):
            img += bytes(((x * 3) & 0xff, (y * 5) & 0xff, (x + y) & 0xff))
    return 640, 480, bytes(img)


def expected_vbe16():
    img = bytearray()
    for y in range(200):
        for x in range(320):
            v = ((x + 8) * 0x0821 + (y + 10) * 0x2041) & 0xffff
            r, g, b = v >> 11, (v >> 5) & 0x3f, v & 0x1f
            # 5/6 bits widened by repeating the top bits (pixman, QEMU)
            img += bytes(((r << 3) | (r >> 2), (g << 2) | (g >> 4),
                          (b << 3) | (b >> 2)))
    return 320, 200, bytes(img)


def expected_vbe8(block=False):
    img = bytearray()
    for y in range(200):
        for x in range(320):
            i = (x ^ y) & 0xff
            if block and 100 <= x < 140 and 50 <= y < 80:
                i = 0x77
            img += bytes((i, (i * 3) & 0xff, 255 - i))
    return 320, 200, bytes(img)


EXPECTED = {0: expected_text, 1: expected_13h, 3: expected_vbe32,
            4: expected_vbe16, 6: expected_vbe8,
            7: lambda: expected_vbe8(block=True)}

HOSTILE = [
    "vbe xres 0xffff: 0x3e80", "vbe bpp 7: 0x8",
    "vbe virt_width 0xffff: 0x3e80", "vbe bank 0xffff: 0xff",
    "vbe index 0x20: 0xffff", "vbe video memory 64k: 0x100",
    "vbe id 0x1234: 0xb0c5", "vbe id 0xb0c2: 0xb0c2",
    "vbe caps xres: 0x3e80", "vbe caps yres: 0x2ee0", "vbe caps bpp: 0x20",
    "gr index 0xff: 0xf", "gr 15: 0x0", "sr index 0xff: 0x7", "sr 7: 0xff",
    "cr 0xff: 0x5a", "ar 0x1f: 0x0", "mono: crtc index port: 0xff",
]


@pytest.mark.parametrize("arch", ARCHES)
def test_vga_screens(arch, tmp_path):
    g = VgaVm(emulator(arch), arch, str(tmp_path), ["-d", "guest_errors"])
    try:
        shots = g.screens()
        assert g.vm.wait_exit(20) == 0
        lines = serial_lines(g.vm.text)
    finally:
        g.close()
    assert "class 0x30000" in lines
    assert "bar0 0xff000008" in lines           # 16 MiB, prefetchable
    assert "bar2 0xfffff000" in lines
    assert "qext size 8 endian 0x1e1e1e1e" in lines
    assert "vbe id 0xb0c5 mem 256" in lines
    for n, fn in EXPECTED.items():
        assert shots[n] == fn(), "screen %d" % n
    # 12h: 640x480, colours from the 16-entry attribute palette only
    w, h, rgb = shots[2]
    assert (w, h) == (640, 480)
    atc = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
           0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f]
    allowed = {bytes(dac(0)[a]) for a in atc}
    seen = {rgb[i:i + 3] for i in range(0, len(rgb), 3)}
    assert seen <= allowed and len(seen) == 16
    assert_text(shots[8], cw=8, blink=True, cursor=(165, 14, 15))
    assert_text(shots[9], cw=8, blink=True, cursor=(165, 14, 15),
                invert=0xff)
    for want in HOSTILE:
        assert want in lines, want
    assert "VGA: VBE bpp 7, using 8" in g.vm.text


@pytest.mark.differential
@pytest.mark.parametrize("arch", ARCHES)
def test_vga_matches_qemu(arch, tmp_path):
    results = []
    for name, binary in (("machina", emulator(arch)), ("qemu", qemu(arch))):
        d = tmp_path / name
        d.mkdir()
        g = VgaVm(binary, arch, str(d))
        try:
            shots = g.screens()
            results.append((serial_lines(g.vm.text), shots))
        finally:
            g.close()
    assert results[0][0] == results[1][0]
    for n in range(QEMU_SCREENS):
        assert results[0][1][n][:2] == results[1][1][n][:2], "screen %d" % n
        assert results[0][1][n] == results[1][1][n], "screen %d" % n
    for n, fn in EXPECTED.items():
        assert results[1][1][n] == fn(), "qemu screen %d" % n


def test_vga_vnc_refresh(tmp_path):
    """With a viewer the refresh timer (not screendump) converts what
    changed; each screen must arrive whole through incremental updates."""
    path = str(tmp_path / "vnc.sock")
    g = VgaVm(emulator(), "riscv64", str(tmp_path), ["-vnc", "unix:" + path])
    try:
        c = Rfb(path, socket.AF_UNIX)
        c.handshake()
        c.set_encodings([0, -223])
        c.request()
        c.read_update()
        for n in range(QEMU_SCREENS):
            if n:
                g.vm.send("n")
                g.vm.wait_for(r"READY %d\r?\n" % n, timeout=60)
            if n not in EXPECTED:
                continue
            w, h, img = EXPECTED[n]()
            for _ in range(50):
                if (c.w, c.h) == (w, h) and bytes(c.fb) == img:
                    break
                c.request(incremental=True)
                c.read_update()
            assert (c.w, c.h) == (w, h), n
            assert bytes(c.fb) == img, "screen %d" % n
        c.sock.close()
    finally:
        g.close()


def test_vga_linux_fbcon(fb_initramfs, tmp_path):
    """Linux's bochs DRM driver binds 1234:1111 and fbcon draws on it."""
    hmp_path = str(tmp_path / "hmp.sock")
    vm = machina.Vm(["-M", "virt", "-m", "512M", "-nographic",
                     "-bios", "default", "-kernel", RISCV64.kernel,
                     "-initrd", fb_initramfs, "-device", "VGA",
                     "-monitor", "unix:%s,server=on,wait=off" % hmp_path,
                     "-append", "console=ttyS0 panic=-1 quiet"],
                    binary=emulator())
    try:
        vm.wait_for("== fb ", timeout=240)
        vm.wait_for("== drawn", timeout=60)
        assert "== fb bochs-drmdrmfb" in vm.text
        hmp = machina.Hmp(hmp_path, wait_banner=True)
        out = hmp.cmd("screendump %s" % (tmp_path / "fb.ppm"))
        assert "screendump:" not in out, out
        w, h, rgb = read_ppm(str(tmp_path / "fb.ppm"))
        assert (w, h) == (1024, 768)    # no EDID: the driver's default
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
