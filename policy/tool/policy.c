/*
 * policy-tool: turns checkpolicy's binary (policy.30, read with the static
 * libsepol) into the flat blob of xsm/policy_blob.h, and analyses which
 * domain types may communicate.
 *
 *   policy-tool blob IN.30 OUT.blob
 *   policy-tool report IN.30
 *   policy-tool assert-isolated IN.30 A B [-t TRUSTED]... [-n]
 *
 * Blob choices (the format is xsm/policy_blob.h; these fill its gaps):
 * - TYPES keeps libsepol's type values (index = value - 1). An attribute's
 *   slot is named "@" + the attribute name and is never referenced by AVTAB
 *   or INITSIDS: rules on attributes are expanded to every member type.
 *   A value with no type at all (a gap) gets the empty name (offset 0).
 * - STRTAB starts with "" (offset 0); equal names share one offset.
 * - Sections are in type order, each starting 8-byte aligned in the body.
 * - AUDITDENY (perms audited when denied) becomes DONTAUDIT = ~data masked
 *   to the class's permissions, emitted only when non-zero.
 * - Conditional rules: only `b` and `!b` (one boolean) are accepted; `!b`
 *   swaps the true and false lists.
 * - TRANS holds the type_transition rules (filename-less; AVTAB_TRANSITION),
 *   attributes expanded as for AV rules, conditional ones with their cond.
 *   Two rules for one (source, target, class, cond) must agree on the new
 *   type (checkpolicy refuses conflicting ones already). type_member and
 *   type_change rules are not in the blob.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sepol/policydb/avtab.h>
#include <sepol/policydb/conditional.h>
#include <sepol/policydb/ebitmap.h>
#include <sepol/policydb/hashtab.h>
#include <sepol/policydb/policydb.h>

#include "digest.h"
#include <xsm/policy_blob.h>

static const char *prog = "policy-tool";

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

/* ---- reading ------------------------------------------------------------ */

static void load(policydb_t *p, const char *path)
{
	policy_file_t pf;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		die("%s: %s", path, strerror(errno));
	if (policydb_init(p))
		die("policydb_init failed");
	policy_file_init(&pf);
	pf.type = PF_USE_STDIO;
	pf.fp = fp;
	if (policydb_read(p, &pf, 0))
		die("%s: not a binary policy libsepol can read", path);
	fclose(fp);
	if (p->policy_type != POLICY_KERN)
		die("%s: not a kernel (binary) policy", path);
	if (p->mls)
		die("%s: MLS policies are not supported (blob flags must be 0)", path);
	if (p->p_types.nprim > 0xffff || p->p_classes.nprim > 0xffff)
		die("%s: more types or classes than 16-bit values hold", path);
	if (!p->attr_type_map)
		die("%s: libsepol built no attribute map", path);
}

static int is_attr(const policydb_t *p, uint32_t val)
{
	const type_datum_t *t = p->type_val_to_struct[val - 1];

	return t && t->flavor == TYPE_ATTRIB;
}

static const char *type_name(const policydb_t *p, uint32_t val)
{
	const char *n = val && val <= p->p_types.nprim ? p->p_type_val_to_name[val - 1] : NULL;

	return n ? n : "?";
}

static uint32_t type_value(const policydb_t *p, const char *name)
{
	type_datum_t *t = hashtab_search(p->p_types.table, (hashtab_key_t)name);

	if (!t)
		die("no type '%s' in the policy", name);
	if (t->flavor == TYPE_ATTRIB)
		die("'%s' is an attribute, not a type", name);
	return t->s.value;
}

/* Class permissions by bit: common permissions and the class's own. */
struct cls {
	const char *name;
	uint32_t nperm;
	const char *perm[32];
};

struct perm_fill {
	struct cls *c;
	const char *cname;
};

static int fill_perm(hashtab_key_t k, hashtab_datum_t d, void *arg)
{
	struct perm_fill *f = arg;
	uint32_t v = ((perm_datum_t *)d)->s.value;

	if (v < 1 || v > 32)
		die("class %s: permission %s has value %u (not 1..32)", f->cname, k, v);
	if (f->c->perm[v - 1])
		die("class %s: two permissions with value %u", f->cname, v);
	f->c->perm[v - 1] = k;
	if (v > f->c->nperm)
		f->c->nperm = v;
	return 0;
}

