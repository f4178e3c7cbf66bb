# SPDX-License-Identifier: MIT
"""qcow2 images made by qemu-img (plain, with a backing file, compressed)
read and written by Debian's riscv64 kernel over virtio-blk; afterwards
`qemu-img check` is clean and the file system holds what the guest wrote."""

import hashlib
import shutil
import subprocess

import pytest

from test_virtio import boot, initramfs, make_ext4  # noqa: F401 (fixture)

QEMU_IMG = shutil.which("qemu-img")


def qemu_img(*args):
    if not QEMU_IMG:
        pytest.skip("qemu-img missing (apt-get install qemu-utils)")
    return subprocess.run([QEMU_IMG] + list(args), check=True,
                          capture_output=True, text=True)


def run_guest(initramfs, image, extra="", argv=()):
    drive = "file=%s,if=virtio%s" % (image, extra)
    with boot(initramfs, "blk", ["-drive", drive] + list(argv)) as vm:
        vm.wait_for(r"== mounted", timeout=120)
        vm.wait_for(r"== old hello from the host", timeout=30)
        big = vm.wait_for(r"== big ([0-9a-f]{32})", timeout=60).group(1)
        vm.wait_for(r"== umounted", timeout=30)
        vm.wait_for(r"== done", timeout=30)
        assert vm.wait_exit(timeout=30) == 0
    return big.decode() if isinstance(big, bytes) else big


def check_result(image, tmp_path, big):
    """qemu-img check is clean; the raw conversion is a clean ext4 holding
    the guest's files and compares equal to the image."""
    r = subprocess.run([QEMU_IMG, "check", image], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No errors were found" in r.stdout, r.stdout
    raw = str(tmp_path / "out.raw")
    qemu_img("convert", "-O", "raw", image, raw)
    qemu_img("compare", image, raw)
    r = subprocess.run(["e2fsck", "-fn", raw], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    out = subprocess.run(["debugfs", "-R", "cat /file", raw],
                         capture_output=True, text=True).stdout
    assert out == "written by machina guest\n"
    data = subprocess.run(["debugfs", "-R", "cat /big", raw],
                          capture_output=True).stdout
    assert hashlib.md5(data).hexdigest() == big
    out = subprocess.run(["debugfs", "-R", "cat /hello.txt", raw],
                         capture_output=True, text=True).stdout
    assert out == "hello from the host\n"


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_qcow2_plain(emu, initramfs, tmp_path):  # noqa: F811
    raw = make_ext4(tmp_path)
    img = str(tmp_path / "disk.qcow2")
    # Same content as the ext4 image, in a fresh v3 image (format probed).
    qemu_img("convert", "-f", "raw", "-O", "qcow2", raw, img)
    big = run_guest(initramfs, img)
    check_result(img, tmp_path, big)


def test_qcow2_v2_backing(emu, initramfs, tmp_path):  # noqa: F811
    raw = make_ext4(tmp_path)
    before = sha(raw)
    img = str(tmp_path / "overlay.qcow2")
    qemu_img("create", "-f", "qcow2", "-o", "compat=0.10", "-b", raw,
             "-F", "raw", img)
    big = run_guest(initramfs, img, ",format=qcow2")
    check_result(img, tmp_path, big)
    assert sha(raw) == before, "backing file was modified"


def test_qcow2_compressed(emu, initramfs, tmp_path):  # noqa: F811
    raw = make_ext4(tmp_path)
    img = str(tmp_path / "comp.qcow2")
    qemu_img("convert", "-c", "-f", "raw", "-O", "qcow2", raw, img)
    info = qemu_img("check", img).stdout
    assert "compressed clusters" in info
    big = run_guest(initramfs, img, ",format=qcow2,cache=writeback")
    check_result(img, tmp_path, big)


def test_qcow2_snapshot(emu, initramfs, tmp_path):  # noqa: F811
    raw = make_ext4(tmp_path)
    img = str(tmp_path / "snap.qcow2")
    qemu_img("convert", "-f", "raw", "-O", "qcow2", raw, img)
    before = sha(img)
    # -snapshot: every drive behaves as snapshot=on.
    run_guest(initramfs, img, ",format=qcow2", argv=["-snapshot"])
    assert sha(img) == before, "-snapshot wrote to the image"
