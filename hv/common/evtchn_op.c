/*
 * event_channel_op (hypercall 32): the caller's ports and the interdomain
 * channels between domains. Each sub-op copies its argument in once,
 * decodes and checks everything (XSM hooks included: they label the
 * channel in a scratch copy that is committed with it) with no side effect,
 * proves the argument writable when it has an output, and only then commits
 * through evtchn_commit_* (evtchn.c), which cannot fail.
 *
 * Errors follow Xen's event_channel.c: -ESRCH for a domain that does not
 * exist, -EINVAL for a port that is not what the op needs, -ENOENT for a
 * vCPU, -EEXIST for a VIRQ bound twice, -ENOSPC when no port below the
 * domain's limit is free. One ordering differs: we look for a free port
 * last, after the XSM hook, where Xen takes it first.
 *
 * Not here: physical IRQs (bind_pirq: no guest owns hardware: -ENOSYS) and
 * the FIFO ABI's sub-ops (event_fifo.c).
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>

#include <xsm/hooks.h>

/* A vCPU of d named by the guest, or NULL when it does not exist. */
static struct vcpu *own_vcpu(struct domain *d, uint32_t id)
{
	if (id >= d->vcpu_count) {
		return NULL;
	}
	return &d->vcpus[index_nospec(id, d->vcpu_count)];
}

/* The domain a guest names: itself for DOMID_SELF or its own id, else
 * any existing one (dying included: callers decide), else NULL. */
static struct domain *named_domain(struct domain *self, domid_t dom)
{
	return dom == DOMID_SELF || dom == self->id ? self : domain_by_id(dom);
}

/*
 * Decode step for ops with an output: write the argument back unchanged so
 * a read-only or unmapped buffer fails before anything is committed. The
 * final copy then cannot fault: one CPU, interrupts off, nothing unmaps in
 * between. (With SMP, the probe and the copy must share the p2m lock.)
 */
static int probe_out(struct vcpu *curr, uint64_t arg, const void *same, size_t len)
{
	return copy_to_guest(curr, guest_ptr(arg), same, len) == 0 ? 0 : -XEN_EFAULT;
}

/* What a decoded bind commits: a new port of d in state, with label. */
struct bind_desc {
	struct domain *d;
	uint8_t state;		/* ECS_VIRQ, ECS_IPI, ECS_UNBOUND, ECS_INTERDOMAIN */
	struct vcpu *v;		/* VIRQ, IPI: the vCPU it notifies */
	uint32_t virq;		/* VIRQ */
	domid_t remote_dom;	/* UNBOUND: who may bind it */
	struct domain *rd;	/* INTERDOMAIN: the remote end, unbound for d */
	evtchn_port_t rport;
	uint16_t ssid;		/* from the XSM hook */
};

/*
 * The tail every bind shares, after every other check passed: find a free
 * port (-ENOSPC), probe the guest's argument (op, len at arg; curr NULL for
 * the hypervisor's own binds), commit, label, and copy the argument back
 * with the new port in *out (which points into op, or anywhere for curr
 * NULL).
 */
static int bind_finish(struct vcpu *curr, uint64_t arg, void *op, size_t len,
		       evtchn_port_t *out, const struct bind_desc *b)
{
	evtchn_port_t port = evtchn_find_free(b->d);
	int rc;

	if (port == 0) {
		return -XEN_ENOSPC;
	}
	if (curr != NULL) {
		rc = probe_out(curr, arg, op, len);
		if (rc != 0) {
			return rc;
		}
	}
	switch (b->state) {
	case ECS_VIRQ:
		evtchn_commit_bind_virq(b->d, port, b->v, b->virq);
		break;
	case ECS_IPI:
		evtchn_commit_bind_ipi(b->d, port, b->v);
		break;
	case ECS_UNBOUND:
		evtchn_commit_unbound(b->d, port, b->remote_dom);
		break;
	default:
		BUG_ON(b->state != ECS_INTERDOMAIN);
		evtchn_commit_interdomain(b->d, port, b->rd, b->rport);
		break;
	}
	evtchn_get(b->d, port)->ssid = b->ssid;
	*out = port;
	if (curr != NULL) {
		(void)copy_to_guest(curr, guest_ptr(arg), op, len);
	}
	return 0;
}

