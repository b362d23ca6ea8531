# Benchmark guests (tests/bench/<name>.c) on the test-guest runtime, linked
# into $(BUILD)/bench/<name>.elf with the same flags and link script as the
# test guests. Include after tests/guests/rules.mk (it reuses GUEST_* and
# the object rules); `make bench-guests` builds them.

.PHONY: bench-guests

BENCH_NAMES := bench ipc_bench
BENCH_DIR   := $(BUILD)/bench
BENCH_ELFS  := $(foreach b,$(BENCH_NAMES),$(BENCH_DIR)/$(b).elf)

bench-guests: $(BENCH_ELFS)

$(BENCH_ELFS): $(BENCH_DIR)/%.elf: $(GUEST_OBJ)/tests/bench/%.o $(GUEST_RT_OBJS) $(GUEST_LDS)
	@mkdir -p $(dir $@)
	$(LD) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)
