/*
 * Unit tests of event channels (hv/common/evtchn*.c, event_2l.c) on the
 * fake arch: binding VIRQs and IPIs, the 2-level pending/mask/selector
 * semantics, waking a blocked vCPU, close, status, bind_vcpu, port
 * exhaustion, bad ports and arguments, decode-before-commit (a failing call
 * changes nothing), and what is not offered. Interdomain channels:
 * test_evtchn_interdomain.c.
 */
#include "test_evtchn_env.h"

static struct domain *d;
static struct vcpu *v0, *v1;

static int setup(void **state)
{
	(void)state;
	env_boot();
	d = env_domain("ev", 2);
	v0 = &d->vcpus[0];
	v1 = &d->vcpus[1];
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	env_shutdown();
	return 0;
}

static struct vcpu_info *vi(struct vcpu *v)
{
	return vcpu_info_of(v);
}

/* ---- binding ---------------------------------------------------------------- */

static void test_bind_virq(void **state)
{
	struct evtchn_status s = { .dom = DOMID_SELF };
	evtchn_port_t p;

	(void)state;
	p = env_bind_virq(v0, VIRQ_TIMER, 0);
	assert_int_equal(p, 1);	/* lowest free: port 0 is reserved */
	assert_int_equal(v0->event.virq_to_port[VIRQ_TIMER], p);
	assert_int_equal(d->event.ports_used, 2);

	s.port = p;
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), 0);
	assert_int_equal(s.status, EVTCHNSTAT_virq);
	assert_int_equal(s.u.virq, VIRQ_TIMER);
	assert_int_equal(s.vcpu, 0);
}

static void test_bind_virq_twice(void **state)
{
	struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = 0 };
	evtchn_port_t p0, p1;

	(void)state;
	p0 = env_bind_virq(v0, VIRQ_TIMER, 0);
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_virq, &b, sizeof(b)), -XEN_EEXIST);
	/* Per-vCPU: vCPU 1 has its own, and may be bound from vCPU 0. */
	p1 = env_bind_virq(v0, VIRQ_TIMER, 1);
	assert_int_not_equal(p0, p1);
	assert_int_equal(v1->event.virq_to_port[VIRQ_TIMER], p1);
	/* A global VIRQ once per domain (on vCPU 0). */
	env_bind_virq(v1, VIRQ_CONSOLE, 0);
	b = (struct evtchn_bind_virq){ .virq = VIRQ_CONSOLE, .vcpu = 0 };
	assert_int_equal(env_evtchn(v1, EVTCHNOP_bind_virq, &b, sizeof(b)), -XEN_EEXIST);
}

static void test_bind_virq_bad_args(void **state)
{
	struct evtchn_bind_virq b;
	unsigned int used = d->event.ports_used;

	(void)state;
	b = (struct evtchn_bind_virq){ .virq = NR_VIRQS, .vcpu = 0 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_virq, &b, sizeof(b)), -XEN_EINVAL);
	b = (struct evtchn_bind_virq){ .virq = 0xffffffff, .vcpu = 0 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_virq, &b, sizeof(b)), -XEN_EINVAL);
	/* Global VIRQs only on vCPU 0. */
	b = (struct evtchn_bind_virq){ .virq = VIRQ_CONSOLE, .vcpu = 1 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_virq, &b, sizeof(b)), -XEN_EINVAL);
	b = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 2 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_virq, &b, sizeof(b)), -XEN_ENOENT);
	b = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 0x80000000 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_virq, &b, sizeof(b)), -XEN_ENOENT);
	/* Unmapped and non-canonical arguments. */
	assert_int_equal(env_call(do_event_channel_op, v0, EVTCHNOP_bind_virq, 0x5000, 0),
			 -XEN_EFAULT);
	assert_int_equal(env_call(do_event_channel_op, v0, EVTCHNOP_bind_virq,
				  0xffff800000001000ULL, 0),
			 -XEN_EFAULT);
	assert_int_equal(d->event.ports_used, used);
	assert_int_equal(v0->event.virq_to_port[VIRQ_TIMER], 0);
}

