/*
 * The FLASK security server's policy and its access vector cache.
 *
 * policy_load() checks a whole blob (xsm/policy_blob.h) before it writes
 * anything: on success struct policy points into the caller's buffer, which
 * must stay mapped and unchanged for as long as the policy is used; on
 * failure *p is untouched and err says why. Nothing here allocates, prints
 * or locks: callers serialise loads, boolean changes and lookups (the
 * policy lock) themselves.
 *
 * SIDs: for now a SID is simply a type value (1..type_count). The AVC and
 * policy_compute_av() take type values; a SID table mapping full contexts
 * to SIDs can come later without changing the AVC's key width.
 */
#ifndef XSM_POLICY_H
#define XSM_POLICY_H

#include <hv/types.h>
#include <xsm/policy_blob.h>

/* At most this many booleans; their current values live in struct policy. */
#define POLICY_MAX_BOOLS 64

struct policy_error {
	char msg[160];
};

/* Invariant after a successful load: every section pointer covers
 * count * element size bytes inside the caller's buffer; every name offset
 * is inside strtab, which ends in NUL; every class's perm range is inside
 * perms and at most 32 long; avtab is strictly sorted, its values in range;
 * bool_count <= POLICY_MAX_BOOLS and every cond names a boolean. */
struct policy {
	const uint8_t *strtab;
	uint32_t strtab_size;
	const uint8_t *types;		/* u32 name offsets */
	uint32_t type_count;
	const uint8_t *classes;		/* struct policy_blob_class */
	uint32_t class_count;
	const uint8_t *perms;		/* u32 name offsets */
	uint32_t perm_count;
	const uint8_t *avtab;		/* struct policy_blob_av */
	uint32_t av_count;
	const uint8_t *bools;		/* struct policy_blob_bool */
	uint32_t bool_count;
	const uint8_t *users;		/* u32 name offsets */
	uint32_t user_count;
	const uint8_t *roles;		/* u32 name offsets */
	uint32_t role_count;
	const uint8_t *isids;		/* struct policy_blob_isid */
	uint32_t isid_count;
	const uint8_t *trans;		/* struct policy_blob_trans (NULL if none) */
	uint32_t trans_count;
	/* Unique per successful load; bool_gen changes with every boolean
	 * change. The AVC compares both to know when to flush itself. */
	uint32_t load_gen;
	uint32_t bool_gen;
	bool bool_state[POLICY_MAX_BOOLS];
};

