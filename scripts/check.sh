#!/bin/sh
# Static checks, one TAP line each (results/check.tap); all run even when
# one fails:
#  1. sparse over every freestanding source (the __guest address space: no
#     direct dereference of a guest pointer), zero warnings allowed;
#  2. SECURITY.md's mediation table matches the dispatch table and the
#     emulation gate's table;
#  2b. no path from the entry code reaches privileged state without a gate
#     (scripts/emul-gate-check.py: emulated instructions and trapped writes
#     pass emul_gate(), one table row per enum emul_op);
#  3. cppcheck over the freestanding code (hv/common, hv/arch, xsm, attest)
#     as the hypervisor build sees it, --enable=warning,portability,
#     performance: zero findings; a false positive is suppressed inline
#     (cppcheck-suppress <id> ; <reason>) where it occurs, never here;
#  4. both worlds compile with -Wall -Wextra -Werror: WARN (build.mk) has
#     them, FREE_CFLAGS and HOST_CFLAGS use WARN, and the hypervisor image
#     and every unit test build with them (make -q proves them up to date
#     after make all; otherwise they are built here);
#  5. the entry code of the linked hypervisor (scripts/check-entry.py): the
#     SYSCALL entries switch stacks before any push, and #DB, NMI, #DF and
#     #MC go through ist_entry (the MOV SS class, SECURITY.md 13a).
# The Makefile passes WARN, FREE_CFLAGS, HOST_CFLAGS and CHECK_BUILD (the
# targets of check 4) in the environment.
results=${1:-build/results}
mkdir -p "$results"
out="$results/check.tap"
: >"$out"
status=0
n=0

tap() {
	n=$((n + 1))
	echo "$1 $n - $2" >>"$out"
	[ "$1" = ok ] || status=1
}

# 1. sparse
log="$results/sparse.log"
: >"$log"
for f in $(ls hv/common/*.c hv/common/lib/*.c xsm/*.c attest/*.c hv/arch/x86_64/*.c \
		hv/arch/x86_64/*/*.c 2>/dev/null); do
	sparse -D__CHECKER__ -DMOAT_FREESTANDING=1 -Ihv/include -Ihv/arch/x86_64/include -I. \
		-include hv/include/hv/visibility.h "$f" >>"$log" 2>&1
done
if [ -s "$log" ]; then
	tap "not ok" "sparse: $(grep -c 'warning\|error' "$log") findings (see $log)"
	cat "$log" >&2
else
	tap ok "sparse: no findings (guest pointers only through copy_*_guest)"
fi

# 2. the mediation table
if msg=$(python3 scripts/mediation-table.py --check); then
	tap ok "SECURITY.md's mediation table matches the dispatch table and the emulation gate's table"
else
	tap "not ok" "$msg"
fi

# 2b. every emulation path gated
if msg=$(python3 scripts/emul-gate-check.py); then
	tap ok "every path from a guest trap to privileged state passes a gate (emul-gate-check)"
else
	tap "not ok" "emul-gate-check: $(echo "$msg" | head -1)"
	echo "$msg" >&2
fi

# 3. cppcheck, with the freestanding build's defines and include paths.
log="$results/cppcheck.log"
mkdir -p build/cppcheck
if cppcheck -q -j2 --std=c11 --platform=unix64 --enable=warning,portability,performance \
	--inline-suppr --error-exitcode=1 --cppcheck-build-dir=build/cppcheck \
	-DMOAT_FREESTANDING=1 -D__x86_64__ -Ihv/include -Ihv/arch/x86_64/include -I. \
	hv/common hv/arch xsm attest >"$log" 2>&1; then
	tap ok "cppcheck (warning, portability, performance) over hv/common hv/arch xsm attest: no findings"
else
	tap "not ok" "cppcheck: $(grep -c '\[[A-Za-z0-9_]*\]$' "$log") findings (see $log)"
	cat "$log" >&2
fi

# 4. -Wall -Wextra -Werror in both worlds.
missing=""
for w in -Wall -Wextra -Werror; do
	case " ${WARN:-} " in *" $w "*) ;; *) missing="$missing $w" ;; esac
done
for flags in "${FREE_CFLAGS:-}" "${HOST_CFLAGS:-}"; do
	case " $flags " in *" -Werror "*) ;; *) missing="$missing (a world without WARN)" ;; esac
done
log="$results/werror.log"
if [ -n "$missing" ]; then
	tap "not ok" "warnings as errors: build.mk's flags lack$missing"
elif [ -z "${CHECK_BUILD:-}" ]; then
	tap "not ok" "warnings as errors: run through make check (CHECK_BUILD is not set)"
elif ${MAKE:-make} --no-print-directory $CHECK_BUILD >"$log" 2>&1; then
	tap ok "both worlds build with -Wall -Wextra -Werror (freestanding: the hypervisor; hosted: $(echo $CHECK_BUILD | wc -w | tr -d ' ') targets)"
else
	tap "not ok" "a world does not build with -Wall -Wextra -Werror (see $log)"
fi
# 5. the entry code, on the image check 4 built (CHECK_BUILD's moat.bin).
elf=$(echo "${CHECK_BUILD:-build/hv/moat.bin}" | awk '{print $1}' | sed 's/\.bin$/.elf/')
if msg=$(python3 scripts/check-entry.py "$elf" 2>&1); then
	tap ok "entry code: SYSCALL switches stacks before any push; #DB, NMI, #DF, #MC stubs go to ist_entry"
else
	tap "not ok" "entry code: $(echo "$msg" | head -3 | tr '\n' ';')"
fi
exit $status
