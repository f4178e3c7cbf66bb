# SPDX-License-Identifier: MIT
"""Text consoles and the SDL window's hot keys (Xvfb + xdotool): Ctrl-Alt-2
shows the monitor's text console, `info version` typed into the window is
answered there (the screendump of console 1 must hold, pixel for pixel,
the lines drawn from ui/vc.c's font by this file's own renderer, and the
X window must show the same image); Ctrl-Alt-1 goes back to the guest's
display; closing the window powers a machine without a power button off
at once and presses the arm64 virt power button (gpio-keys) otherwise.
A raw RFB client offering the Cursor pseudo-encoding gets the cursor the
bare-metal virtio-gpu guest sets; screendump stays without it."""

import ctypes
import os
import re
import shutil
import socket
import struct
import subprocess
import time

import pytest

import machina
from linuxboot import ARM64, build_initramfs, missing
from test_aarch64_virt import POWER_INIT as AARCH64_POWER_INIT
from test_display import (H, W, GfxVm, Rfb,  # noqa: F401
                          expected_pattern, gfx_elf, read_ppm, read_xwd,
                          xvfb)

COLS, ROWS, FW, FH = 80, 30, 8, 16
FG, BG = b"\xaa\xaa\xaa", b"\x00\x00\x00"
SRC = os.path.join(os.path.dirname(__file__), "..", "..", "ui", "vc.c")


def font():
    """The 5x7 table of ui/vc.c, char -> 7 row bytes."""
    text = open(SRC).read()
    table = text[text.index("font5x7[95][7]"):]
    rows = re.findall(r"\{ ((?:0x[0-9a-f]{2}, ){6}0x[0-9a-f]{2}) \}", table)
    assert len(rows) >= 95
    return {chr(0x20 + i): [int(v, 16) for v in rows[i].split(", ")]
            for i in range(95)}


def render_line(text, f):
    """RGB bytes of one 640x16 text row, light grey on black, as the
    renderer draws it: row r of a glyph doubled into rows 1+2r, 2+2r,
    bit 4 of a row in pixel column 1."""
    text = text.ljust(COLS)
    out = bytearray()
    for y in range(FH):
        r = (y - 1) // 2
        for c in text:
            bits = f[c][r] if 1 <= y <= 14 else 0
            for x in range(FW):
                on = 1 <= x <= 5 and bits & (0x10 >> (x - 1))
                out += FG if on else BG
    return bytes(out)


def text_rows(rgb):
    """The 30 text rows of a 640x480 RGB image."""
    band = COLS * FW * FH * 3
    return [rgb[i * band:(i + 1) * band] for i in range(ROWS)]


def find_window(env, size):
    for _ in range(100):
        tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env,
                              capture_output=True, text=True).stdout
        for line in tree.splitlines():
            if '"Machina' in line and (size is None or size in line):
                return line.split()[0]
        time.sleep(0.1)
    raise AssertionError("no Machina window:\n" + tree)


def xwd_image(env, wid, path):
    with open(path, "wb") as f:
        subprocess.run(["xwd", "-silent", "-id", wid], env=env, stdout=f,
                       check=True)
    return read_xwd(path)


def need_xdotool():
    if not shutil.which("xdotool"):
        pytest.skip("xdotool not installed (apt-get install xdotool)")


def close_window(env, wid):
    """What a window manager's close button does: a WM_DELETE_WINDOW
    client message (xdotool 3.2016 has no windowquit)."""
    try:
        x11 = ctypes.CDLL("libX11.so.6")
    except OSError:
        pytest.skip("libX11 not found")

    class ClientMessage(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong),
                    ("send_event", ctypes.c_int),
                    ("display", ctypes.c_void_p),
                    ("window", ctypes.c_ulong),
                    ("message_type", ctypes.c_ulong),
                    ("format", ctypes.c_int),
                    ("l", ctypes.c_long * 5),
                    ("pad", ctypes.c_long * 16)]

    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                               ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x11.XOpenDisplay(env["DISPLAY"].encode())
    assert dpy
    ev = ClientMessage()
    ev.type = 33                # ClientMessage
    ev.window = int(wid, 16)
    ev.message_type = x11.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    ev.format = 32
    ev.l[0] = x11.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    ev.l[1] = 0                 # CurrentTime
    assert x11.XSendEvent(dpy, ev.window, 0, 0, ctypes.byref(ev))
    x11.XFlush(dpy)
    x11.XCloseDisplay(dpy)




