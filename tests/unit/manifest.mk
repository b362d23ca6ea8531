UNIT_TESTS += test_manifest
test_manifest_SRCS := tests/unit/test_manifest.c hv/common/manifest.c hv/common/manifest_opts.c \
	hv/common/manifest_lex.c hv/common/lib/fmt.c hv/common/lib/strutil.c
