/*
 * Every XSM hook, in one place. Handlers call these; xsm.c sends each to the
 * module chosen at boot (xsm=dummy|flask). A hook returns 0 to allow or
 * -XEN_EACCES to deny; a denial never says whether the object exists.
 * Adding a hypercall or sub-op means adding its hook here, its permission in
 * policy/, and a line in SECURITY.md.
 */
#ifndef XSM_HOOKS_H
#define XSM_HOOKS_H

#include <hv/types.h>

struct domain;

/* The gate: one permission per hypercall, checked before any handler. */
enum xsm_hypercall_perm {
	XSM_HC_NONE = 0,		/* no handler: the gate is not reached */
	XSM_HC_CONSOLE_IO,
	XSM_HC_XEN_VERSION,
	XSM_HC_SCHED_OP,
	XSM_HC_SET_TRAP_TABLE,
	XSM_HC_MMU_UPDATE,
	XSM_HC_SET_GDT,
	XSM_HC_STACK_SWITCH,
	XSM_HC_SET_CALLBACKS,
	XSM_HC_FPU_TASKSWITCH,
	XSM_HC_SET_DEBUGREG,
	XSM_HC_GET_DEBUGREG,
	XSM_HC_UPDATE_DESCRIPTOR,
	XSM_HC_MEMORY_OP,
	XSM_HC_MULTICALL,
	XSM_HC_UPDATE_VA_MAPPING,
	XSM_HC_SET_TIMER_OP,
	XSM_HC_VM_ASSIST,
	XSM_HC_IRET,
	XSM_HC_VCPU_OP,
	XSM_HC_SET_SEGMENT_BASE,
	XSM_HC_MMUEXT_OP,
	XSM_HC_CALLBACK_OP,
	XSM_HC_EVENT_CHANNEL_OP,
	XSM_HC_PHYSDEV_OP,
	XSM_HC_XSM_OP,
	XSM_HC_GRANT_TABLE_OP,
	XSM_HC_ATTEST_OP,
	XSM_HC_COUNT,
};

enum xsm_module {
	XSM_MODULE_DUMMY = 0,
	XSM_MODULE_FLASK = 1,
};

struct evtchn;

/*
 * Choose the module; 0, or -XEN_EINVAL when it is not available. For
 * flask, flask_boot_load() (xsm/flask.h) must succeed first: a FLASK module
 * without a policy refuses to start (fail closed).
 */
int xsm_init(enum xsm_module module);
enum xsm_module xsm_active_module(void);
const char *xsm_module_name(void);
const char *xsm_hypercall_perm_name(enum xsm_hypercall_perm perm);

/* ---- labels -------------------------------------------------------------
 * Give a new domain its security label from the manifest's label= (may be
 * ""); privileged says whether the manifest gave it priv=yes (the dummy
 * module's notion of privilege; flask ignores it except to choose the
 * default label). Sets d->sid (0 under dummy) and the domain's cached gate
 * vector. Returns 0, or -XEN_EINVAL with a console line saying why (an
 * unknown type, a malformed context, no label while labels are required).
 */
int xsm_domain_label(struct domain *d, const char *label);
/* The domain is going away: drop whatever the module keeps for it. */
void xsm_domain_destroy(struct domain *d);
/* After a policy change: recompute what the module caches per domain (the
 * gate vector). Called by hv/common/revoke.c for every live domain. */
void xsm_domain_refresh(struct domain *d);

/* ---- the gate (before any handler) --------------------------------------- */
int xsm_hypercall(const struct domain *caller, enum xsm_hypercall_perm perm);

/* ---- object hooks --------------------------------------------------------
 * Each is called by the handler after decoding and before any side effect.
 * FLASK classes and permissions (target in brackets):
 *   console_io write  xen:writeconsole [xen]   read  xen:readconsole [xen]
 *   xen_version       version:<op> [xen] for the ops that reveal something
 *                     (extraversion, compile_info, capabilities, changeset,
 *                     pagesize, guest_handle, commandline, build_id)
 *   sched_shutdown    self: always allowed (a domain may stop itself);
 *                     another domain: domain:shutdown [target]
 */
