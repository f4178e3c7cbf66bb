# SPDX-License-Identifier: MIT
"""pytest setup: --machina option, skips when inputs are missing."""

import os

import pytest

import machina


def pytest_addoption(parser):
    parser.addoption("--machina", default=None,
                     help="emulator binary under test (default: $MACHINA "
                          "or build/machina-system-riscv64)")


def pytest_configure(config):
    if config.getoption("--machina"):
        os.environ["MACHINA"] = os.path.abspath(config.getoption("--machina"))
    config.addinivalue_line("markers",
                            "slow: long boots (Debian installer); "
                            "deselect with -m 'not slow'")
    config.addinivalue_line("markers",
                            "differential: compares against Debian's QEMU")


@pytest.fixture
def emu():
    path = machina.emulator()
    if not os.access(path, os.X_OK):
        pytest.skip("emulator %s is not built" % path)
    return path


@pytest.fixture
def guest_dir():
    d = machina.GUEST_DIR
    if not os.path.exists(os.path.join(d, "tests.list")):
        pytest.skip("guest tests not built in %s (make guest-tests)" % d)
    return d
