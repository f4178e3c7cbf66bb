# SPDX-License-Identifier: MIT
"""-d, -D and -dfilter on bare-metal guests."""

import os
import re
import subprocess
import tempfile

import machina

ITEMS = ["in_asm", "op", "op_opt", "out_asm", "exec", "cpu", "int", "mmu",
         "guest_errors", "unimp"]


def run_logged(emu, elf, extra, timeout=60):
    """Run a guest with extra options and -D; return (rc, stdout, log)."""
    fd, path = tempfile.mkstemp(prefix="machina-log-")
    os.close(fd)
    try:
        p = subprocess.run([emu] + machina.baremetal_args(elf) + extra +
                           ["-D", path], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        with open(path, errors="replace") as f:
            log = f.read()
    finally:
        os.unlink(path)
    return p.returncode, p.stdout + p.stderr, log


def tb_pcs(log, tag):
    return [int(m.group(1), 16)
            for m in re.finditer(tag + r".*?pc 0x([0-9a-f]+)", log)]


def test_d_help(emu):
    p = subprocess.run([emu, "-d", "help"], capture_output=True, text=True,
                       timeout=10)
    assert p.returncode == 0
    for item in ITEMS:
        assert re.search(r"^%s\s" % item, p.stdout, re.M), p.stdout
    assert "-dfilter" in p.stdout
    p = subprocess.run([emu, "-d", "nosuch"], capture_output=True,
                       text=True, timeout=10)
    assert p.returncode != 0 and "nosuch" in p.stderr


def test_in_asm_int_guest_errors(emu, guest_dir):
    elf = os.path.join(guest_dir, "traps.elf")
    rc, out, log = run_logged(emu, elf, ["-d", "in_asm,int,guest_errors"])
    assert rc == 0, out
    assert "IN: pc 0x0000000080000000" in log, log[:2000]
    # Guest disassembly: address, encoding, mnemonic.
    assert re.search(r"^0x0000000080000000:\s+[0-9a-f]+\s+\S+", log, re.M)
    assert re.search(r"exception \d+ \(\w+\)", log), log[-2000:]
    assert "OUT:" not in log
    # A fetch from a hole is a guest error, logged only when asked.
    elf = os.path.join(guest_dir, "jump-unmapped.elf")
    rc, out, log = run_logged(emu, elf, ["-d", "guest_errors"])
    assert "bus error" in log, log
    rc, out, log = run_logged(emu, elf, [])
    assert "bus error" not in log + out


def test_out_asm(emu, guest_dir):
    elf = os.path.join(guest_dir, "rv64i.elf")
    rc, out, log = run_logged(emu, elf, ["-d", "in_asm,out_asm"])
    assert rc == 0, out
    assert "IN: pc" in log and "OUT: [size=" in log, log[:2000]


def test_dfilter(emu, guest_dir):
    elf = os.path.join(guest_dir, "rv64i.elf")
    rc, out, log = run_logged(emu, elf, ["-d", "in_asm,out_asm,exec",
                                         "-dfilter", "0x80000000+0x100"])
    assert rc == 0, out
    pcs = tb_pcs(log, "IN:")
    assert pcs and all(0x80000000 <= pc < 0x80000100 for pc in pcs), pcs
    outs = tb_pcs(log, "OUT:")
    assert outs and all(0x80000000 <= pc < 0x80000100 for pc in outs)
    traces = [int(m.group(1), 16) for m in
              re.finditer(r"Trace \d+: \S+ \[([0-9a-f]+)/", log)]
    assert traces and all(0x80000000 <= pc < 0x80000100 for pc in traces)
    # Two ranges, START..END form: the reset vector and the entry.
    rc, out, log = run_logged(emu, elf, ["-d", "in_asm", "-dfilter",
                                         "0x1000..0x1fff,0x80000000+4"])
    pcs = tb_pcs(log, "IN:")
    assert 0x1000 in pcs and 0x80000000 in pcs, pcs
    assert all(pc < 0x2000 or pc == 0x80000000 for pc in pcs), pcs
    for bad in ("0x1000", "0x1000+0", "zz..1", "0x2000..0x1000",
                "0xffffffffffffffff+2", ""):
        p = subprocess.run([emu, "-dfilter", bad, "-M", "virt"],
                           capture_output=True, text=True, timeout=10)
        assert p.returncode != 0 and "-dfilter" in p.stderr, (bad, p.stderr)
