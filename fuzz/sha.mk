FUZZERS += fuzz_sha
fuzz_sha_SRCS := fuzz/fuzz_sha.c attest/sha1.c attest/sha256.c attest/sha512.c attest/sha_md.c
fuzz_sha_LIBS := -lcrypto
