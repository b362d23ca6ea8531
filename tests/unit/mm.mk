# The PV memory model (hv/common/mm_*.c): types and validation rules, the
# page-table hypercalls, writable page tables, descriptors and bootstrap
# adoption. Each links the whole core (core.mk) and the shared fixture.
UNIT_TESTS += test_mm_types test_mm_hypercalls test_mm_ptwr test_continuation
test_mm_types_SRCS = tests/unit/test_mm_types.c tests/unit/test_mm_fixture.c $(HV_CORE_SRCS)
test_mm_hypercalls_SRCS = tests/unit/test_mm_hypercalls.c tests/unit/test_mm_fixture.c \
	$(HV_CORE_SRCS)
test_mm_ptwr_SRCS = tests/unit/test_mm_ptwr.c tests/unit/test_mm_fixture.c $(HV_CORE_SRCS)
# Hypercall continuations: preempted batches and forged re-issues.
test_continuation_SRCS = tests/unit/test_continuation.c tests/unit/test_mm_fixture.c \
	$(HV_CORE_SRCS)
