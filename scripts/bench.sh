#!/bin/bash
# SPDX-License-Identifier: MIT
# `make bench`: time guest workloads and the Debian installer boots
# (riscv64 and aarch64) under Machina and QEMU (bookworm-backports QEMU 10
# if it can be fetched and runs, else Debian's), median of 3 runs, peak
# RSS; a workload whose checksum differs from QEMU's is "wrong"; writes
# docs/benchmarks.md.  Environment: BUILD, MACHINA, RUNS (3),
# BENCH_ARCHS ("riscv64 aarch64 aarch64-max"), BENCH_OUT (docs/benchmarks.md),
# BENCH_INSTALLER=0 to skip the installer boot, BENCH_IO=0 to skip the
# virtio-blk / slirp TCP workloads (tests/bench/io_bench.py, one run each;
# IO_BLK_MIB, IO_TCP_MIB set their sizes).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
CACHE=${MACHINA_CACHE:-$HOME/.cache/machina}
case "$BUILD" in /*) BDIR=$BUILD ;; *) BDIR=$ROOT/$BUILD ;; esac
MACHINA=${MACHINA:-$BDIR/machina-system-riscv64}
PY=/usr/bin/python3
OUT=${BENCH_OUT:-$ROOT/docs/benchmarks.md}
BOUT=$BDIR/tests/bench

make -s -C tests/bench OUT="$BOUT"

qextra() {
    case "$("$1" --version | head -n1)" in
    *"version "[1-9][0-9].* | *"version "[89].*) echo "-audio none" ;;
    esac
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }

# Per architecture: the QEMU binary name, the Machina binary, the machine
# arguments of the bare-metal workloads and of the installer boot.
# aarch64-max is aarch64 with -cpu max (LSE, 16K pages... as each emulator
# defines its max).
declare -A QBIN=([riscv64]=qemu-system-riscv64 [aarch64]=qemu-system-aarch64
                [aarch64-max]=qemu-system-aarch64)
declare -A MBIN=([riscv64]=$MACHINA [aarch64]=$BDIR/machina-system-aarch64
                [aarch64-max]=$BDIR/machina-system-aarch64)
declare -A WARGS=(
    [riscv64]="-M virt -m 128M -bios none -nographic -no-reboot"
    [aarch64]="-M virt -cpu cortex-a57 -m 128M -nographic -no-reboot"
    [aarch64-max]="-M virt -cpu max -m 128M -nographic -no-reboot")
declare -A WELF=([riscv64]=$BOUT [aarch64]=$BOUT/aarch64
                [aarch64-max]=$BOUT/aarch64)
declare -A IMG=([riscv64]=riscv64 [aarch64]=arm64 [aarch64-max]=arm64)
declare -A CONSOLE=([riscv64]=ttyS0 [aarch64]=ttyAMA0 [aarch64-max]=ttyAMA0)
declare -A IARGS=([riscv64]="-M virt" [aarch64]="-M virt -cpu cortex-a57"
                 [aarch64-max]="-M virt -cpu max")
ARCHS=${BENCH_ARCHS:-riscv64 aarch64 aarch64-max}
scripts/fetch-images.sh qemu-backports >/dev/null 2>&1 || true

# run_one EMU ARCH ELF -> "seconds rss_kib result" (or "fail - -"); the
# result is the checksum line the workload prints.
run_one() {
    local t o r
    t=$(mktemp) o=$(mktemp)
    # shellcheck disable=SC2046,SC2086
    if /usr/bin/time -f '%e %M' -o "$t" timeout 600 "$1" $(qextra "$1") \
            ${WARGS[$2]} -kernel "$3" </dev/null >"$o" 2>&1 &&
       r=$(grep -o 'result [0-9a-fx]*' "$o"); then
        echo "$(cat "$t") ${r#result }"
    else
        echo "fail - -"
    fi
    rm -f "$t" "$o"
}

declare -A RES SUM QLABEL QPATH ROWS
for arch in $ARCHS; do
    # Reference QEMU: backports 10.x if usable, else the installed one.
    q=$CACHE/qemu-backports/usr/bin/${QBIN[$arch]}
    if ! "$q" --version >/dev/null 2>&1; then
        q=$(command -v "${QBIN[$arch]}" || true)
    fi
    QPATH[$arch]=$q
    emus=()
    [ -x "${MBIN[$arch]}" ] && emus+=("${MBIN[$arch]}")
    [ -n "$q" ] && emus+=("$q")
    if [ -n "$q" ]; then
        QLABEL[$arch]=$("$q" --version | head -n1 |
                        sed 's/.*version \([^ ]*\).*/QEMU \1/')
    fi
    rows=(integer memory calls fp ecall)
    # NEON string idioms (tests/bench/string-aarch64.c): AArch64 only
    case $arch in aarch64*) rows+=(string) ;; esac
    for w in "${rows[@]}"; do
        for e in "${emus[@]}"; do
            times=() rss=() sums=()
            for _ in $(seq "$RUNS"); do
                read -r s m c <<<"$(run_one "$e" "$arch" "${WELF[$arch]}/$w.elf")"
                times+=("$s") rss+=("$m") sums+=("$c")
            done
            RES[$arch,$w,$e]="$(printf '%s\n' "${times[@]}" | median) $(printf '%s\n' "${rss[@]}" | sort -n | tail -n1)"
            SUM[$arch,$w,$e]=$(printf '%s\n' "${sums[@]}" | sort -u | tr '\n' ' ')
            echo "bench: $arch $w $e: ${RES[$arch,$w,$e]}"
        done
    done
    dir=$CACHE/${IMG[$arch]}/installer
    if [ "${BENCH_INSTALLER:-1}" != 0 ] &&
       scripts/fetch-images.sh "${IMG[$arch]}" >/dev/null 2>&1 &&
       [ -f "$dir/linux" ]; then
        rows+=(installer)
        for e in "${emus[@]}"; do
            times=() rss=()
            for _ in $(seq "$RUNS"); do
                # shellcheck disable=SC2086
                read -r s m <<<"$("$PY" tests/bench/boot_time.py "$e" \
                    600 "Select a language" ${IARGS[$arch]} -m 1G -smp 2 \
                    -nographic -kernel "$dir/linux" -initrd "$dir/initrd.gz" \
                    -append console=${CONSOLE[$arch]} || true)"
                times+=("$s") rss+=("$m")
            done
            RES[$arch,installer,$e]="$(printf '%s\n' "${times[@]}" | median) $(printf '%s\n' "${rss[@]}" | sort -n | tail -n1)"
            echo "bench: $arch installer $e: ${RES[$arch,installer,$e]}"
        done
        # The host is still busy for seconds after a 1 GiB guest exits:
        # twice the next CPU row ran 1.5x slow without this pause.
        sleep 10
    fi
    ROWS[$arch]="${rows[*]}"
