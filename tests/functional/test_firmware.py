# SPDX-License-Identifier: MIT
"""OpenSBI (fw_jump, fw_dynamic) + U-Boot reach the prompt and answer."""

import os

import pytest

import machina


def uboot_prompt(vm):
    # Stop autoboot as soon as U-Boot offers it, then wait for "=>".
    vm.wait_for(r"OpenSBI v\d", timeout=60)
    vm.wait_for(r"U-Boot \d{4}\.\d+", timeout=60)
    vm.wait_for(r"Hit any key to stop autoboot", timeout=60)
    vm.send(" ")
    vm.wait_for(r"=> ", timeout=30)
    vm.send("version\n", delay=0.02)
    vm.wait_for(r"U-Boot \d{4}\.\d+", timeout=30)
    vm.wait_for(r"=> ", timeout=30)


@pytest.mark.parametrize("fw", ["fw_jump", "fw_dynamic"])
def test_opensbi_uboot(emu, fw):
    if not os.path.exists(machina.UBOOT):
        pytest.skip("u-boot-qemu is not installed")
    bios = os.path.join(machina.OPENSBI, fw + ".bin")
    if not os.path.exists(bios):
        pytest.skip("opensbi is not installed")
    with machina.Vm(["-M", "virt", "-m", "256M", "-nographic",
                     "-bios", bios, "-kernel", machina.UBOOT]) as vm:
        uboot_prompt(vm)


def test_default_bios_uboot(emu):
    """-bios default finds OpenSBI on the firmware search path."""
    if not os.path.exists(machina.UBOOT):
        pytest.skip("u-boot-qemu is not installed")
    with machina.Vm(["-M", "virt", "-m", "256M", "-nographic",
                     "-kernel", machina.UBOOT]) as vm:
        uboot_prompt(vm)
