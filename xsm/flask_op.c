/*
 * xsm_op (hypercall 27) under FLASK: Xen's flask_op interface, version 1
 * (hv/include/public/xsm_op.h). One struct xen_flask_op is copied in once;
 * the command's permission (class security, target the security initial
 * SID, unless the command says otherwise) is checked before anything is
 * read from the guest's buffers or changed; the result is copied out last.
 * A change of decisions (load, boolean commit, enforcing on, relabel) ends
 * in revoke_after_policy_change().
 *
 * Choices where Xen's behaviour is the guide (documented for the lead):
 *  - interface_version mismatch: -XEN_ENOSYS, as Xen's do_flask_op.
 *  - SID_TO_CONTEXT into a buffer too small: size is set to the full
 *    length (no NUL), the struct copied out, and -XEN_ERANGE returned (Xen).
 *  - GETENFORCE, POLICYVERS, MLS, GETAVC_THRESHOLD return their value as
 *    the hypercall's result (Xen). POLICYVERS is 30, the checkpolicy format
 *    the blob is made from; MLS is 0.
 *  - GET_PEER_SID: the caller's own port, which must be interdomain; the
 *    result is the remote domain's SID (Xen's flask_get_peer_sid).
 *  - AVC_CACHESTATS: allocations = misses, reclaims = 0, frees = flushes.
 */
#include <attest/measure.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/revoke.h>
#include <public/errno.h>
#include <public/xsm_op.h>
#include <xsm/flask.h>
#include <xsm/flask_priv.h>
#include <xsm/hooks.h>

#define FLASK_POLICY_FORMAT 30

/* The security-class permission each command needs (FP_COUNT: none here). */
static enum flask_perm op_perm(uint32_t cmd)
{
	switch (cmd) {
	case FLASK_LOAD: return FP_SECURITY_LOAD_POLICY;
	case FLASK_GETENFORCE: return FP_SECURITY_GETENFORCE;
	case FLASK_SETENFORCE: return FP_SECURITY_SETENFORCE;
	case FLASK_CONTEXT_TO_SID: return FP_SECURITY_CHECK_CONTEXT;
	case FLASK_SID_TO_CONTEXT: return FP_SECURITY_CHECK_CONTEXT;
	case FLASK_ACCESS: return FP_SECURITY_COMPUTE_AV;
	case FLASK_CREATE: return FP_SECURITY_COMPUTE_CREATE;
	case FLASK_POLICYVERS: return FP_SECURITY_GETENFORCE;
	case FLASK_MLS: return FP_SECURITY_GETENFORCE;
	case FLASK_GETBOOL: return FP_SECURITY_GETBOOL;
	case FLASK_SETBOOL: return FP_SECURITY_SETBOOL;
	case FLASK_COMMITBOOLS: return FP_SECURITY_SETBOOL;
	case FLASK_GETAVC_THRESHOLD: return FP_SECURITY_AVC_STATS;
	case FLASK_SETAVC_THRESHOLD: return FP_SECURITY_SETSECPARAM;
	case FLASK_AVC_HASHSTATS: return FP_SECURITY_AVC_STATS;
	case FLASK_AVC_CACHESTATS: return FP_SECURITY_AVC_STATS;
	default: return FP_COUNT;
	}
}

static int op_load(struct vcpu *curr, const struct xen_flask_load *l)
{
	struct domain *d = curr->domain;
	struct policy np;
	char msg[160], hex[65];
	int rc;

	if (l->size == 0 || l->size > FLASK_POLICY_MAX) {
		printk(LOG_WARN, "flask: policy load by d%u refused: size %u (1..%u bytes)", d->id,
		       l->size, FLASK_POLICY_MAX);
		return -XEN_EINVAL;
	}
	if (copy_from_guest(curr, flask_staging_buffer(), guest_ptr(l->buffer), l->size) != 0) {
		return -XEN_EFAULT;
	}
	rc = flask_check_staged(l->size, &np, msg, sizeof(msg));
	if (rc != 0) {
		printk(LOG_WARN, "flask: policy load by d%u refused: %s (old policy kept)", d->id,
		       msg);
		return -XEN_EINVAL;
	}
	/* Measured once it is known to load and before it takes effect; under
	 * measured=required a policy the TPM did not take is not installed. */
	rc = measure_policy_load(flask_staging_buffer(), l->size, d->id);
	if (rc != 0) {
		printk(LOG_WARN, "flask: policy load by d%u refused: it could not be measured "
		       "(old policy kept)", d->id);
		return rc;
	}
	flask_commit_staged(&np, l->size);
	flask_sha_hex(hex);
	printk(LOG_INFO, "flask: policy loaded by d%u: %u bytes, sha256 %s", d->id, l->size, hex);
	(void)revoke_after_policy_change();
	return 0;
}

