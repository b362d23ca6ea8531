/*
 * Unit tests of interdomain event channels (hv/common/evtchn*.c) on the
 * fake arch, under the dummy XSM module: alloc_unbound, bind_interdomain,
 * send across, close by either end, death of either end, EVTCHNOP_reset,
 * loopback, the per-domain port limit (-ENOSPC at exactly max_ports and the
 * frames the table takes), the builder's evtchn_alloc_unbound_port, and
 * every error Xen gives for a bad argument.
 */
#include "test_evtchn_env.h"

static struct domain *a, *b, *c;
static struct vcpu *a0, *b0, *b1, *c0;

static int setup(void **state)
{
	(void)state;
	env_boot();
	a = env_domain("a", 1);
	b = env_domain("b", 2);
	c = env_domain("c", 1);
	a0 = &a->vcpus[0];
	b0 = &b->vcpus[0];
	b1 = &b->vcpus[1];
	c0 = &c->vcpus[0];
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	env_shutdown();
	return 0;
}

static struct evtchn_status status_of(struct vcpu *curr, evtchn_port_t port)
{
	struct evtchn_status s = { .dom = DOMID_SELF, .port = port };

	assert_int_equal(env_evtchn(curr, EVTCHNOP_status, &s, sizeof(s)), 0);
	return s;
}

static void assert_unbound(struct vcpu *curr, evtchn_port_t port, domid_t remote)
{
	struct evtchn_status s = status_of(curr, port);

	assert_int_equal(s.status, EVTCHNSTAT_unbound);
	assert_int_equal(s.u.unbound.dom, remote);
}

static void assert_connected(struct vcpu *curr, evtchn_port_t port, domid_t rdom,
			     evtchn_port_t rport)
{
	struct evtchn_status s = status_of(curr, port);

	assert_int_equal(s.status, EVTCHNSTAT_interdomain);
	assert_int_equal(s.u.interdomain.dom, rdom);
	assert_int_equal(s.u.interdomain.port, rport);
}

/* a offers a port to b, b binds it: (a's port, b's port). */
static void connect(evtchn_port_t *pa, evtchn_port_t *pb)
{
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, b->id, pa), 0);
	assert_int_equal(env_bind_interdomain(b0, a->id, *pa, pb), 0);
}

static void clear_pending(struct domain *d, evtchn_port_t port)
{
	d->shared_info->evtchn_pending[port / 64] &= ~(1ULL << (port % 64));
}

/* ---- the happy path ---------------------------------------------------------- */

static void test_alloc_bind_send(void **state)
{
	evtchn_port_t pa, pb;

	(void)state;
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, b->id, &pa), 0);
	assert_int_equal(pa, 1);
	assert_unbound(a0, pa, b->id);
	assert_int_equal(a->event.ports_used, 2);
	assert_int_equal(env_bind_interdomain(b0, a->id, pa, &pb), 0);
	assert_int_equal(pb, 1);
	assert_connected(a0, pa, b->id, pb);
	assert_connected(b0, pb, a->id, pa);
	/* The binder's new port starts pending: sends before the bind were
	 * dropped, so it must look at the ring once (as Xen). */
	assert_true(env_pending(b, pb));
	assert_false(env_pending(a, pa));
	clear_pending(b, pb);

	vcpu_info_of(b0)->evtchn_upcall_pending = 0;
	vcpu_info_of(b0)->evtchn_pending_sel = 0;
	assert_int_equal(env_port_op(a0, EVTCHNOP_send, pa), 0);
	assert_true(env_pending(b, pb));
	assert_false(env_pending(a, pa));
	assert_int_equal(vcpu_info_of(b0)->evtchn_upcall_pending, 1);
	assert_int_equal(env_port_op(b0, EVTCHNOP_send, pb), 0);
	assert_true(env_pending(a, pa));
}

static void test_remote_dom_self_means_caller(void **state)
{
	evtchn_port_t p, q;

	(void)state;
	/* A privileged caller allocating in b for DOMID_SELF offers the port
	 * to itself, not to b (Xen). */
	a->privileged = true;
	assert_int_equal(env_alloc_unbound(a0, b->id, DOMID_SELF, &p), 0);
	assert_int_equal(evtchn_get(b, p)->state, ECS_UNBOUND);
	assert_int_equal(evtchn_get(b, p)->remote_dom, a->id);
	assert_int_equal(env_bind_interdomain(a0, b->id, p, &q), 0);
	assert_connected(b0, p, a->id, q);
}

