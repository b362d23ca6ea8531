/*
 * What the FLASK module's files share (xsm/flask*.c) and what its hosted
 * tests look at. Not for the rest of the hypervisor: it calls xsm/flask.h
 * and xsm/hooks.h only. Nothing here allocates; all state is static and
 * serialised by the caller (one CPU, interrupts off in hypercalls).
 */
#ifndef XSM_FLASK_PRIV_H
#define XSM_FLASK_PRIV_H

#include <hv/types.h>
#include <public/xen.h>
#include <xsm/flask.h>
#include <xsm/policy.h>

/* SIDs 1..FLASK_ISID_SLOTS are reserved for initial SIDs (a policy with
 * more is refused), so a later policy with more initial SIDs cannot collide
 * with SIDs handed out for contexts. */
#define FLASK_ISID_SLOTS      16U
#define FLASK_CONTEXT_MAX     256U	/* bytes of "user:role:type", NUL included */

/* ---- state (flask.c) ------------------------------------------------------ */
struct flask_state {
	struct policy pol;		/* points into the active buffer */
	struct avc avc;
	bool loaded;
	bool enforcing;
	enum flask_unlabeled_mode unlabeled;
	size_t blob_len;
	uint8_t sha256[32];		/* of the whole active blob */
	uint32_t avc_threshold;		/* GET/SETAVC_THRESHOLD: stored only */
	bool bool_pending[POLICY_MAX_BOOLS];	/* SETBOOL without commit */
};
extern struct flask_state flask_state;

/* The staging buffer a new blob is copied into before it is checked. */
uint8_t *flask_staging_buffer(void);
/*
 * A new policy in two steps, so that measured boot can measure it in
 * between. check: load the blob in the staging buffer (len bytes) into *np
 * and check it; on failure nothing changes and msg (size bytes) says why.
 * commit (after a successful check of the same staging buffer, and cannot
 * fail): make it the active policy: swap buffers, resolve the class map and
 * the SID table, reset the pending booleans. Neither prints anything.
 */
int flask_check_staged(size_t len, struct policy *np, char *msg, size_t size);
void flask_commit_staged(const struct policy *np, size_t len);
/* "<64 hex>" of the active blob's SHA-256 (buf: at least 65 bytes). */
void flask_sha_hex(char *buf);

/* ---- class map (flask_classmap.c) -------------------------------------------
 * Every (class, permission) a hook asks about, resolved by name at each
 * load. One that the policy lacks is always denied (fail closed). */
enum flask_perm {
	FP_XEN_WRITECONSOLE,
	FP_XEN_READCONSOLE,
	FP_VERSION_EXTRAVERSION,
	FP_VERSION_COMPILE_INFO,
	FP_VERSION_CAPABILITIES,
	FP_VERSION_CHANGESET,
	FP_VERSION_PAGESIZE,
	FP_VERSION_GUEST_HANDLE,
	FP_VERSION_COMMANDLINE,
	FP_VERSION_BUILD_ID,
	FP_DOMAIN_SHUTDOWN,
	FP_DOMAIN_TRANSITION,
	FP_DOMAIN2_RELABELFROM,
	FP_DOMAIN2_RELABELTO,
	FP_EVENT_CREATE,
	FP_EVENT_BIND,
	FP_EVENT_SEND,
	FP_EVENT_STATUS,
	FP_EVENT_RESET,
	FP_GRANT_MAP_READ,
	FP_GRANT_MAP_WRITE,
	FP_GRANT_UNMAP,
	FP_GRANT_COPY,
	FP_GRANT_SETUP,
	FP_GRANT_QUERY,
	FP_GRANT_TRANSFER,
	FP_SECURITY_LOAD_POLICY,
	FP_SECURITY_SETENFORCE,
	FP_SECURITY_CHECK_CONTEXT,
	FP_SECURITY_COMPUTE_AV,
	FP_SECURITY_COMPUTE_CREATE,
	FP_SECURITY_SETBOOL,
	FP_SECURITY_GETENFORCE,
	FP_SECURITY_GETBOOL,
	FP_SECURITY_AVC_STATS,
	FP_SECURITY_SETSECPARAM,
	FP_ATTEST_READ_LOG,
	/* hypercall:<xsm_hypercall_perm_name(p)> is FP_HC_BASE + p - 1. */
	FP_HC_BASE,
	FP_COUNT = FP_HC_BASE + XSM_HC_COUNT - 1,
};

struct flask_perm_ref {
	uint16_t tclass;		/* 0: missing in the policy */
	uint32_t bit;			/* 1 << permission bit */
};

/* Resolve every entry against p; prints one warning per missing one. */
void flask_classmap_resolve(const struct policy *p);
const struct flask_perm_ref *flask_classmap_get(enum flask_perm fp);
/* How many entries the active policy lacks (tests). */
unsigned int flask_classmap_missing(void);
/* The class value of event channels, 0 when the policy has no "event". */
uint16_t flask_class_event(void);

/* ---- SID table (flask_sid.c) -------------------------------------------- */
void flask_sid_reset(void);
/* After a load: initial SIDs from the new policy, the others re-resolved
 * by name (the unlabeled initial SID's context when a name is gone). */
void flask_sid_policy_changed(const struct policy *p);
/* The context of sid, or NULL when sid is not in use. */
const struct context *flask_sid_context(uint32_t sid);
/* Type value used for AVC queries; an unknown SID gets unlabeled's type. */
uint16_t flask_sid_type(uint32_t sid);
/* The SID of ctx (inserted when new); 0 when the table is full or the
 * context does not format. */
uint32_t flask_sid_from_context(const struct context *ctx);
/* "user:role:type" of sid into buf; returns its length or -XEN_EINVAL. */
int flask_sid_format(uint32_t sid, char *buf, size_t size);
unsigned int flask_sid_count(void);

/* ---- checks and audit (flask_audit.c) ---------------------------------- */
/*
 * Whether ssid may fp on tsid: the AVC's answer, audited when the policy
 * says so; -XEN_EACCES only when denied and enforcing (a denial in
 * permissive mode is audited with permissive=1 and allowed). A permission
 * the policy lacks is denied in both modes. domid goes into the audit line.
 */
int flask_has_perm(uint32_t ssid, uint32_t tsid, enum flask_perm fp, domid_t domid);
/* Print one audit line for (ssid, tsid, tclass) through the rate limit. */
void flask_audit(uint32_t ssid, uint32_t tsid, uint16_t tclass, uint32_t requested,
		 const struct av_decision *ad, int rc, domid_t domid, bool permissive);

struct flask_audit_counters {
	uint64_t printed;		/* audit lines that reached the console */
	uint64_t suppressed;		/* lines dropped by the rate limit, total */
	uint32_t pending;		/* dropped since the last printed line */
};
void flask_audit_counters(struct flask_audit_counters *out);
void flask_audit_reset(void);

/* ---- hooks (flask_hooks.c) ------------------------------------------------ */
/* The gate vector for a domain of SID sid under the current policy. */
uint32_t flask_gate_vector(uint32_t sid);

#endif
