/*
 * The FLASK hooks (contracts in xsm/hooks.h): each turns its question into
 * (source SID, target SID, class map entry) and asks flask_has_perm(),
 * which audits and returns -XEN_EACCES only when enforcing. Labels: a
 * domain's from the manifest's label=, an event channel's from the
 * policy's type_transition over (creator, peer, event). Hooks change
 * nothing but the labels they are asked to set (d->sid, the gate vector,
 * chn->ssid), and never allocate.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <public/version.h>
#include <public/xen.h>
#include <xsm/flask.h>
#include <xsm/flask_priv.h>

/* ---- domains ---------------------------------------------------------------- */

uint32_t flask_gate_vector(uint32_t sid)
{
	uint32_t v = 0;

	if (!flask_state.loaded) {
		return 0;
	}
	for (unsigned int p = 1; p < XSM_HC_COUNT; p++) {
		const struct flask_perm_ref *ref = flask_classmap_get(FP_HC_BASE + p - 1);
		struct av_decision ad;

		if (ref->tclass == 0) {
			continue;
		}
		/* requested 0: a lookup that cannot be a denial, so no audit. */
		(void)avc_has_perm(&flask_state.avc, &flask_state.pol, flask_sid_type(sid),
				   flask_sid_type(FLASK_SID_XEN), ref->tclass, 0, &ad);
		/* Only what is granted without an audit line takes the fast path. */
		if ((ad.allowed & ~ad.auditallow & ref->bit) != 0) {
			v |= 1U << (p - 1);
		}
	}
	return v;
}

/* Say which part of "user:role:type" the policy does not know. */
static void explain_label(const struct domain *d, const char *label)
{
	const struct policy *p = &flask_state.pol;
	const char *what[3] = { "user", "role", "type" };
	size_t len = strlen(label), start = 0, field = 0;

	for (size_t i = 0; i <= len; i++) {
		int v;

		if (i < len && label[i] != ':') {
			continue;
		}
		if (field >= 3) {
			break;
		}
		v = field == 0 ? policy_user_value(p, label + start, i - start)
		  : field == 1 ? policy_role_value(p, label + start, i - start)
			       : policy_type_value(p, label + start, i - start);
		if (v < 0) {
			printk(LOG_ERR, "flask: d%u (%s): label \"%s\": unknown %s \"%.*s\"", d->id,
			       d->name, label, what[field], (int)(i - start), label + start);
			return;
		}
		field++;
		start = i + 1;
	}
	printk(LOG_ERR, "flask: d%u (%s): label \"%s\" is not user:role:type", d->id, d->name,
	       label);
}

int flask_domain_label(struct domain *d, const char *label)
{
	char text[FLASK_CONTEXT_MAX];
	struct context ctx;
	uint32_t sid;

	d->sid = 0;
	d->xsm_gate_fast = 0;
	if (!flask_state.loaded) {
		return -XEN_EINVAL;
	}
	if (label[0] == '\0') {
		if (flask_state.unlabeled != FLASK_UNLABELED_DEFAULT) {
			printk(LOG_ERR, "flask: domain %u (%s) has no label= and flask_unlabeled=refuse",
			       d->id, d->name);
			return -XEN_EINVAL;
		}
		sid = d->privileged ? FLASK_SID_DOM0 : FLASK_SID_DOMU;
		if (flask_sid_context(sid) == NULL) {
			printk(LOG_ERR, "flask: d%u (%s): the policy has no initial SID %u", d->id,
			       d->name, sid);
			return -XEN_EINVAL;
		}
	} else {
		if (policy_context_parse(&flask_state.pol, label, strlen(label), &ctx) != 0) {
			explain_label(d, label);
			return -XEN_EINVAL;
		}
		sid = flask_sid_from_context(&ctx);
		if (sid == 0) {
			printk(LOG_ERR, "flask: d%u (%s): SID table full (%u)", d->id, d->name,
			       FLASK_MAX_SIDS);
			return -XEN_EINVAL;
		}
	}
	d->sid = sid;
	d->xsm_gate_fast = flask_gate_vector(sid);
	(void)flask_sid_format(sid, text, sizeof(text));
	printk(LOG_INFO, "flask: d%u (%s) labelled %s", d->id, d->name, text);
	return 0;
}

void flask_domain_destroy(struct domain *d)
{
	/* SIDs are never reused, so there is nothing to release. */
	d->xsm_gate_fast = 0;
}

void flask_domain_refresh(struct domain *d)
{
	d->xsm_gate_fast = flask_gate_vector(d->sid);
}

/* ---- the gate ------------------------------------------------------------------ */

