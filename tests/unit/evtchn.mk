UNIT_TESTS += test_evtchn
test_evtchn_SRCS = tests/unit/test_evtchn.c $(HV_CORE_SRCS)
