/*
 * The test guests' own small printf formatter: bounded, no floating point,
 * no allocation. Supports %d %i %u %x %X %p %s %c %%, the '-' and '0' flags,
 * a width, a precision for %s and the length modifiers l, ll and z.
 */
#include "rt.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void pad(struct out *o, char c, int count)
{
	while (count-- > 0) {
		put(o, c);
	}
}

/* Print an unsigned magnitude with an optional minus sign, padded to width. */
static void put_num(struct out *o, uint64_t v, unsigned int base, bool upper,
		    bool neg, int width, bool left, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	int len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + (neg ? 1 : 0);
	if (!left && !zero) {
		pad(o, ' ', width - len);
	}
	if (neg) {
		put(o, '-');
	}
	if (!left && zero) {
		pad(o, '0', width - len);
	}
	while (n) {
		put(o, tmp[--n]);
	}
	if (left) {
		pad(o, ' ', width - len);
	}
}

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false, zero = false;
		int width = 0, prec = -1, lng = 0;
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			put(&o, *fmt);
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
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			while (*fmt >= '0' && *fmt <= '9') {
				prec = prec * 10 + (*fmt++ - '0');
			}
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			u = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
			put_num(&o, u, 10, false, s < 0, width, left, zero);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
			put_num(&o, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', false,
				width, left, zero);
			break;
		case 'p':
			u = (uint64_t)(uintptr_t)va_arg(ap, void *);
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, u, 16, false, false, width, left, zero);
			break;
		case 'c':
			pad(&o, ' ', left ? 0 : width - 1);
			put(&o, (char)va_arg(ap, int));
			pad(&o, ' ', left ? width - 1 : 0);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			int n;

			if (!str) {
				str = "(null)";
			}
			n = (int)strnlen(str, prec < 0 ? (size_t)-1 : (size_t)prec);
			pad(&o, ' ', left ? 0 : width - n);
			for (int i = 0; i < n; i++) {
				put(&o, str[i]);
			}
			pad(&o, ' ', left ? width - n : 0);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print it and stop. */
			put(&o, '%');
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size) {
		buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return (int)o.len;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
