# SPDX-License-Identifier: MIT
"""Time one boot to a regex: boot_time.py EMULATOR TIMEOUT REGEX ARGS...
Prints "<seconds> <peak RSS KiB>" or "timeout <RSS>" and exits 1."""

import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "functional"))
import machina  # noqa: E402


def main():
    emu, timeout, regex = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    start = time.monotonic()
    ok = True
    with machina.Vm(sys.argv[4:], binary=emu) as vm:
        try:
            vm.wait_for(regex, timeout=timeout)
        except AssertionError:
            ok = False
        took = time.monotonic() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("%.2f %d" % (took, rss) if ok else "timeout %d" % rss)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
