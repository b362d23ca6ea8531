#!/bin/sh
# Build the FLASK policy and smoke-check it, one TAP line per step into the
# file given as $1 (default build/results/policy.tap):
#   1 the hypercall class matches xsm/hooks.h (policy/gen_classes.py --check)
#   2 m4 expands the sources into build/policy/policy.conf
#   3 checkpolicy -t xen -c 30 compiles build/policy/policy.30
#   4 seinfo reads the binary policy
#   5 sesearch: untrusted_t passes the gate for exactly its three hypercalls
#   6 sesearch: domU_t passes the gate for every implemented hypercall
#   7 policy-tool (policy/tool, libsepol.a) writes build/policy/policy.blob
#   8 policy/tool/blobcheck.py verifies the blob independently
#   9 policy/tool/transcheck.py: the blob's TRANS holds exactly sesearch
#     --type_trans's rules, among them each domain's channel label
#  10 policy-tool report lists which domain types may communicate
#  11 policy-tool assert-isolated untrusted_t web_t passes
#  12 policy-tool assert-isolated web_t db_t fails (finds their path)
#  13 test variant revoke (policy/test/revoke) builds into
#     build/policy/test-revoke.blob, passes blobcheck.py, and its rules differ
#     from the default blob's exactly as policy/test/revoke/expect says
#  14 the same for test variant gate (build/policy/test-gate.blob), then
#     nocomms, readonly and emul (policy/test/README.md)
# Exits non-zero on the first failure (later steps are not run).
set -u

out=${1:-build/results/policy.tap}
dir=${POLICY_BUILD:-build/policy}
mkdir -p "$dir" "$(dirname "$out")"
: >"$out"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1" >>"$out"; }
fail() {
	n=$((n + 1)); echo "not ok $n - $1" >>"$out"
	[ $# -gt 1 ] && [ -s "$2" ] && sed 's/^/# /' "$2" >>"$out" && cat "$2" >&2
	exit 1
}

for tool in m4 checkpolicy seinfo sesearch python3; do
	command -v $tool >/dev/null 2>&1 || fail "policy: $tool not installed (make deps)"
done

log="$dir/build.log"
if python3 policy/gen_classes.py --check >"$log" 2>&1 &&
	python3 policy/gen_classes.py --emit "$dir/access_vectors" >>"$log" 2>&1; then
	ok "policy: hypercall class matches xsm/hooks.h ($(python3 policy/gen_classes.py |
		grep -c '^    ') permissions)"
else
	fail "policy: hypercall class differs from xsm/hooks.h" "$log"
fi

# policy.conf order: classes, SIDs, permissions, TE rules, users, SID labels.
# (base.te first among the modules; the positional list holds the others.)
set --
for f in policy/modules/*.te; do
	[ "$f" = policy/modules/base.te ] || set -- "$@" "$f"
done
if m4 -E policy/support/*.m4 policy/flask/security_classes policy/flask/initial_sids \
	"$dir/access_vectors" policy/modules/base.te "$@" \
	policy/users policy/initial_sid_contexts >"$dir/policy.conf" 2>"$log"; then
	ok "policy: m4 expanded build/policy/policy.conf ($(wc -l <"$dir/policy.conf") lines)"
else
	fail "policy: m4 failed" "$log"
fi

if checkpolicy -t xen -c 30 -o "$dir/policy.30" "$dir/policy.conf" >"$log" 2>&1; then
	ok "policy: checkpolicy -t xen -c 30 compiled policy.30 ($(wc -c <"$dir/policy.30") bytes)"
else
	fail "policy: checkpolicy failed" "$log"
fi

if seinfo "$dir/policy.30" >"$dir/seinfo.txt" 2>"$log"; then
	ok "policy: seinfo: $(awk '/Types:|Classes:|Allow:/ {printf "%s%s %s", sep, $1, $2; sep=", "}' \
		"$dir/seinfo.txt" | tr -d :)"
else
	fail "policy: seinfo failed" "$log"
fi

if sesearch --allow -s untrusted_t "$dir/policy.30" >"$dir/untrusted.txt" 2>"$log"; then
	got=$(grep ' xen_t:hypercall ' "$dir/untrusted.txt" |
		sed 's/.*{ *\(.*\) *}.*/\1/; s/.*:hypercall \([a-z_]*\);.*/\1/' | tr ' ' '\n' |
		grep . | sort | tr '\n' ' ')
	if [ "$got" = "console_io sched_op xen_version " ]; then
		ok "policy: sesearch: untrusted_t gate is { $got}"
	else
		echo "untrusted_t hypercall rules: '$got'" >"$log"
		cat "$dir/untrusted.txt" >>"$log"
		fail "policy: untrusted_t gate is not exactly console_io sched_op xen_version" "$log"
	fi
else
	fail "policy: sesearch failed" "$log"
fi

want=$(python3 policy/gen_classes.py --implemented | tr ' ' '\n' | sort | tr '\n' ' ')
if sesearch --allow -s domU_t -t xen_t -c hypercall "$dir/policy.30" >"$dir/domU.txt" 2>"$log"; then
	got=$(sed -n 's/.*{ *\(.*\) *}.*/\1/p; s/.*:hypercall \([a-z_]*\);.*/\1/p' "$dir/domU.txt" |
		tr ' ' '\n' | grep . | sort -u | tr '\n' ' ')
	if [ "$got" = "$want" ]; then
		ok "policy: sesearch: domU_t passes the gate for all $(echo "$want" | wc -w) implemented hypercalls"
	else
		printf 'want: %s\ngot:  %s\n' "$want" "$got" >"$log"
		fail "policy: domU_t's gate differs from hypercall_table.c's implemented set" "$log"
	fi
