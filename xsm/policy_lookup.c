/*
 * The security server's lookups over a loaded policy: access vectors by
 * binary search over the sorted AVTAB (conditional rules evaluated with the
 * current boolean values), new objects' types by binary search over the
 * sorted TRANS, names to values and back, and context strings.
 *
 * Every structure here was checked by policy_load(); the values callers pass
 * in (types, classes, indices) were not, so each is range-checked and goes
 * through index_nospec() before it indexes a table. Nothing here allocates
 * or fails noisily: an unknown name or value is -XEN_EINVAL or NULL.
 */
#include <hv/lib.h>
#include <public/errno.h>
#include <xsm/policy_read.h>

/*@ requires \valid_read(p) && i < p->av_count && \valid_read(p->avtab + (0 .. 16 * p->av_count - 1));
    requires \valid(a) && \separated(a, p->avtab + (0 .. 16 * p->av_count - 1));
    assigns *a;
    ensures a->source == av_source(p->avtab, i) && a->target == av_target(p->avtab, i);
    ensures a->tclass == av_tclass(p->avtab, i) && a->kind == av_kind(p->avtab, i);
    ensures a->perms == av_perms(p->avtab, i) && a->cond == av_cond(p->avtab, i); */
static void get_av(const struct policy *p, uint32_t i, struct policy_blob_av *a)
{
	blob_av_at(p->avtab, (uint32_t)index_nospec(i, p->av_count), a);
}

/*@ requires \valid_read(p) && 1 <= value <= p->class_count;
    requires \valid_read(p->classes + (0 .. 16 * p->class_count - 1));
    requires \valid(c) && \separated(c, p->classes + (0 .. 16 * p->class_count - 1));
    assigns *c;
    ensures c->name == cls_name(p->classes, value);
    ensures c->perm_first == cls_perm_first(p->classes, value);
    ensures c->perm_count == cls_perm_count(p->classes, value); */
static void get_class(const struct policy *p, uint32_t value, struct policy_blob_class *c)
{
	blob_class_at(p->classes, (uint32_t)index_nospec(value - 1, p->class_count), c);
}

/* A checked STRTAB offset; the STRTAB ends in NUL so the name does too. */
static const char *str_at(const struct policy *p, uint32_t off)
{
	return (const char *)p->strtab + index_nospec(off, p->strtab_size);
}

static bool name_eq(const struct policy *p, uint32_t off, const char *name, size_t len)
{
	const char *s = str_at(p, off);
	size_t avail = p->strtab_size - off;

	/* The name must be exactly len bytes, then its NUL. */
	return len < avail && memcmp(s, name, len) == 0 && s[len] == '\0';
}

/* Both rule tables are sorted by (source, target, tclass) first: whether
 * (s, t, c) sorts before the key (ks, kt, kc). */
/*@ assigns \nothing;
    ensures \result <==> key_lt(s, t, c, ks, kt, kc); */
static bool key_before(uint16_t s, uint16_t t, uint16_t c, uint16_t ks, uint16_t kt, uint16_t kc)
{
	if (s != ks) {
		return s < ks;
	}
	if (t != kt) {
		return t < kt;
	}
	return c < kc;
}

/* Rules for (stype, ttype, tclass) are contiguous in the sorted AVTAB;
 * return the index of the first (or av_count if none). */
/*@ requires \valid_read(p) && pol_av_ok(*p);
    assigns \nothing;
    ensures 0 <= \result <= p->av_count;
    ensures \forall integer j; 0 <= j < \result ==> av_key_lt(p->avtab, j, stype, ttype, tclass);
    ensures \forall integer j; \result <= j < p->av_count ==>
      !av_key_lt(p->avtab, j, stype, ttype, tclass);
    ensures found_at: \forall integer j; 0 <= j < p->av_count && av_key_is(p->avtab, j, stype, ttype, tclass)
      ==> \result <= j;
    ensures found: \forall integer j; \result <= j < p->av_count &&
      av_key_is(p->avtab, j, stype, ttype, tclass) ==> av_key_is(p->avtab, \result, stype, ttype, tclass); */