static void test_bind_read_only_arg_commits_nothing(void **state)
{
	static struct evtchn_bind_virq ro = { .virq = VIRQ_TIMER, .vcpu = 0 };
	static struct evtchn_bind_ipi ro_ipi = { .vcpu = 1 };
	unsigned int used = d->event.ports_used;

	(void)state;
	fake_guest_map_ro(0x20000000ULL, &ro, sizeof(ro));
	fake_guest_map_ro(0x20001000ULL, &ro_ipi, sizeof(ro_ipi));
	/* The output cannot be written: refused before anything is bound. */
	assert_int_equal(env_call(do_event_channel_op, v0, EVTCHNOP_bind_virq, 0x20000000ULL, 0),
			 -XEN_EFAULT);
	assert_int_equal(env_call(do_event_channel_op, v0, EVTCHNOP_bind_ipi, 0x20001000ULL, 0),
			 -XEN_EFAULT);
	assert_int_equal(d->event.ports_used, used);
	assert_int_equal(v0->event.virq_to_port[VIRQ_TIMER], 0);
	/* And a later bind gets the first port, as if nothing happened. */
	assert_int_equal(env_bind_virq(v0, VIRQ_TIMER, 0), 1);
}

static void test_bind_ipi(void **state)
{
	struct evtchn_bind_ipi b = { .vcpu = 2 };
	struct evtchn_status s = { .dom = DOMID_SELF };
	evtchn_port_t p;

	(void)state;
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_ipi, &b, sizeof(b)), -XEN_ENOENT);
	p = env_bind_ipi(v0, 1);
	s.port = p;
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), 0);
	assert_int_equal(s.status, EVTCHNSTAT_ipi);
	assert_int_equal(s.vcpu, 1);
}

/* ---- 2-level delivery ----------------------------------------------------- */

static void test_virq_delivery(void **state)
{
	evtchn_port_t p;

	(void)state;
	p = env_bind_virq(v0, VIRQ_TIMER, 0);
	evtchn_send_virq(v0, VIRQ_TIMER);
	assert_true(env_pending(d, p));
	assert_int_equal(vi(v0)->evtchn_pending_sel, 1ULL << (p / 64));
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 1);
	assert_int_equal(vi(v1)->evtchn_upcall_pending, 0);

	/* The guest takes the upcall and clears the selector; a second send
	 * of a port still pending changes nothing. */
	vi(v0)->evtchn_upcall_pending = 0;
	vi(v0)->evtchn_pending_sel = 0;
	evtchn_send_virq(v0, VIRQ_TIMER);
	assert_int_equal(vi(v0)->evtchn_pending_sel, 0);
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 0);

	/* Unbound VIRQs and other vCPUs' VIRQs raise nothing. */
	evtchn_send_virq(v1, VIRQ_TIMER);
	evtchn_send_virq(v0, VIRQ_DEBUG);
	evtchn_send_virq(v0, NR_VIRQS);
	assert_int_equal(vi(v1)->evtchn_upcall_pending, 0);
	assert_int_equal(vi(v1)->evtchn_pending_sel, 0);
}

static void test_masked_then_unmask(void **state)
{
	evtchn_port_t p;

	(void)state;
	p = env_bind_virq(v0, VIRQ_TIMER, 0);
	env_mask(d, p);
	evtchn_send_virq(v0, VIRQ_TIMER);
	assert_true(env_pending(d, p));
	assert_int_equal(vi(v0)->evtchn_pending_sel, 0);
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 0);

	/* Unmasking a pending port re-raises it. */
	assert_int_equal(env_port_op(v0, EVTCHNOP_unmask, p), 0);
	assert_false(evtchn_2l_is_masked(d, p));
	assert_int_equal(vi(v0)->evtchn_pending_sel, 1ULL << (p / 64));
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 1);

	/* Unmasking what is not masked raises nothing again. */
	vi(v0)->evtchn_upcall_pending = 0;
	vi(v0)->evtchn_pending_sel = 0;
	assert_int_equal(env_port_op(v0, EVTCHNOP_unmask, p), 0);
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 0);

	/* Masked and not pending: unmask only clears the mask. */
	d->shared_info->evtchn_pending[0] = 0;
	env_mask(d, p);
	assert_int_equal(env_port_op(v0, EVTCHNOP_unmask, p), 0);
	assert_false(evtchn_2l_is_masked(d, p));
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 0);

	/* Bad ports. */
	assert_int_equal(env_port_op(v0, EVTCHNOP_unmask, EVTCHN_MAX_PORTS), -XEN_EINVAL);
	assert_int_equal(env_port_op(v0, EVTCHNOP_unmask, 0xffffffff), -XEN_EINVAL);
}

