/*
 * The policy loader: checks every byte of a blob (xsm/policy_blob.h) a file
 * or the toolstack handed us, then publishes it in one step. Decode then
 * commit: all checks run into a local struct, *p is written only at the end.
 * It must never trust a count, offset or index before checking it, never
 * allocate, and never panic: a bad blob is -XEN_EINVAL and a message.
 *
 * Elements are read a byte at a time (xsm/policy_read.h).
 *
 * The ACSL contracts are proved by verify/wp (see verify/README.md): at the
 * commit *p satisfies policy_ok() (xsm/policy.h), which is what
 * policy_lookup.c's contracts require.
 */
#include <attest/sha.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/policy_read.h>


/* Unique per successful load so the AVC can tell two policies apart even
 * when one replaces the other in the same struct. */
static uint32_t policy_load_gen;

/* Formatting is not verified: the contract is what the proofs assume. */
/*@ requires err == \null || \valid(err);
    assigns *err;
    ensures \result == -XEN_EINVAL; */
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

/*@ logic integer sec_esize(integer t) =
      t == POLICY_SEC_STRTAB ? 1 : t == POLICY_SEC_TYPES ? 4 : t == POLICY_SEC_CLASSES ? 16 :
      t == POLICY_SEC_PERMS ? 4 : t == POLICY_SEC_AVTAB ? 16 : t == POLICY_SEC_BOOLS ? 8 :
      t == POLICY_SEC_USERS ? 4 : t == POLICY_SEC_ROLES ? 4 : t == POLICY_SEC_INITSIDS ? 12 :
      t == POLICY_SEC_TRANS ? 16 : 0;
    // A section entry that fits the body: what load_sections() leaves in sec[t].
    predicate sec_fits(struct policy_blob_section s, integer t, integer body_size) =
      s.size == s.count * sec_esize(t) && s.offset + s.size <= body_size;
*/

/* Values are u16 in AVTAB and contexts, so at most this many of each. */
#define POLICY_MAX_VALUES 0xffffU

/*@ requires \valid_read(b + (0 .. 23)) && \valid(s);
    assigns *s;
    ensures s->type == pol_u32(b) && s->count == pol_u32(b + 4);
    ensures s->offset == pol_u64(b + 8) && s->size == pol_u64(b + 16); */
static void get_section(const uint8_t *b, struct policy_blob_section *s)
{
	s->type = rd32(b);
	s->count = rd32(b + 4);
	s->offset = rd64(b + 8);
	s->size = rd64(b + 16);
}

/* Check the section table; fill sec[type] (zeroed when absent). */
/*@ requires body_size == 0 || \valid_read(body + (0 .. body_size - 1));
    requires \valid(sec + (0 .. POLICY_SEC_MAX));
    requires err == \null || \valid(err);
    assigns sec[0 .. POLICY_SEC_MAX], *err;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> \forall integer t; 0 <= t <= POLICY_SEC_MAX ==>
      sec_fits(sec[t], t, body_size); */
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
	/*@ loop invariant 0 <= z <= POLICY_SEC_MAX + 1;
	    loop invariant \forall integer t; 0 <= t < z ==>
	      sec[t].size == 0 && sec[t].count == 0 && sec[t].offset == 0;
	    loop assigns z, sec[0 .. POLICY_SEC_MAX];
	    loop variant POLICY_SEC_MAX + 1 - z; */
	for (uint32_t z = 0; z <= POLICY_SEC_MAX; z++) {
		sec[z].type = 0;
		sec[z].count = 0;
		sec[z].offset = 0;
		sec[z].size = 0;
	}
	/*@ loop invariant 0 <= i <= count;
	    loop invariant \forall integer t; 0 <= t <= POLICY_SEC_MAX ==> sec_fits(sec[t], t, body_size);
	    loop assigns i, seen[0 .. POLICY_SEC_MAX], sec[0 .. POLICY_SEC_MAX];
	    loop variant count - i; */
	for (uint32_t i = 0; i < count; i++) {
		struct policy_blob_section s;
		uint32_t t;

		get_section(body + (size_t)i * sizeof(s), &s);
		if (s.type == 0 || s.type > POLICY_SEC_MAX) {
			return refuse(err, "section %u: unknown type %u", i, s.type);
		}
		t = (uint32_t)index_nospec(s.type, POLICY_SEC_MAX + 1);
		/*@ assert esize: sec_elem_size[t] == sec_esize(t) && sec_elem_size[t] <= 16; */
		/*@ assert no_wrap: s.count * sec_elem_size[t] <= 16 * 0xffffffff; */
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
		/*@ loop invariant 1 <= o <= POLICY_SEC_MAX + 1;
		    loop assigns o;
		    loop variant POLICY_SEC_MAX + 1 - o; */
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
		/*@ assert sec_fits(s, t, body_size); */
		sec[t] = s;
	}
	/*@ loop invariant POLICY_SEC_STRTAB <= t <= POLICY_SEC_AVTAB + 1;
	    loop assigns t;
	    loop variant POLICY_SEC_AVTAB + 1 - t; */
	for (uint32_t t = POLICY_SEC_STRTAB; t <= POLICY_SEC_AVTAB; t++) {
		if (!seen[t]) {
			return refuse(err, "missing required %s section", sec_names[t]);
		}
	}
	return 0;
}

