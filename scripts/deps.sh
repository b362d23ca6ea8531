#!/bin/sh
# Install the Debian 12 packages Moat needs to build, run and test.
# As root it installs what is missing; otherwise it prints the exact command.
set -eu

PKGS="build-essential gcc clang binutils make python3 qemu-system-x86 \
libcmocka-dev libclang-rt-14-dev grub-pc-bin grub-common xorriso mtools \
sparse cppcheck libssl-dev checkpolicy setools m4 libsepol-dev tpm2-tools \
swtpm libtpms-dev frama-c-base why3 cvc4 z3 spin afl++ gcovr"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || true
	$cmd
else
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root:  sudo apt-get update && sudo $cmd" >&2
	exit 1
fi