static void test_send_follows_bind_vcpu(void **state)
{
	struct evtchn_bind_vcpu bv;
	evtchn_port_t pa, pb;

	(void)state;
	connect(&pa, &pb);
	clear_pending(b, pb);
	bv = (struct evtchn_bind_vcpu){ .port = pb, .vcpu = 1 };
	assert_int_equal(env_evtchn(b0, EVTCHNOP_bind_vcpu, &bv, sizeof(bv)), 0);
	vcpu_info_of(b1)->evtchn_upcall_pending = 0;
	assert_int_equal(env_port_op(a0, EVTCHNOP_send, pa), 0);
	assert_int_equal(vcpu_info_of(b1)->evtchn_upcall_pending, 1);
	assert_int_equal(status_of(b0, pb).vcpu, 1);
}

static void test_loopback(void **state)
{
	evtchn_port_t p, q;

	(void)state;
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, DOMID_SELF, &p), 0);
	assert_unbound(a0, p, a->id);
	assert_int_equal(env_bind_interdomain(a0, DOMID_SELF, p, &q), 0);
	assert_int_not_equal(p, q);
	assert_connected(a0, p, a->id, q);
	assert_connected(a0, q, a->id, p);
	clear_pending(a, q);
	assert_int_equal(env_port_op(a0, EVTCHNOP_send, p), 0);
	assert_true(env_pending(a, q));
	assert_false(env_pending(a, p));
	assert_int_equal(env_port_op(a0, EVTCHNOP_send, q), 0);
	assert_true(env_pending(a, p));
	/* Its own id works as DOMID_SELF does. */
	assert_int_equal(env_port_op(a0, EVTCHNOP_close, q), 0);
	assert_unbound(a0, p, a->id);
	assert_int_equal(env_bind_interdomain(a0, a->id, p, &q), 0);
	assert_connected(a0, p, a->id, q);
	assert_int_equal(a->event.ports_used, 3);
}

/* ---- errors --------------------------------------------------------------------- */

static void test_alloc_unbound_errors(void **state)
{
	evtchn_port_t p = 0;

	(void)state;
	assert_int_equal(env_alloc_unbound(a0, 77, b->id, &p), -XEN_ESRCH);
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, 77, &p), -XEN_ESRCH);
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, 0, &p), -XEN_ESRCH);
	/* In another domain: XSM_TARGET, a privileged caller only. */
	assert_int_equal(env_alloc_unbound(a0, b->id, c->id, &p), -XEN_EACCES);
	assert_int_equal(b->event.ports_used, 1);
	/* A dying remote is as good as gone; a dying domain takes no port. */
	c->state = DOM_DYING;
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, c->id, &p), -XEN_ESRCH);
	a->privileged = true;
	assert_int_equal(env_alloc_unbound(a0, c->id, a->id, &p), -XEN_EINVAL);
	c->state = DOM_RUNNING;
	assert_int_equal(env_alloc_unbound(a0, b->id, c->id, &p), 0);
	assert_unbound(b0, p, c->id);
	assert_int_equal(a->event.ports_used, 1);
	assert_int_equal(c->event.ports_used, 1);
	/* Unmapped argument: -EFAULT. */
	assert_int_equal(env_call(do_event_channel_op, a0, EVTCHNOP_alloc_unbound, 0x1000, 0),
			 -XEN_EFAULT);
}

static void test_alloc_unbound_read_only_commits_nothing(void **state)
{
	static struct evtchn_alloc_unbound ro = { .dom = DOMID_SELF, .remote_dom = 2 };

	(void)state;
	fake_guest_map_ro(0x20000000ULL, &ro, sizeof(ro));
	assert_int_equal(env_call(do_event_channel_op, a0, EVTCHNOP_alloc_unbound, 0x20000000ULL, 0),
			 -XEN_EFAULT);
	assert_int_equal(a->event.ports_used, 1);
}

