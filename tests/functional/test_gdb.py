# SPDX-License-Identifier: MIT
"""gdbstub: gdb-multiarch drives a riscv64 guest (OpenSBI + U-Boot);
malformed packets on a raw socket get protocol replies, no crash."""

import os
import re
import shutil
import socket
import subprocess
import time

import pytest

import machina

FW_JUMP = os.path.join(machina.OPENSBI, "fw_jump.bin")
GDB = shutil.which("gdb-multiarch")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listen(port, timeout=10):
    """Wait until something listens on port (without connecting to it:
    a probe connection would count as the debugger)."""
    want = ":%04X" % port
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    for line in f.readlines()[1:]:
                        cols = line.split()
                        if cols[1].endswith(want) and cols[3] == "0A":
                            return
            except OSError:
                pass
        time.sleep(0.05)
    raise AssertionError("nothing listens on port %d" % port)


def start_vm(port):
    if not os.path.exists(machina.UBOOT) or not os.path.exists(FW_JUMP):
        pytest.skip("opensbi or u-boot-qemu is not installed")
    vm = machina.Vm(["-M", "virt", "-m", "256M", "-nographic",
                     "-bios", FW_JUMP, "-kernel", machina.UBOOT,
                     "-S", "-gdb", "tcp::%d" % port])
    wait_listen(port)
    return vm


def test_gdb_multiarch(emu):
    if not GDB:
        pytest.skip("gdb-multiarch is not installed")
    port = free_port()
    with start_vm(port) as vm:
        cmds = [
            "set architecture riscv:rv64",
            "set confirm off",
            "target remote :%d" % port,
            "p/x $pc",
            "break *0x80000000",
            "continue",
            "p/x $pc",
            "stepi",
            "p/x $pc",
            "set $t1 = 0x1234abcd",
            "p/x $t1",
            "p/x $misa",
            "p $priv",
            "x/2wx 0x80000000",
            "set {int}0x88000000 = 0x11223344",
            "x/wx 0x88000000",
            "info threads",
            "delete",
            # U-Boot's entry, reached through OpenSBI's mret to S-mode.
            "break *0x80200000",
            "continue",
            "p/x $pc",
            "p $priv",
            "delete",
            "detach",
        ]
        args = [GDB, "-nx", "-batch"]
        for c in cmds:
            args += ["-ex", c]
        out = subprocess.run(args, capture_output=True, text=True,
                             timeout=60).stdout
        assert "$1 = 0x1000" in out, out
        assert "Breakpoint 1, 0x0000000080000000" in out, out
        assert "$2 = 0x80000000" in out, out
        # The first insn of fw_jump is 4 bytes long.
        assert "$3 = 0x80000004" in out, out
        assert "$4 = 0x1234abcd" in out, out
        assert "$5 = 0x8" in out, out           # misa: MXL = 64
        assert "$6 = 3" in out, out             # priv: M-mode
        assert "0x80000000:\t0x" in out, out
        assert "0x88000000:\t0x11223344" in out, out
        assert "Thread 1" in out, out
        assert "Breakpoint 2, 0x0000000080200000" in out, out
        assert "$7 = 0x80200000" in out, out
        assert "$8 = 1" in out, out             # U-Boot runs in S-mode
        assert "detached" in out, out
        vm.wait_for(r"Hit any key to stop autoboot", timeout=60)
        vm.send(" ")
        vm.wait_for(r"=> ", timeout=30)


def checksum(data):
    return "%02x" % (sum(data) & 0xff)


