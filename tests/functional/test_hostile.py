# SPDX-License-Identifier: MIT
"""Hostile bare-metal drivers: broken virtqueues and e1000 rings must leave
Machina alive and the device usable.  QEMU reacts differently to several of
these cases (e.g. it sends e1000 frames from MMIO "buffers" and ignores
out-of-RAM virtio buffers until the backend runs), so these tests check
Machina's own output instead of comparing with QEMU."""

import os

import pytest

import machina


def run_hostile(guest_dir, name, extra):
    elf = os.path.join(guest_dir, name + ".elf")
    if not os.path.exists(elf):
        pytest.skip("%s not built" % elf)
    args = machina.baremetal_args(elf) + ["-d", "guest_errors"] + extra
    rc, out = machina.run(args, timeout=60)
    assert "FAIL" not in out, out
    assert rc == 0, "exit status %d\n%s" % (rc, out)
    return out


def test_virtio_blk_hostile(emu, guest_dir, tmp_path):
    img = tmp_path / "disk.img"
    data = bytearray(1 << 20)
    data[0:15] = b"MACHINA-HOSTILE"
    img.write_bytes(bytes(data))
    out = run_hostile(guest_dir, "virtio-hostile", [
        "-drive", "file=%s,format=raw,if=none,id=d0" % img,
        "-device", "virtio-blk-device,drive=d0"])
    for case in ("descriptor loop", "buffer outside RAM", "huge length",
                 "head out of range", "next out of range", "avail idx jump",
                 "desc table outside RAM", "nested indirect",
                 "indirect loop", "good read after reset",
                 "good write after reset"):
        assert "PASS: virtio " + case in out, out
    # Every broken chain was reported as a guest error.
    assert "descriptor loop" in out and "outside RAM" in out
    assert img.read_bytes()[15:16] == b"!"


def test_e1000_hostile(emu, guest_dir):
    out = run_hostile(guest_dir, "e1000-hostile", [
        "-netdev", "user,id=n0", "-device", "e1000,netdev=n0"])
    for case in ("tx buffer outside RAM", "tx oversized legacy frame",
                 "tx oversized extended frame", "tx tail out of range",
                 "tx head out of range", "tx ring outside RAM",
                 "good tx frame", "rx buffer outside RAM",
                 "rx tail out of range", "rx good arp reply"):
        assert "PASS: e1000 " + case in out, out
    assert "not in RAM" in out
