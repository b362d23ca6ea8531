UNIT_TESTS += test_policy
test_policy_SRCS := tests/unit/test_policy.c xsm/policy_load.c xsm/policy_lookup.c xsm/avc.c \
	attest/sha256.c attest/sha_md.c hv/common/lib/fmt.c hv/common/lib/strutil.c
