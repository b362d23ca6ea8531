UNIT_TESTS += test_evtchn_block
test_evtchn_block_SRCS = tests/unit/test_evtchn_block.c $(HV_CORE_SRCS)
