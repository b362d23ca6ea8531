# Measured boot against a hostile TPM, then attest_op (fuzz/fuzz_attest_op.c).
FUZZERS += fuzz_attest_op
fuzz_attest_op_SRCS = fuzz/fuzz_attest_op.c $(HV_CORE_SRCS)
