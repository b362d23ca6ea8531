#!/bin/sh
# Replay every fuzz harness's seed corpus and regression inputs under
# ASan/UBSan, then give each a bounded smoke run. One TAP line per step.
results=$1; shift
out="$results/fuzz.tap"
: >"$out"
n=0
smoke_secs=${FUZZ_SMOKE_SECS:-15}
for f in "$@"; do
	bin="build/fuzz/$f"
	for set in corpus regress; do
		dir="fuzz/$set/$f"
		[ -d "$dir" ] || continue
		[ -n "$(ls -A "$dir")" ] || continue
		n=$((n + 1))
		if "$bin" -runs=0 "$dir" >"$results/fuzz-$f-$set.log" 2>&1; then
			echo "ok $n - fuzz $f replays $set" >>"$out"
		else
			echo "not ok $n - fuzz $f replays $set (see $results/fuzz-$f-$set.log)" >>"$out"
		fi
	done
	n=$((n + 1))
	tmp=$(mktemp -d)
	[ -d "fuzz/corpus/$f" ] && cp -r "fuzz/corpus/$f/." "$tmp/" 2>/dev/null
	if "$bin" -max_total_time="$smoke_secs" -rss_limit_mb=2048 -artifact_prefix="$results/crash-$f-" \
		"$tmp" >"$results/fuzz-$f-smoke.log" 2>&1; then
		echo "ok $n - fuzz $f smoke run ${smoke_secs}s" >>"$out"
	else
		echo "not ok $n - fuzz $f smoke run found a crash (see $results/fuzz-$f-smoke.log)" >>"$out"
	fi
	rm -rf "$tmp"
done
grep -q '^not ok' "$out" && exit 1
exit 0
