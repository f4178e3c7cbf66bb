# SPDX-License-Identifier: MIT
"""HMP over a unix socket against U-Boot on riscv64 virt."""

import os
import socket
import tempfile

import pytest

import machina



@pytest.fixture
def hmp_vm(emu):
    if not os.path.exists(machina.UBOOT):
        pytest.skip("u-boot-qemu is not installed")
    tmp = tempfile.mkdtemp(prefix="machina-hmp-")
    path = os.path.join(tmp, "hmp.sock")
    with machina.Vm(["-M", "virt", "-nographic", "-kernel", machina.UBOOT,
                     "-monitor", "unix:%s,server=on,wait=off" % path]) as vm:
        vm.wait_for("OpenSBI", timeout=30)
        mon = machina.Hmp(path)
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


def test_hmp_regs_pci_net_gdbserver(hmp_vm):
    vm, mon = hmp_vm
    vm.wait_for("Hit any key", timeout=30)
    mon.cmd("stop")
    regs = mon.cmd("info registers")
    sp = [l for l in regs.splitlines() if "x2/sp" in l][0]
    sp = int(sp.split("x2/sp")[1].split()[0], 16)
    # Any register gdb knows by name works in an expression.
    out = mon.cmd("xp/1xg $sp - $sp + 0x80000000")
    assert "0000000080000000:" in out, out
    out = mon.cmd("x/1xb $sp")
    assert out.startswith("%016x:" % sp), out
    assert "0000000080000000:" in mon.cmd("xp/1xw $zero + 0x80000000")
    assert "unknown register '$nosuch'" in mon.cmd("x/1x $nosuch")
    assert "0x" in mon.cmd("x/1i $ra")
    mon.cmd("cont")
    pci = mon.cmd("info pci")
    assert "unknown item" not in pci and "not supported" not in pci, pci
    net = mon.cmd("info network")
    assert "unknown item" not in net, net
    # gdbserver: start on a free port, a second call replaces it, none.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = mon.cmd("gdbserver tcp::%d" % port)
    assert "Waiting for gdb connection" in out, out
    with socket.create_connection(("127.0.0.1", port), timeout=5) as g:
        g.sendall(b"$?#3f")
        data = b""
        while b"#" not in data:
            data += g.recv(4096)
        assert b"T05" in data, data
    assert "Could not open" in mon.cmd("gdbserver tcp::bad")
    assert "Disabled" in mon.cmd("gdbserver none")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    # The connection above stopped the VM; detaching let it run again.
    assert "VM status: running" in mon.cmd("info status")
