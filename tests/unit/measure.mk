# The measurement service against a real TPM: libtpms in the test process
# behind the fake arch's TPM transport (tests/fake_arch/tpm.c).
UNIT_TESTS += test_measure
test_measure_SRCS = tests/unit/test_measure.c tests/unit/tpm_libtpms.c $(HV_CORE_SRCS)
test_measure_LIBS := -ltpms -lcrypto
