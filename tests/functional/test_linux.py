# SPDX-License-Identifier: MIT
"""Linux boots: a busybox initramfs under Debian's installer kernel with
OpenSBI, and Debian's riscv64 installer up to its first question."""

import hashlib
import os

import pytest

import machina
from linuxboot import RISCV64, build_initramfs

KERNEL = RISCV64.kernel
INITRD = RISCV64.initrd
BUSYBOX = RISCV64.busybox

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "== ls"
ls /
echo "== sort"
printf 'pear\napple\nfig\n' | sort | tr '\n' ' '
echo
echo "== md5"
echo -n machina | md5sum
echo "== arith $((6 * 7)) $((1 << 20))"
echo "== date $(date -u +%Y)"
echo "== cpus $(grep -c ^processor /proc/cpuinfo)"
echo "== done"
poweroff -f
"""


def need(*paths):
    for p in paths:
        if not os.path.exists(p):
            pytest.skip("%s missing (run scripts/fetch-images.sh)" % p)


@pytest.fixture(scope="module")
def initramfs(tmp_path_factory):
    need(BUSYBOX)
    path = tmp_path_factory.mktemp("initramfs") / "busybox.cpio"
    return build_initramfs(path, RISCV64, [], INIT)


def check_busybox_script(vm, smp):
    """What INIT prints, checked as it comes; then the guest powers off."""
    vm.wait_for(r"== ls", timeout=240)
    m = vm.wait_for(r"(?s)(.*?)== sort", timeout=30)
    names = m.group(1).decode().split()
    for n in ("bin", "dev", "init", "proc"):
        assert n in names, m.group(1)
    vm.wait_for(r"apple fig pear", timeout=30)
    vm.wait_for(hashlib.md5(b"machina").hexdigest(), timeout=30)
    vm.wait_for(r"== arith 42 1048576", timeout=30)
    vm.wait_for(r"== date 20\d\d", timeout=30)
    vm.wait_for(r"== cpus %d" % smp, timeout=30)
    vm.wait_for(r"== done", timeout=30)
    assert vm.wait_exit(timeout=60) == 0


@pytest.mark.parametrize("smp", [1, 2])
def test_busybox_initramfs(emu, initramfs, smp):
    need(KERNEL)
    with machina.Vm(["-M", "virt", "-m", "512M", "-smp", str(smp),
                     "-nographic", "-bios", "default", "-kernel", KERNEL,
                     "-initrd", initramfs,
                     "-append", "console=ttyS0 panic=-1 quiet"]) as vm:
        check_busybox_script(vm, smp)


@pytest.mark.slow
@pytest.mark.parametrize("smp", [1, 4])
def test_debian_installer(emu, smp):
    need(KERNEL, INITRD)
    timeout = int(os.environ.get("MACHINA_INSTALLER_TIMEOUT", "420"))
    with machina.Vm(["-M", "virt", "-m", "1G", "-smp", str(smp),
                     "-nographic", "-kernel", KERNEL, "-initrd", INITRD,
                     # earlycon: if boot ever stalls, the log shows where
                     "-append", "console=ttyS0 earlycon"]) as vm:
        vm.wait_for(r"Select a language", timeout=timeout)