static void test_bind_interdomain_errors(void **state)
{
	evtchn_port_t pa, pc, q = 0, ipi;

	(void)state;
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, b->id, &pa), 0);
	ipi = env_bind_ipi(a0, 0);
	assert_int_equal(env_alloc_unbound(c0, DOMID_SELF, a->id, &pc), 0);

	assert_int_equal(env_bind_interdomain(b0, 77, pa, &q), -XEN_ESRCH);
	assert_int_equal(env_bind_interdomain(b0, 0, pa, &q), -XEN_ESRCH);
	/* Beyond the limit, port 0, a free port, an IPI: not offered. */
	assert_int_equal(env_bind_interdomain(b0, a->id, EVTCHN_DEFAULT_PORTS, &q), -XEN_EINVAL);
	assert_int_equal(env_bind_interdomain(b0, a->id, 0xffffffffU, &q), -XEN_EINVAL);
	assert_int_equal(env_bind_interdomain(b0, a->id, 0, &q), -XEN_EINVAL);
	assert_int_equal(env_bind_interdomain(b0, a->id, 100, &q), -XEN_EINVAL);
	assert_int_equal(env_bind_interdomain(b0, a->id, ipi, &q), -XEN_EINVAL);
	/* Offered to a, not to b. */
	assert_int_equal(env_bind_interdomain(b0, c->id, pc, &q), -XEN_EINVAL);
	/* A port a offered to b cannot be taken by a itself or by c. */
	assert_int_equal(env_bind_interdomain(a0, DOMID_SELF, pa, &q), -XEN_EINVAL);
	assert_int_equal(env_bind_interdomain(c0, a->id, pa, &q), -XEN_EINVAL);
	assert_int_equal(b->event.ports_used, 1);
	/* Bound once; the second bind finds it taken. */
	assert_int_equal(env_bind_interdomain(b0, a->id, pa, &q), 0);
	assert_int_equal(env_bind_interdomain(b0, a->id, pa, &q), -XEN_EINVAL);
	assert_int_equal(b->event.ports_used, 2);
	/* A dying domain's offers are as good as closed. */
	assert_int_equal(env_alloc_unbound(c0, DOMID_SELF, b->id, &pc), 0);
	c->state = DOM_DYING;
	assert_int_equal(env_bind_interdomain(b0, c->id, pc, &q), -XEN_EINVAL);
	c->state = DOM_RUNNING;
}

static void test_bind_interdomain_read_only_commits_nothing(void **state)
{
	static struct evtchn_bind_interdomain ro = { .remote_dom = 1 };
	evtchn_port_t pa;

	(void)state;
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, b->id, &pa), 0);
	ro.remote_port = pa;
	fake_guest_map_ro(0x20000000ULL, &ro, sizeof(ro));
	assert_int_equal(env_call(do_event_channel_op, b0, EVTCHNOP_bind_interdomain, 0x20000000ULL, 0),
			 -XEN_EFAULT);
	assert_int_equal(b->event.ports_used, 1);
	assert_unbound(a0, pa, b->id);
}

static void test_send_unbound_and_closed(void **state)
{
	evtchn_port_t pa, pb;

	(void)state;
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, b->id, &pa), 0);
	/* Nobody listens: dropped, 0 (Xen). */
	assert_int_equal(env_port_op(a0, EVTCHNOP_send, pa), 0);
	assert_false(env_pending(a, pa));
	assert_int_equal(env_bind_interdomain(b0, a->id, pa, &pb), 0);
	assert_int_equal(env_port_op(b0, EVTCHNOP_close, pb), 0);
	/* Closed: -EINVAL; the other end, unbound again: 0 and dropped. */
	assert_int_equal(env_port_op(b0, EVTCHNOP_send, pb), -XEN_EINVAL);
	clear_pending(b, pb);
	assert_int_equal(env_port_op(a0, EVTCHNOP_send, pa), 0);
	assert_false(env_pending(b, pb));
	assert_int_equal(env_port_op(b0, EVTCHNOP_close, pb), -XEN_EINVAL);
}

/* ---- close, death, reset ------------------------------------------------------------ */

static void test_close_by_either_end(void **state)
{
	evtchn_port_t pa, pb;

	(void)state;
	connect(&pa, &pb);
	/* The binder closes: the offerer's port waits for the closer again. */
	assert_int_equal(env_port_op(b0, EVTCHNOP_close, pb), 0);
	assert_unbound(a0, pa, b->id);
	assert_int_equal(status_of(b0, pb).status, EVTCHNSTAT_closed);
	assert_int_equal(b->event.ports_used, 1);
	/* ...and may be bound again. */
	assert_int_equal(env_bind_interdomain(b0, a->id, pa, &pb), 0);
	assert_connected(a0, pa, b->id, pb);
	/* The offerer closes: the binder's port now waits for the offerer,
	 * who may bind it in turn. */
	assert_int_equal(env_port_op(a0, EVTCHNOP_close, pa), 0);
	assert_unbound(b0, pb, a->id);
	assert_int_equal(a->event.ports_used, 1);
	assert_int_equal(env_bind_interdomain(a0, b->id, pb, &pa), 0);
	assert_connected(b0, pb, a->id, pa);
	/* Closing the unbound end only frees it. */
	assert_int_equal(env_port_op(a0, EVTCHNOP_close, pa), 0);
	assert_int_equal(env_port_op(b0, EVTCHNOP_close, pb), 0);
	assert_int_equal(a->event.ports_used, 1);
	assert_int_equal(b->event.ports_used, 1);
}