/*@ requires \valid_read(p);
    assigns \nothing;
    ensures \result <==> off < p->strtab_size; */
static bool name_ok(const struct policy *p, uint32_t off)
{
	return off < p->strtab_size;
}

/* A section of u32 name offsets (TYPES, PERMS, USERS, ROLES). */
/*@ requires \valid_read(p) && pol_table(tab, count, 4);
    requires err == \null || \valid(err);
    assigns *err;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> pol_names_ok(tab, count, p->strtab_size); */
static int check_names(const struct policy *p, const uint8_t *tab, uint32_t count,
		       const char *what, struct policy_error *err)
{
	/*@ loop invariant 0 <= i <= count;
	    loop invariant \forall integer k; 0 <= k < i ==> pol_u32(tab + 4 * k) < p->strtab_size;
	    loop assigns i;
	    loop variant count - i; */
	for (uint32_t i = 0; i < count; i++) {
		uint32_t off = rd32(tab + (size_t)i * 4);

		if (!name_ok(p, off)) {
			return refuse(err, "%s %u: name offset %u out of STRTAB", what, i, off);
		}
	}
	return 0;
}

/*@ requires \valid_read(p) && pol_table(p->classes, p->class_count, 16);
    requires err == \null || \valid(err);
    assigns *err;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> pol_classes_ok(*p); */
