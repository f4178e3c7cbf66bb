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
# SMP rows (issue 8): tests/bench/smp.c / smp-aarch64.c at -smp 1 and
# -smp 2, Machina with -accel tcg,thread=multi vs QEMU (MTTCG by default),
# speed-up and CPU time.  BENCH_SMP=0 skips them (the previous file's SMP
# section is kept); BENCH_ONLY=smp runs only them and rewrites only that
# section of BENCH_OUT.
# Compression rows (issue 8, tests/bench/compress_bench.py): busybox gzip,
# gunzip and unxz of COMPRESS_MIB (8) MiB in a Debian kernel + busybox
# initramfs, riscv64 and aarch64, Machina vs QEMU, median of RUNS runs.
# BENCH_COMPRESS=0 skips them (the previous file's section is kept);
# BENCH_ONLY=compress runs only them and rewrites only that section.
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
ONLY=${BENCH_ONLY:-}
case "$ONLY" in ""|smp|compress) ;; *) echo "bench: BENCH_ONLY is smp, compress or empty" >&2; exit 2 ;; esac
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
    if [ -n "$q" ]; then
        QLABEL[$arch]=$("$q" --version | head -n1 |
                        sed 's/.*version \([^ ]*\).*/QEMU \1/')
    fi
done

for arch in $ARCHS; do
    [ -z "$ONLY" ] || break
    q=${QPATH[$arch]}
    emus=()
    [ -x "${MBIN[$arch]}" ] && emus+=("${MBIN[$arch]}")
    [ -n "$q" ] && emus+=("$q")
    rows=(integer memory calls fp ecall)
    # NEON string idioms (tests/bench/string-aarch64.c): AArch64 only
    case $arch in aarch64*) rows+=(string) ;; esac
    for w in "${rows[@]}"; do
        # Runs alternate between the emulators, like the installer's.
        declare -A CT=() CR=() CS=()
        for _ in $(seq "$RUNS"); do
            for e in "${emus[@]}"; do
                read -r s m c <<<"$(run_one "$e" "$arch" "${WELF[$arch]}/$w.elf")"
                CT[$e]+="$s " CR[$e]+="$m " CS[$e]+="$c "
            done
        done
        for e in "${emus[@]}"; do
            # shellcheck disable=SC2086
            RES[$arch,$w,$e]="$(printf '%s\n' ${CT[$e]} | median) $(printf '%s\n' ${CR[$e]} | sort -n | tail -n1)"
            # shellcheck disable=SC2086
            SUM[$arch,$w,$e]=$(printf '%s\n' ${CS[$e]} | sort -u | tr '\n' ' ')
            echo "bench: $arch $w $e: ${RES[$arch,$w,$e]}"
        done
    done
    dir=$CACHE/${IMG[$arch]}/installer
    if [ "${BENCH_INSTALLER:-1}" != 0 ] &&
       scripts/fetch-images.sh "${IMG[$arch]}" >/dev/null 2>&1 &&
       [ -f "$dir/linux" ]; then
        # installer: both emulators' defaults at -smp 2, a host thread
        # per vCPU.  installer-rr: Machina with all vCPUs on one thread
        # (thread=single; against the same QEMU time).
        # The runs go round the emulators (run 1 of each, then run 2...)
        # so that a slow spell of the host hits all of them alike.
        rows+=(installer installer-rr)
        runs=("${emus[@]}")
        [ -x "${MBIN[$arch]}" ] && runs+=("${MBIN[$arch]} rr")
        declare -A ITIMES=() IRSS=()
        for _ in $(seq "$RUNS"); do
            for e in "${runs[@]}"; do
                extra=
                case $e in *" rr") extra="-accel tcg,thread=single" ;; esac
                # shellcheck disable=SC2086
                read -r s m <<<"$("$PY" tests/bench/boot_time.py "${e% rr}" \
                    600 "Select a language" ${IARGS[$arch]} $extra -m 1G \
                    -smp 2 -nographic -kernel "$dir/linux" \
                    -initrd "$dir/initrd.gz" \
                    -append console=${CONSOLE[$arch]} || true)"
                ITIMES[$e]+="$s " IRSS[$e]+="$m "
            done
        done
        for e in "${runs[@]}"; do
            w=installer
            case $e in *" rr") w=installer-rr ;; esac
            # shellcheck disable=SC2086
            RES[$arch,$w,${e% rr}]="$(printf '%s\n' ${ITIMES[$e]} | median) $(printf '%s\n' ${IRSS[$e]} | sort -n | tail -n1)"
            echo "bench: $arch $w ${e% rr}: ${RES[$arch,$w,${e% rr}]}"
        done
        if [ -n "$q" ]; then
            RES[$arch,installer-rr,$q]=${RES[$arch,installer,$q]:-}
        fi
        # The host is still busy for seconds after a 1 GiB guest exits:
        # twice the next CPU row ran 1.5x slow without this pause.
        sleep 10
    fi
    ROWS[$arch]="${rows[*]}"