static void test_peer_dying_hears_nothing(void **state)
{
	evtchn_port_t pa, pb;

	(void)state;
	connect(&pa, &pb);
	a->state = DOM_DYING;	/* shut down, not yet reaped */
	assert_int_equal(env_port_op(b0, EVTCHNOP_send, pb), 0);
	assert_false(env_pending(a, pa));
	a->state = DOM_RUNNING;
}

static void test_death_of_either_end(void **state)
{
	evtchn_port_t pa, pb, pc, qc;

	(void)state;
	connect(&pa, &pb);
	assert_int_equal(env_alloc_unbound(c0, DOMID_SELF, a->id, &pc), 0);
	assert_int_equal(env_bind_interdomain(a0, c->id, pc, &qc), 0);
	/* a dies: both peers' ports wait for a, nobody delivers into a's
	 * freed table (ASan would see it). */
	env_domain_free(a);
	assert_unbound(b0, pb, 1);
	assert_unbound(c0, pc, 1);
	assert_int_equal(env_port_op(b0, EVTCHNOP_send, pb), 0);
	assert_int_equal(env_port_op(c0, EVTCHNOP_send, pc), 0);
	/* The offerer's death: b offers to c, c binds, b dies. */
	assert_int_equal(env_alloc_unbound(b0, DOMID_SELF, c->id, &pb), 0);
	assert_int_equal(env_bind_interdomain(c0, b->id, pb, &qc), 0);
	env_domain_free(b);
	assert_unbound(c0, qc, 2);
	assert_int_equal(c->event.ports_used, 3);
}

static void test_reset(void **state)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };
	evtchn_port_t pa, pb, pc;

	(void)state;
	connect(&pa, &pb);
	env_bind_virq(a0, VIRQ_TIMER, 0);
	env_bind_ipi(a0, 0);
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, c->id, &pc), 0);
	assert_int_equal(env_evtchn(a0, EVTCHNOP_reset, &r, sizeof(r)), 0);
	assert_int_equal(a->event.ports_used, 1);
	assert_int_equal(a0->event.virq_to_port[VIRQ_TIMER], 0);
	assert_int_equal(a->event.abi, EVTCHN_ABI_2L);
	assert_unbound(b0, pb, a->id);
	/* Again: nothing left to close. */
	assert_int_equal(env_evtchn(a0, EVTCHNOP_reset, &r, sizeof(r)), 0);
	/* Another domain's: XSM_TARGET under dummy. */
	r.dom = b->id;
	assert_int_equal(env_evtchn(a0, EVTCHNOP_reset, &r, sizeof(r)), -XEN_EACCES);
	assert_int_equal(b->event.ports_used, 2);
	r.dom = 77;
	assert_int_equal(env_evtchn(a0, EVTCHNOP_reset, &r, sizeof(r)), -XEN_ESRCH);
	a->privileged = true;
	r.dom = b->id;
	assert_int_equal(env_evtchn(a0, EVTCHNOP_reset, &r, sizeof(r)), 0);
	assert_int_equal(b->event.ports_used, 1);
	/* Its own id is itself. */
	r.dom = a->id;
	assert_int_equal(env_evtchn(a0, EVTCHNOP_reset, &r, sizeof(r)), 0);
	assert_int_equal(env_call(do_event_channel_op, a0, EVTCHNOP_reset, 0x1000, 0),
			 -XEN_EFAULT);
}

/* ---- limits ------------------------------------------------------------------------ */

