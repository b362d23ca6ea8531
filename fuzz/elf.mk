FUZZERS += fuzz_elf
fuzz_elf_SRCS := fuzz/fuzz_elf.c hv/common/elf.c hv/common/elf_notes.c hv/common/lib/fmt.c hv/common/lib/strutil.c
