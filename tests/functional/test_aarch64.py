# SPDX-License-Identifier: MIT
"""AArch64 virt: bare-metal guest programs (tests/guest/aarch64) must print
their recorded output and power off through PSCI; the same programs under
Debian's qemu-system-aarch64 must print the same (differential)."""

import os
import shutil
import subprocess

import pytest

import machina

GUEST_SRC = os.path.join(machina.ROOT, "tests", "guest", "aarch64")
GUEST_DIR = os.path.join(machina.BUILD, "tests", "guest", "aarch64")


def aarch64_emulator():
    return os.path.join(machina.BUILD, "machina-system-aarch64")


def guest_tests():
    path = os.path.join(GUEST_DIR, "tests.list")
    if not os.path.exists(path):
        return ["alu", "branch", "mem", "exc", "undef", "timer", "mmu",
                "mmu64k"]
    with open(path) as f:
        return f.read().split()


def run(binary, args, timeout=60):
    p = subprocess.run([binary] + args, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def guest_args(elf):
    # GICv3 unless the test is a gicv2* one.  Tests of features a
    # Cortex-A57 lacks need -cpu max: atomic* (LSE), mmu16k (16K granule).
    name = os.path.basename(elf)
    cpu = "max" if name.startswith(("atomic", "mmu16k")) else "cortex-a57"
    gic = "2" if name.startswith("gicv2") else "3"
    return ["-M", "virt,gic-version=" + gic, "-cpu", cpu, "-m", "128M",
            "-nographic", "-kernel", elf]


@pytest.fixture
def emu64():
    path = aarch64_emulator()
    if not os.access(path, os.X_OK):
        pytest.skip("emulator %s is not built" % path)
    return path


@pytest.fixture
def elf_dir():
    if not os.path.exists(os.path.join(GUEST_DIR, "tests.list")):
        pytest.skip("aarch64 guest tests not built in %s (make guest-tests)"
                    % GUEST_DIR)
    return GUEST_DIR


@pytest.mark.parametrize("name", guest_tests())
def test_aarch64_guest(emu64, elf_dir, name):
    rc, out, err = run(emu64, guest_args(os.path.join(elf_dir,
                                                      name + ".elf")))
    with open(os.path.join(GUEST_SRC, name + ".expected")) as f:
        expected = f.read()
    assert rc == 0, "exit status %d\n%s%s" % (rc, out, err)
    assert out == expected


@pytest.mark.differential
@pytest.mark.parametrize("name", guest_tests())
def test_aarch64_differential(emu64, elf_dir, name):
    qemu = shutil.which("qemu-system-aarch64")
    if not qemu:
        pytest.skip("qemu-system-aarch64 is not installed "
                    "(apt-get install qemu-system-arm)")
    elf = os.path.join(elf_dir, name + ".elf")
    qrc, qout, qerr = run(qemu, guest_args(elf))
    assert qrc == 0, "QEMU exit status %d\n%s" % (qrc, qerr)
    rc, out, err = run(emu64, guest_args(elf))
    assert rc == 0, "exit status %d\n%s" % (rc, err)
    assert out == qout


@pytest.mark.parametrize("model", ["cortex-a57", "cortex-a72", "max"])
def test_aarch64_cpu_models(emu64, elf_dir, model):
    args = guest_args(os.path.join(elf_dir, "exc.elf"))
    args[args.index("-cpu") + 1] = model
    rc, out, err = run(emu64, args)
    assert rc == 0, err
    assert "exc done" in out


def test_aarch64_bad_cpu(emu64):
    rc, out, err = run(emu64, ["-M", "virt", "-cpu", "pentium",
                               "-nographic"], timeout=20)
    assert rc != 0
    assert "pentium" in err


def test_aarch64_default_machine(emu64):
    rc, out, err = run(emu64, ["-M", "help"], timeout=20)
    assert rc == 0
    assert "virt" in out


def test_aarch64_dtb(emu64, tmp_path):
    dtc = shutil.which("dtc")
    if not dtc:
        pytest.skip("dtc is not installed (device-tree-compiler)")
    dtb = str(tmp_path / "virt.dtb")
    rc, out, err = run(emu64, ["-M", "virt,dumpdtb=" + dtb, "-m", "256M",
                               "-smp", "2", "-nographic",
                               "-append", "console=ttyAMA0"], timeout=20)
    assert rc == 0, err
    dts = subprocess.run([dtc, "-I", "dtb", "-O", "dts", dtb],
                         capture_output=True, text=True).stdout
    for text in ('method = "hvc"', "pl011@9000000", "memory@40000000",
                 "cpu@1", 'enable-method = "psci"',
                 'bootargs = "console=ttyAMA0"',
                 'stdout-path = "/pl011@9000000"',
                 "reg = <0x00 0x40000000 0x00 0x10000000>"):
        assert text in dts, dts
