#!/bin/bash
# SPDX-License-Identifier: MIT
# The README's main command: install what is needed, build, and boot
# Debian's riscv64 installer on the serial console (Ctrl-A x quits).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/fetch-images.sh riscv64
[ -f build/config.mak ] || (mkdir -p build && cd build && ../configure)
make -j"$(nproc)" all
cache=${MACHINA_CACHE:-$HOME/.cache/machina}
di=$cache/riscv64/installer
# The installer is Debian 13's; so is this OpenSBI (1.6).  Debian 12's 1.1
# can start a secondary hart at the boot entry when its vCPU threads run
# in parallel, as they do by default at -smp 2+ (docs/devel/tcg-engine.md).
bios=()
[ -s "$cache/riscv64/opensbi/fw_dynamic.bin" ] &&
    bios=(-bios "$cache/riscv64/opensbi/fw_dynamic.bin")
exec build/machina-system-riscv64 -M virt -m 1G -smp "${SMP:-2}" -nographic \
    "${bios[@]}" \
    -kernel "$di/linux" -initrd "$di/initrd.gz" \
    -append "console=ttyS0 ${APPEND:-}"
