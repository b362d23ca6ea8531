/*
 * The FLASK module: the security server (policy.h) with its access vector
 * cache, a SID table, labels for domains and event channels, audit lines
 * and xsm_op. xsm.c routes the hooks of xsm/hooks.h here when xsm=flask.
 * Portable, no allocation: the policy lives in two static buffers (the
 * active one and the one a load is checked in), so a failed load leaves
 * the old policy in force.
 *
 * SIDs: 1..N are the policy's initial SIDs in Xen's order (xen = 1,
 * dom0 = 2, ..., security = 6, ..., domU = 11); later ones are added as
 * contexts are first seen (domain labels, channel labels, CONTEXT_TO_SID),
 * up to FLASK_MAX_SIDS. A SID stays valid across policy loads: its context
 * is re-resolved by name in the new policy, and one that no longer resolves
 * becomes the unlabeled initial SID's context (so nothing is allowed on it).
 *
 * Audit lines (console, LOG_WARN):
 *   avc: denied { send } for scontext=system_u:system_r:web_t
 *        tcontext=system_u:object_r:web_t_evchn tclass=event domid=2
 * with " permissive=1" appended when the denial was not enforced, and
 * "avc: granted { ... }" for auditallow rules. Rate-limited: a burst of
 * FLASK_AUDIT_BURST lines, then FLASK_AUDIT_PER_SEC per second; the next
 * line printed after a gap says how many were suppressed.
 */
#ifndef XSM_FLASK_H
#define XSM_FLASK_H

#include <hv/types.h>
#include <xsm/hooks.h>
#include <xsm/policy.h>

#define FLASK_POLICY_MAX     (256U << 10)	/* bytes of one blob */
#define FLASK_MAX_SIDS       256U
#define FLASK_AUDIT_BURST    16U
#define FLASK_AUDIT_PER_SEC  4U

/* The initial SIDs Moat uses (values as in Xen). */
#define FLASK_SID_XEN        1U
#define FLASK_SID_DOM0       2U
#define FLASK_SID_UNLABELED  5U
#define FLASK_SID_SECURITY   6U
#define FLASK_SID_DOMU       11U

/* What a domain without label= gets (hypervisor option flask_unlabeled=). */
enum flask_unlabeled_mode {
	FLASK_UNLABELED_REFUSE = 0,	/* the boot fails (default: fail closed) */
	FLASK_UNLABELED_DEFAULT = 1,	/* dom0's initial SID if priv=yes, else domU's */
};

/*
 * At boot, before xsm_init(XSM_MODULE_FLASK): copy the blob out of the boot
 * module, load it, log "flask: policy <size> bytes sha256 <hex>" (the
 * measurement; the TPM extend comes with measured boot), and set the mode.
 * 0, or -XEN_EINVAL with a console line naming the fault (len 0 or above
 * FLASK_POLICY_MAX, bad magic/version/hash, truncated or out-of-range
 * tables, a policy lacking the initial SIDs).
 */
int flask_boot_load(const void *blob, size_t len, bool enforcing,
		    enum flask_unlabeled_mode unlabeled);
bool flask_enforcing(void);
/* Whether flask_boot_load() succeeded: xsm_init(XSM_MODULE_FLASK) refuses
 * otherwise. */
bool flask_policy_loaded(void);

/* The hooks, behind xsm.c (same contracts as xsm/hooks.h). */
int flask_domain_label(struct domain *d, const char *label);
void flask_domain_destroy(struct domain *d);
void flask_domain_refresh(struct domain *d);
int flask_hypercall(const struct domain *caller, enum xsm_hypercall_perm perm);
int flask_console_io(const struct domain *caller, unsigned int cmd);
int flask_xen_version(const struct domain *caller, unsigned int op);
int flask_sched_shutdown(const struct domain *caller, const struct domain *target);
int flask_attest_op(const struct domain *caller, unsigned int cmd);
int flask_evtchn_bind_virq(const struct domain *caller, struct evtchn *chn, uint32_t virq);
int flask_evtchn_bind_ipi(const struct domain *caller, struct evtchn *chn);
int flask_evtchn_unbound(const struct domain *caller, const struct domain *d1,
			 struct evtchn *chn, const struct domain *d2);
int flask_evtchn_interdomain(const struct domain *d1, struct evtchn *chn1,
			     const struct domain *d2, const struct evtchn *chn2);
int flask_evtchn_send(const struct domain *caller, const struct evtchn *chn);
int flask_evtchn_status(const struct domain *caller, const struct domain *target,
			const struct evtchn *chn);
int flask_evtchn_reset(const struct domain *caller, const struct domain *target);
int flask_evtchn_revalidate(const struct domain *d, struct evtchn *chn,
			    const struct domain *peer);
int flask_grant_setup(const struct domain *caller, const struct domain *target);
int flask_grant_query_size(const struct domain *caller, const struct domain *target);
int flask_grant_map(const struct domain *mapper, const struct domain *granter, bool readonly);
int flask_grant_unmap(const struct domain *mapper, const struct domain *granter);
int flask_grant_copy(const struct domain *caller, const struct domain *src,
		     const struct domain *dst);
int flask_grant_transfer(const struct domain *caller, const struct domain *receiver);

/* For make bench, tests and FLASK_AVC_CACHESTATS. */
void flask_avc_stats(struct avc_stats *out);
/* Hosted tests only: forget the policy, SIDs, AVC and audit limiter. */
void flask_reset(void);

#endif
