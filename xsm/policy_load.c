/*
 * The policy loader: checks every byte of a blob (xsm/policy_blob.h) a file
 * or the toolstack handed us, then publishes it in one step. Decode then
 * commit: all checks run into a local struct, *p is written only at the end.
 * It must never trust a count, offset or index before checking it, never
 * allocate, and never panic: a bad blob is -XEN_EINVAL and a message.
 *
 * Elements are read with memcpy (the caller's buffer may be unaligned); the
 * blob is little-endian and so is the only host we build for.
 */
#include <attest/sha.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/policy.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "blob is little-endian");

/* Unique per successful load so the AVC can tell two policies apart even
 * when one replaces the other in the same struct. */
static uint32_t policy_load_gen;

static int refuse(struct policy_error *err, const char *fmt, ...) __printf(2, 3);

static int refuse(struct policy_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		va_start(ap, fmt);
		fmt_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -XEN_EINVAL;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static const char *const sec_names[POLICY_SEC_MAX + 1] = {
	[0] = "?",
	[POLICY_SEC_STRTAB] = "STRTAB",
	[POLICY_SEC_TYPES] = "TYPES",
	[POLICY_SEC_CLASSES] = "CLASSES",
	[POLICY_SEC_PERMS] = "PERMS",
	[POLICY_SEC_AVTAB] = "AVTAB",
	[POLICY_SEC_BOOLS] = "BOOLS",
	[POLICY_SEC_USERS] = "USERS",
	[POLICY_SEC_ROLES] = "ROLES",
	[POLICY_SEC_INITSIDS] = "INITSIDS",
	[POLICY_SEC_TRANS] = "TRANS",
};

/* Bytes per element; STRTAB counts bytes. */
static const uint32_t sec_elem_size[POLICY_SEC_MAX + 1] = {
	[POLICY_SEC_STRTAB] = 1,
	[POLICY_SEC_TYPES] = 4,
	[POLICY_SEC_CLASSES] = sizeof(struct policy_blob_class),
	[POLICY_SEC_PERMS] = 4,
	[POLICY_SEC_AVTAB] = sizeof(struct policy_blob_av),
	[POLICY_SEC_BOOLS] = sizeof(struct policy_blob_bool),
	[POLICY_SEC_USERS] = 4,
	[POLICY_SEC_ROLES] = 4,
	[POLICY_SEC_INITSIDS] = sizeof(struct policy_blob_isid),
	[POLICY_SEC_TRANS] = sizeof(struct policy_blob_trans),
};

/* Values are u16 in AVTAB and contexts, so at most this many of each. */
#define POLICY_MAX_VALUES 0xffffU

/* Check the section table; fill sec[type] (zeroed when absent). */
static int load_sections(const uint8_t *body, uint64_t body_size, uint32_t count,
			 struct policy_blob_section sec[POLICY_SEC_MAX + 1], struct policy_error *err)
{
	uint64_t table_end = (uint64_t)count * sizeof(struct policy_blob_section);
	bool seen[POLICY_SEC_MAX + 1] = { false };

	if (count == 0 || count > POLICY_SEC_MAX) {
		return refuse(err, "section count %u not in 1..%u", count, POLICY_SEC_MAX);
	}
	if (table_end > body_size) {
		return refuse(err, "section table (%u entries) out of body", count);
	}
	memset(sec, 0, sizeof(*sec) * (POLICY_SEC_MAX + 1));
	for (uint32_t i = 0; i < count; i++) {
		struct policy_blob_section s;
		uint32_t t;

		memcpy(&s, body + (size_t)i * sizeof(s), sizeof(s));
		if (s.type == 0 || s.type > POLICY_SEC_MAX) {
			return refuse(err, "section %u: unknown type %u", i, s.type);
		}
		t = (uint32_t)index_nospec(s.type, POLICY_SEC_MAX + 1);
		if (seen[t]) {
			return refuse(err, "section %u: duplicate %s section", i, sec_names[t]);
		}
		seen[t] = true;
		if (s.offset > body_size || s.size > body_size - s.offset) {
			return refuse(err, "%s section out of body", sec_names[t]);
		}
		if (s.size != 0 && s.offset < table_end) {
			return refuse(err, "%s section overlaps the section table", sec_names[t]);
		}
		if (s.size != (uint64_t)s.count * sec_elem_size[t]) {
			return refuse(err, "%s section size %lu != count %u * element size %u",
				      sec_names[t], (unsigned long)s.size, s.count, sec_elem_size[t]);
		}
		for (uint32_t o = 1; o <= POLICY_SEC_MAX; o++) {
			const struct policy_blob_section *q = &sec[o];

			if (!seen[o] || o == t || q->size == 0 || s.size == 0) {
				continue;
			}
			if (s.offset < q->offset + q->size && q->offset < s.offset + s.size) {
				return refuse(err, "%s section overlaps %s section", sec_names[t],
					      sec_names[o]);
			}
		}
		sec[t] = s;
	}
	for (uint32_t t = POLICY_SEC_STRTAB; t <= POLICY_SEC_AVTAB; t++) {
		if (!seen[t]) {
			return refuse(err, "missing required %s section", sec_names[t]);
		}
	}
	return 0;
}

static bool name_ok(const struct policy *p, uint32_t off)
{
	return off < p->strtab_size;
}

/* A section of u32 name offsets (TYPES, PERMS, USERS, ROLES). */
static int check_names(const struct policy *p, const uint8_t *tab, uint32_t count,
		       const char *what, struct policy_error *err)
{
	for (uint32_t i = 0; i < count; i++) {
		uint32_t off = rd32(tab + (size_t)i * 4);

		if (!name_ok(p, off)) {
			return refuse(err, "%s %u: name offset %u out of STRTAB", what, i, off);
		}
	}
	return 0;
}

static int check_classes(const struct policy *p, struct policy_error *err)
{
	for (uint32_t i = 0; i < p->class_count; i++) {
		struct policy_blob_class c;

		memcpy(&c, p->classes + (size_t)i * sizeof(c), sizeof(c));
		if (!name_ok(p, c.name)) {
			return refuse(err, "class %u: name offset %u out of STRTAB", i + 1, c.name);
		}
		if (c.perm_count > 32) {
			return refuse(err, "class %u: %u perms > 32", i + 1, c.perm_count);
		}
		if (c.perm_first > p->perm_count || c.perm_count > p->perm_count - c.perm_first) {
			return refuse(err, "class %u: perm range %u+%u out of PERMS (%u)", i + 1,
				      c.perm_first, c.perm_count, p->perm_count);
		}
	}
	return 0;
}

/* Lexicographic order of two sort keys of n fields: -1, 0 or 1. */
static int key_cmp(const uint32_t *a, const uint32_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i]) {
			return a[i] < b[i] ? -1 : 1;
		}
	}
	return 0;
}

