/*
 * What the parts of the boot-manifest parser share: the word splitter, the
 * value syntax, the error reporter and the hypervisor-option parser. Private to
 * hv/common/manifest*.c; everything else goes through hv/manifest.h and must
 * never include this file.
 */
#ifndef HV_COMMON_MANIFEST_PRIV_H
#define HV_COMMON_MANIFEST_PRIV_H

#include <hv/lib.h>
#include <hv/manifest.h>

/* A word of a command line, or part of one: not NUL-terminated. */
struct mtok {
	const char *p;
	size_t len;
};

/* Room for one quoted word in a message; longer words are cut with "...". */
#define MTOK_QUOTE_MAX 40

/* Find the next space- or tab-separated word at or after *pos and move *pos
 * past it. False, with *pos at the NUL, when none is left. */
bool mtok_next(const char **pos, struct mtok *t);

/* Whether t is exactly the NUL-terminated string s. */
bool mtok_eq(struct mtok t, const char *s);

/* A NUL-terminated string as a word. */
struct mtok mtok_lit(const char *s);

/* Split "key=value" at the first '='. Returns false, with *key the whole
 * word and *val empty, when there is no '='. */
bool mtok_split(struct mtok t, struct mtok *key, struct mtok *val);

/* t as a printable NUL-terminated string in q, for a message. Returns q. */
const char *mtok_quote(char q[MTOK_QUOTE_MAX], struct mtok t);

/* Fill *err (key made printable and cut to fit) and return -XEN_EINVAL. */
int manifest_fail(struct manifest_error *err, int module, struct mtok key,
		  const char *fmt, ...) __printf(4, 5);

enum manifest_size_status {
	MSIZE_OK,
	MSIZE_NOT_NUMBER,	/* no digits where the number should be */
	MSIZE_BAD_SUFFIX,	/* anything but one K, M or G after the number */
	MSIZE_ZERO,
	MSIZE_TOO_BIG,		/* does not fit in 64 bits */
};

/* manifest_parse_size(), saying why a size is refused. */
enum manifest_size_status manifest_size_parse(const char *s, size_t len, uint64_t *bytes);

/* 1 to MANIFEST_NAME_MAX-1 characters of [A-Za-z0-9_.-]. */
bool manifest_name_ok(struct mtok v);

/* A security context user:role:type[:range] that fits MANIFEST_LABEL_MAX. */
bool manifest_label_ok(struct mtok v);

/* Parse the hypervisor command line, image path included, into *o (which
 * the caller has zeroed). Errors name module -1. */
int manifest_parse_options(struct manifest_options *o, const char *cmdline,
			   struct manifest_error *err);

#endif
