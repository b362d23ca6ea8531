#!/bin/sh
# guest-fuzz.sh: long runs of the in-guest hypercall fuzzer (tests/guests/
# hcfuzz.c) for `make fuzz`. Boots Moat under QEMU (TCG, -icount, as
# tests/integration/run.py does) with the fuzzer beside its checksumming
# bystander, over and over with random seeds and a large call count, for
# FUZZ_SECS seconds in all, alternating the dummy XSM module and xsm=flask
# with the default policy. A boot fails when the hypervisor panics, stops
# or hangs, a call never returns, the fuzzer reports a failed check, or the
# bystander's memory changed; its log is kept under build/fuzz-work/hcfuzz/
# with the line that replays it. Exits 1 if any boot failed.
#
#   scripts/guest-fuzz.sh                      random seeds for FUZZ_SECS
#   scripts/guest-fuzz.sh --replay SEED [flask|dummy] [ITERS] [TRACE_FROM]
#
# Environment: FUZZ_SECS (default 600), HCFUZZ_ITERS (calls per boot,
# default 300000, about 10 s a boot here), QEMU, MOAT_HV (default
# build/hv/moat.bin), HCFUZZ_GUESTS (where hcfuzz.elf and
# hcfuzz_bystander.elf are, default build/guests: point it at a copy to
# keep a long run on one binary while the tree is rebuilt). Needs
# `make guests hv` (and `make policy` for flask). A boot that starts
# before FUZZ_SECS is up runs to its end.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2

FUZZ_SECS=${FUZZ_SECS:-600}
ITERS=${HCFUZZ_ITERS:-300000}
QEMU=${QEMU:-qemu-system-x86_64}
HV=${MOAT_HV:-build/hv/moat.bin}
WORK=build/fuzz-work/hcfuzz
GUESTS=${HCFUZZ_GUESTS:-build/guests}
FUZZER=$GUESTS/hcfuzz.elf
BYSTANDER=$GUESTS/hcfuzz_bystander.elf
POLICY=build/policy/policy.blob

for f in "$HV" "$FUZZER" "$BYSTANDER"; do
	if [ ! -f "$f" ]; then
		echo "guest-fuzz.sh: $f is missing: run make guests hv" >&2
		exit 2
	fi
done
mkdir -p "$WORK"

# boot SEED VARIANT ITERS LOG [TRACE_FROM]: one boot; QEMU's status in $rc.
boot() {
	seed=$1 variant=$2 iters=$3 log=$4 trace=${5:-}
	args="self=2 peer=1 seed=$seed iters=$iters${trace:+ trace=$trace}"
	# The bystander gives up waiting after max_ms of system time; the
	# fuzzer makes about 50 calls a millisecond of it.
	bargs="name=bystander max_ms=$((60000 + iters / 10))"
	if [ "$variant" = flask ]; then
		app="console=com1 xsm=flask"
		lab="label=system_u:system_r"
		initrd="$POLICY type=policy,$BYSTANDER name=bystander $lab:db_t -- $bargs"
		initrd="$initrd,$FUZZER name=fuzzer $lab:domU_t -- name=fuzzer $args"
	else
		app="console=com1 xsm=dummy"
		initrd="$BYSTANDER name=bystander -- $bargs,$FUZZER name=fuzzer -- name=fuzzer $args"
	fi
	# About 35,000 calls a second here: allow 500 a second and a minute.
	limit=$((60 + iters / 500))
	timeout --kill-after=5 "$limit" "$QEMU" -m 256 -cpu max,-smap -display none \
		-monitor none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -icount shift=0,sleep=off \
		-kernel "$HV" -append "$app" -initrd "$initrd" >"$log" 2>&1 </dev/null
	rc=$?
}

