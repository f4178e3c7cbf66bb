#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compression benchmark inside a busybox initramfs (issue 8): busybox
gzip of a few MiB of mixed binary and text to tmpfs, gunzip of it back,
and unxz of a host-made .xz of the same data, each timed in the guest
with /proc/uptime; md5sum of every result is checked against the input.

usage: compress_bench.py ARCH EMULATOR [MiB]  (ARCH riscv64|arm64, MiB 8)
prints: "gzip SECONDS", "gunzip SECONDS", "unxz SECONDS" lines, a value
of "fail" when a step did not finish or its checksum was wrong."""

import hashlib
import lzma
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "functional"))

import machina             # noqa: E402
from linuxboot import ARM64, RISCV64, build_initramfs, init_head  # noqa: E402

ARCHS = {"riscv64": RISCV64, "arm64": ARM64, "aarch64": ARM64}
STEPS = ("gzip", "gunzip", "unxz")

# The input is in the initramfs (rootfs); results go to a tmpfs.  Each
# md5sum runs outside the timed span.
INIT = init_head(quiet=True) + r"""mount -t tmpfs tmpfs /tmp
up() { cut -d' ' -f1 /proc/uptime; }
sum() { md5sum <"$1" | cut -d' ' -f1; }
echo "== md5 input $(sum /data.bin)"
t0=$(up)
gzip -c /data.bin >/tmp/data.gz && echo "== gzip $t0 $(up)"
echo "== size gzip $(wc -c </tmp/data.gz)"
t0=$(up)
gunzip -c /tmp/data.gz >/tmp/gunzip.out && echo "== gunzip $t0 $(up)"
echo "== md5 gunzip $(sum /tmp/gunzip.out)"
rm -f /tmp/gunzip.out /tmp/data.gz
t0=$(up)
unxz -c /data.xz >/tmp/unxz.out && echo "== unxz $t0 $(up)"
echo "== md5 unxz $(sum /tmp/unxz.out)"
echo "== done"
poweroff -f
"""


def make_input(arch, mib):
    """Exactly mib MiB: 64 KiB pieces of the guest's busybox binary (taken
    in order, wrapping) alternating with `seq 1 N`-style text, so both
    compressors see machine code and text; the same bytes every run."""
    with open(arch.busybox, "rb") as f:
        binary = f.read()
    want = mib << 20
    text = bytearray()
    n = 1
    while len(text) < want // 2 + (64 << 10):
        text += b"".join(b"%d\n" % i for i in range(n, n + 10000))
        n += 10000
    out = bytearray()
    chunk = 64 << 10
    bpos = tpos = 0
    while len(out) < want:
        piece = binary[bpos:bpos + chunk]
        if len(piece) < chunk:
            piece += binary[:chunk - len(piece)]
        bpos = (bpos + chunk) % len(binary)
        out += piece
        out += text[tpos:tpos + chunk]
        tpos += chunk
    return bytes(out[:want])


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ARCHS:
        sys.exit(__doc__.split("\n\n")[1])
    arch = ARCHS[sys.argv[1]]
    emu = sys.argv[2]
    mib = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    if not 1 <= mib <= 32:
        sys.exit("compress_bench: MiB is 1..32 (-m 256M guest)")
    for p in (arch.kernel, arch.busybox):
        if not os.path.exists(p):
            sys.exit("compress_bench: %s missing (scripts/fetch-images.sh)"
                     % p)
    data = make_input(arch, mib)
    # CRC32 check: the one every xz decoder (busybox's included) knows.
    xz = lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32)
    want = hashlib.md5(data).hexdigest()
    vals = dict.fromkeys(STEPS, "fail")
    with tempfile.TemporaryDirectory() as t:
        rd = build_initramfs(os.path.join(t, "initramfs.cpio"), arch, [],
                             INIT, [("data.bin", data, 0o644),
                                    ("data.xz", xz, 0o644)])
        args = arch.machine_args + [
            "-m", "256M", "-smp", "1", "-nographic",
            "-kernel", arch.kernel, "-initrd", rd,
            "-append", "console=%s panic=-1 quiet" % arch.console]
        with machina.Vm(args, binary=emu) as vm:
            try:
                vm.wait_for(r"== done", timeout=600)
            except machina.Timeout as e:
                sys.stderr.write(str(e)[-1500:] + "\n")
            text = vm.text
    sums = dict(re.findall(r"== md5 (\w+) ([0-9a-f]{32})", text))
    if sums.get("input") != want:
        sys.stderr.write("compress_bench: input md5 %s in the guest, %s on "
                         "the host\n" % (sums.get("input"), want))
    for m in re.finditer(r"== (\w+) ([0-9.]+) ([0-9.]+)", text):
        step = m.group(1)
        # gzip is checked by its round trip through gunzip.
        check = "gunzip" if step == "gzip" else step
        if step not in vals or sums.get(check) != want or \
           sums.get("input") != want:
            continue
        vals[step] = "%.2f" % (float(m.group(3)) - float(m.group(2)))
    for step in STEPS:
        if vals[step] == "fail":
            sys.stderr.write("compress_bench: %s failed (md5 %s, want %s)\n"
                             % (step, sums.get("gunzip" if step == "gzip"
                                               else step), want))
    m = re.search(r"== size gzip (\d+)", text)
    sys.stderr.write("compress_bench: %d MiB, gzip %s bytes, xz %d bytes\n"
                     % (mib, m.group(1) if m else "?", len(xz)))
    for step in STEPS:
        print(step, vals[step])


if __name__ == "__main__":
    main()
