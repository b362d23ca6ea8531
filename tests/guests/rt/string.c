/*
 * String and memory helpers of the test-guest runtime. The compiler may emit
 * calls to memcpy/memset itself, so these must not call anything.
 */
#include "rt.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--) {
		*d++ = *s++;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--) {
		*d++ = (uint8_t)c;
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y) {
			return *x < *y ? -1 : 1;
		}
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n]) {
		n++;
	}
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n]) {
		n++;
	}
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b) {
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		}
		if (!*a) {
			break;
		}
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

/* Find needle in the first hay_len bytes of hay (which need not be NUL-ended
 * within that bound); NULL when absent. */
const char *strstr_n(const char *hay, size_t hay_len, const char *needle)
{
	size_t n = strlen(needle);
	size_t i;

	if (n == 0) {
		return hay;
	}
	for (i = 0; i + n <= hay_len; i++) {
		if (memcmp(hay + i, needle, n) == 0) {
			return hay + i;
		}
	}
	return NULL;
}
