/*
 * An event-capable domain on the fake arch, built and freed the one way
 * the unit tests (test_evtchn_env.h) and the event fuzzers (fuzz/) share.
 * Plain C with no test framework, so that each caller reports a failure its
 * own way (a cmocka assertion, a fuzzer trap).
 */
#ifndef TEST_EVTCHN_DOMAIN_H
#define TEST_EVTCHN_DOMAIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <fake_arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/frame.h>
#include <hv/mm.h>
#include <hv/sched.h>

/* A running domain with nvcpus runnable vCPUs (queued on the scheduler), a
 * zeroed shared_info frame of its own, its event state, and a port limit
 * of max_ports (0: the default). NULL when a step failed. */
static inline struct domain *evtchn_test_domain(const char *name, unsigned int nvcpus,
						uint32_t max_ports)
{
	struct domain *d = domain_alloc(name);
	mfn_t si;

	if (d == NULL) {
		return NULL;
	}
	mm_domain_init(d);
	d->event.max_ports = max_ports;
	si = frame_alloc(FRAME_GUEST, d->id);
	if (mfn_x(si) == INVALID_MFN_RAW) {
		return NULL;
	}
	d->shared_info_mfn = si;
	d->shared_info = arch_frame_map(si);
	memset(d->shared_info, 0, PAGE_SIZE);
	if (evtchn_domain_init(d) != 0) {
		return NULL;
	}
	for (unsigned int i = 0; i < nvcpus; i++) {
		struct vcpu *v = &d->vcpus[i];

		v->id = i;
		v->domain = d;
		v->state = VCPU_RUNNABLE;
		d->vcpu_count = i + 1;
		evtchn_vcpu_init(v);
		sched_add(v);
	}
	d->vcpus_alive = nvcpus;
	d->state = DOM_RUNNING;
	return d;
}

/* The reaper's work for a domain none of whose vCPUs is on a stack, in the
 * order the real teardown must keep: off the scheduler, events, then
 * memory. */
static inline void evtchn_test_domain_free(struct domain *d)
{
	for (unsigned int i = 0; i < d->vcpu_count; i++) {
		sched_remove(&d->vcpus[i]);
	}
	evtchn_domain_destroy(d);
	mm_domain_teardown(d);
	domain_free_unstarted(d);
}

#endif
