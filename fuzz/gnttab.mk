FUZZERS += fuzz_gnttab
fuzz_gnttab_SRCS = fuzz/fuzz_gnttab.c $(HV_CORE_SRCS)
