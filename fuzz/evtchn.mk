FUZZERS += fuzz_evtchn
fuzz_evtchn_SRCS = fuzz/fuzz_evtchn.c $(HV_CORE_SRCS)
# Checker code without coverage feedback (fuzz/nocov-checks.txt).
fuzz_evtchn_LIBS = -fsanitize-coverage-ignorelist=fuzz/nocov-checks.txt
