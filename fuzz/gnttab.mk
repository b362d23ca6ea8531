FUZZERS += fuzz_gnttab
fuzz_gnttab_SRCS = fuzz/fuzz_gnttab.c $(HV_CORE_SRCS)
# Checker code without coverage feedback (fuzz/nocov-checks.txt).
fuzz_gnttab_LIBS = -fsanitize-coverage-ignorelist=fuzz/nocov-checks.txt
