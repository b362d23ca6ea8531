/*
 * The words of the boot manifest: splitting a command line into words and
 * key=value pairs, the syntax of sizes, domain names and security labels,
 * and the one error reporter. Portable, over hv/lib.h alone, built in both
 * worlds.
 *
 * It must never read a word past its length (words are not NUL-terminated)
 * nor let a byte from a command line reach err->key or err->msg unless it is
 * printable ASCII: those strings go to the console. The ACSL contracts
 * (bounds of every read and write) are proved by verify/wp.
 */
#include <hv/lib.h>
#include <hv/manifest.h>
#include <public/errno.h>

#include "manifest_priv.h"

/*@ requires \valid(pos) && \valid(t) && \separated(pos, t) && valid_read_string(*pos);
    assigns *pos, *t;
    ensures valid_read_string(*pos);
    ensures \base_addr(*pos) == \base_addr(\old(*pos));
    ensures 0 <= *pos - \old(*pos) <= mstrlen(\old(*pos));
    ensures t->p + t->len == *pos && \base_addr(t->p) == \base_addr(*pos);
    ensures 0 <= t->p - \old(*pos) && \valid_read(t->p + (0 .. t->len - 1));
    ensures \result <==> t->len > 0; */
bool mtok_next(const char **pos, struct mtok *t)
{
	const char *s = *pos;
	/*@ ghost size_t k = 0; */

	/*@ loop invariant s == \at(*pos, Pre) + k && 0 <= k <= mstrlen(\at(*pos, Pre));
	    loop assigns s, k;
	    loop variant mstrlen(\at(*pos, Pre)) - k; */
	while (*s == ' ' || *s == '\t') {
		s++;
		/*@ ghost k++; */
	}
	t->p = s;
	/*@ ghost size_t w = k; */
	/*@ loop invariant s == \at(*pos, Pre) + k && w <= k <= mstrlen(\at(*pos, Pre));
	    loop invariant t->p == \at(*pos, Pre) + w;
	    loop assigns s, k;
	    loop variant mstrlen(\at(*pos, Pre)) - k; */
	while (*s != '\0' && *s != ' ' && *s != '\t') {
		s++;
		/*@ ghost k++; */
	}
	t->len = (size_t)(s - t->p);
	*pos = s;
	return t->len > 0;
}

/*@ requires \valid_read(t.p + (0 .. t.len - 1)) && valid_read_string(s);
    assigns \nothing; */
bool mtok_eq(struct mtok t, const char *s)
{
	return strlen(s) == t.len && memcmp(t.p, s, t.len) == 0;
}

/*@ requires valid_read_string(s);
    assigns \nothing;
    ensures \result.p == s && \result.len == mstrlen(s);
    ensures \valid_read(\result.p + (0 .. \result.len - 1)); */
struct mtok mtok_lit(const char *s)
{
	return (struct mtok){ s, strlen(s) };
}

/*@ requires \valid_read(t.p + (0 .. t.len - 1));
    requires \valid(key) && \valid(val) && \separated(key, val);
    assigns *key, *val;
    ensures key->p == t.p && key->len <= t.len && \valid_read(key->p + (0 .. key->len - 1));
    ensures val->p + val->len == t.p + t.len && val->len <= t.len;
    ensures \valid_read(val->p + (0 .. val->len - 1));
    ensures \result ==> key->len + 1 + val->len == t.len;
    ensures !\result ==> key->len == t.len && val->len == 0; */
bool mtok_split(struct mtok t, struct mtok *key, struct mtok *val)
{
	/*@ loop invariant 0 <= i <= t.len;
	    loop assigns i;
	    loop variant t.len - i; */
	for (size_t i = 0; i < t.len; i++) {
		if (t.p[i] == '=') {
			key->p = t.p;
			key->len = i;
			val->p = t.p + i + 1;
			val->len = t.len - i - 1;
			return true;
		}
	}
	key->p = t.p;
	key->len = t.len;
	val->p = t.p + t.len;
	val->len = 0;
	return false;
}

/*
 * Copy a word for a message or for err->key: at most size-1 bytes, each byte
 * that is not printable ASCII replaced by '?' so that a hostile command line
 * cannot send escape sequences to the console, and "..." when cut.
 */
/*@ requires size >= 1 && \valid(dst + (0 .. size - 1));
    requires \valid_read(t.p + (0 .. t.len - 1));
    requires \separated(dst + (0 .. size - 1), t.p + (0 .. t.len - 1));
    assigns dst[0 .. size - 1];
    ensures printable: \exists integer n; 0 <= n < size && dst[n] == 0 &&
      \forall integer k; 0 <= k < n ==> 0x20 <= dst[k] < 0x7f; */