static struct cls *read_classes(policydb_t *p)
{
	uint32_t n = p->p_classes.nprim;
	struct cls *cs = calloc(n ? n : 1, sizeof(*cs));

	if (!cs)
		die("out of memory");
	for (uint32_t i = 0; i < n; i++) {
		class_datum_t *cd = p->class_val_to_struct[i];
		struct perm_fill f = { &cs[i], p->p_class_val_to_name[i] };

		cs[i].name = p->p_class_val_to_name[i];
		if (!cd)
			continue;
		if (cd->comdatum)
			hashtab_map(cd->comdatum->permissions.table, fill_perm, &f);
		hashtab_map(cd->permissions.table, fill_perm, &f);
		for (uint32_t b = 0; b < cs[i].nperm; b++)
			if (!cs[i].perm[b])
				die("class %s: no permission with value %u", cs[i].name, b + 1);
	}
	return cs;
}

static uint32_t perm_mask(const policydb_t *p, const struct cls *cs, const char *cname,
			  const char *const *perms, uint32_t *cval)
{
	class_datum_t *cd = hashtab_search(p->p_classes.table, (hashtab_key_t)cname);
	uint32_t m = 0;

	*cval = 0;
	if (!cd)
		return 0;
	*cval = cd->s.value;
	for (; *perms; perms++)
		for (uint32_t b = 0; b < cs[*cval - 1].nperm; b++)
			if (!strcmp(cs[*cval - 1].perm[b], *perms))
				m |= 1U << b;
	return m;
}

/* ---- the flattened access vectors ---------------------------------------- */

struct avs {
	struct policy_blob_av *v;
	size_t n, cap;
	struct policy_blob_trans *tr;	/* type_transition rules */
	size_t tn, tcap;
	const policydb_t *p;
	const struct cls *cs;
	uint32_t cond;
};

static void av_push(struct avs *a, uint32_t s, uint32_t t, uint32_t c, uint32_t kind,
		    uint32_t perms)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 1024;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = (struct policy_blob_av){ (uint16_t)s, (uint16_t)t, (uint16_t)c,
						(uint16_t)kind, perms, a->cond };
}

static void trans_push(struct avs *a, uint32_t s, uint32_t t, uint32_t c, uint32_t new_type)
{
	if (a->tn == a->tcap) {
		a->tcap = a->tcap ? 2 * a->tcap : 256;
		a->tr = xrealloc(a->tr, a->tcap * sizeof(*a->tr));
	}
	a->tr[a->tn++] = (struct policy_blob_trans){ (uint16_t)s, (uint16_t)t, (uint16_t)c,
						     (uint16_t)new_type, a->cond, 0 };
}

/* A type_transition rule: one TRANS entry per (source type, target type). */
static void trans_add(struct avs *a, const avtab_key_t *k, const avtab_datum_t *d)
{
	const policydb_t *p = a->p;
	ebitmap_node_t *sn, *tn;
	unsigned int si, ti;

	if (!d->data || d->data > p->p_types.nprim || is_attr(p, d->data))
		die("type_transition %s %s:%u to value %u: not a type", type_name(p, k->source_type),
		    type_name(p, k->target_type), k->target_class, d->data);
	ebitmap_for_each_positive_bit(&p->attr_type_map[k->source_type - 1], sn, si)
		ebitmap_for_each_positive_bit(&p->attr_type_map[k->target_type - 1], tn, ti) {
			if (is_attr(p, si + 1) || is_attr(p, ti + 1))
				die("attribute expanded to an attribute");
			trans_push(a, si + 1, ti + 1, k->target_class, d->data);
		}
}

