#!/bin/sh
# Long fuzzing campaigns for a user (make fuzz; not part of make test).
# For each harness in turn:
#   1. AFL++ on its AFL++ build (build/fuzz-afl/<harness>): one main (-M)
#      and one secondary (-S) instance, seeded with fuzz/corpus/<harness>,
#      working in build/fuzz-work/afl/<harness>, for FUZZ_SECS seconds;
#   2. libFuzzer on build/fuzz/<harness> (ASan+UBSan) on FUZZ_JOBS workers
#      for FUZZ_SECS seconds, growing build/fuzz-work/<harness>/corpus
#      (seeded from fuzz/corpus and from what AFL++ found).
# Then scripts/guest-fuzz.sh (the in-guest hypercall fuzzer) when it exists.
# Every crash is listed at the end with where it is: minimise it
# (build/fuzz/<harness> -minimize_crash=1 -runs=10000 <file>), fix the bug
# and add the input to fuzz/regress/<harness>/.
#
# Knobs (environment):
#   FUZZ_SECS=600        seconds per harness, for each of the two fuzzers
#   FUZZ_JOBS=2          libFuzzer workers (and AFL++ instances: 1 = -M only)
#   FUZZ_HARNESSES="..." only these harnesses (default: every harness)
#   FUZZ_ENGINES="afl libfuzzer"  which fuzzers to run
#   FUZZ_GUEST=1         run scripts/guest-fuzz.sh after the harnesses (0: skip)
#   AFL_* variables pass through to afl-fuzz (AFL_SKIP_CPUFREQ and
#   AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES default to 1 here).
# Usage: fuzz-campaign.sh <harness>...
set -u
secs=${FUZZ_SECS:-600}
jobs=${FUZZ_JOBS:-2}
engines=${FUZZ_ENGINES:-afl libfuzzer}
harnesses=${FUZZ_HARNESSES:-$*}
export AFL_SKIP_CPUFREQ=${AFL_SKIP_CPUFREQ:-1}
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=${AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES:-1}
export AFL_NO_UI=${AFL_NO_UI:-1}
crashes=""

run_afl() {
	f=$1
	work="build/fuzz-work/afl/$f"
	in="$work/in"
	mkdir -p "$in"
	cp -rn "fuzz/corpus/$f/." "$in/" 2>/dev/null
	[ -n "$(ls -A "$in")" ] || printf 'seed' >"$in/seed"
	# A second campaign carries on from the first (-i -: resume).
	[ -d "$work/out/main" ] && in=-
	echo "fuzz: $f under AFL++ for ${secs}s ($work)"
	afl-fuzz -i "$in" -o "$work/out" -M main -m none -t 5000 -V "$secs" \
		-- "build/fuzz-afl/$f" >"$work/main.log" 2>&1 &
	main=$!
	if [ "$jobs" -gt 1 ]; then
		sleep 2
		afl-fuzz -i "$in" -o "$work/out" -S second -m none -t 5000 -V "$secs" \
			-- "build/fuzz-afl/$f" >"$work/second.log" 2>&1
	fi
	wait "$main"
	for inst in main second; do
		stats="$work/out/$inst/fuzzer_stats"
		if [ ! -f "$stats" ]; then
			[ "$inst" = second ] && [ "$jobs" -le 1 ] && continue
			echo "fuzz: $f AFL++ $inst did not run: see $work/$inst.log" >&2
			crashes="$crashes
  (AFL++ $inst for $f did not run: $work/$inst.log)"
			continue
		fi
		echo "fuzz: $f AFL++ $inst: $(sed -n 's/^execs_per_sec *: //p' "$stats") execs/s," \
			"$(sed -n 's/^corpus_count *: //p' "$stats") inputs," \
			"$(sed -n 's/^saved_crashes *: //p' "$stats") crashes"
		for c in "$work/out/$inst/crashes"/id:*; do
			[ -e "$c" ] && crashes="$crashes
  $c"
		done
	done
}

run_libfuzzer() {
	f=$1
	work="build/fuzz-work/$f"
	mkdir -p "$work/corpus"
	cp -rn "fuzz/corpus/$f/." "$work/corpus/" 2>/dev/null
	# What AFL++ found seeds libFuzzer too.
	for q in build/fuzz-work/afl/"$f"/out/*/queue; do
		[ -d "$q" ] && find "$q" -maxdepth 1 -type f -name 'id:*' -exec cp -n {} "$work/corpus/" \;
	done
	echo "fuzz: $f under libFuzzer for ${secs}s on $jobs workers ($work)"
	"build/fuzz/$f" -max_total_time="$secs" -jobs="$jobs" -workers="$jobs" -print_final_stats=1 \
		-artifact_prefix="$work/crash-" "$work/corpus" >"$work/log" 2>&1
	rate=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$work/log" fuzz-*.log 2>/dev/null |
		tail -1)
	echo "fuzz: $f libFuzzer: ${rate:-?} execs/s, $(ls "$work/corpus" | wc -l) inputs"
	for c in "$work"/crash-*; do
		[ -e "$c" ] && crashes="$crashes
  $c"
	done
	# -jobs leaves one log per job in the working directory.
	mv fuzz-[0-9]*.log "$work/" 2>/dev/null
}

for f in $harnesses; do
	case " $engines " in *" afl "*) run_afl "$f" ;; esac
	case " $engines " in *" libfuzzer "*) run_libfuzzer "$f" ;; esac
done

if [ "${FUZZ_GUEST:-1}" != 0 ] && [ -f scripts/guest-fuzz.sh ]; then
	echo "fuzz: scripts/guest-fuzz.sh"
	if [ -x scripts/guest-fuzz.sh ]; then
		scripts/guest-fuzz.sh
	else
		sh scripts/guest-fuzz.sh
	fi || crashes="$crashes
  scripts/guest-fuzz.sh failed (see its output above)"
fi

if [ -n "$crashes" ]; then
	echo "fuzz: crashes found:$crashes" >&2
	exit 1
fi
echo "fuzz: no crash"