done

# SMP speed-up (tests/bench/smp.c, smp-aarch64.c): the same 16 chunks of
# work at -smp 1 and -smp 2; any CPU takes the next chunk, so the checksum
# does not depend on the CPU count.  Wall time is what the issue asks
# about; CPU time (user + sys) shows the cost of the threads themselves
# and still means something on a loaded host.
# run_smp EMU ARCH NCPUS [ARGS...] -> "wall cpu ncpus result" or "fail".
run_smp() {
    local e=$1 arch=$2 n=$3 t o r w u sy
    shift 3
    t=$(mktemp) o=$(mktemp)
    # shellcheck disable=SC2046,SC2086
    if /usr/bin/time -f '%e %U %S' -o "$t" timeout 600 "$e" $(qextra "$e") \
            ${WARGS[$arch]} -smp "$n" "$@" -kernel "${WELF[$arch]}/smp.elf" \
            </dev/null >"$o" 2>&1 &&
       r=$(grep -o 'smp cpus [0-9]* result [0-9a-fx]*' "$o"); then
        read -r w u sy <"$t"
        set -- $r
        echo "$w $(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }') $3 $5"
    else
        echo "fail - - -"
    fi
    rm -f "$t" "$o"
}

declare -A SMPRES SMPSUM SMPCPUS
SMPARCHS=() SMPLOAD=
if [ "${BENCH_SMP:-1}" != 0 ] && [ "$ONLY" != compress ]; then
    for arch in $ARCHS; do
        case $arch in riscv64|aarch64) SMPARCHS+=("$arch") ;; esac
    done
fi
SMPLOAD=$(cut -d' ' -f1 /proc/loadavg)
for arch in "${SMPARCHS[@]}"; do
    for e in "${MBIN[$arch]}" "${QPATH[$arch]}"; do
        if [ -z "$e" ] || [ ! -x "$e" ]; then
            continue
        fi
        extra=()
        case "$e" in "${MBIN[$arch]}") extra=(-accel "tcg,thread=multi") ;; esac
        for n in 1 2; do
            walls=() cpus=() sums=() ns=()
            for _ in $(seq "$RUNS"); do
                read -r w c k r <<<"$(run_smp "$e" "$arch" "$n" "${extra[@]}")"
                walls+=("$w") cpus+=("$c") ns+=("$k") sums+=("$r")
            done
            SMPRES[$arch,$e,$n]="$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median)"
            SMPSUM[$arch,$e,$n]=$(printf '%s\n' "${sums[@]}" | sort -u | tr '\n' ' ')
            SMPCPUS[$arch,$e,$n]=$(printf '%s\n' "${ns[@]}" | sort -u | tr '\n' ' ')
            echo "bench: $arch smp $n $e: ${SMPRES[$arch,$e,$n]}" \
                 "(cpus ${SMPCPUS[$arch,$e,$n]}result ${SMPSUM[$arch,$e,$n]})"
        done
    done
done
SMPLOAD="$SMPLOAD -> $(cut -d' ' -f1 /proc/loadavg)"