int xsm_console_io(const struct domain *caller, unsigned int cmd);
int xsm_xen_version(const struct domain *caller, unsigned int op);
int xsm_sched_shutdown(const struct domain *caller, const struct domain *target);

/*
 * attest_op (public/attest_op.h): status, get_log and pcr_read all read what
 * the hypervisor measured: attest:read_log [xen]. Dummy: priv=yes only.
 */
int xsm_attest_op(const struct domain *caller, unsigned int cmd);

/*
 * Event channels. A channel's label (chn->ssid) is computed when it is
 * bound, by type_transition over (creator, peer, event) as in FLASK; the
 * bind hooks set it (0 under dummy) and check
 *   event:create [channel label]  and  event:bind from the channel label to
 *   the peer domain (for local VIRQ/IPI channels the peer is the caller).
 * Interdomain (issue 5): unbound sets chn's label for the pair (d1, d2);
 * interdomain checks create + bind for the binder's new channel and
 * event:bind from the remote channel's label to the binder.
 *   send    event:send [the sending port's label]; the handler refuses
 *           closed and VIRQ ports (-EINVAL) before asking
 *   status  event:status [the port's label]; chn or target NULL (no such
 *           port or domain) or a closed port (no label) decides on the
 *           caller alone, so a denial cannot tell whether they exist.
 *   reset   event:reset [target domain], as Xen's FLASK; dummy: oneself,
 *           or a privileged caller (XSM_TARGET).
 * evtchn_revalidate re-derives a bound channel's label under the current
 * policy and repeats its bind-time checks: 0 keeps it, -XEN_EACCES means
 * the caller must close it (revocation after a policy change).
 */
int xsm_evtchn_bind_virq(const struct domain *caller, struct evtchn *chn, uint32_t virq);
int xsm_evtchn_bind_ipi(const struct domain *caller, struct evtchn *chn);
int xsm_evtchn_unbound(const struct domain *caller, const struct domain *d1, struct evtchn *chn,
		       const struct domain *d2);
int xsm_evtchn_interdomain(const struct domain *d1, struct evtchn *chn1, const struct domain *d2,
			   const struct evtchn *chn2);
int xsm_evtchn_send(const struct domain *caller, const struct evtchn *chn);
int xsm_evtchn_status(const struct domain *caller, const struct domain *target,
		      const struct evtchn *chn);
int xsm_evtchn_reset(const struct domain *caller, const struct domain *target);
int xsm_evtchn_revalidate(const struct domain *d, struct evtchn *chn, const struct domain *peer);

/*
 * Grant tables (issue 5 calls these). The target of every check is the
 * domain that owns the granted pages (grant_type):
 *   setup / query_size   grant:setup / grant:query [target]
 *   map                  grant:map_read, plus grant:map_write unless
 *                        readonly [granter]
 *   unmap                grant:unmap [granter]
 *   copy                 grant:copy [the other domain of the copy]
 *   transfer             grant:transfer [receiver]
 * grant_revalidate repeats the map check for a live mapping after a policy
 * change: -XEN_EACCES means the mapping must be torn down.
 */
int xsm_grant_setup(const struct domain *caller, const struct domain *target);
int xsm_grant_query_size(const struct domain *caller, const struct domain *target);
int xsm_grant_map(const struct domain *mapper, const struct domain *granter, bool readonly);
int xsm_grant_unmap(const struct domain *mapper, const struct domain *granter);
int xsm_grant_copy(const struct domain *caller, const struct domain *src,
		   const struct domain *dst);
int xsm_grant_transfer(const struct domain *caller, const struct domain *receiver);
int xsm_grant_revalidate(const struct domain *mapper, const struct domain *granter,
			 bool readonly);

#endif