static int op_setenforce(const struct domain *d, const struct xen_flask_setenforce *e)
{
	bool on = e->enforcing != 0, was = flask_state.enforcing;

	flask_state.enforcing = on;
	printk(LOG_INFO, "flask: enforcing=%u set by d%u", on ? 1U : 0U, d->id);
	if (on && !was) {
		(void)revoke_after_policy_change();
	}
	return 0;
}

static int op_context_to_sid(struct vcpu *curr, struct xen_flask_sid_context *sc)
{
	char buf[FLASK_CONTEXT_MAX];
	struct context ctx;
	uint32_t sid;

	if (sc->size == 0 || sc->size >= FLASK_CONTEXT_MAX) {
		return -XEN_EINVAL;
	}
	if (copy_from_guest(curr, buf, guest_ptr(sc->context), sc->size) != 0) {
		return -XEN_EFAULT;
	}
	/* A trailing NUL (libxc passes one) is not part of the context. */
	if (buf[sc->size - 1] == '\0') {
		sc->size--;
	}
	if (policy_context_parse(&flask_state.pol, buf, sc->size, &ctx) != 0) {
		return -XEN_EINVAL;
	}
	sid = flask_sid_from_context(&ctx);
	if (sid == 0) {
		return -XEN_ENOSPC;
	}
	sc->sid = sid;
	return 0;
}

static int op_sid_to_context(struct vcpu *curr, struct xen_flask_sid_context *sc)
{
	char buf[FLASK_CONTEXT_MAX];
	int n = flask_sid_format(sc->sid, buf, sizeof(buf));
	uint32_t room = sc->size;

	if (n < 0 || (size_t)n >= sizeof(buf)) {
		return -XEN_EINVAL;
	}
	sc->size = (uint32_t)n;
	if (room < (uint32_t)n) {
		return -XEN_ERANGE;
	}
	if (copy_to_guest(curr, guest_ptr(sc->context), buf, (size_t)n) != 0) {
		return -XEN_EFAULT;
	}
	return 0;
}

static int op_access(struct xen_flask_access *a)
{
	struct av_decision ad;

	if (flask_sid_context(a->ssid) == NULL || flask_sid_context(a->tsid) == NULL ||
	    a->tclass == 0 || a->tclass > flask_state.pol.class_count) {
		return -XEN_EINVAL;
	}
	(void)avc_has_perm(&flask_state.avc, &flask_state.pol, flask_sid_type(a->ssid),
			   flask_sid_type(a->tsid), (uint16_t)a->tclass, 0, &ad);
	a->allowed = ad.allowed;
	a->audit_allow = ad.auditallow;
	a->audit_deny = ad.auditdeny;
	a->seqno = flask_state.pol.load_gen;
	return 0;
}

static int op_create(struct xen_flask_transition *t)
{
	const struct context *s = flask_sid_context(t->ssid);
	struct context n;
	uint16_t type;

	if (s == NULL || flask_sid_context(t->tsid) == NULL || t->tclass == 0 ||
	    t->tclass > flask_state.pol.class_count) {
		return -XEN_EINVAL;
	}
	type = policy_compute_create(&flask_state.pol, s->type, flask_sid_type(t->tsid),
				     (uint16_t)t->tclass);
	n = *s;
	if (type != 0) {
		n.type = type;
	}
	t->newsid = flask_sid_from_context(&n);
	return t->newsid != 0 ? 0 : -XEN_ENOSPC;
}

/* The boolean op->bool_id names (or, with ~0, the name in the guest's
 * buffer): its index, or a negative error. */
static int bool_lookup(struct vcpu *curr, const struct xen_flask_boolean *b)
{
	char name[FLASK_CONTEXT_MAX];
	int idx;

	if (b->bool_id != ~0U) {
		return b->bool_id < flask_state.pol.bool_count ? (int)b->bool_id : -XEN_ENOENT;
	}
	if (b->size == 0 || b->size >= sizeof(name)) {
		return -XEN_EINVAL;
	}
	if (copy_from_guest(curr, name, guest_ptr(b->name), b->size) != 0) {
		return -XEN_EFAULT;
	}
	idx = policy_bool_index(&flask_state.pol, name, b->size);
	return idx >= 0 ? idx : -XEN_ENOENT;
}

