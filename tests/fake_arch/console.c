/*
 * The fake console: output is captured in a buffer a test can read and
 * reset (and optionally echoed to stderr); input comes from a buffer the
 * test injects. Output beyond the buffer is dropped, never overflowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <fake_arch.h>
#include <hv/arch.h>
#include <hv/lib.h>

#include "fake_internal.h"

#define OUT_MAX (256 * 1024)
#define IN_MAX  4096

static char out[OUT_MAX + 1];
static size_t out_len;
static char in[IN_MAX];
static size_t in_len, in_pos;
static int echo = -1;	/* -1: not decided yet, ask the environment */

void arch_console_write(const char *s, size_t len)
{
	size_t n = MIN(len, OUT_MAX - out_len);

	if (echo < 0) {
		echo = getenv("MOAT_FAKE_CONSOLE") != NULL;
	}
	if (echo) {
		fwrite(s, 1, len, stderr);
	}
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = '\0';
}

size_t arch_console_read(char *buf, size_t len)
{
	size_t n = MIN(len, in_len - in_pos);

	memcpy(buf, in + in_pos, n);
	in_pos += n;
	return n;
}

const char *fake_console_output(void)
{
	return out;
}

size_t fake_console_len(void)
{
	return out_len;
}

void fake_console_reset(void)
{
	out_len = 0;
	out[0] = '\0';
}

void fake_console_set_input(const char *buf, size_t len)
{
	if (len > IN_MAX) {
		fake_fatal("fake console: %zu bytes of input, at most %d", len, IN_MAX);
	}
	memcpy(in, buf, len);
	in_len = len;
	in_pos = 0;
}

size_t fake_console_input_left(void)
{
	return in_len - in_pos;
}

void fake_console_echo(bool on)
{
	echo = on;
}

void fake_console_records_reset(void)
{
	fake_console_reset();
	in_len = 0;
	in_pos = 0;
}
