/*
 * Unit tests of the policy loader (xsm/policy_load.c), the security server's
 * lookups (xsm/policy_lookup.c) and the AVC (xsm/avc.c). Blobs are built
 * here from a small model by the rules of xsm/policy_blob.h; each refusal
 * the loader promises has its own test that breaks one rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <attest/sha.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/policy.h>

/* ---- a blob generator ------------------------------------------------- */

struct model {
	char str[512];
	uint32_t str_len;
	uint32_t types[8];
	uint32_t type_count;
	struct policy_blob_class classes[4];
	uint32_t class_count;
	uint32_t perms[40];
	uint32_t perm_count;
	struct policy_blob_av av[16];
	uint32_t av_count;
	struct policy_blob_bool bools[70];
	uint32_t bool_count;
	uint32_t users[2];
	uint32_t user_count;
	uint32_t roles[2];
	uint32_t role_count;
	struct policy_blob_isid isids[2];
	uint32_t isid_count;
	struct policy_blob_trans trans[8];
	uint32_t trans_count;
};

struct sec_in {
	uint32_t type, count, esize;
	const void *data;
};

#define BLOB_MAX 8192
static uint8_t blob[BLOB_MAX];
static size_t blob_len;

enum { T_DOM0 = 1, T_DOMU = 2, T_XEN = 3 };
enum { C_DOMAIN = 1, C_HYPERCALL = 2 };
#define P_CREATE  (1U << 0)
#define P_DESTROY (1U << 1)
#define P_PAUSE   (1U << 2)
#define P_CONSOLE (1U << 0)
#define P_VERSION (1U << 1)

static uint32_t add_str(struct model *m, const char *s)
{
	uint32_t off = m->str_len;
	size_t n = strlen(s) + 1;

	assert_true(off + n <= sizeof(m->str));
	memcpy(m->str + off, s, n);
	m->str_len += (uint32_t)n;
	return off;
}

static void add_av(struct model *m, uint16_t s, uint16_t t, uint16_t c, uint16_t kind,
		   uint32_t perms, uint32_t cond)
{
	m->av[m->av_count++] = (struct policy_blob_av){ s, t, c, kind, perms, cond };
}

static void add_trans(struct model *m, uint16_t s, uint16_t t, uint16_t c, uint16_t new_type,
		      uint32_t cond)
{
	m->trans[m->trans_count++] = (struct policy_blob_trans){ s, t, c, new_type, cond, 0 };
}

/* dom0_t, domU_t, xen_t; classes domain {create destroy pause} and
 * hypercall {console_io xen_version}; booleans allow_pause (0), strict (1).
 * Transitions: dom0 creating a domain object for domU gets domU_t, whatever
 * allow_pause says (the unconditional rule wins); domU's own domain objects
 * get dom0_t while allow_pause and xen_t while !strict (dom0_t when both);
 * domU's hypercall objects for xen get domU_t. */
static void model_default(struct model *m)
{
	memset(m, 0, sizeof(*m));
	add_str(m, "");
	m->types[m->type_count++] = add_str(m, "dom0_t");
	m->types[m->type_count++] = add_str(m, "domU_t");
	m->types[m->type_count++] = add_str(m, "xen_t");
	m->perms[m->perm_count++] = add_str(m, "create");
	m->perms[m->perm_count++] = add_str(m, "destroy");
	m->perms[m->perm_count++] = add_str(m, "pause");
	m->perms[m->perm_count++] = add_str(m, "console_io");
	m->perms[m->perm_count++] = add_str(m, "xen_version");
	m->classes[m->class_count++] = (struct policy_blob_class){ add_str(m, "domain"), 0, 3, 0 };
	m->classes[m->class_count++] = (struct policy_blob_class){ add_str(m, "hypercall"), 3, 2, 0 };
	m->bools[m->bool_count++] = (struct policy_blob_bool){ add_str(m, "allow_pause"), 0 };
	m->bools[m->bool_count++] = (struct policy_blob_bool){ add_str(m, "strict"), 1 };
	m->users[m->user_count++] = add_str(m, "system_u");
	m->roles[m->role_count++] = add_str(m, "system_r");
	m->isids[m->isid_count++] = (struct policy_blob_isid){ add_str(m, "xen"), 1, 1, T_XEN, 0 };
	m->isids[m->isid_count++] = (struct policy_blob_isid){ add_str(m, "dom0"), 1, 1, T_DOM0, 0 };
	add_av(m, T_DOM0, T_DOMU, C_DOMAIN, POLICY_AV_ALLOWED, P_CREATE | P_DESTROY, 0);
	add_av(m, T_DOM0, T_DOMU, C_DOMAIN, POLICY_AV_ALLOWED, P_PAUSE, 1);
	add_av(m, T_DOM0, T_DOMU, C_DOMAIN, POLICY_AV_AUDITALLOW, P_DESTROY, 0);
	add_av(m, T_DOM0, T_DOMU, C_DOMAIN, POLICY_AV_DONTAUDIT, P_PAUSE, 0);
	add_av(m, T_DOM0, T_XEN, C_HYPERCALL, POLICY_AV_ALLOWED, P_CONSOLE | P_VERSION, 0);
	add_av(m, T_DOMU, T_XEN, C_HYPERCALL, POLICY_AV_ALLOWED, P_VERSION, 0);
	add_av(m, T_DOMU, T_XEN, C_HYPERCALL, POLICY_AV_ALLOWED, P_CONSOLE,
	       2 | POLICY_COND_WHEN_FALSE);
	add_trans(m, T_DOM0, T_DOMU, C_DOMAIN, T_DOMU, 0);
	add_trans(m, T_DOM0, T_DOMU, C_DOMAIN, T_XEN, 1);
	add_trans(m, T_DOMU, T_DOMU, C_DOMAIN, T_DOM0, 1);
	add_trans(m, T_DOMU, T_DOMU, C_DOMAIN, T_XEN, 2 | POLICY_COND_WHEN_FALSE);
	add_trans(m, T_DOMU, T_XEN, C_HYPERCALL, T_DOMU, 0);
}