static int check_classes(const struct policy *p, struct policy_error *err)
{
	/*@ loop invariant 0 <= i <= p->class_count;
	    loop invariant \forall integer v; 1 <= v <= i ==>
	      cls_name(p->classes, v) < p->strtab_size && cls_perm_count(p->classes, v) <= 32 &&
	      cls_perm_first(p->classes, v) + cls_perm_count(p->classes, v) <= p->perm_count;
	    loop assigns i;
	    loop variant p->class_count - i; */
	for (uint32_t i = 0; i < p->class_count; i++) {
		struct policy_blob_class c;

		blob_class_at(p->classes, i, &c);
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

/* A rule's sort key: its fields in comparison order (AVTAB uses all five,
 * TRANS the first four). */
struct rule_key {
	uint32_t f[5];
};

/*@ logic integer lex_cmp(struct rule_key a, struct rule_key b, integer i, integer n) =
      i >= n ? 0 : a.f[i] != b.f[i] ? (a.f[i] < b.f[i] ? -1 : 1) : lex_cmp(a, b, i + 1, n);

    lemma lex_cmp_5: \forall struct rule_key a, b; lex_cmp(a, b, 0, 5) < 0 ==>
      a.f[0] < b.f[0] || (a.f[0] == b.f[0] && (a.f[1] < b.f[1] || (a.f[1] == b.f[1] &&
      (a.f[2] < b.f[2] || (a.f[2] == b.f[2] && (a.f[3] < b.f[3] ||
      (a.f[3] == b.f[3] && a.f[4] < b.f[4])))))));
    lemma lex_cmp_4: \forall struct rule_key a, b; lex_cmp(a, b, 0, 4) < 0 ==>
      a.f[0] < b.f[0] || (a.f[0] == b.f[0] && (a.f[1] < b.f[1] || (a.f[1] == b.f[1] &&
      (a.f[2] < b.f[2] || (a.f[2] == b.f[2] && a.f[3] < b.f[3])))));
    // A range inside a readable range is readable.
    lemma sub_range{L}: \forall uint8_t *body, integer bsize, off, size;
      0 <= off && 0 <= size && off + size <= bsize &&
      (bsize == 0 || \valid_read(body + (0 .. bsize - 1))) ==>
      size == 0 || \valid_read((body + off) + (0 .. size - 1));
    lemma av_lt_trans{L}: \forall uint8_t *t, integer i, j, k;
      av_lt(t, i, j) && av_lt(t, j, k) ==> av_lt(t, i, k);
    lemma tr_lt_trans{L}: \forall uint8_t *t, integer i, j, k;
      tr_lt(t, i, j) && tr_lt(t, j, k) ==> tr_lt(t, i, k);
*/

/* Lexicographic order of the first n fields of two sort keys: -1, 0 or 1. */
/*@ requires \valid_read(a) && \valid_read(b) && n <= 5;
    assigns \nothing;
    ensures \result == lex_cmp(*a, *b, 0, n); */
static int key_cmp(const struct rule_key *a, const struct rule_key *b, size_t n)
{
	/*@ loop invariant 0 <= i <= n;
	    loop invariant lex_cmp(*a, *b, 0, n) == lex_cmp(*a, *b, i, n);
	    loop assigns i;
	    loop variant n - i; */
	for (size_t i = 0; i < n; i++) {
		if (a->f[i] != b->f[i]) {
			return a->f[i] < b->f[i] ? -1 : 1;
		}
	}
	return 0;
}

/* A rule's cond: 0, or a boolean index + 1 that names a boolean (with or
 * without POLICY_COND_WHEN_FALSE). */
/*@ requires \valid_read(p);
    assigns \nothing;
    ensures \result <==> pol_cond_ok(cond, p->bool_count); */
static bool cond_ok(const struct policy *p, uint32_t cond)
{
	uint32_t b = cond & ~POLICY_COND_WHEN_FALSE;

	return cond == 0 || (b != 0 && b <= p->bool_count);
}

/* What AVTAB and TRANS entries share: source and target types, class and
 * cond in range. table names the section in the message. */
/*@ requires \valid_read(p) && (err == \null || \valid(err));
    assigns *err;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 <==> pol_rule_ok(source, target, tclass, cond, *p); */
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
/*@ requires err == \null || \valid(err);
    assigns *err;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 <==> (i == 0 || c < 0); */
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
/*@ requires \valid_read(a) && \valid(key) && \separated(key, a);
    assigns *key;
    ensures key->f[0] == a->source && key->f[1] == a->target && key->f[2] == a->tclass;
    ensures key->f[3] == a->kind && key->f[4] == a->cond; */
static void av_key(const struct policy_blob_av *a, struct rule_key *key)
{
	key->f[0] = a->source;
	key->f[1] = a->target;
	key->f[2] = a->tclass;
	key->f[3] = a->kind;
	key->f[4] = a->cond;
}

/*@ requires \valid_read(p) && pol_table(p->avtab, p->av_count, 16);
    requires err == \null || \valid(err);
    assigns *err;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> pol_av_ok(*p); */
static int check_avtab(const struct policy *p, struct policy_error *err)
{
	struct rule_key prev = { { 0 } };

	/*@ loop invariant 0 <= i <= p->av_count;
	    loop invariant \forall integer k; 0 <= k < i ==> pol_av_entry_ok(*p, k);
	    loop invariant av_sorted(p->avtab, i);
	    loop invariant i > 0 ==> prev.f[0] == av_source(p->avtab, i - 1) &&
	      prev.f[1] == av_target(p->avtab, i - 1) && prev.f[2] == av_tclass(p->avtab, i - 1) &&
	      prev.f[3] == av_kind(p->avtab, i - 1) && prev.f[4] == av_cond(p->avtab, i - 1);
	    loop assigns i, prev, *err;
	    loop variant p->av_count - i; */
	for (uint32_t i = 0; i < p->av_count; i++) {
		struct policy_blob_av a;
		struct rule_key key;
		int rc;

		blob_av_at(p->avtab, i, &a);
		rc = check_rule_key(p, err, "AVTAB", i, a.source, a.target, a.tclass, a.cond);
		if (rc != 0) {
			return rc;
		}
		if (a.kind != POLICY_AV_ALLOWED && a.kind != POLICY_AV_AUDITALLOW &&
		    a.kind != POLICY_AV_DONTAUDIT) {
			return refuse(err, "AVTAB %u: kind 0x%x is not exactly one kind", i, a.kind);
		}
		/*@ assert pol_av_entry_ok(*p, i); */
		av_key(&a, &key);
		rc = check_rule_order(err, "AVTAB", i, key_cmp(&prev, &key, 5));
		if (rc != 0) {
			return rc;
		}
		/*@ assert i > 0 ==> av_lt(p->avtab, i - 1, i); */
		/*@ assert \forall integer k; 0 <= k < i ==> av_lt(p->avtab, k, i); */
		prev = key;
	}
	return 0;
}

/* TRANS's sort key: (source, target, tclass, cond). */
/*@ requires \valid_read(t) && \valid(key) && \separated(key, t);
    assigns *key;
    ensures key->f[0] == t->source && key->f[1] == t->target && key->f[2] == t->tclass;
    ensures key->f[3] == t->cond && key->f[4] == 0; */
static void trans_key(const struct policy_blob_trans *t, struct rule_key *key)
{
	key->f[0] = t->source;
	key->f[1] = t->target;
	key->f[2] = t->tclass;
	key->f[3] = t->cond;
	key->f[4] = 0;
}

/* TRANS is optional; when present every value is checked as for AVTAB and
 * new_type too, so policy_compute_create() only ever returns a type value
 * of this policy (or 0). */
/*@ requires \valid_read(p) && pol_table(p->trans, p->trans_count, 16);
    requires err == \null || \valid(err);
    assigns *err;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> pol_trans_ok(*p); */
static int check_trans(const struct policy *p, struct policy_error *err)
{
	struct rule_key prev = { { 0 } };

	/*@ loop invariant 0 <= i <= p->trans_count;
	    loop invariant \forall integer k; 0 <= k < i ==> pol_tr_entry_ok(*p, k);
	    loop invariant tr_sorted(p->trans, i);
	    loop invariant i > 0 ==> prev.f[0] == tr_source(p->trans, i - 1) &&
	      prev.f[1] == tr_target(p->trans, i - 1) && prev.f[2] == tr_tclass(p->trans, i - 1) &&
	      prev.f[3] == tr_cond(p->trans, i - 1);
	    loop assigns i, prev, *err;
	    loop variant p->trans_count - i; */
	for (uint32_t i = 0; i < p->trans_count; i++) {
		struct policy_blob_trans t;
		struct rule_key key;
		int rc;

		blob_trans_at(p->trans, i, &t);
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
		/*@ assert pol_tr_entry_ok(*p, i); */
		trans_key(&t, &key);
		rc = check_rule_order(err, "TRANS", i, key_cmp(&prev, &key, 4));
		if (rc != 0) {
			return rc;
		}
		/*@ assert i > 0 ==> tr_lt(p->trans, i - 1, i); */
		/*@ assert \forall integer k; 0 <= k < i ==> tr_lt(p->trans, k, i); */
		prev = key;
	}
	return 0;
}

/*@ requires \valid(p) && pol_table(p->bools, p->bool_count, 8);
    requires err == \null || \valid(err);
    assigns *err, p->bool_state[0 .. POLICY_MAX_BOOLS - 1];
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> pol_bools_ok(*p) && pol_bool_names_ok(*p); */
static int check_bools(struct policy *p, struct policy_error *err)
{
	if (p->bool_count > POLICY_MAX_BOOLS) {
		return refuse(err, "%u booleans > %u", p->bool_count, POLICY_MAX_BOOLS);
	}
	/*@ loop invariant 0 <= i <= p->bool_count;
	    loop invariant \forall integer k; 0 <= k < i ==>
	      pol_u32(p->bools + 8 * k) < p->strtab_size && pol_u32(p->bools + (8 * k + 4)) <= 1;
	    loop assigns i, p->bool_state[0 .. POLICY_MAX_BOOLS - 1];
	    loop variant p->bool_count - i; */
	for (uint32_t i = 0; i < p->bool_count; i++) {
		struct policy_blob_bool b;

		b.name = rd32(p->bools + (size_t)i * sizeof(b));
		b.default_state = rd32(p->bools + (size_t)i * sizeof(b) + 4);
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

/*@ requires \valid_read(p) && pol_table(p->isids, p->isid_count, 12);
    requires err == \null || \valid(err);
    assigns *err;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> pol_isids_ok(*p); */
static int check_isids(const struct policy *p, struct policy_error *err)
{
	/*@ loop invariant 0 <= i <= p->isid_count;
	    loop invariant \forall integer k; 0 <= k < i ==>
	      pol_u32(p->isids + 12 * k) < p->strtab_size &&
	      1 <= pol_u16(p->isids + (12 * k + 4)) <= p->user_count &&
	      1 <= pol_u16(p->isids + (12 * k + 6)) <= p->role_count &&
	      1 <= pol_u16(p->isids + (12 * k + 8)) <= p->type_count;
	    loop assigns i;
	    loop variant p->isid_count - i; */
	for (uint32_t i = 0; i < p->isid_count; i++) {
		const uint8_t *e = p->isids + (size_t)i * sizeof(struct policy_blob_isid);
		struct policy_blob_isid s;

		s.name = rd32(e);
		s.user = rd16(e + 4);
		s.role = rd16(e + 6);
		s.type = rd16(e + 8);
		s.pad = rd16(e + 10);
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

/*@ // The sections policy_load() found, in place: each covers its count of
    // elements inside the body.
    predicate pol_sections_ok{L}(struct policy *p) =
      pol_table(p->strtab, p->strtab_size, 1) && pol_table(p->types, p->type_count, 4) &&
      pol_table(p->classes, p->class_count, 16) && pol_table(p->perms, p->perm_count, 4) &&
      pol_table(p->avtab, p->av_count, 16) && pol_table(p->bools, p->bool_count, 8) &&
      pol_table(p->users, p->user_count, 4) && pol_table(p->roles, p->role_count, 4) &&
      pol_table(p->isids, p->isid_count, 12) && pol_table(p->trans, p->trans_count, 16);
*/

/* Every check of a policy whose sections are in place (the strings, the
 * values' ranges, the tables' contents and order); 0 or -XEN_EINVAL. */
/*@ requires \valid(np) && pol_sections_ok(np);
    requires err == \null || \valid(err);
    assigns *err, np->bool_state[0 .. POLICY_MAX_BOOLS - 1];
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> policy_ok(*np); */
static int check_policy(struct policy *np, struct policy_error *err)
{
	int rc;

	if (np->strtab_size == 0 || np->strtab[np->strtab_size - 1] != '\0') {
		return refuse(err, "STRTAB does not end in NUL");
	}
	if (np->type_count > POLICY_MAX_VALUES || np->class_count > POLICY_MAX_VALUES ||
	    np->user_count > POLICY_MAX_VALUES || np->role_count > POLICY_MAX_VALUES) {
		return refuse(err, "more than %u types, classes, users or roles",
			      POLICY_MAX_VALUES);
	}
	rc = check_names(np, np->types, np->type_count, "type", err);
	if (rc == 0) {
		rc = check_names(np, np->perms, np->perm_count, "perm", err);
	}
	if (rc == 0) {
		rc = check_names(np, np->users, np->user_count, "user", err);
	}
	if (rc == 0) {
		rc = check_names(np, np->roles, np->role_count, "role", err);
	}
	if (rc == 0) {
		rc = check_classes(np, err);
	}
	if (rc == 0) {
		rc = check_bools(np, err);
	}
	if (rc == 0) {
		rc = check_avtab(np, err);
	}
	if (rc == 0) {
		rc = check_isids(np, err);
	}
	if (rc == 0) {
		rc = check_trans(np, err);
	}
	return rc;
}

/* memcmp() == 0 over bytes, in a form verify/wp can follow. */
/*@ requires \valid_read(a + (0 .. n - 1)) && \valid_read(b + (0 .. n - 1));
    assigns \nothing;
    ensures \result <==> \forall integer k; 0 <= k < n ==> a[k] == b[k]; */
static bool bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	/*@ loop invariant 0 <= k <= n;
	    loop invariant \forall integer j; 0 <= j < k ==> a[j] == b[j];
	    loop assigns k;
	    loop variant n - k; */
	for (size_t k = 0; k < n; k++) {
		if (a[k] != b[k]) {
			return false;
		}
	}
	return true;
}

/* Whether the body's SHA-256 is the one the header carries. Not proved by
 * verify/wp: sha256() takes `const void *`, which WP's typed memory model
 * cannot follow from a uint8_t pointer; this contract is assumed. */
/*@ requires len == 0 || \valid_read(body + (0 .. len - 1));
    requires \valid_read(expected + (0 .. SHA256_DIGEST_SIZE - 1));
    assigns \nothing; */
static bool body_digest_ok(const uint8_t *body, uint64_t len, const uint8_t *expected)
{
	uint8_t digest[SHA256_DIGEST_SIZE];

	sha256(body, len, digest);
	return bytes_eq(digest, expected, sizeof(digest));
}

/* The magic as bytes (no NUL), to compare with the blob's first 8. */
static const uint8_t blob_magic[8] = POLICY_BLOB_MAGIC;

/* A header field at its offset in struct policy_blob_header. */
#define HDR(field) (b + offsetof(struct policy_blob_header, field))

/* The header: magic, version, sizes, the body's digest and flags. */
/*@ requires len == 0 || \valid_read(b + (0 .. len - 1));
    requires err == \null || \valid(err);
    assigns *err;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> len >= sizeof(struct policy_blob_header); */
static int check_header(const uint8_t *b, size_t len, struct policy_error *err)
{
	uint32_t version, header_size, flags;
	uint64_t body_size;

	if (len < sizeof(struct policy_blob_header)) {
		return refuse(err, "blob of %lu bytes shorter than its header", (unsigned long)len);
	}
	if (!bytes_eq(b, blob_magic, sizeof(blob_magic))) {
		return refuse(err, "bad magic");
	}
	version = rd32(HDR(version));
	if (version != POLICY_BLOB_VERSION) {
		return refuse(err, "unknown version %u", version);
	}
	header_size = rd32(HDR(header_size));
	if (header_size != sizeof(struct policy_blob_header)) {
		return refuse(err, "header_size %u != %lu", header_size,
			      (unsigned long)sizeof(struct policy_blob_header));
	}
	body_size = rd64(HDR(body_size));
	if (body_size != len - sizeof(struct policy_blob_header)) {
		return refuse(err, "body_size %lu != blob length - header %lu",
			      (unsigned long)body_size,
			      (unsigned long)(len - sizeof(struct policy_blob_header)));
	}
	if (!body_digest_ok(b + sizeof(struct policy_blob_header), body_size, HDR(body_sha256))) {
		return refuse(err, "body SHA-256 mismatch");
	}
	flags = rd32(HDR(flags));
	if (flags != 0) {
		return refuse(err, "flags 0x%x != 0 (MLS is not supported)", flags);
	}
	return 0;
}

/* policy_load() over the blob's bytes. */
/*@ requires \valid(p) && (err == \null || \valid(err));
    requires len == 0 || \valid_read(b + (0 .. len - 1));
    assigns *p, *err, policy_load_gen;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result != 0 ==> *p == \old(*p); */
static int load_blob(struct policy *p, const uint8_t *b, size_t len, struct policy_error *err)
{
	struct policy_blob_section sec[POLICY_SEC_MAX + 1];
	const uint8_t *body;
	uint64_t body_size;
	struct policy np = { 0 };
	int rc;

	rc = check_header(b, len, err);
	if (rc != 0) {
		return rc;
	}
	/* The header's body_size, which check_header() found equal. */
	body = b + sizeof(struct policy_blob_header);
	body_size = len - sizeof(struct policy_blob_header);
	rc = load_sections(body, body_size, rd32(HDR(section_count)), sec, err);
	if (rc != 0) {
		return rc;
	}

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

	/*@ assert pol_table(np.strtab, np.strtab_size, 1); */
	/*@ assert pol_table(np.types, np.type_count, 4); */
	/*@ assert pol_table(np.classes, np.class_count, 16); */
	/*@ assert pol_table(np.perms, np.perm_count, 4); */
	/*@ assert pol_table(np.avtab, np.av_count, 16); */
	/*@ assert pol_table(np.bools, np.bool_count, 8); */
	/*@ assert pol_table(np.users, np.user_count, 4); */
	/*@ assert pol_table(np.roles, np.role_count, 4); */
	/*@ assert pol_table(np.isids, np.isid_count, 12); */
	/*@ assert pol_table(np.trans, np.trans_count, 16); */
	/* The generation this policy gets if it passes (bool_gen stays 0). */
	np.load_gen = policy_load_gen + 1;
	rc = check_policy(&np, err);
	if (rc != 0) {
		return rc;
	}
	/* Commit: nothing below can fail. */
	policy_load_gen = np.load_gen;
	*p = np;
	/* What policy_lookup.c's contracts require. (Proved here, at the
	 * commit; WP cannot carry \valid_read across the release of the
	 * locals at the return, so it is not an ensures clause.) */
	/*@ assert committed: policy_ok(*p); */
	if (err != NULL) {
		err->msg[0] = '\0';
	}
	return 0;
}
#undef HDR

int policy_load(struct policy *p, const void *buf, size_t len, struct policy_error *err)
{
	return load_blob(p, buf, len, err);
}
