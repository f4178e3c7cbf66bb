# SPDX-License-Identifier: MIT
"""gdbstub on the aarch64 virt board: gdb-multiarch drives a bare-metal
guest (tests/guest/aarch64/dbg.c): break at main, step, X and V register
and memory reads and writes, watchpoints, finish, continue to the exit;
the 'g' packet and target description on a raw socket."""

import os

import pytest

import machina
from test_gdb import GDB, Raw, free_port, run_gdb, wait_listen

EMU = os.path.join(machina.BUILD, "machina-system-aarch64")
GUEST_DIR = os.path.join(machina.BUILD, "tests", "guest", "aarch64")
ELF = os.path.join(GUEST_DIR, "dbg.elf")


@pytest.fixture
def vm_args():
    if not os.access(EMU, os.X_OK):
        pytest.skip("emulator %s is not built" % EMU)
    if not os.path.exists(ELF):
        pytest.skip("%s not built (make guest-tests)" % ELF)
    return ["-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-m", "128M",
            "-nographic", "-kernel", ELF]


def test_gdb_multiarch_aarch64(vm_args):
    if not GDB:
        pytest.skip("gdb-multiarch is not installed")
    port = free_port()
    with machina.Vm(vm_args + ["-S", "-gdb", "tcp::%d" % port],
                    binary=EMU) as vm:
        wait_listen(port)
        out = run_gdb([
            "set confirm off",
            "file " + ELF,
            "target remote :%d" % port,
            "p/x $pc",                              # $1: _start
            "break main",
            "continue",
            "p/x $pc == (long)&main",               # $2
            "stepi",
            "p/x $pc - (long)&main",                # $3
            "set $x5 = 0x1234abcd",
            "p/x $x5",                              # $4
            "set $v3.d.u[0] = 0x1122334455667788",
            "set $v3.d.u[1] = 0x99aabbccddeeff00",
            "p/x $v3.d.u",                          # $5
            "p/x $v3.s.u",                          # $6
            "p/x $cpsr",                            # $7: EL1h, DAIF set
            "set $fpcr = 0x3000000",
            "p/x $fpcr",                            # $8
            "x/2wx 0x40080000",
            "set {long}&result = 0x5555",
            "x/gx &result",
            "watch watched",
            "continue",
            "continue",
            "p/x watched",                          # $9
            "delete",
            "break twice",
            "continue",
            "p/x $x0",                              # $10
            "finish",                               # $11: value returned
            "delete",
            "continue",
        ])
        assert "$1 = 0x40080000" in out, out
        assert "Breakpoint 1, main () at dbg.c" in out, out
        assert "$2 = 0x1" in out, out
        assert "$3 = 0x4" in out, out
        assert "$4 = 0x1234abcd" in out, out
        assert "$5 = {0x1122334455667788, 0x99aabbccddeeff00}" in out, out
        assert "$6 = {0x55667788, 0x11223344, 0xddeeff00, 0x99aabbcc}" \
            in out, out
        assert "$7 = 0x3c5" in out, out
        assert "$8 = 0x3000000" in out, out
        # crt0.S starts with "ldr x1, =stack_top".
        assert "0x40080000 <_start>:\t0x58" in out, out
        assert "<result>:\t0x0000000000005555" in out, out
        assert "Hardware watchpoint 2: watched" in out, out
        assert "Old value = 0\nNew value = 17" in out, out
        assert "Old value = 17\nNew value = 34" in out, out
        assert "$9 = 0x22" in out, out
        assert "Breakpoint 3, twice (x=51)" in out, out
        assert "$10 = 0x33" in out, out
        assert "Value returned is $11 = 102" in out, out
        # The guest ran to its end (PSCI SYSTEM_OFF) with its own output.
        assert vm.wait_exit(30) == 0
        assert "result = 0x0000000000000066" in vm.text, vm.text


def test_gdb_raw_aarch64(vm_args):
    port = free_port()
    with machina.Vm(vm_args + ["-S", "-gdb", "tcp::%d" % port],
                    binary=EMU):
        wait_listen(port)
        r = Raw(port)
        xml = r.cmd("qXfer:features:read:target.xml:0,ffff")
        assert xml.startswith("l") and "<architecture>aarch64" in xml, xml
        core = r.cmd("qXfer:features:read:aarch64-core.xml:0,ffff")
        assert "org.gnu.gdb.aarch64.core" in core and "cpsr" in core, core
        fpu = r.cmd("qXfer:features:read:aarch64-fpu.xml:0,ffff")
        assert "org.gnu.gdb.aarch64.fpu" in fpu and '"v31"' in fpu, fpu
        # x0-x30, sp, pc (8 bytes), cpsr (4), v0-v31 (16), fpsr, fpcr (4).
        g = r.cmd("g")
        assert len(g) == 2 * (33 * 8 + 4 + 32 * 16 + 2 * 4), len(g)
        assert r.cmd("p20") == "0000084000000000"       # pc = 0x40080000
        assert r.cmd("p21") == "c5030000"               # cpsr: EL1h, DAIF
        assert r.cmd("P22=00112233445566778899aabbccddeeff") == "OK"  # v0
        assert r.cmd("p22") == "00112233445566778899aabbccddeeff"
        assert r.cmd("P1=efbeadde00000000") == "OK"    # x1
        assert r.cmd("p1") == "efbeadde00000000"
        assert r.cmd("p44").startswith("E")            # no register 68


def test_gdb_breakpoint_on_aliased_code_aarch64(vm_args):
    """pcrel.elf runs one code page at its identity address, then at
    windows A and B.  A breakpoint at window B's copy of f_adrp must stop
    there once (the code was translated at the other addresses first) and
    not at the other addresses (one translation serves every mapping)."""
    if not GDB:
        pytest.skip("gdb-multiarch is not installed")
    elf = os.path.join(GUEST_DIR, "pcrel.elf")
    if not os.path.exists(elf):
        pytest.skip("%s not built (make guest-tests)" % elf)
    port = free_port()
    args = vm_args[:-1] + [elf, "-S", "-gdb", "tcp::%d" % port]
    with machina.Vm(args, binary=EMU) as vm:
        wait_listen(port)
        out = run_gdb([
            "set confirm off",
            "file " + elf,
            "target remote :%d" % port,
            "break *0x80010008",        # window B + 8: f_adrp
            "continue",
            "p/x $pc",                  # $1
            "continue",
        ])
        assert "$1 = 0x80010008" in out, out
        assert out.count("Breakpoint 1, ") == 1, out
        assert vm.wait_exit(30) == 0
        with open(os.path.join(machina.ROOT, "tests", "guest", "aarch64",
                               "pcrel.expected")) as f:
            assert vm.text == f.read()
