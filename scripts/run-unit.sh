#!/bin/sh
# Run each cmocka unit-test binary, writing TAP to <results>/unit-<name>.tap.
results=$1; shift
status=0
for bin in "$@"; do
	name=$(basename "$bin")
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$results/unit-$name.tap" 2>"$results/unit-$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		status=1
		echo "unit: $name exited $rc (see $results/unit-$name.tap)" >&2
		# A crash before cmocka printed its plan still counts as a failure.
		grep -q '^not ok' "$results/unit-$name.tap" ||
			echo "not ok 1 - $name crashed (exit $rc)" >>"$results/unit-$name.tap"
	fi
done
exit $status
