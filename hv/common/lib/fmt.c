/*
 * A small printf-style formatter for the console and for building strings.
 * Portable and bounded: it never writes past size bytes and never reads a
 * %s argument past its precision.
 */
#include <hv/lib.h>

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void out_pad(struct fmt_out *o, char c, int count)
{
	while (count-- > 0) {
		out_char(o, c);
	}
}

static void out_number(struct fmt_out *o, uint64_t v, unsigned int base, bool upper,
		       bool negative, int width, bool left, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	int len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	len = n + (negative ? 1 : 0);
	if (!left && !zero) {
		out_pad(o, ' ', width - len);
	}
	if (negative) {
		out_char(o, '-');
	}
	if (!left && zero) {
		out_pad(o, '0', width - len);
	}
	while (n > 0) {
		out_char(o, tmp[--n]);
	}
	if (left) {
		out_pad(o, ' ', width - len);
	}
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size, 0 };

	for (; *fmt != '\0'; fmt++) {
		bool left = false, zero = false;
		int width = 0, prec = -1, lng = 0;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-') {
				left = true;
			} else if (*fmt == '0') {
				zero = true;
			} else {
				break;
			}
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9') {
				prec = prec * 10 + (*fmt++ - '0');
			}
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng = *fmt == 'z' ? 2 : lng + 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

			out_number(&o, mag, 10, false, v < 0, width, left, zero);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);

			out_number(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width,
				   left, zero);
			break;
		}
		case 'p': {
			uint64_t v = (uint64_t)(uintptr_t)va_arg(ap, void *);

			out_char(&o, '0');
			out_char(&o, 'x');
			out_number(&o, v, 16, false, false, 16, false, true);
			break;
		}
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;

			if (s == NULL) {
				s = "(null)";
			}
			len = (int)(prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s));
			if (!left) {
				out_pad(&o, ' ', width - len);
			}
			for (int i = 0; i < len; i++) {
				out_char(&o, s[i]);
			}
			if (left) {
				out_pad(&o, ' ', width - len);
			}
			break;
		}
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
	}
	if (size > 0) {
		o.buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
