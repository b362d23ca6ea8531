/*
 * Fuzz harness for the policy loader, the security server's lookups and the
 * AVC (xsm/policy_load.c, policy_lookup.c, avc.c).
 *
 * Input: if the first byte is FIX_MARKER, the rest is a blob whose
 * body_size and SHA-256 the harness fixes before loading, so mutations get
 * past the hash check and reach the section and content checks; otherwise
 * the bytes are loaded as they are. The blob gets an exact-size heap copy so
 * ASan catches any read past its end.
 *
 * On success it checks what the loader promises (tables inside the blob,
 * AVTAB values in range, names NUL-terminated inside STRTAB) and that lookups
 * are deterministic, grant only defined perms and agree with the AVC, and
 * that type transitions name a type of the policy, with the booleans at
 * their defaults and flipped. On failure: -XEN_EINVAL and a
 * printable message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <attest/sha.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/policy.h>

#include "fuzz.h"

#define FIX_MARKER 0xfe


static struct policy pol;
static struct avc avc;

static bool inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t len)
{
	return n == 0 || (p >= buf && p <= buf + len && n <= (size_t)(buf + len - p));
}

static void check_name(const char *s)
{
	const uint8_t *st = pol.strtab;

	check(s != NULL);
	check((const uint8_t *)s >= st && (const uint8_t *)s < st + pol.strtab_size);
	check(memchr(s, '\0', pol.strtab_size - (size_t)((const uint8_t *)s - st)) != NULL);
}

static uint32_t class_mask(uint16_t tclass)
{
	struct policy_blob_class c;

	if (tclass == 0 || tclass > pol.class_count) {
		return 0;
	}
	memcpy(&c, pol.classes + (size_t)(tclass - 1) * sizeof(c), sizeof(c));
	return c.perm_count >= 32 ? ~0U : (1U << c.perm_count) - 1;
}

/* Random-ish triples from the input, around the valid range. */
static void check_decisions(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 6 <= size && i < 6 * 64; i += 6) {
		uint16_t s = (uint16_t)(data[i] % (pol.type_count + 2));
		uint16_t t = (uint16_t)(data[i + 1] % (pol.type_count + 2));
		uint16_t c = (uint16_t)(data[i + 2] % (pol.class_count + 2));
		uint32_t req = (uint32_t)data[i + 3] << 8 | data[i + 4];
		struct av_decision a, b, ad;
		uint16_t n;
		int rc;

		if (data[i + 5] & 1) {
			s = (uint16_t)(data[i] << 8 | data[i + 1]);
		}
		policy_compute_av(&pol, s, t, c, &a);
		policy_compute_av(&pol, s, t, c, &b);
		check(memcmp(&a, &b, sizeof(a)) == 0);
		check((a.allowed & ~class_mask(c)) == 0);
		check((a.auditallow & ~class_mask(c)) == 0);
		rc = avc_has_perm(&avc, &pol, s, t, c, req, &ad);
		check(memcmp(&a, &ad, sizeof(a)) == 0);
		check(rc == ((req & ~a.allowed) ? -XEN_EACCES : 0));
		n = policy_compute_create(&pol, s, t, c);
		check(n == policy_compute_create(&pol, s, t, c));
		check(n <= pol.type_count);
	}
}

