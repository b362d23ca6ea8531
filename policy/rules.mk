# The FLASK policy: m4-expanded, compiled by checkpolicy -t xen (format 30).
# Included by the top-level Makefile; `policy-check` writes
# $(RESULTS)/policy.tap for make test.

POLICY_SRCS := $(wildcard policy/flask/* policy/support/*.m4 policy/modules/*.te) \
	policy/users policy/initial_sid_contexts policy/gen_classes.py \
	xsm/hooks.h hv/common/hypercall_table.c scripts/policy-build.sh \
	$(wildcard policy/tool/*.py policy/test/*/*)

.PHONY: policy policy-check

policy: $(BUILD)/policy/policy.30

# The build runs the smoke checks too; their TAP lands next to the binary.
$(BUILD)/policy/policy.30: $(POLICY_SRCS)
	@POLICY_BUILD=$(BUILD)/policy scripts/policy-build.sh $(BUILD)/policy/build.tap || \
		{ cat $(BUILD)/policy/build.tap >&2; rm -f $@; exit 1; }

policy-check:
	@mkdir -p $(RESULTS)
	@POLICY_BUILD=$(BUILD)/policy scripts/policy-build.sh $(RESULTS)/policy.tap

# The host tool (libsepol.a: policydb_read & co. are not in the shared
# library) and the flat blob the hypervisor loads (xsm/policy_blob.h).
POLICY_TOOL_SRCS := $(wildcard policy/tool/*.c) attest/sha256.c attest/sha_md.c
POLICY_TOOL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -DMOAT_HOSTED=1 -I. -Ihv/include
LIBSEPOL_A ?= $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libsepol.a /usr/lib/libsepol.a) \
	/usr/lib/x86_64-linux-gnu/libsepol.a)

.PHONY: policy-tool policy-blob

policy: $(BUILD)/policy/policy-tool $(BUILD)/policy/policy.blob

$(BUILD)/policy/policy-tool: $(POLICY_TOOL_SRCS) $(wildcard policy/tool/*.h) xsm/policy_blob.h attest/sha.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(POLICY_TOOL_CFLAGS) $(POLICY_TOOL_SRCS) $(LIBSEPOL_A) -o $@

$(BUILD)/policy/policy.blob: $(BUILD)/policy/policy.30 $(BUILD)/policy/policy-tool
	$(BUILD)/policy/policy-tool blob $< $@

policy-tool: $(BUILD)/policy/policy-tool
policy-blob: $(BUILD)/policy/policy.blob

# Test variants for the integration tests (policy/test/README.md):
# $(BUILD)/policy/test-<variant>.blob, each the default policy with
# policy/test/<variant>/*.te replacing the modules of the same name.
# policy-build.sh checks each against its expect file (TAP steps 13-14).
POLICY_TEST_VARIANTS := revoke gate nocomms readonly emul
POLICY_TEST_BLOBS := $(foreach v,$(POLICY_TEST_VARIANTS),$(BUILD)/policy/test-$(v).blob)

.PHONY: policy-test-blobs

policy: policy-test-blobs
policy-test-blobs: $(POLICY_TEST_BLOBS)
integration: policy-test-blobs

$(BUILD)/policy/test-%.blob: $(BUILD)/policy/policy.30 $(BUILD)/policy/policy-tool \
		$(wildcard policy/test/*/*) policy/test/build-variant.sh
	policy/test/build-variant.sh $* $(BUILD)/policy
