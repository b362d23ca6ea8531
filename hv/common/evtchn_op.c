/*
 * event_channel_op (hypercall 32): local ports of the caller's own domain.
 * Each sub-op copies its argument in once, decodes and checks everything
 * (XSM hooks included: they label the channel in a scratch copy that is
 * committed with it) with no side effect, proves the
 * argument writable when it has an output, and only then commits through
 * evtchn_commit_* (evtchn.c), which cannot fail.
 *
 * Not yet: interdomain channels (alloc_unbound, bind_interdomain: the next
 * issue), physical IRQs (bind_pirq: no guest owns hardware), reset, and the
 * FIFO ABI (init_control, expand_array, set_priority). They return -ENOSYS;
 * a guest offered no FIFO ABI falls back to 2-level, as Linux does.
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

static int64_t op_bind_virq(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_bind_virq b;
	struct evtchn label = { .state = ECS_VIRQ };
	evtchn_port_t port;
	struct vcpu *v;
	uint32_t virq;
	int rc;

	if (copy_from_guest(curr, &b, guest_ptr(arg), sizeof(b)) != 0) {
		return -XEN_EFAULT;
	}
	if (b.virq >= NR_VIRQS) {
		return -XEN_EINVAL;
	}
	virq = (uint32_t)index_nospec(b.virq, NR_VIRQS);
	/* A global VIRQ is bound on vCPU 0 and may be moved later. */
	if (evtchn_virq_is_global(virq) && b.vcpu != 0) {
		return -XEN_EINVAL;
	}
	v = own_vcpu(d, b.vcpu);
	if (v == NULL) {
		return -XEN_ENOENT;
	}
	if (v->event.virq_to_port[virq] != 0) {
		return -XEN_EEXIST;
	}
	rc = xsm_evtchn_bind_virq(d, &label, virq);
	if (rc != 0) {
		return rc;
	}
	port = evtchn_find_free(d);
	if (port == 0) {
		return -XEN_ENOSPC;
	}
	rc = probe_out(curr, arg, &b, sizeof(b));
	if (rc != 0) {
		return rc;
	}
	evtchn_commit_bind_virq(d, port, v, virq);
	evtchn_get(d, port)->ssid = label.ssid;
	b.port = port;
	(void)copy_to_guest(curr, guest_ptr(arg), &b, sizeof(b));
	return 0;
}

static int64_t op_bind_ipi(struct vcpu *curr, uint64_t arg)
{
	struct domain *d = curr->domain;
	struct evtchn_bind_ipi b;
	struct evtchn label = { .state = ECS_IPI };
	evtchn_port_t port;
	struct vcpu *v;
	int rc;

	if (copy_from_guest(curr, &b, guest_ptr(arg), sizeof(b)) != 0) {
		return -XEN_EFAULT;
	}
	v = own_vcpu(d, b.vcpu);
	if (v == NULL) {
		return -XEN_ENOENT;
	}
	rc = xsm_evtchn_bind_ipi(d, &label);
	if (rc != 0) {
		return rc;
	}
	port = evtchn_find_free(d);
	if (port == 0) {
		return -XEN_ENOSPC;
	}
	rc = probe_out(curr, arg, &b, sizeof(b));
	if (rc != 0) {
		return rc;
	}
	evtchn_commit_bind_ipi(d, port, v);
	evtchn_get(d, port)->ssid = label.ssid;
	b.port = port;
	(void)copy_to_guest(curr, guest_ptr(arg), &b, sizeof(b));
	return 0;
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
	switch (chn->state) {
	case ECS_IPI:
		evtchn_commit_send(d, s.port);
		return 0;
	case ECS_UNBOUND:
		return 0;	/* nobody listens yet: dropped, as on Xen */
	default:
		return -XEN_EINVAL;	/* interdomain: the next issue */
	}
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
	case EVTCHNOP_bind_interdomain:
		/* Interdomain channels are the next issue: they need the remote
		 * domain's table, both locks in order and the interdomain hook. */
		return -XEN_ENOSYS;
	case EVTCHNOP_init_control:
		return evtchn_fifo_op_init_control(curr, arg);
	case EVTCHNOP_expand_array:
		return evtchn_fifo_op_expand_array(curr, arg);
	case EVTCHNOP_set_priority:
		return evtchn_fifo_op_set_priority(curr, arg);
	default:
		/* bind_pirq (no guest owns hardware), reset, reset_cont, unknown. */
		return -XEN_ENOSYS;
	}
}