static void test_selector_words(void **state)
{
	evtchn_port_t ports[70];

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++) {
		ports[i] = env_bind_ipi(v0, 0);
	}
	assert_int_equal(ports[0], 1);
	assert_int_equal(ports[69], 70);
	/* Two ports of word 0: one selector bit, one upcall. */
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, ports[2]), 0);
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, ports[5]), 0);
	assert_int_equal(vi(v0)->evtchn_pending_sel, 1);
	assert_int_equal(d->shared_info->evtchn_pending[0], (1ULL << 3) | (1ULL << 6));
	/* A port of word 1 adds selector bit 1. */
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, ports[66]), 0);
	assert_int_equal(vi(v0)->evtchn_pending_sel, 3);
	assert_int_equal(d->shared_info->evtchn_pending[1], 1ULL << (67 - 64));
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 1);
	/* A masked port of a word with no selector bit yet leaves it clear. */
	vi(v0)->evtchn_pending_sel = 0;
	env_mask(d, ports[67]);
	env_mask(d, ports[68]);
	d->shared_info->evtchn_pending[1] = 0;
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, ports[67]), 0);
	assert_int_equal(vi(v0)->evtchn_pending_sel, 0);
	assert_true(env_pending(d, ports[67]));
}

static void test_ipi_to_another_vcpu_and_wake(void **state)
{
	evtchn_port_t p;

	(void)state;
	p = env_bind_ipi(v0, 1);
	sched_block(v1);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, p), 0);
	assert_true(env_pending(d, p));
	assert_int_equal(vi(v1)->evtchn_upcall_pending, 1);
	assert_int_equal(vi(v1)->evtchn_pending_sel, 1ULL << (p / 64));
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 0);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
}

static void test_masked_event_does_not_wake(void **state)
{
	evtchn_port_t p;

	(void)state;
	p = env_bind_virq(v0, VIRQ_TIMER, 1);
	env_mask(d, p);
	sched_block(v1);
	evtchn_send_virq(v1, VIRQ_TIMER);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	/* The unmask delivers and wakes. */
	assert_int_equal(env_port_op(v0, EVTCHNOP_unmask, p), 0);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
}

static void test_send_errors(void **state)
{
	evtchn_port_t p;

	(void)state;
	p = env_bind_virq(v0, VIRQ_TIMER, 0);
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, p), -XEN_EINVAL);	/* VIRQ */
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, 0), -XEN_EINVAL);	/* reserved */
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, 7), -XEN_EINVAL);	/* closed */
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, EVTCHN_MAX_PORTS), -XEN_EINVAL);
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, 4095), -XEN_EINVAL);
	assert_int_equal(env_call(do_event_channel_op, v0, EVTCHNOP_send, 0x5000, 0), -XEN_EFAULT);
	assert_int_equal(d->shared_info->evtchn_pending[0], 0);
}

static void test_dying_domain_hears_nothing(void **state)
{
	evtchn_port_t p;

	(void)state;
	p = env_bind_virq(v0, VIRQ_TIMER, 0);
	d->state = DOM_DYING;
	evtchn_send_virq(v0, VIRQ_TIMER);
	assert_false(env_pending(d, p));
	d->state = DOM_RUNNING;
}

/* ---- close ---------------------------------------------------------------- */

static void test_close(void **state)
{
	evtchn_port_t p, q;
	struct evtchn_status s = { .dom = DOMID_SELF };

	(void)state;
	p = env_bind_virq(v0, VIRQ_TIMER, 0);
	evtchn_send_virq(v0, VIRQ_TIMER);
	assert_true(env_pending(d, p));
	assert_int_equal(env_port_op(v0, EVTCHNOP_close, p), 0);
	assert_false(env_pending(d, p));	/* no stale event on the next bind */
	assert_int_equal(v0->event.virq_to_port[VIRQ_TIMER], 0);
	assert_int_equal(d->event.ports_used, 1);
	s.port = p;
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), 0);
	assert_int_equal(s.status, EVTCHNSTAT_closed);

	/* A closed port is never delivered. */
	vi(v0)->evtchn_upcall_pending = 0;
	vi(v0)->evtchn_pending_sel = 0;
	evtchn_send_virq(v0, VIRQ_TIMER);
	assert_false(env_pending(d, p));
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 0);

	assert_int_equal(env_port_op(v0, EVTCHNOP_close, p), -XEN_EINVAL);
	assert_int_equal(env_port_op(v0, EVTCHNOP_close, 0), -XEN_EINVAL);
	assert_int_equal(env_port_op(v0, EVTCHNOP_close, EVTCHN_MAX_PORTS), -XEN_EINVAL);

	/* The VIRQ can be bound again; the port is reused, notifying the new
	 * vCPU, and an IPI port closes the same way. */
	q = env_bind_ipi(v0, 1);
	assert_int_equal(q, p);
	assert_int_equal(env_port_op(v0, EVTCHNOP_close, q), 0);
	assert_int_equal(env_bind_virq(v0, VIRQ_TIMER, 0), p);
}

