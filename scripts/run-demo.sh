#!/bin/sh
# The demo: boot the Moat hypervisor under QEMU with XSM/FLASK enforcing the
# default policy (build/policy/policy.blob, sources in policy/modules/*.te)
# and three labelled guests on this terminal (serial console on stdio;
# Ctrl-A X quits QEMU):
#   web        web_t        flask_gate expect=allowed: memory_op, vcpu_op and
#                           event_channel_op all succeed
#   db         db_t         hello: an ordinary guest
#   untrusted  untrusted_t  flask_gate expect=denied: the same three calls
#                           get -EACCES and the hypervisor prints an
#                           "avc: denied" audit line for each
# then say what was allowed and denied, and what the hypervisor's exit code
# means. It exits by itself when every guest has powered off. Extra
# arguments go to QEMU (for example -s -S to wait for gdb). Environment:
# MOAT_HV (default build/hv/moat.bin), QEMU (default qemu-system-x86_64),
# MOAT_POLICY (default build/policy/policy.blob), MOAT_CMDLINE (default
# "console=com1 xsm=flask flask=enforcing").
set -u

cd "$(dirname "$0")/.."
hv="${MOAT_HV:-build/hv/moat.bin}"
qemu="${QEMU:-qemu-system-x86_64}"
policy="${MOAT_POLICY:-build/policy/policy.blob}"
cmdline="${MOAT_CMDLINE:-console=com1 xsm=flask flask=enforcing}"
gate=build/guests/flask_gate.elf
hello=build/guests/hello.elf
ctx=system_u:system_r

for f in "$hv" "$policy" "$gate" "$hello"; do
	if [ ! -f "$f" ]; then
		echo "run-demo: $f not found: run 'make' first" >&2
		exit 1
	fi
done

# QEMU's -initrd: modules separated by ','.
modules="$policy type=policy"
modules="$modules,$gate name=web label=$ctx:web_t -- name=web expect=allowed"
modules="$modules,$hello name=db label=$ctx:db_t -- name=db"
modules="$modules,$gate name=untrusted label=$ctx:untrusted_t -- name=untrusted expect=denied"

echo "run-demo: booting $hv with xsm=flask, policy $policy"
echo "run-demo: guests web (web_t), db (db_t), untrusted (untrusted_t) (Ctrl-A X to quit)"
"$qemu" -m 256 -cpu max,-smap -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$hv" -append "$cmdline" \
	-initrd "$modules" \
	"$@"
rc=$?

if [ $rc -eq 1 ]; then
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
EOF

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
