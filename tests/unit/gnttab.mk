# Grant tables v1 (hv/common/gnttab_*.c): every sub-op and error path, and
# grant mappings in the PV memory model (checker, revocation, death).
# Each links the whole core (core.mk) and the memory-model fixture.
UNIT_TESTS += test_gnttab test_gnttab_mm
test_gnttab_SRCS = tests/unit/test_gnttab.c tests/unit/test_mm_fixture.c $(HV_CORE_SRCS)
test_gnttab_mm_SRCS = tests/unit/test_gnttab_mm.c tests/unit/test_mm_fixture.c $(HV_CORE_SRCS)
# Under FLASK, against the default policy blob: denials and revocation.
UNIT_TESTS += test_gnttab_flask
test_gnttab_flask_SRCS = tests/unit/test_gnttab_flask.c tests/unit/test_mm_fixture.c $(HV_CORE_SRCS)
$(BUILD)/host/tests/unit/test_gnttab_flask.o: HOST_CFLAGS += -DFLASK_TEST_BLOB='"$(abspath $(BUILD)/policy/policy.blob)"'
$(BUILD)/host/tests/unit/test_gnttab_flask.o: | $(BUILD)/policy/policy.blob
