/*
 * Event-channel ports of a domain: the port table, the commit step of each
 * operation, and VIRQ delivery from inside the hypervisor. Decoding (every
 * check, XSM included) is in evtchn_op.c; the functions named
 * evtchn_commit_* here run only after it and cannot fail.
 *
 * The table lives in EVTCHN_TABLE_FRAMES hypervisor frames taken at domain
 * creation (evtchn_domain.c): there is no general heap, a static pool would
 * cost every domain slot the maximum whether used or not, and frames are
 * charged to the machine where the builder checks them. A port's entry is
 * table[port / EVTCHN_PER_FRAME][port % EVTCHN_PER_FRAME].
 *
 * Invariants: port 0 is ECS_RESERVED while the table exists; ports_used
 * counts the entries not ECS_FREE; a VIRQ port p bound on vCPU v for virq q
 * has v->event.virq_to_port[q] == p and nothing else points at p; a free
 * port has no pending bit (close clears it) and is never delivered.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>

_Static_assert(sizeof(struct evtchn) == 16, "struct evtchn packs 256 to a frame");
_Static_assert(EVTCHN_MAX_PORTS % EVTCHN_PER_FRAME == 0, "whole frames of ports");

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

	if (port >= EVTCHN_MAX_PORTS) {
		return NULL;
	}
	p = index_nospec(port, EVTCHN_MAX_PORTS);
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
	if (d->event.ports_used >= EVTCHN_MAX_PORTS) {
		return 0;
	}
	for (evtchn_port_t p = 1; p < EVTCHN_MAX_PORTS; p++) {
		const struct evtchn *chn = evtchn_get(d, p);

		if (chn != NULL && chn->state == ECS_FREE) {
			return p;
		}
	}
	return 0;
}

static void port_take(struct domain *d, evtchn_port_t port, struct evtchn *chn,
		      enum evtchn_state state, struct vcpu *v)
{
	BUG_ON(chn->state != ECS_FREE);
	*chn = (struct evtchn){ .state = (uint8_t)state, .notify_vcpu = (uint16_t)v->id };
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

void evtchn_commit_close(struct domain *d, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_get(d, port);

	BUG_ON(chn == NULL || chn->state == ECS_FREE || chn->state == ECS_RESERVED);
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
	*chn = (struct evtchn){ .state = ECS_FREE };
	d->event.ports_used--;
	evtchn_port_clear_pending(d, port);
}

void evtchn_commit_send(struct domain *d, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_get(d, port);

	BUG_ON(chn == NULL || chn->state != ECS_IPI);
	evtchn_port_set_pending(d, evtchn_notify_vcpu(d, chn), port);
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
