# SPDX-License-Identifier: MIT
"""-accel tcg,thread=multi (a host thread per vCPU): atomics under real
concurrency on both guests, the aarch64 atomics' fault behaviour, and
Linux -smp boots.  The same guests run with thread=single (round-robin)
for comparison.  thread=multi is the default for -smp 2+, so the other SMP
test files run under MTTCG unless they ask for thread=single; Linux boots
under thread=single are here and in test_smp.py (docs/devel/tcg-engine.md)."""

import os
import re
import subprocess

import pytest

import machina
from linuxboot import RISCV64
from test_linux import check_busybox_script
from test_linux_aarch64 import KERNEL as A64_KERNEL
from test_linux_aarch64 import emu64, initramfs, need, virt_args  # noqa: F401
from test_aarch64 import GUEST_DIR as A64_DIR
from test_aarch64 import GUEST_SRC as A64_SRC
from test_aarch64 import aarch64_emulator, guest_args, run

THREADS = ["single", "multi"]


def accel(thread):
    return ["-accel", "tcg,thread=" + thread]


@pytest.mark.parametrize("smp,thread,threads", [
    (1, None, 1), (2, None, 2), (4, None, 4),
    (2, "single", 1), (4, "single", 1), (1, "multi", 1), (3, "multi", 3)])
def test_default_thread_per_vcpu(emu, tmp_path, smp, thread, threads):
    """-smp 2+ runs a host thread per vCPU unless thread=single asks for
    round-robin (QEMU's default on these guests): query-cpus-fast and
    info cpus report each CPU's host thread, a task of the emulator that
    is not its main thread."""
    if not os.path.exists(machina.UBOOT):
        pytest.skip("u-boot-qemu is not installed")
    qmp, mon = str(tmp_path / "qmp.sock"), str(tmp_path / "hmp.sock")
    with machina.Vm(["-M", "virt", "-nographic", "-kernel", machina.UBOOT,
                     "-smp", str(smp),
                     "-qmp", "unix:%s,server=on,wait=off" % qmp,
                     "-monitor", "unix:%s,server=on,wait=off" % mon] +
                    (accel(thread) if thread else [])) as vm:
        vm.wait_for("OpenSBI", timeout=30)
        cpus = machina.Qmp(qmp, negotiate=True).cmd("query-cpus-fast")
        tids = [c["thread-id"] for c in cpus["return"]]
        assert len(tids) == smp
        assert len(set(tids)) == threads, tids
        for t in tids:
            assert t != vm.proc.pid
            assert os.path.exists("/proc/%d/task/%d" % (vm.proc.pid, t))
        text = machina.Hmp(mon, wait_banner=True).cmd("info cpus")
        assert re.findall(r"CPU #\d+: .* thread_id=(\d+)", text) == \
            [str(t) for t in tids], text


@pytest.mark.parametrize("thread", THREADS)
def test_riscv_smp_atomics(emu, guest_dir, thread):
    """4 harts x 1M AMOADD.D/.W, LR/SC.D/.W increments and AMOMAXU.D:
    exact sums (the guest checks them; non-atomic AMOs under thread=multi
    lost ~20% of the updates)."""
    elf = os.path.join(guest_dir, "smp-atomic.elf")
    if not os.path.exists(elf):
        pytest.skip("smp-atomic.elf not built (make guest-tests)")
    with machina.Vm(machina.baremetal_args(elf) + ["-smp", "4"] +
                    accel(thread)) as vm:
        rc = vm.wait_exit(timeout=300)
    assert "PASS: smp-atomic" in vm.text, vm.text
    assert rc == 0


def test_riscv_smp_fence_multi(emu, guest_dir):
    """FENCE RW,RW orders a store before a later load across host
    threads (SB litmus, 2 x 100K rounds: 0/0 never seen; the build before
    the host barrier saw it ~100 times) and MSIP + WFI wake-ups between 4
    harts are not lost.  thread=multi only: under round-robin the per-round
    pair sync costs a time slice per round."""
    elf = os.path.join(guest_dir, "smp-fence.elf")
    if not os.path.exists(elf):
        pytest.skip("smp-fence.elf not built (make guest-tests)")
    with machina.Vm(machina.baremetal_args(elf) + ["-smp", "4"] +
                    accel("multi")) as vm:
        rc = vm.wait_exit(timeout=300)
    assert "PASS: smp-fence" in vm.text, vm.text
    assert rc == 0


def a64_run(name, extra):
    emu = aarch64_emulator()
    if not os.access(emu, os.X_OK):
        pytest.skip("emulator %s is not built" % emu)
    elf = os.path.join(A64_DIR, name + ".elf")
    if not os.path.exists(elf):
        pytest.skip("%s not built (make guest-tests)" % elf)
    rc, out, err = run(emu, guest_args(elf) + extra, timeout=300)
    with open(os.path.join(A64_SRC, name + ".expected")) as f:
        expected = f.read()
    assert rc == 0, "exit status %d\n%s%s" % (rc, out, err)
    assert out == expected


