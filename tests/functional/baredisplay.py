# SPDX-License-Identifier: MIT
"""Shared by test_vga.py and test_ramfb.py: a bare-metal display guest
(tests/guest/<arch>/NAME.elf) on the riscv64 or aarch64 virt board with
one display device and an HMP socket for screendumps, under Machina or
QEMU."""

import os
import shutil

import pytest

import machina


def emulator(arch="riscv64"):
    path = os.path.join(machina.BUILD, "machina-system-" + arch)
    if not os.access(path, os.X_OK):
        pytest.skip("emulator %s is not built" % path)
    return path


def qemu(arch="riscv64"):
    q = shutil.which("qemu-system-" + arch)
    if not q:
        pytest.skip("qemu-system-%s is not installed" % arch)
    return q


def guest_elf(arch, name):
    """NAME.elf of the guest tests ($MACHINA_GUEST_DIR for riscv64)."""
    elf = os.path.join(machina.BUILD, "tests", "guest", arch, name + ".elf")
    if arch == "riscv64":
        elf = os.path.join(machina.GUEST_DIR, name + ".elf")
    if not os.path.exists(elf):
        pytest.skip("%s not built (make guest-tests)" % elf)
    return elf


def base_args(arch, elf):
    if arch == "riscv64":
        return machina.baremetal_args(elf)
    return ["-M", "virt", "-cpu", "cortex-a57", "-m", "128M", "-nographic",
            "-kernel", elf]


def serial_lines(text, log_prefixes):
    """Guest output only: no device logs (lines starting with one of
    log_prefixes), no QEMU/Machina chatter."""
    return [l.strip() for l in text.splitlines()
            if l.strip() and not l.startswith(tuple(log_prefixes)) and
            "terminating" not in l and "qemu-system" not in l]


class DisplayVm:
    """elf with -device DEVICE and an HMP socket; waits for the guest's
    first "READY 0" line."""

    def __init__(self, binary, arch, elf, device, tmp, extra=()):
        self.hmp_path = os.path.join(tmp, "hmp.sock")
        args = base_args(arch, elf) + [
            "-device", device,
            "-monitor", "unix:%s,server=on,wait=off" % self.hmp_path]
        self.vm = machina.Vm(args + list(extra), binary=binary)
        self.hmp = None
        self.vm.wait_for(r"READY 0\r?\n", timeout=60)
        self.hmp = machina.Hmp(self.hmp_path, wait_banner=True)

    def screendump(self, path):
        """HMP screendump to path (its suffix picks the format)."""
        out = self.hmp.cmd("screendump %s" % path)
        assert "screendump:" not in out and "rror" not in out, out
        return path

    def close(self):
        if self.hmp:
            self.hmp.sock.close()
        self.vm.kill()
