#!/bin/bash
# One Frama-C WP proof target (verify/wp/targets.sh):
#   verify/wp/wp.sh TARGET OUTDIR [-v]
# Writes Frama-C's whole output to OUTDIR/TARGET.log (and to stderr with
# -v), then prints one line on stdout:
#   wp TARGET: N/M goals proved (cvc4 a, z3-ce b, qed c; d of them from the cache) in Ts
# and exits 0 only if every goal of every pass was proved. Provers: cvc4
# and z3-ce through why3, configured in $WHY3CONFIG (verify/rules.mk makes
# it under build/). Run from the top of the tree.
set -u

target=$1
out=$2
verbose=${3:-}

. verify/wp/targets.sh
wp_target "$target" || exit 2

if [ -z "${WHY3CONFIG:-}" ] || [ ! -f "$WHY3CONFIG" ]; then
	echo "wp $target: no why3 configuration (WHY3CONFIG)" >&2
	exit 2
fi
export WHY3CONFIG

mkdir -p "$out"
log=$out/$target.log

cpp="$WP_CPP"
for h in $WP_PRELUDES; do
	cpp="$cpp -include verify/include/$h"
done

# Frama-C 25's Qed recursion can be deep on the larger goals.
ulimit -s unlimited 2>/dev/null || ulimit -s 65536 2>/dev/null || true

# A mutant run (verify/wp/mutants.sh): each source found under
# WP_MUTANT_ROOT is taken from there, its own directory still searched for
# its quoted includes; WP_ONLY narrows the proof to the functions named.
files=
for f in $WP_FILES; do
	if [ -n "${WP_MUTANT_ROOT:-}" ] && [ -f "$WP_MUTANT_ROOT/$f" ]; then
		cpp="$cpp -iquote $(dirname "$f")"
		f=$WP_MUTANT_ROOT/$f
	fi
	files="$files $f"
done
funcs=${WP_ONLY:-$WP_FUNCS}

# Limits: WP_STEPS decides (verify/wp/targets.sh says why); WP_TIMEOUT is
# only a backstop against a runaway prover.
# WP_CACHE: none (the default), replay (use the target's committed cache,
# never write it: make verify-check), or refresh (prove everything again
# into a fresh cache: make verify). WP_CACHE_DIR overrides the directory.
cache_dir=${WP_CACHE_DIR:-$WP_CACHE_ROOT/$target}
case ${WP_CACHE:-none} in
none)	cache=(-wp-cache none) ;;
replay)	cache=(-wp-cache replay -wp-cache-dir "$cache_dir") ;;
refresh)
	rm -rf "$cache_dir"
	mkdir -p "$cache_dir"
	cache=(-wp-cache update -wp-cache-dir "$cache_dir") ;;
*)	echo "wp $target: unknown WP_CACHE ${WP_CACHE}" >&2; exit 2 ;;
esac

start=$(date +%s)
# shellcheck disable=SC2086  # files and WP_MORE are word lists
cmd=(frama-c -c11 -machdep gcc_x86_64 -no-frama-c-stdlib -cpp-extra-args="$cpp"
	$files
	-wp -wp-rte -wp-fct="$funcs"
	-wp-prover cvc4,z3-ce -wp-par "${WP_PAR:-2}"
	-wp-steps "${WP_STEPS:-$WP_STEPS_DEFAULT}" -wp-timeout "${WP_TIMEOUT:-$WP_TIMEOUT_DEFAULT}"
	"${cache[@]}"
	$WP_MORE)
if [ "$verbose" = -v ]; then
	"${cmd[@]}" 2>&1 | tee "$log" >&2
	rc=${PIPESTATUS[0]}
else
	"${cmd[@]}" >"$log" 2>&1
	rc=$?
fi
secs=$(( $(date +%s) - start ))

# Every pass prints "Proved goals: N / M"; each proved goal's line names
# the prover that proved it first (or [Cache] counts, found in the cache).
read -r proved total < <(awk '/Proved goals:/ { p += $4; t += $6 } END { print p + 0, t + 0 }' "$log")
qed=$(grep -c '^\[wp\] \[Qed\] Goal .*: Valid' "$log")
cvc4=$(grep -c '^\[wp\] \[CVC4[^]]*\] Goal .*: Valid' "$log")
z3ce=$(grep -c '^\[wp\] \[Z3[^]]*counterexamples)\] Goal .*: Valid' "$log")
cached=$(grep -c '^\[wp\] \[[^]]*\] Goal .*: Valid.*(cached)$' "$log")

line="wp $target: $proved/$total goals proved (cvc4 $cvc4, z3-ce $z3ce, qed $qed; $cached of them from the cache) in ${secs}s"
if [ "$rc" -ne 0 ] || [ "$total" -eq 0 ] || [ "$proved" -ne "$total" ]; then
	grep -A3 '^\[wp\] \[Failed\]' "$log" >&2
	[ "$rc" -ne 0 ] && grep -E 'User Error|Frama-C aborted|syntax error' "$log" >&2
	echo "$line (frama-c exit $rc; log $log)"
	exit 1
fi
echo "$line"
