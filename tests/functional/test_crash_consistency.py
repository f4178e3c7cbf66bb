# SPDX-License-Identifier: MIT
"""qcow2 crash consistency: a riscv64 Linux guest writes numbered 4 KiB
records straight to /dev/vda (virtio-blk on a qcow2 image), each followed
by a flush (busybox dd conv=fsync: fsync on the block device, which sends
VIRTIO_BLK_T_FLUSH), and prints "== ack N" only after the flush
completed.  The test kills Machina with SIGKILL after a seeded random
number of acks, then:

- `qemu-img check` must find no corruption.  Leaked clusters (refcount
  set, no L2 entry yet: exit status 3) are accepted, as QEMU defines them:
  wasted space, not corruption, repaired by `qemu-img check -r leaks`;
- every acknowledged record, of this run and of every earlier run on the
  same image, must read back byte for byte from the image.

All runs reuse one image, so a killed image is also reopened and written
again.  Before each record the guest also writes 512 KiB without waiting
for it (into a 64 MiB scratch area after the records), so the kernel's
write-back keeps Machina allocating clusters when the kill comes.  Records are 68 KiB apart, so every one allocates clusters and
some straddle two; one image has 4 KiB clusters (a new L2 table every
~30 records, a new refcount block every ~120), one 64 KiB clusters.
SIGKILL leaves the host page cache intact, so this checks the order in
which Machina's qcow2 driver writes metadata, not power-loss durability.
MACHINA_CRASH_SEED and MACHINA_CRASH_RUNS override the seed and the
number of runs per image (default 8)."""

import os
import random
import re
import shutil
import signal
import subprocess
import time

import pytest

import linuxboot
import machina
from test_virtio import KERNEL
from test_virtio_pci import build_initramfs

MODULES = ["virtio_mmio", "virtio_blk"]
SLOT = 17 * 4096            # record i of run r sits at (r * 400 + i) * SLOT
REC = 4096
PER_RUN = 400
IMAGE_SIZE = 8 * PER_RUN * SLOT + 64 * 1024 * 1024

INIT = linuxboot.init_head() + r"""
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run=$(sed -n 's/.*crun=\([0-9]*\).*/\1/p' /proc/cmdline)
dd if=/dev/urandom of=/tmp/scratch bs=64k count=8 2>/dev/null
echo "== start run $run"
i=0
while [ $i -lt 400 ]; do
    # 512 KiB of unacknowledged writes that the kernel writes back while
    # the next record is written and flushed: the image keeps allocating,
    # so a kill often lands inside a cluster allocation.
    dd if=/tmp/scratch of=/dev/vda bs=64k count=8 conv=notrunc \
       seek=$(( 3400 + ((run * 400 + i) % 128) * 8 )) 2>/dev/null
    line=$(printf "MACHINA-REC run=%03d idx=%05d %s" $run $i \
           "........................................" | cut -c1-63)
    yes "$line" | head -c 4096 > /tmp/rec
    if dd if=/tmp/rec of=/dev/vda bs=4096 count=1 conv=fsync,notrunc \
          seek=$(( (run * 400 + i) * 17 )) 2>/dev/null
    then
        echo "== ack $i"
    else
        echo "== write $i failed"
    fi
    i=$((i + 1))
done
echo "== done"
poweroff -f
"""

QEMU_IMG = shutil.which("qemu-img")


def record(run, idx):
    line = ("MACHINA-REC run=%03d idx=%05d " % (run, idx)).ljust(63, ".")
    return ((line + "\n") * 64).encode()[:REC]


@pytest.fixture(scope="module")
def initramfs(tmp_path_factory):
    return build_initramfs(tmp_path_factory.mktemp("crash") / "rd.cpio",
                           MODULES, INIT)


def check_image(img):
    """qemu-img check: no corruption; returns the number of leaks."""
    r = subprocess.run([QEMU_IMG, "check", "--output=human", img],
                       capture_output=True, text=True)
    # 0: clean, 3: leaks only; 2 would be corruption, 1 a failed check.
    assert r.returncode in (0, 3), r.stdout + r.stderr
    assert "ERROR" not in r.stdout, r.stdout
    leaks = 0
    for line in r.stdout.splitlines():
        if "leaked clusters were found" in line:
            leaks = int(line.split()[0])
    return leaks


def read_records(img, tmp_path, acked):
    raw = str(tmp_path / "out.raw")
    subprocess.run([QEMU_IMG, "convert", "-O", "raw", img, raw], check=True)
    bad = []
    with open(raw, "rb") as f:
        for run, idx in acked:
            f.seek((run * PER_RUN + idx) * SLOT)
            if f.read(REC) != record(run, idx):
                bad.append((run, idx))
    os.unlink(raw)
    return bad


@pytest.mark.parametrize("cluster", [4096, 65536])
def test_qcow2_sigkill(emu, initramfs, tmp_path, cluster):
    if not QEMU_IMG:
        pytest.skip("qemu-img missing (apt-get install qemu-utils)")
    seed = int(os.environ.get("MACHINA_CRASH_SEED", "20261123")) + cluster
    runs = min(8, int(os.environ.get("MACHINA_CRASH_RUNS", "8")))
    rng = random.Random(seed)
    img = str(tmp_path / "crash.qcow2")
    subprocess.run([QEMU_IMG, "create", "-q", "-f", "qcow2", "-o",
                    "cluster_size=%d" % cluster, img, str(IMAGE_SIZE)],
                   check=True)
    acked = []
    leaks = 0
    for run in range(runs):
        kill_after = rng.randint(1, 40)
        with machina.Vm(["-M", "virt", "-m", "128M", "-nographic",
                         "-bios", "default", "-kernel", KERNEL,
                         "-initrd", initramfs,
                         "-append", "console=ttyS0 panic=-1 quiet crun=%d"
                         % run,
                         "-drive", "file=%s,format=qcow2,if=virtio" % img]
                        ) as vm:
            vm.wait_for(r"== start run %d" % run, timeout=120)
            last = -1
            while last + 1 < kill_after:
                m = vm.wait_for(r"== (ack|write) (\d+)\r?\n", timeout=60)
                assert m.group(1) == b"ack", vm.text[-2000:]
                last = int(m.group(2))
                assert last == len([a for a in acked if a[0] == run]), \
                    vm.text[-3000:]
                acked.append((run, last))
            # Kill somewhere in the next records' writes and flushes.
            time.sleep(rng.random() * 0.3)
            vm.proc.send_signal(signal.SIGKILL)
            vm.proc.wait()
            # Acks already on the pipe were acknowledged before the kill.
            vm.wait_exit(timeout=10)
            for m in re.finditer(rb"== ack (\d+)\r?\n",
                                               vm.out[vm.pos:]):
                acked.append((run, int(m.group(1))))
            assert vm.proc.returncode == -signal.SIGKILL
        leaks += check_image(img)
        bad = read_records(img, tmp_path, acked)
        assert not bad, "run %d: acknowledged records lost: %s" % (run,
                                                                   bad[:10])
    print("crash consistency: cluster %d, seed %d: %d runs, %d records "
          "checked, %d leaked clusters in total" %
          (cluster, seed, runs, len(acked), leaks))
