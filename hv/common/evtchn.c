/*
 * Event-channel ports of a domain: the port table, the commit step of each
 * operation, and VIRQ delivery from inside the hypervisor. Decoding (every
 * check, XSM included) is in evtchn_op.c; the functions named
 * evtchn_commit_* here run only after it and cannot fail.
 *
 * The table lives in the hypervisor frames its port limit needs, taken at
 * domain creation (evtchn_domain.c): there is no general heap, a static
 * pool would cost every domain slot the maximum whether used or not, and
 * frames are charged to the machine where the builder checks them. A
 * port's entry is table[port / EVTCHN_PER_FRAME][port % EVTCHN_PER_FRAME].
 *
 * Invariants: port 0 is ECS_RESERVED while the table exists; no port >=
 * max_ports is ever used; ports_used counts the entries not ECS_FREE; a
 * VIRQ port p bound on vCPU v for virq q has v->event.virq_to_port[q] == p
 * and nothing else points at p; a free port has no pending bit (close
 * clears it) and is never delivered; interdomain ports come in pairs that
 * name each other (event.h), so a send never reaches a freed table.
 *
 * With SMP, an interdomain commit (bind, close, send) must hold both
 * domains' event locks, taken in domain-id order.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>

_Static_assert(sizeof(struct evtchn) == 16, "struct evtchn packs 256 to a frame");
_Static_assert(EVTCHN_MAX_PORTS % EVTCHN_PER_FRAME == 0, "whole frames of ports");
_Static_assert(EVTCHN_MAX_PORTS <= 65536, "ports fit remote_port and the fuzz bookkeeping");

#ifndef VIRQ_XENOPROF
#define VIRQ_XENOPROF 7
#endif
#ifndef VIRQ_XENPMU
#define VIRQ_XENPMU 13
#endif

bool evtchn_virq_is_global(unsigned int virq)
{
	switch (virq) {
	case VIRQ_TIMER:
	case VIRQ_DEBUG:
	case VIRQ_XENOPROF:
	case VIRQ_XENPMU:
		return false;
	default:
		/* The rest, VIRQ_ARCH_* included on x86, are per domain. */
		return true;
	}
}

struct evtchn *evtchn_get(const struct domain *d, evtchn_port_t port)
{
	size_t p;

	/* max_ports <= EVTCHN_MAX_PORTS and its frames exist while the table
	 * does; a slot without a table has max_ports and table[] all zero or
	 * NULL, which the NULL test below catches. */
	if (port >= d->event.max_ports) {
		return NULL;
	}
	p = index_nospec(port, d->event.max_ports);
	if (d->event.table[p / EVTCHN_PER_FRAME] == NULL) {
		return NULL;
	}
	return &d->event.table[p / EVTCHN_PER_FRAME][p % EVTCHN_PER_FRAME];
}

struct vcpu *evtchn_notify_vcpu(struct domain *d, const struct evtchn *chn)
{
	/* notify_vcpu was checked against vcpu_count when it was set, and
	 * vcpu_count never shrinks while the domain lives. */
	BUG_ON(chn->notify_vcpu >= d->vcpu_count);
	return &d->vcpus[index_nospec(chn->notify_vcpu, d->vcpu_count)];
}

evtchn_port_t evtchn_find_free(const struct domain *d)
{
	if (d->event.ports_used >= d->event.max_ports) {
		return 0;
	}
	for (evtchn_port_t p = 1; p < d->event.max_ports; p++) {
		const struct evtchn *chn = evtchn_get(d, p);

		if (chn != NULL && chn->state == ECS_FREE) {
			return p;
		}
	}
	return 0;
}

/*
 * A port's entry as it is (re)bound or closed: everything reset except
 * the FIFO queue it was last linked on, which outlives close and rebind
 * as on Xen. A port still LINKED in the guest's array when it is closed
 * stays on that queue; forgetting it would let the old queue's tail name a
 * port the hypervisor thinks is elsewhere (only the guest's own events
 * would suffer, but they would).
 */
static struct evtchn fresh_port(const struct evtchn *old, enum evtchn_state state,
				unsigned int vcpu)
{
	return (struct evtchn){
		.state = (uint8_t)state,
		.notify_vcpu = (uint16_t)vcpu,
		.fifo_last_vcpu = old->fifo_last_vcpu,
		.fifo_last_priority = old->fifo_last_priority,
	};
}

static void port_take(struct domain *d, evtchn_port_t port, struct evtchn *chn,
		      enum evtchn_state state, struct vcpu *v)
{
	BUG_ON(chn->state != ECS_FREE);
	*chn = fresh_port(chn, state, v->id);
	d->event.ports_used++;
	/* A stale pending bit would fire at the first unmask: a fresh port
	 * starts quiet (close cleared it; this covers the guest's own writes). */
	evtchn_port_clear_pending(d, port);
}

void evtchn_commit_bind_virq(struct domain *d, evtchn_port_t port, struct vcpu *v, uint32_t virq)
{
	struct evtchn *chn = evtchn_get(d, port);

	BUG_ON(chn == NULL || virq >= NR_VIRQS || v->event.virq_to_port[virq] != 0);
	port_take(d, port, chn, ECS_VIRQ, v);
	chn->virq = virq;
	v->event.virq_to_port[virq] = port;
}

void evtchn_commit_bind_ipi(struct domain *d, evtchn_port_t port, struct vcpu *v)
{
	struct evtchn *chn = evtchn_get(d, port);

	BUG_ON(chn == NULL);
	port_take(d, port, chn, ECS_IPI, v);
}