static unsigned int model_sections(const struct model *m, struct sec_in *s)
{
	unsigned int n = 0;

	s[n++] = (struct sec_in){ POLICY_SEC_STRTAB, m->str_len, 1, m->str };
	s[n++] = (struct sec_in){ POLICY_SEC_TYPES, m->type_count, 4, m->types };
	s[n++] = (struct sec_in){ POLICY_SEC_CLASSES, m->class_count, 16, m->classes };
	s[n++] = (struct sec_in){ POLICY_SEC_PERMS, m->perm_count, 4, m->perms };
	s[n++] = (struct sec_in){ POLICY_SEC_AVTAB, m->av_count, 16, m->av };
	s[n++] = (struct sec_in){ POLICY_SEC_BOOLS, m->bool_count, 8, m->bools };
	s[n++] = (struct sec_in){ POLICY_SEC_USERS, m->user_count, 4, m->users };
	s[n++] = (struct sec_in){ POLICY_SEC_ROLES, m->role_count, 4, m->roles };
	s[n++] = (struct sec_in){ POLICY_SEC_INITSIDS, m->isid_count, 12, m->isids };
	if (m->trans_count > 0) {
		s[n++] = (struct sec_in){ POLICY_SEC_TRANS, m->trans_count, 16, m->trans };
	}
	return n;
}

static struct policy_blob_header *hdr(void)
{
	return (struct policy_blob_header *)blob;
}

static struct policy_blob_section *sec_entry(unsigned int i)
{
	return (struct policy_blob_section *)(blob + sizeof(struct policy_blob_header)) + i;
}

static void rehash(void)
{
	hdr()->body_size = blob_len - sizeof(struct policy_blob_header);
	sha256(blob + sizeof(struct policy_blob_header), blob_len - sizeof(struct policy_blob_header),
	       hdr()->body_sha256);
}

static void serialize(const struct sec_in *s, unsigned int n)
{
	size_t body = sizeof(struct policy_blob_header);
	size_t off = n * sizeof(struct policy_blob_section);

	memset(blob, 0, sizeof(blob));
	memcpy(hdr()->magic, POLICY_BLOB_MAGIC, 8);
	hdr()->version = POLICY_BLOB_VERSION;
	hdr()->header_size = sizeof(struct policy_blob_header);
	hdr()->section_count = n;
	for (unsigned int i = 0; i < n; i++) {
		size_t size = (size_t)s[i].count * s[i].esize;

		assert_true(body + off + size <= sizeof(blob));
		*sec_entry(i) = (struct policy_blob_section){ s[i].type, s[i].count, off, size };
		memcpy(blob + body + off, s[i].data, size);
		off += size;
	}
	blob_len = body + off;
	rehash();
}

static void build(const struct model *m)
{
	struct sec_in s[POLICY_SEC_MAX];

	serialize(s, model_sections(m, s));
}

static struct policy pol;
static struct policy_error perr;

static int load(void)
{
	memset(&perr, 0, sizeof(perr));
	return policy_load(&pol, blob, blob_len, &perr);
}

static void expect_refusal(const char *what)
{
	struct policy before;

	memset(&pol, 0x5a, sizeof(pol));
	before = pol;
	assert_int_equal(load(), -XEN_EINVAL);
	if (strstr(perr.msg, what) == NULL) {
		fail_msg("message \"%s\" lacks \"%s\"", perr.msg, what);
	}
	/* Decode then commit: a refused blob leaves *p untouched. */
	assert_memory_equal(&pol, &before, sizeof(pol));
}

static void refuse_model(const struct model *m, const char *what)
{
	build(m);
	expect_refusal(what);
}

/* ---- a valid policy ----------------------------------------------------- */

static void load_default(void)
{
	struct model m;

	model_default(&m);
	build(&m);
	assert_int_equal(load(), 0);
}

static void test_valid_loads(void **state)
{
	(void)state;
	load_default();
	assert_int_equal(pol.type_count, 3);
	assert_int_equal(pol.class_count, 2);
	assert_int_equal(pol.av_count, 7);
	assert_int_equal(pol.bool_count, 2);
	assert_int_equal(pol.trans_count, 5);
	assert_non_null(pol.trans);
	assert_int_equal(policy_bool_get(&pol, 0), 0);
	assert_int_equal(policy_bool_get(&pol, 1), 1);
	assert_string_equal(perr.msg, "");
}

