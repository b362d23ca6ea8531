# hv_main over input-described boot modules: command lines, kernels,
# initrds, the policy (fuzz/fuzz_boot.c).
FUZZERS += fuzz_boot
fuzz_boot_SRCS = fuzz/fuzz_boot.c $(HV_CORE_SRCS)
# nocov-hash.txt: the hash cores and the checker get no coverage feedback.
fuzz_boot_LIBS = -DFLASK_FUZZ_BLOB='"$(abspath $(BUILD)/policy/policy.blob)"' \
	-fsanitize-coverage-ignorelist=fuzz/nocov-hash.txt
$(BUILD)/fuzz/fuzz_boot: | $(BUILD)/policy/policy.blob
