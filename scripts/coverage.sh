#!/bin/sh
# make coverage: line and branch coverage of the portable code (hv/common,
# xsm, attest) by the hosted unit tests plus the replay of every committed
# fuzz input (fuzz/corpus and fuzz/regress), with clang's source-based
# coverage. The instrumented copies are build/coverage/unit/<test> and
# build/coverage/fuzz/<harness> (the Makefile builds them); the results:
#   build/coverage/html/index.html   per-file lines, branches, functions
#   build/coverage/summary.txt       llvm-cov's table for the same files
#   build/coverage/totals.txt        the totals line printed at the end
# With a results directory, also results/coverage.tap: one line that passes
# when coverage ran and records the figures (and fails when a unit test or
# a replay failed under coverage, which the other steps report too).
# Usage: coverage.sh <results dir> "<unit tests>" "<harnesses>"
set -u
results=$1
units=$2
harnesses=$3
cov=build/coverage
prof="$cov/prof"
start=$(date +%s)
LLVM_PROFDATA=${LLVM_PROFDATA:-$(command -v llvm-profdata-14 || command -v llvm-profdata)}
LLVM_COV=${LLVM_COV:-$(command -v llvm-cov-14 || command -v llvm-cov)}
rm -rf "$prof" "$cov/html"
mkdir -p "$prof" "$results"
failed=""
objects=""

for t in $units; do
	bin="$cov/unit/$t"
	objects="$objects -object $bin"
	LLVM_PROFILE_FILE="$prof/unit-$t-%p.profraw" CMOCKA_MESSAGE_OUTPUT=TAP "$bin" \
		>"$cov/unit-$t.log" 2>&1 || failed="$failed $t"
done
for f in $harnesses; do
	bin="$cov/fuzz/$f"
	objects="$objects -object $bin"
	for set in corpus regress; do
		dir="fuzz/$set/$f"
		[ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] || continue
		LLVM_PROFILE_FILE="$prof/fuzz-$f-$set-%p.profraw" "$bin" -runs=0 "$dir" \
			>"$cov/fuzz-$f-$set.log" 2>&1 || failed="$failed $f/$set"
	done
done

"$LLVM_PROFDATA" merge -sparse -o "$cov/coverage.profdata" "$prof"/*.profraw || exit 1
# The first binary is the main object, the others join with -object.
set -- $objects
shift
main=$1
shift
# Only the portable code: hv/common (with its lib), xsm and attest.
"$LLVM_COV" report "$main" "$@" -instr-profile="$cov/coverage.profdata" \
	hv/common xsm attest >"$cov/summary.txt" || exit 1
"$LLVM_COV" show "$main" "$@" -instr-profile="$cov/coverage.profdata" -format=html \
	-show-branches=count -show-line-counts-or-regions -output-dir="$cov/html" \
	hv/common xsm attest >/dev/null || exit 1
totals=$("$LLVM_COV" export "$main" "$@" -instr-profile="$cov/coverage.profdata" -summary-only \
	hv/common xsm attest | python3 -c '
import json, sys
t = json.load(sys.stdin)["data"][0]["totals"]
l, b = t["lines"], t["branches"]
print("lines %.1f%% (%d/%d), branches %.1f%% (%d/%d)" % (
    l["percent"], l["covered"], l["count"], b["percent"], b["covered"], b["count"]))
') || exit 1
echo "$totals" >"$cov/totals.txt"
echo "coverage of hv/common, xsm, attest: $totals (build/coverage/html/index.html," \
	"$(($(date +%s) - start))s)"
if [ -n "$failed" ]; then
	echo "not ok 1 - coverage: $totals, but these failed under coverage:$failed" \
		>"$results/coverage.tap"
	exit 1
fi
echo "ok 1 - coverage: $totals" >"$results/coverage.tap"
