/*
 * Lifetime of a domain's and a vCPU's event state: the port table's frames,
 * the defaults a vCPU starts with, and the teardown that must happen before
 * the domain's memory or slot is reused (timers are linked into a global
 * list; vcpu_info and runstate point into guest memory).
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/timer.h>
#include <public/errno.h>

_Static_assert(EVTCHN_DEFAULT_PORTS == MANIFEST_DEFAULT_EVTCHN_PORTS, "one default limit");
_Static_assert(EVTCHN_MAX_PORTS == MANIFEST_MAX_EVTCHN_PORTS, "one highest limit");

/* The limit a domain gets: the builder's, the default for 0, never more
 * than the ABI can name. */
static uint32_t ports_limit(uint32_t max_ports)
{
	if (max_ports == 0) {
		return EVTCHN_DEFAULT_PORTS;
	}
	return max_ports < EVTCHN_MAX_PORTS ? max_ports : EVTCHN_MAX_PORTS;
}

unsigned int evtchn_domain_frames(uint32_t max_ports)
{
	return EVTCHN_FRAMES_FOR(ports_limit(max_ports));
}

static void table_free(struct domain *d)
{
	for (unsigned int i = 0; i < EVTCHN_TABLE_FRAMES; i++) {
		if (d->event.table[i] != NULL) {
			frame_free(d->event.table_mfn[i]);
			d->event.table[i] = NULL;
			d->event.table_mfn[i] = mfn(INVALID_MFN_RAW);
		}
	}
	d->event.ports_used = 0;
	d->event.max_ports = 0;	/* evtchn_get finds nothing */
}

int evtchn_domain_init(struct domain *d)
{
	struct evtchn *port0;
	uint32_t limit = ports_limit(d->event.max_ports);
	unsigned int frames = EVTCHN_FRAMES_FOR(limit);

	BUG_ON(d->shared_info == NULL);
	if (d->event.table[0] != NULL) {
		return 0;	/* already set up */
	}
	if (!frame_reserve_check(frames)) {
		return -XEN_ENOMEM;
	}
	for (unsigned int i = 0; i < frames; i++) {
		mfn_t m = frame_alloc(FRAME_HV, FRAME_OWNER_NONE);

		if (mfn_x(m) == INVALID_MFN_RAW) {
			table_free(d);
			return -XEN_ENOMEM;
		}
		d->event.table_mfn[i] = m;
		d->event.table[i] = arch_frame_map(m);
		memset(d->event.table[i], 0, PAGE_SIZE);	/* all ECS_FREE */
	}
	d->event.max_ports = limit;
	port0 = evtchn_get(d, 0);
	port0->state = ECS_RESERVED;
	d->event.ports_used = 1;
	time_update_wallclock(d);
	return 0;
}

void evtchn_vcpu_init(struct vcpu *v)
{
	struct event_vcpu *e = &v->event;

	BUG_ON(v->domain == NULL);
	/* From whatever state the slot was in: timers off, no hold kept. */
	evtchn_vcpu_destroy(v);
	memset(&e->vcpu_info_dummy, 0, sizeof(e->vcpu_info_dummy));
	e->vcpu_info_dummy.evtchn_upcall_mask = 1;
	/* Upcalls start masked, as on Xen: the guest unmasks when ready. */
	vcpu_info_of(v)->evtchn_upcall_mask = 1;
	memset(e->virq_to_port, 0, sizeof(e->virq_to_port));
	e->polling = false;
	e->poll_any = false;
	e->poll_port = 0;
	memset(&e->runstate, 0, sizeof(e->runstate));
	e->runstate.state = RUNSTATE_offline;
	e->runstate.state_entry_time = arch_time_ns();
	e->runstate_guest = 0;
	e->runstate_dirty = false;
	evtchn_timers_init(v);
	time_update_vcpu(v);
}

void evtchn_vcpu_destroy(struct vcpu *v)
{
	struct event_vcpu *e = &v->event;

	evtchn_timers_stop(v);
	e->polling = false;
	if (e->vcpu_info != NULL) {
		/* The writable hold taken at registration (vcpu_info.c). */
		mm_release_writable_page(v->domain, e->vcpu_info_mfn);
	}
	e->vcpu_info = NULL;
	e->vcpu_info_mfn = mfn(INVALID_MFN_RAW);
	e->runstate_guest = 0;
	e->runstate_dirty = false;
}

void evtchn_domain_destroy(struct domain *d)
{
	/* Peers first: every interdomain port of d turns the peer's end back
	 * into an unbound port naming d, so no peer ever sends into the table
	 * freed below. Closing needs the delivery ABI (pending bits), so the
	 * FIFO frames go after. */
	if (d->event.table[0] != NULL) {
		evtchn_close_all(d);
	}
	evtchn_fifo_destroy(d);
	/* Every slot of vcpus[] may hold armed timers if it was ever set up;
	 * stopping an idle or zeroed timer is a no-op. */
	for (unsigned int i = 0; i < MAX_VCPUS_PER_DOM; i++) {
		evtchn_vcpu_destroy(&d->vcpus[i]);
	}
	table_free(d);
}
