# SPDX-License-Identifier: MIT
"""Bad command lines fail with one clear line; hostile guests trap
architecturally and never crash or hang the emulator."""

import os
import re
import subprocess
import time

import machina


def fails(emu, args, *words, max_lines=3):
    """Exit status 1; the first line names the culprit."""
    rc, out = machina.run(args, timeout=30)
    assert rc == 1, "exit status %d, output:\n%s" % (rc, out)
    lines = [l for l in out.splitlines() if l.strip()]
    assert lines, "no error message"
    assert len(lines) <= max_lines, "too chatty:\n%s" % out
    for w in words:
        assert w in lines[0], "%r not named in:\n%s" % (w, out)


def test_unknown_option(emu):
    fails(emu, ["-M", "virt", "-bogus-option"], "-bogus-option",
          max_lines=1)


def test_bad_memory_size(emu):
    fails(emu, ["-M", "virt", "-m", "lots", "-nographic", "-bios", "none"],
          "lots")


def test_missing_kernel(emu):
    fails(emu, ["-M", "virt", "-nographic", "-bios", "none",
                "-kernel", "/nonexistent/kernel.elf"],
          "/nonexistent/kernel.elf")


def test_missing_firmware(emu):
    fails(emu, ["-M", "virt", "-nographic", "-bios", "/nonexistent/fw.bin"],
          "/nonexistent/fw.bin")


def test_jump_to_unmapped(emu, guest_dir):
    """Fetching from a hole is an instruction access fault (mcause 1)."""
    elf = os.path.join(guest_dir, "jump-unmapped.elf")
    rc, out = machina.run(machina.baremetal_args(elf), timeout=30)
    assert "mcause=1 mtval>>20=8" in out, out
    assert rc == 0


def test_fault_loop_stays_responsive(emu, guest_dir):
    """mtvec = 0 and an illegal instruction: the hart loops on fetch
    faults at 0.  The emulator must keep running and still quit on
    Ctrl-A x."""
    elf = os.path.join(guest_dir, "illegal-nohandler.elf")
    with machina.Vm(machina.baremetal_args(elf)) as vm:
        vm.wait_for("about to fault", timeout=30)
        time.sleep(3)
        assert vm.alive(), "emulator died:\n%s" % vm.text
        vm.send(b"\x01x")
        rc = vm.wait_exit(timeout=15)
        assert rc in (0, 1), "exit status %d" % rc


def test_bad_pci_addr(emu):
    """addr= is slot[.fn], slot in hex below 0x20, fn 0-7: each PCI device
    refuses anything else, naming itself and the value."""
    for dev, addr in (("virtio-rng-pci", "zz"), ("e1000", "3.9"),
                      ("bochs-display", "20"), ("virtio-rng-pci", "4."),
                      ("e1000", "4.1x")):
        fails(emu, ["-M", "virt", "-nographic", "-bios", "none",
                    "-device", "%s,addr=%s" % (dev, addr)], dev, addr)
    # And good ones land where they say.
    p = subprocess.run([emu, "-M", "virt", "-nographic", "-bios", "none",
                        "-serial", "none", "-monitor", "stdio",
                        "-device", "virtio-rng-pci,addr=5.0",
                        "-device", "e1000,addr=0x6"],
                       input=b"info pci\nquit\n", capture_output=True,
                       timeout=30)
    out = p.stdout.decode()
    assert re.search(r"device +5, function 0:\r?\n +class 00ff: PCI device "
                     r"1af4:1044", out), out
    assert re.search(r"device +6, function 0:\r?\n +class 0200: PCI device "
                     r"8086:100e", out), out
