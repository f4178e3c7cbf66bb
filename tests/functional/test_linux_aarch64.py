# SPDX-License-Identifier: MIT
"""Linux on the aarch64 virt board: a busybox initramfs under Debian 12's
arm64 installer kernel, and the Debian 12 arm64 installer up to its first
question.  Images come from scripts/fetch-images.sh arm64."""

import os

import pytest

import linuxboot
import machina
from test_linux import INIT, check_busybox_script

KERNEL = linuxboot.ARM64.kernel
INITRD = linuxboot.ARM64.initrd
BUSYBOX = linuxboot.ARM64.busybox
EMU = os.path.join(machina.BUILD, "machina-system-aarch64")

def need(*paths):
    for p in paths:
        if not os.path.exists(p):
            pytest.skip("%s missing (run scripts/fetch-images.sh arm64)" % p)


@pytest.fixture
def emu64():
    if not os.access(EMU, os.X_OK):
        pytest.skip("emulator %s is not built" % EMU)
    return EMU


@pytest.fixture(scope="module")
def initramfs(tmp_path_factory):
    need(BUSYBOX)
    path = tmp_path_factory.mktemp("initramfs") / "busybox.cpio"
    return linuxboot.build_initramfs(path, linuxboot.ARM64, [], INIT)


def virt_args(smp, initrd, append, gic="3"):
    return ["-M", "virt,gic-version=" + gic, "-cpu", "cortex-a57", "-m", "1G",
            "-smp", str(smp), "-nographic", "-kernel", KERNEL,
            "-initrd", initrd, "-append", append]


@pytest.mark.parametrize("smp,gic", [(1, "3"), (2, "3"), (2, "2")])
def test_busybox_initramfs_aarch64(emu64, initramfs, smp, gic):
    need(KERNEL)
    with machina.Vm(virt_args(smp, initramfs,
                              "console=ttyAMA0 panic=-1 quiet", gic),
                    binary=emu64) as vm:
        check_busybox_script(vm, smp)


@pytest.mark.slow
@pytest.mark.parametrize("smp", [1, 4])
def test_debian_installer_aarch64(emu64, smp):
    need(KERNEL, INITRD)
    timeout = int(os.environ.get("MACHINA_INSTALLER_TIMEOUT", "420"))
    with machina.Vm(virt_args(smp, INITRD, "console=ttyAMA0"),
                    binary=emu64) as vm:
        vm.wait_for(r"Select a language", timeout=timeout)
