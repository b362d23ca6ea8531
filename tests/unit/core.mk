# The whole portable core plus the fake arch, for tests that need domains,
# hypercalls or the scheduler: linking everything keeps the link lists from
# drifting as the core grows (recursive '=' so order of inclusion is free).
HV_CORE_SRCS = $(wildcard hv/common/*.c) $(wildcard xsm/*.c) $(wildcard attest/*.c) hv/common/lib/fmt.c \
	hv/common/lib/strutil.c $(wildcard tests/fake_arch/*.c)