static void test_valid_unaligned_and_optional_absent(void **state)
{
	static uint8_t shifted[BLOB_MAX + 1];
	struct sec_in s[POLICY_SEC_MAX];
	struct model m;

	(void)state;
	/* Only the required sections; no booleans, so no conditional rule. */
	model_default(&m);
	m.av[1].cond = 0;
	m.av[1].kind = POLICY_AV_AUDITALLOW;
	m.av[2].kind = POLICY_AV_DONTAUDIT;
	m.av[2].perms = P_PAUSE;
	m.av_count = 3;
	m.bool_count = 0;
	model_sections(&m, s);
	serialize(s, 5);
	memcpy(shifted + 1, blob, blob_len);
	assert_int_equal(policy_load(&pol, shifted + 1, blob_len, &perr), 0);
	assert_int_equal(pol.bool_count, 0);
	assert_int_equal(pol.user_count, 0);
	assert_int_equal(policy_initsid_context(&pol, 0, &(struct context){ 0 }), -XEN_EINVAL);
	/* No TRANS: no transition for anything. */
	assert_null(pol.trans);
	assert_int_equal(pol.trans_count, 0);
	assert_int_equal(policy_compute_create(&pol, T_DOM0, T_DOMU, C_DOMAIN), 0);
}

/* A TRANS section with no entries is as good as none. */
static void test_valid_empty_trans(void **state)
{
	struct sec_in s[POLICY_SEC_MAX];
	struct model m;
	unsigned int n;

	(void)state;
	model_default(&m);
	m.trans_count = 0;
	n = model_sections(&m, s);
	s[n++] = (struct sec_in){ POLICY_SEC_TRANS, 0, 16, m.trans };
	serialize(s, n);
	assert_int_equal(load(), 0);
	assert_null(pol.trans);
	assert_int_equal(pol.trans_count, 0);
	assert_int_equal(policy_compute_create(&pol, T_DOMU, T_XEN, C_HYPERCALL), 0);
}

static void test_lookups(void **state)
{
	(void)state;
	load_default();
	assert_int_equal(policy_type_value(&pol, "domU_t", 6), T_DOMU);
	assert_int_equal(policy_type_value(&pol, "domU_tx", 6), T_DOMU);
	assert_int_equal(policy_type_value(&pol, "domU", 4), -XEN_EINVAL);
	assert_int_equal(policy_type_value(&pol, "nope_t", 6), -XEN_EINVAL);
	assert_int_equal(policy_class_value(&pol, "hypercall", 9), C_HYPERCALL);
	assert_int_equal(policy_class_value(&pol, "domai", 5), -XEN_EINVAL);
	assert_int_equal(policy_perm_bit(&pol, C_DOMAIN, "pause", 5), 2);
	assert_int_equal(policy_perm_bit(&pol, C_HYPERCALL, "xen_version", 11), 1);
	assert_int_equal(policy_perm_bit(&pol, C_HYPERCALL, "pause", 5), -XEN_EINVAL);
	assert_int_equal(policy_perm_bit(&pol, 0, "pause", 5), -XEN_EINVAL);
	assert_int_equal(policy_perm_bit(&pol, 3, "pause", 5), -XEN_EINVAL);
	assert_int_equal(policy_user_value(&pol, "system_u", 8), 1);
	assert_int_equal(policy_role_value(&pol, "system_r", 8), 1);
	assert_int_equal(policy_bool_index(&pol, "strict", 6), 1);
	assert_int_equal(policy_bool_index(&pol, "lax", 3), -XEN_EINVAL);
	assert_string_equal(policy_type_name(&pol, T_XEN), "xen_t");
	assert_null(policy_type_name(&pol, 0));
	assert_null(policy_type_name(&pol, 4));
	assert_string_equal(policy_class_name(&pol, C_DOMAIN), "domain");
	assert_null(policy_class_name(&pol, 3));
	assert_string_equal(policy_bool_name(&pol, 0), "allow_pause");
	assert_null(policy_bool_name(&pol, 2));
	assert_int_equal(policy_bool_get(&pol, 2), -XEN_EINVAL);
	assert_int_equal(policy_bool_set(&pol, 2, true), -XEN_EINVAL);
}

static void test_compute_av(void **state)
{
	struct av_decision ad;

	(void)state;
	load_default();
	policy_compute_av(&pol, T_DOM0, T_DOMU, C_DOMAIN, &ad);
	assert_int_equal(ad.allowed, P_CREATE | P_DESTROY);
	assert_int_equal(ad.auditallow, P_DESTROY);
	assert_int_equal(ad.auditdeny, ~P_PAUSE);
	/* No rule: nothing allowed, every denial audited. */
	policy_compute_av(&pol, T_DOMU, T_DOM0, C_DOMAIN, &ad);
	assert_int_equal(ad.allowed, 0);
	assert_int_equal(ad.auditallow, 0);
	assert_int_equal(ad.auditdeny, ~0U);
	/* Out-of-range values are simply unmatched. */
	policy_compute_av(&pol, 0, 0, 0, &ad);
	assert_int_equal(ad.allowed, 0);
	policy_compute_av(&pol, 0xffff, 0xffff, 0xffff, &ad);
	assert_int_equal(ad.allowed, 0);
	policy_compute_av(&pol, T_DOM0, T_XEN, C_HYPERCALL, &ad);
	assert_int_equal(ad.allowed, P_CONSOLE | P_VERSION);
}

