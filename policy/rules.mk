# The FLASK policy: m4-expanded, compiled by checkpolicy -t xen (format 30).
# Included by the top-level Makefile; `policy-check` writes
# $(RESULTS)/policy.tap for make test.

POLICY_SRCS := $(wildcard policy/flask/* policy/support/*.m4 policy/modules/*.te) \
	policy/users policy/initial_sid_contexts policy/gen_classes.py \
	xsm/hooks.h hv/common/hypercall_table.c scripts/policy-build.sh

.PHONY: policy policy-check

policy: $(BUILD)/policy/policy.30

# The build runs the smoke checks too; their TAP lands next to the binary.
$(BUILD)/policy/policy.30: $(POLICY_SRCS)
	@POLICY_BUILD=$(BUILD)/policy scripts/policy-build.sh $(BUILD)/policy/build.tap || \
		{ cat $(BUILD)/policy/build.tap >&2; rm -f $@; exit 1; }

policy-check:
	@mkdir -p $(RESULTS)
	@POLICY_BUILD=$(BUILD)/policy scripts/policy-build.sh $(RESULTS)/policy.tap