def test_monitor_text_console(emu, gfx_elf, tmp_path, xvfb):
    need_xdotool()
    env = dict(os.environ, DISPLAY=xvfb)
    serial = str(tmp_path / "serial.txt")
    qmp_path = str(tmp_path / "qmp.sock")
    # No -nographic: the monitor is a text console (serial to a file so
    # the guest's READY can be seen).
    vm = machina.Vm(["-M", "virt", "-m", "128M", "-bios", "none",
                     "-kernel", gfx_elf, "-device", "virtio-gpu-device",
                     "-serial", "file:" + serial,
                     "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
                     "-display", "sdl"], env=env)
    try:
        for _ in range(300):
            if vm.proc.poll() is not None:
                if "built without SDL2" in vm.text:
                    pytest.skip("Machina built without SDL2")
                raise AssertionError(vm.text)
            if os.path.exists(serial) and "READY" in open(serial).read():
                break
            time.sleep(0.1)
        q = machina.Qmp(qmp_path, negotiate=True)
        version = q.cmd("human-monitor-command",
                        **{"command-line": "info version"})["return"].strip()
        assert version
        wid = find_window(env, "%dx%d" % (W, H))
        subprocess.run(["xdotool", "windowfocus", "--sync", wid], env=env,
                       check=True)
        subprocess.run(["xdotool", "key", "--window", wid, "ctrl+alt+2"],
                       env=env, check=True)
        find_window(env, "%dx%d" % (COLS * FW, ROWS * FH))
        subprocess.run(["xdotool", "type", "--window", wid, "--delay", "20",
                        "info version"], env=env, check=True)
        subprocess.run(["xdotool", "key", "--window", wid, "Return"],
                       env=env, check=True)
        f = font()
        want_cmd = render_line("(machina) info version", f)
        want_ver = render_line(version, f)
        dump = str(tmp_path / "con1.ppm")
        for _ in range(100):
            r = q.cmd("human-monitor-command",
                      **{"command-line": "screendump %s 1" % dump})
            assert r["return"] == "", r
            w, h, rgb = read_ppm(dump)
            assert (w, h) == (COLS * FW, ROWS * FH)
            rows = text_rows(rgb)
            if want_cmd in rows:
                break
            time.sleep(0.1)
        assert want_cmd in rows, "typed command not on console 1"
        i = rows.index(want_cmd)
        assert rows[i + 1] == want_ver
        # The banner above: something drawn, in the console's grey.
        assert FG in rows[0] and set(rows[0][j:j + 3] for j in
                                     range(0, len(rows[0]), 3)) == {FG, BG}
        # The window shows console 1 exactly (scale 1).
        for _ in range(50):
            img = xwd_image(env, wid, str(tmp_path / "w.xwd"))
            if img == (w, h, rgb):
                break
            time.sleep(0.1)
        assert img == (w, h, rgb)
        # Screendump without an index is still the guest's display.
        r = q.cmd("human-monitor-command",
                  **{"command-line": "screendump %s" % dump})
        assert read_ppm(dump)[:2] == (W, H)
        # Ctrl-Alt-1: back to the guest's display; keys go to the guest
        # again, not to the monitor.
        subprocess.run(["xdotool", "key", "--window", wid, "ctrl+alt+1"],
                       env=env, check=True)
        find_window(env, "%dx%d" % (W, H))
        subprocess.run(["xdotool", "type", "--window", wid, "zz"], env=env,
                       check=True)
        time.sleep(0.3)
        r = q.cmd("human-monitor-command",
                  **{"command-line": "screendump %s 1" % dump})
        assert b"".join(text_rows(read_ppm(dump)[2])) == b"".join(rows)
        q.sock.close()
    finally:
        vm.kill()


def test_window_close_without_power_button_quits(emu, gfx_elf, tmp_path,
                                                 xvfb):
    """riscv64 virt has no power button: system_powerdown (and so the
    first close) powers off at once, exit status 0."""
    env = dict(os.environ, DISPLAY=xvfb)
    vm = machina.Vm(["-M", "virt", "-m", "128M", "-bios", "none",
                     "-kernel", gfx_elf, "-device", "virtio-gpu-device",
                     "-serial", "stdio", "-display", "sdl"], env=env)
    try:
        try:
            vm.wait_for("READY", timeout=30)
        except machina.Timeout:
            if "built without SDL2" in vm.text:
                pytest.skip("Machina built without SDL2")
            raise
        wid = find_window(env, "%dx%d" % (W, H))
        close_window(env, wid)
        assert vm.wait_exit(20) == 0
    finally:
        vm.kill()


# test_aarch64_virt's init, but the guest keeps running after the event.
POWER_INIT = AARCH64_POWER_INIT.replace(
    "poweroff -f", 'echo "== still running"\nwhile true; do sleep 1; done')
assert POWER_INIT != AARCH64_POWER_INIT


