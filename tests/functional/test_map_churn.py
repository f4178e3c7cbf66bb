# SPDX-License-Identifier: MIT
"""A guest that changes the memory map over and over (PCI BAR moves, flash
mode switches) must not make the emulator grow: every change builds a new
flat view, and the old ones have to be freed (system/rcu.c).  Before the
fix, 131072 BAR changes grew the riscv64 emulator by ~135 MiB and 51200
flash mode switches the aarch64 one by ~135 MiB.  These tests measure
memory (VmRSS, peak RSS), never time."""

import os
import subprocess

import pytest

import machina

# Far above the noise of a correct build (< 1 MiB), far below the growth
# without reclaim.
BOUND_KB = 32 * 1024

AARCH64_GUESTS = os.path.join(machina.BUILD, "tests", "guest", "aarch64")


def churn_env():
    """ASan (sanitizer builds) keeps freed memory in a 256 MiB quarantine,
    which would look like growth here: keep it small."""
    env = dict(os.environ)
    opts = env.get("ASAN_OPTIONS")
    env["ASAN_OPTIONS"] = (opts + ":" if opts else "") + \
        "quarantine_size_mb=4"
    return env


def vm_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


def test_pci_bar_churn(emu, guest_dir):
    elf = os.path.join(guest_dir, "map-churn.elf")
    if not os.path.exists(elf):
        pytest.skip("%s not built" % elf)
    args = machina.baremetal_args(elf) + ["-device", "virtio-rng-pci"]
    with machina.Vm(args, env=churn_env()) as vm:
        vm.wait_for("churn: ready", timeout=60)
        before = vm_rss_kb(vm.proc.pid)
        vm.send("g")
        vm.wait_for("churn: done", timeout=600)
        after = vm_rss_kb(vm.proc.pid)
        vm.send("q")
        rc = vm.wait_exit(timeout=30)
        out = vm.text
    assert "FAIL" not in out, out
    assert rc == 0, "exit status %d\n%s" % (rc, out)
    assert "churn: 131072 map changes" in out, out
    assert "PASS: churn device follows its BAR" in out, out
    assert after - before < BOUND_KB, \
        "VmRSS grew by %d KiB over 131072 map changes" % (after - before)


def run_with_rusage(args):
    """Run to completion; (exit status, output, peak RSS in KiB)."""
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env=churn_env())
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stdout.close()
    return p.returncode, out.decode("utf-8", "replace"), ru.ru_maxrss


def test_flash_mode_churn():
    emu64 = os.path.join(machina.BUILD, "machina-system-aarch64")
    churn = os.path.join(AARCH64_GUESTS, "flashchurn.elf")
    small = os.path.join(AARCH64_GUESTS, "alu.elf")
    if not os.access(emu64, os.X_OK):
        pytest.skip("emulator %s is not built" % emu64)
    if not (os.path.exists(churn) and os.path.exists(small)):
        pytest.skip("aarch64 guest tests not built (make guest-tests)")
    base = ["-M", "virt", "-cpu", "cortex-a57", "-m", "128M", "-nographic",
            "-kernel"]
    rc, out, ref_kb = run_with_rusage([emu64] + base + [small])
    assert rc == 0, out
    rc, out, churn_kb = run_with_rusage([emu64] + base + [churn])
    assert rc == 0, out
    assert "mode changes = 0x000000000000c800" in out, out
    assert "wrong id reads = 0x0000000000000000" in out, out
    assert "wrong array reads = 0x0000000000000000" in out, out
    assert churn_kb - ref_kb < BOUND_KB, \
        "peak RSS %d KiB after 51200 flash mode changes, %d KiB for alu" % (
            churn_kb, ref_kb)
