#!/bin/sh
# The demo: boot the Moat hypervisor under QEMU with two hello guests, alpha
# and beta, on this terminal (serial console on stdio; Ctrl-A X quits QEMU),
# then say what the hypervisor's exit code means. Extra arguments go to
# QEMU (for example -s -S to wait for gdb). Environment: MOAT_HV (default
# build/hv/moat.bin), QEMU (default qemu-system-x86_64), MOAT_CMDLINE.
set -u

cd "$(dirname "$0")/.."
hv="${MOAT_HV:-build/hv/moat.bin}"
qemu="${QEMU:-qemu-system-x86_64}"
cmdline="${MOAT_CMDLINE:-console=com1}"
guest=build/guests/hello.elf

for f in "$hv" "$guest"; do
	if [ ! -f "$f" ]; then
		echo "run-demo: $f not found: run 'make' first" >&2
		exit 1
	fi
done

echo "run-demo: booting $hv with guests alpha and beta (Ctrl-A X to quit)"
"$qemu" -m 256 -cpu max,-smap -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$hv" -append "$cmdline" \
	-initrd "$guest name=alpha -- name=alpha,$guest name=beta -- name=beta" \
	"$@"
rc=$?

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
