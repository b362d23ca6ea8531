# The x86-64 instruction decoder: pure C, so it runs hosted on its own
# sources with no fake arch. Its header is included by path from the
# repository root (-I.), so no arch include directory joins HOST_CFLAGS,
# where <arch/...> must keep meaning the fake arch.
UNIT_TESTS += test_insn
test_insn_SRCS := tests/unit/test_insn.c $(wildcard hv/arch/x86_64/insn/*.c)
