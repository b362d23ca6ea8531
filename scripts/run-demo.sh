#!/bin/sh
# The demo: boot the Moat hypervisor under QEMU with XSM/FLASK enforcing the
# default policy (build/policy/policy.blob, sources in policy/modules/*.te),
# measured boot into a TPM 2.0, and four labelled guests on this terminal
# (serial console on stdio; Ctrl-A X quits QEMU):
#   web        web_t        flask_gate expect=allowed: memory_op, vcpu_op and
#                           event_channel_op all succeed
#   db         db_t         hello: an ordinary guest
#   untrusted  untrusted_t  flask_gate expect=denied: the same three calls
#                           get -EACCES and the hypervisor prints an
#                           "avc: denied" audit line for each
#   attest     dom0_t       attest dump=1: reads the hypervisor's event log
#                           and PCRs 20-22 through attest_op and prints them
# then show the event log with tpm2_eventlog, compare its replay with the
# PCRs the TPM holds, and say what was allowed, denied and measured, and
# what the hypervisor's exit code means. It exits by itself when every guest
# has powered off.
#
# With swtpm installed a private software TPM runs for the boot (state in
# build/demo/tpm, started afresh, stopped on exit) and the hypervisor runs
# with measured=required; without it, measured=optional: the event log is
# kept but nothing reaches a TPM. The console is also written to
# build/demo/console.log, the event log to build/demo/eventlog.bin.
#
# Extra arguments go to QEMU (for example -s -S to wait for gdb).
# Environment: MOAT_HV (default build/hv/moat.bin), QEMU (default
# qemu-system-x86_64), MOAT_POLICY (default build/policy/policy.blob),
# MOAT_CMDLINE (default "console=com1 xsm=flask flask=enforcing
# measured=required", or measured=optional without swtpm).
set -u

cd "$(dirname "$0")/.." || exit 1
hv="${MOAT_HV:-build/hv/moat.bin}"
qemu="${QEMU:-qemu-system-x86_64}"
policy="${MOAT_POLICY:-build/policy/policy.blob}"
gate=build/guests/flask_gate.elf
hello=build/guests/hello.elf
attest=build/guests/attest.elf
ctx=system_u:system_r
demo=build/demo
tpmdir=$demo/tpm

for f in "$hv" "$policy" "$gate" "$hello" "$attest"; do
	if [ ! -f "$f" ]; then
		echo "run-demo: $f not found: run 'make' first" >&2
		exit 1
	fi
done
mkdir -p "$demo"

# Fractions of a second where sleep takes them, whole seconds elsewhere.
nap() {
	sleep 0.1 2>/dev/null || sleep 1
}

# The private swtpm: started here, stopped on any exit (terminate, then
# kill after about 3 s), never left behind.
swtpm_pid=
stop_swtpm() {
	if [ -n "$swtpm_pid" ]; then
		kill "$swtpm_pid" 2>/dev/null
		i=0
		while kill -0 "$swtpm_pid" 2>/dev/null && [ $i -lt 30 ]; do
			nap
			i=$((i + 1))
		done
		kill -9 "$swtpm_pid" 2>/dev/null
		wait "$swtpm_pid" 2>/dev/null
		swtpm_pid=
	fi
}
trap stop_swtpm EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tpm_args=
measured=optional
why_optional="swtpm is not installed (apt-get install swtpm)"
if command -v swtpm >/dev/null 2>&1; then
	rm -rf "$tpmdir"
	mkdir -p "$tpmdir"
	swtpm socket --tpm2 --tpmstate dir="$tpmdir" \
		--ctrl type=unixio,path="$tpmdir/sock" --log file="$tpmdir/swtpm.log" \
		</dev/null >/dev/null 2>"$tpmdir/swtpm.stderr" &
	swtpm_pid=$!
	i=0
	while [ ! -S "$tpmdir/sock" ] && [ $i -lt 100 ] && kill -0 "$swtpm_pid" 2>/dev/null; do
		nap
		i=$((i + 1))
	done
	if [ -S "$tpmdir/sock" ]; then
		measured=required
		tpm_args="-chardev socket,id=chrtpm,path=$tpmdir/sock"
		tpm_args="$tpm_args -tpmdev emulator,id=tpm0,chardev=chrtpm"
		tpm_args="$tpm_args -device tpm-tis,tpmdev=tpm0"
	else
		stop_swtpm
		why_optional="swtpm did not start (see $tpmdir/swtpm.log)"
	fi
fi
cmdline="${MOAT_CMDLINE:-console=com1 xsm=flask flask=enforcing measured=$measured}"

# QEMU's -initrd: modules separated by ','.
modules="$policy type=policy"
modules="$modules,$gate name=web label=$ctx:web_t -- name=web expect=allowed"
modules="$modules,$hello name=db label=$ctx:db_t -- name=db"
modules="$modules,$gate name=untrusted label=$ctx:untrusted_t -- name=untrusted expect=denied"
modules="$modules,$attest name=attest label=$ctx:dom0_t priv=yes -- name=attest dump=1"

echo "run-demo: booting $hv with xsm=flask, policy $policy"
if [ "$measured" = required ]; then
	echo "run-demo: measured boot into a private swtpm (state in $tpmdir): measured=required"
else
	echo "run-demo: $why_optional: measured=optional, the event log only, no TPM"
