UNIT_TESTS += test_domain_build
test_domain_build_SRCS := tests/unit/test_domain_build.c hv/common/domain_build.c \
	hv/common/domain.c hv/common/pv_layout.c hv/common/elf.c hv/common/elf_notes.c \
	hv/common/p2m.c hv/common/frame.c hv/common/features.c hv/common/console.c \
	hv/common/sched.c hv/common/setup.c hv/common/manifest.c hv/common/manifest_lex.c \
	hv/common/manifest_opts.c xsm/xsm.c xsm/dummy.c hv/common/lib/fmt.c \
	hv/common/lib/strutil.c $(wildcard tests/fake_arch/*.c)
