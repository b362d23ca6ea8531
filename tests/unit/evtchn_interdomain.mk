UNIT_TESTS += test_evtchn_interdomain
test_evtchn_interdomain_SRCS = tests/unit/test_evtchn_interdomain.c $(HV_CORE_SRCS)