else
	fail "policy: sesearch failed" "$log"
fi

# The flat blob (xsm/policy_blob.h). The tool is built by make (it needs
# libsepol.a from libsepol-dev); BUILD is this directory's parent.
tool="$dir/policy-tool"
blob="$dir/policy.blob"
if ${MAKE:-make} --no-print-directory BUILD="$(dirname "$dir")" "$tool" >"$log" 2>&1 &&
	"$tool" blob "$dir/policy.30" "$blob" >"$dir/blob.txt" 2>>"$log"; then
	ok "policy: policy-tool blob: $(sed 's/^[^:]*: //' "$dir/blob.txt")"
else
	cat "$dir/blob.txt" >>"$log" 2>/dev/null
	fail "policy: policy-tool could not be built or failed to write the blob" "$log"
fi

if python3 policy/tool/blobcheck.py "$blob" >"$dir/blobcheck.txt" 2>"$log"; then
	ok "policy: $(cat "$dir/blobcheck.txt")"
else
	fail "policy: blobcheck.py rejects the blob" "$log"
fi

if sesearch --type_trans "$dir/policy.30" >"$dir/type_trans.txt" 2>"$log" &&
	python3 policy/tool/blobcheck.py "$blob" --dump-trans >"$dir/blob-trans.txt" 2>>"$log" &&
	python3 policy/tool/transcheck.py "$dir/policy.30" "$dir/type_trans.txt" \
		"$dir/blob-trans.txt" >>"$log" 2>&1; then
	ok "policy: blob TRANS = sesearch --type_trans: $(tail -1 "$log")"
else
	fail "policy: the blob's TRANS differs from sesearch --type_trans" "$log"
fi

if "$tool" report "$dir/policy.30" >"$dir/report.txt" 2>"$log" &&
	grep -q '^web_t -> db_t: .*event.*grant' "$dir/report.txt"; then
	ok "policy: policy-tool report: $(sed -n 's/^# \([0-9]* ordered pairs may communicate\)/\1/p' \
		"$dir/report.txt") (web_t -> db_t: event, grant)"
else
	cat "$dir/report.txt" >>"$log" 2>/dev/null
	fail "policy: policy-tool report failed or misses web_t -> db_t" "$log"
fi

if "$tool" assert-isolated "$dir/policy.30" untrusted_t web_t >"$log" 2>&1; then
	ok "policy: assert-isolated untrusted_t web_t: $(head -1 "$log")"
else
	fail "policy: untrusted_t and web_t are not isolated" "$log"
fi

"$tool" assert-isolated "$dir/policy.30" web_t db_t >"$dir/isolated.txt" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^NOT isolated' "$dir/isolated.txt" &&
	grep -q 'allow .*\(web_t\|db_t\)' "$dir/isolated.txt"; then
	ok "policy: assert-isolated web_t db_t fails as it must ($(grep -c '^  allow' \
		"$dir/isolated.txt")-rule path)"
else
	echo "exit status $rc (want 1 and a path)" >"$log"
	cat "$dir/isolated.txt" >>"$log"
	fail "policy: assert-isolated web_t db_t did not find the path between them" "$log"
fi

# Test variants for the integration tests (policy/test/README.md): each
# blob's rules (allow and type_transition, as blobcheck.py prints them) differ
# from the default blob's by exactly the lines of its expect file.
python3 policy/tool/blobcheck.py "$blob" --dump-av --dump-trans 2>"$log" | grep -v '^blobcheck:' |
	sort >"$dir/rules.txt"
for v in revoke gate nocomms readonly emul; do
	vb="$dir/test-$v.blob"
	if policy/test/build-variant.sh "$v" "$dir" >"$log" 2>&1 &&
		python3 policy/tool/blobcheck.py "$vb" --dump-av --dump-trans >"$dir/test-$v.rules" 2>>"$log"; then
		grep -v '^blobcheck:' "$dir/test-$v.rules" | sort >"$dir/test-$v.sorted"
		{
			comm -23 "$dir/rules.txt" "$dir/test-$v.sorted" | sed 's/^/- /'
			comm -13 "$dir/rules.txt" "$dir/test-$v.sorted" | sed 's/^/+ /'
		} | sort >"$dir/test-$v.diff"
		if sort "policy/test/$v/expect" | cmp -s - "$dir/test-$v.diff"; then
			ok "policy: test variant $v: $vb differs from policy.blob by exactly $(wc -l \
				<"$dir/test-$v.diff") intended rule lines"
		else
			{ echo "want (policy/test/$v/expect):"; sort "policy/test/$v/expect"
			  echo "got:"; cat "$dir/test-$v.diff"; } >"$log"
			fail "policy: test variant $v differs from the default in unintended ways" "$log"
		fi
	else
		fail "policy: test variant $v did not build or blobcheck.py rejects it" "$log"
	fi
done
exit 0