/*@ // The loaded policy as verify/wp sees it (ACSL; comments to the compiler).
  // The blob is read a byte at a time, little-endian (policy_load.c and
  // policy_lookup.c read it the same way), so fields are logic functions
  // of the bytes; the struct comment above is predicate policy_ok.

  logic integer pol_u16{L}(uint8_t *b) = b[0] + 256 * b[1];
  logic integer pol_u32{L}(uint8_t *b) = pol_u16(b) + 65536 * pol_u16(b + 2);
  logic integer pol_u64{L}(uint8_t *b) = pol_u32(b) + 4294967296 * pol_u32(b + 4);

  // Element i of a table of esize-byte elements can be read.
  predicate pol_table{L}(uint8_t *t, integer n, integer esize) =
    n == 0 || \valid_read(t + (0 .. n * esize - 1));

  // struct policy_blob_av i of AVTAB t.
  logic integer av_source{L}(uint8_t *t, integer i) = pol_u16(t + 16 * i);
  logic integer av_target{L}(uint8_t *t, integer i) = pol_u16(t + (16 * i + 2));
  logic integer av_tclass{L}(uint8_t *t, integer i) = pol_u16(t + (16 * i + 4));
  logic integer av_kind{L}(uint8_t *t, integer i) = pol_u16(t + (16 * i + 6));
  logic integer av_perms{L}(uint8_t *t, integer i) = pol_u32(t + (16 * i + 8));
  logic integer av_cond{L}(uint8_t *t, integer i) = pol_u32(t + (16 * i + 12));

  // struct policy_blob_trans i of TRANS t.
  logic integer tr_source{L}(uint8_t *t, integer i) = pol_u16(t + 16 * i);
  logic integer tr_target{L}(uint8_t *t, integer i) = pol_u16(t + (16 * i + 2));
  logic integer tr_tclass{L}(uint8_t *t, integer i) = pol_u16(t + (16 * i + 4));
  logic integer tr_new_type{L}(uint8_t *t, integer i) = pol_u16(t + (16 * i + 6));
  logic integer tr_cond{L}(uint8_t *t, integer i) = pol_u32(t + (16 * i + 8));
  logic integer tr_pad{L}(uint8_t *t, integer i) = pol_u32(t + (16 * i + 12));

  // struct policy_blob_class value v (index v - 1) of CLASSES t.
  logic integer cls_name{L}(uint8_t *t, integer v) = pol_u32(t + 16 * (v - 1));
  logic integer cls_perm_first{L}(uint8_t *t, integer v) = pol_u32(t + (16 * (v - 1) + 4));
  logic integer cls_perm_count{L}(uint8_t *t, integer v) = pol_u32(t + (16 * (v - 1) + 8));

  // The search key of both rule tables, (source, target, class), in order.
  predicate key_lt(integer s1, integer t1, integer c1, integer s2, integer t2, integer c2) =
    s1 < s2 || (s1 == s2 && (t1 < t2 || (t1 == t2 && c1 < c2)));
  predicate av_key_lt{L}(uint8_t *t, integer i, integer s, integer tt, integer c) =
    key_lt(av_source(t, i), av_target(t, i), av_tclass(t, i), s, tt, c);
  predicate av_key_is{L}(uint8_t *t, integer i, integer s, integer tt, integer c) =
    av_source(t, i) == s && av_target(t, i) == tt && av_tclass(t, i) == c;
  predicate tr_key_lt{L}(uint8_t *t, integer i, integer s, integer tt, integer c) =
    key_lt(tr_source(t, i), tr_target(t, i), tr_tclass(t, i), s, tt, c);
  predicate tr_key_is{L}(uint8_t *t, integer i, integer s, integer tt, integer c) =
    tr_source(t, i) == s && tr_target(t, i) == tt && tr_tclass(t, i) == c;

  // AVTAB's order: (source, target, tclass, kind, cond), strictly.
  predicate av_lt{L}(uint8_t *t, integer i, integer j) =
    key_lt(av_source(t, i), av_target(t, i), av_tclass(t, i),
           av_source(t, j), av_target(t, j), av_tclass(t, j)) ||
    (av_source(t, i) == av_source(t, j) && av_target(t, i) == av_target(t, j) &&
     av_tclass(t, i) == av_tclass(t, j) &&
     (av_kind(t, i) < av_kind(t, j) ||
      (av_kind(t, i) == av_kind(t, j) && av_cond(t, i) < av_cond(t, j))));
  predicate av_sorted{L}(uint8_t *t, integer n) =
    \forall integer i, j; 0 <= i < j < n ==> av_lt(t, i, j);

  // TRANS's order: (source, target, tclass, cond), strictly.
  predicate tr_lt{L}(uint8_t *t, integer i, integer j) =
    key_lt(tr_source(t, i), tr_target(t, i), tr_tclass(t, i),
           tr_source(t, j), tr_target(t, j), tr_tclass(t, j)) ||
    (tr_source(t, i) == tr_source(t, j) && tr_target(t, i) == tr_target(t, j) &&
     tr_tclass(t, i) == tr_tclass(t, j) && tr_cond(t, i) < tr_cond(t, j));
  predicate tr_sorted{L}(uint8_t *t, integer n) =
    \forall integer i, j; 0 <= i < j < n ==> tr_lt(t, i, j);

  lemma key_lt_total: \forall integer s1, t1, c1, s2, t2, c2;
    !key_lt(s1, t1, c1, s2, t2, c2) && !key_lt(s2, t2, c2, s1, t1, c1) ==>
    s1 == s2 && t1 == t2 && c1 == c2;

  lemma pol_no_dontaudit: \forall integer x; x == 0 ==> (uint32_t)~x == 0xffffffff;

  // What the lookups take from the order: keys never decrease.
  lemma av_lt_keys{L}: \forall uint8_t *t, integer i, j; av_lt(t, i, j) ==>
    !key_lt(av_source(t, j), av_target(t, j), av_tclass(t, j),
            av_source(t, i), av_target(t, i), av_tclass(t, i));
  lemma av_sorted_keys{L}: \forall uint8_t *t, integer n, i, j;
    av_sorted(t, n) ==> 0 <= i < j < n ==>
    !key_lt(av_source(t, j), av_target(t, j), av_tclass(t, j),
            av_source(t, i), av_target(t, i), av_tclass(t, i));
  lemma tr_lt_keys{L}: \forall uint8_t *t, integer i, j; tr_lt(t, i, j) ==>
    !key_lt(tr_source(t, j), tr_target(t, j), tr_tclass(t, j),
            tr_source(t, i), tr_target(t, i), tr_tclass(t, i));
  lemma tr_sorted_keys{L}: \forall uint8_t *t, integer n, i, j;
    tr_sorted(t, n) ==> 0 <= i < j < n ==>
    !key_lt(tr_source(t, j), tr_target(t, j), tr_tclass(t, j),
            tr_source(t, i), tr_target(t, i), tr_tclass(t, i));
  // ... and among the rules of one key, cond increases strictly.
  lemma tr_sorted_cond{L}: \forall uint8_t *t, integer n, i, j;
    tr_sorted(t, n) ==> 0 <= i < j < n ==>
    tr_source(t, i) == tr_source(t, j) && tr_target(t, i) == tr_target(t, j) &&
    tr_tclass(t, i) == tr_tclass(t, j) ==> tr_cond(t, i) < tr_cond(t, j);

  // A rule's cond: 0 (always) or a boolean index + 1, with bit 31 for
  // "while false".
  predicate pol_cond_ok(integer cond, integer bool_count) =
    cond == 0 || (1 <= (cond & 0x7fffffff) <= bool_count);
  predicate pol_cond_holds(struct policy p, integer cond) =
    cond == 0 ||
    p.bool_state[(cond & 0x7fffffff) - 1] == ((cond & 0x80000000) == 0 ? 1 : 0);

  predicate pol_rule_ok(integer s, integer t, integer c, integer cond, struct policy p) =
    1 <= s <= p.type_count && 1 <= t <= p.type_count &&
    1 <= c <= p.class_count && pol_cond_ok(cond, p.bool_count);

  // What policy_load() checks of AVTAB, TRANS and CLASSES, and what the
  // lookups rely on.
  predicate pol_av_entry_ok{L}(struct policy p, integer i) =
    pol_rule_ok(av_source(p.avtab, i), av_target(p.avtab, i), av_tclass(p.avtab, i),
                av_cond(p.avtab, i), p) &&
    (av_kind(p.avtab, i) == POLICY_AV_ALLOWED || av_kind(p.avtab, i) == POLICY_AV_AUDITALLOW ||
     av_kind(p.avtab, i) == POLICY_AV_DONTAUDIT);
  predicate pol_av_ok{L}(struct policy p) =
    pol_table(p.avtab, p.av_count, 16) && av_sorted(p.avtab, p.av_count) &&
    \forall integer i; 0 <= i < p.av_count ==> pol_av_entry_ok(p, i);
  predicate pol_tr_entry_ok{L}(struct policy p, integer i) =
    pol_rule_ok(tr_source(p.trans, i), tr_target(p.trans, i), tr_tclass(p.trans, i),
                tr_cond(p.trans, i), p) &&
    1 <= tr_new_type(p.trans, i) <= p.type_count && tr_pad(p.trans, i) == 0;
  predicate pol_trans_ok{L}(struct policy p) =
    pol_table(p.trans, p.trans_count, 16) && tr_sorted(p.trans, p.trans_count) &&
    \forall integer i; 0 <= i < p.trans_count ==> pol_tr_entry_ok(p, i);
  predicate pol_classes_ok{L}(struct policy p) =
    pol_table(p.classes, p.class_count, 16) &&
    \forall integer v; 1 <= v <= p.class_count ==>
      cls_name(p.classes, v) < p.strtab_size && cls_perm_count(p.classes, v) <= 32 &&
      cls_perm_first(p.classes, v) + cls_perm_count(p.classes, v) <= p.perm_count;
  predicate pol_bools_ok(struct policy p) = p.bool_count <= POLICY_MAX_BOOLS;

  // A section of u32 STRTAB offsets (TYPES, PERMS, USERS, ROLES).
  predicate pol_names_ok{L}(uint8_t *tab, integer n, integer strtab_size) =
    pol_table(tab, n, 4) && \forall integer i; 0 <= i < n ==> pol_u32(tab + 4 * i) < strtab_size;
  predicate pol_bool_names_ok{L}(struct policy p) =
    pol_table(p.bools, p.bool_count, 8) && \forall integer i; 0 <= i < p.bool_count ==>
      pol_u32(p.bools + 8 * i) < p.strtab_size && pol_u32(p.bools + (8 * i + 4)) <= 1;
  // struct policy_blob_isid i: name, then user, role, type.
  predicate pol_isids_ok{L}(struct policy p) =
    pol_table(p.isids, p.isid_count, 12) && \forall integer i; 0 <= i < p.isid_count ==>
      pol_u32(p.isids + 12 * i) < p.strtab_size &&
      1 <= pol_u16(p.isids + (12 * i + 4)) <= p.user_count &&
      1 <= pol_u16(p.isids + (12 * i + 6)) <= p.role_count &&
      1 <= pol_u16(p.isids + (12 * i + 8)) <= p.type_count;

  // The invariant of a loaded policy (the comment on struct policy), of
  // the struct's value, so that a copy of a checked policy is checked.
  predicate policy_ok{L}(struct policy p) =
    p.strtab_size >= 1 && \valid_read(p.strtab + (0 .. p.strtab_size - 1)) &&
    p.strtab[p.strtab_size - 1] == 0 &&
    p.type_count <= 0xffff && p.class_count <= 0xffff &&
    p.user_count <= 0xffff && p.role_count <= 0xffff &&
    pol_names_ok(p.types, p.type_count, p.strtab_size) &&
    pol_names_ok(p.perms, p.perm_count, p.strtab_size) &&
    pol_names_ok(p.users, p.user_count, p.strtab_size) &&
    pol_names_ok(p.roles, p.role_count, p.strtab_size) &&
    pol_classes_ok(p) && pol_bools_ok(p) && pol_bool_names_ok(p) &&
    pol_av_ok(p) && pol_isids_ok(p) && pol_trans_ok(p);

*/

