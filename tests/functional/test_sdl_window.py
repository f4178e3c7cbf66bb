# SPDX-License-Identifier: MIT
"""The SDL window's grab, full screen and scaling (Xvfb, evilwm, xdotool):
Ctrl-Alt-G grabs keyboard and pointer (the title says how to leave, and
another X client's XGrabPointer/XGrabKeyboard fail) and lets go again; a
click grabs when the guest has only a relative mouse; Ctrl-Alt-F makes
the window the screen's size with the guest image scaled and letterboxed
(and grabs, as QEMU), and brings the window back; a window resized by
the user shows the image scaled, aspect kept.  Window images come from
xwd and are compared with the guest's pattern computed in Python."""

import ctypes
import os
import shutil
import subprocess
import time

import pytest

import machina
from test_display import (H, W, expected_pattern, gfx_elf,  # noqa: F401
                          xvfb)
from test_ui_consoles import find_window, need_xdotool, xwd_image

SCREEN = (800, 600)             # test_display's Xvfb screen
TITLE = "Machina"
TITLE_GRAB = "Machina - Press Ctrl-Alt-G to exit grab"


@pytest.fixture
def wm(xvfb):
    """A window manager on the Xvfb display: full screen is a request to
    the WM (_NET_WM_STATE), so without one nothing would happen.  evilwm's
    own Ctrl-Alt bindings are moved to the Super key."""
    need_xdotool()
    if not shutil.which("evilwm"):
        pytest.skip("evilwm not installed (apt-get install evilwm)")
    env = dict(os.environ, DISPLAY=xvfb)
    # The previous test's WM was killed, but the X server may not have
    # dropped its connection yet: a second WM then exits at once (only
    # one client may redirect the root window).  Start again until one
    # stays up.
    for _ in range(20):
        proc = subprocess.Popen(["evilwm", "-fn", "fixed", "-mask1", "mod4",
                                 "-mask2", "mod4"], env=env,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        if proc.poll() is None:
            break
    try:
        for _ in range(100):
            root = subprocess.run(["xprop", "-root",
                                   "_NET_SUPPORTING_WM_CHECK"], env=env,
                                  capture_output=True, text=True).stdout
            if "window id" in root:
                break
            assert proc.poll() is None, "evilwm exited"
            time.sleep(0.1)
        yield env
    finally:
        proc.kill()
        proc.wait()


def start(env, elf, extra=()):
    vm = machina.Vm(machina.baremetal_args(elf) +
                    ["-device", "virtio-gpu-device", "-display", "sdl"] +
                    list(extra), env=env)
    try:
        vm.wait_for("READY", timeout=30)
    except machina.Timeout:
        vm.kill()
        if "built without SDL2" in vm.text:
            pytest.skip("Machina built without SDL2")
        raise
    wid = find_window(env, "%dx%d" % (W, H))
    wait_image(env, wid, (W, H), lambda img: img == expected_pattern())
    subprocess.run(["xdotool", "windowfocus", "--sync", wid], env=env,
                   check=True)
    return vm, wid


def geometry(env, wid):
    """(x, y, w, h) of the window on the screen."""
    out = subprocess.run(["xwininfo", "-id", wid], env=env,
                         capture_output=True, text=True, check=True).stdout
    v = {}
    for line in out.splitlines():
        k, _, val = line.strip().partition(":")
        v[k] = val.strip()
    return (int(v["Absolute upper-left X"]), int(v["Absolute upper-left Y"]),
            int(v["Width"]), int(v["Height"]))


def title(env, wid):
    out = subprocess.run(["xprop", "-id", wid, "WM_NAME"], env=env,
                         capture_output=True, text=True).stdout
    return out.partition("=")[2].strip().strip('"')


def wait_for(what, fn, timeout=10):
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)


