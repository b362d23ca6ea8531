/*
 * printk and guest console output. Output goes to the arch console whole
 * lines at a time. Guest text is sanitised: only printable ASCII and tab
 * pass, so a guest cannot print escape sequences or fake a "(moat)" line
 * (its lines always carry its own prefix).
 */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/lib.h>

static int console_level = LOG_INFO;
static bool console_enabled = true;

void console_set_level(int lvl)
{
	console_level = lvl;
}

void console_set_enabled(bool on)
{
	console_enabled = on;
}

static void console_emit(const char *s, size_t len)
{
	if (console_enabled) {
		arch_console_write(s, len);
	}
}

void vprintk(enum log_level lvl, const char *fmt, va_list ap)
{
	static const char *const tags[] = { "ERROR: ", "WARNING: ", "", "" };
	char line[256];
	int n;

	if ((int)lvl > console_level) {
		return;
	}
	n = fmt_snprintf(line, sizeof(line), "(moat) %s", tags[lvl & 3]);
	n += fmt_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if ((size_t)n >= sizeof(line) - 1) {
		n = sizeof(line) - 2;
	}
	line[n++] = '\n';
	console_emit(line, (size_t)n);
}

void printk(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(lvl, fmt, ap);
	va_end(ap);
}

void console_sanitize(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	if (size == 0) {
		return;
	}
	for (; src[n] != '\0' && n + 1 < size; n++) {
		char c = src[n];

		dst[n] = (c < 0x20 || c > 0x7e) ? '?' : c;
	}
	dst[n] = '\0';
}

static void guest_line_out(struct domain *d)
{
	char line[DOM_CONSOLE_LINE + MANIFEST_NAME_MAX + 8];
	int n = fmt_snprintf(line, sizeof(line), "(%s) %.*s\n", d->name, (int)d->cons_len,
			     d->cons_line);

	console_emit(line, (size_t)MIN((size_t)n, sizeof(line) - 1));
	d->cons_len = 0;
}

void console_guest_write(struct domain *d, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\n') {
			guest_line_out(d);
			continue;
		}
		if (c == '\r') {
			continue;
		}
		if ((c < 0x20 || c > 0x7e) && c != '\t') {
			c = '?';
		}
		if (d->cons_len == sizeof(d->cons_line)) {
			guest_line_out(d);
		}
		d->cons_line[d->cons_len++] = c;
	}
}

void console_guest_flush(struct domain *d)
{
	if (d->cons_len > 0) {
		guest_line_out(d);
	}
}
