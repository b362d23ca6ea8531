UNIT_TESTS += test_sha
test_sha_SRCS := tests/unit/test_sha.c attest/sha1.c attest/sha256.c attest/sha512.c attest/sha_md.c
test_sha_LIBS := -lcrypto