static int av_add(avtab_key_t *k, avtab_datum_t *d, void *arg)
{
	struct avs *a = arg;
	const policydb_t *p = a->p;
	uint32_t spec = k->specified & ~AVTAB_ENABLED, kind, perms = d->data, cmask;
	ebitmap_node_t *sn, *tn;
	unsigned int si, ti;

	if (spec != AVTAB_TRANSITION && (spec & ~AVTAB_AV))
		return 0; /* member/change rules and extended permissions: not in the blob */
	if (!k->target_class || k->target_class > p->p_classes.nprim ||
	    !k->source_type || k->source_type > p->p_types.nprim ||
	    !k->target_type || k->target_type > p->p_types.nprim)
		die("rule with a value out of range");
	if (spec == AVTAB_TRANSITION) {
		trans_add(a, k, d);
		return 0;
	}
	cmask = a->cs[k->target_class - 1].nperm >= 32 ? ~0U :
		(1U << a->cs[k->target_class - 1].nperm) - 1;
	switch (spec) {
	case AVTAB_ALLOWED:
		kind = POLICY_AV_ALLOWED;
		break;
	case AVTAB_AUDITALLOW:
		kind = POLICY_AV_AUDITALLOW;
		break;
	case AVTAB_AUDITDENY:
		kind = POLICY_AV_DONTAUDIT;
		perms = ~perms;
		break;
	default:
		die("rule with specified = 0x%x", spec);
	}
	perms &= cmask;
	if (!perms)
		return 0;
	/* attr_type_map[v - 1] holds v itself for a type, the members for an
	 * attribute (types only: attributes do not nest in a binary policy). */
	ebitmap_for_each_positive_bit(&p->attr_type_map[k->source_type - 1], sn, si)
		ebitmap_for_each_positive_bit(&p->attr_type_map[k->target_type - 1], tn, ti) {
			if (is_attr(p, si + 1) || is_attr(p, ti + 1))
				die("attribute expanded to an attribute");
			av_push(a, si + 1, ti + 1, k->target_class, kind, perms);
		}
	return 0;
}

static int av_cmp(const void *x, const void *y)
{
	const struct policy_blob_av *a = x, *b = y;

	if (a->source != b->source)
		return a->source < b->source ? -1 : 1;
	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	if (a->tclass != b->tclass)
		return a->tclass < b->tclass ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->cond != b->cond)
		return a->cond < b->cond ? -1 : 1;
	return 0;
}

static int trans_cmp(const void *x, const void *y)
{
	const struct policy_blob_trans *a = x, *b = y;

	if (a->source != b->source)
		return a->source < b->source ? -1 : 1;
	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	if (a->tclass != b->tclass)
		return a->tclass < b->tclass ? -1 : 1;
	if (a->cond != b->cond)
		return a->cond < b->cond ? -1 : 1;
	return 0;
}

static void flatten(policydb_t *p, const struct cls *cs, struct avs *a)
{
	memset(a, 0, sizeof(*a));
	a->p = p;
	a->cs = cs;
	avtab_map(&p->te_avtab, av_add, a);
	for (cond_node_t *cn = p->cond_list; cn; cn = cn->next) {
		cond_expr_t *e = cn->expr;
		cond_av_list_t *tl = cn->true_list, *fl = cn->false_list;

		if (e && e->expr_type == COND_BOOL && e->next && e->next->expr_type == COND_NOT &&
		    !e->next->next) {
			tl = cn->false_list; /* !b: postfix "b !" */
			fl = cn->true_list;
		} else if (!e || e->expr_type != COND_BOOL || e->next) {
			die("conditional expression is not a single boolean (or its negation): "
			    "the blob's cond holds one boolean only");
		}
		if (!e->bool || e->bool > p->p_bools.nprim)
			die("conditional on boolean value %u out of range", e->bool);
		a->cond = e->bool;
		for (cond_av_list_t *l = tl; l; l = l->next)
			av_add(&l->node->key, &l->node->datum, a);
		a->cond = e->bool | POLICY_COND_WHEN_FALSE;
		for (cond_av_list_t *l = fl; l; l = l->next)
			av_add(&l->node->key, &l->node->datum, a);
	}
	a->cond = 0;
	qsort(a->v, a->n, sizeof(*a->v), av_cmp);
	size_t o = 0;
	for (size_t i = 0; i < a->n; i++) {
		if (o && !av_cmp(&a->v[o - 1], &a->v[i]))
			a->v[o - 1].perms |= a->v[i].perms;
		else
			a->v[o++] = a->v[i];
	}
	a->n = o;
	qsort(a->tr, a->tn, sizeof(*a->tr), trans_cmp);
	o = 0;
	for (size_t i = 0; i < a->tn; i++) {
		if (o && !trans_cmp(&a->tr[o - 1], &a->tr[i])) {
			if (a->tr[o - 1].new_type != a->tr[i].new_type)
				die("type_transition %s %s:%u: two new types (%s, %s)",
				    type_name(p, a->tr[i].source), type_name(p, a->tr[i].target),
				    a->tr[i].tclass, type_name(p, a->tr[o - 1].new_type),
				    type_name(p, a->tr[i].new_type));
		} else {
			a->tr[o++] = a->tr[i];
		}
	}
	a->tn = o;
}

