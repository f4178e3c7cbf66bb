# SPDX-License-Identifier: MIT
"""Start an emulator with its serial console on a pipe, wait for text,
type text, check the exit status.  Works for Machina and for QEMU."""

import json
import os
import re
import select
import shutil
import socket
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("MACHINA_BUILD", os.path.join(ROOT, "build"))
# Stretch for Vm.wait_for timeouts (hang detection, never speed checks).
TIMEOUT_SCALE = float(os.environ.get("MACHINA_TIMEOUT_SCALE", "1"))
CACHE = os.environ.get("MACHINA_CACHE",
                       os.path.expanduser("~/.cache/machina"))
GUEST_DIR = os.environ.get("MACHINA_GUEST_DIR",
                           os.path.join(BUILD, "tests", "guest", "riscv64"))
OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"


def emulator():
    """The emulator under test: $MACHINA or build/machina-system-riscv64."""
    path = os.environ.get("MACHINA",
                          os.path.join(BUILD, "machina-system-riscv64"))
    if os.sep not in path:
        path = shutil.which(path) or path
    return path


def _runs(binary):
    try:
        return subprocess.run([binary, "--version"], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def reference_qemu():
    """Reference QEMU for differential tests, or None: $QEMU, else QEMU 10
    from bookworm-backports in the cache (it knows Zicboz), else Debian's
    installed qemu-system-riscv64."""
    cache = os.environ.get("MACHINA_CACHE",
                           os.path.expanduser("~/.cache/machina"))
    for q in (os.environ.get("QEMU"),
              os.path.join(cache, "qemu-backports/usr/bin/qemu-system-riscv64"),
              shutil.which("qemu-system-riscv64")):
        if q and os.access(q, os.X_OK) and _runs(q):
            return q
    return None


def extra_args(binary):
    """QEMU 8+ from another build may abort loading audio modules.
    MACHINA_EXTRA_ARGS (split on blanks) goes to every Machina run, e.g.
    "-accel tcg,thread=multi" to run a test file under MTTCG."""
    if os.path.basename(binary).startswith("machina-"):
        return os.environ.get("MACHINA_EXTRA_ARGS", "").split()
    try:
        out = subprocess.run([binary, "--version"], capture_output=True,
                             text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    m = re.search(r"QEMU emulator version (\d+)", out)
    if m and int(m.group(1)) >= 8:
        return ["-audio", "none"]
    return []


def unix_connect(path, timeout=10):
    """A connected AF_UNIX socket to path (a monitor the emulator may still
    be creating), with timeout set; retries until timeout seconds pass."""
    end = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.connect(path)
            break
        except OSError:
            sock.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.05)
    sock.settimeout(timeout)
    return sock


HMP_PROMPTS = (b"(machina) ", b"(qemu) ")


class Hmp:
    """A human monitor on a unix socket (Machina's or QEMU's prompt)."""

    def __init__(self, path, timeout=10, wait_banner=False):
        self.sock = unix_connect(path, timeout)
        if wait_banner:
            self.cmd("")

    def cmd(self, line):
        """Send one command line; its output up to the next prompt."""
        self.sock.sendall(line.encode() + b"\n")
        data = b""
        while not data.endswith(HMP_PROMPTS):
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.decode("utf-8", "replace")


class Qmp:
    """A QMP client on a unix socket.  With negotiate=True the greeting is
    read and capabilities negotiated; events seen while waiting for a reply
    are kept in self.events."""

    def __init__(self, path, timeout=10, negotiate=False):
        self.sock = unix_connect(path, timeout)
        self.f = self.sock.makefile("rb")
        self.events = []
        if negotiate:
            assert "QMP" in self.read()
            assert self.cmd("qmp_capabilities") == {"return": {}}

    def close(self):
        self.f.close()
        self.sock.close()

    def read(self):
        line = self.f.readline()
        assert line, "QMP connection closed"
        return json.loads(line)

    def send_raw(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def reply(self):
        """Next command reply; events seen on the way are kept."""
        while True:
            msg = self.read()
            if "event" in msg:
                self.events.append(msg)
            else:
                return msg

    def cmd(self, name, args=None, id=None, **kwargs):
        """Run command name; its arguments are args and/or kwargs (an
        argument called id goes in args), id is the request's own id."""
        req = {"execute": name}
        if args is not None or kwargs:
            req["arguments"] = dict(args or {}, **kwargs)
        if id is not None:
            req["id"] = id
        self.send_raw(json.dumps(req) + "\n")
        return self.reply()

    def event(self, name):
        """The next event called name (kept ones first)."""
        for i, e in enumerate(self.events):
            if e["event"] == name:
                return self.events.pop(i)
        while True:
            msg = self.read()
            if msg.get("event") == name:
                return msg
            self.events.append(msg)


class Timeout(AssertionError):
    pass


class Vm:
    """One emulator process; output is collected as it arrives."""

    def __init__(self, args, binary=None, env=None):
        self.binary = binary or emulator()
        self.args = [self.binary] + extra_args(self.binary) + list(args)
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env)
        self.out = b""
        self.pos = 0

    def _pump(self, timeout):
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            return True
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            return False
        self.out += data
        return True

    @property
    def text(self):
        return self.out.decode("utf-8", "replace")

    def wait_for(self, pattern, timeout=60):
        """Wait for regex `pattern` after the last match; return the match.

        MACHINA_TIMEOUT_SCALE (default 1) stretches every wait: a
        sanitizer build runs guests 2-3x slower (check-sanitizers.sh).
        """
        rx = re.compile(pattern.encode() if isinstance(pattern, str)
                        else pattern)
        end = time.monotonic() + timeout * TIMEOUT_SCALE
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = end - time.monotonic()
            if left <= 0:
                raise Timeout("timeout waiting for %r; last output:\n%s" %
                              (pattern, self.text[-2000:]))
            if not self._pump(min(left, 0.5)) and self.proc.poll() is not None:
                raise Timeout("exited (%s) before %r; output:\n%s" %
                              (self.proc.returncode, pattern,
                               self.text[-2000:]))

    def send(self, text, delay=0.0):
        """Type text; with delay, one character at a time (slow UARTs)."""
        data = text.encode() if isinstance(text, str) else text
        for i in range(len(data) if delay else 1):
            chunk = data[i:i + 1] if delay else data
            self.proc.stdin.write(chunk)
            self.proc.stdin.flush()
            if delay:
                time.sleep(delay)

    def wait_exit(self, timeout=30):
        end = time.monotonic() + timeout
        while self.proc.poll() is None:
            left = end - time.monotonic()
            if left <= 0:
                raise Timeout("still running after %ss; output:\n%s" %
                              (timeout, self.text[-2000:]))
            self._pump(min(left, 0.5))
        # Drain what the process wrote before it exited.
        while True:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if not r:
                break
            data = os.read(self.proc.stdout.fileno(), 65536)
            if not data:
                break
            self.out += data
        return self.proc.returncode

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


def run(args, binary=None, timeout=30):
    """Run to completion; return (exit status, output text)."""
    with Vm(args, binary) as vm:
        rc = vm.wait_exit(timeout)
        return rc, vm.text


def baremetal_args(elf):
    return ["-M", "virt", "-m", "128M", "-bios", "none", "-nographic",
            "-no-reboot", "-kernel", elf]
