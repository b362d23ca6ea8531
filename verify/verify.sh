#!/bin/bash
# Everything in verify/: the Frama-C WP targets (verify/wp/targets.sh), the
# broken mutants the proofs must reject (verify/wp/mutants.sh), the Spin
# checks below and the policy isolation matrix (verify/policy), each
# must come out as wanted. POLICY_DIR (default build/policy) holds
# policy-tool, policy.30 and the generated access_vectors.
#   verify/verify.sh OUTDIR [--tap FILE] [-v]
# -v streams Frama-C's and pan's output (make verify) and proves every goal
# again, rewriting the committed proof cache (verify/wp/cache); --tap writes
# one TAP line per proof target, per model check and per broken-variant
# check (make verify-check) and replays the cache (verify/wp/targets.sh).
# VERIFY_CACHE (none, replay, refresh) overrides either. Exits non-zero if anything is not proved or a broken
# variant's violation is not found. Run from the top of the tree.
set -u

out=$1
shift
tap=
verbose=
while [ $# -gt 0 ]; do
	case $1 in
	--tap) tap=$2; shift ;;
	-v) verbose=-v ;;
	*) echo "verify.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

# model mode [broken variant]
SPIN_CHECKS="ring:safety: ring:live: ring:safety:NO_WMB ring:live:NO_FINAL_CHECK \
evtchn:safety: evtchn:live: evtchn:safety:NO_MASK_IN_SCAN evtchn:live:NO_UNMASK_RECHECK"

. verify/wp/targets.sh

# A subset while working on one part: VERIFY_WP="policy_lookup" (targets),
# VERIFY_MUTANTS="gnttab-no-ref-check" (verify/wp/mutants.sh),
# VERIFY_SPIN="ring:safety:" (checks as above); each may be empty.
WP_TARGETS=${VERIFY_WP-$WP_TARGETS}
WP_MUTANTS=${VERIFY_MUTANTS-$(verify/wp/mutants.sh)}
SPIN_CHECKS=${VERIFY_SPIN-$SPIN_CHECKS}

mkdir -p "$out"
if [ -z "${WHY3CONFIG:-}" ]; then
	WHY3CONFIG=$out/why3.conf
fi
export WHY3CONFIG
if [ ! -s "$WHY3CONFIG" ]; then
	why3 --config="$WHY3CONFIG" config detect >"$out/why3-detect.log" 2>&1 || {
		cat "$out/why3-detect.log" >&2
		[ -n "$tap" ] && printf 'TAP version 13\n1..1\nnot ok 1 - verify: why3 config detect failed (%s)\n' \
			"$out/why3-detect.log" >"$tap"
		exit 2
	}
fi

n=0
failed=0
lines=()
record() {	# status line
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		lines+=("ok $n - $2")
	else
		lines+=("not ok $n - $2")
		failed=$((failed + 1))
	fi
	echo "$2"
}

if [ -n "$verbose" ]; then
	export WP_CACHE=${VERIFY_CACHE:-refresh}
else
	export WP_CACHE=${VERIFY_CACHE:-replay}
fi

start=$(date +%s)
for t in $WP_TARGETS; do
	line=$(verify/wp/wp.sh "$t" "$out/wp" $verbose)
	record $? "$line"
done
for m in $WP_MUTANTS; do
	line=$(verify/wp/mutants.sh "$m" "$out/wp" $verbose)
	record $? "$line"
done
for c in $SPIN_CHECKS; do
	IFS=: read -r model mode variant <<<"$c"
	line=$(verify/spin/spin.sh "$model" "$mode" "$out/spin" "$variant" $verbose)
	record $? "$line"
done
# The default policy's non-communication assertions, then the broken
# variant verify/policy/leak, in which the check must find exactly the two
# pairs the extra rule connects.
pdir=${POLICY_DIR:-build/policy}
line=$(verify/policy/isolation.sh "$pdir/policy-tool" "$pdir/policy.30" "$out/policy" 2>"$out/policy.err")
rc=$?
[ -n "$verbose" ] && cat "$out/policy.err" >&2
record $rc "$(tail -1 <<<"$line")"
if policy/test/build-variant.sh verify/policy/leak "$pdir" >"$out/policy-leak.log" 2>&1; then
	line=$(verify/policy/isolation.sh "$pdir/policy-tool" "$pdir/test-leak.30" "$out/policy-leak" 2>>"$out/policy-leak.log" | tail -1)
	want="policy isolation: 2 problem(s) among 6 pairs: web_t/domU_t db_t/domU_t"
	if [ "$line" = "$want" ]; then
		record 0 "policy isolation leak variant: found as expected (web_t/domU_t db_t/domU_t)"
	else
		record 1 "policy isolation leak variant: want \"$want\", got \"$line\""
	fi
else
	record 1 "policy isolation leak variant: does not build (log $out/policy-leak.log)"
fi
secs=$(( $(date +%s) - start ))

echo "verify: $((n - failed))/$n passed in ${secs}s"
if [ -n "$tap" ]; then
	mkdir -p "$(dirname "$tap")"
	{
		echo "TAP version 13"
		echo "1..$n"
		printf '%s\n' "${lines[@]}"
		echo "# verify: $((n - failed))/$n passed in ${secs}s"
	} >"$tap"
fi
[ "$failed" -eq 0 ]
