#!/bin/bash
# SPDX-License-Identifier: MIT
# Install the Debian 12 packages that building and testing Machina need.
# Idempotent and quiet: only missing packages are installed.  Without root,
# print the apt-get command to run instead of failing silently.
set -euo pipefail

pkgs=(
    build-essential pkg-config libcapstone-dev libsdl2-dev libslirp-dev
    zlib1g-dev libpixman-1-dev libfdt-dev libcmocka-dev libjansson-dev
    libseccomp-dev
    gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
    opensbi u-boot-qemu python3-pytest device-tree-compiler cpio
    e2fsprogs qemu-system-misc gdb-multiarch qemu-utils
    gcc-aarch64-linux-gnu qemu-system-arm
    vncsnapshot libjpeg-turbo-progs xvfb x11-utils x11-apps xdotool evilwm
)

missing=()
for p in "${pkgs[@]}"; do
    # dpkg-query prints "install ok installed" for a fully installed package.
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [ "$st" != "install ok installed" ]; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing Debian packages: ${missing[*]}" >&2
    echo "install-deps: run as root: apt-get install ${missing[*]}" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >/tmp/machina-install-deps.log 2>&1; then
    # A stale package index is the usual cause; refresh once and retry.
    apt-get update -qq >>/tmp/machina-install-deps.log 2>&1 || true
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" \
            >>/tmp/machina-install-deps.log 2>&1; then
        echo "install-deps: apt-get failed, see /tmp/machina-install-deps.log" >&2
        exit 1
    fi
fi
