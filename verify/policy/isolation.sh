#!/bin/bash
# The default policy's non-communication assertions (verify/policy/isolation):
#   verify/policy/isolation.sh POLICY_TOOL POLICY.30 OUTDIR
# Prints one line per pair, then a summary line naming every pair that is
# not as the matrix says (a/b) and every domain type missing from the
# matrix (unlisted:t); exits non-zero if there is any.
set -u

tool=$1
pol=$2
out=$3
matrix=verify/policy/isolation
mkdir -p "$out"

bad=0
n=0
failed=
declare -A listed=()
while read -r a b want; do
	case $a in '#'* | '') continue ;; esac
	n=$((n + 1))
	listed[$a]=1
	listed[$b]=1
	log=$out/isolated-$a-$b.txt
	"$tool" assert-isolated "$pol" "$a" "$b" >"$log" 2>&1
	rc=$?
	if [ "$want" = isolated ] && [ $rc -eq 0 ]; then
		echo "  $a $b: isolated"
	elif [ "$want" = comms ] && [ $rc -eq 1 ] && grep -q '^NOT isolated' "$log"; then
		echo "  $a $b: communicate, as meant ($(grep -c '^  allow' "$log")-rule path)"
	else
		echo "  $a $b: want $want, policy-tool exit $rc:" >&2
		sed 's/^/    /' "$log" >&2
		bad=$((bad + 1))
		failed="$failed $a/$b"
	fi
done <"$matrix"

# Every domain type but dom0_t must be in the matrix.
types=$(seinfo "$pol" -a domain_type -x 2>/dev/null | awk 'NR > 1 && NF == 1 { print $1 }')
if [ -z "$types" ]; then
	echo "  seinfo listed no domain_type members in $pol" >&2
	bad=$((bad + 1))
fi
for t in $types; do
	[ "$t" = dom0_t ] && continue
	if [ -z "${listed[$t]:-}" ]; then
		echo "  domain type $t is not in $matrix" >&2
		bad=$((bad + 1))
		failed="$failed unlisted:$t"
	fi
done

if [ $bad -eq 0 ]; then
	echo "policy isolation: $n pairs as $matrix says, every domain type listed"
	exit 0
fi
echo "policy isolation: $bad problem(s) among $n pairs:$failed"
exit 1