class Raw:
    """A gdb client speaking the protocol by hand."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def send_raw(self, data):
        self.s.sendall(data)

    def packet(self, body):
        if isinstance(body, str):
            body = body.encode()
        self.send_raw(b"$" + body + b"#" + checksum(body).encode())

    def read_byte(self):
        while not self.buf:
            data = self.s.recv(65536)
            assert data, "stub closed the connection"
            self.buf += data
        c, self.buf = self.buf[:1], self.buf[1:]
        return c

    def ack(self):
        return self.read_byte()

    def reply(self):
        """Next packet's payload (checks its checksum, sends '+')."""
        while self.read_byte() != b"$":
            pass
        body = b""
        while True:
            c = self.read_byte()
            if c == b"#":
                break
            body += c
        cs = self.read_byte() + self.read_byte()
        assert cs.decode() == checksum(body), body
        self.send_raw(b"+")
        return body.decode("latin-1")

    def cmd(self, body):
        self.packet(body)
        assert self.ack() == b"+"
        return self.reply()


def test_gdb_raw_packets(emu):
    port = free_port()
    with start_vm(port) as vm:
        r = Raw(port)
        # Bad checksum: nack, nothing executed.
        r.send_raw(b"$g#00")
        assert r.ack() == b"-"
        # Non-hex checksum digits.
        r.send_raw(b"$g#zz")
        assert r.ack() == b"-"
        # Noise and stray acks between packets are ignored.
        r.send_raw(b"garbage++")
        assert r.cmd("?").startswith("T05thread:01;")
        # Unknown packets: empty reply.
        assert r.cmd("jfoo") == ""
        assert r.cmd("qNoSuchThing") == ""
        assert r.cmd("vNoSuch") == ""
        assert r.cmd("Hx1") == ""
        # Oversized packet: an error, then the stub still works.
        r.packet(b"m" + b"0" * 10000)
        assert r.ack() == b"+"
        assert r.reply().startswith("E")
        # Broken escape / run length.
        assert r.cmd(b"}").startswith("E")
        assert r.cmd(b"*3").startswith("E")
        # Run-length input: "m0*\"" is m followed by six zeros ('"'-29=5).
        assert r.cmd(b"m0*\",4") == r.cmd("m000000,4")
        sup = r.cmd("qSupported:multiprocess+;swbreak+")
        assert "PacketSize=" in sup and "qXfer:features:read+" in sup
        xml = r.cmd("qXfer:features:read:target.xml:0,ffff")
        assert xml.startswith("l") and "riscv:rv64" in xml
        assert r.cmd("qXfer:features:read:nosuch.xml:0,100").startswith("E")
        assert r.cmd("qXfer:features:read:target.xml:zz").startswith("E")
        assert r.cmd("qXfer:features:read:riscv-64bit-csr.xml:0,10") \
            .startswith("m")
        assert r.cmd("qAttached") == "1"
        assert r.cmd("qfThreadInfo") == "m1"
        assert r.cmd("qsThreadInfo") == "l"
        assert r.cmd("qC") == "QC1"
        assert r.cmd("Hg1") == "OK"
        assert r.cmd("Hg99").startswith("E")
        assert r.cmd("T1") == "OK"
        assert r.cmd("T5").startswith("E")
        g = r.cmd("g")
        assert len(g) == 33 * 16
        assert r.cmd("p20") == "0010000000000000"    # pc = 0x1000
        assert r.cmd("pfffffff").startswith("E")
        assert r.cmd("pffffffffffffffffffff").startswith("E")
        assert r.cmd("P20=00").startswith("E")        # too short
        assert r.cmd("P6=efbeadde00000000") == "OK"  # t1
        assert r.cmd("p6") == "efbeadde00000000"
        # Memory: unmapped, wrapping, bad syntax, huge lengths.
        assert r.cmd("m0,4").startswith("E")
        assert r.cmd("mffffffffffffffff,10").startswith("E")
        assert r.cmd("m80000000").startswith("E")
        assert len(r.cmd("m80000000,ffffffffffffffff")) > 0
        assert r.cmd("M80000000,4:zz").startswith("E")
        assert r.cmd("M80000000,100:00").startswith("E")
        assert r.cmd("M88000000,4:01020304") == "OK"
        assert r.cmd("m88000000,4") == "01020304"
        assert r.cmd(b"X88000000,2:}]}\x03") == "OK"  # escaped '}' and '#'
        assert r.cmd("m88000000,2") == "7d23"
        # Watchpoints: insert/remove, bad lengths and kinds.
        assert r.cmd("Z2,88000000,4") == "OK"
        assert r.cmd("Z3,88000000,8") == "OK"
        assert r.cmd("Z4,88000000,1") == "OK"
        assert r.cmd("z2,88000000,4") == "OK"
        assert r.cmd("z3,88000000,8") == "OK"
        assert r.cmd("z4,88000000,1") == "OK"
        assert r.cmd("z2,88000000,4").startswith("E")
        assert r.cmd("Z2,88000000,0").startswith("E")
        assert r.cmd("Z2,ffffffffffffffff,8").startswith("E")
        assert r.cmd("Z3,88000000,ffffffff").startswith("E")
        assert r.cmd("Z9,88000000,4") == ""
        # Bad breakpoint syntax.
        assert r.cmd("Z0,zz").startswith("E")
        assert r.cmd("Z0,80000004,4") == "OK"
        assert r.cmd("z0,80000004,4") == "OK"
        # monitor: output as O packets, then OK; bad hex is an error.
        r.packet("qRcmd," + b"info status".hex())
        assert r.ack() == b"+"
        o = r.reply()
        assert o.startswith("O"), o
        assert b"VM status: paused" in bytes.fromhex(o[1:]), o
        assert r.reply() == "OK"
        r.packet("qRcmd," + b"help".hex())
        assert r.ack() == b"+"
        text = b""
        while True:
            o = r.reply()
            if o == "OK":
                break
            text += bytes.fromhex(o[1:])
        assert b"gdbserver" in text and b"xp /fmt" in text, text
        assert r.cmd("qRcmd,zz").startswith("E")
        assert r.cmd("qRcmd,686").startswith("E")
        assert r.cmd("qRcmd,00").startswith("E")
        assert r.cmd("vCont?").startswith("vCont")
        assert r.cmd("vCont;x").startswith("E")
        assert r.cmd("vCont;s:99").startswith("E")
        # Step, then continue and interrupt with Ctrl-C.
        assert r.cmd("vCont;s:1").startswith("T05thread:01;")
        assert r.cmd("p20") != "0010000000000000"
        r.packet("c")
        assert r.ack() == b"+"
        time.sleep(0.3)
        # While running, only Ctrl-C, D and k are honoured.
        assert r.cmd("g").startswith("E")
        assert r.cmd("Z0,80200000,4").startswith("E")
        r.send_raw(b"\x03")
        assert r.reply().startswith("T02")
        # No-ack mode: packets without acks.
        r.packet("QStartNoAckMode")
        assert r.ack() == b"+"
        assert r.reply() == "OK"
        r.packet("qC")
        assert r.reply() == "QC1"
        r.packet("D")
        assert r.reply() == "OK"
        r.s.close()
        assert vm.alive()
        vm.wait_for(r"OpenSBI v\d", timeout=30)
        # A second client may attach; a client that vanishes is harmless.
        r = Raw(port)
        r.send_raw(b"$qSupported:xx")
        r.s.close()
        time.sleep(0.3)
        assert vm.alive()


