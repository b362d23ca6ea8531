UNIT_TESTS += test_timer
test_timer_SRCS = tests/unit/test_timer.c $(HV_CORE_SRCS)
