UNIT_TESTS += test_elf
test_elf_SRCS := tests/unit/test_elf.c hv/common/elf.c hv/common/elf_notes.c hv/common/lib/fmt.c hv/common/lib/strutil.c
