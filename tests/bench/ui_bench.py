#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Display benchmarks for `make bench` (scripts/bench.sh), one emulator:

  ui_bench.py EMU GFX_ELF [IDLE_SECONDS]

Both run tests/guest/riscv64/gfx_virtio_gpu.elf on riscv64 virt with
virtio-gpu-device and an SDL window on a private Xvfb:
- idle_cpu: the guest idles in WFI ('w'); host CPU seconds of the whole
  process (/proc/PID/stat utime + stime) over IDLE_SECONDS (20) of wall
  time, as a fraction of one core.
- fps: the guest redraws, transfers and flushes a 1024x768 resource in a
  loop for 5 s of its own mtime ('f') and reports frames; frames/s as
  the guest counts them.
Prints "idle_cpu X" and "fps Y" (or nothing for a failed part)."""

import os
import re
import subprocess
import sys
import time


def start_xvfb():
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0",
                             "1280x1024x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        return proc, ":" + f.readline().strip()


class Guest:
    def __init__(self, emu, elf, display):
        args = [emu, "-M", "virt", "-m", "128M", "-bios", "none",
                "-kernel", elf, "-device", "virtio-gpu-device",
                "-serial", "stdio", "-monitor", "none", "-display", "sdl"]
        if "qemu" in os.path.basename(emu):
            # The guest is virtio 1.x; QEMU 8+ wants an audio backend named.
            args += ["-global", "virtio-mmio.force-legacy=false"]
            out = subprocess.run([emu, "--version"], capture_output=True,
                                 text=True).stdout
            if not re.search(r"version [0-7]\.", out):
                args += ["-audio", "none"]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     env=dict(os.environ, DISPLAY=display))
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.text = ""

    def wait_for(self, pattern, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            chunk = self.proc.stdout.read()
            if chunk:
                self.text += chunk.decode("utf-8", "replace")
            m = re.search(pattern, self.text)
            if m:
                return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        return None

    def send(self, s):
        self.proc.stdin.write(s.encode())
        self.proc.stdin.flush()

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self):
        self.proc.kill()
        self.proc.wait()


def main():
    emu, elf = sys.argv[1], sys.argv[2]
    idle = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
    xvfb, display = start_xvfb()
    try:
        g = Guest(emu, elf, display)
        try:
            if g.wait_for("READY", 60):
                g.send("w")
                if g.wait_for("IDLE", 10):
                    time.sleep(1)       # the window is up and drawn
                    c0, t0 = g.cpu_seconds(), time.monotonic()
                    time.sleep(idle)
                    c1, t1 = g.cpu_seconds(), time.monotonic()
                    print("idle_cpu %.3f" % ((c1 - c0) / (t1 - t0)))
        finally:
            g.close()
        g = Guest(emu, elf, display)
        try:
            if g.wait_for("READY", 60):
                g.send("f")
                m = g.wait_for(r"FPS (\d+) (\d+)", 300)
                if m:
                    frames, ticks = int(m.group(1)), int(m.group(2))
                    print("fps %.1f" % (frames / (ticks / 1e7)))
        finally:
            g.close()
    finally:
        xvfb.kill()
        xvfb.wait()


if __name__ == "__main__":
    main()
