UNIT_TESTS += test_tpm2
test_tpm2_SRCS := tests/unit/test_tpm2.c attest/tpm2_cmd.c attest/tpm2_rsp.c
