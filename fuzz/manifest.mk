FUZZERS += fuzz_manifest
fuzz_manifest_SRCS := fuzz/fuzz_manifest.c hv/common/manifest.c hv/common/manifest_opts.c \
	hv/common/manifest_lex.c hv/common/lib/strutil.c hv/common/lib/fmt.c
