# FLASK's xsm_op against the default policy blob the build makes.
FUZZERS += fuzz_xsm_op
fuzz_xsm_op_SRCS = fuzz/fuzz_xsm_op.c $(HV_CORE_SRCS)
fuzz_xsm_op_LIBS = -DFLASK_FUZZ_BLOB='"$(abspath $(BUILD)/policy/policy.blob)"'
$(BUILD)/fuzz/fuzz_xsm_op: | $(BUILD)/policy/policy.blob
