# verify/: the Frama-C WP proofs and the Spin models (verify/README.md).
# Included by the top-level Makefile; BUILD and RESULTS come from there.
#   make verify        every proof and model, Frama-C's and pan's output shown;
#                      fails on any goal not proved or any check not as wanted;
#                      proves every goal again into verify/wp/cache (commit it)
#   make verify-check  the same, quietly, one TAP line per proof target, model
#                      check and broken-variant check in $(RESULTS)/verify.tap;
#                      replays verify/wp/cache (verify/README.md)
# Everything else they write (why3's prover configuration, logs, pan) stays
# in $(BUILD)/verify.
.PHONY: verify verify-check

VERIFY_OUT := $(BUILD)/verify

VERIFY_DEPS := $(BUILD)/policy/policy-tool $(BUILD)/policy/policy.30

verify: $(VERIFY_DEPS)
	@POLICY_DIR=$(BUILD)/policy WHY3CONFIG=$(abspath $(VERIFY_OUT))/why3.conf verify/verify.sh $(VERIFY_OUT) -v

verify-check: $(VERIFY_DEPS)
	@mkdir -p $(RESULTS)
	@POLICY_DIR=$(BUILD)/policy WHY3CONFIG=$(abspath $(VERIFY_OUT))/why3.conf verify/verify.sh $(VERIFY_OUT) --tap $(RESULTS)/verify.tap
