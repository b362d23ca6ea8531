#!/bin/sh
# Static checks, one TAP line each: sparse over every freestanding source
# (the __guest address space: no direct dereference of a guest pointer),
# zero warnings allowed.
results=${1:-build/results}
mkdir -p "$results"
out="$results/check.tap"
log="$results/sparse.log"
: >"$log"
for f in $(ls hv/common/*.c hv/common/lib/*.c xsm/*.c attest/*.c hv/arch/x86_64/*.c \
		hv/arch/x86_64/*/*.c 2>/dev/null); do
	sparse -D__CHECKER__ -DMOAT_FREESTANDING=1 -Ihv/include -Ihv/arch/x86_64/include -I. \
		-include hv/include/hv/visibility.h "$f" >>"$log" 2>&1
done
if [ -s "$log" ]; then
	echo "not ok 1 - sparse: $(grep -c 'warning\|error' "$log") findings (see $log)" >"$out"
	cat "$log" >&2
	exit 1
fi
echo "ok 1 - sparse: no findings (guest pointers only through copy_*_guest)" >"$out"
if msg=$(python3 scripts/mediation-table.py --check); then
	echo "ok 2 - SECURITY.md's mediation table matches the dispatch table" >>"$out"
else
	echo "not ok 2 - $msg" >>"$out"
	exit 1
fi
