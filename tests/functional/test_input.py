# SPDX-License-Identifier: MIT
"""Input: Debian's riscv64 (virtio-mmio) and arm64 (virtio-pci) kernels
with a virtio keyboard and tablet; busybox hexdump in the guest prints
every evdev event of both devices on the serial line while the host sends
keys with HMP sendkey, QMP send-key and input-send-event, and keys and
pointer events from a VNC client and (with Xvfb + xdotool) the SDL window.
The test checks the exact (type, code, value) triples that arrive."""

import os
import re
import shutil
import socket
import struct
import subprocess
import time

import pytest

import machina
import linuxboot
from linuxboot import ARM64, RISCV64, build_initramfs, missing
from test_display import Rfb, xvfb  # noqa: F401 (fixture)

MODULES = ["virtio_mmio", "virtio_pci", "virtio_input", "evdev"]

# hexdump prints each 24-byte struct input_event (64-bit guests) as six
# words: timeval (4), type | code << 16, value.
INIT = linuxboot.init_head() + r"""
kbd= tab= i=0
while [ -z "$kbd" -o -z "$tab" ] && [ $i -lt 200 ]; do
    for e in /sys/class/input/event*; do
        case "$(cat $e/device/name 2>/dev/null)" in
        *Keyboard) kbd=${e##*/} ;;
        *Tablet) tab=${e##*/} ;;
        esac
    done
    sleep 0.1; i=$((i + 1))
done
[ -n "$kbd" -a -n "$tab" ] || cat /proc/bus/input/devices
echo "== devices kbd=$kbd tab=$tab"
hexdump -v -e '"K" 6/4 " %08x" "\n"' /dev/input/$kbd &
hexdump -v -e '"T" 6/4 " %08x" "\n"' /dev/input/$tab &
sleep 1
echo "== ready"
while true; do sleep 1; done
"""

EV_SYN, EV_KEY, EV_ABS = 0, 1, 3
EV_LED, EV_REP = 0x11, 0x14
KEY = {"a": 30, "b": 48, "c": 46, "q": 16, "z": 44, "ctrl": 29,
       "alt": 56, "f1": 59, "shift": 42}
BTN_LEFT = 0x110
LINE = re.compile(rb"^([KT])((?: [0-9a-f]{8}){6})\r?$", re.M)


class Events:
    """Reports (lists of (type, code, value) up to SYN_REPORT) per device
    parsed from the serial output of vm."""

    def __init__(self, vm):
        self.vm = vm
        self.pos = 0
        self.pending = {b"K": [], b"T": []}
        self.reports = {b"K": [], b"T": []}

    def _parse(self):
        for m in LINE.finditer(self.vm.out, self.pos):
            if not self.vm.out[m.end():m.end() + 1]:
                break       # the line may not be complete yet
            self.pos = m.end()
            w = [int(x, 16) for x in m.group(2).split()]
            typ, code = w[4] & 0xffff, w[4] >> 16
            val = w[5] - (1 << 32) if w[5] & 0x80000000 else w[5]
            dev = m.group(1)
            if typ == EV_SYN:
                rep = self.pending[dev]
                self.pending[dev] = []
                # Guest-made: autorepeat (value 2), LED/repeat settings.
                if rep and not all(t == EV_KEY and v == 2
                                   for t, _, v in rep):
                    self.reports[dev].append(rep)
            elif typ not in (EV_LED, EV_REP):
                self.pending[dev].append((typ, code, val))

    def take(self, dev, n, timeout=30):
        """The next n reports of dev ("K" or "T")."""
        dev = dev.encode()
        end = time.monotonic() + timeout
        while True:
            self._parse()
            if len(self.reports[dev]) >= n:
                out = self.reports[dev][:n]
                self.reports[dev] = self.reports[dev][n:]
                return out
            left = end - time.monotonic()
            if left <= 0:
                raise machina.Timeout("%d %s reports wanted, got %r; "
                                      "output:\n%s" % (
                                          n, dev, self.reports[dev],
                                          self.vm.text[-1500:]))
            self.vm._pump(min(left, 0.2))

    def none(self, dev):
        """No report of dev is waiting (checked after a later one)."""
        self._parse()
        return self.reports[dev.encode()] == []


def keys(*pairs):
    return [[(EV_KEY, KEY[k], v)] for k, v in pairs]


