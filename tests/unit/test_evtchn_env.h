/*
 * A small world for the event tests (test_evtchn*.c, test_timer.c,
 * test_vcpu_op.c) on the fake arch: a machine, an idle vCPU and the
 * scheduler, domains with a shared_info frame, event state and n vCPUs, and
 * a guest buffer mapped at GUEST_VA for hypercall arguments. Everything is
 * the real portable code; only the arch is fake.
 */
#ifndef TEST_EVTCHN_ENV_H
#define TEST_EVTCHN_ENV_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fake_arch.h>
#include <fake_time.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <xsm/hooks.h>
#include <hv/frame.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <public/errno.h>

#include "test_evtchn_domain.h"

#define ENV_FRAMES 512
#define GUEST_VA   0x10000000ULL
#define GUEST_LEN  (2 * PAGE_SIZE)

static struct vcpu env_idle;
static uint8_t guest_buf[GUEST_LEN] __attribute__((aligned(64)));
static uint64_t env_free_at_start;

static inline void env_boot(void)
{
	fake_machine_boot(ENV_FRAMES, 16);
	fake_tsc_reset();
	fake_timer_records_reset();
	/* The handlers ask the XSM hooks, which deny until a module is chosen. */
	assert_int_equal(xsm_init(XSM_MODULE_DUMMY), 0);
	memset(&env_idle, 0, sizeof(env_idle));
	assert_int_equal(arch_idle_vcpu_create(&env_idle), 0);
	sched_init(&env_idle);
	schedule(&env_idle);
	fake_switch_reset();
	env_free_at_start = frame_free_count();
	memset(guest_buf, 0, sizeof(guest_buf));
	fake_guest_map(GUEST_VA, guest_buf, sizeof(guest_buf));
}

/* A running domain with nvcpus runnable vCPUs (queued on the scheduler)
 * and a port limit of max_ports (0: the default). */
static inline struct domain *env_domain_ports(const char *name, unsigned int nvcpus,
					      uint32_t max_ports)
{
	struct domain *d = evtchn_test_domain(name, nvcpus, max_ports);

	assert_non_null(d);
	return d;
}

static inline struct domain *env_domain(const char *name, unsigned int nvcpus)
{
	return env_domain_ports(name, nvcpus, 0);
}

static inline void env_domain_free(struct domain *d)
{
	evtchn_test_domain_free(d);
}

/* Free every domain, check nothing leaked (frames, timers), end the machine. */
static inline void env_shutdown(void)
{
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d != NULL) {
			env_domain_free(d);
		}
	}
	/* The scheduler's slice timer goes with the scheduler. */
	sched_init(&env_idle);
	assert_int_equal(timer_next_deadline(), 0);
	assert_int_equal(frame_free_count(), env_free_at_start);
	arch_vcpu_destroy(&env_idle);
	fake_switch_reset();
	fake_machine_fini();
}

/* Call a hypercall handler with up to three arguments. */
static inline int64_t env_call(int64_t (*fn)(struct vcpu *, const struct hypercall_args *),
			       struct vcpu *curr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct hypercall_args args = { { a0, a1, a2, 0, 0, 0 } };

	return fn(curr, &args);
}

/* event_channel_op(cmd, struct at GUEST_VA) with the struct copied in and
 * back out; returns the hypercall's result. */
static inline int64_t env_evtchn(struct vcpu *curr, unsigned int cmd, void *op, size_t len)
{
	int64_t rc;

	memcpy(guest_buf, op, len);
	rc = env_call(do_event_channel_op, curr, cmd, GUEST_VA, 0);
	memcpy(op, guest_buf, len);
	return rc;
}

static inline evtchn_port_t env_bind_virq(struct vcpu *curr, uint32_t virq, uint32_t vcpu)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };

	assert_int_equal(env_evtchn(curr, EVTCHNOP_bind_virq, &b, sizeof(b)), 0);
	assert_true(b.port != 0 && b.port < EVTCHN_MAX_PORTS);
	return b.port;
}

static inline evtchn_port_t env_bind_ipi(struct vcpu *curr, uint32_t vcpu)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };

	assert_int_equal(env_evtchn(curr, EVTCHNOP_bind_ipi, &b, sizeof(b)), 0);
	assert_true(b.port != 0 && b.port < EVTCHN_MAX_PORTS);
	return b.port;
}

/* alloc_unbound by curr: a port of dom (DOMID_SELF or an id) for remote. */
static inline int64_t env_alloc_unbound(struct vcpu *curr, domid_t dom, domid_t remote,
					evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
	int64_t rc = env_evtchn(curr, EVTCHNOP_alloc_unbound, &a, sizeof(a));

	*port = a.port;
	return rc;
}

static inline int64_t env_bind_interdomain(struct vcpu *curr, domid_t remote,
					   evtchn_port_t rport, evtchn_port_t *lport)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = rport };
	int64_t rc = env_evtchn(curr, EVTCHNOP_bind_interdomain, &b, sizeof(b));

	*lport = b.local_port;
	return rc;
}

static inline int64_t env_port_op(struct vcpu *curr, unsigned int cmd, evtchn_port_t port)
{
	evtchn_port_t p = port;

	return env_evtchn(curr, cmd, &p, sizeof(p));
}

static inline bool env_pending(struct domain *d, evtchn_port_t port)
{
	return (d->shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static inline void env_mask(struct domain *d, evtchn_port_t port)
{
	d->shared_info->evtchn_mask[port / 64] |= 1ULL << (port % 64);
}

#endif