def test_window_close_presses_power_button(tmp_path, xvfb):
    """arm64 virt: the first close is the power button (KEY_POWER reaches
    the guest's gpio-keys, which keeps running), the second quits."""
    m = missing(ARM64.kernel, ARM64.busybox, ARM64.module_dir())
    if m:
        pytest.skip("%s missing (run scripts/fetch-images.sh arm64 "
                    "arm64-kernel)" % m)
    emu64 = os.path.join(os.path.dirname(machina.emulator()),
                         "machina-system-aarch64")
    env = dict(os.environ, DISPLAY=xvfb)
    rd = build_initramfs(tmp_path / "rd.cpio", ARM64,
                         ["gpio_keys", "evdev"], POWER_INIT)
    vm = machina.Vm(["-M", "virt", "-cpu", "cortex-a57", "-m", "512M",
                     "-kernel", ARM64.kernel, "-initrd", rd,
                     "-append", "console=ttyAMA0 panic=-1 quiet",
                     "-serial", "stdio", "-display", "sdl"],
                    binary=emu64, env=env)
    try:
        try:
            vm.wait_for(r"== keys on /dev/input/event\d", timeout=120)
        except machina.Timeout:
            if "built without SDL2" in vm.text:
                pytest.skip("Machina built without SDL2")
            raise
        wid = find_window(env, None)
        close_window(env, wid)
        vm.wait_for(r"== event 01007400[0-9a-f]{8}", timeout=30)
        vm.wait_for("== still running", timeout=30)
        assert vm.proc.poll() is None
        close_window(env, wid)
        assert vm.wait_exit(20) == 0
    finally:
        vm.kill()


