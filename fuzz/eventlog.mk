FUZZERS += fuzz_eventlog
fuzz_eventlog_SRCS := fuzz/fuzz_eventlog.c attest/eventlog.c attest/sha1.c attest/sha256.c attest/sha512.c attest/sha_md.c
fuzz_eventlog_LIBS := -lcrypto
