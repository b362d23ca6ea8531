UNIT_TESTS += test_lib
test_lib_SRCS := tests/unit/test_lib.c hv/common/lib/fmt.c hv/common/lib/strutil.c
