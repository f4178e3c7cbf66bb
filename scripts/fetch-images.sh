#!/bin/bash
# SPDX-License-Identifier: MIT
# Download guest images from Debian into the cache with a private apt setup.
#
# Usage: scripts/fetch-images.sh [riscv64] [arm64] [kernel] [arm64-kernel]
#                                [qemu-backports]
#   riscv64         Debian 13 riscv64 netboot installer + busybox-static
#                   (default target)
#   arm64           Debian 12 arm64 netboot installer, Debian 13
#                   busybox-static:arm64, Debian 12 u-boot-qemu (qemu_arm64)
#   kernel          linux-image-* matching the installer kernel (modules)
#   arm64-kernel    the same for the arm64 installer kernel (bookworm)
#   qemu-backports  QEMU from bookworm-backports for benchmarks (amd64):
#                   qemu-system-misc (riscv64) and qemu-system-arm (aarch64)
#
# Everything goes under $MACHINA_CACHE (default ~/.cache/machina); the
# system's apt configuration, lists and caches are never touched.
# Idempotent: cached files are not downloaded again.
set -euo pipefail

CACHE=${MACHINA_CACHE:-$HOME/.cache/machina}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

log() { echo "fetch-images: $*" >&2; }

# The Debian mirror the host already uses for bookworm (deb.debian.org style).
find_mirror() {
    local m=""
    m=$(grep -hsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list \
            /etc/apt/sources.list.d/*.list 2>/dev/null |
        grep -E '[[:space:]]bookworm[[:space:]]' | grep -v security |
        sed -E 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' |
        awk '{print $1; exit}') || true
    if [ -z "$m" ]; then
        # deb822 .sources: the URIs line of a stanza listing bookworm.
        m=$(awk 'BEGIN{RS=""} /Suites:[^\n]*bookworm([ \n]|$)/ &&
                 !/security/ {
                     n = split($0, l, "\n");
                     for (i = 1; i <= n; i++) {
                         if (l[i] ~ /^URIs:/) {
                             split(l[i], w, " "); print w[2]; exit
                         }
                     }
                 }' /etc/apt/sources.list.d/*.sources 2>/dev/null) || true
    fi
    echo "${m:-http://deb.debian.org/debian}"
}

# apt_setup NAME ARCH SUITE: private apt tree $CACHE/apt/NAME, index updated
# at most once a day.  Sets APT_OPTS and APT_ARCH.
apt_setup() {
    local name=$1 arch=$2 suite=$3 dir="$CACHE/apt/$1" mirror
    APT_ARCH=$arch
    mirror=$(find_mirror)
    mkdir -p "$dir/etc/sources.list.d" "$dir/etc/preferences.d" \
             "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/state"
    touch "$dir/state/status"
    APT_OPTS=(
        -o "Dir::Etc::SourceList=$dir/etc/sources.list"
        -o "Dir::Etc::SourceParts=$dir/etc/sources.list.d"
        -o "Dir::Etc::Preferences=$dir/etc/preferences"
        -o "Dir::Etc::PreferencesParts=$dir/etc/preferences.d"
        -o "Dir::State=$dir/state"
        -o "Dir::State::Lists=$dir/lists"
        -o "Dir::State::status=$dir/state/status"
        -o "Dir::Cache=$dir/cache"
        -o "Dir::Cache::archives=$dir/cache/archives"
        -o "APT::Architecture=$arch"
        -o "APT::Architectures=$arch"
        -o "APT::Get::List-Cleanup=0"
        -o "Debug::NoLocking=1"
        -o "APT::Sandbox::User=root"
    )
    local stamp="$dir/lists/.updated"
    if [ -n "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
        return 0
    fi
    # Prefer signature checking with Debian's keyring; an older keyring may
    # not know the newer release's key, so fall back to trusted=yes.
    local opt
    for opt in "signed-by=$KEYRING" "trusted=yes"; do
        echo "deb [$opt] $mirror $suite main" > "$dir/etc/sources.list"
        if apt-get "${APT_OPTS[@]}" -qq update >"$dir/update.log" 2>&1; then
            touch "$stamp"
            return 0
        fi
        log "apt-get update with [$opt] failed (see $dir/update.log)"
    done
    return 1
}

# cached_deb NAME: the cached .deb of NAME for $APT_ARCH (or "all").
cached_deb() {
    ls "$CACHE/debs/$1_"*"_$APT_ARCH.deb" "$CACHE/debs/$1_"*_all.deb \
        2>/dev/null | head -n1 || true
}

# fetch_deb PKG: download PKG's .deb (for the architecture of the last
# apt_setup) into $CACHE/debs, print its path.
fetch_deb() {
    local pkg=$1 f
    mkdir -p "$CACHE/debs"
    f=$(cached_deb "${pkg%%:*}")
    if [ -z "$f" ]; then
        (cd "$CACHE/debs" && apt-get "${APT_OPTS[@]}" -qq download "$pkg" \
            >/dev/null) || { log "cannot download $pkg"; return 1; }
        f=$(cached_deb "${pkg%%:*}")
        [ -n "$f" ] || { log "downloaded $pkg but cannot find it"; return 1; }
    fi
    echo "$f"
}

# extract_one DEB PATH-GLOB NAME DEST: copy the first file NAME whose path
# matches PATH-GLOB from DEB to DEST.
extract_one() {
    local deb=$1 glob=$2 name=$3 dest=$4 x f
    x=$(mktemp -d)
    dpkg-deb -x "$deb" "$x"
    f=$(find "$x" -path "$glob" -name "$name" -type f | head -n1)
    if [ -z "$f" ]; then
        rm -rf "$x"
        log "no $glob/$name in $(basename "$deb")"
        return 1
    fi
    cp "$f" "$dest"
    rm -rf "$x"
}

fetch_riscv64() {
    local out="$CACHE/riscv64" deb x
    mkdir -p "$out/installer"
    if [ -s "$out/installer/linux" ] && [ -s "$out/installer/initrd.gz" ] &&
       [ -s "$out/busybox" ]; then
        log "riscv64 images cached"
    else
        apt_setup trixie-riscv64 riscv64 trixie
        deb=$(fetch_deb debian-installer-13-netboot-riscv64)
        x=$(mktemp -d)
        dpkg-deb -x "$deb" "$x"
        cp "$(find "$x" -path '*riscv64*' -name linux -type f | head -n1)" \
            "$out/installer/linux"
        cp "$(find "$x" -path '*riscv64*' -name initrd.gz -type f |
              head -n1)" "$out/installer/initrd.gz"
        rm -rf "$x"
        deb=$(fetch_deb busybox-static)
        x=$(mktemp -d)
        dpkg-deb -x "$deb" "$x"
        cp "$x/bin/busybox" "$out/busybox" 2>/dev/null ||
            cp "$x/usr/bin/busybox" "$out/busybox"
        chmod +x "$out/busybox"
        rm -rf "$x"
    fi
    # Debian 13's OpenSBI for the thread=multi SMP Linux tests: Debian
    # 12's 1.1 (the -bios default) can start a secondary hart at the
    # boot hart's entry under MTTCG (docs/devel/tcg-engine.md, "OpenSBI
    # 1.1 and thread=multi").
    if [ ! -s "$out/opensbi/fw_dynamic.bin" ]; then
        apt_setup trixie-riscv64 riscv64 trixie
        if deb=$(fetch_deb opensbi); then
            mkdir -p "$out/opensbi"
            extract_one "$deb" '*/riscv64-linux-gnu/opensbi/generic/*' \
                fw_dynamic.bin "$out/opensbi/fw_dynamic.bin" ||
                log "no fw_dynamic.bin in $(basename "$deb")"
        fi
    fi
    echo "installer kernel: $out/installer/linux"
    echo "installer initrd: $out/installer/initrd.gz"
    echo "busybox (riscv64 static): $out/busybox"
    echo "OpenSBI (Debian 13): $out/opensbi/fw_dynamic.bin"
}

# installer_kver ARCH: the installer kernel's version, from the module
# tree in its initrd.
installer_kver() {
    # head closes the pipe early; SIGPIPE upstream is expected.
    zcat "$CACHE/$1/installer/initrd.gz" | cpio -t --quiet 2>/dev/null |
        sed -n 's,^\(\./\)\?\(usr/\)\?lib/modules/\([^/]*\)\(/.*\)\?$,\3,p' |
        head -n1 || true
}

fetch_kernel() {
    local kver deb out
    fetch_riscv64 >/dev/null
    kver=$(installer_kver riscv64)
    if [ -z "$kver" ]; then
        log "cannot find the kernel version in the installer initrd"
        return 1
    fi
    out="$CACHE/riscv64/linux-image-$kver"
    if [ ! -d "$out/lib/modules" ] && [ ! -d "$out/usr/lib/modules" ]; then
        apt_setup trixie-riscv64 riscv64 trixie
        deb=$(fetch_deb "linux-image-$kver") || {
            log "linux-image-$kver is not in the archive (moved on?)"
            return 1
        }
        mkdir -p "$out"
        dpkg-deb -x "$deb" "$out"
    fi
    echo "kernel modules ($kver): $out"
}

fetch_arm64() {
    local out="$CACHE/arm64" deb
    mkdir -p "$out/installer"
    if [ -s "$out/installer/linux" ] && [ -s "$out/installer/initrd.gz" ]; then
        log "arm64 installer cached"
    else
        apt_setup bookworm-arm64 arm64 bookworm
        deb=$(fetch_deb debian-installer-12-netboot-arm64)
        # .../images/netboot/debian-installer/arm64/{linux,initrd.gz}
        extract_one "$deb" '*/debian-installer/arm64/*' linux \
            "$out/installer/linux"
        extract_one "$deb" '*/debian-installer/arm64/*' initrd.gz \
            "$out/installer/initrd.gz"
    fi
    if [ -s "$out/u-boot.bin" ]; then
        log "arm64 u-boot cached"
    else
        apt_setup bookworm-arm64 arm64 bookworm
        deb=$(fetch_deb u-boot-qemu)
        extract_one "$deb" '*/qemu_arm64/*' u-boot.bin "$out/u-boot.bin"
    fi
    if [ -s "$out/busybox" ]; then
        log "arm64 busybox cached"
    else
        apt_setup trixie-arm64 arm64 trixie
        deb=$(fetch_deb busybox-static:arm64)
        extract_one "$deb" '*/bin/*' busybox "$out/busybox"
        chmod +x "$out/busybox"
    fi
    echo "installer kernel (arm64): $out/installer/linux"
    echo "installer initrd (arm64): $out/installer/initrd.gz"
    echo "u-boot (qemu_arm64): $out/u-boot.bin"
    echo "busybox (arm64 static): $out/busybox"
}

fetch_arm64_kernel() {
    local kver deb out
    fetch_arm64 >/dev/null
    kver=$(installer_kver arm64)
    if [ -z "$kver" ]; then
        log "cannot find the kernel version in the arm64 installer initrd"
        return 1
    fi
    out="$CACHE/arm64/linux-image-$kver"
    if [ ! -d "$out/lib/modules" ] && [ ! -d "$out/usr/lib/modules" ]; then
        apt_setup bookworm-arm64 arm64 bookworm
        deb=$(fetch_deb "linux-image-$kver") || {
            log "linux-image-$kver is not in the archive (moved on?)"
            return 1
        }
        mkdir -p "$out"
        dpkg-deb -x "$deb" "$out"
    fi
    echo "kernel modules ($kver, arm64): $out"
}

fetch_qemu_backports() {
    local out="$CACHE/qemu-backports" deb
    if [ ! -x "$out/usr/bin/qemu-system-riscv64" ]; then
        apt_setup bookworm-backports amd64 bookworm-backports
        deb=$(fetch_deb qemu-system-misc) || return 1
        mkdir -p "$out"
        dpkg-deb -x "$deb" "$out"
        # Newer QEMUs may split the binary into qemu-system-riscv.
        if [ ! -x "$out/usr/bin/qemu-system-riscv64" ]; then
            deb=$(fetch_deb qemu-system-riscv) && dpkg-deb -x "$deb" "$out"
        fi
    fi
    if [ ! -x "$out/usr/bin/qemu-system-aarch64" ]; then
        apt_setup bookworm-backports amd64 bookworm-backports
        deb=$(fetch_deb qemu-system-arm) || return 1
        mkdir -p "$out"
        dpkg-deb -x "$deb" "$out"
    fi
    echo "qemu (bookworm-backports): $out/usr/bin/qemu-system-riscv64"
    echo "qemu (bookworm-backports): $out/usr/bin/qemu-system-aarch64"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(riscv64)
for t in "${targets[@]}"; do
    case "$t" in
    riscv64) fetch_riscv64 ;;
    arm64) fetch_arm64 ;;
    kernel) fetch_kernel ;;
    arm64-kernel) fetch_arm64_kernel ;;
    qemu-backports) fetch_qemu_backports ;;
    *) log "unknown target '$t'"; exit 1 ;;
    esac
done