static void test_conditional_rules(void **state)
{
	struct av_decision ad;

	(void)state;
	load_default();
	/* allow_pause false: no pause; strict true: domU has no console_io. */
	policy_compute_av(&pol, T_DOM0, T_DOMU, C_DOMAIN, &ad);
	assert_int_equal(ad.allowed & P_PAUSE, 0);
	policy_compute_av(&pol, T_DOMU, T_XEN, C_HYPERCALL, &ad);
	assert_int_equal(ad.allowed, P_VERSION);

	assert_int_equal(policy_bool_set(&pol, 0, true), 0);
	policy_compute_av(&pol, T_DOM0, T_DOMU, C_DOMAIN, &ad);
	assert_int_equal(ad.allowed, P_CREATE | P_DESTROY | P_PAUSE);

	assert_int_equal(policy_bool_set(&pol, 1, false), 0);
	policy_compute_av(&pol, T_DOMU, T_XEN, C_HYPERCALL, &ad);
	assert_int_equal(ad.allowed, P_VERSION | P_CONSOLE);

	assert_int_equal(policy_bool_set(&pol, 1, true), 0);
	policy_compute_av(&pol, T_DOMU, T_XEN, C_HYPERCALL, &ad);
	assert_int_equal(ad.allowed, P_VERSION);
}

static void test_compute_create(void **state)
{
	(void)state;
	load_default();
	assert_int_equal(policy_compute_create(&pol, T_DOMU, T_XEN, C_HYPERCALL), T_DOMU);
	/* The unconditional rule wins over an active conditional one. */
	assert_int_equal(policy_compute_create(&pol, T_DOM0, T_DOMU, C_DOMAIN), T_DOMU);
	assert_int_equal(policy_bool_set(&pol, 0, true), 0);
	assert_int_equal(policy_compute_create(&pol, T_DOM0, T_DOMU, C_DOMAIN), T_DOMU);
	/* No rule: 0, the caller's cue to use the source type. */
	assert_int_equal(policy_compute_create(&pol, T_XEN, T_DOMU, C_DOMAIN), 0);
	assert_int_equal(policy_compute_create(&pol, T_DOMU, T_XEN, C_DOMAIN), 0);
	assert_int_equal(policy_compute_create(&pol, T_DOM0, T_DOMU, C_HYPERCALL), 0);
	assert_int_equal(policy_compute_create(&pol, 0, 0, 0), 0);
	assert_int_equal(policy_compute_create(&pol, 0xffff, 0xffff, 0xffff), 0);
	assert_int_equal(policy_compute_create(&pol, T_DOMU, T_XEN, 0xffff), 0);
}

static void test_compute_create_conditional(void **state)
{
	(void)state;
	load_default();
	/* allow_pause false, strict true: neither conditional rule is active. */
	assert_int_equal(policy_compute_create(&pol, T_DOMU, T_DOMU, C_DOMAIN), 0);
	assert_int_equal(policy_bool_set(&pol, 0, true), 0);
	assert_int_equal(policy_compute_create(&pol, T_DOMU, T_DOMU, C_DOMAIN), T_DOM0);
	assert_int_equal(policy_bool_set(&pol, 0, false), 0);
	assert_int_equal(policy_bool_set(&pol, 1, false), 0);
	assert_int_equal(policy_compute_create(&pol, T_DOMU, T_DOMU, C_DOMAIN), T_XEN);
	/* Both active: the first in TRANS order (the lower cond). */
	assert_int_equal(policy_bool_set(&pol, 0, true), 0);
	assert_int_equal(policy_compute_create(&pol, T_DOMU, T_DOMU, C_DOMAIN), T_DOM0);
	assert_int_equal(policy_bool_set(&pol, 0, false), 0);
	assert_int_equal(policy_bool_set(&pol, 1, true), 0);
	assert_int_equal(policy_compute_create(&pol, T_DOMU, T_DOMU, C_DOMAIN), 0);
	/* A reload starts again from the defaults. */
	assert_int_equal(policy_bool_set(&pol, 0, true), 0);
	load_default();
	assert_int_equal(policy_compute_create(&pol, T_DOMU, T_DOMU, C_DOMAIN), 0);
}

static void test_undefined_perm_bits_never_granted(void **state)
{
	struct av_decision ad;
	struct model m;

	(void)state;
	model_default(&m);
	m.av[0].perms = 0xffffffffU;
	build(&m);
	assert_int_equal(load(), 0);
	policy_compute_av(&pol, T_DOM0, T_DOMU, C_DOMAIN, &ad);
	assert_int_equal(ad.allowed, 0x7);
}