static int64_t op_bind_virq(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_bind_virq b;
	struct evtchn label = { .state = ECS_VIRQ };
	struct bind_desc desc = { .d = d, .state = ECS_VIRQ };
	int rc;

	if (copy_from_guest(curr, &b, guest_ptr(arg), sizeof(b)) != 0) {
		return -XEN_EFAULT;
	}
	if (b.virq >= NR_VIRQS) {
		return -XEN_EINVAL;
	}
	desc.virq = (uint32_t)index_nospec(b.virq, NR_VIRQS);
	/* A global VIRQ is bound on vCPU 0 and may be moved later. */
	if (evtchn_virq_is_global(desc.virq) && b.vcpu != 0) {
		return -XEN_EINVAL;
	}
	desc.v = own_vcpu(d, b.vcpu);
	if (desc.v == NULL) {
		return -XEN_ENOENT;
	}
	if (desc.v->event.virq_to_port[desc.virq] != 0) {
		return -XEN_EEXIST;
	}
	rc = xsm_evtchn_bind_virq(d, &label, desc.virq);
	if (rc != 0) {
		return rc;
	}
	desc.ssid = label.ssid;
	return bind_finish(curr, arg, &b, sizeof(b), &b.port, &desc);
}

static int64_t op_bind_ipi(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_bind_ipi b;
	struct evtchn label = { .state = ECS_IPI };
	struct bind_desc desc = { .d = d, .state = ECS_IPI };
	int rc;

	if (copy_from_guest(curr, &b, guest_ptr(arg), sizeof(b)) != 0) {
		return -XEN_EFAULT;
	}
	desc.v = own_vcpu(d, b.vcpu);
	if (desc.v == NULL) {
		return -XEN_ENOENT;
	}
	rc = xsm_evtchn_bind_ipi(d, &label);
	if (rc != 0) {
		return rc;
	}
	desc.ssid = label.ssid;
	return bind_finish(curr, arg, &b, sizeof(b), &b.port, &desc);
}

/*
 * alloc_unbound's decode, shared with the builder: caller asks for a port
 * of d that remote may bind. A dying d takes no new port (-EINVAL, Xen's
 * get_free_port); a dying remote is as good as gone (-ESRCH).
 */
static int unbound_decode(const struct domain *caller, struct domain *d,
			  struct domain *remote, struct bind_desc *desc)
{
	struct evtchn label = { .state = ECS_UNBOUND };
	int rc;

	if (remote == NULL || remote->state == DOM_DYING) {
		return -XEN_ESRCH;
	}
	if (d->state == DOM_DYING || d->event.table[0] == NULL) {
		return -XEN_EINVAL;
	}
	rc = xsm_evtchn_unbound(caller, d, &label, remote);
	if (rc != 0) {
		return rc;
	}
	*desc = (struct bind_desc){
		.d = d, .state = ECS_UNBOUND, .remote_dom = remote->id, .ssid = label.ssid,
	};
	return 0;
}

static int64_t op_alloc_unbound(struct vcpu *curr, uint64_t arg)
{
	struct domain *self = curr->domain;
	struct evtchn_alloc_unbound a;
	struct bind_desc desc;
	struct domain *d;
	int rc;

	if (copy_from_guest(curr, &a, guest_ptr(arg), sizeof(a)) != 0) {
		return -XEN_EFAULT;
	}
	d = named_domain(self, a.dom);
	if (d == NULL) {
		return -XEN_ESRCH;
	}
	/* remote_dom DOMID_SELF means the caller, not d (as Xen). */
	rc = unbound_decode(self, d, named_domain(self, a.remote_dom), &desc);
	if (rc != 0) {
		return rc;
	}
	return bind_finish(curr, arg, &a, sizeof(a), &a.port, &desc);
}

int evtchn_alloc_unbound_port(struct domain *d, struct domain *remote, evtchn_port_t *port)
{
	struct bind_desc desc;
	int rc = unbound_decode(d, d, remote, &desc);

	if (rc != 0) {
		return rc;
	}
	return bind_finish(NULL, 0, NULL, 0, port, &desc);
}