/* Is the rule active? defaults: booleans at their default; otherwise any
 * conditional rule counts (booleans can change at run time). */
static int cond_active(const policydb_t *p, uint32_t cond, int defaults)
{
	uint32_t b = cond & ~POLICY_COND_WHEN_FALSE;

	if (!cond || !defaults)
		return 1;
	return !!p->bool_val_to_struct[b - 1]->state == !(cond & POLICY_COND_WHEN_FALSE);
}

static uint32_t allowed(const struct avs *a, uint32_t s, uint32_t t, uint32_t c, int defaults)
{
	struct policy_blob_av key = { (uint16_t)s, (uint16_t)t, (uint16_t)c, POLICY_AV_ALLOWED, 0, 0 };
	size_t lo = 0, hi = a->n;
	uint32_t m = 0;

	if (!c)
		return 0;
	while (lo < hi) { /* first entry >= key (cond 0 is the smallest) */
		size_t mid = (lo + hi) / 2;

		if (av_cmp(&a->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < a->n && a->v[lo].source == s && a->v[lo].target == t &&
	       a->v[lo].tclass == c && a->v[lo].kind == POLICY_AV_ALLOWED; lo++)
		if (cond_active(a->p, a->v[lo].cond, defaults))
			m |= a->v[lo].perms;
	return m;
}

/* ---- blob ------------------------------------------------------------------ */

struct buf {
	uint8_t *b;
	size_t n, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		while (b->n + n > b->cap)
			b->cap = b->cap ? 2 * b->cap : 4096;
		b->b = xrealloc(b->b, b->cap);
	}
	if (d)
		memcpy(b->b + b->n, d, n);
	else
		memset(b->b + b->n, 0, n);
	b->n += n;
}

static void put32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	put(b, x, 4);
}

static void put16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	put(b, x, 2);
}

static uint32_t str(struct buf *st, const char *s)
{
	size_t l = strlen(s);

	for (size_t off = 0; off < st->n; off += strlen((char *)st->b + off) + 1)
		if (!strcmp((char *)st->b + off, s))
			return (uint32_t)off;
	if (st->n + l + 1 > 0xffffffffU)
		die("string table too large");
	put(st, s, l + 1);
	return (uint32_t)(st->n - l - 1);
}

/* The binary keeps no initial SID names, only values: Moat uses Xen's
 * twelve, in policy/flask/initial_sids's order (value = position + 1). */
static const char *const isid_names[] = {
	"xen", "dom0", "domio", "domxen", "unlabeled", "security",
	"ioport", "iomem", "irq", "device", "domU", "domDM",
};

static const char *isid_name(const ocontext_t *oc, char *tmp, size_t len)
{
	if (oc->u.name)
		return oc->u.name;
	if (oc->sid[0] >= 1 && oc->sid[0] <= sizeof(isid_names) / sizeof(isid_names[0]))
		return isid_names[oc->sid[0] - 1];
	snprintf(tmp, len, "sid%u", oc->sid[0]);
	return tmp;
}

struct isid {
	uint32_t sid;
	const char *name;	/* strdup'ed */
	uint32_t user, role, type;
};

static int isid_cmp(const void *x, const void *y)
{
	const struct isid *a = x, *b = y;

	return a->sid < b->sid ? -1 : a->sid > b->sid;
}

