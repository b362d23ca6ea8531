FUZZERS += fuzz_mm
fuzz_mm_SRCS = fuzz/fuzz_mm.c $(HV_CORE_SRCS)
# Checker code without coverage feedback (fuzz/nocov-checks.txt).
fuzz_mm_LIBS = -fsanitize-coverage-ignorelist=fuzz/nocov-checks.txt