done

IO_BLK_MIB=${IO_BLK_MIB:-256} IO_TCP_MIB=${IO_TCP_MIB:-32}
declare -A IO
IOROWS=()
EMUS=() LABELS=()
[ -x "${MBIN[riscv64]}" ] && EMUS+=("${MBIN[riscv64]}") LABELS+=(Machina)
[ -n "${QPATH[riscv64]:-}" ] && EMUS+=("${QPATH[riscv64]}") \
    LABELS+=("${QLABEL[riscv64]}")
if [ "${BENCH_IO:-1}" != 0 ] && scripts/fetch-images.sh riscv64 \
        >/dev/null 2>&1; then
    IOROWS=(blk_read blk_write tcp_tx)
    for i in "${!EMUS[@]}"; do
        while read -r k v; do
            IO[$k,$i]=$v
        done < <("$PY" tests/bench/io_bench.py "${EMUS[$i]}" \
                 "$IO_BLK_MIB" "$IO_TCP_MIB" || true)
        echo "bench: io ${LABELS[$i]}: read ${IO[blk_read,$i]:-fail}" \
             "write ${IO[blk_write,$i]:-fail} tcp ${IO[tcp_tx,$i]:-fail} MB/s"
    done
fi

# Display (tests/bench/ui_bench.py, riscv64, SDL window on a private
# Xvfb): host CPU of a guest idle in WFI, and a 1024x768 redraw loop's
# frames/s as the guest counts them.  The reference is QEMU 10 if its SDL
# front end runs (the cached backports build may lack the GUI module),
# else Debian's QEMU.  BENCH_UI=0 skips; UI_IDLE_SECONDS (20).
declare -A UI
UIEMUS=() UILABELS=()
GFX_ELF=$BDIR/tests/guest/riscv64/gfx_virtio_gpu.elf
if [ "${BENCH_UI:-1}" != 0 ] && command -v Xvfb >/dev/null &&
   { [ -f "$GFX_ELF" ] || make -s guest-tests BUILD="$BUILD" >/dev/null 2>&1; } &&
   [ -f "$GFX_ELF" ]; then
    for e in "${MBIN[riscv64]}" \
             "$CACHE/qemu-backports/usr/bin/qemu-system-riscv64" \
             "$(command -v qemu-system-riscv64 || true)"; do
        [ -x "$e" ] || continue
        case "$e" in *qemu*) [ ${#UIEMUS[@]} -lt 2 ] || continue ;; esac
        out=$("$PY" tests/bench/ui_bench.py "$e" "$GFX_ELF" \
              "${UI_IDLE_SECONDS:-20}" 2>/dev/null || true)
        [ -n "$out" ] || continue
        i=${#UIEMUS[@]}
        UIEMUS+=("$e")
        case "$e" in
        *qemu*) UILABELS+=("$("$e" --version | head -n1 |
                             sed 's/.*version \([^ ]*\).*/QEMU \1/')") ;;
        *) UILABELS+=(Machina) ;;
        esac
        while read -r k v; do UI[$k,$i]=$v; done <<<"$out"
        echo "bench: ui ${UILABELS[$i]}: idle CPU ${UI[idle_cpu,$i]:-fail}" \
             "fps ${UI[fps,$i]:-fail}"
    done
fi

# An installer row not measured this time (BENCH_INSTALLER=0) is kept
# from the previous file's table of the same architecture, marked so.
OLDDATE=$(sed -n 's/^Generated by .* on \(.*\)\.$/\1/p' "$OUT" 2>/dev/null |
          sed 's/ (.*//' | head -n1 || true)
old_row() {     # old_row ARCH WORKLOAD
    [ -f "$OUT" ] || return 0
    awk -v h="## $1" -v w="| $2 |" '
        /^## / { in_arch = ($0 == h) }
        in_arch && index($0, w) == 1 { print; exit }' "$OUT"
}

# ratio A B: A/B to two decimals, or "-"
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'
}

