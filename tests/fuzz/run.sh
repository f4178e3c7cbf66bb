#!/bin/bash
# SPDX-License-Identifier: MIT
# Run each libFuzzer target for SECONDS: run.sh SECONDS BIN...
# Seeds come from tests/fuzz/corpus/<name>/ (read only); new inputs go to
# <bin>-corpus/ beside the binary, crashes to <bin>-artifacts/.  Inputs
# that once crashed (tests/fuzz/regressions/<name>/) are replayed first.
# Prints "fuzz: N passed, N failed" last; exit status 1 if any failed.
set -u
secs=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
for bin in "$@"; do
    name=$(basename "$bin")
    name=${name#fuzz-}
    work=$bin-corpus art=$bin-artifacts log=$bin.log
    mkdir -p "$work" "$art"
    reg="$here/regressions/$name"
    if [ -d "$reg" ] && ! "$bin" -runs=0 -close_fd_mask=2 "$reg" \
        >"$log" 2>&1; then
        echo "fuzz $name: FAILED replaying $reg (see $log)"
        grep -E 'ERROR|SUMMARY' "$log" | head -n 5
        failed=$((failed + 1))
        continue
    fi
    # -close_fd_mask=2 hides the guest_error/error_report chatter; crash
    # reports still appear in the log.
    if "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -close_fd_mask=2 -print_final_stats=1 \
        -artifact_prefix="$art/" "$work" "$here/corpus/$name" \
        >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n1)
        echo "fuzz $name: ok, ${runs:-?} runs in ${secs}s, ${cov:-cov: ?}"
        passed=$((passed + 1))
    else
        echo "fuzz $name: FAILED (see $log, inputs in $art)"
        grep -E 'ERROR|SUMMARY' "$log" | head -n 5
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
