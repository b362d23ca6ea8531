/*
 * Console output of the test guests over console_io write. Text is collected
 * into a line buffer and each complete line leaves in one hypercall, so the
 * hypervisor sees whole lines and lines of different domains never interleave
 * mid-line. A guest with no console right simply prints nothing.
 */
#include "rt.h"

#define LINE_MAX 256

static char line[LINE_MAX];
static size_t line_len;

void rt_flush(void)
{
	if (line_len) {
		hyp_console_io(CONSOLEIO_write, line_len, line);
		line_len = 0;
	}
}

static void put_char(char c)
{
	line[line_len++] = c;
	if (c == '\n' || line_len == LINE_MAX) {
		rt_flush();
	}
}

void rt_vprintf(const char *fmt, va_list ap)
{
	char tmp[512];
	int n = rt_vsnprintf(tmp, sizeof(tmp), fmt, ap);

	if (n > (int)sizeof(tmp) - 1) {
		n = sizeof(tmp) - 1;
	}
	for (int i = 0; i < n; i++) {
		put_char(tmp[i]);
	}
}

void rt_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_vprintf(fmt, ap);
	va_end(ap);
}