static void test_context(void **state)
{
	struct context ctx;
	char buf[64];

	(void)state;
	load_default();
	assert_int_equal(policy_context_parse(&pol, "system_u:system_r:domU_t", 24, &ctx), 0);
	assert_int_equal(ctx.user, 1);
	assert_int_equal(ctx.role, 1);
	assert_int_equal(ctx.type, T_DOMU);
	assert_int_equal(policy_context_format(&pol, &ctx, buf, sizeof(buf)), 24);
	assert_string_equal(buf, "system_u:system_r:domU_t");
	assert_int_equal(policy_context_format(&pol, &ctx, buf, 10), 24);
	assert_string_equal(buf, "system_u:");
	assert_int_equal(policy_context_parse(&pol, "system_u:system_r", 17, &ctx), -XEN_EINVAL);
	assert_int_equal(policy_context_parse(&pol, "system_u:system_r:domU_t:s0", 27, &ctx),
			 -XEN_EINVAL);
	assert_int_equal(policy_context_parse(&pol, "system_u:system_r:nope_t", 24, &ctx),
			 -XEN_EINVAL);
	assert_int_equal(policy_context_parse(&pol, "system_u::domU_t", 16, &ctx), -XEN_EINVAL);
	assert_int_equal(policy_context_parse(&pol, "", 0, &ctx), -XEN_EINVAL);
	ctx.type = 9;
	assert_int_equal(policy_context_format(&pol, &ctx, buf, sizeof(buf)), -XEN_EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(policy_initsid_context(&pol, 0, &ctx), 0);
	assert_int_equal(ctx.type, T_XEN);
	assert_int_equal(policy_initsid_context(&pol, 2, &ctx), -XEN_EINVAL);
}

/* ---- AVC ---------------------------------------------------------------- */

static struct avc avc;

static void test_avc_hits_and_misses(void **state)
{
	struct av_decision ad;

	(void)state;
	load_default();
	avc_init(&avc);
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOM0, T_DOMU, C_DOMAIN, P_CREATE, &ad), 0);
	assert_int_equal(avc.stats.misses, 1);
	assert_int_equal(avc.stats.hits, 0);
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOM0, T_DOMU, C_DOMAIN, P_DESTROY, &ad), 0);
	assert_int_equal(avc.stats.hits, 1);
	assert_true(avc_audit_required(&ad, P_DESTROY, 0));
	assert_false(avc_audit_required(&ad, P_CREATE, 0));
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOM0, T_DOMU, C_DOMAIN, P_PAUSE, &ad),
			 -XEN_EACCES);
	assert_false(avc_audit_required(&ad, P_PAUSE, -XEN_EACCES)); /* dontaudit */
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOMU, T_DOM0, C_DOMAIN, P_CREATE, &ad),
			 -XEN_EACCES);
	assert_true(avc_audit_required(&ad, P_CREATE, -XEN_EACCES));
	assert_int_equal(avc.stats.lookups, 4);
	assert_int_equal(avc.stats.hits, 2);
	assert_int_equal(avc.stats.misses, 2);
	assert_int_equal(avc.stats.denials, 2);
	/* A request for nothing is allowed; requesting undefined bits is not. */
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOMU, T_DOM0, C_DOMAIN, 0, NULL), 0);
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOM0, T_DOMU, C_DOMAIN, 1U << 5, NULL),
			 -XEN_EACCES);
}

static void test_avc_eviction_is_correct(void **state)
{
	struct av_decision ad;

	(void)state;
	load_default();
	avc_init(&avc);
	/* More keys than the cache holds: every answer must still be right. */
	for (int round = 0; round < 2; round++) {
		for (uint32_t s = 0; s < 40; s++) {
			for (uint32_t t = 0; t < 20; t++) {
				struct av_decision want;
				int rc = avc_has_perm(&avc, &pol, (uint16_t)s, (uint16_t)t,
						      C_DOMAIN, P_CREATE, &ad);

				policy_compute_av(&pol, (uint16_t)s, (uint16_t)t, C_DOMAIN, &want);
				assert_memory_equal(&ad, &want, sizeof(ad));
				assert_int_equal(rc, (want.allowed & P_CREATE) ? 0 : -XEN_EACCES);
			}
		}
	}
	assert_int_equal(avc.stats.lookups, 1600);
	assert_int_equal(avc.stats.hits + avc.stats.misses, 1600);
	assert_true(avc.stats.misses >= 800);
}

static void test_avc_flush_on_bool_change(void **state)
{
	(void)state;
	load_default();
	avc_init(&avc);
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOM0, T_DOMU, C_DOMAIN, P_PAUSE, NULL),
			 -XEN_EACCES);
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOM0, T_DOMU, C_DOMAIN, P_PAUSE, NULL),
			 -XEN_EACCES);
	assert_int_equal(avc.stats.hits, 1);
	assert_int_equal(policy_bool_set(&pol, 0, true), 0);
	/* The cached denial must not survive the boolean change. */
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOM0, T_DOMU, C_DOMAIN, P_PAUSE, NULL), 0);
	assert_int_equal(avc.stats.hits, 1);
	assert_int_equal(avc.stats.misses, 2);
	assert_true(avc.stats.flushes >= 2);
}

