/*
 * What every fuzz harness shares: libFuzzer's entry point (also what the
 * AFL++ driver calls) and check(), which stops on a broken invariant with a
 * trap both fuzzers report as a crash, sanitizers or not, and the marks
 * that keep the harness's own checking code out of coverage feedback.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant names itself before the trap, so a crash report says
 * which check failed (the traps of one function are merged otherwise). */
#define check(cond)                                                             \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                               \
			__builtin_trap();                                       \
		}                                                               \
	} while (0)

/* The whole of a file the build made for the harness (the default policy
 * blob, FLASK_FUZZ_BLOB), into buf; its length. Stops if it is missing. */
static inline size_t fuzz_read_file(const char *path, uint8_t *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t len;

	check(f != NULL);
	len = fread(buf, 1, size, f);
	fclose(f);
	return len;
}

/* Checks are the harness's, not code under test: no coverage feedback
 * from their loops (it would only slow the fuzzer down), ASan stays on. */
#if defined(__clang__)
#define harness_only __attribute__((no_sanitize("coverage"), noinline))
#define harness_inline __attribute__((no_sanitize("coverage"))) inline
#else
#define harness_only __attribute__((noinline))
#define harness_inline inline
#endif

#endif