# judge LOG RC: prints the problems (none: the boot is good), with the
# hypervisor's never-lines taken from tests/integration/hvlog.py.
judge() {
	python3 - "$1" "$2" <<'EOF'
import re, sys
sys.path.insert(0, "tests/integration")
import hvlog
rc = int(sys.argv[2])
problems = []
try:
    log = open(sys.argv[1], errors="replace").read()
except OSError as e:
    log = ""
    problems.append(f"no log: {e}")
if rc == 124 or rc == 137:
    problems.append("timeout: the hypervisor or a call hung")
elif rc != 1:
    problems.append(f"QEMU exit {rc} (v={rc >> 1 if rc & 1 else '?'}), expected v=0")
for rx in hvlog.MOAT_NEVER + [hvlog.moat_hv_fatal()]:
    m = re.search(rx, log, re.M)
    if m:
        problems.append("hypervisor: " + log[log.rfind("\n", 0, m.start()) + 1:].split("\n")[0][:160])
for m in re.finditer(r"MOAT-TEST (\S+) (\S+) FAIL\b ?(.*)$", log, re.M):
    problems.append(f"{m.group(1)} {m.group(2)} FAIL {m.group(3)[:160]}")
fend = re.search(r"MOAT-TEST fuzzer END passed=\d+ failed=0", log)
check = re.search(r"MOAT-TEST bystander checksum PASS", log)
if not fend:
    problems.append("the fuzzer never reached END (a call did not return, or it was killed)")
if not check:
    problems.append("no bystander checksum PASS")
if fend and check and check.start() < fend.start():
    problems.append("the bystander finished before the fuzzer")
if not re.search(r"MOAT-TEST bystander END passed=\d+ failed=0", log):
    problems.append("the bystander never reached a clean END")
print("\n".join(problems))
EOF
}

# The command that boots SEED again on the same binaries; add a call
# number after it to print every call from there on.
replay_line() {
	env=""
	[ "$GUESTS" != build/guests ] && env="HCFUZZ_GUESTS=$GUESTS "
	[ "$HV" != build/hv/moat.bin ] && env="${env}MOAT_HV=$HV "
	echo "${env}scripts/guest-fuzz.sh --replay $1 $2 $3"
}

if [ "${1:-}" = "--replay" ]; then
	seed=${2:?--replay SEED [flask|dummy] [ITERS] [TRACE_FROM]}
	variant=${3:-dummy}
	iters=${4:-$ITERS}
	log="$WORK/replay-$seed-$variant.log"
	boot "$seed" "$variant" "$iters" "$log" "${5:-}"
	problems=$(judge "$log" "$rc")
	if [ -n "$problems" ]; then
		echo "FAIL seed $seed ($variant, $iters calls): log $log"
		echo "$problems" | sed 's/^/  /'
		exit 1
	fi
	echo "ok   seed $seed ($variant, $iters calls): log $log"
	exit 0
fi

start=$(date +%s)
runs=0
failed=0
variant=dummy
while [ $(( $(date +%s) - start )) -lt "$FUZZ_SECS" ]; do
	# A fresh 63-bit seed; the fuzzer prints it first, and it is the
	# whole of a run's randomness.
	seed=$(python3 -c 'import secrets; print(secrets.randbits(63))')
	if [ "$variant" = flask ] && [ ! -f "$POLICY" ]; then
		variant=dummy
	fi
	log="$WORK/run-$$.log"		# per run: two runs may share $WORK
	t0=$(date +%s)
	boot "$seed" "$variant" "$ITERS" "$log"
	problems=$(judge "$log" "$rc")
	runs=$((runs + 1))
	if [ -n "$problems" ]; then
		failed=$((failed + 1))
		keep="$WORK/fail-$seed-$variant.log"
		mv "$log" "$keep"
		echo "FAIL seed $seed ($variant, $ITERS calls, $(( $(date +%s) - t0 ))s): log $keep"
		echo "$problems" | sed 's/^/  /'
		echo "  replay: $(replay_line "$seed" "$variant" "$ITERS")"
	else
		rm -f "$log"
		echo "ok   seed $seed ($variant, $ITERS calls, $(( $(date +%s) - t0 ))s)"
	fi
	variant=$([ "$variant" = dummy ] && echo flask || echo dummy)
done
echo "guest-fuzz.sh: $runs boots of $ITERS calls in $(( $(date +%s) - start ))s, $failed failed"
[ "$failed" -eq 0 ]
