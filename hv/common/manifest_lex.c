/*
 * The words of the boot manifest: splitting a command line into words and
 * key=value pairs, the syntax of sizes, domain names and security labels,
 * and the one error reporter. Portable, over hv/lib.h alone, built in both
 * worlds.
 *
 * It must never read a word past its length (words are not NUL-terminated)
 * nor let a byte from a command line reach err->key or err->msg unless it is
 * printable ASCII: those strings go to the console.
 */
#include <hv/lib.h>
#include <hv/manifest.h>
#include <public/errno.h>

#include "manifest_priv.h"

bool mtok_next(const char **pos, struct mtok *t)
{
	const char *s = *pos;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	t->p = s;
	while (*s != '\0' && *s != ' ' && *s != '\t') {
		s++;
	}
	t->len = (size_t)(s - t->p);
	*pos = s;
	return t->len > 0;
}

bool mtok_eq(struct mtok t, const char *s)
{
	return strlen(s) == t.len && memcmp(t.p, s, t.len) == 0;
}

struct mtok mtok_lit(const char *s)
{
	return (struct mtok){ s, strlen(s) };
}

bool mtok_split(struct mtok t, struct mtok *key, struct mtok *val)
{
	for (size_t i = 0; i < t.len; i++) {
		if (t.p[i] == '=') {
			*key = (struct mtok){ t.p, i };
			*val = (struct mtok){ t.p + i + 1, t.len - i - 1 };
			return true;
		}
	}
	*key = t;
	*val = (struct mtok){ t.p + t.len, 0 };
	return false;
}

/*
 * Copy a word for a message or for err->key: at most size-1 bytes, each byte
 * that is not printable ASCII replaced by '?' so that a hostile command line
 * cannot send escape sequences to the console, and "..." when cut.
 */
static void copy_printable(char *dst, size_t size, struct mtok t, bool ellipsis)
{
	size_t n = MIN(t.len, size - 1);

	for (size_t i = 0; i < n; i++) {
		char c = t.p[i];

		dst[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	dst[n] = '\0';
	if (ellipsis && n < t.len && n >= 3) {
		memcpy(dst + n - 3, "...", 3);
	}
}

const char *mtok_quote(char q[MTOK_QUOTE_MAX], struct mtok t)
{
	copy_printable(q, MTOK_QUOTE_MAX, t, true);
	return q;
}

int manifest_fail(struct manifest_error *err, int module, struct mtok key,
		  const char *fmt, ...)
{
	va_list ap;

	err->module = module;
	copy_printable(err->key, sizeof(err->key), key, false);
	va_start(ap, fmt);
	fmt_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -XEN_EINVAL;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static bool is_hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A decimal or 0x-hex number, then at most one of K, M, G (either case). */
enum manifest_size_status manifest_size_parse(const char *s, size_t len, uint64_t *bytes)
{
	unsigned int shift = 0;
	size_t n = 0;
	uint64_t v;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && is_hex_digit(s[2])) {
		n = 2;
		while (n < len && is_hex_digit(s[n])) {
			n++;
		}
	} else {
		while (n < len && s[n] >= '0' && s[n] <= '9') {
			n++;
		}
	}
	if (n == 0) {
		return MSIZE_NOT_NUMBER;
	}
	if (n < len) {
		if (n + 1 != len) {
			return MSIZE_BAD_SUFFIX;
		}
		switch (s[n]) {
		case 'K':
		case 'k':
			shift = 10;
			break;
		case 'M':
		case 'm':
			shift = 20;
			break;
		case 'G':
		case 'g':
			shift = 30;
			break;
		default:
			return MSIZE_BAD_SUFFIX;
		}
	}
	/* The digits are well formed, so str_to_u64 can only fail on overflow. */
	if (!str_to_u64(s, n, &v)) {
		return MSIZE_TOO_BIG;
	}
	if (v == 0) {
		return MSIZE_ZERO;
	}
	if (v > (UINT64_MAX >> shift)) {
		return MSIZE_TOO_BIG;
	}
	*bytes = v << shift;
	return MSIZE_OK;
}

bool manifest_parse_size(const char *s, size_t len, uint64_t *bytes)
{
	return manifest_size_parse(s, len, bytes) == MSIZE_OK;
}

bool manifest_name_ok(struct mtok v)
{
	if (v.len == 0 || v.len >= MANIFEST_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < v.len; i++) {
		if (!is_name_char(v.p[i])) {
			return false;
		}
	}
	return true;
}

/* user:role:type, then optionally ":" and an MLS range such as s0-s0:c0.c5. */
bool manifest_label_ok(struct mtok v)
{
	size_t i = 0;

	if (v.len >= MANIFEST_LABEL_MAX) {
		return false;
	}
	for (int field = 0; field < 3; field++) {
		size_t start = i;

		while (i < v.len && is_name_char(v.p[i])) {
			i++;
		}
		if (i == start) {
			return false;
		}
		if (field < 2) {
			if (i == v.len || v.p[i] != ':') {
				return false;
			}
			i++;
		}
	}
	if (i == v.len) {
		return true;
	}
	if (v.p[i] != ':' || i + 1 == v.len) {
		return false;
	}
	for (i++; i < v.len; i++) {
		if (!is_name_char(v.p[i]) && v.p[i] != ',' && v.p[i] != ':') {
			return false;
		}
	}
	return true;
}
