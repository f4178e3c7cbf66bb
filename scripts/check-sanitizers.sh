#!/bin/bash
# SPDX-License-Identifier: MIT
# `make check-sanitizers`: the whole `make check` (scripts/check.sh) run
# against a second build configured with --enable-sanitizers (ASan +
# UBSan), failing on any sanitizer report.  docs/reliability.md
# ("Sanitizers") says what it covers and how long it takes.
#
# Every instrumented process (emulator, unit tests, fuzz targets) writes
# its report to $SAN_BUILD/san-logs/asan.PID instead of stderr
# (log_path; UBSan's too with clang), and halts on the first one.  Tests
# kill emulators, read only stdout or tolerate non-zero exits, so a
# report is not guaranteed to fail its test; the scan at the end is.
#
# Pieces: `scripts/check-sanitizers.sh PIECE...` runs only those against
# the same build, options and final scan: `unit` (make unit), `fuzz`
# (make fuzz, FUZZ_SECONDS default 5), then pytest arguments (test
# files, -k, -m; from the first one on, all are pytest's), after the
# build and guest programs.
#
# Environment: SAN_BUILD (default build-san; BUILD is ignored so that
# `make check-sanitizers BUILD=build` cannot reconfigure the plain
# build), SAN_DETECT_LEAKS (default 1), MACHINA_INSTALLER_TIMEOUT
# (default 1500 s here), MACHINA_TIMEOUT_SCALE (default 3 here: see
# tests/functional/machina.py), and everything scripts/check.sh reads
# (MACHINA_CHECK_QUICK, JOBS, MACHINA_CACHE, QEMU...).
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SAN_BUILD=${SAN_BUILD:-build-san}
case "$SAN_BUILD" in
/*) abs=$SAN_BUILD ;;
*) abs=$ROOT/$SAN_BUILD ;;
esac
LOGDIR=$abs/san-logs
start=$(date +%s)

echo "== sanitizer build in $SAN_BUILD"
scripts/install-deps.sh || echo "install-deps failed (see above)"
mkdir -p "$abs"
if [ -f "$abs/config.mak" ] &&
    ! grep -q '^SANITIZERS=yes' "$abs/config.mak"; then
    echo "check-sanitizers: $SAN_BUILD is configured without sanitizers;"
    echo "  set SAN_BUILD to another directory"
    exit 1
fi
# clang: its UBSan runtime lives inside the ASan runtime and honours
# ASAN_OPTIONS=log_path.  GCC 12's separate libubsan ignores log_path
# (and abort_on_error) next to libasan and prints to stderr only, where a
# test that reads stdout or kills its emulator never sees it.  GCC also
# warns falsely on instrumented code (-Wstringop-overread in
# system/main.c), so it builds without -Werror.
if command -v clang >/dev/null 2>&1; then
    cfg=(--cc=clang --enable-sanitizers)
else
    echo "check-sanitizers: clang missing; GCC's UBSan reports reach only"
    echo "  stderr and fail a test only when its emulator's exit is checked"
    cfg=(--enable-sanitizers --disable-werror)
fi
# check.sh reconfigures (plainly) when configure is newer than config.mak,
# so configure here first.
if [ ! -f "$abs/config.mak" ] || [ configure -nt "$abs/config.mak" ]; then
    if ! (cd "$abs" && "$ROOT/configure" "${cfg[@]}") \
            >"$abs/configure.log" 2>&1; then
        cat "$abs/configure.log"
        echo "check-sanitizers: configure failed"
        exit 1
    fi
fi

# Reports from earlier runs would fail this one.
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/asan.* "$LOGDIR"/ubsan.*

# halt_on_error: the first report ends the process (UBSan would otherwise
# print and continue).  Leak checking runs at a clean exit only; a test
# that kills its emulator with SIGKILL is not leak-checked.
export ASAN_OPTIONS="halt_on_error=1:print_stacktrace=1\
:detect_leaks=${SAN_DETECT_LEAKS:-1}:log_path=$LOGDIR/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1\
:log_path=$LOGDIR/ubsan"
# Third-party leaks only, each with its reason; the "Suppressions used"
# summary would otherwise land in a log file and count as a report.
export LSAN_OPTIONS="suppressions=$ROOT/scripts/lsan.supp:print_suppressions=0"
# Instrumented helpers are slower; the installer boots need more time.
export MACHINA_INSTALLER_TIMEOUT=${MACHINA_INSTALLER_TIMEOUT:-1500}
# Guests run 2-3x slower instrumented: waits for guest output get longer.
export MACHINA_TIMEOUT_SCALE=${MACHINA_TIMEOUT_SCALE:-3}

if [ $# -eq 0 ]; then
    BUILD=$SAN_BUILD scripts/check.sh
    rc=$?
    what="make check"
else
    rc=0
    what="pieces"
    plog=$abs/check-logs
    mkdir -p "$plog"
    if ! make -j"${JOBS:-2}" BUILD="$SAN_BUILD" all >"$plog/build.log" 2>&1 ||
        ! make BUILD="$SAN_BUILD" guest-tests >>"$plog/build.log" 2>&1; then
        tail -n 20 "$plog/build.log"
        echo "check-sanitizers: build failed (see $plog/build.log)"
        exit 1
    fi
    pyargs=()
    for piece in "$@"; do
        # After the first pytest argument all are (`-k unit` stays one).
        [ ${#pyargs[@]} -gt 0 ] && piece="pytest:$piece"
        case "$piece" in
        unit)
            make -j"${JOBS:-2}" BUILD="$SAN_BUILD" unit || rc=1 ;;
        fuzz)
            make -j"${JOBS:-2}" BUILD="$SAN_BUILD" fuzz \
                FUZZ_SECONDS="${FUZZ_SECONDS:-5}" || rc=1 ;;
        *)
            pyargs+=("${piece#pytest:}") ;;
        esac
    done
    if [ ${#pyargs[@]} -gt 0 ]; then
        MACHINA_BUILD=$abs /usr/bin/python3 -m pytest -p no:cacheprovider \
            -q -rsfE "${pyargs[@]}" || rc=1
    fi
fi

reports=$(find "$LOGDIR" -maxdepth 1 -type f \
    \( -name 'asan.*' -o -name 'ubsan.*' \) | sort)
n=0
for f in $reports; do
    n=$((n + 1))
    echo "== sanitizer report $f"
    head -n 40 "$f"
done
echo "check-sanitizers: $n sanitizer report(s), $what exit $rc," \
    "$(( $(date +%s) - start )) s"
[ "$rc" -eq 0 ] && [ "$n" -eq 0 ]
