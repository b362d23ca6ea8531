UNIT_TESTS += test_frame
test_frame_SRCS := tests/unit/test_frame.c hv/common/frame.c hv/common/tlb_clock.c hv/common/lib/fmt.c \
	hv/common/lib/strutil.c $(wildcard tests/fake_arch/*.c)
