#!/bin/bash
# SPDX-License-Identifier: MIT
# `make check`: install what is missing, fetch guest images, build, then
# run every test tier (unit, guest ISA, functional, differential).  The
# last line is "N passed, N failed, N skipped" over all tiers; the exit
# status is non-zero if anything failed.
#
# Environment: BUILD (default build), MACHINA (emulator under test),
# MACHINA_CHECK_QUICK=1 skips the slow installer boots,
# MACHINA_CACHE (image cache), JOBS (default 2).
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
LOG=$BUILD/check-logs
mkdir -p "$LOG"

passed=0 failed=0 skipped=0
step() { echo "== $*"; }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
skip() { echo "SKIPPED: $*"; skipped=$((skipped + 1)); }

step "dependencies"
scripts/install-deps.sh || fail "install-deps (see message above)"

step "guest images"
if ! scripts/fetch-images.sh riscv64 arm64 arm64-kernel qemu-backports \
        >"$LOG/fetch.log" 2>&1; then
    fail "guest image download (see $LOG/fetch.log)"
fi
cat "$LOG/fetch.log" 2>/dev/null | grep -v '^fetch-images' || true

step "build"
# (Re)configure when there is no configuration or configure changed.
if [ ! -f "$BUILD/config.mak" ] || [ configure -nt "$BUILD/config.mak" ]; then
    (mkdir -p "$BUILD" && cd "$BUILD" && "$ROOT/configure") \
        >"$LOG/configure.log" 2>&1 || fail "configure (see $LOG/configure.log)"
fi
if make -j"$JOBS" BUILD="$BUILD" all >"$LOG/build.log" 2>&1; then
    passed=$((passed + 1))
else
    fail "build (see $LOG/build.log)"
    tail -n 20 "$LOG/build.log"
fi

step "guest tests build"
if make BUILD="$BUILD" guest-tests >"$LOG/guest-build.log" 2>&1; then
    passed=$((passed + 1))
else
    fail "guest test build (see $LOG/guest-build.log)"
    tail -n 20 "$LOG/guest-build.log"
fi

step "unit tests"
make -j"$JOBS" BUILD="$BUILD" unit >"$LOG/unit.log" 2>&1
urc=$?
grep '^unit: ' "$LOG/unit.log" || true
sum=$(grep -E '^unit: [0-9]+ passed' "$LOG/unit.log" | tail -n1)
if [ -n "$sum" ]; then
    read -r up uf us <<<"$(echo "$sum" |
        sed -E 's/^unit: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped/\1 \2 \3/')"
    passed=$((passed + up)) failed=$((failed + uf)) skipped=$((skipped + us))
elif [ "$urc" -ne 0 ]; then
    fail "unit tests did not build (see $LOG/unit.log)"
    tail -n 20 "$LOG/unit.log"
fi

step "fuzz smoke (5 s per libFuzzer target)"
if command -v clang >/dev/null 2>&1; then
    if make -j"$JOBS" BUILD="$BUILD" fuzz FUZZ_SECONDS=5 \
        >"$LOG/fuzz.log" 2>&1; then
        :
    fi
    grep '^fuzz ' "$LOG/fuzz.log" || true
    sum=$(grep -E '^fuzz: [0-9]+ passed' "$LOG/fuzz.log" | tail -n1)
    if [ -n "$sum" ]; then
        read -r fp ff <<<"$(echo "$sum" |
            sed -E 's/^fuzz: ([0-9]+) passed, ([0-9]+) failed/\1 \2/')"
        passed=$((passed + fp)) failed=$((failed + ff))
    else
        fail "fuzz targets did not build (see $LOG/fuzz.log)"
        tail -n 20 "$LOG/fuzz.log"
    fi
else
    skip "fuzz smoke (clang is not installed)"
fi

step "guest, functional and differential tests (pytest)"
export MACHINA_BUILD=$ROOT/$BUILD
[ "${BUILD#/}" != "$BUILD" ] && export MACHINA_BUILD=$BUILD
export MACHINA_INSTALLER_TIMEOUT=${MACHINA_INSTALLER_TIMEOUT:-420}
sel=()
if [ "${MACHINA_CHECK_QUICK:-0}" = 1 ]; then
    sel=(-m "not slow")
    skip "installer boots deselected (MACHINA_CHECK_QUICK=1)"
fi
if "$PY" -c 'import pytest' 2>/dev/null; then
    "$PY" -m pytest -p no:cacheprovider -q -rsfE "${sel[@]}" \
        --junitxml="$LOG/pytest.xml" tests/functional
    counts=$("$PY" - "$LOG/pytest.xml" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("0 1 0")
    sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = f = s = 0
for su in suites:
    t += int(su.get("tests", 0))
    f += int(su.get("failures", 0)) + int(su.get("errors", 0))
    s += int(su.get("skipped", 0))
print(t - f - s, f, s)
PYEOF
)
    read -r pp pf ps <<<"$counts"
    passed=$((passed + pp)) failed=$((failed + pf)) skipped=$((skipped + ps))
else
    fail "pytest is not installed (Debian: python3-pytest)"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