@pytest.mark.parametrize("thread", THREADS)
def test_aarch64_smp_atomics(thread):
    """4 CPUs x 1M STADD, LDXR/STXR (X and W), CASAL, CASPAL and STUMAX:
    exact sums."""
    a64_run("atomic3", ["-smp", "4"] + accel(thread))


@pytest.mark.parametrize("thread", THREADS)
def test_aarch64_psci_cpu_on_race(thread):
    """PSCI with the CPUs running at once: each secondary started and
    stopped 1000 times (CPU_ON, a second CPU_ON gets ALREADY_ON, the
    started CPU sees its context id, AFFINITY_INFO polled until OFF),
    then CPUs 1 and 2 race CPU_ON on CPU 3 1000 times: exactly one wins.
    The unlocked CPU_ON let both win from round ~150 on under
    thread=multi (2 runs).  (QEMU 7.2 itself fails the first part at -smp 4: a
    second CPU_ON can succeed there.)"""
    a64_run("psci_race", ["-smp", "4"] + accel(thread))


@pytest.mark.parametrize("name", ["atomic", "atomic2"])
def test_aarch64_atomics_multi(name):
    """The thread=multi helpers (host atomics) give the same results and
    the same faults (type, ESR, registers and memory left unchanged) as
    the round-robin code the .expected files were checked against."""
    a64_run(name, ["-smp", "2"] + accel("multi"))


@pytest.mark.slow
@pytest.mark.parametrize("smp", [2, 4])
def test_riscv_linux_smp_multi(emu, smp):
    """The Debian installer kernel brings up every hart under MTTCG and
    reaches its userland.  With Debian 13's OpenSBI: Debian 12's 1.1
    publishes a started hart's state before its start address, and with
    more vCPU threads than host cores a hart then enters Linux at the
    boot entry (docs/devel/tcg-engine.md, "OpenSBI 1.1 and
    thread=multi")."""
    for p in (RISCV64.kernel, RISCV64.initrd, RISCV64.opensbi):
        if not os.path.exists(p):
            pytest.skip("%s missing (run scripts/fetch-images.sh)" % p)
    with machina.Vm(["-M", "virt", "-m", "512M", "-smp", str(smp),
                     "-bios", RISCV64.opensbi,
                     "-nographic", "-kernel", RISCV64.kernel,
                     "-initrd", RISCV64.initrd, "-append", "console=ttyS0"] +
                    accel("multi")) as vm:
        vm.wait_for(r"smp: Brought up 1 node, %d CPUs" % smp, timeout=300)
        vm.wait_for(r"Run /init as init process", timeout=300)


@pytest.mark.parametrize("smp", [2, 4])
@pytest.mark.parametrize("thread", THREADS)
def test_aarch64_linux_busybox(emu64, initramfs, smp, thread):  # noqa: F811
    """Debian's arm64 kernel under either scheduler: every CPU up (TLBI
    ...IS broadcasts, IPIs, LSE/exclusive spinlocks across threads under
    MTTCG; slices and kicks under round-robin), busybox runs its
    script."""
    need(A64_KERNEL)
    with machina.Vm(virt_args(smp, initramfs,
                              "console=ttyAMA0 panic=-1 quiet") +
                    accel(thread), binary=emu64) as vm:
        check_busybox_script(vm, smp)


@pytest.mark.slow
def test_aarch64_linux_multi_small_tb_cache(emu64, initramfs, tmp_path):  # noqa: F811
    """A 2 MiB translation cache fills many times during the boot: each
    tb_flush runs in an exclusive section while the other vCPUs wait
    outside cpu_exec (a vCPU whose translation finds the buffer full
    leaves cpu_exec first).  2 MiB, not 1: at 1 MiB the four vCPUs'
    working set hardly fits, the boot takes 4x as long (83 s against
    20 s), and a sanitizer build never gets through it."""
    need(A64_KERNEL)
    mon = str(tmp_path / "hmp.sock")
    with machina.Vm(virt_args(4, initramfs,
                              "console=ttyAMA0 panic=-1 quiet") +
                    ["-accel", "tcg,thread=multi,tb-size=2",
                     "-monitor", "unix:%s,server=on,wait=off" % mon],
                    binary=emu64) as vm:
        # The boot's flush count, read once userland runs (the script
        # powers off at its end); then check the script from the start.
        start = vm.pos
        vm.wait_for(r"== ls", timeout=240)
        jit = machina.Hmp(mon, wait_banner=True).cmd("info jit")
        m = re.search(r"of (\d+) KiB used, (\d+) flushes", jit)
        assert m, jit
        assert int(m.group(1)) == 2048, jit
        assert int(m.group(2)) >= 100, jit
        vm.pos = start
        check_busybox_script(vm, 4)


def test_bad_thread_option(emu):
    """-accel tcg,thread= takes single or multi only."""
    p = subprocess.run([emu, "-M", "virt", "-accel", "tcg,thread=many",
                        "-nographic"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert "thread must be single or multi" in p.stderr
    p = subprocess.run([emu, "-M", "virt", "-accel", "tcg,tb-size=0",
                        "-nographic"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert "tb-size must be" in p.stderr
