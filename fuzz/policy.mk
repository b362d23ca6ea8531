FUZZERS += fuzz_policy
fuzz_policy_SRCS := fuzz/fuzz_policy.c xsm/policy_load.c xsm/policy_lookup.c xsm/avc.c \
	attest/sha256.c attest/sha_md.c hv/common/lib/fmt.c hv/common/lib/strutil.c
