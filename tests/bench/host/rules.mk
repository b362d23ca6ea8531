# The hosted AVC benchmark (tests/bench/host/avc_bench.c): the portable
# xsm/ sources built -O2 without sanitizers, linked as the unit tests link
# them. Run by `make bench` as a sub-make:
#   make -f tests/bench/host/rules.mk BUILD=build RESULTS=build/results avc-bench
# It reads $(BUILD)/policy/policy.blob (the main Makefile builds it first),
# prints its MOAT-BENCH lines and appends them to $(RESULTS)/bench.tsv.
include build.mk

RESULTS ?= $(BUILD)/results
AVC_BENCH := $(BUILD)/bench/host/avc_bench
AVC_BENCH_SRCS := tests/bench/host/avc_bench.c xsm/avc.c xsm/policy_load.c \
	xsm/policy_lookup.c attest/sha256.c attest/sha_md.c hv/common/lib/fmt.c \
	hv/common/lib/strutil.c
AVC_BENCH_CFLAGS := -std=gnu11 -O2 -g -fno-strict-aliasing $(WARN) -Ihv/include -I. \
	-Itests/unit -Itests/fake_arch/include -DMOAT_HOSTED=1

.PHONY: avc-bench measure-bench tlb-bench host-bench

MEASURE_BENCH := $(BUILD)/bench/host/measure_bench
MEASURE_BENCH_SRCS := tests/bench/host/measure_bench.c attest/eventlog.c attest/sha1.c \
	attest/sha256.c attest/sha512.c attest/sha_md.c

# The TLB flushes frame reuse costs (tlb_bench.c): the whole portable core
# on the fake machine, as the unit tests link it, but -O2 and no sanitizers.
TLB_BENCH := $(BUILD)/bench/host/tlb_bench
TLB_BENCH_SRCS := tests/bench/host/tlb_bench.c $(wildcard hv/common/*.c) \
	$(wildcard hv/common/lib/*.c) $(wildcard xsm/*.c) $(wildcard attest/*.c) \
	$(wildcard tests/fake_arch/*.c)

# Every hosted benchmark, in turn (what `make bench` runs).
host-bench: avc-bench measure-bench tlb-bench

$(AVC_BENCH): $(AVC_BENCH_SRCS) tests/bench/host/host_bench.h $(wildcard xsm/*.h attest/*.h hv/include/hv/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(AVC_BENCH_CFLAGS) $(AVC_BENCH_SRCS) -o $@

avc-bench: $(AVC_BENCH)
	@mkdir -p $(RESULTS)
	@[ -s $(RESULTS)/bench.tsv ] || \
		printf 'test\tguest\tbenchmark\tmedian_ticks\tmin_ticks\truns\n' >$(RESULTS)/bench.tsv
	@$(AVC_BENCH) $(BUILD)/policy/policy.blob $(RESULTS)/bench.tsv

$(MEASURE_BENCH): $(MEASURE_BENCH_SRCS) tests/bench/host/host_bench.h $(wildcard attest/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(AVC_BENCH_CFLAGS) $(MEASURE_BENCH_SRCS) -o $@

measure-bench: $(MEASURE_BENCH)
	@mkdir -p $(RESULTS)
	@[ -s $(RESULTS)/bench.tsv ] || \
		printf 'test\tguest\tbenchmark\tmedian_ticks\tmin_ticks\truns\n' >$(RESULTS)/bench.tsv
	@$(MEASURE_BENCH) $(RESULTS)/bench.tsv

$(TLB_BENCH): $(TLB_BENCH_SRCS) $(wildcard hv/include/hv/*.h tests/fake_arch/include/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(AVC_BENCH_CFLAGS) $(TLB_BENCH_SRCS) -o $@

tlb-bench: $(TLB_BENCH)
	@mkdir -p $(RESULTS)
	@[ -s $(RESULTS)/bench.tsv ] || \
		printf 'test\tguest\tbenchmark\tmedian_ticks\tmin_ticks\truns\n' >$(RESULTS)/bench.tsv
	@$(TLB_BENCH) $(RESULTS)/bench.tsv
