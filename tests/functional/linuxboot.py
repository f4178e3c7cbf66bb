# SPDX-License-Identifier: MIT
"""Debian Linux guests for the functional tests and benchmarks: where the
cached kernels, modules and busybox are for each architecture, and a
busybox initramfs builder that adds kernel modules with their
dependencies in load order.  Images come from scripts/fetch-images.sh."""

import glob
import lzma
import os
import re

import machina
from cpio import Cpio


class Arch:
    """The cached Debian guest of one architecture."""

    def __init__(self, name, console, machine_args):
        self.name = name
        self.dir = os.path.join(machina.CACHE, name)
        self.kernel = os.path.join(self.dir, "installer", "linux")
        self.initrd = os.path.join(self.dir, "installer", "initrd.gz")
        self.busybox = os.path.join(self.dir, "busybox")
        # riscv64: Debian 13's OpenSBI, for thread=multi SMP boots (Debian
        # 12's 1.1 races in HSM hart start there; docs/devel/tcg-engine.md)
        self.opensbi = os.path.join(self.dir, "opensbi", "fw_dynamic.bin")
        self.console = console
        self.machine_args = machine_args

    def module_dir(self):
        """usr/lib/modules/<version> of the cached linux-image, or None."""
        dirs = glob.glob(os.path.join(self.dir, "linux-image-*", "usr",
                                      "lib", "modules", "*"))
        if not dirs:
            dirs = glob.glob(os.path.join(self.dir, "linux-image-*", "lib",
                                          "modules", "*"))
        return dirs[0] if dirs else None

    def emulator(self):
        if self.name == "riscv64":
            return machina.emulator()
        return os.path.join(machina.BUILD, "machina-system-aarch64")


RISCV64 = Arch("riscv64", "ttyS0", ["-M", "virt", "-bios", "default"])
ARM64 = Arch("arm64", "ttyAMA0", ["-M", "virt", "-cpu", "cortex-a57"])


def missing(*paths):
    """The first path that does not exist, or None."""
    for p in paths:
        if not p or not os.path.exists(p):
            return p or "linux-image modules"
    return None


def module_files(mdir):
    """Map module name -> path of its .ko or .ko.xz."""
    files = {}
    for root, _, names in os.walk(os.path.join(mdir, "kernel")):
        for n in names:
            m = re.match(r"(.*)\.ko(\.xz)?$", n)
            if m:
                files[m.group(1)] = os.path.join(root, n)
    return files


def ko_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    return lzma.decompress(data) if path.endswith(".xz") else data


def depends(data):
    m = re.search(rb"\0depends=([^\0]*)\0", data)
    return [d for d in m.group(1).decode().split(",") if d] if m else []


def modules_in_order(mdir, wanted):
    """[(name, bytes)] for the wanted modules and their dependencies,
    dependencies first; modules built into the kernel are left out."""
    files = module_files(mdir) if mdir else {}
    order, blobs = [], {}

    def add(name):
        key = name if name in files else name.replace("_", "-")
        if key not in files:
            key = name.replace("-", "_")
        if key in blobs or key not in files:
            return      # built in, or already queued
        data = ko_bytes(files[key])
        blobs[key] = data
        for d in depends(data):
            add(d)
        order.append(key)

    for w in wanted:
        add(w)
    return [(n, blobs[n]) for n in order]


def init_head(quiet=False):
    """The start of every test /init: busybox applets, /proc, /sys, /dev,
    then the modules of the initramfs in order (quiet: insmod's own
    messages dropped where they would land on a checked screen)."""
    return INIT_HEAD.replace("QUIET", " 2>/dev/null" if quiet else "")


INIT_HEAD = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do
    insmod /lib/modules/$m.koQUIET || echo "== insmod $m failed"
done
"""


def build_initramfs(path, arch, wanted, init, files=()):
    """Write a busybox initramfs to path: /bin/busybox, the wanted modules
    in /lib/modules with /modules.order, the init script, and extra
    (name, bytes, mode) files.  Returns str(path)."""
    mods = modules_in_order(arch.module_dir(), wanted)
    c = Cpio()
    for d in ("bin", "dev", "proc", "sys", "tmp", "mnt", "lib",
              "lib/modules", "www"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    with open(arch.busybox, "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    c.symlink("bin/sh", "busybox")
    for name, data in mods:
        c.file("lib/modules/%s.ko" % name, data)
    c.file("modules.order",
           ("\n".join(n for n, _ in mods) + "\n").encode())
    for name, data, mode in files:
        c.file(name, data, mode)
    c.file("init", init.encode(), 0o755)
    with open(path, "wb") as f:
        f.write(c.finish())
    return str(path)
