# The emulation gate (hv/common/emul_gate.c) under FLASK with the default
# policy: the table, real instruction bytes through the decoder and the
# classifier (both pure, built hosted as test_insn builds the decoder), and
# the trapped writes of the memory model (the mm fixture).
UNIT_TESTS += test_emul_gate
test_emul_gate_SRCS = tests/unit/test_emul_gate.c tests/unit/test_mm_fixture.c $(HV_CORE_SRCS) \
	hv/arch/x86_64/pv/emul_class.c $(wildcard hv/arch/x86_64/insn/*.c)
$(BUILD)/host/tests/unit/test_emul_gate.o: HOST_CFLAGS += -DFLASK_TEST_BLOB='"$(abspath $(BUILD)/policy/policy.blob)"'
$(BUILD)/host/tests/unit/test_emul_gate.o: | $(BUILD)/policy/policy.blob