static void test_enospc_at_exactly_max_ports(void **state)
{
	uint64_t before = frame_free_count();
	struct domain *s = env_domain_ports("small", 1, 64);
	struct vcpu *s0 = &s->vcpus[0];
	evtchn_port_t p, q = 0;

	(void)state;
	/* 64 ports are one frame (plus shared_info). */
	assert_int_equal(frame_free_count(), before - 1 - 1);
	assert_int_equal(evtchn_domain_frames(64), 1);
	assert_int_equal(s->event.max_ports, 64);
	for (unsigned int i = 1; i < 64; i++) {
		assert_int_equal(env_alloc_unbound(s0, DOMID_SELF, a->id, &p), 0);
		assert_int_equal(p, i);
	}
	assert_int_equal(s->event.ports_used, 64);
	assert_int_equal(env_alloc_unbound(s0, DOMID_SELF, a->id, &p), -XEN_ENOSPC);
	{
		struct evtchn_bind_ipi bi = { .vcpu = 0 };

		assert_int_equal(env_evtchn(s0, EVTCHNOP_bind_ipi, &bi, sizeof(bi)), -XEN_ENOSPC);
	}
	/* Binding into a full domain: -ENOSPC, the offer stays unbound. */
	assert_int_equal(env_alloc_unbound(a0, DOMID_SELF, s->id, &p), 0);
	assert_int_equal(env_bind_interdomain(s0, a->id, p, &q), -XEN_ENOSPC);
	assert_unbound(a0, p, s->id);
	/* Ports at and past the limit do not exist. */
	assert_non_null(evtchn_get(s, 63));
	assert_null(evtchn_get(s, 64));
	assert_int_equal(env_port_op(s0, EVTCHNOP_close, 64), -XEN_EINVAL);
	assert_int_equal(env_port_op(s0, EVTCHNOP_send, 64), -XEN_EINVAL);
	assert_int_equal(env_port_op(s0, EVTCHNOP_unmask, 64), -XEN_EINVAL);
	/* One closed: exactly one free again. */
	assert_int_equal(env_port_op(s0, EVTCHNOP_close, 40), 0);
	assert_int_equal(env_bind_interdomain(s0, a->id, p, &q), 0);
	assert_int_equal(q, 40);
	env_domain_free(s);
	assert_int_equal(frame_free_count(), before);
	assert_unbound(a0, p, s->id);
}

static void test_table_frames_follow_the_limit(void **state)
{
	uint64_t before = frame_free_count();
	struct domain *big = env_domain_ports("big", 1, EVTCHN_MAX_PORTS);
	evtchn_port_t p;

	(void)state;
	assert_int_equal(evtchn_domain_frames(0), EVTCHN_DOMAIN_FRAMES);
	assert_int_equal(evtchn_domain_frames(1024), 4);
	assert_int_equal(evtchn_domain_frames(1025), 5);
	assert_int_equal(evtchn_domain_frames(4096), 16);
	assert_int_equal(frame_free_count(), before - 1 - 16);
	/* The last port of the 2-level ABI works. */
	for (unsigned int i = 1; i < EVTCHN_MAX_PORTS; i++) {
		assert_int_equal(env_alloc_unbound(&big->vcpus[0], DOMID_SELF, a->id, &p), 0);
	}
	assert_int_equal(p, EVTCHN_MAX_PORTS - 1);
	assert_int_equal(env_bind_interdomain(a0, big->id, p, &p), 0);
	assert_int_equal(env_port_op(a0, EVTCHNOP_send, p), 0);
	assert_true(env_pending(big, EVTCHN_MAX_PORTS - 1));
	env_domain_free(big);
	assert_int_equal(frame_free_count(), before);
}

/* ---- the builder's call ------------------------------------------------------------ */

static void test_alloc_unbound_port_for_the_builder(void **state)
{
	evtchn_port_t p = 0, q;

	(void)state;
	assert_int_equal(evtchn_alloc_unbound_port(a, b, &p), 0);
	assert_unbound(a0, p, b->id);
	assert_int_equal(evtchn_alloc_unbound_port(a, NULL, &q), -XEN_ESRCH);
	b->state = DOM_DYING;
	assert_int_equal(evtchn_alloc_unbound_port(a, b, &q), -XEN_ESRCH);
	b->state = DOM_RUNNING;
	assert_int_equal(env_bind_interdomain(b0, a->id, p, &q), 0);
	assert_connected(a0, p, b->id, q);
	/* A domain still being built, vCPU 0 not created yet: the offer is
	 * made, and a send before the vCPU exists is dropped. */
	{
		struct domain *n = domain_alloc("new");
		mfn_t si = frame_alloc(FRAME_GUEST, n->id);

		n->shared_info_mfn = si;
		n->shared_info = arch_frame_map(si);
		memset(n->shared_info, 0, PAGE_SIZE);
		assert_int_equal(evtchn_domain_init(n), 0);
		assert_int_equal(evtchn_alloc_unbound_port(n, a, &p), 0);
		assert_int_equal(env_bind_interdomain(a0, n->id, p, &q), 0);
		assert_int_equal(env_port_op(a0, EVTCHNOP_send, q), 0);
		assert_false(env_pending(n, p));
		env_domain_free(n);
		assert_unbound(a0, q, n->id);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_bind_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remote_dom_self_means_caller, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_follows_bind_vcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_unbound_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_unbound_read_only_commits_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_interdomain_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_interdomain_read_only_commits_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_unbound_and_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_by_either_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_dying_hears_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_death_of_either_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enospc_at_exactly_max_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_frames_follow_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_unbound_port_for_the_builder, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