IO_BLK_MIB=${IO_BLK_MIB:-256} IO_TCP_MIB=${IO_TCP_MIB:-32}
declare -A IO
IOROWS=()
EMUS=() LABELS=()
[ -x "${MBIN[riscv64]}" ] && EMUS+=("${MBIN[riscv64]}") LABELS+=(Machina)
[ -n "${QPATH[riscv64]:-}" ] && EMUS+=("${QPATH[riscv64]}") \
    LABELS+=("${QLABEL[riscv64]}")
if [ -z "$ONLY" ] && [ "${BENCH_IO:-1}" != 0 ] &&
   scripts/fetch-images.sh riscv64 \
        >/dev/null 2>&1; then
    IOROWS=(blk_read blk_write tcp_tx)
    # RUNS runs per emulator, alternating; the median of each figure.
    declare -A IOV=()
    for _ in $(seq "$RUNS"); do
        for i in "${!EMUS[@]}"; do
            while read -r k v; do
                IOV[$k,$i]+="$v "
            done < <("$PY" tests/bench/io_bench.py "${EMUS[$i]}" \
                     "$IO_BLK_MIB" "$IO_TCP_MIB" || true)
        done
    done
    for i in "${!EMUS[@]}"; do
        for k in "${IOROWS[@]}"; do
            # shellcheck disable=SC2086
            [ -n "${IOV[$k,$i]:-}" ] &&
                IO[$k,$i]=$(printf '%s\n' ${IOV[$k,$i]} | median)
        done
        echo "bench: io ${LABELS[$i]}: read ${IO[blk_read,$i]:-fail}" \
             "write ${IO[blk_write,$i]:-fail} tcp ${IO[tcp_tx,$i]:-fail} MB/s"
    done
fi

# Compression (tests/bench/compress_bench.py): one line per workload and
# run, "gzip|gunzip|unxz SECONDS|fail"; a row with a failed run (timeout
# or an md5sum that differs from the input's) is "fail".
COMPRESS_MIB=${COMPRESS_MIB:-8}
CMPSTEPS=(gzip gunzip unxz)
declare -A CMP CMPV
CMPARCHS=()
if { [ -z "$ONLY" ] || [ "$ONLY" = compress ]; } &&
   [ "${BENCH_COMPRESS:-1}" != 0 ]; then
    # The I/O rows leave hundreds of MiB of dirty image pages behind:
    # let the host write them back before timing anything.
    sync
    sleep 5
    for arch in $ARCHS; do
        case $arch in riscv64|aarch64) ;; *) continue ;; esac
        scripts/fetch-images.sh "${IMG[$arch]}" >/dev/null 2>&1 || continue
        CMPARCHS+=("$arch")
        cemus=()
        for e in "${MBIN[$arch]}" "${QPATH[$arch]}"; do
            [ -n "$e" ] && [ -x "$e" ] && cemus+=("$e")
        done
        for e in "${cemus[@]}"; do
            for k in "${CMPSTEPS[@]}"; do CMPV[$e,$k]=; done
        done
        # Runs alternate between the emulators, so that a slow stretch
        # of the host (these rows vary +-30% on a shared VM) hits both.
        for _ in $(seq "$RUNS"); do
            for e in "${cemus[@]}"; do
                out=$("$PY" tests/bench/compress_bench.py "${IMG[$arch]}" \
                      "$e" "$COMPRESS_MIB" || true)
                for k in "${CMPSTEPS[@]}"; do
                    v=$(awk -v k="$k" '$1 == k { print $2 }' <<<"$out")
                    CMPV[$e,$k]+="${v:-fail} "
                done
            done
        done
        for e in "${cemus[@]}"; do
            for k in "${CMPSTEPS[@]}"; do
                case " ${CMPV[$e,$k]}" in
                *" fail "*) CMP[$arch,$k,$e]=fail ;;
                *) CMP[$arch,$k,$e]=$(tr ' ' '\n' <<<"${CMPV[$e,$k]% }" | median) ;;
                esac
            done
            echo "bench: $arch compress $e: gzip ${CMP[$arch,gzip,$e]}" \
                 "gunzip ${CMP[$arch,gunzip,$e]} unxz ${CMP[$arch,unxz,$e]} s"
        done
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
if [ -z "$ONLY" ] && [ "${BENCH_UI:-1}" != 0 ] &&
   command -v Xvfb >/dev/null &&
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

