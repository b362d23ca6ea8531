/*
 * The fuzz input read as a stream of bytes and small integers, for harnesses
 * that draw their operations and arguments byte by byte. Past the end every
 * read gives 0, so a short input is still a whole program; it never reads
 * outside the buffer libFuzzer passed.
 */
#ifndef FUZZ_FUZZ_INPUT_H
#define FUZZ_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* Plain static functions, not inline: a copy of the end-of-input branch
 * inlined at every call would add coverage edges that say nothing about the
 * code under test. Not every harness calls all four: hence "unused". */
#define input_reader __attribute__((unused))

struct input {
	const uint8_t *p;
	size_t left;
};

static input_reader uint8_t u8(struct input *in)
{
	if (in->left == 0) {
		return 0;
	}
	in->left--;
	return *in->p++;
}

static input_reader uint16_t u16(struct input *in)
{
	return (uint16_t)(u8(in) | (u8(in) << 8));
}

static input_reader uint32_t u32(struct input *in)
{
	return (uint32_t)u16(in) | ((uint32_t)u16(in) << 16);
}

static input_reader uint64_t u64(struct input *in)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8; i++) {
		v |= (uint64_t)u8(in) << (8 * i);
	}
	return v;
}

#endif