def wait_image(env, wid, size, check, path="/tmp"):
    """The window's image once it has size and check(rgb) holds."""
    dump = os.path.join(path, "machina-sdl-%d.xwd" % os.getpid())
    img = None
    for _ in range(100):
        img = xwd_image(env, wid, dump)
        if img[:2] == size and check(img[2]):
            os.unlink(dump)
            return img[2]
        time.sleep(0.1)
    os.unlink(dump)
    raise AssertionError("window image %dx%d, want %dx%d and the pattern"
                         % (img[0], img[1], size[0], size[1]))


def key(env, wid, k):
    subprocess.run(["xdotool", "key", "--window", wid, k], env=env,
                   check=True)


class Xlib:
    """Another X client, to see whether the window holds the grabs."""

    def __init__(self, env):
        try:
            self.x = ctypes.CDLL("libX11.so.6")
        except OSError:
            pytest.skip("libX11 not found")
        x = self.x
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XGrabPointer.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                   ctypes.c_int, ctypes.c_uint, ctypes.c_int,
                                   ctypes.c_int, ctypes.c_ulong,
                                   ctypes.c_ulong, ctypes.c_ulong]
        x.XGrabKeyboard.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                    ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                    ctypes.c_ulong]
        x.XUngrabPointer.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x.XUngrabKeyboard.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.dpy = x.XOpenDisplay(env["DISPLAY"].encode())
        assert self.dpy
        self.root = x.XDefaultRootWindow(self.dpy)

    def grabs(self):
        """(pointer, keyboard) results: 0 GrabSuccess, 1 AlreadyGrabbed.
        What we get we give back at once."""
        x = self.x
        p = x.XGrabPointer(self.dpy, self.root, 0, 4, 1, 1, 0, 0, 0)
        if p == 0:
            x.XUngrabPointer(self.dpy, 0)
        k = x.XGrabKeyboard(self.dpy, self.root, 0, 1, 1, 0)
        if k == 0:
            x.XUngrabKeyboard(self.dpy, 0)
        x.XSync(self.dpy, 0)
        return p, k

    def close(self):
        self.x.XCloseDisplay(self.dpy)


def scaled_ok(rgb, size, view, pattern):
    """rgb (size) shows pattern (W x H) scaled into view (x, y, w, h) and
    black outside it.  Inside, the pixel at the centre of each guest
    pixel's scaled block must be that guest pixel (nearest-neighbour
    scaling is unambiguous there)."""
    sw, sh = size
    vx, vy, vw, vh = view
    black = b"\0\0\0"
    for y in (0, vy - 1, vy + vh, sh - 1):
        if 0 <= y < sh and not vy <= y < vy + vh:
            if rgb[y * sw * 3:(y + 1) * sw * 3] != black * sw:
                return False
    for x in (0, vx - 1, vx + vw, sw - 1):
        if 0 <= x < sw and not vx <= x < vx + vw:
            for y in range(0, sh, 7):
                if rgb[(y * sw + x) * 3:(y * sw + x) * 3 + 3] != black:
                    return False
    for gy in range(H):
        y = vy + int((gy + 0.5) * vh / H)
        for gx in range(W):
            x = vx + int((gx + 0.5) * vw / W)
            o = (y * sw + x) * 3
            if rgb[o:o + 3] != pattern[(gy * W + gx) * 3:(gy * W + gx) * 3
                                       + 3]:
                return False
    return True


