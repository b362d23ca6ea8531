# Moat: `make` builds everything, `make run` boots the demo, `make test` runs
# every test and ends with one line "N passed, N failed".
# Non-recursive: each part of the tree adds its rules in a rules.mk / *.mk.

include build.mk

.DEFAULT_GOAL := all
.PHONY: all deps run test check unit fuzz-replay fuzz-smoke fuzz fuzz-afl integration bench coverage \
	coverage-bins clean

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
# The same harness sources under AFL++ (its libFuzzer-compatible driver).
FUZZ_AFL_BINS := $(foreach f,$(FUZZERS),$(BUILD)/fuzz-afl/$(f))
# The one AFL++ harness make test builds and runs, to prove the path works.
FUZZ_AFL_SMOKE := fuzz_insn
# Coverage copies (clang source-based coverage, no sanitizers) of the unit
# tests and the harnesses, for make coverage.
COV_UNIT_BINS := $(foreach t,$(UNIT_TESTS),$(BUILD)/coverage/unit/$(t))
COV_FUZZ_BINS := $(foreach f,$(FUZZERS),$(BUILD)/coverage/fuzz/$(f))

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

define fuzz_afl_rule
$(BUILD)/fuzz-afl/$(1): $$($(1)_SRCS) | $(BUILD)/policy/policy.blob
	@mkdir -p $$(dir $$@)
	AFL_QUIET=1 $$(FUZZ_AFL_CC) $$(FUZZ_CFLAGS) $$^ $$($(1)_LIBS) -o $$@
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_afl_rule,$(f))))

define cov_unit_rule
$(BUILD)/coverage/unit/$(1): $$(call cov_obj,$$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	$$(COV_CC) $$(COV_CFLAGS) $$^ -lcmocka $$($(1)_LIBS) -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call cov_unit_rule,$(t))))

define cov_fuzz_rule
$(BUILD)/coverage/fuzz/$(1): $$(call cov_obj,$$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	$$(COV_CC) $$(COV_CFLAGS) -fsanitize=fuzzer $$^ $$(filter -l%,$$($(1)_LIBS)) -o $$@
endef
$(foreach f,$(FUZZERS),$(eval $(call cov_fuzz_rule,$(f))))

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

# Every corpus and regression input under ASan+UBSan, a bounded smoke run
# of each harness (FUZZ_SMOKE_SECS), and one AFL++ harness for a few
# seconds (FUZZ_AFL_SMOKE_SECS).
fuzz-replay: $(FUZZ_BINS) $(BUILD)/fuzz-afl/$(FUZZ_AFL_SMOKE)
	@mkdir -p $(RESULTS)
	@FUZZ_AFL_SMOKE=$(FUZZ_AFL_SMOKE) scripts/fuzz-replay.sh $(RESULTS) $(FUZZERS)

# Every harness built for AFL++ into $(BUILD)/fuzz-afl/ (not part of all:
# it compiles the whole core once more per harness).
fuzz-afl: $(FUZZ_AFL_BINS)

integration: hv guests
	@mkdir -p $(RESULTS)
	@$(PYTHON) tests/integration/run.py --results $(RESULTS)/integration.tap

# Static checks: sparse, the mediation table, cppcheck, and both worlds
# built with warnings as errors (scripts/check.sh).
check:
	@mkdir -p $(RESULTS)
	@WARN="$(WARN)" FREE_CFLAGS="$(FREE_CFLAGS)" HOST_CFLAGS="$(HOST_CFLAGS)" \
		CHECK_BUILD="$(BUILD)/hv/moat.bin $(UNIT_BINS)" MAKE="$(MAKE)" \
		scripts/check.sh $(RESULTS)

# Benchmarks: guests report TSC ticks under -icount shift=0,sleep=off
# (ticks = guest instructions, so figures repeat). Not part of make test.
bench: hv guests bench-guests $(BUILD)/policy/policy.blob
	@mkdir -p $(RESULTS)
	@$(PYTHON) tests/integration/run.py --bench --results $(RESULTS)/bench.tap
	@$(MAKE) --no-print-directory -f tests/bench/host/rules.mk BUILD=$(BUILD) RESULTS=$(RESULTS) host-bench

# Long fuzzing campaigns for a user (not part of make test): AFL++ then
# libFuzzer per harness, then the in-guest fuzzer (scripts/guest-fuzz.sh,
# hence hv and guests); knobs at the top of scripts/fuzz-campaign.sh.
fuzz: $(FUZZ_BINS) $(FUZZ_AFL_BINS) hv guests $(BUILD)/policy/policy.blob
	@scripts/fuzz-campaign.sh $(FUZZERS)

# Line and branch coverage of hv/common, xsm and attest by the unit tests
# and every committed fuzz input, into $(BUILD)/coverage/ (HTML and a
# summary); from make test also a TAP line with the figures.
coverage-bins: $(COV_UNIT_BINS) $(COV_FUZZ_BINS)

coverage:
	@$(MAKE) --no-print-directory -j2 coverage-bins
	@mkdir -p $(RESULTS)
	@scripts/coverage.sh $(RESULTS) "$(UNIT_TESTS)" "$(FUZZERS)"

test: deps
	@rm -rf $(RESULTS)
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -k check unit fuzz-replay integration policy-check \
		coverage verify-check; true
	@$(PYTHON) tests/summarize.py $(RESULTS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