def need(arch):
    m = missing(arch.busybox, arch.kernel, arch.module_dir())
    if m:
        pytest.skip("%s missing (run scripts/fetch-images.sh)" % m)
    if not os.access(arch.emulator(), os.X_OK):
        pytest.skip("%s is not built" % arch.emulator())


def boot(arch, transport, tmp_path, extra=(), env=None):
    rd = build_initramfs(tmp_path / "rd.cpio", arch, MODULES, INIT)
    args = arch.machine_args + [
        "-m", "256M", "-kernel", arch.kernel, "-initrd", rd,
        "-append", "console=%s panic=-1 quiet" % arch.console,
        "-device", "virtio-keyboard-%s" % transport,
        "-device", "virtio-tablet-%s" % transport] + list(extra)
    vm = machina.Vm(args, binary=arch.emulator(), env=env)
    try:
        m = vm.wait_for(r"== devices kbd=(\S*) tab=(\S*)\r?\n", timeout=300)
        assert m.group(1).startswith(b"event"), vm.text[-2000:]
        assert m.group(2).startswith(b"event"), vm.text[-2000:]
        vm.wait_for(r"== ready", timeout=60)
    except BaseException:
        vm.kill()
        raise
    return vm


ARCHES = [pytest.param(RISCV64, "device", id="riscv64-mmio"),
          pytest.param(ARM64, "pci", id="arm64-pci")]


@pytest.mark.parametrize("arch,transport", ARCHES)
def test_input_monitor_and_vnc(arch, transport, tmp_path):
    need(arch)
    hmp_path = str(tmp_path / "hmp.sock")
    qmp_path = str(tmp_path / "qmp.sock")
    vnc_path = str(tmp_path / "vnc.sock")
    vm = boot(arch, transport, tmp_path, [
        "-nographic",
        "-monitor", "unix:%s,server=on,wait=off" % hmp_path,
        "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
        "-vnc", "unix:" + vnc_path])
    try:
        ev = Events(vm)
        hmp = machina.Hmp(hmp_path, wait_banner=True)
        qmp = machina.Qmp(qmp_path, negotiate=True)

        # HMP sendkey: one key, then a combination (press in order,
        # release in reverse).
        assert hmp.cmd("sendkey a").strip() == "(machina)"
        assert ev.take("K", 2) == keys(("a", 1), ("a", 0))
        out = hmp.cmd("sendkey ctrl-alt-f1 20")
        assert "invalid" not in out, out
        assert ev.take("K", 6) == keys(("ctrl", 1), ("alt", 1), ("f1", 1),
                                       ("f1", 0), ("alt", 0), ("ctrl", 0))
        # Unknown names are refused as QEMU does; nothing is sent.
        assert "invalid parameter: nosuchkey" in hmp.cmd("sendkey nosuchkey")
        assert "invalid parameter: nosuchkey" in \
            hmp.cmd("sendkey ctrl-nosuchkey")

        # QMP send-key with a hold time, and with a bad qcode.
        r = qmp.cmd("send-key", keys=[{"type": "qcode", "data": "shift"},
                                      {"type": "qcode", "data": "b"}],
                    **{"hold-time": 30})
        assert r == {"return": {}}, r
        assert ev.take("K", 4) == keys(("shift", 1), ("b", 1), ("b", 0),
                                       ("shift", 0))
        r = qmp.cmd("send-key", keys=[{"type": "qcode", "data": "nokey"}])
        assert r["error"]["desc"] == \
            "Parameter 'data' does not accept value 'nokey'", r
        r = qmp.cmd("send-key", keys=[{"type": "number", "data": 0x1e}],
                    **{"hold-time": 10})
        assert r == {"return": {}}, r
        assert ev.take("K", 2) == keys(("a", 1), ("a", 0))

        # QMP input-send-event: absolute position and a button in one
        # report on the tablet, a key on the keyboard.
        r = qmp.cmd("input-send-event", events=[
            {"type": "abs", "data": {"axis": "x", "value": 1000}},
            {"type": "abs", "data": {"axis": "y", "value": 2000}},
            {"type": "btn", "data": {"down": True, "button": "left"}}])
        assert r == {"return": {}}, r
        assert ev.take("T", 1) == [[(EV_ABS, 0, 1000), (EV_ABS, 1, 2000),
                                    (EV_KEY, BTN_LEFT, 1)]]
        r = qmp.cmd("input-send-event", events=[
            {"type": "abs", "data": {"axis": "x", "value": 3000}},
            {"type": "btn", "data": {"down": False, "button": "left"}}])
        assert r == {"return": {}}, r
        assert ev.take("T", 1) == [[(EV_ABS, 0, 3000),
                                    (EV_KEY, BTN_LEFT, 0)]]
        for down in (True, False):
            r = qmp.cmd("input-send-event", events=[
                {"type": "key", "data": {"down": down, "key": {
                    "type": "qcode", "data": "q"}}}])
            assert r == {"return": {}}, r
        assert ev.take("K", 2) == keys(("q", 1), ("q", 0))
        r = qmp.cmd("input-send-event", events=[
            {"type": "btn", "data": {"down": True, "button": "nosuch"}}])
        assert r["error"]["desc"] == \
            "Parameter 'button' does not accept value 'nosuch'", r

        # VNC: RFB KeyEvent (keysym 'z') and PointerEvent.  No display
        # device: the 640x480 placeholder is the surface scaled from.
        rfb = Rfb(vnc_path, socket.AF_UNIX)
        w, h = rfb.handshake()
        assert (w, h) == (640, 480)
        rfb.sock.sendall(struct.pack(">BBxxI", 4, 1, ord("z")) +
                         struct.pack(">BBxxI", 4, 0, ord("z")))
        assert ev.take("K", 2) == keys(("z", 1), ("z", 0))
        rfb.sock.sendall(struct.pack(">BBHH", 5, 1, 100, 200) +
                         struct.pack(">BBHH", 5, 0, 100, 200))
        x, y = 100 * 0x7fff // 639, 200 * 0x7fff // 479
        # The kernel drops repeated absolute values from the second one.
        assert ev.take("T", 2) == [[(EV_ABS, 0, x), (EV_ABS, 1, y),
                                    (EV_KEY, BTN_LEFT, 1)],
                                   [(EV_KEY, BTN_LEFT, 0)]]
        rfb.sock.close()

        # Nothing else arrived (a last key flushes the pipeline).
        hmp.cmd("sendkey c 10")
        assert ev.take("K", 2) == keys(("c", 1), ("c", 0))
        assert ev.none("K") and ev.none("T")
        hmp.sock.close()
        qmp.sock.close()
    finally:
        vm.kill()


