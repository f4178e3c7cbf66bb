# SPDX-License-Identifier: MIT
"""Bare-metal ISA tests: each prints PASS lines and exits 0 through the
SiFive test finisher."""

import os

import pytest

import machina


def guest_tests():
    path = os.path.join(machina.GUEST_DIR, "tests.list")
    if not os.path.exists(path):
        return ["rv64i"]
    with open(path) as f:
        return f.read().split()


@pytest.mark.parametrize("name", guest_tests())
def test_guest(emu, guest_dir, name):
    elf = os.path.join(guest_dir, name + ".elf")
    rc, out = machina.run(machina.baremetal_args(elf), timeout=60)
    assert "FAIL" not in out, out
    if "PASS:" not in out and "SKIP:" in out:
        pytest.skip(out.strip().splitlines()[-1])
    assert rc == 0, "exit status %d\n%s" % (rc, out)
    assert "PASS:" in out
