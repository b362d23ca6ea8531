/*
 * The guest command line (start_info.cmd_line) as key=value words. The
 * hypervisor wrote that buffer; it is read only within its 1024 bytes, so a
 * missing NUL cannot run the parser off the end.
 */
#include "rt.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The command line's bounds: [*start, *start + return value). */
static size_t cmdline_bounds(const char **start)
{
	const char *s = (const char *)rt_start_info->cmd_line;

	*start = s;
	return strnlen(s, MAX_GUEST_CMDLINE);
}

/* Where the words that count begin: after a "--" word when there is one. */
static size_t words_start(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t w;

		while (i < len && is_space(s[i])) {
			i++;
		}
		w = i;
		while (i < len && !is_space(s[i])) {
			i++;
		}
		if (i - w == 2 && s[w] == '-' && s[w + 1] == '-') {
			return i;
		}
	}
	return 0;
}

bool cmdline_get(const char *key, char *buf, size_t size)
{
	const char *s;
	size_t len = cmdline_bounds(&s);
	size_t klen = strlen(key);
	size_t i = words_start(s, len);

	while (i < len) {
		size_t w, wlen;

		while (i < len && is_space(s[i])) {
			i++;
		}
		w = i;
		while (i < len && !is_space(s[i])) {
			i++;
		}
		wlen = i - w;
		if (wlen > klen && s[w + klen] == '=' && memcmp(s + w, key, klen) == 0) {
			size_t vlen = wlen - klen - 1;

			if (size) {
				if (vlen > size - 1) {
					vlen = size - 1;
				}
				memcpy(buf, s + w + klen + 1, vlen);
				buf[vlen] = '\0';
			}
			return true;
		}
	}
	return false;
}

uint64_t cmdline_get_u64(const char *key, uint64_t def)
{
	char v[24];
	uint64_t n = 0;
	unsigned int base = 10;
	const char *p = v;

	if (!cmdline_get(key, v, sizeof(v)) || !v[0]) {
		return def;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (; *p; p++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9') {
			d = *p - '0';
		} else if (base == 16 && *p >= 'a' && *p <= 'f') {
			d = *p - 'a' + 10;
		} else if (base == 16 && *p >= 'A' && *p <= 'F') {
			d = *p - 'A' + 10;
		} else {
			return def;
		}
		n = n * base + d;
	}
	return n;
}