static void test_fresh_port_starts_quiet(void **state)
{
	evtchn_port_t p;

	(void)state;
	/* The guest wrote pending bits of ports nobody has bound yet. */
	d->shared_info->evtchn_pending[0] = ~0ULL;
	p = env_bind_ipi(v0, 0);
	assert_false(env_pending(d, p));
	assert_true(env_pending(d, p + 1));
	/* Its first event is a real one, announced as usual. */
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, p), 0);
	assert_true(env_pending(d, p));
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 1);
}

static void test_close_global_virq_rebound(void **state)
{
	struct evtchn_bind_vcpu b;
	evtchn_port_t p;

	(void)state;
	p = env_bind_virq(v0, VIRQ_CONSOLE, 0);
	b = (struct evtchn_bind_vcpu){ .port = p, .vcpu = 1 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), 0);
	assert_int_equal(env_port_op(v1, EVTCHNOP_close, p), 0);
	assert_int_equal(v0->event.virq_to_port[VIRQ_CONSOLE], 0);
	assert_int_equal(v1->event.virq_to_port[VIRQ_CONSOLE], 0);
}

/* ---- status ----------------------------------------------------------------- */

static void test_status(void **state)
{
	struct evtchn_status s = { .dom = DOMID_SELF, .port = 0 };
	struct domain *other;

	(void)state;
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), 0);
	assert_int_equal(s.status, EVTCHNSTAT_closed);	/* port 0 */
	s = (struct evtchn_status){ .dom = d->id, .port = 9 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), 0);
	assert_int_equal(s.status, EVTCHNSTAT_closed);
	s = (struct evtchn_status){ .dom = DOMID_SELF, .port = EVTCHN_MAX_PORTS };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), -XEN_EINVAL);

	/* Another domain: refused alike whether it exists or not. */
	other = env_domain("other", 1);
	s = (struct evtchn_status){ .dom = other->id, .port = 0 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), -XEN_EACCES);
	s = (struct evtchn_status){ .dom = 12, .port = 0 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), -XEN_EACCES);
	s = (struct evtchn_status){ .dom = other->id, .port = 5000 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), -XEN_EACCES);
	/* A privileged caller may look, and learns what exists. */
	d->privileged = true;
	s = (struct evtchn_status){ .dom = other->id, .port = 0 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), 0);
	assert_int_equal(s.status, EVTCHNSTAT_closed);
	s = (struct evtchn_status){ .dom = 12, .port = 0 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_status, &s, sizeof(s)), -XEN_ESRCH);
	d->privileged = false;

	/* A status that cannot be written back. */
	assert_int_equal(env_call(do_event_channel_op, v0, EVTCHNOP_status, 0x5000, 0), -XEN_EFAULT);
}

/* ---- bind_vcpu -------------------------------------------------------------- */

static void test_bind_vcpu(void **state)
{
	struct evtchn_bind_vcpu b;
	evtchn_port_t g, t, i;

	(void)state;
	g = env_bind_virq(v0, VIRQ_CONSOLE, 0);
	t = env_bind_virq(v0, VIRQ_TIMER, 0);
	i = env_bind_ipi(v0, 0);

	b = (struct evtchn_bind_vcpu){ .port = g, .vcpu = 1 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), 0);
	evtchn_send_virq(v0, VIRQ_CONSOLE);	/* global: any vCPU names it */
	assert_int_equal(vi(v1)->evtchn_upcall_pending, 1);
	assert_int_equal(vi(v0)->evtchn_upcall_pending, 0);

	b = (struct evtchn_bind_vcpu){ .port = t, .vcpu = 1 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), -XEN_EINVAL);
	b = (struct evtchn_bind_vcpu){ .port = i, .vcpu = 1 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), -XEN_EINVAL);
	b = (struct evtchn_bind_vcpu){ .port = g, .vcpu = 2 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), -XEN_ENOENT);
	b = (struct evtchn_bind_vcpu){ .port = 30, .vcpu = 1 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), -XEN_EINVAL);
	b = (struct evtchn_bind_vcpu){ .port = 0, .vcpu = 1 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), -XEN_EINVAL);
	b = (struct evtchn_bind_vcpu){ .port = EVTCHN_MAX_PORTS + 1, .vcpu = 1 };
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), -XEN_EINVAL);
}