static int cmd_blob(const char *in, const char *out)
{
	policydb_t pol, *p = &pol;
	struct cls *cs;
	struct avs a;
	struct buf st = { 0 }, sec[POLICY_SEC_MAX + 1] = { { 0 } };
	uint32_t cnt[POLICY_SEC_MAX + 1] = { 0 };
	char nb[1024];

	load(p, in);
	cs = read_classes(p);
	flatten(p, cs, &a);

	put(&st, "", 1);
	for (uint32_t v = 1; v <= p->p_types.nprim; v++) {
		const char *n = p->p_type_val_to_name[v - 1];

		if (n && is_attr(p, v)) {
			snprintf(nb, sizeof(nb), "@%s", n);
			n = nb;
		}
		put32(&sec[POLICY_SEC_TYPES], str(&st, n ? n : ""));
		cnt[POLICY_SEC_TYPES]++;
	}
	for (uint32_t c = 0; c < p->p_classes.nprim; c++) {
		put32(&sec[POLICY_SEC_CLASSES], str(&st, cs[c].name ? cs[c].name : ""));
		put32(&sec[POLICY_SEC_CLASSES], cnt[POLICY_SEC_PERMS]);
		put32(&sec[POLICY_SEC_CLASSES], cs[c].nperm);
		put32(&sec[POLICY_SEC_CLASSES], 0);
		cnt[POLICY_SEC_CLASSES]++;
		for (uint32_t b = 0; b < cs[c].nperm; b++) {
			put32(&sec[POLICY_SEC_PERMS], str(&st, cs[c].perm[b]));
			cnt[POLICY_SEC_PERMS]++;
		}
	}
	for (size_t i = 0; i < a.n; i++) {
		put16(&sec[POLICY_SEC_AVTAB], a.v[i].source);
		put16(&sec[POLICY_SEC_AVTAB], a.v[i].target);
		put16(&sec[POLICY_SEC_AVTAB], a.v[i].tclass);
		put16(&sec[POLICY_SEC_AVTAB], a.v[i].kind);
		put32(&sec[POLICY_SEC_AVTAB], a.v[i].perms);
		put32(&sec[POLICY_SEC_AVTAB], a.v[i].cond);
	}
	cnt[POLICY_SEC_AVTAB] = (uint32_t)a.n;
	for (size_t i = 0; i < a.tn; i++) {
		put16(&sec[POLICY_SEC_TRANS], a.tr[i].source);
		put16(&sec[POLICY_SEC_TRANS], a.tr[i].target);
		put16(&sec[POLICY_SEC_TRANS], a.tr[i].tclass);
		put16(&sec[POLICY_SEC_TRANS], a.tr[i].new_type);
		put32(&sec[POLICY_SEC_TRANS], a.tr[i].cond);
		put32(&sec[POLICY_SEC_TRANS], 0);
	}
	cnt[POLICY_SEC_TRANS] = (uint32_t)a.tn;
	for (uint32_t b = 0; b < p->p_bools.nprim; b++) {
		put32(&sec[POLICY_SEC_BOOLS], str(&st, p->p_bool_val_to_name[b]));
		put32(&sec[POLICY_SEC_BOOLS], p->bool_val_to_struct[b]->state ? 1 : 0);
		cnt[POLICY_SEC_BOOLS]++;
	}
	for (uint32_t u = 0; u < p->p_users.nprim; u++) {
		const char *n = p->p_user_val_to_name[u];

		put32(&sec[POLICY_SEC_USERS], str(&st, n ? n : ""));
		cnt[POLICY_SEC_USERS]++;
	}
	for (uint32_t r = 0; r < p->p_roles.nprim; r++) {
		const char *n = p->p_role_val_to_name[r];

		put32(&sec[POLICY_SEC_ROLES], str(&st, n ? n : ""));
		cnt[POLICY_SEC_ROLES]++;
	}
	{
		size_t n = 0;
		struct isid *is = NULL;
		char tmp[16];

		for (ocontext_t *oc = p->ocontexts[OCON_ISID]; oc; oc = oc->next) {
			is = xrealloc(is, (n + 1) * sizeof(*is));
			is[n] = (struct isid){ oc->sid[0], strdup(isid_name(oc, tmp, sizeof(tmp))),
					       oc->context[0].user, oc->context[0].role,
					       oc->context[0].type };
			n++;
		}
		qsort(is, n, sizeof(*is), isid_cmp);
		for (size_t i = 0; i < n; i++) {
			if (!is[i].name)
				die("out of memory");
			if (is[i].user > 0xffff || is[i].role > 0xffff || is[i].type > 0xffff ||
			    (is[i].type && is_attr(p, is[i].type)))
				die("initial SID %s: context out of range", is[i].name);
			put32(&sec[POLICY_SEC_INITSIDS], str(&st, is[i].name ? is[i].name : ""));
			put16(&sec[POLICY_SEC_INITSIDS], (uint16_t)is[i].user);
			put16(&sec[POLICY_SEC_INITSIDS], (uint16_t)is[i].role);
			put16(&sec[POLICY_SEC_INITSIDS], (uint16_t)is[i].type);
			put16(&sec[POLICY_SEC_INITSIDS], 0);
			cnt[POLICY_SEC_INITSIDS]++;
		}
		for (size_t i = 0; i < n; i++)
			free((char *)is[i].name);
		free(is);
	}
	sec[POLICY_SEC_STRTAB] = st;
	cnt[POLICY_SEC_STRTAB] = (uint32_t)st.n;

	/* Body: section table, then each section 8-byte aligned. Required
	 * sections are always present (possibly empty); optional ones only when
	 * they hold something. */
	uint32_t nsec = 0;
	for (uint32_t t = 1; t <= POLICY_SEC_MAX; t++)
		if (t <= POLICY_SEC_AVTAB || sec[t].n)
			nsec++;
	struct buf body = { 0 };
	uint64_t off = (uint64_t)nsec * sizeof(struct policy_blob_section);
	for (uint32_t t = 1; t <= POLICY_SEC_MAX; t++) {
		if (!(t <= POLICY_SEC_AVTAB || sec[t].n))
			continue;
		off = (off + 7) & ~7ULL;
		put32(&body, t);
		put32(&body, cnt[t]);
		put32(&body, (uint32_t)off);
		put32(&body, (uint32_t)(off >> 32));
		put32(&body, (uint32_t)sec[t].n);
		put32(&body, (uint32_t)((uint64_t)sec[t].n >> 32));
		off += sec[t].n;
	}
	for (uint32_t t = 1; t <= POLICY_SEC_MAX; t++) {
		if (!(t <= POLICY_SEC_AVTAB || sec[t].n))
			continue;
		put(&body, NULL, ((body.n + 7) & ~(size_t)7) - body.n);
		put(&body, sec[t].b, sec[t].n);
	}

	struct buf hdr = { 0 };
	uint8_t h[TOOL_SHA256_SIZE];
	tool_sha256(body.b, body.n, h);
	put(&hdr, POLICY_BLOB_MAGIC, 8);
	put32(&hdr, POLICY_BLOB_VERSION);
	put32(&hdr, sizeof(struct policy_blob_header));
	put32(&hdr, (uint32_t)body.n);
	put32(&hdr, (uint32_t)((uint64_t)body.n >> 32));
	put(&hdr, h, sizeof(h));
	put32(&hdr, nsec);
	put32(&hdr, 0);
	if (hdr.n != sizeof(struct policy_blob_header))
		die("internal: header is %zu bytes", hdr.n);

	FILE *fp = fopen(out, "wb");
	if (!fp || fwrite(hdr.b, 1, hdr.n, fp) != hdr.n ||
	    fwrite(body.b, 1, body.n, fp) != body.n || fclose(fp))
		die("%s: %s", out, strerror(errno));
	printf("%s: %zu bytes, %u sections: types %u, classes %u, perms %u, av %u, "
	       "bools %u, users %u, roles %u, initsids %u, trans %u, strtab %u bytes\n",
	       out, hdr.n + body.n, nsec, cnt[POLICY_SEC_TYPES], cnt[POLICY_SEC_CLASSES],
	       cnt[POLICY_SEC_PERMS], cnt[POLICY_SEC_AVTAB], cnt[POLICY_SEC_BOOLS],
	       cnt[POLICY_SEC_USERS], cnt[POLICY_SEC_ROLES], cnt[POLICY_SEC_INITSIDS],
	       cnt[POLICY_SEC_TRANS], cnt[POLICY_SEC_STRTAB]);
	return 0;
}