/* A rule's cond: 0, or a boolean index + 1 that names a boolean (with or
 * without POLICY_COND_WHEN_FALSE). */
static bool cond_ok(const struct policy *p, uint32_t cond)
{
	uint32_t b = cond & ~POLICY_COND_WHEN_FALSE;

	return cond == 0 || (b != 0 && b <= p->bool_count);
}

/* What AVTAB and TRANS entries share: source and target types, class and
 * cond in range. table names the section in the message. */
static int check_rule_key(const struct policy *p, struct policy_error *err, const char *table,
			  uint32_t i, uint32_t source, uint32_t target, uint32_t tclass,
			  uint32_t cond)
{
	if (source == 0 || source > p->type_count || target == 0 || target > p->type_count) {
		return refuse(err, "%s %u: type value %u/%u not in 1..%u", table, i, source, target,
			      p->type_count);
	}
	if (tclass == 0 || tclass > p->class_count) {
		return refuse(err, "%s %u: class value %u not in 1..%u", table, i, tclass,
			      p->class_count);
	}
	if (!cond_ok(p, cond)) {
		return refuse(err, "%s %u: cond bool index %u out of range (%u bools)", table, i,
			      cond & ~POLICY_COND_WHEN_FALSE, p->bool_count);
	}
	return 0;
}

/* Entry i's sort key against entry i-1's (c = key_cmp(previous, this)):
 * strictly ascending, so lookups can search and no rule is there twice. */
static int check_rule_order(struct policy_error *err, const char *table, uint32_t i, int c)
{
	if (i == 0) {
		return 0;
	}
	if (c == 0) {
		return refuse(err, "%s %u: duplicate entry", table, i);
	}
	if (c > 0) {
		return refuse(err, "%s %u: entries unsorted", table, i);
	}
	return 0;
}