/* ---- exhaustion and what is not offered ------------------------------------- */

static void test_port_exhaustion(void **state)
{
	struct evtchn_bind_ipi b = { .vcpu = 0 };
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	unsigned int n = 0;

	(void)state;
	for (;;) {
		b.port = 0;
		int64_t rc = env_evtchn(v0, EVTCHNOP_bind_ipi, &b, sizeof(b));

		if (rc != 0) {
			assert_int_equal(rc, -XEN_ENOSPC);
			break;
		}
		n++;
		assert_int_equal(b.port, n);
	}
	assert_int_equal(n, EVTCHN_DEFAULT_PORTS - 1);
	assert_int_equal(d->event.ports_used, EVTCHN_DEFAULT_PORTS);
	assert_int_equal(env_evtchn(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_ENOSPC);
	assert_int_equal(v0->event.virq_to_port[VIRQ_TIMER], 0);
	/* One closed, one free again: the lowest. */
	assert_int_equal(env_port_op(v0, EVTCHNOP_close, 500), 0);
	assert_int_equal(env_port_op(v0, EVTCHNOP_close, 77), 0);
	assert_int_equal(env_bind_virq(v0, VIRQ_TIMER, 0), 77);
	assert_int_equal(env_bind_ipi(v0, 1), 500);
}

static void test_not_offered(void **state)
{
	(void)state;
	static const unsigned int cmds[] = {
		EVTCHNOP_bind_pirq, EVTCHNOP_reset_cont, 15, 99, 0xffffffff,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
		assert_int_equal(env_call(do_event_channel_op, v0, cmds[i], GUEST_VA, 0),
				 -XEN_ENOSYS);
	}
	assert_int_equal(d->event.ports_used, 1);
}

static void test_domain_init_out_of_frames(void **state)
{
	struct domain *e = domain_alloc("poor");
	uint64_t free_before;
	mfn_t m;

	(void)state;
	e->shared_info_mfn = frame_alloc(FRAME_GUEST, e->id);
	e->shared_info = arch_frame_map(e->shared_info_mfn);
	memset(e->shared_info, 0, PAGE_SIZE);
	/* Leave fewer free frames than the table needs. */
	while (frame_free_count() > EVTCHN_DOMAIN_FRAMES - 1) {
		m = frame_alloc(FRAME_GUEST, e->id);
		assert_true(mfn_x(m) != INVALID_MFN_RAW);
	}
	free_before = frame_free_count();
	assert_int_equal(evtchn_domain_init(e), -XEN_ENOMEM);
	assert_int_equal(frame_free_count(), free_before);
	assert_null(evtchn_get(e, 0));
	evtchn_domain_destroy(e);
	domain_free_unstarted(e);
}

static void test_destroy_returns_frames_and_timers(void **state)
{
	struct domain *e;
	uint64_t before = frame_free_count();

	(void)state;
	e = env_domain("brief", 3);
	assert_int_equal(frame_free_count(), before - 1 - EVTCHN_DOMAIN_FRAMES);
	evtchn_send_virq(&e->vcpus[0], VIRQ_TIMER);
	env_domain_free(e);
	evtchn_domain_destroy(e);	/* idempotent */
	assert_int_equal(frame_free_count(), before);
	/* Only d's vCPUs' periodic timers remain. */
	timer_stop(&v0->event.periodic);
	timer_stop(&v1->event.periodic);
	assert_int_equal(timer_next_deadline(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bind_virq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_virq_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_virq_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_read_only_arg_commits_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_ipi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virq_delivery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_then_unmask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_selector_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipi_to_another_vcpu_and_wake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_event_does_not_wake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dying_domain_hears_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_port_starts_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_global_virq_rebound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_vcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_offered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domain_init_out_of_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_returns_frames_and_timers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
