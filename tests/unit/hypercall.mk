UNIT_TESTS += test_hypercall
test_hypercall_SRCS = tests/unit/test_hypercall.c $(HV_CORE_SRCS)