/* A security context without MLS: each field a value (index + 1). */
struct context {
	uint16_t user;
	uint16_t role;
	uint16_t type;
};

struct av_decision {
	uint32_t allowed;
	uint32_t auditallow;		/* granted perms to audit */
	uint32_t auditdeny;		/* denied perms to audit: ~dontaudit */
};

/* policy_load.c */
int policy_load(struct policy *p, const void *buf, size_t len, struct policy_error *err);

/* policy_lookup.c. Lookups by name take (name, len) without a NUL and
 * return the value (>= 1; for booleans the index >= 0), or -XEN_EINVAL. */
void policy_compute_av(const struct policy *p, uint16_t stype, uint16_t ttype, uint16_t tclass,
		       struct av_decision *out);
/* The type_transition for (stype, ttype, tclass) under the current
 * booleans, or 0 when no rule applies (callers then use the source type, as
 * FLASK's default for objects: Moat labels a channel with its creator's
 * type when the policy says nothing). */
uint16_t policy_compute_create(const struct policy *p, uint16_t stype, uint16_t ttype,
			       uint16_t tclass);
int policy_type_value(const struct policy *p, const char *name, size_t len);
int policy_class_value(const struct policy *p, const char *name, size_t len);
int policy_user_value(const struct policy *p, const char *name, size_t len);
int policy_role_value(const struct policy *p, const char *name, size_t len);
int policy_bool_index(const struct policy *p, const char *name, size_t len);
/* Bit number (0..31) of permission name in class tclass, or -XEN_EINVAL. */
int policy_perm_bit(const struct policy *p, uint16_t tclass, const char *name, size_t len);
/* Names by value; NULL when the value is out of range. */
const char *policy_type_name(const struct policy *p, uint32_t value);
const char *policy_class_name(const struct policy *p, uint32_t value);
const char *policy_user_name(const struct policy *p, uint32_t value);
const char *policy_role_name(const struct policy *p, uint32_t value);
const char *policy_bool_name(const struct policy *p, uint32_t idx);
int policy_bool_get(const struct policy *p, uint32_t idx);
int policy_bool_set(struct policy *p, uint32_t idx, bool value);
/* Initial SID idx's context (Xen's order), or -XEN_EINVAL. */
int policy_initsid_context(const struct policy *p, uint32_t idx, struct context *ctx);
/* "user:role:type" of exactly len bytes; 0 or -XEN_EINVAL. */
int policy_context_parse(const struct policy *p, const char *s, size_t len, struct context *ctx);
/* Returns the length the full string has (as snprintf), or -XEN_EINVAL
 * when a field is out of range; buf is always NUL-terminated if size > 0. */