static int op_getbool(struct vcpu *curr, struct xen_flask_boolean *b)
{
	int idx = bool_lookup(curr, b);
	const char *name;
	uint32_t len, room = b->size;

	if (idx < 0) {
		return idx;
	}
	name = policy_bool_name(&flask_state.pol, (uint32_t)idx);
	len = (uint32_t)strlen(name);
	b->enforcing = (uint8_t)policy_bool_get(&flask_state.pol, (uint32_t)idx);
	b->pending = flask_state.bool_pending[index_nospec((size_t)idx, POLICY_MAX_BOOLS)];
	if (b->bool_id != ~0U && b->name != 0) {
		b->size = len;
		if (room < len) {
			return -XEN_ERANGE;
		}
		if (copy_to_guest(curr, guest_ptr(b->name), name, len) != 0) {
			return -XEN_EFAULT;
		}
	}
	b->size = len;
	return 0;
}

/* Apply every pending value that differs; true when something changed. */
static bool commit_bools(void)
{
	bool changed = false;

	for (uint32_t i = 0; i < flask_state.pol.bool_count && i < POLICY_MAX_BOOLS; i++) {
		if (flask_state.pol.bool_state[i] != flask_state.bool_pending[i]) {
			(void)policy_bool_set(&flask_state.pol, i, flask_state.bool_pending[i]);
			changed = true;
		}
	}
	return changed;
}

static int op_setbool(struct vcpu *curr, struct xen_flask_boolean *b)
{
	int idx = bool_lookup(curr, b);

	if (idx < 0) {
		return idx;
	}
	flask_state.bool_pending[index_nospec((size_t)idx, POLICY_MAX_BOOLS)] = b->new_value != 0;
	if (b->commit) {
		printk(LOG_INFO, "flask: boolean %s=%u set by d%u",
		       policy_bool_name(&flask_state.pol, (uint32_t)idx), b->new_value != 0 ? 1U : 0U,
		       curr->domain->id);
		if (commit_bools()) {
			(void)revoke_after_policy_change();
		}
	}
	b->enforcing = (uint8_t)policy_bool_get(&flask_state.pol, (uint32_t)idx);
	b->pending = flask_state.bool_pending[index_nospec((size_t)idx, POLICY_MAX_BOOLS)];
	return 0;
}

static void op_hashstats(struct xen_flask_hash_stats *h)
{
	const struct avc *avc = &flask_state.avc;

	memset(h, 0, sizeof(*h));
	h->buckets_total = AVC_BUCKETS;
	for (unsigned int b = 0; b < AVC_BUCKETS; b++) {
		uint32_t chain = 0;

		for (unsigned int w = 0; w < AVC_WAYS; w++) {
			chain += avc->slot[b][w].valid ? 1U : 0U;
		}
		h->entries += chain;
		h->buckets_used += chain != 0 ? 1U : 0U;
		if (chain > h->max_chain_len) {
			h->max_chain_len = chain;
		}
	}
}

static int op_cachestats(struct xen_flask_cache_stats *c)
{
	const struct avc_stats *s = &flask_state.avc.stats;

	if (c->cpu != 0) {
		return -XEN_ENOENT;
	}
	c->lookups = (uint32_t)s->lookups;
	c->hits = (uint32_t)s->hits;
	c->misses = (uint32_t)s->misses;
	c->allocations = (uint32_t)s->misses;
	c->reclaims = 0;
	c->frees = (uint32_t)s->flushes;
	return 0;
}

static int op_peer_sid(const struct domain *d, struct xen_flask_peersid *ps)
{
	const struct evtchn *chn = evtchn_get(d, ps->evtchn);
	const struct domain *peer;
	int rc;

	if (chn == NULL || chn->state == ECS_FREE || chn->state == ECS_RESERVED) {
		return -XEN_EINVAL;
	}
	rc = flask_has_perm(d->sid, chn->ssid, FP_EVENT_STATUS, d->id);
	if (rc != 0) {
		return rc;
	}
	if (chn->state != ECS_INTERDOMAIN) {
		return -XEN_EINVAL;
	}
	peer = domain_by_id(chn->remote_dom);
	if (peer == NULL) {
		return -XEN_EINVAL;
	}
	ps->sid = peer->sid;
	return 0;
}

static int op_relabel(const struct domain *caller, const struct xen_flask_relabel *r)
{
	struct domain *d;
	uint32_t old;
	int rc;

	if (r->domid > 0xffffU || (d = domain_by_id((domid_t)r->domid)) == NULL ||
	    d->state == DOM_DYING) {
		return -XEN_ESRCH;
	}
	if (flask_sid_context(r->sid) == NULL) {
		return -XEN_EINVAL;
	}
	old = d->sid;
	rc = flask_has_perm(caller->sid, old, FP_DOMAIN2_RELABELFROM, caller->id);
	if (rc == 0) {
		rc = flask_has_perm(caller->sid, r->sid, FP_DOMAIN2_RELABELTO, caller->id);
	}
	if (rc == 0) {
		rc = flask_has_perm(old, r->sid, FP_DOMAIN_TRANSITION, caller->id);
	}
	if (rc != 0) {
		return rc;
	}
	d->sid = r->sid;
	d->xsm_gate_fast = flask_gate_vector(d->sid);
	printk(LOG_INFO, "flask: d%u (%s) relabelled to SID %u by d%u", d->id, d->name, r->sid,
	       caller->id);
	(void)revoke_after_policy_change();
	return 0;
}

