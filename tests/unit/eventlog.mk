UNIT_TESTS += test_eventlog
test_eventlog_SRCS := tests/unit/test_eventlog.c attest/eventlog.c attest/sha1.c attest/sha256.c attest/sha512.c attest/sha_md.c
test_eventlog_LIBS := -lcrypto