int flask_hypercall(const struct domain *caller, enum xsm_hypercall_perm perm)
{
	if (perm <= XSM_HC_NONE || perm >= XSM_HC_COUNT) {
		return -XEN_EACCES;
	}
	if (caller->xsm_gate_fast & (1U << (perm - 1))) {
		return 0;
	}
	return flask_has_perm(caller->sid, FLASK_SID_XEN, FP_HC_BASE + perm - 1, caller->id);
}

/* ---- console, version, shutdown ------------------------------------------------- */

int flask_console_io(const struct domain *caller, unsigned int cmd)
{
	if (cmd == CONSOLEIO_write) {
		return flask_has_perm(caller->sid, FLASK_SID_XEN, FP_XEN_WRITECONSOLE, caller->id);
	}
	if (cmd == CONSOLEIO_read) {
		return flask_has_perm(caller->sid, FLASK_SID_XEN, FP_XEN_READCONSOLE, caller->id);
	}
	return -XEN_EACCES;	/* the handler decodes first: not reached */
}

int flask_xen_version(const struct domain *caller, unsigned int op)
{
	enum flask_perm fp;

	switch (op) {
	case XENVER_extraversion: fp = FP_VERSION_EXTRAVERSION; break;
	case XENVER_compile_info: fp = FP_VERSION_COMPILE_INFO; break;
	case XENVER_capabilities: fp = FP_VERSION_CAPABILITIES; break;
	case XENVER_changeset: fp = FP_VERSION_CHANGESET; break;
	case XENVER_pagesize: fp = FP_VERSION_PAGESIZE; break;
	case XENVER_guest_handle: fp = FP_VERSION_GUEST_HANDLE; break;
	case XENVER_commandline: fp = FP_VERSION_COMMANDLINE; break;
	case XENVER_build_id: fp = FP_VERSION_BUILD_ID; break;
	default:
		/* version, platform_parameters, get_features: every guest needs them. */
		return 0;
	}
	return flask_has_perm(caller->sid, FLASK_SID_XEN, fp, caller->id);
}

int flask_sched_shutdown(const struct domain *caller, const struct domain *target)
{
	if (caller == target) {
		return 0;
	}
	return flask_has_perm(caller->sid, target->sid, FP_DOMAIN_SHUTDOWN, caller->id);
}

/* Every attest_op command reads the hypervisor's measurements. */
int flask_attest_op(const struct domain *caller, unsigned int cmd)
{
	(void)cmd;
	return flask_has_perm(caller->sid, FLASK_SID_XEN, FP_ATTEST_READ_LOG, caller->id);
}

/* ---- event channels --------------------------------------------------------------- */

/*
 * The label of a channel created by `creator` towards `peer`: the policy's
 * type_transition, else the creator's type, with the creator's user and
 * object_r (or the creator's role when the policy has no object_r). 0 when
 * the SID table is full; checks against SID 0 use the unlabeled type and
 * are denied.
 */
static uint32_t chn_label(const struct domain *creator, const struct domain *peer)
{
	const struct context *c = flask_sid_context(creator->sid);
	uint16_t ev = flask_class_event();
	struct context n;
	uint16_t t = 0;
	int objr;

	if (c == NULL) {
		return 0;
	}
	if (ev != 0) {
		t = policy_compute_create(&flask_state.pol, c->type, flask_sid_type(peer->sid), ev);
	}
	objr = policy_role_value(&flask_state.pol, "object_r", 8);
	n.user = c->user;
	n.role = objr > 0 ? (uint16_t)objr : c->role;
	n.type = t != 0 ? t : c->type;
	return flask_sid_from_context(&n);
}

/* event:create [label] by creator, event:bind from label to peer. */
static int chn_checks(const struct domain *creator, uint32_t label, const struct domain *peer,
		      domid_t audit_id)
{
	int rc = flask_has_perm(creator->sid, label, FP_EVENT_CREATE, audit_id);

	if (rc == 0) {
		rc = flask_has_perm(label, peer->sid, FP_EVENT_BIND, audit_id);
	}
	return rc;
}

int flask_evtchn_bind_virq(const struct domain *caller, struct evtchn *chn, uint32_t virq)
{
	uint32_t label = chn_label(caller, caller);

	(void)virq;
	chn->ssid = (uint16_t)label;
	return chn_checks(caller, label, caller, caller->id);
}

int flask_evtchn_bind_ipi(const struct domain *caller, struct evtchn *chn)
{
	uint32_t label = chn_label(caller, caller);

	chn->ssid = (uint16_t)label;
	return chn_checks(caller, label, caller, caller->id);
}

