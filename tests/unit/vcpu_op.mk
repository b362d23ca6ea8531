UNIT_TESTS += test_vcpu_op
test_vcpu_op_SRCS = tests/unit/test_vcpu_op.c $(HV_CORE_SRCS)