static int64_t op_bind_interdomain(struct vcpu *curr, uint64_t arg)
{
	struct domain *ld = curr->domain;
	struct evtchn_bind_interdomain b;
	struct evtchn label = { .state = ECS_INTERDOMAIN };
	struct bind_desc desc = { .d = ld, .state = ECS_INTERDOMAIN };
	struct evtchn *rchn;
	int rc;

	if (copy_from_guest(curr, &b, guest_ptr(arg), sizeof(b)) != 0) {
		return -XEN_EFAULT;
	}
	desc.rd = named_domain(ld, b.remote_dom);
	if (desc.rd == NULL) {
		return -XEN_ESRCH;
	}
	/* A dying domain's ports are as good as closed (Xen closes them at
	 * once; our reaper a little later). */
	rchn = desc.rd->state == DOM_DYING ? NULL : evtchn_get(desc.rd, b.remote_port);
	/* Only a port offered to us: not bound yet, not offered to another
	 * domain, not one of ours in another state. */
	if (rchn == NULL || rchn->state != ECS_UNBOUND || rchn->remote_dom != ld->id) {
		return -XEN_EINVAL;
	}
	rc = xsm_evtchn_interdomain(ld, &label, desc.rd, rchn);
	if (rc != 0) {
		return rc;
	}
	desc.rport = b.remote_port;
	desc.ssid = label.ssid;
	return bind_finish(curr, arg, &b, sizeof(b), &b.local_port, &desc);
}

static int64_t op_send(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_send s;
	struct evtchn *chn;
	int rc;

	if (copy_from_guest(curr, &s, guest_ptr(arg), sizeof(s)) != 0) {
		return -XEN_EFAULT;
	}
	chn = evtchn_get(d, s.port);
	/* Only bound sending ports have a label to check: VIRQs are raised by
	 * us, and closed is closed (one's own port table is no secret). */
	if (chn == NULL || (chn->state != ECS_IPI && chn->state != ECS_UNBOUND &&
			    chn->state != ECS_INTERDOMAIN)) {
		return -XEN_EINVAL;
	}
	rc = xsm_evtchn_send(d, chn);
	if (rc != 0) {
		return rc;
	}
	/* An unbound port has nobody listening yet: dropped, as on Xen. */
	if (chn->state != ECS_UNBOUND) {
		evtchn_commit_send(d, s.port);
	}
	return 0;
}

static int64_t op_close(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_close c;
	struct evtchn *chn;

	if (copy_from_guest(curr, &c, guest_ptr(arg), sizeof(c)) != 0) {
		return -XEN_EFAULT;
	}
	chn = evtchn_get(d, c.port);
	if (chn == NULL || chn->state == ECS_FREE || chn->state == ECS_RESERVED) {
		return -XEN_EINVAL;
	}
	evtchn_commit_close(d, c.port);
	return 0;
}

static void status_fill(struct evtchn_status *s, const struct evtchn *chn)
{
	memset(&s->u, 0, sizeof(s->u));
	s->vcpu = chn->notify_vcpu;
	switch (chn->state) {
	case ECS_UNBOUND:
		s->status = EVTCHNSTAT_unbound;
		s->u.unbound.dom = chn->remote_dom;
		break;
	case ECS_INTERDOMAIN:
		s->status = EVTCHNSTAT_interdomain;
		s->u.interdomain.dom = chn->remote_dom;
		s->u.interdomain.port = chn->remote_port;
		break;
	case ECS_VIRQ:
		s->status = EVTCHNSTAT_virq;
		s->u.virq = chn->virq;
		break;
	case ECS_IPI:
		s->status = EVTCHNSTAT_ipi;
		break;
	default:	/* ECS_FREE, ECS_RESERVED */
		s->status = EVTCHNSTAT_closed;
		break;
	}
}

static int64_t op_status(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_status s;
	struct domain *target;
	struct evtchn *chn;
	int rc;

	if (copy_from_guest(curr, &s, guest_ptr(arg), sizeof(s)) != 0) {
		return -XEN_EFAULT;
	}
	target = (s.dom == DOMID_SELF || s.dom == d->id) ? d : domain_by_id(s.dom);
	chn = target != NULL ? evtchn_get(target, s.port) : NULL;
	/* The hook first: a denial must not tell whether target or port exist. */
	rc = xsm_evtchn_status(d, target, chn);
	if (rc != 0) {
		return rc;
	}
	if (target == NULL) {
		return -XEN_ESRCH;
	}
	if (chn == NULL) {
		return -XEN_EINVAL;
	}
	status_fill(&s, chn);
	return copy_to_guest(curr, guest_ptr(arg), &s, sizeof(s)) == 0 ? 0 : -XEN_EFAULT;
}