static void test_avc_flush_on_reload(void **state)
{
	struct model m;
	uint64_t flushes;

	(void)state;
	load_default();
	avc_init(&avc);
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOM0, T_DOMU, C_DOMAIN, P_CREATE, NULL), 0);
	flushes = avc.stats.flushes;
	/* Same struct, same address, a policy without the rule. */
	model_default(&m);
	m.av[0].perms = P_DESTROY;
	build(&m);
	assert_int_equal(load(), 0);
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOM0, T_DOMU, C_DOMAIN, P_CREATE, NULL),
			 -XEN_EACCES);
	assert_int_equal(avc.stats.flushes, flushes + 1);
	avc_flush(&avc);
	assert_int_equal(avc.stats.flushes, flushes + 2);
	assert_int_equal(avc_has_perm(&avc, &pol, T_DOM0, T_DOMU, C_DOMAIN, P_DESTROY, NULL), 0);
	assert_int_equal(avc.stats.misses, 3);
}

/* ---- refusals: header ---------------------------------------------------- */

static void test_refuse_short(void **state)
{
	(void)state;
	load_default();
	blob_len = 63;
	expect_refusal("shorter than its header");
}

static void test_refuse_magic(void **state)
{
	(void)state;
	load_default();
	blob[0] = 'X';
	expect_refusal("bad magic");
}

static void test_refuse_version(void **state)
{
	(void)state;
	load_default();
	hdr()->version = 2;
	expect_refusal("unknown version 2");
}

static void test_refuse_header_size(void **state)
{
	(void)state;
	load_default();
	hdr()->header_size = 72;
	expect_refusal("header_size 72");
}

static void test_refuse_body_size(void **state)
{
	(void)state;
	load_default();
	hdr()->body_size++;
	expect_refusal("body_size");
	hdr()->body_size -= 2;
	expect_refusal("body_size");
	hdr()->body_size = ~0ULL;
	expect_refusal("body_size");
}

static void test_refuse_sha(void **state)
{
	(void)state;
	load_default();
	blob[blob_len - 1] ^= 1;
	expect_refusal("SHA-256 mismatch");
}

static void test_refuse_flags(void **state)
{
	(void)state;
	load_default();
	hdr()->flags = 1;
	expect_refusal("flags 0x1");
}

/* ---- refusals: section table --------------------------------------------- */

static void test_refuse_section_count_zero(void **state)
{
	(void)state;
	load_default();
	hdr()->section_count = 0;
	expect_refusal("section count 0");
}

static void test_refuse_section_count_big(void **state)
{
	(void)state;
	load_default();
	hdr()->section_count = POLICY_SEC_MAX + 1;
	expect_refusal("section count 11 not in 1..10");
	hdr()->section_count = 0xffffffffU;
	expect_refusal("section count");
}

static void test_refuse_duplicate_section(void **state)
{
	(void)state;
	load_default();
	sec_entry(6)->type = POLICY_SEC_TYPES;
	rehash();
	expect_refusal("duplicate TYPES");
}

static void test_refuse_unknown_section(void **state)
{
	(void)state;
	load_default();
	sec_entry(8)->type = POLICY_SEC_MAX + 1;
	rehash();
	expect_refusal("unknown type 11");
	sec_entry(8)->type = 0;
	rehash();
	expect_refusal("unknown type 0");
}

static void test_refuse_overlap(void **state)
{
	(void)state;
	load_default();
	/* ROLES (1 u32) placed over the last 4 bytes of USERS. */
	sec_entry(7)->offset = sec_entry(6)->offset;
	rehash();
	expect_refusal("overlaps USERS");
}

static void test_refuse_overlap_table(void **state)
{
	(void)state;
	load_default();
	sec_entry(1)->offset = 8;
	rehash();
	expect_refusal("TYPES section overlaps the section table");
}

static void test_refuse_out_of_body(void **state)
{
	(void)state;
	load_default();
	sec_entry(8)->offset = blob_len;
	rehash();
	expect_refusal("INITSIDS section out of body");
	load_default();
	sec_entry(8)->offset = ~0ULL - 4;
	rehash();
	expect_refusal("out of body");
	load_default();
	sec_entry(8)->size = ~0ULL;
	rehash();
	expect_refusal("out of body");
}

static void test_refuse_size_mismatch(void **state)
{
	(void)state;
	load_default();
	sec_entry(4)->count--; /* AVTAB */
	rehash();
	expect_refusal("AVTAB section size 112 != count 6 * element size 16");
}

static void test_refuse_missing_required(void **state)
{
	struct sec_in s[POLICY_SEC_MAX];
	struct model m;

	(void)state;
	model_default(&m);
	model_sections(&m, s);
	s[3] = s[8]; /* replace PERMS with INITSIDS */
	serialize(s, 8);
	expect_refusal("missing required PERMS");
}

/* ---- refusals: contents --------------------------------------------------- */

static void test_refuse_strtab_nul(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.str[m.str_len++] = 'x';
	refuse_model(&m, "STRTAB does not end in NUL");
}