/* ---- analysis ---------------------------------------------------------- */

struct comm {
	uint32_t ev, gr, mm;		/* class values (0: class absent) */
	uint32_t ev_send, ev_bind, ev_mask, gr_mask, mm_mask;
};

static void comm_init(const policydb_t *p, const struct cls *cs, struct comm *c)
{
	static const char *const send[] = { "send", NULL }, *const bind[] = { "bind", NULL };
	static const char *const ev[] = { "send", "bind", NULL };
	static const char *const gr[] = { "map_read", "map_write", "copy", NULL };
	static const char *const mm[] = { "map_read", "map_write", NULL };

	c->ev_send = perm_mask(p, cs, "event", send, &c->ev);
	c->ev_bind = perm_mask(p, cs, "event", bind, &c->ev);
	c->ev_mask = perm_mask(p, cs, "event", ev, &c->ev);
	c->gr_mask = perm_mask(p, cs, "grant", gr, &c->gr);
	c->mm_mask = perm_mask(p, cs, "mmu", mm, &c->mm);
}

static void print_perms(const struct cls *cs, uint32_t c, uint32_t m)
{
	const char *sep = "{";

	for (uint32_t b = 0; b < 32; b++)
		if (m & (1U << b)) {
			printf("%s%s", sep, cs[c - 1].perm[b]);
			sep = " ";
		}
	printf("}");
}