static uint32_t av_first(const struct policy *p, uint16_t stype, uint16_t ttype, uint16_t tclass)
{
	uint32_t lo = 0, hi = p->av_count;

	/*@ loop invariant 0 <= lo <= hi <= p->av_count;
	    loop invariant \forall integer j; 0 <= j < lo ==> av_key_lt(p->avtab, j, stype, ttype, tclass);
	    loop invariant \forall integer j; 0 <= j < lo ==> !av_key_is(p->avtab, j, stype, ttype, tclass);
	    loop invariant \forall integer j; hi <= j < p->av_count ==>
	      !av_key_lt(p->avtab, j, stype, ttype, tclass);
	    loop assigns lo, hi;
	    loop variant hi - lo; */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		struct policy_blob_av a;

		get_av(p, mid, &a);
		if (key_before(a.source, a.target, a.tclass, stype, ttype, tclass)) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/*@ requires \valid_read(p) && pol_bools_ok(*p) && pol_cond_ok(cond, p->bool_count);
    assigns \nothing;
    ensures \result <==> pol_cond_holds(*p, cond); */
static bool cond_holds(const struct policy *p, uint32_t cond)
{
	uint32_t b;

	if (cond == 0) {
		return true;
	}
	/* The loader checked 1 <= b <= bool_count <= POLICY_MAX_BOOLS. */
	b = (cond & ~POLICY_COND_WHEN_FALSE) - 1;
	return p->bool_state[index_nospec(b, POLICY_MAX_BOOLS)] ==
	       ((cond & POLICY_COND_WHEN_FALSE) == 0);
}

/* The class's valid permission bits; 0 for an unknown class. */
/*@ requires \valid_read(p) && pol_classes_ok(*p);
    assigns \nothing;
    ensures tclass == 0 || tclass > p->class_count ==> \result == 0; */
static uint32_t class_perm_mask(const struct policy *p, uint16_t tclass)
{
	struct policy_blob_class c;

	if (tclass == 0 || tclass > p->class_count) {
		return 0;
	}
	get_class(p, tclass, &c);
	return c.perm_count >= 32 ? ~0U : (1U << c.perm_count) - 1;
}

/*@ requires \valid_read(p) && pol_av_ok(*p) && pol_classes_ok(*p) && pol_bools_ok(*p);
    requires \valid(out) && \separated(out, p);
    requires \separated(out, p->avtab + (0 .. 16 * p->av_count - 1));
    assigns *out;
    behavior no_rule:
      assumes !\exists integer j; 0 <= j < p->av_count && av_key_is(p->avtab, j, stype, ttype, tclass);
      ensures out->allowed == 0 && out->auditallow == 0;
      ensures out->auditdeny == 0xffffffff;
    behavior unknown_class:
      assumes tclass == 0 || tclass > p->class_count;
      ensures out->allowed == 0 && out->auditallow == 0; */
void policy_compute_av(const struct policy *p, uint16_t stype, uint16_t ttype, uint16_t tclass,
		       struct av_decision *out)
{
	uint32_t dontaudit = 0, mask = class_perm_mask(p, tclass);
	uint32_t first = av_first(p, stype, ttype, tclass), i;

	out->allowed = 0;
	out->auditallow = 0;
	/* The loop sees exactly the rules for the key (asserted at its end). */
	/*@ loop invariant first <= i <= p->av_count;
	    loop invariant \forall integer j; first <= j < i ==> av_key_is(p->avtab, j, stype, ttype, tclass);
	    loop invariant i > first ==> av_key_is(p->avtab, first, stype, ttype, tclass);
	    loop invariant i == first ==> out->allowed == 0 && out->auditallow == 0 && dontaudit == 0;
	    loop assigns i, dontaudit, out->allowed, out->auditallow;
	    loop variant p->av_count - i; */
	for (i = first; i < p->av_count; i++) {
		struct policy_blob_av a;

		get_av(p, i, &a);
		if (a.source != stype || a.target != ttype || a.tclass != tclass) {
			/* Entry i sorts after the key, so does every later one. */
			/*@ assert after_key: key_lt(stype, ttype, tclass, av_source(p->avtab, i),
			      av_target(p->avtab, i), av_tclass(p->avtab, i)); */
			/*@ assert later_not_below: \forall integer j; i < j < p->av_count ==>
			      !key_lt(av_source(p->avtab, j), av_target(p->avtab, j), av_tclass(p->avtab, j),
			              av_source(p->avtab, i), av_target(p->avtab, i), av_tclass(p->avtab, i)); */
			/*@ assert rest_other_keys: \forall integer j; i <= j < p->av_count ==>
			      !av_key_is(p->avtab, j, stype, ttype, tclass); */
			break;
		}
		if (!cond_holds(p, a.cond)) {
			continue;
		}
		if (a.kind == POLICY_AV_ALLOWED) {
			out->allowed |= a.perms;
		} else if (a.kind == POLICY_AV_AUDITALLOW) {
			out->auditallow |= a.perms;
		} else {
			dontaudit |= a.perms;
		}
	}
	/*@ assert every_rule_seen: \forall integer j; 0 <= j < p->av_count &&
	      av_key_is(p->avtab, j, stype, ttype, tclass) ==> first <= j < i; */
	/* Bits the class does not define are never granted. */
	out->allowed &= mask;
	out->auditallow &= mask;
	out->auditdeny = ~dontaudit;
}

/*@ requires \valid_read(p) && i < p->trans_count && \valid_read(p->trans + (0 .. 16 * p->trans_count - 1));
    requires \valid(t) && \separated(t, p->trans + (0 .. 16 * p->trans_count - 1));
    assigns *t;
    ensures t->source == tr_source(p->trans, i) && t->target == tr_target(p->trans, i);
    ensures t->tclass == tr_tclass(p->trans, i) && t->new_type == tr_new_type(p->trans, i);
    ensures t->cond == tr_cond(p->trans, i); */
static void get_trans(const struct policy *p, uint32_t i, struct policy_blob_trans *t)
{
	blob_trans_at(p->trans, (uint32_t)index_nospec(i, p->trans_count), t);
}

/* Transitions for (stype, ttype, tclass) are contiguous in the sorted TRANS
 * with the unconditional one (cond 0) first; an active conditional one
 * applies only when there is none. */
/*@ requires \valid_read(p) && pol_trans_ok(*p) && pol_bools_ok(*p);
    assigns \nothing;
    ensures \result != 0 ==> \exists integer j; 0 <= j < p->trans_count &&
      tr_key_is(p->trans, j, stype, ttype, tclass) && pol_cond_holds(*p, tr_cond(p->trans, j)) &&
      \result == tr_new_type(p->trans, j);
    ensures \result == 0 <==> \forall integer j; 0 <= j < p->trans_count &&
      tr_key_is(p->trans, j, stype, ttype, tclass) ==> !pol_cond_holds(*p, tr_cond(p->trans, j));
    ensures unconditional_wins: \forall integer j; 0 <= j < p->trans_count &&
      tr_key_is(p->trans, j, stype, ttype, tclass) && tr_cond(p->trans, j) == 0 ==>
      \result == tr_new_type(p->trans, j); */
uint16_t policy_compute_create(const struct policy *p, uint16_t stype, uint16_t ttype,
			       uint16_t tclass)
{
	uint32_t lo = 0, hi = p->trans_count;

	/*@ loop invariant 0 <= lo <= hi <= p->trans_count;
	    loop invariant \forall integer j; 0 <= j < lo ==> tr_key_lt(p->trans, j, stype, ttype, tclass);
	    loop invariant \forall integer j; 0 <= j < lo ==> !tr_key_is(p->trans, j, stype, ttype, tclass);
	    loop invariant \forall integer j; hi <= j < p->trans_count ==>
	      !tr_key_lt(p->trans, j, stype, ttype, tclass);
	    loop assigns lo, hi;
	    loop variant hi - lo; */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		struct policy_blob_trans t;

		get_trans(p, mid, &t);
		if (key_before(t.source, t.target, t.tclass, stype, ttype, tclass)) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	/*@ loop invariant lo <= i <= p->trans_count;
	    loop invariant \forall integer j; lo <= j < i ==> tr_key_is(p->trans, j, stype, ttype, tclass) &&
	      !pol_cond_holds(*p, tr_cond(p->trans, j));
	    loop assigns i;
	    loop variant p->trans_count - i; */
	for (uint32_t i = lo; i < p->trans_count; i++) {
		struct policy_blob_trans t;

		get_trans(p, i, &t);
		if (t.source != stype || t.target != ttype || t.tclass != tclass) {
			/* As in policy_compute_av: no later entry has the key. */
			/*@ assert after_key: key_lt(stype, ttype, tclass, tr_source(p->trans, i),
			      tr_target(p->trans, i), tr_tclass(p->trans, i)); */
			/*@ assert later_not_below: \forall integer j; i < j < p->trans_count ==>
			      !key_lt(tr_source(p->trans, j), tr_target(p->trans, j), tr_tclass(p->trans, j),
			              tr_source(p->trans, i), tr_target(p->trans, i), tr_tclass(p->trans, i)); */
			/*@ assert rest_other_keys: \forall integer j; i <= j < p->trans_count ==>
			      !tr_key_is(p->trans, j, stype, ttype, tclass); */
			break;
		}
		if (cond_holds(p, t.cond)) {
			return t.new_type;
		}
	}
	return 0;
}

static int find_name(const struct policy *p, const uint8_t *tab, uint32_t count,
		     const char *name, size_t len)
{
	for (uint32_t i = 0; i < count; i++) {
		if (name_eq(p, rd32(tab + (size_t)i * 4), name, len)) {
			return (int)i + 1;
		}
	}
	return -XEN_EINVAL;
}

int policy_type_value(const struct policy *p, const char *name, size_t len)
{
	return find_name(p, p->types, p->type_count, name, len);
}

int policy_user_value(const struct policy *p, const char *name, size_t len)
{
	return find_name(p, p->users, p->user_count, name, len);
}

int policy_role_value(const struct policy *p, const char *name, size_t len)
{
	return find_name(p, p->roles, p->role_count, name, len);
}

int policy_class_value(const struct policy *p, const char *name, size_t len)
{
	for (uint32_t v = 1; v <= p->class_count; v++) {
		struct policy_blob_class c;

		get_class(p, v, &c);
		if (name_eq(p, c.name, name, len)) {
			return (int)v;
		}
	}
	return -XEN_EINVAL;
}

int policy_bool_index(const struct policy *p, const char *name, size_t len)
{
	for (uint32_t i = 0; i < p->bool_count; i++) {
		struct policy_blob_bool b;

		memcpy(&b, p->bools + (size_t)i * sizeof(b), sizeof(b));
		if (name_eq(p, b.name, name, len)) {
			return (int)i;
		}
	}
	return -XEN_EINVAL;
}

int policy_perm_bit(const struct policy *p, uint16_t tclass, const char *name, size_t len)
{
	struct policy_blob_class c;

	if (tclass == 0 || tclass > p->class_count) {
		return -XEN_EINVAL;
	}
	get_class(p, tclass, &c);
	for (uint32_t i = 0; i < c.perm_count; i++) {
		uint32_t idx = (uint32_t)index_nospec(c.perm_first + i, p->perm_count);

		if (name_eq(p, rd32(p->perms + (size_t)idx * 4), name, len)) {
			return (int)i;
		}
	}
	return -XEN_EINVAL;
}

static const char *name_by_value(const struct policy *p, const uint8_t *tab, uint32_t count,
				 uint32_t value)
{
	if (value == 0 || value > count) {
		return NULL;
	}
	return str_at(p, rd32(tab + index_nospec(value - 1, count) * 4));
}

const char *policy_type_name(const struct policy *p, uint32_t value)
{
	return name_by_value(p, p->types, p->type_count, value);
}

const char *policy_user_name(const struct policy *p, uint32_t value)
{
	return name_by_value(p, p->users, p->user_count, value);
}

const char *policy_role_name(const struct policy *p, uint32_t value)
{
	return name_by_value(p, p->roles, p->role_count, value);
}

const char *policy_class_name(const struct policy *p, uint32_t value)
{
	struct policy_blob_class c;

	if (value == 0 || value > p->class_count) {
		return NULL;
	}
	get_class(p, value, &c);
	return str_at(p, c.name);
}

const char *policy_bool_name(const struct policy *p, uint32_t idx)
{
	struct policy_blob_bool b;

	if (idx >= p->bool_count) {
		return NULL;
	}
	memcpy(&b, p->bools + index_nospec(idx, p->bool_count) * sizeof(b), sizeof(b));
	return str_at(p, b.name);
}

int policy_bool_get(const struct policy *p, uint32_t idx)
{
	if (idx >= p->bool_count) {
		return -XEN_EINVAL;
	}
	return p->bool_state[index_nospec(idx, POLICY_MAX_BOOLS)] ? 1 : 0;
}

/* Changing a boolean changes access decisions: bool_gen tells every AVC
 * filled from this policy to flush before its next lookup. */
int policy_bool_set(struct policy *p, uint32_t idx, bool value)
{
	if (idx >= p->bool_count) {
		return -XEN_EINVAL;
	}
	p->bool_state[index_nospec(idx, POLICY_MAX_BOOLS)] = value;
	p->bool_gen++;
	return 0;
}

int policy_initsid_context(const struct policy *p, uint32_t idx, struct context *ctx)
{
	struct policy_blob_isid s;

	if (idx >= p->isid_count) {
		return -XEN_EINVAL;
	}
	memcpy(&s, p->isids + index_nospec(idx, p->isid_count) * sizeof(s), sizeof(s));
	ctx->user = s.user;
	ctx->role = s.role;
	ctx->type = s.type;
	return 0;
}

int policy_context_parse(const struct policy *p, const char *s, size_t len, struct context *ctx)
{
	size_t start = 0, field = 0;
	int v[3];

	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != ':') {
			continue;
		}
		if (field == 3) {
			return -XEN_EINVAL;	/* a fourth field: MLS is not supported */
		}
		if (field == 0) {
			v[0] = policy_user_value(p, s + start, i - start);
		} else if (field == 1) {
			v[1] = policy_role_value(p, s + start, i - start);
		} else {
			v[2] = policy_type_value(p, s + start, i - start);
		}
		if (v[field] < 0) {
			return -XEN_EINVAL;
		}
		field++;
		start = i + 1;
	}
	if (field != 3) {
		return -XEN_EINVAL;
	}
	ctx->user = (uint16_t)v[0];
	ctx->role = (uint16_t)v[1];
	ctx->type = (uint16_t)v[2];
	return 0;
}

int policy_context_format(const struct policy *p, const struct context *ctx, char *buf,
			  size_t size)
{
	const char *u = policy_user_name(p, ctx->user);
	const char *r = policy_role_name(p, ctx->role);
	const char *t = policy_type_name(p, ctx->type);

	if (u == NULL || r == NULL || t == NULL) {
		if (size > 0) {
			buf[0] = '\0';
		}
		return -XEN_EINVAL;
	}
	return fmt_snprintf(buf, size, "%s:%s:%s", u, r, t);
}
