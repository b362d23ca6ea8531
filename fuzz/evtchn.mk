FUZZERS += fuzz_evtchn
fuzz_evtchn_SRCS = fuzz/fuzz_evtchn.c $(HV_CORE_SRCS)