static int cmd_report(const char *in)
{
	policydb_t pol, *p = &pol;
	struct cls *cs;
	struct avs a;
	struct comm c;
	type_datum_t *dt;
	uint32_t *dom = NULL, nd = 0, nt, pairs = 0;
	ebitmap_node_t *n;
	unsigned int i;

	load(p, in);
	cs = read_classes(p);
	flatten(p, cs, &a);
	comm_init(p, cs, &c);
	nt = p->p_types.nprim;
	dt = hashtab_search(p->p_types.table, (hashtab_key_t) "domain_type");
	if (!dt || dt->flavor != TYPE_ATTRIB)
		die("%s: no attribute domain_type", in);
	ebitmap_for_each_positive_bit(&p->attr_type_map[dt->s.value - 1], n, i) {
		dom = xrealloc(dom, (nd + 1) * sizeof(*dom));
		dom[nd++] = i + 1;
	}
	printf("# %u domain types; booleans at their defaults. A -> B: what A may do to B\n", nd);
	for (uint32_t x = 0; x < nd; x++)
		for (uint32_t y = 0; y < nd; y++) {
			uint32_t A = dom[x], B = dom[y], m;
			int any = 0;

			if (A == B)
				continue;
			printf("%s -> %s:", type_name(p, A), type_name(p, B));
			if ((m = allowed(&a, A, B, c.ev, 1) & c.ev_mask)) {
				printf(" event ");
				print_perms(cs, c.ev, m);
				any = 1;
			}
			/* A's channels (A may send on X) that may be bound to B. */
			for (uint32_t X = 1; X <= nt && c.ev; X++) {
				if (X == A || X == B || is_attr(p, X))
					continue;
				if ((allowed(&a, A, X, c.ev, 1) & c.ev_send) &&
				    (allowed(&a, X, B, c.ev, 1) & c.ev_bind)) {
					printf(" event(send via %s, bound to %s)", type_name(p, X),
					       type_name(p, B));
					any = 1;
				}
			}
			if ((m = allowed(&a, A, B, c.gr, 1) & c.gr_mask)) {
				printf(" grant ");
				print_perms(cs, c.gr, m);
				any = 1;
			}
			if ((m = allowed(&a, A, B, c.mm, 1) & c.mm_mask)) {
				printf(" foreign-memory ");
				print_perms(cs, c.mm, m);
				any = 1;
			}
			if (!any)
				printf(" none");
			else
				pairs++;
			printf("\n");
		}
	printf("# %u ordered pairs may communicate\n", pairs);
	return 0;
}

struct edge {
	uint32_t s, t, cls, perms;
};

