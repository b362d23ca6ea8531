# Every hypercall through hypercall_dispatch() on three domains hv_main()
# booted, under dummy or FLASK (fuzz/fuzz_hypercall.c).
FUZZERS += fuzz_hypercall
fuzz_hypercall_SRCS = fuzz/fuzz_hypercall.c $(HV_CORE_SRCS)
# nocov-hash.txt: the hash cores and the checker get no coverage feedback.
fuzz_hypercall_LIBS = -DFLASK_FUZZ_BLOB='"$(abspath $(BUILD)/policy/policy.blob)"' \
	-fsanitize-coverage-ignorelist=fuzz/nocov-hash.txt
$(BUILD)/fuzz/fuzz_hypercall: | $(BUILD)/policy/policy.blob