static void copy_printable(char *dst, size_t size, struct mtok t, bool ellipsis)
{
	size_t n = MIN(t.len, size - 1);

	/*@ loop invariant 0 <= i <= n;
	    loop invariant \forall integer k; 0 <= k < i ==> 0x20 <= dst[k] < 0x7f;
	    loop assigns i, dst[0 .. n - 1];
	    loop variant n - i; */
	for (size_t i = 0; i < n; i++) {
		char c = t.p[i];

		dst[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	dst[n] = '\0';
	/*@ assert dst[n] == 0 && \forall integer k; 0 <= k < n ==> 0x20 <= dst[k] < 0x7f; */
	if (ellipsis && n < t.len && n >= 3) {
		dst[n - 3] = dst[n - 2] = dst[n - 1] = '.';
	}
	/*@ assert dst[n] == 0 && \forall integer k; 0 <= k < n ==> 0x20 <= dst[k] < 0x7f; */
}

/*@ requires \valid(q + (0 .. MTOK_QUOTE_MAX - 1)) && \valid_read(t.p + (0 .. t.len - 1));
    requires \separated(q + (0 .. MTOK_QUOTE_MAX - 1), t.p + (0 .. t.len - 1));
    assigns q[0 .. MTOK_QUOTE_MAX - 1];
    ensures \result == q; */
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

/*@ assigns \nothing;
    ensures \result ==> c != 0; */
static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/*@ assigns \nothing;
    ensures \result ==> c != 0; */
static bool is_hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A decimal or 0x-hex number, then at most one of K, M, G (either case). */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(bytes);
    assigns *bytes; */
enum manifest_size_status manifest_size_parse(const char *s, size_t len, uint64_t *bytes)
{
	unsigned int shift = 0;
	size_t n = 0;
	uint64_t v;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && is_hex_digit(s[2])) {
		n = 2;
		/*@ loop invariant 2 <= n <= len;
		    loop assigns n;
		    loop variant len - n; */
		while (n < len && is_hex_digit(s[n])) {
			n++;
		}
	} else {
		/*@ loop invariant 0 <= n <= len;
		    loop assigns n;
		    loop variant len - n; */
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
	/*@ assert no_wrap: v * (1 << shift) <= UINT64_MAX; */
	*bytes = v << shift;
	return MSIZE_OK;
}

/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(bytes);
    assigns *bytes; */
bool manifest_parse_size(const char *s, size_t len, uint64_t *bytes)
{
	return manifest_size_parse(s, len, bytes) == MSIZE_OK;
}

/*@ requires \valid_read(v.p + (0 .. v.len - 1));
    assigns \nothing;
    ensures \result ==> 1 <= v.len < MANIFEST_NAME_MAX;
    ensures \result ==> \forall integer k; 0 <= k < v.len ==> v.p[k] != 0; */
bool manifest_name_ok(struct mtok v)
{
	if (v.len == 0 || v.len >= MANIFEST_NAME_MAX) {
		return false;
	}
	/*@ loop invariant 0 <= i <= v.len;
	    loop invariant \forall integer k; 0 <= k < i ==> v.p[k] != 0;
	    loop assigns i;
	    loop variant v.len - i; */
	for (size_t i = 0; i < v.len; i++) {
		if (!is_name_char(v.p[i])) {
			return false;
		}
	}
	return true;
}

/* user:role:type, then optionally ":" and an MLS range such as s0-s0:c0.c5. */
/*@ requires \valid_read(v.p + (0 .. v.len - 1));
    assigns \nothing;
    ensures \result ==> v.len < MANIFEST_LABEL_MAX; */
bool manifest_label_ok(struct mtok v)
{
	size_t i = 0;

	if (v.len >= MANIFEST_LABEL_MAX) {
		return false;
	}
	/*@ loop invariant 0 <= field <= 3 && 0 <= i <= v.len;
	    loop assigns field, i;
	    loop variant 3 - field; */
	for (int field = 0; field < 3; field++) {
		size_t start = i;

		/*@ loop invariant start <= i <= v.len;
		    loop assigns i;
		    loop variant v.len - i; */
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
	/*@ loop invariant 0 <= i <= v.len;
	    loop assigns i;
	    loop variant v.len - i; */
	for (i++; i < v.len; i++) {
		if (!is_name_char(v.p[i]) && v.p[i] != ',' && v.p[i] != ':') {
			return false;
		}
	}
	return true;
}