static int cmd_isolated(int argc, char **argv)
{
	policydb_t pol, *p = &pol;
	struct cls *cs;
	struct avs a;
	struct comm c;
	uint32_t A, B, nt, ne = 0;
	struct edge *e = NULL;
	int defaults = 1;
	const char **extra = NULL;
	int nextra = 0;
	char nb[16];

	if (argc < 3)
		die("usage: assert-isolated IN.30 A B [-t TRUSTED]... [-n]");
	load(p, argv[0]);
	cs = read_classes(p);
	flatten(p, cs, &a);
	comm_init(p, cs, &c);
	nt = p->p_types.nprim;
	A = type_value(p, argv[1]);
	B = type_value(p, argv[2]);
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "-n")) {
			defaults = 0;
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			extra = xrealloc(extra, (size_t)(nextra + 1) * sizeof(*extra));
			extra[nextra++] = argv[++i];
		} else {
			die("assert-isolated: unknown argument '%s'", argv[i]);
		}
	}

	/* Trusted types may not be intermediates of a path: by default the
	 * dom0 initial SID's type (the control domain) and the types its
	 * objects get by type_transition (its event channels). */
	char *trusted = calloc(nt + 1, 1);
	if (!trusted)
		die("out of memory");
	if (defaults)
		for (ocontext_t *oc = p->ocontexts[OCON_ISID]; oc; oc = oc->next)
			if (!strcmp(isid_name(oc, nb, sizeof(nb)), "dom0") && oc->context[0].type <= nt)
				trusted[oc->context[0].type] = 1;
	for (int i = 0; i < nextra; i++)
		trusted[type_value(p, extra[i])] = 1;
	for (uint32_t h = 0; h < p->te_avtab.nslot; h++)
		for (avtab_ptr_t an = p->te_avtab.htable[h]; an; an = an->next) {
			ebitmap_node_t *sn;
			unsigned int si;

			if (!(an->key.specified & AVTAB_TRANSITION) || !an->datum.data ||
			    an->datum.data > nt || is_attr(p, an->datum.data))
				continue;
			ebitmap_for_each_positive_bit(&p->attr_type_map[an->key.source_type - 1], sn, si)
				if (trusted[si + 1] == 1)
					trusted[an->datum.data] = 2;
		}

	/* Edges: allow rules (any boolean state) on the communication perms. */
	for (size_t i = 0; i < a.n; i++) {
		const struct policy_blob_av *v = &a.v[i];
		uint32_t m = 0;

		if (v->kind != POLICY_AV_ALLOWED || v->source == v->target)
			continue;
		if (c.ev && v->tclass == c.ev)
			m = v->perms & c.ev_mask;
		else if (c.gr && v->tclass == c.gr)
			m = v->perms & c.gr_mask;
		else if (c.mm && v->tclass == c.mm)
			m = v->perms & c.mm_mask;
		if (!m)
			continue;
		e = xrealloc(e, (ne + 1) * sizeof(*e));
		e[ne++] = (struct edge){ v->source, v->target, v->tclass, m };
	}

	/* Breadth-first search over the undirected graph. */
	uint32_t *prev = calloc(nt + 1, sizeof(*prev)), *pedge = calloc(nt + 1, sizeof(*pedge));
	uint32_t *q = calloc(nt + 1, sizeof(*q)), qh = 0, qt = 0;
	if (!prev || !pedge || !q)
		die("out of memory");
	prev[A] = A;
	q[qt++] = A;
	while (qh < qt && !prev[B]) {
		uint32_t u = q[qh++];

		if (u != A && trusted[u])
			continue;
		for (uint32_t i = 0; i < ne; i++) {
			uint32_t w = e[i].s == u ? e[i].t : e[i].t == u ? e[i].s : 0;

			if (!w || prev[w])
				continue;
			prev[w] = u;
			pedge[w] = i;
			q[qt++] = w;
		}
	}
	if (!prev[B]) {
		printf("isolated: no path between %s and %s over event/grant/mmu allow rules",
		       argv[1], argv[2]);
		const char *sep = " (not through trusted:";
		for (uint32_t t = 1; t <= nt; t++)
			if (trusted[t]) {
				printf("%s %s", sep, type_name(p, t));
				sep = "";
			}
		printf("%s\n", *sep ? "" : ")");
		return 0;
	}
	printf("NOT isolated: path from %s to %s:\n", argv[1], argv[2]);
	for (uint32_t w = B; w != A; w = prev[w]) {
		const struct edge *ed = &e[pedge[w]];

		printf("  allow %s %s:%s ", type_name(p, ed->s), type_name(p, ed->t),
		       cs[ed->cls - 1].name);
		print_perms(cs, ed->cls, ed->perms);
		printf(";\n");
	}
	return 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s blob IN.30 OUT.blob\n"
		"       %s report IN.30\n"
		"       %s assert-isolated IN.30 A B [-t TRUSTED]... [-n]\n"
		"  -t: another type a path may not pass through; -n: drop the default\n"
		"      trusted set (dom0's initial-SID type and its type_transition objects)\n",
		prog, prog, prog);
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "blob") && argc == 4)
		return cmd_blob(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "report"))
		return cmd_report(argv[2]);
	if (argc >= 5 && !strcmp(argv[1], "assert-isolated"))
		return cmd_isolated(argc - 2, argv + 2);
	usage();
}
