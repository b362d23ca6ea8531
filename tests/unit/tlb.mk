# Frames given back and the TLB-flush clock (hv/common/tlb_clock.c,
# frame.c), against the fake TLB (tests/fake_arch/tlb.c).
UNIT_TESTS += test_tlb
test_tlb_SRCS = tests/unit/test_tlb.c tests/unit/test_mm_fixture.c $(HV_CORE_SRCS)