def find_window(env, name="Machina"):
    for _ in range(100):
        tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env,
                              capture_output=True, text=True).stdout
        for line in tree.splitlines():
            if '"%s"' % name in line:
                return line.split()[0]
        time.sleep(0.1)
    raise AssertionError("no %s window:\n%s" % (name, tree))


def test_input_sdl_window(tmp_path, xvfb):  # noqa: F811
    if not shutil.which("xdotool"):
        pytest.skip("xdotool not installed (apt-get install xdotool)")
    need(RISCV64)
    env = dict(os.environ, DISPLAY=xvfb)
    try:
        # Serial on stdio and no monitor: with a display they would be
        # text consoles, and with no display device the window would show
        # the monitor's and type into it (as QEMU).
        vm = boot(RISCV64, "device", tmp_path,
                  ["-display", "sdl", "-serial", "stdio", "-monitor", "none"],
                  env=env)
    except machina.Timeout as e:
        if "built without SDL2" in str(e):
            pytest.skip("Machina built without SDL2")
        raise
    try:
        ev = Events(vm)
        wid = find_window(env)
        subprocess.run(["xdotool", "windowfocus", "--sync", wid], env=env,
                       check=True)
        subprocess.run(["xdotool", "key", "--window", wid, "c"], env=env,
                       check=True)
        assert ev.take("K", 2) == keys(("c", 1), ("c", 0))
        # A click at (10, 20) of the 640x480 window.
        subprocess.run(["xdotool", "mousemove", "--window", wid, "10", "20",
                        "click", "1"], env=env, check=True)
        x, y = 10 * 0x7fff // 639, 20 * 0x7fff // 479
        pos, seen = {}, []
        for _ in range(20):
            rep = ev.take("T", 1)[0]
            for t, c, v in rep:
                if t == EV_ABS:
                    pos[c] = v
            seen.append(rep)
            if (EV_KEY, BTN_LEFT, 0) in rep:
                break
        downs = [i for i, r in enumerate(seen) if (EV_KEY, BTN_LEFT, 1) in r]
        assert downs, seen
        assert pos == {0: x, 1: y}, seen
        assert (EV_KEY, BTN_LEFT, 0) in seen[-1], seen
    finally:
        vm.kill()