static void test_refuse_name_offset(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.types[2] = m.str_len;
	refuse_model(&m, "type 2: name offset");
	model_default(&m);
	m.perms[0] = 0xffffffffU;
	refuse_model(&m, "perm 0: name offset");
	model_default(&m);
	m.classes[1].name = m.str_len;
	refuse_model(&m, "class 2: name offset");
	model_default(&m);
	m.bools[1].name = m.str_len;
	refuse_model(&m, "bool 1: name offset");
	model_default(&m);
	m.users[0] = m.str_len;
	refuse_model(&m, "user 0: name offset");
	model_default(&m);
	m.isids[1].name = m.str_len;
	refuse_model(&m, "initial SID 1: name offset");
}

static void test_refuse_perm_range(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.classes[1].perm_count = 3; /* 3..5 of 5 perms */
	refuse_model(&m, "perm range 3+3 out of PERMS");
	model_default(&m);
	m.classes[1].perm_first = 0xffffffffU;
	refuse_model(&m, "out of PERMS");
}

static void test_refuse_too_many_perms(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	while (m.perm_count < 40) {
		m.perms[m.perm_count++] = 0;
	}
	m.classes[1].perm_count = 33;
	refuse_model(&m, "33 perms > 32");
	m.classes[1].perm_count = 32; /* the limit itself is fine */
	build(&m);
	assert_int_equal(load(), 0);
}

static void test_refuse_avtab_unsorted(void **state)
{
	struct model m;
	struct policy_blob_av t;

	(void)state;
	model_default(&m);
	t = m.av[4];
	m.av[4] = m.av[5];
	m.av[5] = t;
	refuse_model(&m, "AVTAB 5: entries unsorted");
	model_default(&m);
	m.av[1].cond = 0;
	m.av[0].cond = 1; /* same rule, cond order swapped */
	refuse_model(&m, "unsorted");
}

static void test_refuse_avtab_duplicate(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.av[1].cond = 0;
	refuse_model(&m, "AVTAB 1: duplicate entry");
}

static void test_refuse_avtab_type_zero(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.av[0].source = 0;
	refuse_model(&m, "AVTAB 0: type value 0/2");
	model_default(&m);
	m.av[6].target = 0;
	refuse_model(&m, "AVTAB 6: type value");
}

static void test_refuse_avtab_type_range(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.av[6].source = 4;
	m.av[6].target = 4;
	refuse_model(&m, "AVTAB 6: type value 4/4 not in 1..3");
}

static void test_refuse_avtab_class(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.av[6].tclass = 3;
	refuse_model(&m, "AVTAB 6: class value 3 not in 1..2");
	model_default(&m);
	m.av[0].tclass = 0;
	refuse_model(&m, "AVTAB 0: class value 0");
}

static void test_refuse_avtab_kind(void **state)
{
	static const uint16_t bad[] = { 0, 3, 5, 6, 7, 8, 0x8001 };
	struct model m;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		model_default(&m);
		m.av[6].kind = bad[i];
		refuse_model(&m, "is not exactly one kind");
	}
}

static void test_refuse_cond_bool(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.av[6].cond = 3 | POLICY_COND_WHEN_FALSE;
	refuse_model(&m, "AVTAB 6: cond bool index 3 out of range");
	model_default(&m);
	m.av[6].cond = POLICY_COND_WHEN_FALSE; /* index 0 with the flag */
	refuse_model(&m, "cond bool index 0 out of range");
	model_default(&m);
	m.bool_count = 0; /* no BOOLS entries at all */
	refuse_model(&m, "AVTAB 1: cond bool index 1 out of range (0 bools)");
}

static void test_refuse_trans_values(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.trans[0].source = 0;
	refuse_model(&m, "TRANS 0: type value 0/2 not in 1..3");
	model_default(&m);
	m.trans[4].target = 4;
	refuse_model(&m, "TRANS 4: type value 2/4 not in 1..3");
	model_default(&m);
	m.trans[4].tclass = 3;
	refuse_model(&m, "TRANS 4: class value 3 not in 1..2");
	model_default(&m);
	m.trans[4].tclass = 0;
	refuse_model(&m, "TRANS 4: class value 0");
	model_default(&m);
	m.trans[2].new_type = 0;
	refuse_model(&m, "TRANS 2: new type value 0 not in 1..3");
	model_default(&m);
	m.trans[2].new_type = 0xffff;
	refuse_model(&m, "TRANS 2: new type value 65535");
	model_default(&m);
	m.trans[1].pad = 1;
	refuse_model(&m, "TRANS 1: pad 0x1 != 0");
}

static void test_refuse_trans_cond(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.trans[3].cond = 3 | POLICY_COND_WHEN_FALSE;
	refuse_model(&m, "TRANS 3: cond bool index 3 out of range (2 bools)");
	model_default(&m);
	m.trans[3].cond = POLICY_COND_WHEN_FALSE;
	refuse_model(&m, "TRANS 3: cond bool index 0 out of range");
	/* No BOOLS at all, and no conditional AV rule to be refused first. */
	model_default(&m);
	m.bool_count = 0;
	m.av[1].cond = 0;
	m.av[1].kind = POLICY_AV_AUDITALLOW;
	m.av[2].kind = POLICY_AV_DONTAUDIT;
	m.av[2].perms = P_PAUSE;
	m.av_count = 3;
	refuse_model(&m, "TRANS 1: cond bool index 1 out of range (0 bools)");
}

