# Interdomain event channels under FLASK, against the default policy blob.
UNIT_TESTS += test_evtchn_flask
test_evtchn_flask_SRCS = tests/unit/test_evtchn_flask.c $(HV_CORE_SRCS)
$(BUILD)/host/tests/unit/test_evtchn_flask.o: HOST_CFLAGS += -DFLASK_TEST_BLOB='"$(abspath $(BUILD)/policy/policy.blob)"'
$(BUILD)/host/tests/unit/test_evtchn_flask.o: | $(BUILD)/policy/policy.blob