/* AVTAB's sort key: (source, target, tclass, kind, cond). */
static void av_key(const struct policy_blob_av *a, uint32_t key[5])
{
	key[0] = a->source;
	key[1] = a->target;
	key[2] = a->tclass;
	key[3] = a->kind;
	key[4] = a->cond;
}

static int check_avtab(const struct policy *p, struct policy_error *err)
{
	uint32_t prev[5] = { 0 };

	for (uint32_t i = 0; i < p->av_count; i++) {
		struct policy_blob_av a;
		uint32_t key[5];
		int rc;

		memcpy(&a, p->avtab + (size_t)i * sizeof(a), sizeof(a));
		rc = check_rule_key(p, err, "AVTAB", i, a.source, a.target, a.tclass, a.cond);
		if (rc != 0) {
			return rc;
		}
		if (a.kind != POLICY_AV_ALLOWED && a.kind != POLICY_AV_AUDITALLOW &&
		    a.kind != POLICY_AV_DONTAUDIT) {
			return refuse(err, "AVTAB %u: kind 0x%x is not exactly one kind", i, a.kind);
		}
		av_key(&a, key);
		rc = check_rule_order(err, "AVTAB", i, key_cmp(prev, key, 5));
		if (rc != 0) {
			return rc;
		}
		memcpy(prev, key, sizeof(prev));
	}
	return 0;
}

/* TRANS's sort key: (source, target, tclass, cond). */
static void trans_key(const struct policy_blob_trans *t, uint32_t key[4])
{
	key[0] = t->source;
	key[1] = t->target;
	key[2] = t->tclass;
	key[3] = t->cond;
}

/* TRANS is optional; when present every value is checked as for AVTAB and
 * new_type too, so policy_compute_create() only ever returns a type value
 * of this policy (or 0). */
static int check_trans(const struct policy *p, struct policy_error *err)
{
	uint32_t prev[4] = { 0 };

	for (uint32_t i = 0; i < p->trans_count; i++) {
		struct policy_blob_trans t;
		uint32_t key[4];
		int rc;

		memcpy(&t, p->trans + (size_t)i * sizeof(t), sizeof(t));
		rc = check_rule_key(p, err, "TRANS", i, t.source, t.target, t.tclass, t.cond);
		if (rc != 0) {
			return rc;
		}
		if (t.new_type == 0 || t.new_type > p->type_count) {
			return refuse(err, "TRANS %u: new type value %u not in 1..%u", i,
				      t.new_type, p->type_count);
		}
		if (t.pad != 0) {
			return refuse(err, "TRANS %u: pad 0x%x != 0", i, t.pad);
		}
		trans_key(&t, key);
		rc = check_rule_order(err, "TRANS", i, key_cmp(prev, key, 4));
		if (rc != 0) {
			return rc;
		}
		memcpy(prev, key, sizeof(prev));
	}
	return 0;
}

static int check_bools(struct policy *p, struct policy_error *err)
{
	if (p->bool_count > POLICY_MAX_BOOLS) {
		return refuse(err, "%u booleans > %u", p->bool_count, POLICY_MAX_BOOLS);
	}
	for (uint32_t i = 0; i < p->bool_count; i++) {
		struct policy_blob_bool b;

		memcpy(&b, p->bools + (size_t)i * sizeof(b), sizeof(b));
		if (!name_ok(p, b.name)) {
			return refuse(err, "bool %u: name offset %u out of STRTAB", i, b.name);
		}
		if (b.default_state > 1) {
			return refuse(err, "bool %u: default %u not 0/1", i, b.default_state);
		}
		p->bool_state[i] = b.default_state != 0;
	}
	return 0;
}

static int check_isids(const struct policy *p, struct policy_error *err)
{
	for (uint32_t i = 0; i < p->isid_count; i++) {
		struct policy_blob_isid s;

		memcpy(&s, p->isids + (size_t)i * sizeof(s), sizeof(s));
		if (!name_ok(p, s.name)) {
			return refuse(err, "initial SID %u: name offset %u out of STRTAB", i, s.name);
		}
		if (s.user == 0 || s.user > p->user_count || s.role == 0 ||
		    s.role > p->role_count || s.type == 0 || s.type > p->type_count) {
			return refuse(err, "initial SID %u: context %u:%u:%u out of range", i,
				      s.user, s.role, s.type);
		}
	}
	return 0;
}

