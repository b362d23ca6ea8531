#!/bin/sh
# make test's fuzz step, one TAP line each (results/fuzz.tap):
#  - every harness replays its seed corpus (fuzz/corpus/<harness>) and its
#    regression inputs (fuzz/regress/<harness>) under ASan+UBSan;
#  - a bounded smoke run of each harness from a copy of its corpus,
#    FUZZ_SMOKE_SECS seconds (default 30), FUZZ_SMOKE_JOBS harnesses at a
#    time (default 2, one per core); the line gives its execs/s;
#  - the AFL++ build of one harness ($FUZZ_AFL_SMOKE, build/fuzz-afl/) runs
#    under afl-fuzz for FUZZ_AFL_SMOKE_SECS seconds (default 10), to prove
#    that path works (its execs/s in the line).
# Budget: the whole step must stay under 10 minutes on 2 cores; with 15
# harnesses, 30 s each two at a time is 4 minutes of smoke runs.
# Usage: fuzz-replay.sh <results dir> <harness>...
results=$1; shift
out="$results/fuzz.tap"
: >"$out"
n=0
smoke_secs=${FUZZ_SMOKE_SECS:-30}
smoke_jobs=${FUZZ_SMOKE_JOBS:-2}
afl_secs=${FUZZ_AFL_SMOKE_SECS:-10}
afl_harness=${FUZZ_AFL_SMOKE:-}
start=$(date +%s)

tap() {
	n=$((n + 1))
	echo "$1 $n - $2" >>"$out"
}

# The final exec/s libFuzzer reports (-print_final_stats=1).
execs() {
	sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$1" | tail -1
}

# One smoke run; its verdict goes to <log>.status for the TAP line.
smoke() {
	f=$1
	log="$results/fuzz-$f-smoke.log"
	tmp=$(mktemp -d)
	[ -d "fuzz/corpus/$f" ] && cp -r "fuzz/corpus/$f/." "$tmp/" 2>/dev/null
	if "build/fuzz/$f" -max_total_time="$smoke_secs" -rss_limit_mb=2048 -timeout=60 \
		-print_final_stats=1 -artifact_prefix="$results/crash-$f-" "$tmp" >"$log" 2>&1; then
		echo "ok fuzz $f smoke run ${smoke_secs}s, $(execs "$log") execs/s" >"$log.status"
	else
		echo "not ok fuzz $f smoke run found a crash (see $log and $results/crash-$f-*)" >"$log.status"
	fi
	rm -rf "$tmp"
}

for f in "$@"; do
	bin="build/fuzz/$f"
	for set in corpus regress; do
		dir="fuzz/$set/$f"
		[ -d "$dir" ] || continue
		[ -n "$(ls -A "$dir")" ] || continue
		count=$(ls -A "$dir" | wc -l)
		if "$bin" -runs=0 "$dir" >"$results/fuzz-$f-$set.log" 2>&1; then
			tap ok "fuzz $f replays $set ($count inputs)"
		else
			tap "not ok" "fuzz $f replays $set (see $results/fuzz-$f-$set.log)"
		fi
	done
done

# Smoke runs, smoke_jobs at a time; the lines in harness order.
running=0
for f in "$@"; do
	smoke "$f" &
	running=$((running + 1))
	if [ "$running" -ge "$smoke_jobs" ]; then
		wait
		running=0
	fi
done
wait
for f in "$@"; do
	line=$(cat "$results/fuzz-$f-smoke.log.status" 2>/dev/null || echo "not ok fuzz $f smoke run did not report")
	case $line in
	"ok "*) tap ok "${line#ok }" ;;
	*) tap "not ok" "${line#not ok }" ;;
	esac
done

# The AFL++ path: the same harness source through afl-clang-fast.
if [ -n "$afl_harness" ]; then
	bin="build/fuzz-afl/$afl_harness"
	work=$(mktemp -d)
	log="$results/fuzz-afl-$afl_harness.log"
	mkdir -p "$work/in"
	cp -r "fuzz/corpus/$afl_harness/." "$work/in/" 2>/dev/null
	[ -n "$(ls -A "$work/in")" ] || printf 'seed' >"$work/in/seed"
	AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
		AFL_SKIP_CRASHES=1 timeout $((afl_secs + 60)) \
		afl-fuzz -i "$work/in" -o "$work/out" -m none -t 5000 -V "$afl_secs" -- "$bin" \
		>"$log" 2>&1
	stats="$work/out/default/fuzzer_stats"
	if [ -f "$stats" ]; then
		rate=$(sed -n 's/^execs_per_sec[[:space:]]*:[[:space:]]*//p' "$stats")
		crashes=$(sed -n 's/^saved_crashes[[:space:]]*:[[:space:]]*//p' "$stats")
		paths=$(sed -n 's/^corpus_count[[:space:]]*:[[:space:]]*//p' "$stats")
		cat "$stats" >>"$log"
		if [ "${crashes:-1}" = 0 ]; then
			tap ok "fuzz-afl $afl_harness: AFL++ (afl-clang-fast -fsanitize=fuzzer) ran ${afl_secs}s, $rate execs/s, $paths inputs, no crash"
		else
			cp -r "$work/out/default/crashes" "$results/afl-crashes-$afl_harness" 2>/dev/null
			tap "not ok" "fuzz-afl $afl_harness: AFL++ found $crashes crashes (see $results/afl-crashes-$afl_harness)"
		fi
	else
		tap "not ok" "fuzz-afl $afl_harness: afl-fuzz did not run (see $log)"
	fi
	rm -rf "$work"
fi

echo "fuzz: replay, smoke and AFL++ runs took $(($(date +%s) - start))s" >&2
grep -q '^not ok' "$out" && exit 1
exit 0