fi
echo "run-demo: guests web (web_t), db (db_t), untrusted (untrusted_t), attest (dom0_t)"
echo "run-demo: (Ctrl-A X to quit)"
rm -f "$demo/console.log" "$demo/eventlog.bin" "$demo/qemu.rc"
# The console goes to the terminal and to console.log; QEMU's own exit
# status comes out of the pipeline through qemu.rc. $tpm_args is split on
# purpose (no spaces inside its words).
# shellcheck disable=SC2086
{
	"$qemu" -m 256 -cpu max,-smap -nographic -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$hv" -append "$cmdline" \
		-initrd "$modules" \
		$tpm_args "$@"
	echo $? >"$demo/qemu.rc"
} | tee "$demo/console.log"
rc=$(cat "$demo/qemu.rc" 2>/dev/null || echo 255)
stop_swtpm

# The event log the attest guest printed (MOAT-EVLOG lines), as a file,
# through tpm2_eventlog, and its replay against the TPM's PCRs (MOAT-PCR).
evlog_ok=no
echo
if python3 tests/integration/tests_measured.py evlog "$demo/console.log" "$demo/eventlog.bin"; then
	evlog_ok=yes
	if command -v tpm2_eventlog >/dev/null 2>&1; then
		echo "run-demo: tpm2_eventlog $demo/eventlog.bin:"
		tpm2_eventlog "$demo/eventlog.bin" 2>"$demo/tpm2_eventlog.err"
		# It warns about every EV_IPL record outside PCRs 8, 9, 12
		# and 14 (GRUB's convention, not Moat's): shown once, counted.
		n=$(grep -c 'not extending either PCR' "$demo/tpm2_eventlog.err")
		grep -v 'not extending either PCR' "$demo/tpm2_eventlog.err"
		if [ "$n" -gt 0 ]; then
			echo "run-demo: (tpm2_eventlog warned $n times that EV_IPL records are not in"
			echo "run-demo:  PCRs 8, 9, 12 or 14: GRUB's PCRs; Moat's are 20-22)"
		fi
		echo
		echo "run-demo: PCRs 20-22: tpm2_eventlog's replay of the log against the TPM"
		python3 tests/integration/tests_measured.py compare "$demo/console.log" \
			"$demo/eventlog.bin"
	else
		echo "run-demo: tpm2_eventlog not installed (apt-get install tpm2-tools): not shown"
	fi
else
	echo "run-demo: the attest guest printed no event log (see $demo/console.log)"
fi

if [ "$rc" -eq 1 ]; then
	head="what happened"
else
	head="what should have happened (the boot did not end cleanly, see above)"
fi
cat <<EOF

run-demo: $head
  - web (web_t) called memory_op, vcpu_op and event_channel_op: the policy
    allows them (policy/modules/demo.te), so each succeeded.
  - db (db_t) booted the hello guest: an ordinary, allowed guest.
  - untrusted (untrusted_t) made the same three calls: the policy gives it
    console_io, xen_version and sched_op only, so each got -EACCES (13) and
    the hypervisor printed "avc: denied { <hypercall> } for
    scontext=system_u:system_r:untrusted_t tcontext=system_u:system_r:xen_t
    tclass=hypercall domid=<id>" above. Its console writes still work
    (boolean allow_untrusted_console).
  - The policy: $policy, built by 'make' from policy/modules/*.te and
    policy/flask/; its SHA-256 is on the "flask: policy loaded" line.
  - Measured boot: before building any domain the hypervisor hashed, with
    every PCR bank the TPM has (SHA-256 alone without a TPM), and recorded
    in its TCG event log ("measure: PCR ..." lines above):
      PCR 20  its command line, the boot manifest as it parsed it, and each
              domain's launch parameters (name, label, memory, vCPUs, ...);
      PCR 21  the policy blob (and any policy loaded at run time later);
      PCR 22  every boot module's image and command line;
    then a separator in each. attest (dom0_t: attest:read_log) read the log
    and the PCRs with attest_op (hypercall 50) and printed them.
EOF
if [ "$measured" = required ]; then
	cat <<EOF
    The same digests were extended into PCRs 20-22 of the swtpm from
    locality 2 (which no guest can reach), so the log's replay (tpm2_eventlog
    above) must equal the values the TPM holds: the table says whether it
    did. Change a module or a command line and PCR 22 or 20 changes.
EOF
else
	cat <<EOF
    Nothing was extended into a TPM: $why_optional.
    The log is kept, but a remote verifier could not trust it.
EOF
fi
if [ "$evlog_ok" = yes ]; then
	echo "    Files: $demo/console.log, $demo/eventlog.bin."
fi

# isa-debug-exit: the hypervisor wrote v to port 0xf4, QEMU exits (v << 1) | 1.
case $rc in
1) what="v=0: all domains powered off cleanly" ;;
3) what="v=1: at least one domain crashed" ;;
5) what="v=2: hypervisor panic" ;;
7) what="v=3: boot manifest or module refused, no domain started" ;;
0) what="QEMU quit without an exit code (Ctrl-A X, reset or triple fault)" ;;
*) what="QEMU exit status $rc (QEMU error, or an unknown exit code)" ;;
esac
echo "run-demo: QEMU exit status $rc: $what"
case $rc in
1) exit 0 ;;
*) exit 1 ;;
esac
