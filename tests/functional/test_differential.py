# SPDX-License-Identifier: MIT
"""Differential tests: the same guest under Machina and Debian's QEMU must
print the same UART output and exit with the same status."""

import os
import shutil
import subprocess

import pytest

import machina
import rvgen
from test_guest import guest_tests

pytestmark = pytest.mark.differential

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST_SRC = os.path.join(machina.ROOT, "tests", "guest", "riscv64")
CROSS_CC = "riscv64-unknown-elf-gcc"
CFLAGS = ["-march=rv64gc_zicsr_zifencei_zba_zbb_zbc_zbs", "-mabi=lp64d",
          "-mcmodel=medany", "-static", "-nostdlib", "-ffreestanding",
          "-fno-builtin", "-O2", "-ffunction-sections",
          "-I" + GUEST_SRC]
SEEDS = [int(s) for s in
         os.environ.get("MACHINA_RVGEN_SEEDS", "1 2 3 4 5 6 7 8").split()]
N_INSNS = int(os.environ.get("MACHINA_RVGEN_N", "2000"))


@pytest.fixture
def qemu():
    q = machina.reference_qemu()
    if not q:
        pytest.skip("qemu-system-riscv64 is not installed "
                    "(Debian: qemu-system-misc)")
    return q


def both(emu, qemu, elf):
    args = machina.baremetal_args(elf)
    ours = machina.run(args, binary=emu, timeout=60)
    ref = machina.run(args, binary=qemu, timeout=60)
    return ours, ref


def normalise(text):
    return text.replace("\r\n", "\n")


@pytest.mark.parametrize("name", guest_tests())
def test_guest_same_as_qemu(emu, qemu, guest_dir, name):
    elf = os.path.join(guest_dir, name + ".elf")
    (rc, out), (qrc, qout) = both(emu, qemu, elf)
    if "SKIP:" in qout and "PASS:" not in qout:
        pytest.skip("reference QEMU lacks this feature: %s" %
                    qout.strip().splitlines()[-1])
    assert normalise(out) == normalise(qout)
    assert rc == qrc


@pytest.fixture(scope="module")
def rvgen_build(tmp_path_factory):
    if not shutil.which(CROSS_CC):
        pytest.skip("%s is not installed" % CROSS_CC)
    d = tmp_path_factory.mktemp("rvgen")
    objs = []
    for src in (os.path.join(GUEST_SRC, "crt0.S"),
                os.path.join(GUEST_SRC, "lib.c"),
                os.path.join(HERE, "rvgen_dump.c")):
        obj = str(d / (os.path.basename(src) + ".o"))
        subprocess.run([CROSS_CC] + CFLAGS + ["-c", "-o", obj, src],
                       check=True)
        objs.append(obj)
    return d, objs


@pytest.mark.parametrize("seed", SEEDS)
def test_random_stream(emu, qemu, rvgen_build, seed):
    d, objs = rvgen_build
    asm = d / ("rand%d.S" % seed)
    asm.write_text(rvgen.generate(seed, N_INSNS))
    elf = str(d / ("rand%d.elf" % seed))
    subprocess.run([CROSS_CC] + CFLAGS +
                   ["-T", os.path.join(GUEST_SRC, "link.ld"),
                    "-Wl,--no-relax", "-Wl,--gc-sections", "-o", elf] +
                   objs + [str(asm)], check=True)
    (rc, out), (qrc, qout) = both(emu, qemu, elf)
    assert qrc == 0 and "x31=" in qout, "reference failed:\n" + qout
    ours = normalise(out).splitlines()
    ref = normalise(qout).splitlines()
    diff = [(a, b) for a, b in zip(ours, ref) if a != b]
    assert not diff and len(ours) == len(ref), \
        "seed %d: first differences (machina, qemu): %s\n" \
        "reproduce: python3 tests/functional/rvgen.py %d %d" % (
            seed, diff[:5], seed, N_INSNS)
    assert rc == qrc
