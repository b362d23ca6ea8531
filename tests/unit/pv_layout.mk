UNIT_TESTS += test_pv_layout
test_pv_layout_SRCS := tests/unit/test_pv_layout.c hv/common/pv_layout.c hv/common/lib/fmt.c \
	hv/common/lib/strutil.c