static void check_policy(const uint8_t *buf, size_t len, const uint8_t *data, size_t size)
{
	char ctxbuf[64];

	check(inside(pol.strtab, pol.strtab_size, buf, len));
	check(pol.strtab_size > 0 && pol.strtab[pol.strtab_size - 1] == '\0');
	check(inside(pol.types, (size_t)pol.type_count * 4, buf, len));
	check(inside(pol.classes, (size_t)pol.class_count * 16, buf, len));
	check(inside(pol.perms, (size_t)pol.perm_count * 4, buf, len));
	check(inside(pol.avtab, (size_t)pol.av_count * 16, buf, len));
	check(inside(pol.bools, (size_t)pol.bool_count * 8, buf, len));
	check(inside(pol.users, (size_t)pol.user_count * 4, buf, len));
	check(inside(pol.roles, (size_t)pol.role_count * 4, buf, len));
	check(inside(pol.isids, (size_t)pol.isid_count * 12, buf, len));
	check(inside(pol.trans, (size_t)pol.trans_count * 16, buf, len));
	check((pol.trans == NULL) == (pol.trans_count == 0));
	check(pol.bool_count <= POLICY_MAX_BOOLS);

	for (uint32_t i = 0; i < pol.av_count; i++) {
		struct policy_blob_av a;

		memcpy(&a, pol.avtab + (size_t)i * sizeof(a), sizeof(a));
		check(a.source >= 1 && a.source <= pol.type_count);
		check(a.target >= 1 && a.target <= pol.type_count);
		check(a.tclass >= 1 && a.tclass <= pol.class_count);
		check(a.kind == POLICY_AV_ALLOWED || a.kind == POLICY_AV_AUDITALLOW ||
		      a.kind == POLICY_AV_DONTAUDIT);
	}
	for (uint32_t i = 0; i < pol.trans_count; i++) {
		struct policy_blob_trans t;
		uint16_t n;

		memcpy(&t, pol.trans + (size_t)i * sizeof(t), sizeof(t));
		check(t.source >= 1 && t.source <= pol.type_count);
		check(t.target >= 1 && t.target <= pol.type_count);
		check(t.tclass >= 1 && t.tclass <= pol.class_count);
		check(t.new_type >= 1 && t.new_type <= pol.type_count);
		/* An unconditional rule is what compute_create returns. */
		n = policy_compute_create(&pol, t.source, t.target, t.tclass);
		check(t.cond != 0 || n == t.new_type);
	}
	for (uint32_t v = 1; v <= pol.type_count && v <= 256; v++) {
		const char *n = policy_type_name(&pol, v);
		int w;

		check_name(n);
		w = policy_type_value(&pol, n, strlen(n));
		check(w >= 1 && (uint32_t)w <= v);
		check(strcmp(policy_type_name(&pol, (uint32_t)w), n) == 0);
	}
	for (uint32_t v = 1; v <= pol.class_count && v <= 256; v++) {
		check_name(policy_class_name(&pol, v));
	}
	for (uint32_t i = 0; i < pol.bool_count; i++) {
		check_name(policy_bool_name(&pol, i));
	}
	for (uint32_t i = 0; i < pol.isid_count; i++) {
		struct context ctx, back;
		int n;

		check(policy_initsid_context(&pol, i, &ctx) == 0);
		n = policy_context_format(&pol, &ctx, ctxbuf, sizeof(ctxbuf));
		check(n >= 2);
		if ((size_t)n < sizeof(ctxbuf) &&
		    policy_context_parse(&pol, ctxbuf, (size_t)n, &back) == 0) {
			char again[64];

			check(policy_context_format(&pol, &back, again, sizeof(again)) == n);
			check(strcmp(again, ctxbuf) == 0);
		}
	}
	check(policy_type_name(&pol, 0) == NULL);
	check(policy_type_name(&pol, pol.type_count + 1) == NULL);

	avc_init(&avc);
	check_decisions(data, size);
	check_decisions(data, size); /* now mostly AVC hits */
	for (uint32_t i = 0; i < pol.bool_count; i++) {
		check(policy_bool_set(&pol, i, !policy_bool_get(&pol, i)) == 0);
	}
	check(policy_bool_set(&pol, pol.bool_count, true) == -XEN_EINVAL);
	check_decisions(data, size);
}

static bool printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s > 0x7e) {
			return false;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_error err;
	const uint8_t *in = data;
	size_t len = size;
	uint8_t *buf;
	int rc;

	if (size > 0 && data[0] == FIX_MARKER) {
		in++;
		len--;
	}
	buf = malloc(len > 0 ? len : 1);
	memcpy(buf, in, len);
	if (in != data && len >= sizeof(struct policy_blob_header)) {
		struct policy_blob_header h;

		memcpy(&h, buf, sizeof(h));
		h.body_size = len - sizeof(h);
		sha256(buf + sizeof(h), len - sizeof(h), h.body_sha256);
		memcpy(buf, &h, sizeof(h));
	}

	memset(&err, 0xa5, sizeof(err));
	rc = policy_load(&pol, buf, len, &err);
	if (rc == 0) {
		check(err.msg[0] == '\0');
		check_policy(buf, len, data, size);
	} else {
		check(rc == -XEN_EINVAL);
		check(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		check(err.msg[0] != '\0' && printable(err.msg));
	}
	free(buf);
	return 0;
}
