#!/bin/bash
# One Spin check of a model in verify/spin:
#   verify/spin/spin.sh MODEL MODE OUTDIR [VARIANT] [-v]
# MODE: safety   pan -DSAFETY, no never claim: assertions and invalid end
#                states (deadlock), full state space;
#       live     the model's LTL claim `live`, acceptance cycles under weak
#                fairness (pan -a -f).
# VARIANT: a deliberately broken variant (a -D name in the model); then the
# check must FIND the violation (an assertion for safety, an acceptance
# cycle for live), and succeeds only if it does.
# Prints one line, e.g.
#   spin ring safety: 1362509 states, no errors in 3s
#   spin ring NO_WMB safety: violation found as expected (assertion violated) after 812 states in 1s
# and exits 0 when the outcome is the one wanted.
set -u

model=$1
mode=$2
out=$3
variant=${4:-}
verbose=${5:-}
if [ "$variant" = -v ]; then
	variant=
	verbose=-v
fi

src=$PWD/verify/spin/$model.pml
name="$model${variant:+ $variant} $mode"
dir=$out/$model${variant:+-$variant}-$mode
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" || exit 2

start=$(date +%s)
defs=${variant:+-D$variant}
# Weak fairness needs the process table of the claim; -m is the search
# depth (the ring's longest path is ~150k steps).
if ! spin $defs -a "$src" >spin.log 2>&1; then
	cat spin.log >&2
	echo "spin $name: spin -a failed"
	exit 1
fi
if [ "$mode" = safety ]; then
	cc_flags="-DSAFETY -DNOCLAIM"
	run_flags="-m2000000"
else
	cc_flags=""
	run_flags="-a -f -m2000000"
fi
if ! ${CC:-gcc} -O2 $cc_flags -DMEMLIM=4096 -o pan pan.c >cc.log 2>&1; then
	cat cc.log >&2
	echo "spin $name: pan does not build"
	exit 1
fi
# shellcheck disable=SC2086
./pan $run_flags >pan.log 2>&1
secs=$(( $(date +%s) - start ))
[ "$verbose" = -v ] && cat pan.log >&2

states=$(awk '/states, stored/ { print $1; exit }' pan.log)
errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' pan.log | head -1)
what=$(grep -m1 -o -E '^pan:[0-9]+: (assertion violated|invalid end state|acceptance cycle|non-progress cycle)' pan.log |
	sed 's/^pan:[0-9]*: //')
incomplete=$(grep -c -E 'max search depth too small|out of memory' pan.log)

if [ -z "$variant" ]; then
	if [ "${errors:-1}" = 0 ] && [ "$incomplete" = 0 ]; then
		echo "spin $name: ${states:-?} states, no errors in ${secs}s"
		exit 0
	fi
	echo "spin $name: ${errors:-?} error(s) (${what:-search incomplete}) after ${states:-?} states; trail in $dir"
	exit 1
fi

# A broken variant: the property must fail, and in the intended way.
if [ "$mode" = safety ]; then
	want="assertion violated"
else
	want="acceptance cycle"
fi
if [ "${errors:-0}" != 0 ] && [ "$what" = "$want" ]; then
	echo "spin $name: violation found as expected ($what) after ${states:-?} states in ${secs}s"
	exit 0
fi
echo "spin $name: expected a violation ($want), got ${what:-none} (errors ${errors:-?})"
exit 1