def run_gdb(cmds, timeout=60):
    args = [GDB, "-nx", "-batch"]
    for c in cmds:
        args += ["-ex", c]
    # gdb prints "monitor" output on stderr in batch mode.
    return subprocess.run(args, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          timeout=timeout).stdout


def test_gdb_watchpoints_and_monitor(emu, guest_dir):
    """watch/rwatch/awatch on a bare-metal guest's data; monitor CMD."""
    if not GDB:
        pytest.skip("gdb-multiarch is not installed")
    elf = os.path.join(guest_dir, "rv64i.elf")
    port = free_port()
    with machina.Vm(machina.baremetal_args(elf) +
                    ["-S", "-gdb", "tcp::%d" % port]) as vm:
        wait_listen(port)
        out = run_gdb([
            "set confirm off",
            "file " + elf,
            "target remote :%d" % port,
            "monitor info status",
            # rv64i.c test_loads_stores: mem[0] = 0x8182838485868788.
            "watch mem[0]",
            "continue",
            "p/x mem[0]",
            "delete",
            # ... then CHECK_EQ(mem[1], ...) reads mem[1].
            "rwatch mem[1]",
            "continue",
            "delete",
            "awatch mem[2]",
            "continue",
            "delete",
            "monitor info registers",
            "monitor x/2i $pc",
            "monitor nosuchcommand",
            "detach",
        ])
        assert "VM status: paused" in out, out
        assert "Hardware watchpoint 1: mem[0]" in out, out
        assert "Old value = 0" in out, out
        assert "New value = 9332165983064197000" in out, out
        assert "$1 = 0x8182838485868788" in out, out
        assert "Hardware read watchpoint 2: mem[1]" in out, out
        assert "Value = " in out, out
        assert "Hardware access (read/write) watchpoint 3: mem[2]" in out, out
        assert "x2/sp" in out, out
        assert "unknown command: 'nosuchcommand'" in out, out
        # Watchpoints are gone after detach: the test runs to its end.
        assert vm.wait_exit(30) == 0
        assert "FAIL" not in vm.text, vm.text