{
    echo "# Benchmarks"
    echo
    echo "Generated by \`make bench\` (scripts/bench.sh) on $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "- Host CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) cores"
    echo "- Median of $RUNS runs, wall-clock seconds; peak RSS in MiB (/usr/bin/time);"
    echo "  ratio = Machina time / QEMU time (below 1: Machina is faster)."
    echo "- CPU workloads: tests/bench/bench.c (riscv64), bench-aarch64.c, string-aarch64.c;"
    echo "  run as \`EMU <machine args> -kernel build/tests/bench/[aarch64/]NAME.elf\`;"
    echo "  installer: \`EMU <machine> -m 1G -smp 2 -nographic -kernel linux -initrd initrd.gz"
    echo "  -append console=ttyS0|ttyAMA0\` until \"Select a language\" (Debian 13 riscv64,"
    echo "  Debian 12 arm64 netboot installers)."
    for arch in $ARCHS; do
        q=${QPATH[$arch]:-}
        m=${MBIN[$arch]}
        echo
        echo "## $arch"
        echo
        echo "Machine: \`${WARGS[$arch]}\`; Machina \`$m\`, ${QLABEL[$arch]:-no QEMU} \`${q:-}\`."
        echo
        echo "| workload | Machina s | Machina MiB | ${QLABEL[$arch]:-QEMU} s | ${QLABEL[$arch]:-QEMU} MiB | ratio |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: |"
        for w in ${ROWS[$arch]}; do
            read -r ms mm <<<"${RES[$arch,$w,$m]:-- -}"
            read -r qs qm <<<"${RES[$arch,$w,$q]:-- -}"
            # A checksum that differs from QEMU's makes the time meaningless
            if [ "$w" != installer ] && [ -n "$q" ] &&
               [ "${SUM[$arch,$w,$m]:-}" != "${SUM[$arch,$w,$q]:-}" ]; then
                ms=wrong
            fi
            [[ "$mm" =~ ^[0-9]+$ ]] && mm=$((mm / 1024))
            [[ "$qm" =~ ^[0-9]+$ ]] && qm=$((qm / 1024))
            echo "| $w | $ms | $mm | $qs | $qm | $(ratio "$ms" "$qs") |"
        done
        case " ${ROWS[$arch]} " in
        *" installer "*) ;;
        *)  row=$(old_row "$arch" installer)
            row=${row:-$(old_row "$arch" "installer (previous run)")}
            if [ -n "$row" ]; then
                echo "${row/| installer |/| installer (previous run) |}"
                echo
                echo "The installer row was kept from the run of $OLDDATE."
            fi ;;
        esac
    done
    if [ ${#IOROWS[@]} -gt 0 ]; then
        echo
        echo "## I/O (riscv64)"
        echo
        echo "I/O (tests/bench/io_bench.py, one run, MB/s timed inside the guest"
        echo "with /proc/uptime): Debian kernel + busybox initramfs,"
        echo "\`-m 512M -bios default\`, a sparse raw image on"
        echo "\`-device virtio-blk-device\` (dd bs=1M, ${IO_BLK_MIB} MiB," \
             "iflag/oflag=direct) and"
        echo "\`-netdev user -device e1000\` (busybox nc to a host listener at"
        echo "10.0.2.2, ${IO_TCP_MIB} MiB)."
        echo
        printf '| I/O workload |'
        for l in "${LABELS[@]}"; do printf ' %s MB/s |' "$l"; done
        echo
        printf '| --- |'
        for _ in "${LABELS[@]}"; do printf ' ---: |'; done
        echo
        for k in "${IOROWS[@]}"; do
            case $k in
            blk_read) printf '| virtio-blk sequential read |' ;;
            blk_write) printf '| virtio-blk sequential write |' ;;
            tcp_tx) printf '| TCP guest->host (slirp, e1000) |' ;;
            esac
            for i in "${!EMUS[@]}"; do
                printf ' %s |' "${IO[$k,$i]:-fail}"
            done
            echo
        done
    fi
    if [ ${#UIEMUS[@]} -gt 0 ]; then
        echo
        echo "## Display (riscv64)"
        echo
        echo "tests/bench/ui_bench.py: tests/guest/riscv64/gfx_virtio_gpu.elf,"
        echo "\`-M virt -m 128M -bios none -device virtio-gpu-device -display sdl\`"
        echo "on Xvfb.  Idle: the guest in WFI, host CPU seconds / wall seconds"
        echo "over ${UI_IDLE_SECONDS:-20} s (1.00 = one core busy).  Redraw: every"
        echo "pixel of a 1024x768 resource, TRANSFER_TO_HOST_2D and RESOURCE_FLUSH"
        echo "in a loop for 5 s of guest time; frames/s as the guest counts them."
        echo
        printf '| display workload |'
        for l in "${UILABELS[@]}"; do printf ' %s |' "$l"; done
        echo
        printf '| --- |'
        for _ in "${UILABELS[@]}"; do printf ' ---: |'; done
        echo
        printf '| idle CPU (cores) |'
        for i in "${!UIEMUS[@]}"; do printf ' %s |' "${UI[idle_cpu,$i]:-fail}"; done
        echo
        printf '| redraw 1024x768 (frames/s) |'
        for i in "${!UIEMUS[@]}"; do printf ' %s |' "${UI[fps,$i]:-fail}"; done
        echo
    fi
} >"$OUT"
echo "bench: wrote $OUT"
