# The x86-64 instruction decoder on arbitrary bytes (fuzz/fuzz_insn.c). The
# header is included by path from the repository root, like the unit test.
FUZZERS += fuzz_insn
fuzz_insn_SRCS := fuzz/fuzz_insn.c $(wildcard hv/arch/x86_64/insn/*.c)
