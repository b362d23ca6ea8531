UNIT_TESTS += test_tpm_libtpms
test_tpm_libtpms_SRCS := tests/unit/test_tpm_libtpms.c tests/unit/tpm_libtpms.c tests/fake_arch/tpm.c \
	attest/tpm2_cmd.c attest/tpm2_rsp.c
test_tpm_libtpms_LIBS := -ltpms -lcrypto