def read_cursor_update(c):
    """One FramebufferUpdate that must hold only a Cursor rect (-239) in
    the default 32 bpp little-endian format: (x, y, w, h, rgb, mask)."""
    msg = c.recv(4)
    assert msg[0] == 0 and struct.unpack(">H", msg[2:])[0] == 1, msg
    x, y, w, h, enc = struct.unpack(">HHHHi", c.recv(12))
    assert enc == -239
    px = c.recv(w * h * 4)
    mask = c.recv((w + 7) // 8 * h)
    rgb = [(px[i + 2], px[i + 1], px[i]) for i in range(0, len(px), 4)]
    return x, y, w, h, rgb, mask


def test_vnc_cursor_pseudo_encoding(emu, gfx_elf, tmp_path):
    vnc_path = str(tmp_path / "vnc.sock")
    g = GfxVm(emu, gfx_elf, str(tmp_path), ["-vnc", "unix:" + vnc_path])
    try:
        plain = Rfb(vnc_path, socket.AF_UNIX)
        plain.handshake()
        plain.set_encodings([0])
        plain.request()
        plain.read_update()
        c = Rfb(vnc_path, socket.AF_UNIX)
        assert c.handshake() == (W, H)
        c.set_encodings([0, -239])
        c.request()
        assert all(r[4] == 0 for r in c.read_update())
        g.vm.send("c")
        g.vm.wait_for("CURSOR", timeout=10)
        c.request(incremental=True)
        x, y, w, h, rgb, mask = read_cursor_update(c)
        assert (x, y, w, h) == (3, 5, 64, 64)       # hot spot, size
        for yy in (0, 15, 16, 63):
            for xx in (0, 15, 16, 63):
                inside = xx < 16 and yy < 16
                assert rgb[yy * 64 + xx] == ((255, 0, 0) if inside
                                             else (0, 0, 0)), (xx, yy)
        want_mask = b"".join((b"\xff\xff" + bytes(6)) if yy < 16
                             else bytes(8) for yy in range(64))
        assert mask == want_mask
        # Sent once: a further incremental request waits.
        c.request(incremental=True)
        c.sock.settimeout(0.5)
        with pytest.raises(socket.timeout):
            c.sock.recv(1)
        # A client that did not offer it gets nothing for the cursor.
        plain.request(incremental=True)
        plain.sock.settimeout(0.5)
        with pytest.raises(socket.timeout):
            plain.sock.recv(1)
        # The screendump has no cursor, as QEMU's.
        w, h, ppm = read_ppm(g.screendump(str(tmp_path / "s.ppm")))
        assert ppm == expected_pattern()
        c.sock.close()
        plain.sock.close()
    finally:
        g.close()


XK = {"ctrl": 0xffe3, "alt": 0xffe9, "ctrl_r": 0xffe4, "alt_r": 0xffea,
      "ret": 0xff0d}


def rfb_key(c, keysym, down):
    c.sock.sendall(struct.pack(">BBxxI", 4, int(down), keysym))


def rfb_hotkey(c, digit, ctrl="ctrl", alt="alt"):
    """Ctrl-Alt-digit pressed and released as a VNC viewer sends it."""
    for k, d in ((XK[ctrl], 1), (XK[alt], 1), (ord(digit), 1),
                 (ord(digit), 0), (XK[alt], 0), (XK[ctrl], 0)):
        rfb_key(c, k, d)


def rfb_type(c, text):
    for ch in text:
        rfb_key(c, ord(ch), 1)
        rfb_key(c, ord(ch), 0)


def rfb_frame(c, size):
    """Request full updates until the client's framebuffer is size (a
    DesktopSize rect switches it) and a frame of that size has arrived."""
    for _ in range(5):
        c.request()
        rects = c.read_update()
        if (c.w, c.h) == size and any(r[4] == 0 for r in rects):
            return bytes(c.fb)
    raise AssertionError("no %dx%d frame (at %dx%d)" % (size + (c.w, c.h)))


def test_vnc_console_hot_keys(emu, gfx_elf, tmp_path):
    """Ctrl-Alt-2 from a VNC viewer shows the monitor's text console (new
    desktop size, the console's pixels), typing reaches the monitor,
    Ctrl-Alt-3 (no such console) and right Ctrl + right Alt + 1 change
    nothing and type nothing, left Ctrl-Alt-1 brings the guest's display
    back."""
    serial = str(tmp_path / "serial.txt")
    qmp_path = str(tmp_path / "qmp.sock")
    vnc_path = str(tmp_path / "vnc.sock")
    vm = machina.Vm(["-M", "virt", "-m", "128M", "-bios", "none",
                     "-kernel", gfx_elf, "-device", "virtio-gpu-device",
                     "-serial", "file:" + serial,
                     "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
                     "-vnc", "unix:" + vnc_path])
    try:
        for _ in range(300):
            assert vm.proc.poll() is None, vm.text
            if os.path.exists(serial) and "READY" in open(serial).read():
                break
            time.sleep(0.1)
        q = machina.Qmp(qmp_path, negotiate=True)
        version = q.cmd("human-monitor-command",
                        **{"command-line": "info version"})["return"].strip()
        c = Rfb(vnc_path, socket.AF_UNIX)
        assert c.handshake() == (W, H)
        c.set_encodings([0, -223])
        assert rfb_frame(c, (W, H)) == expected_pattern()
        rfb_hotkey(c, "2")
        con = rfb_frame(c, (COLS * FW, ROWS * FH))
        rows = text_rows(con)
        assert FG in rows[0]                # the monitor's banner
        rfb_type(c, "info version")
        rfb_key(c, XK["ret"], 1)
        rfb_key(c, XK["ret"], 0)
        f = font()
        want_cmd = render_line("(machina) info version", f)
        for _ in range(50):
            c.request(incremental=True)
            c.read_update()
            rows = text_rows(bytes(c.fb))
            if want_cmd in rows and rows.index(want_cmd) + 1 < ROWS and \
                    rows[rows.index(want_cmd) + 1] == render_line(version, f):
                break
        assert want_cmd in rows, "typed command not shown"
        assert rows[rows.index(want_cmd) + 1] == render_line(version, f)
        # The viewer shows what screendump saves of console 1.
        dump = str(tmp_path / "con1.ppm")
        r = q.cmd("human-monitor-command",
                  **{"command-line": "screendump %s 1" % dump})
        assert r["return"] == "", r
        assert read_ppm(dump)[2] == bytes(c.fb)
        shown = bytes(c.fb)
        # No console 3, and right Ctrl + right Alt are not the hot key
        # (as QEMU): nothing switches; '3' is swallowed, but the '1' of
        # the right-hand combination reaches the monitor.
        rfb_hotkey(c, "3")
        rfb_hotkey(c, "1", "ctrl_r", "alt_r")
        rfb_key(c, XK["ret"], 1)            # the line ends: no cursor on it
        rfb_key(c, XK["ret"], 0)
        want_one = render_line("(machina) 1", f)
        for _ in range(50):
            c.request(incremental=True)
            c.read_update()
            if want_one in text_rows(bytes(c.fb)):
                break
        rows = text_rows(bytes(c.fb))
        assert (c.w, c.h) == (COLS * FW, ROWS * FH)
        assert want_one in rows, "right Ctrl-Alt-1 did not type '1'"
        # ... on the prompt line after the answer: '3' was not typed.
        assert rows.index(want_one) == text_rows(shown).index(want_cmd) + 2
        # Left Ctrl-Alt-1: the guest's display again.
        rfb_hotkey(c, "1")
        assert rfb_frame(c, (W, H)) == expected_pattern()
        c.sock.close()
        q.sock.close()
    finally:
        vm.kill()
