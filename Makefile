# Moat: `make` builds everything, `make run` boots the demo, `make test` runs
# every test and ends with one line "N passed, N failed".
# Non-recursive: each part of the tree adds its rules in a rules.mk / *.mk.

include build.mk

.DEFAULT_GOAL := all
.PHONY: all deps run test check unit fuzz-replay fuzz-smoke fuzz integration bench clean

RESULTS := $(BUILD)/results

# ---- the hypervisor image --------------------------------------------------
include hv/rules.mk
# ---- test guests ------------------------------------------------------------
include tests/guests/rules.mk
include tests/bench/rules.mk
# ---- the TE policy (checkpolicy -t xen) ----------------------------------------
include policy/rules.mk
# ---- proofs and protocol models (verify/) --------------------------------------
include $(wildcard verify/rules.mk)
# ---- hosted unit tests: every tests/unit/*.mk adds to UNIT_TESTS -------------
UNIT_TESTS :=
include $(wildcard tests/unit/*.mk)
# ---- fuzz harnesses: every fuzz/*.mk adds to FUZZERS ---------------------------
FUZZERS :=
include $(wildcard fuzz/*.mk)

UNIT_BINS := $(foreach t,$(UNIT_TESTS),$(BUILD)/unit/$(t))
FUZZ_BINS := $(foreach f,$(FUZZERS),$(BUILD)/fuzz/$(f))

define unit_rule
$(BUILD)/unit/$(1): $$(call host_obj,$$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	$$(HOST_CC) $$(HOST_LDFLAGS) $$^ -lcmocka $$($(1)_LIBS) -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

define fuzz_rule
$(BUILD)/fuzz/$(1): $$($(1)_SRCS)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$^ $$($(1)_LIBS) -o $$@
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))

all: hv guests bench-guests policy $(UNIT_BINS) $(FUZZ_BINS)

deps:
	@scripts/deps.sh

# The demo: labelled guests under FLASK, measured into swtpm when it is
# installed; the event log is printed with tpm2_eventlog at the end.
run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-demo.sh

unit: $(UNIT_BINS)
	@mkdir -p $(RESULTS)
	@scripts/run-unit.sh $(RESULTS) $(UNIT_BINS)

fuzz-replay: $(FUZZ_BINS)
	@mkdir -p $(RESULTS)
	@scripts/fuzz-replay.sh $(RESULTS) $(FUZZERS)

integration: hv guests
	@mkdir -p $(RESULTS)
	@$(PYTHON) tests/integration/run.py --results $(RESULTS)/integration.tap

# Static checks (sparse over the freestanding sources).
check:
	@mkdir -p $(RESULTS)
	@scripts/check.sh $(RESULTS)

# Benchmarks: guests report TSC ticks under -icount shift=0,sleep=off
# (ticks = guest instructions, so figures repeat). Not part of make test.
bench: hv bench-guests $(BUILD)/policy/policy.blob
	@mkdir -p $(RESULTS)
	@$(PYTHON) tests/integration/run.py --bench --results $(RESULTS)/bench.tap
	@$(MAKE) --no-print-directory -f tests/bench/host/rules.mk BUILD=$(BUILD) RESULTS=$(RESULTS) avc-bench

# Long fuzzing campaigns for a user (not part of make test).
fuzz: $(FUZZ_BINS)
	@scripts/fuzz-campaign.sh $(FUZZERS)

test: deps
	@rm -rf $(RESULTS)
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -k check unit fuzz-replay integration policy-check; true
	@$(PYTHON) tests/summarize.py $(RESULTS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
