#!/bin/sh
# Build one test variant of the policy for the integration tests:
#   policy/test/build-variant.sh VARIANT DIR
# VARIANT is a name under policy/test, or a directory path (verify/policy
# keeps a deliberately broken variant of its own).
# DIR is the default policy's build directory (build/policy): it must hold
# the generated access_vectors and policy-tool (make policy builds both).
# The sources are the default policy's, except that each
# policy/test/VARIANT/NAME.te replaces policy/modules/NAME.te (or is added
# when there is none). Writes DIR/test-VARIANT.conf, .30 and .blob; the
# compiler's and the tool's output go to DIR/test-VARIANT.log.
set -u
v=$1
dir=$2
src=policy/test/$v
case $v in
*/*) src=$v; v=$(basename "$v") ;;
esac
log="$dir/test-$v.log"
[ -d "$src" ] || { echo "no policy variant $src" >&2; exit 1; }

set --
for f in policy/modules/*.te; do
	name=$(basename "$f")
	[ "$name" = base.te ] && continue
	if [ -f "$src/$name" ]; then
		set -- "$@" "$src/$name"
	else
		set -- "$@" "$f"
	fi
done
for f in "$src"/*.te; do
	[ -f "policy/modules/$(basename "$f")" ] || set -- "$@" "$f"
done
base=policy/modules/base.te
[ -f "$src/base.te" ] && base=$src/base.te

m4 -E policy/support/*.m4 policy/flask/security_classes policy/flask/initial_sids \
	"$dir/access_vectors" "$base" "$@" policy/users policy/initial_sid_contexts \
	>"$dir/test-$v.conf" 2>"$log" &&
	checkpolicy -t xen -c 30 -o "$dir/test-$v.30" "$dir/test-$v.conf" >>"$log" 2>&1 &&
	"$dir/policy-tool" blob "$dir/test-$v.30" "$dir/test-$v.blob" >>"$log" 2>&1 || {
	cat "$log" >&2
	rm -f "$dir/test-$v.blob"
	exit 1
}
