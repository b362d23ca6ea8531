FUZZERS += fuzz_mm
fuzz_mm_SRCS = fuzz/fuzz_mm.c $(HV_CORE_SRCS)
