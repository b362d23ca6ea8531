FUZZERS += fuzz_evtchn_fifo
fuzz_evtchn_fifo_SRCS = fuzz/fuzz_evtchn_fifo.c $(HV_CORE_SRCS)
