UNIT_TESTS += test_event_fifo
test_event_fifo_SRCS = tests/unit/test_event_fifo.c $(HV_CORE_SRCS)
