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