def letterbox(size):
    """The viewport SDL's logical size gives W x H in a window of size."""
    sw, sh = size
    scale = min(sw / W, sh / H)
    vw, vh = int(W * scale), int(H * scale)
    return ((sw - vw) // 2, (sh - vh) // 2, vw, vh)


def test_ctrl_alt_g_grabs_and_releases(wm, gfx_elf):
    vm, wid = start(wm, gfx_elf)
    x = Xlib(wm)
    try:
        assert title(wm, wid) == TITLE
        assert x.grabs() == (0, 0)
        key(wm, wid, "ctrl+alt+g")
        wait_for("the grab title", lambda: title(wm, wid) == TITLE_GRAB)
        # Pointer and keyboard are the window's now.
        assert x.grabs() == (1, 1)
        key(wm, wid, "ctrl+alt+g")
        wait_for("the plain title", lambda: title(wm, wid) == TITLE)
        wait_for("the grabs released", lambda: x.grabs() == (0, 0))
        assert vm.proc.poll() is None
    finally:
        x.close()
        vm.kill()


def test_click_grabs_relative_mouse_only(wm, gfx_elf):
    """gfx_virtio_gpu.elf has no input device, so the guest's mouse (if it
    had one) is relative: a click grabs, as in QEMU.  With a tablet
    (virtio-tablet-device) the pointer is absolute and a click does not
    grab."""
    vm, wid = start(wm, gfx_elf)
    x = Xlib(wm)
    try:
        subprocess.run(["xdotool", "mousemove", "--window", wid, "30", "30",
                        "click", "1"], env=wm, check=True)
        wait_for("the grab title", lambda: title(wm, wid) == TITLE_GRAB)
        assert x.grabs() == (1, 1)
        key(wm, wid, "ctrl+alt+g")
        wait_for("the plain title", lambda: title(wm, wid) == TITLE)
    finally:
        x.close()
        vm.kill()
    vm, wid = start(wm, gfx_elf, ["-device", "virtio-tablet-device"])
    try:
        subprocess.run(["xdotool", "mousemove", "--window", wid, "30", "30",
                        "click", "1"], env=wm, check=True)
        time.sleep(0.5)         # a grab would have happened by now
        assert title(wm, wid) == TITLE
        # Ctrl-Alt-G still grabs (keyboard and pointer) with a tablet.
        key(wm, wid, "ctrl+alt+g")
        wait_for("the grab title", lambda: title(wm, wid) == TITLE_GRAB)
    finally:
        vm.kill()


def test_full_screen_and_back(wm, gfx_elf):
    vm, wid = start(wm, gfx_elf)
    x = Xlib(wm)
    try:
        before = geometry(wm, wid)
        assert before[2:] == (W, H)
        key(wm, wid, "ctrl+alt+f")
        wait_for("full screen", lambda: geometry(wm, wid) ==
                 (0, 0) + SCREEN)
        pattern = expected_pattern()
        view = letterbox(SCREEN)
        assert view == (0, 50, 800, 500)
        wait_image(wm, wid, SCREEN,
                   lambda rgb: scaled_ok(rgb, SCREEN, view, pattern))
        # Full screen grabs, as in QEMU.
        wait_for("the grab title", lambda: title(wm, wid) == TITLE_GRAB)
        assert x.grabs() == (1, 1)
        key(wm, wid, "ctrl+alt+f")
        wait_for("the window back", lambda: geometry(wm, wid) == before)
        wait_image(wm, wid, (W, H), lambda rgb: rgb == pattern)
        # ... and the grab it did not have before ends.
        wait_for("the plain title", lambda: title(wm, wid) == TITLE)
        wait_for("the grabs released", lambda: x.grabs() == (0, 0))
    finally:
        x.close()
        vm.kill()


@pytest.mark.parametrize("size", [(640, 400), (700, 300), (400, 500)])
def test_resized_window_scales_the_image(wm, gfx_elf, size):
    """The user resizes the window: the image fills it, aspect kept
    (exact pixel doubling at 2x; letterboxed left/right or top/bottom
    otherwise)."""
    vm, wid = start(wm, gfx_elf)
    try:
        subprocess.run(["xdotool", "windowsize", wid, str(size[0]),
                        str(size[1])], env=wm, check=True)
        wait_for("the new size", lambda: geometry(wm, wid)[2:] == size)
        pattern = expected_pattern()
        view = letterbox(size)
        if size == (640, 400):
            doubled = b"".join(
                b"".join(pattern[(y * W + x) * 3:(y * W + x) * 3 + 3] * 2
                         for x in range(W)) * 2 for y in range(H))
            wait_image(wm, wid, size, lambda rgb: rgb == doubled)
        else:
            wait_image(wm, wid, size,
                       lambda rgb: scaled_ok(rgb, size, view, pattern))
        assert vm.proc.poll() is None
    finally:
        vm.kill()


def test_grabbed_relative_mouse_reaches_guest(wm, tmp_path):
    """Debian's riscv64 kernel with a virtio keyboard and a relative
    virtio mouse: before the grab nothing of the mouse reaches the guest
    (the click grabs instead); grabbed, host motion arrives as EV_REL and
    a click as BTN_LEFT without any absolute axis; after Ctrl-Alt-G the
    mouse is the host's again."""
    from linuxboot import RISCV64, build_initramfs
    from test_input import EV_KEY, BTN_LEFT, INIT, MODULES, Events, need

    need(RISCV64)
    init = INIT.replace("*Tablet) tab=", "*Mouse) tab=")
    assert init != INIT
    rd = build_initramfs(tmp_path / "rd.cpio", RISCV64, MODULES, init)
    vm = machina.Vm(RISCV64.machine_args + [
        "-m", "256M", "-kernel", RISCV64.kernel, "-initrd", rd,
        "-append", "console=%s panic=-1 quiet" % RISCV64.console,
        "-device", "virtio-keyboard-device",
        "-device", "virtio-mouse-device",
        "-display", "sdl", "-serial", "stdio", "-monitor", "none"],
        binary=RISCV64.emulator(), env=wm)
    try:
        try:
            vm.wait_for(r"== devices kbd=event\d+ tab=event\d+", timeout=300)
            vm.wait_for(r"== ready", timeout=60)
        except machina.Timeout:
            if "built without SDL2" in vm.text:
                pytest.skip("Machina built without SDL2")
            raise
        ev = Events(vm)
        wid = find_window(wm, None)
        subprocess.run(["xdotool", "windowfocus", "--sync", wid], env=wm,
                       check=True)
        subprocess.run(["xdotool", "mousemove", "--window", wid, "100",
                        "100", "click", "1"], env=wm, check=True)
        wait_for("the grab title", lambda: title(wm, wid) == TITLE_GRAB)
        # A key report as a marker: the mouse said nothing before it.
        key(wm, wid, "c")
        assert ev.take("K", 2) == [[(EV_KEY, 46, 1)], [(EV_KEY, 46, 0)]]
        assert ev.none("T"), ev.reports
        subprocess.run(["xdotool", "mousemove_relative", "--", "12", "-7"],
                       env=wm, check=True)
        subprocess.run(["xdotool", "click", "1"], env=wm, check=True)
        dx = dy = 0
        seen = []
        for _ in range(40):
            rep = ev.take("T", 1)[0]
            seen.append(rep)
            for t, c, v in rep:
                assert t in (EV_KEY, 2), rep      # EV_REL, no EV_ABS
                if t == 2:
                    dx, dy = (dx + v, dy) if c == 0 else (dx, dy + v)
            if (EV_KEY, BTN_LEFT, 0) in rep:
                break
        assert dx > 0 and dy < 0, seen
        assert any((EV_KEY, BTN_LEFT, 1) in r for r in seen), seen
        assert (EV_KEY, BTN_LEFT, 0) in seen[-1], seen
        # Released: host motion stays on the host.
        key(wm, wid, "ctrl+alt+g")
        wait_for("the plain title", lambda: title(wm, wid) == TITLE)
        subprocess.run(["xdotool", "mousemove_relative", "--", "20", "20"],
                       env=wm, check=True)
        key(wm, wid, "c")
        # Ctrl and Alt went to the guest too (they are ordinary keys).
        reps = ev.take("K", 6)
        assert reps[-2:] == [[(EV_KEY, 46, 1)], [(EV_KEY, 46, 0)]], reps
        assert ev.none("T"), ev.reports
    finally:
        vm.kill()
