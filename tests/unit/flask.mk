# FLASK module tests (xsm/flask*.c) against the default policy blob the
# build makes; its path is compiled into the test.
UNIT_TESTS += test_flask
test_flask_SRCS = tests/unit/test_flask.c $(HV_CORE_SRCS)
$(BUILD)/host/tests/unit/test_flask.o: HOST_CFLAGS += -DFLASK_TEST_BLOB='"$(abspath $(BUILD)/policy/policy.blob)"'
$(BUILD)/host/tests/unit/test_flask.o: | $(BUILD)/policy/policy.blob
