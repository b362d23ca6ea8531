#!/bin/bash
# Deliberately broken copies of proved code: a proof that still went
# through with the bug in would show the contracts say too little. Each
# mutant is one sed edit of one file; the proof of the named function must
# then FAIL (at least one goal not proved), and succeeds only if it does.
#   verify/wp/mutants.sh NAME OUTDIR [-v]
# Prints one line, e.g.
#   wp mutant gnttab-no-ref-check: 1 goal(s) not proved, as wanted (in 5s)
# Run from the top of the tree, with WHY3CONFIG set (verify/wp/wp.sh).
set -u

# name: target, file, the function(s) to prove instead of the target's
# list (empty: the target as it is), sed edit, what the bug is
mutant() {
	case $1 in
	gnttab-no-ref-check)
		M_TARGET=gnttab M_FILE=hv/common/gnttab_map.c M_FUNCS=
		M_SED='s/if (ref >= gnttab_nr_entries(rd)) {/if (0) {/'
		M_WHAT="map_grant_ref without its grant-reference bound check" ;;
	manifest-copy-off-by-one)
		M_TARGET=manifest M_FILE=hv/common/manifest_lex.c M_FUNCS=copy_printable
		M_SED='s/MIN(t.len, size - 1)/MIN(t.len, size)/'
		M_WHAT="the console-safe copy of a manifest word writes its NUL one past the buffer" ;;
	lookup-search-skips)
		M_TARGET=policy_lookup M_FILE=xsm/policy_lookup.c M_FUNCS=av_first
		M_SED='0,/lo = mid + 1;/s//lo = mid + 2;/'
		M_WHAT="the AVTAB binary search steps past the middle entry" ;;
	*)
		echo "verify/wp/mutants.sh: unknown mutant $1" >&2
		return 1 ;;
	esac
}
MUTANTS="gnttab-no-ref-check manifest-copy-off-by-one lookup-search-skips"

[ $# -eq 0 ] && { echo "$MUTANTS"; exit 0; }
name=$1
out=$2
verbose=${3:-}
mutant "$name" || exit 2

root=$out/mutant-$name
rm -rf "$root"
mkdir -p "$root/$(dirname "$M_FILE")"
sed "$M_SED" "$M_FILE" >"$root/$M_FILE"
if cmp -s "$M_FILE" "$root/$M_FILE"; then
	echo "wp mutant $name: the edit no longer applies to $M_FILE (update verify/wp/mutants.sh)"
	exit 1
fi

start=$(date +%s)
# The same step limits as the proof itself, so a goal left unproved is one
# the bug broke, not one the limit cut short. The goals the edit does not
# touch are found in the target's proof cache (never written here); only
# the others go to the provers.
[ "${WP_CACHE:-none}" = refresh ] && WP_CACHE=replay
line=$(WP_CACHE=${WP_CACHE:-none} WP_MUTANT_ROOT=$root WP_ONLY=$M_FUNCS verify/wp/wp.sh "$M_TARGET" "$root" $verbose 2>"$root/wp.err")
rc=$?
secs=$(( $(date +%s) - start ))
# wp.sh: "wp T: P/N goals proved ..." and exit 1 when P < N; exit 2 (or a
# Frama-C error) would mean the mutant did not even parse: not a finding.
read -r proved total < <(sed -n 's/^wp [^:]*: \([0-9]*\)\/\([0-9]*\) goals.*/\1 \2/p' <<<"$line")
if [ "$rc" -eq 1 ] && [ -n "${total:-}" ] && [ "$total" -gt 0 ] && [ "$proved" -lt "$total" ] &&
	! grep -q 'frama-c exit [1-9]' <<<"$line"; then
	echo "wp mutant $name: $((total - proved)) goal(s) not proved, as wanted, $M_WHAT (in ${secs}s)"
	exit 0
fi
echo "wp mutant $name: want an unproved goal, got: $line"
exit 1