static void test_refuse_trans_order(void **state)
{
	struct policy_blob_trans t;
	struct model m;

	(void)state;
	model_default(&m);
	t = m.trans[3];
	m.trans[3] = m.trans[4];
	m.trans[4] = t;
	refuse_model(&m, "TRANS 4: entries unsorted");
	/* Same key, cond order swapped. */
	model_default(&m);
	m.trans[0].cond = 1;
	m.trans[1].cond = 0;
	refuse_model(&m, "TRANS 1: entries unsorted");
	/* Equal keys, even with different new types. */
	model_default(&m);
	m.trans[1].cond = 0;
	refuse_model(&m, "TRANS 1: duplicate entry");
}

static void test_refuse_trans_size(void **state)
{
	(void)state;
	load_default();
	assert_int_equal(sec_entry(9)->type, POLICY_SEC_TRANS);
	sec_entry(9)->count--;
	rehash();
	expect_refusal("TRANS section size 80 != count 4 * element size 16");
	load_default();
	sec_entry(9)->size -= 8;
	rehash();
	expect_refusal("TRANS section size 72 != count 5");
}

static void test_refuse_bool_default(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.bools[1].default_state = 2;
	refuse_model(&m, "bool 1: default 2 not 0/1");
}

static void test_refuse_too_many_bools(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	while (m.bool_count < POLICY_MAX_BOOLS + 1) {
		m.bools[m.bool_count++] = (struct policy_blob_bool){ 0, 0 };
	}
	refuse_model(&m, "65 booleans > 64");
	m.bool_count = POLICY_MAX_BOOLS;
	build(&m);
	assert_int_equal(load(), 0);
}

static void test_refuse_isid_context(void **state)
{
	struct model m;

	(void)state;
	model_default(&m);
	m.isids[1].type = 4;
	refuse_model(&m, "initial SID 1: context 1:1:4 out of range");
	model_default(&m);
	m.isids[0].user = 2;
	refuse_model(&m, "initial SID 0: context 2:1:3");
	model_default(&m);
	m.isids[0].role = 0;
	refuse_model(&m, "initial SID 0: context 1:0:3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_loads),
		cmocka_unit_test(test_valid_unaligned_and_optional_absent),
		cmocka_unit_test(test_valid_empty_trans),
		cmocka_unit_test(test_compute_create),
		cmocka_unit_test(test_compute_create_conditional),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_compute_av),
		cmocka_unit_test(test_conditional_rules),
		cmocka_unit_test(test_undefined_perm_bits_never_granted),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_avc_hits_and_misses),
		cmocka_unit_test(test_avc_eviction_is_correct),
		cmocka_unit_test(test_avc_flush_on_bool_change),
		cmocka_unit_test(test_avc_flush_on_reload),
		cmocka_unit_test(test_refuse_short),
		cmocka_unit_test(test_refuse_magic),
		cmocka_unit_test(test_refuse_version),
		cmocka_unit_test(test_refuse_header_size),
		cmocka_unit_test(test_refuse_body_size),
		cmocka_unit_test(test_refuse_sha),
		cmocka_unit_test(test_refuse_flags),
		cmocka_unit_test(test_refuse_section_count_zero),
		cmocka_unit_test(test_refuse_section_count_big),
		cmocka_unit_test(test_refuse_duplicate_section),
		cmocka_unit_test(test_refuse_unknown_section),
		cmocka_unit_test(test_refuse_overlap),
		cmocka_unit_test(test_refuse_overlap_table),
		cmocka_unit_test(test_refuse_out_of_body),
		cmocka_unit_test(test_refuse_size_mismatch),
		cmocka_unit_test(test_refuse_missing_required),
		cmocka_unit_test(test_refuse_strtab_nul),
		cmocka_unit_test(test_refuse_name_offset),
		cmocka_unit_test(test_refuse_perm_range),
		cmocka_unit_test(test_refuse_too_many_perms),
		cmocka_unit_test(test_refuse_avtab_unsorted),
		cmocka_unit_test(test_refuse_avtab_duplicate),
		cmocka_unit_test(test_refuse_avtab_type_zero),
		cmocka_unit_test(test_refuse_avtab_type_range),
		cmocka_unit_test(test_refuse_avtab_class),
		cmocka_unit_test(test_refuse_avtab_kind),
		cmocka_unit_test(test_refuse_cond_bool),
		cmocka_unit_test(test_refuse_trans_values),
		cmocka_unit_test(test_refuse_trans_cond),
		cmocka_unit_test(test_refuse_trans_order),
		cmocka_unit_test(test_refuse_trans_size),
		cmocka_unit_test(test_refuse_bool_default),
		cmocka_unit_test(test_refuse_too_many_bools),
		cmocka_unit_test(test_refuse_isid_context),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