static int64_t op_bind_vcpu(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_bind_vcpu b;
	struct evtchn *chn;
	struct vcpu *v;

	if (copy_from_guest(curr, &b, guest_ptr(arg), sizeof(b)) != 0) {
		return -XEN_EFAULT;
	}
	v = own_vcpu(d, b.vcpu);
	if (v == NULL) {
		return -XEN_ENOENT;
	}
	chn = evtchn_get(d, b.port);
	if (chn == NULL) {
		return -XEN_EINVAL;
	}
	switch (chn->state) {
	case ECS_VIRQ:
		/* Per-vCPU VIRQs stay where they were bound. */
		if (!evtchn_virq_is_global(chn->virq)) {
			return -XEN_EINVAL;
		}
		break;
	case ECS_UNBOUND:
	case ECS_INTERDOMAIN:
		break;
	default:
		return -XEN_EINVAL;	/* IPIs stay too; closed is closed */
	}
	/* Commit. A port already pending keeps its selector bit where it was
	 * raised, as on Xen; the guest's rebind (mask, bind, unmask) moves it. */
	chn->notify_vcpu = (uint16_t)v->id;
	return 0;
}

static int64_t op_unmask(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_unmask u;
	struct evtchn *chn;

	if (copy_from_guest(curr, &u, guest_ptr(arg), sizeof(u)) != 0) {
		return -XEN_EFAULT;
	}
	chn = evtchn_get(d, u.port);
	if (chn == NULL) {
		return -XEN_EINVAL;
	}
	/* Any port in the table may be unmasked, bound or not (as Xen). */
	evtchn_port_unmask(d, evtchn_notify_vcpu(d, chn), u.port);
	return 0;
}

/*
 * Close every port of a domain (itself, or another when XSM allows it: a
 * privileged caller under dummy), then back to the 2-level ABI. Xen also
 * insists another domain be paused by its controller; Moat has no such
 * pause, so the policy alone decides.
 */
static int64_t op_reset(struct vcpu *curr, uint64_t arg)
{
	struct evtchn_reset r;
	struct domain *d;
	int rc;

	if (copy_from_guest(curr, &r, guest_ptr(arg), sizeof(r)) != 0) {
		return -XEN_EFAULT;
	}
	d = named_domain(curr->domain, r.dom);
	if (d == NULL) {
		return -XEN_ESRCH;
	}
	rc = xsm_evtchn_reset(curr->domain, d);
	if (rc != 0) {
		return rc;
	}
	evtchn_close_all(d);
	evtchn_fifo_destroy(d);
	return 0;
}

int64_t do_event_channel_op(struct vcpu *curr, const struct hypercall_args *args)
{
	uint64_t arg = args->a[1];

	switch (args->a[0]) {
	case EVTCHNOP_bind_virq:
		return op_bind_virq(curr, arg);
	case EVTCHNOP_bind_ipi:
		return op_bind_ipi(curr, arg);
	case EVTCHNOP_send:
		return op_send(curr, arg);
	case EVTCHNOP_close:
		return op_close(curr, arg);
	case EVTCHNOP_status:
		return op_status(curr, arg);
	case EVTCHNOP_bind_vcpu:
		return op_bind_vcpu(curr, arg);
	case EVTCHNOP_unmask:
		return op_unmask(curr, arg);
	case EVTCHNOP_alloc_unbound:
		return op_alloc_unbound(curr, arg);
	case EVTCHNOP_bind_interdomain:
		return op_bind_interdomain(curr, arg);
	case EVTCHNOP_reset:
		return op_reset(curr, arg);
	case EVTCHNOP_init_control:
		return evtchn_fifo_op_init_control(curr, arg);
	case EVTCHNOP_expand_array:
		return evtchn_fifo_op_expand_array(curr, arg);
	case EVTCHNOP_set_priority:
		return evtchn_fifo_op_set_priority(curr, arg);
	default:
		/* bind_pirq (no guest owns hardware), reset_cont (our reset
		 * never preempts), unknown. */
		return -XEN_ENOSYS;
	}
}