int policy_load(struct policy *p, const void *buf, size_t len, struct policy_error *err)
{
	struct policy_blob_section sec[POLICY_SEC_MAX + 1];
	struct policy_blob_header h;
	uint8_t digest[SHA256_DIGEST_SIZE];
	const uint8_t *body;
	struct policy np;
	int rc;

	if (len < sizeof(h)) {
		return refuse(err, "blob of %lu bytes shorter than its header", (unsigned long)len);
	}
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, POLICY_BLOB_MAGIC, sizeof(h.magic)) != 0) {
		return refuse(err, "bad magic");
	}
	if (h.version != POLICY_BLOB_VERSION) {
		return refuse(err, "unknown version %u", h.version);
	}
	if (h.header_size != sizeof(h)) {
		return refuse(err, "header_size %u != %lu", h.header_size, (unsigned long)sizeof(h));
	}
	if (h.body_size != len - sizeof(h)) {
		return refuse(err, "body_size %lu != blob length - header %lu",
			      (unsigned long)h.body_size, (unsigned long)(len - sizeof(h)));
	}
	body = (const uint8_t *)buf + sizeof(h);
	sha256(body, h.body_size, digest);
	if (memcmp(digest, h.body_sha256, sizeof(digest)) != 0) {
		return refuse(err, "body SHA-256 mismatch");
	}
	if (h.flags != 0) {
		return refuse(err, "flags 0x%x != 0 (MLS is not supported)", h.flags);
	}
	rc = load_sections(body, h.body_size, h.section_count, sec, err);
	if (rc != 0) {
		return rc;
	}

	memset(&np, 0, sizeof(np));
#define SEC(field, count_field, t)                           \
	do {                                                 \
		np.field = body + sec[t].offset;             \
		np.count_field = sec[t].count;               \
	} while (0)
	SEC(strtab, strtab_size, POLICY_SEC_STRTAB);
	SEC(types, type_count, POLICY_SEC_TYPES);
	SEC(classes, class_count, POLICY_SEC_CLASSES);
	SEC(perms, perm_count, POLICY_SEC_PERMS);
	SEC(avtab, av_count, POLICY_SEC_AVTAB);
	SEC(bools, bool_count, POLICY_SEC_BOOLS);
	SEC(users, user_count, POLICY_SEC_USERS);
	SEC(roles, role_count, POLICY_SEC_ROLES);
	SEC(isids, isid_count, POLICY_SEC_INITSIDS);
	SEC(trans, trans_count, POLICY_SEC_TRANS);
#undef SEC
	if (np.trans_count == 0) {
		np.trans = NULL;
	}

	if (np.strtab_size == 0 || np.strtab[np.strtab_size - 1] != '\0') {
		return refuse(err, "STRTAB does not end in NUL");
	}
	if (np.type_count > POLICY_MAX_VALUES || np.class_count > POLICY_MAX_VALUES ||
	    np.user_count > POLICY_MAX_VALUES || np.role_count > POLICY_MAX_VALUES) {
		return refuse(err, "more than %u types, classes, users or roles",
			      POLICY_MAX_VALUES);
	}
	rc = check_names(&np, np.types, np.type_count, "type", err);
	if (rc == 0) {
		rc = check_names(&np, np.perms, np.perm_count, "perm", err);
	}
	if (rc == 0) {
		rc = check_names(&np, np.users, np.user_count, "user", err);
	}
	if (rc == 0) {
		rc = check_names(&np, np.roles, np.role_count, "role", err);
	}
	if (rc == 0) {
		rc = check_classes(&np, err);
	}
	if (rc == 0) {
		rc = check_bools(&np, err);
	}
	if (rc == 0) {
		rc = check_avtab(&np, err);
	}
	if (rc == 0) {
		rc = check_isids(&np, err);
	}
	if (rc == 0) {
		rc = check_trans(&np, err);
	}
	if (rc != 0) {
		return rc;
	}

	/* Commit: nothing below can fail. */
	np.load_gen = ++policy_load_gen;
	np.bool_gen = 0;
	*p = np;
	if (err != NULL) {
		err->msg[0] = '\0';
	}
	return 0;
}
