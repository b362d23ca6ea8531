/*
 * String helpers shared by the portable parsers. Portable: builds in both
 * worlds, depends on nothing but the string functions.
 */
#include <hv/lib.h>

size_t str_lcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

bool str_to_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int base = 10;
	size_t i = 0;

	if (len == 0) {
		return false;
	}
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < len; i++) {
		unsigned int d;
		char c = s[i];

		if (c >= '0' && c <= '9') {
			d = (unsigned int)(c - '0');
		} else if (base == 16 && c >= 'a' && c <= 'f') {
			d = (unsigned int)(c - 'a' + 10);
		} else if (base == 16 && c >= 'A' && c <= 'F') {
			d = (unsigned int)(c - 'A' + 10);
		} else {
			return false;
		}
		if (v > (UINT64_MAX - d) / base) {
			return false;
		}
		v = v * base + d;
	}
	*out = v;
	return true;
}

void str_hex(char *out, const void *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = in;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}