int flask_evtchn_unbound(const struct domain *caller, const struct domain *d1,
			 struct evtchn *chn, const struct domain *d2)
{
	uint32_t label = chn_label(d1, d2);
	int rc;

	chn->ssid = (uint16_t)label;
	rc = flask_has_perm(caller->sid, label, FP_EVENT_CREATE, caller->id);
	if (rc == 0) {
		rc = flask_has_perm(label, d2->sid, FP_EVENT_BIND, caller->id);
	}
	return rc;
}

int flask_evtchn_interdomain(const struct domain *d1, struct evtchn *chn1,
			     const struct domain *d2, const struct evtchn *chn2)
{
	uint32_t label = chn_label(d1, d2);
	int rc;

	chn1->ssid = (uint16_t)label;
	rc = chn_checks(d1, label, d2, d1->id);
	if (rc == 0) {
		rc = flask_has_perm(chn2->ssid, d1->sid, FP_EVENT_BIND, d1->id);
	}
	return rc;
}

int flask_evtchn_send(const struct domain *caller, const struct evtchn *chn)
{
	return flask_has_perm(caller->sid, chn->ssid, FP_EVENT_SEND, caller->id);
}

int flask_evtchn_status(const struct domain *caller, const struct domain *target,
			const struct evtchn *chn)
{
	/* No such domain, no such port, or a closed one (which has no label):
	 * one's own ports are no secret; for another domain, the same answer
	 * whether it exists or not. */
	if (target == NULL || chn == NULL || chn->state == ECS_FREE || chn->state == ECS_RESERVED) {
		return target == caller ? 0 : -XEN_EACCES;
	}
	return flask_has_perm(caller->sid, chn->ssid, FP_EVENT_STATUS, caller->id);
}

/* event:reset from the caller to the target domain, itself included (as
 * Xen's FLASK): closing every port of a domain at once. */
int flask_evtchn_reset(const struct domain *caller, const struct domain *target)
{
	return flask_has_perm(caller->sid, target->sid, FP_EVENT_RESET, caller->id);
}

int flask_evtchn_revalidate(const struct domain *d, struct evtchn *chn,
			    const struct domain *peer)
{
	uint32_t label = chn_label(d, peer);
	int rc;

	chn->ssid = (uint16_t)label;
	rc = chn_checks(d, label, peer, d->id);
	if (rc == 0 && chn->state == ECS_INTERDOMAIN && peer != d) {
		const struct evtchn *remote = evtchn_get(peer, chn->remote_port);

		if (remote != NULL) {
			rc = flask_has_perm(remote->ssid, d->sid, FP_EVENT_BIND, d->id);
		}
	}
	return rc;
}

/* ---- grant tables --------------------------------------------------------------------- */

int flask_grant_setup(const struct domain *caller, const struct domain *target)
{
	return flask_has_perm(caller->sid, target->sid, FP_GRANT_SETUP, caller->id);
}

int flask_grant_query_size(const struct domain *caller, const struct domain *target)
{
	return flask_has_perm(caller->sid, target->sid, FP_GRANT_QUERY, caller->id);
}

int flask_grant_map(const struct domain *mapper, const struct domain *granter, bool readonly)
{
	int rc = flask_has_perm(mapper->sid, granter->sid, FP_GRANT_MAP_READ, mapper->id);

	if (rc == 0 && !readonly) {
		rc = flask_has_perm(mapper->sid, granter->sid, FP_GRANT_MAP_WRITE, mapper->id);
	}
	return rc;
}

int flask_grant_unmap(const struct domain *mapper, const struct domain *granter)
{
	return flask_has_perm(mapper->sid, granter->sid, FP_GRANT_UNMAP, mapper->id);
}

int flask_grant_copy(const struct domain *caller, const struct domain *src,
		     const struct domain *dst)
{
	int rc = 0;

	/* Checked against each side of the copy that is not the caller. */
	if (src != caller) {
		rc = flask_has_perm(caller->sid, src->sid, FP_GRANT_COPY, caller->id);
	}
	if (rc == 0 && dst != caller) {
		rc = flask_has_perm(caller->sid, dst->sid, FP_GRANT_COPY, caller->id);
	}
	if (rc == 0 && src == caller && dst == caller) {
		rc = flask_has_perm(caller->sid, caller->sid, FP_GRANT_COPY, caller->id);
	}
	return rc;
}

int flask_grant_transfer(const struct domain *caller, const struct domain *receiver)
{
	return flask_has_perm(caller->sid, receiver->sid, FP_GRANT_TRANSFER, caller->id);
}
