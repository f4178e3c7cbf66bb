#!/bin/bash
# SPDX-License-Identifier: MIT
# Run cmocka unit-test binaries: run-unit.sh BIN...
# Prints each binary's result and a last line
#   unit: N passed, N failed, N skipped
# counting individual cmocka tests (a crashing binary counts as one
# failure).  Exit status is non-zero if anything failed.
set -uo pipefail

passed=0 failed=0 skipped=0
for bin in "$@"; do
    name=$(basename "$bin")
    if [ ! -x "$bin" ]; then
        echo "unit: $name: not built"
        failed=$((failed + 1))
        continue
    fi
    out=$(timeout -k 5 120 "$bin" 2>&1)
    rc=$?
    p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' |
        tail -n1)
    f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' |
        tail -n1)
    s=$(echo "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' |
        tail -n1)
    p=${p:-0} f=${f:-0} s=${s:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        # Crash, timeout or a failure cmocka did not count.
        f=1
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    if [ "$f" -ne 0 ]; then
        echo "unit: $name: FAILED (exit $rc)"
        echo "$out" | sed 's/^/    /' | tail -n 40
    else
        if [ "$s" -ne 0 ]; then
            echo "unit: $name: $p passed, $s skipped"
        else
            echo "unit: $name: $p passed"
        fi
    fi
done
echo "unit: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
