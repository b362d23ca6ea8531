#!/bin/sh
# Long fuzzing campaigns for a user: each harness in turn under libFuzzer,
# FUZZ_SECS seconds (default 600) on FUZZ_JOBS workers (default 2), growing a
# working corpus under build/fuzz-work/<harness> (seeded from fuzz/corpus).
# Crashes land in build/fuzz-work/<harness>/crash-*: minimise them and add
# them to fuzz/regress/<harness>/ with the fix.
set -eu
secs=${FUZZ_SECS:-600}
jobs=${FUZZ_JOBS:-2}
for f in "$@"; do
	work="build/fuzz-work/$f"
	mkdir -p "$work/corpus"
	[ -d "fuzz/corpus/$f" ] && cp -rn "fuzz/corpus/$f/." "$work/corpus/" 2>/dev/null || true
	echo "fuzz: $f for ${secs}s on $jobs workers"
	"build/fuzz/$f" -max_total_time="$secs" -jobs="$jobs" -workers="$jobs" \
		-artifact_prefix="$work/crash-" "$work/corpus" >"$work/log" 2>&1 || {
		echo "fuzz: $f found a crash: see $work/" >&2
		exit 1
	}
done
