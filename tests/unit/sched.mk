UNIT_TESTS += test_sched
test_sched_SRCS = tests/unit/test_sched.c $(HV_CORE_SRCS)