def uboot_prompt_pc():
    """Boot U-Boot to its prompt; return (relocaddr, a pc in the relocated
    prompt loop) from bdinfo and HMP 'info registers'."""
    import tempfile
    tmp = tempfile.mkdtemp(prefix="machina-gdb-")
    path = os.path.join(tmp, "hmp.sock")
    try:
        with machina.Vm(["-M", "virt", "-m", "256M", "-nographic",
                         "-bios", FW_JUMP, "-kernel", machina.UBOOT,
                         "-monitor", "unix:%s,server=on,wait=off" % path]) \
                as vm:
            vm.wait_for(r"Hit any key to stop autoboot", timeout=60)
            vm.send(" ")
            vm.wait_for(r"=> ", timeout=30)
            vm.send("bdinfo\n")
            vm.wait_for(r"relocaddr\s*=\s*0x[0-9a-f]+", timeout=30)
            m = re.search(r"relocaddr\s*=\s*(0x[0-9a-f]+)", vm.text)
            reloc = int(m.group(1), 16)
            vm.wait_for(r"=> ", timeout=30)
            mon = machina.Hmp(path)
            for _ in range(200):
                regs = mon.cmd("info registers")
                pc = int(re.search(r"\bpc\s+([0-9a-f]+)", regs).group(1), 16)
                priv = int(re.search(r"\bpriv\s+([0-9a-f]+)", regs)
                           .group(1), 16)
                if priv == 1 and pc >= reloc:
                    mon.sock.close()
                    return reloc, pc
                time.sleep(0.01)
            mon.sock.close()
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(tmp)
    pytest.fail("no pc in relocated U-Boot seen")


def test_gdb_uboot_relocated(emu):
    """Break in U-Boot after relocation: the address comes from a first
    boot (bdinfo's relocaddr and the prompt loop's pc)."""
    if not GDB:
        pytest.skip("gdb-multiarch is not installed")
    if not os.path.exists(machina.UBOOT) or not os.path.exists(FW_JUMP):
        pytest.skip("opensbi or u-boot-qemu is not installed")
    reloc, pc = uboot_prompt_pc()
    port = free_port()
    with start_vm(port) as vm:
        out = run_gdb([
            "set architecture riscv:rv64",
            "set confirm off",
            "target remote :%d" % port,
            "hbreak *0x%x" % pc,
            "continue",
            "p/x $pc",
            "p $priv",
            "x/i $pc",
            "delete",
            "detach",
        ], timeout=90)
        assert pc >= reloc
        assert "Hardware assisted breakpoint 1 at 0x%x" % pc in out, out
        assert "Breakpoint 1, 0x%016x" % pc in out, out
        assert "$1 = 0x%x" % pc in out, out
        assert "$2 = 1" in out, out
        assert "detached" in out, out
        vm.wait_for(r"Hit any key to stop autoboot|=> ", timeout=60)
