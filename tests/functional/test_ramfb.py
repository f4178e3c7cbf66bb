# SPDX-License-Identifier: MIT
"""ramfb on the riscv64 and aarch64 virt boards: a bare-metal guest
(tests/guest/<arch>/ramfb.c) finds "etc/ramfb" in fw_cfg, configures it
with a DMA write and draws the test_display.py pattern in five pixel
formats; every HMP screendump must match that pattern pixel for pixel
and the screendump of QEMU 10 (bookworm-backports; 7.2 has neither XB24
nor AB24 nor ramfb on riscv64 virt) running the same guest.  Hostile
configurations are logged guest errors that leave the display unchanged.
The riscv64 board's new fw_cfg (items, device-tree node) is compared with
QEMU 7.2's."""

import os
import re
import shutil
import socket
import subprocess

import pytest

import baredisplay
import machina
from baredisplay import base_args, emulator, qemu
from baredisplay import guest_elf as _guest_elf
from test_display import Rfb, expected_pattern, read_png, read_ppm

W, H = 320, 200
# XRGB8888 (padded stride), RGB888, ARGB8888, XBGR8888, ABGR8888 (padded)
MODES = 5
ARCHES = ("riscv64", "aarch64")


def guest_elf(arch):
    return _guest_elf(arch, "ramfb")


def qemu_ramfb(arch):
    """QEMU 8.1 or later: QEMU 10 from bookworm-backports in the cache."""
    q = os.path.join(machina.CACHE, "qemu-backports", "usr", "bin",
                     "qemu-system-" + arch)
    if not os.access(q, os.X_OK):
        pytest.skip("%s missing (scripts/fetch-images.sh qemu-backports): "
                    "QEMU 7.2 has no XB24/AB24 ramfb formats" % q)
    return q


def serial_lines(text):
    return baredisplay.serial_lines(text, ("ramfb:", "fw_cfg:"))


class RamfbVm(baredisplay.DisplayVm):
    """ramfb.elf with -device ramfb and an HMP socket."""

    def __init__(self, binary, arch, elf, tmp, extra=()):
        super().__init__(binary, arch, elf, "ramfb", tmp, extra)

    def frames(self, tmp):
        """PPM screendumps of every mode, then 'q'; returns the list."""
        shots = []
        for m in range(MODES):
            if m:
                self.vm.send("n")
                self.vm.wait_for(r"READY %d\r?\n" % m, timeout=30)
            shots.append(read_ppm(self.screendump(
                os.path.join(tmp, "mode%d.ppm" % m))))
        self.vm.send("q")
        assert self.vm.wait_exit(20) == 0
        return shots


@pytest.mark.parametrize("arch", ARCHES)
def test_ramfb_pattern_screendump(arch, tmp_path):
    emu, elf = emulator(arch), guest_elf(arch)
    g = RamfbVm(emu, arch, elf, str(tmp_path), ["-d", "guest_errors"])
    try:
        # Mode 0 after the hostile configurations: still the pattern.
        w, h, png = read_png(g.screendump(str(tmp_path / "s.png")))
        assert (w, h) == (W, H)
        assert png == expected_pattern()
        shots = g.frames(str(tmp_path))
        for m, (w, h, rgb) in enumerate(shots):
            assert (w, h) == (W, H), m
            assert rgb == expected_pattern(), "mode %d" % m
        text = g.vm.text
        # fw_cfg accepts the 28-byte writes; ramfb refuses and logs them.
        for what in ("outside RAM", "past RAM end", "address wraps",
                     "stride * height overflow", "zero size", "too wide",
                     "bad fourcc"):
            assert "%s: 0" % what in text, what
        for what in ("write past the file", "write to the directory",
                     "write to the signature"):
            assert "%s: 1" % what in text, what
        assert text.count("ramfb: framebuffer not inside guest RAM") == 4
        assert text.count("ramfb: size out of range") == 2
        assert text.count("ramfb: unsupported fourcc") == 1
        assert "overruns 'etc/ramfb'" in text
        assert "DMA write to read-only item 0x19" in text
    finally:
        g.close()