int policy_context_format(const struct policy *p, const struct context *ctx, char *buf,
			  size_t size);

/* avc.c: a fixed-size set-associative cache of av_decisions keyed by
 * (ssid, tsid, tclass). It flushes itself when it sees a policy it did not
 * fill from (another load) or a boolean change. */
#define AVC_BUCKETS 64		/* power of two */
#define AVC_WAYS    4

struct avc_entry {
	uint16_t ssid, tsid, tclass;
	bool valid;
	struct av_decision ad;
};

struct avc_stats {
	uint64_t lookups;
	uint64_t hits;
	uint64_t misses;
	uint64_t flushes;
	uint64_t denials;
};

struct avc {
	struct avc_entry slot[AVC_BUCKETS][AVC_WAYS];
	uint8_t victim[AVC_BUCKETS];	/* round-robin replacement */
	const struct policy *pol;	/* the policy the entries came from */
	uint32_t load_gen, bool_gen;
	struct avc_stats stats;
};

void avc_init(struct avc *avc);
void avc_flush(struct avc *avc);
/* 0 when every requested perm is allowed, else -XEN_EACCES; *out (if not
 * NULL) gets the full decision so the caller can audit. */
int avc_has_perm(struct avc *avc, const struct policy *p, uint16_t ssid, uint16_t tsid,
		 uint16_t tclass, uint32_t requested, struct av_decision *out);
/* Whether a check with this result should be audited. */
bool avc_audit_required(const struct av_decision *ad, uint32_t requested, int rc);

#endif
