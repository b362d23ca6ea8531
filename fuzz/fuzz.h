/*
 * What every fuzz harness shares: libFuzzer's entry point (also what the
 * AFL++ driver calls) and check(), which stops on a broken invariant with a
 * trap both fuzzers report as a crash, sanitizers or not.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)                        \
	do {                               \
		if (!(cond)) {             \
			__builtin_trap();  \
		}                          \
	} while (0)

#endif