@pytest.mark.parametrize("arch", ARCHES)
def test_ramfb_vnc_refresh(arch, tmp_path):
    """With a viewer, the refresh timer (not screendump) reads guest RAM."""
    emu, elf = emulator(arch), guest_elf(arch)
    path = str(tmp_path / "vnc.sock")
    g = RamfbVm(emu, arch, elf, str(tmp_path), ["-vnc", "unix:" + path])
    try:
        c = Rfb(path, socket.AF_UNIX)
        c.handshake()
        c.set_encodings([0, -223])
        c.request()
        c.read_update()
        # Until the first refresh the console may hold its placeholder;
        # an incremental request is answered when the frame changes.
        for _ in range(5):
            if (c.w, c.h) == (W, H) and bytes(c.fb) == expected_pattern():
                break
            c.request(incremental=True)
            c.read_update()
        assert (c.w, c.h) == (W, H)
        assert bytes(c.fb) == expected_pattern()
        c.sock.close()
        g.vm.send("q")
        assert g.vm.wait_exit(20) == 0
    finally:
        g.close()


@pytest.mark.differential
@pytest.mark.parametrize("arch", ARCHES)
def test_ramfb_matches_qemu(arch, tmp_path):
    emu, elf, ref = emulator(arch), guest_elf(arch), qemu_ramfb(arch)
    results = []
    for name, binary in (("machina", emu), ("qemu", ref)):
        d = tmp_path / name
        d.mkdir()
        g = RamfbVm(binary, arch, elf, str(d))
        try:
            shots = g.frames(str(d))
            lines = serial_lines(g.vm.text)
            if arch == "riscv64":
                # QEMU 10's riscv virt also has ACPI and SMBIOS tables and
                # a ramfb option ROM in fw_cfg; Machina's has neither.
                lines = [l for l in lines if not l.startswith("file")]
            results.append((lines, shots))
        finally:
            g.close()
    assert results[0][0] == results[1][0]
    for m in range(MODES):
        assert results[0][1][m] == results[1][1][m], "mode %d" % m
    assert results[1][1][0][2] == expected_pattern()


def test_ramfb_only_once(tmp_path):
    emu = emulator("riscv64")
    p = subprocess.run([emu, "-M", "virt", "-bios", "none", "-nographic",
                        "-device", "ramfb", "-device", "ramfb"],
                       input=b"", capture_output=True, timeout=20)
    assert p.returncode != 0
    assert b"only one ramfb" in p.stderr


@pytest.mark.differential
def test_riscv_fw_cfg_items_match_qemu():
    """Without ramfb the guest prints the items and the file directory."""
    emu, elf, ref = emulator("riscv64"), guest_elf("riscv64"), \
        qemu("riscv64")
    outs = []
    for binary in (emu, ref):
        for smp in ("1", "3"):
            rc, text = machina.run(base_args("riscv64", elf) +
                                   ["-smp", smp], binary=binary, timeout=30)
            assert rc == 0, text
            outs.append(serial_lines(text))
    assert outs[0] == outs[2]
    assert outs[1] == outs[3]
    assert "nb_cpus: 3" in outs[1]
    assert "no etc/ramfb" in outs[0]


def dts_nodes(binary, tmp_path, name, extra=()):
    dtc = shutil.which("dtc")
    if not dtc:
        pytest.skip("dtc is not installed (device-tree-compiler)")
    dtb = str(tmp_path / (name + ".dtb"))
    p = subprocess.run([binary, "-M", "virt,dumpdtb=" + dtb, "-m", "256M",
                        "-nographic"] + list(extra), input=b"",
                       capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    out = subprocess.run([dtc, "-I", "dtb", "-O", "dts", dtb],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    # top-level node name -> its text
    return dict(re.findall(r"(?ms)^\t([\w,@.-]+) \{\n(.*?)^\t\};",
                           out.stdout))


@pytest.mark.differential
def test_riscv_fw_cfg_dtb_node_matches_qemu(tmp_path):
    ours = dts_nodes(emulator("riscv64"), tmp_path, "machina")
    ref = dts_nodes(qemu("riscv64"), tmp_path, "qemu")
    node = "fw-cfg@10100000"
    assert node in ref
    assert sorted(ours[node].split("\n")) == sorted(ref[node].split("\n"))
    assert '"qemu,fw-cfg-mmio"' in ours[node]
    # ramfb adds no node (as in QEMU).
    with_ramfb = dts_nodes(emulator("riscv64"), tmp_path, "ramfb",
                           ["-device", "ramfb"])
    assert set(with_ramfb) == set(ours)
