UNIT_TESTS += test_domain_build
test_domain_build_SRCS = tests/unit/test_domain_build.c $(HV_CORE_SRCS)