void evtchn_commit_unbound(struct domain *d, evtchn_port_t port, domid_t remote_dom)
{
	struct evtchn *chn = evtchn_get(d, port);

	BUG_ON(chn == NULL);
	/* vCPU 0 may not exist yet (the builder): it is the default all the
	 * same, and delivery waits for it (evtchn_commit_send). */
	BUG_ON(chn->state != ECS_FREE);
	*chn = (struct evtchn){ .state = ECS_UNBOUND, .remote_dom = remote_dom };
	d->event.ports_used++;
	evtchn_port_clear_pending(d, port);
}

/* The peer of an interdomain port, which the pairing invariant keeps alive
 * and consistent. */
static struct evtchn *peer_of(const struct evtchn *chn, struct domain **rd_out)
{
	struct domain *rd = domain_by_id(chn->remote_dom);
	struct evtchn *rchn = rd != NULL ? evtchn_get(rd, chn->remote_port) : NULL;

	BUG_ON(rchn == NULL || rchn->state != ECS_INTERDOMAIN);
	*rd_out = rd;
	return rchn;
}

void evtchn_commit_interdomain(struct domain *ld, evtchn_port_t lport, struct domain *rd,
			       evtchn_port_t rport)
{
	struct evtchn *lchn = evtchn_get(ld, lport);
	struct evtchn *rchn = evtchn_get(rd, rport);

	BUG_ON(lchn == NULL || rchn == NULL || lport == 0 || ld->vcpu_count == 0);
	BUG_ON(rchn->state != ECS_UNBOUND || rchn->remote_dom != ld->id);
	port_take(ld, lport, lchn, ECS_INTERDOMAIN, &ld->vcpus[0]);
	lchn->remote_dom = rd->id;
	lchn->remote_port = rport;
	/* The remote end keeps its notify vCPU, label and pending state. */
	rchn->state = ECS_INTERDOMAIN;
	rchn->remote_dom = ld->id;
	rchn->remote_port = lport;
	/* Whatever the remote sent while unbound was dropped: raise the new
	 * port once so the binder looks at the ring (as Xen does). */
	evtchn_port_set_pending(ld, evtchn_notify_vcpu(ld, lchn), lport);
}

void evtchn_commit_close(struct domain *d, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_get(d, port);

	BUG_ON(chn == NULL || chn->state == ECS_FREE || chn->state == ECS_RESERVED);
	if (chn->state == ECS_INTERDOMAIN) {
		struct domain *rd;
		struct evtchn *rchn = peer_of(chn, &rd);

		/* The peer may bind again later, or be rebound by us: it
		 * waits for d, keeping its vCPU, label and pending bit. */
		rchn->state = ECS_UNBOUND;
		rchn->remote_dom = d->id;
		rchn->remote_port = 0;
	}
	if (chn->state == ECS_VIRQ) {
		/* A global VIRQ may notify another vCPU than the one whose
		 * table names it: look in every table. */
		for (unsigned int i = 0; i < d->vcpu_count; i++) {
			struct vcpu *v = &d->vcpus[i];

			if (chn->virq < NR_VIRQS && v->event.virq_to_port[chn->virq] == port) {
				v->event.virq_to_port[chn->virq] = 0;
			}
		}
	}
	/* Back to vCPU 0 and quiet, as a fresh port. */
	*chn = fresh_port(chn, ECS_FREE, 0);
	d->event.ports_used--;
	evtchn_port_clear_pending(d, port);
}

void evtchn_close_all(struct domain *d)
{
	for (evtchn_port_t p = 1; p < d->event.max_ports; p++) {
		struct evtchn *chn = evtchn_get(d, p);

		if (chn != NULL && chn->state != ECS_FREE && chn->state != ECS_RESERVED) {
			evtchn_commit_close(d, p);
		}
	}
}

void evtchn_commit_send(struct domain *d, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_get(d, port);
	struct evtchn *rchn;
	struct domain *rd;

	BUG_ON(chn == NULL || (chn->state != ECS_IPI && chn->state != ECS_INTERDOMAIN));
	if (chn->state == ECS_IPI) {
		evtchn_port_set_pending(d, evtchn_notify_vcpu(d, chn), port);
		return;
	}
	rchn = peer_of(chn, &rd);
	/* A dying peer hears nothing: Xen has closed its ports by then (our
	 * reaper does it a little later). A peer still being built has no
	 * vCPU to notify yet. */
	if (rd->state == DOM_DYING || rchn->notify_vcpu >= rd->vcpu_count) {
		return;
	}
	evtchn_port_set_pending(rd, evtchn_notify_vcpu(rd, rchn), chn->remote_port);
}

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
	struct domain *d = v->domain;
	struct vcpu *holder;
	struct evtchn *chn;
	evtchn_port_t port;

	/* Only a running domain hears anything; a dying one keeps quiet until
	 * the reaper has stopped its timers. */
	if (d == NULL || d->state != DOM_RUNNING || virq >= NR_VIRQS || d->vcpu_count == 0) {
		return;
	}
	holder = evtchn_virq_is_global(virq) ? &d->vcpus[0] : v;
	port = holder->event.virq_to_port[virq];
	chn = evtchn_get(d, port);
	if (port == 0 || chn == NULL || chn->state != ECS_VIRQ) {
		return;
	}
	evtchn_port_set_pending(d, evtchn_notify_vcpu(d, chn), port);
}
