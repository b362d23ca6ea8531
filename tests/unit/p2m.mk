UNIT_TESTS += test_p2m
test_p2m_SRCS := tests/unit/test_p2m.c hv/common/p2m.c hv/common/frame.c hv/common/tlb_clock.c hv/common/lib/fmt.c \
	hv/common/lib/strutil.c $(wildcard tests/fake_arch/*.c)