# old_section HEAD: section HEAD ("## ..." to its last non-empty line)
# of the previous $OUT, for a section not measured this time.
old_section() {
    [ -f "$OUT" ] || return 0
    awk -v h="$1" '
        /^## / { in_s = ($0 == h) }
        in_s { a[++n] = $0 }
        END { while (n > 0 && a[n] == "") n--
              for (i = 1; i <= n; i++) print a[i] }' "$OUT"
}

# The SMP section, "## SMP speed-up" to its last line (from the previous
# file when not measured this time).
SMPHEAD="## SMP speed-up (-smp 1 vs -smp 2)"
smp_section() {
    local arch e n lab w1 c1 w2 c2 s1 s2 q sp
    if [ ${#SMPARCHS[@]} -eq 0 ]; then
        old_section "$SMPHEAD"
        return 0
    fi
    echo "$SMPHEAD"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC'), host load (1-min average) $SMPLOAD"
    echo "on $(nproc) cores: wall time only shows the speed-up when two host"
    echo "cores are idle; CPU s (user + sys, median) is what the run cost."
    echo "tests/bench/smp.c (riscv64) and smp-aarch64.c: 16 equal chunks of a"
    echo "CPU-bound kernel (xorshift, divide, stores into the CPU's own buffer);"
    echo "each CPU takes the next chunk until none are left, CPU 0 waits for all"
    echo "and prints a checksum that is the same for any CPU count.  Run as"
    echo "\`EMU <machine args> -smp 1|2 -kernel build/tests/bench/[aarch64/]smp.elf\`,"
    echo "Machina with \`-accel tcg,thread=multi\`, QEMU with its default (MTTCG"
    echo "on these boards); machine args as in the tables above (aarch64:"
    echo "cortex-a57).  Median of $RUNS runs; speed-up = -smp 1 wall / -smp 2 wall."
    echo
    echo "| guest | emulator | -smp 1 s | -smp 2 s | speed-up | -smp 1 CPU s | -smp 2 CPU s |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
    for arch in "${SMPARCHS[@]}"; do
        q=${QPATH[$arch]:-}
        for e in "${MBIN[$arch]}" "$q"; do
            if [ -z "$e" ] || [ -z "${SMPRES[$arch,$e,1]:-}" ]; then
                continue
            fi
            lab="Machina (thread=multi)"
            [ "$e" = "$q" ] && lab=${QLABEL[$arch]:-QEMU}
            read -r w1 c1 <<<"${SMPRES[$arch,$e,1]}"
            read -r w2 c2 <<<"${SMPRES[$arch,$e,2]}"
            s1=${SMPSUM[$arch,$e,1]} s2=${SMPSUM[$arch,$e,2]}
            # One checksum for both CPU counts, and QEMU's.
            if [[ "$s1" == *" "?* || "$s1" != "$s2" ||
                  ( -n "$q" && -n "${SMPSUM[$arch,$q,1]:-}" &&
                    "$s1" != "${SMPSUM[$arch,$q,1]}" ) ]]; then
                w1=wrong w2=wrong
            fi
            sp=$(ratio "$w1" "$w2")
            # -smp 2 runs where one CPU did all the work measure nothing.
            [ "${SMPCPUS[$arch,$e,2]}" = "2 " ] || sp="$sp (cpus ${SMPCPUS[$arch,$e,2]% })"
            echo "| $arch | $lab | $w1 | $w2 | $sp | $c1 | $c2 |"
        done
    done
}

# The compression section (from the previous file when not measured).
CMPHEAD="## Compression (busybox in Linux)"
compress_section() {
    local arch q k ms qs
    if [ ${#CMPARCHS[@]} -eq 0 ]; then
        old_section "$CMPHEAD"
        return 0
    fi
    echo "$CMPHEAD"
    echo
    echo "tests/bench/compress_bench.py, measured $(date -u '+%Y-%m-%d %H:%M UTC'):"
    echo "Debian kernel + busybox initramfs, \`<machine> -m 256M -smp 1\` (machine"
    echo "\`-M virt -bios default\` riscv64, \`-M virt -cpu cortex-a57\` aarch64,"
    echo "arm64 kernel); ${COMPRESS_MIB} MiB input in the initramfs (64 KiB pieces"
    echo "of the guest's busybox binary alternating with \`seq\` text).  busybox"
    echo "\`gzip -c\` (default level) to a tmpfs, \`gunzip -c\` of it back, \`unxz -c\`"
    echo "of a host-made .xz (Python lzma, preset 6); guest seconds from"
    echo "/proc/uptime, median of $RUNS runs alternating between the emulators;"
    echo "every result's md5sum is checked"
    echo "against the input (\"fail\" otherwise).  QEMU: ${QLABEL[${CMPARCHS[0]}]:-QEMU}."
    echo
    echo "| arch | workload | Machina s | QEMU s | ratio |"
    echo "| --- | --- | ---: | ---: | ---: |"
    for arch in "${CMPARCHS[@]}"; do
        q=${QPATH[$arch]:-}
        for k in "${CMPSTEPS[@]}"; do
            ms=${CMP[$arch,$k,${MBIN[$arch]}]:--}
            qs=${CMP[$arch,$k,$q]:--}
            echo "| $arch | $k | $ms | $qs | $(ratio "$ms" "$qs") |"
        done
    done
}

# BENCH_ONLY=smp|compress: replace that section of OUT (or append it),
# keep the rest.
if [ -n "$ONLY" ]; then
    new=$(mktemp)
    case $ONLY in
    smp) head=$SMPHEAD; smp_section >"$new" ;;
    compress) head=$CMPHEAD; compress_section >"$new" ;;
    esac
    if [ -f "$OUT" ] && grep -qxF "$head" "$OUT"; then
        awk -v h="$head" -v f="$new" '
            BEGIN { while ((getline l < f) > 0) sec = sec l "\n" }
            /^## / { if (skip) { skip = 0; print "" }
                     if ($0 == h) { printf "%s", sec; skip = 1; next } }
            !skip { print }' "$OUT" >"$new.out"
    else
        { [ -f "$OUT" ] && cat "$OUT" && echo; cat "$new"; } >"$new.out"
    fi
    mv "$new.out" "$OUT"
    rm -f "$new"
    echo "bench: wrote the $ONLY section of $OUT"
    exit 0
fi

SMPTEXT=$(smp_section)
CMPTEXT=$(compress_section)

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
    echo "  Debian 12 arm64 netboot installers).  Both emulators run a host thread per"
    echo "  vCPU by default at -smp 2; the \"thread=single\" row adds Machina's"
    echo "  \`-accel tcg,thread=single\` (all vCPUs round-robin on one thread)."
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
            if [ "${w%-rr}" != installer ] && [ -n "$q" ] &&
               [ "${SUM[$arch,$w,$m]:-}" != "${SUM[$arch,$w,$q]:-}" ]; then
                ms=wrong
            fi
            [[ "$mm" =~ ^[0-9]+$ ]] && mm=$((mm / 1024))
            [[ "$qm" =~ ^[0-9]+$ ]] && qm=$((qm / 1024))
            label=$w
            [ "$w" = installer-rr ] && label="installer, Machina thread=single"
            echo "| $label | $ms | $mm | $qs | $qm | $(ratio "$ms" "$qs") |"
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
    if [ -n "$SMPTEXT" ]; then
        echo
        echo "$SMPTEXT"
    fi
    if [ -n "$CMPTEXT" ]; then
        echo
        echo "$CMPTEXT"
    fi
    if [ ${#IOROWS[@]} -gt 0 ]; then
        echo
        echo "## I/O (riscv64)"
        echo
        echo "I/O (tests/bench/io_bench.py, median of $RUNS runs alternating between"
        echo "the emulators, MB/s timed inside the guest"
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
