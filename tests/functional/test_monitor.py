# SPDX-License-Identifier: MIT
"""HMP over a unix socket against U-Boot on riscv64 virt."""

import os
import socket
import tempfile
import time

import pytest

import machina

PROMPT = b"(machina) "


class Hmp:
    def __init__(self, path, timeout=10):
        end = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(timeout)

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        data = b""
        while not data.endswith(PROMPT):
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.decode("utf-8", "replace")


@pytest.fixture
def hmp_vm(emu):
    if not os.path.exists(machina.UBOOT):
        pytest.skip("u-boot-qemu is not installed")
    tmp = tempfile.mkdtemp(prefix="machina-hmp-")
    path = os.path.join(tmp, "hmp.sock")
    with machina.Vm(["-M", "virt", "-nographic", "-kernel", machina.UBOOT,
                     "-monitor", "unix:%s,server=on,wait=off" % path]) as vm:
        vm.wait_for("OpenSBI", timeout=30)
        mon = Hmp(path)
        yield vm, mon
        mon.sock.close()
    os.unlink(path) if os.path.exists(path) else None
    os.rmdir(tmp)


def test_hmp_info_and_x(hmp_vm):
    vm, mon = hmp_vm
    vm.wait_for("Hit any key", timeout=30)
    assert "pc" in mon.cmd("info registers")
    out = mon.cmd("x/4i $pc")
    lines = [l for l in out.splitlines() if l.startswith("0x")]
    assert len(lines) == 4, out
    assert "0000000080000000:" in mon.cmd("xp/4xw 0x80000000")
    assert "VM status: running" in mon.cmd("info status")
    assert "CPU #0" in mon.cmd("info cpus")
    assert "unknown command" in mon.cmd("bogus")
    assert "not supported" in mon.cmd("screendump /tmp/x.ppm")
    assert "count must be" in mon.cmd("x/99999999x 0")
    assert "Cannot access" in mon.cmd("xp/x 0xfffffffffffff000")


def test_hmp_stop_cont_reset_quit(hmp_vm):
    vm, mon = hmp_vm
    mon.cmd("stop")
    assert "VM status: paused" in mon.cmd("info status")
    mon.cmd("cont")
    assert "VM status: running" in mon.cmd("info status")
    vm.wait_for("Hit any key", timeout=30)
    mon.cmd("system_reset")
    vm.wait_for("OpenSBI", timeout=30)
    mon.sock.sendall(b"quit\n")
    assert vm.wait_exit(10) == 0