/* Which commands copy the struct back to the guest. */
static bool op_copies_out(uint32_t cmd)
{
	switch (cmd) {
	case FLASK_CONTEXT_TO_SID:
	case FLASK_SID_TO_CONTEXT:
	case FLASK_ACCESS:
	case FLASK_CREATE:
	case FLASK_GETBOOL:
	case FLASK_SETBOOL:
	case FLASK_AVC_HASHSTATS:
	case FLASK_AVC_CACHESTATS:
	case FLASK_GET_PEER_SID:
		return true;
	default:
		return false;
	}
}

int64_t do_xsm_op(struct vcpu *curr, const struct hypercall_args *args)
{
	void __guest *uop = guest_ptr(args->a[0]);
	struct domain *d = curr->domain;
	struct xen_flask_op op;
	enum flask_perm fp;
	int rc;

	if (xsm_active_module() != XSM_MODULE_FLASK || !flask_state.loaded) {
		return -XEN_ENOSYS;
	}
	if (copy_from_guest(curr, &op, uop, sizeof(op)) != 0) {
		return -XEN_EFAULT;
	}
	if (op.interface_version != XEN_FLASK_INTERFACE_VERSION) {
		return -XEN_ENOSYS;
	}
	/* Decide first: nothing below runs for a caller without the permission. */
	fp = op_perm(op.cmd);
	if (fp != FP_COUNT) {
		rc = flask_has_perm(d->sid, FLASK_SID_SECURITY, fp, d->id);
		if (rc != 0) {
			return rc;
		}
	}
	switch (op.cmd) {
	case FLASK_LOAD: rc = op_load(curr, &op.u.load); break;
	case FLASK_GETENFORCE: rc = flask_state.enforcing ? 1 : 0; break;
	case FLASK_SETENFORCE: rc = op_setenforce(d, &op.u.enforce); break;
	case FLASK_CONTEXT_TO_SID: rc = op_context_to_sid(curr, &op.u.sid_context); break;
	case FLASK_SID_TO_CONTEXT: rc = op_sid_to_context(curr, &op.u.sid_context); break;
	case FLASK_ACCESS: rc = op_access(&op.u.access); break;
	case FLASK_CREATE: rc = op_create(&op.u.transition); break;
	case FLASK_POLICYVERS: rc = FLASK_POLICY_FORMAT; break;
	case FLASK_MLS: rc = 0; break;
	case FLASK_GETBOOL: rc = op_getbool(curr, &op.u.boolean); break;
	case FLASK_SETBOOL: rc = op_setbool(curr, &op.u.boolean); break;
	case FLASK_COMMITBOOLS:
		rc = 0;
		if (commit_bools()) {
			printk(LOG_INFO, "flask: booleans committed by d%u", d->id);
			(void)revoke_after_policy_change();
		}
		break;
	case FLASK_GETAVC_THRESHOLD: rc = (int)(flask_state.avc_threshold & 0x7fffffffU); break;
	case FLASK_SETAVC_THRESHOLD:
		flask_state.avc_threshold = op.u.setavc_threshold.threshold;
		rc = 0;
		break;
	case FLASK_AVC_HASHSTATS: op_hashstats(&op.u.hash_stats); rc = 0; break;
	case FLASK_AVC_CACHESTATS: rc = op_cachestats(&op.u.cache_stats); break;
	case FLASK_GET_PEER_SID: rc = op_peer_sid(d, &op.u.peersid); break;
	case FLASK_RELABEL_DOMAIN: rc = op_relabel(d, &op.u.relabel); break;
	default:
		printk(LOG_DEBUG, "flask: xsm_op %u from d%u not implemented", op.cmd, d->id);
		return -XEN_ENOSYS;
	}
	/* SID_TO_CONTEXT and GETBOOL report the full size with -XEN_ERANGE. */
	if ((rc >= 0 || rc == -XEN_ERANGE) && op_copies_out(op.cmd) &&
	    copy_to_guest(curr, uop, &op, sizeof(op)) != 0) {
		return -XEN_EFAULT;
	}
	return rc;
}
