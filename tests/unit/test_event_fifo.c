/*
 * Unit tests of the FIFO event-channel ABI (hv/common/event_fifo*.c) on the
 * fake arch: init_control, expand_array and set_priority with every error
 * (and that a refused call changes nothing), the switch from 2-level
 * (pending ports carried over), queue and link semantics with the guest
 * consuming queues the way Linux does, priorities, masking, events raised
 * before their page or control block exists, SCHEDOP_poll, destroy and
 * EVTCHNOP_reset, and a hostile guest corrupting its words (bad LINK
 * values, cycles, BUSY forever).
 */
#include "test_evtchn_env.h"
#include "test_fifo_guest.h"

static struct domain *d;
static struct vcpu *v0, *v1;

static int setup(void **state)
{
	(void)state;
	env_boot();
	d = env_domain("fifo", 2);
	v0 = &d->vcpus[0];
	v1 = &d->vcpus[1];
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* What EVTCHNOP_reset and the domain's teardown do; then the frames
	 * must all come back (env_shutdown checks). */
	for (domid_t id = 1; id <= MAX_DOMAINS; id++) {
		struct domain *e = domain_by_id(id);

		if (e != NULL) {
			evtchn_fifo_destroy(e);
		}
	}
	env_shutdown();
	return 0;
}

static mfn_t own_frame(struct domain *owner)
{
	mfn_t m = frame_alloc(FRAME_GUEST, owner->id);

	assert_true(mfn_x(m) != INVALID_MFN_RAW);
	memset(arch_frame_map(m), 0, PAGE_SIZE);
	return m;
}

static int64_t init_control(struct vcpu *curr, uint32_t vcpu, mfn_t m, uint32_t offset)
{
	struct evtchn_init_control ic = { .control_gfn = mfn_x(m), .offset = offset, .vcpu = vcpu };
	int64_t rc = env_evtchn(curr, EVTCHNOP_init_control, &ic, sizeof(ic));

	if (rc == 0) {
		assert_int_equal(ic.link_bits, EVTCHN_FIFO_LINK_BITS);
	}
	return rc;
}

static int64_t expand(struct vcpu *curr, mfn_t m)
{
	struct evtchn_expand_array ea = { .array_gfn = mfn_x(m) };

	return env_evtchn(curr, EVTCHNOP_expand_array, &ea, sizeof(ea));
}

static int64_t set_priority(struct vcpu *curr, evtchn_port_t port, uint32_t prio)
{
	struct evtchn_set_priority sp = { .port = port, .priority = prio };

	return env_evtchn(curr, EVTCHNOP_set_priority, &sp, sizeof(sp));
}

/* ---- the guest's side, as Linux's events_fifo.c does it ------------------- */

struct guest {
	struct evtchn_fifo_control_block *cb;
	event_word_t *array;		/* page 0 */
	evtchn_port_t head[EVTCHN_FIFO_MAX_QUEUES];	/* Linux's per-CPU heads */
};

static struct guest g0;

#define QUEUE_BITS ((1U << EVTCHN_FIFO_MAX_QUEUES) - 1U)

/* Switch d to FIFO with vCPU 0's control block at offset 64 and one array
 * page whose words start masked, as Linux initialises them. */
static void go_fifo(void)
{
	mfn_t cb = own_frame(d), arr = own_frame(d);

	assert_int_equal(init_control(v0, 0, cb, 64), 0);
	assert_int_equal(d->event.abi, EVTCHN_ABI_FIFO);
	g0 = (struct guest){ .cb = (void *)((uint8_t *)arch_frame_map(cb) + 64),
			     .array = arch_frame_map(arr) };
	for (unsigned int i = 0; i < EVTCHN_FIFO_WORDS_PER_PAGE; i++) {
		g0.array[i] = 1U << EVTCHN_FIFO_MASKED;
	}
	assert_int_equal(expand(v0, arr), 0);
}

static event_word_t *gword(struct guest *g, evtchn_port_t p)
{
	return p < EVTCHN_FIFO_WORDS_PER_PAGE ? &g->array[p] : NULL;
}

/* Clear MASKED from the guest (Linux's fast path: no hypercall when the
 * port is not pending). */
static void gunmask(struct guest *g, evtchn_port_t p)
{
	__atomic_fetch_and(gword(g, p), ~(1U << EVTCHN_FIFO_MASKED), __ATOMIC_SEQ_CST);
}

/* go_fifo(), then n IPI ports of vCPU 0 bound and the guest unmasking
 * each, in ports[]. */
static void fifo_ports(evtchn_port_t *ports, unsigned int n)
{
	go_fifo();
	for (unsigned int i = 0; i < n; i++) {
		ports[i] = env_bind_ipi(v0, 0);
	}
	for (unsigned int i = 0; i < n; i++) {
		gunmask(&g0, ports[i]);
	}
}

/*
 * Take an upcall: clear upcall_pending, then consume queues in priority
 * order until none is ready, unlinking each word (cmpxchg of LINKED and
 * LINK), handling it if pending and unmasked, and acking it (clear
 * PENDING). Bounded: a corrupted queue cannot keep the test looping.
 * Returns the number of ports handled, in out[].
 */
static unsigned int consume(struct vcpu *v, struct guest *g, evtchn_port_t *out, unsigned int max)
{
	unsigned int n = 0, steps = 0;
	uint32_t ready;

	__atomic_store_n(&vcpu_info_of(v)->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	ready = __atomic_exchange_n(&g->cb->ready, 0, __ATOMIC_SEQ_CST) & QUEUE_BITS;
	while (ready != 0 && steps++ < 4 * EVTCHN_FIFO_WORDS_PER_PAGE) {
		unsigned int q = (unsigned int)__builtin_ctz(ready);
		evtchn_port_t port = g->head[q];
		event_word_t *w, old;

		if (port == 0) {
			port = __atomic_load_n(&g->cb->head[q], __ATOMIC_SEQ_CST);
		}
		w = gword(g, port);
		if (w == NULL) {
			ready &= ~(1U << q);	/* garbage head: give up on it */
			g->head[q] = 0;
			continue;
		}
		old = fifo_guest_unlink(w);
		g->head[q] = old & EVTCHN_FIFO_LINK_MASK;
		if (g->head[q] == 0) {
			ready &= ~(1U << q);
		}
		if ((old & (1U << EVTCHN_FIFO_PENDING)) && !(old & (1U << EVTCHN_FIFO_MASKED)) &&
		    n < max) {
			out[n++] = port;
			__atomic_fetch_and(w, ~(1U << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
		}
		ready |= __atomic_exchange_n(&g->cb->ready, 0, __ATOMIC_SEQ_CST) & QUEUE_BITS;
	}
	return n;
}

static bool upcall(struct vcpu *v)
{
	return vcpu_info_of(v)->evtchn_upcall_pending != 0;
}

static void send(evtchn_port_t p)
{
	assert_int_equal(env_port_op(v0, EVTCHNOP_send, p), 0);
}

/* ---- init_control ------------------------------------------------------------ */

static void test_init_control(void **state)
{
	unsigned int held = d->mm.held_count;
	mfn_t cb = own_frame(d);

	(void)state;
	assert_int_equal(d->event.abi, EVTCHN_ABI_2L);
	assert_int_equal(init_control(v1, 0, cb, PAGE_SIZE - 72), 0);
	assert_int_equal(d->event.abi, EVTCHN_ABI_FIFO);
	assert_int_equal(d->mm.held_count, held + 1);
	assert_ptr_equal(v0->event.fifo.cb,
			 (uint8_t *)arch_frame_map(cb) + PAGE_SIZE - 72);
	/* The frame is held writable: it can never become a page table. */
	assert_int_equal(mm_get_page_type(d, cb, MM_TYPE_L1), -XEN_EINVAL);
	/* vCPU 1 registers its own, even in the same frame (the guest's
	 * business), and a second time is refused as on Xen. */
	assert_int_equal(init_control(v1, 1, cb, 0), 0);
	assert_int_equal(d->mm.held_count, held + 2);
	assert_int_equal(init_control(v1, 1, own_frame(d), 0), -XEN_EINVAL);
	assert_int_equal(d->mm.held_count, held + 2);
	/* Every port is 2-level-quiet and not deliverable without a page. */
	assert_true(evtchn_port_is_masked(d, 5));
	assert_false(evtchn_port_is_pending(d, 5));
}

static void test_init_control_errors(void **state)
{
	struct domain *other = env_domain("other", 1);
	unsigned int held = d->mm.held_count;
	mfn_t mine = own_frame(d), hv = frame_alloc(FRAME_HV, FRAME_OWNER_NONE);
	static struct evtchn_init_control ic;

	(void)state;
	ic = (struct evtchn_init_control){ .control_gfn = mfn_x(mine) };
	assert_int_equal(init_control(v0, 2, mine, 0), -XEN_ENOENT);
	assert_int_equal(init_control(v0, 0xffffffffU, mine, 0), -XEN_ENOENT);
	assert_int_equal(init_control(v0, 0, mine, 4), -XEN_EINVAL);	/* unaligned */
	assert_int_equal(init_control(v0, 0, mine, PAGE_SIZE - 64), -XEN_EINVAL);
	assert_int_equal(init_control(v0, 0, mine, 0xfffffff8U), -XEN_EINVAL);
	assert_int_equal(init_control(v0, 0, own_frame(other), 0), -XEN_EINVAL);
	assert_int_equal(init_control(v0, 0, hv, 0), -XEN_EINVAL);
	assert_int_equal(init_control(v0, 0, d->shared_info_mfn, 0), -XEN_EINVAL);
	assert_int_equal(init_control(v0, 0, mfn(0xfffffffffULL), 0), -XEN_EINVAL);
	/* A frame that is a page table already. */
	assert_int_equal(mm_get_page_type(d, mine, MM_TYPE_L1), 0);
	assert_int_equal(init_control(v0, 0, mine, 0), -XEN_EINVAL);
	mm_put_page_type(d, mine);
	/* Unreadable and read-only arguments. */
	assert_int_equal(env_call(do_event_channel_op, v0, EVTCHNOP_init_control, 0x1000, 0),
			 -XEN_EFAULT);
	fake_guest_map_ro(GUEST_VA + 0x100000, &ic, sizeof(ic));
	assert_int_equal(env_call(do_event_channel_op, v0, EVTCHNOP_init_control,
				  GUEST_VA + 0x100000, 0),
			 -XEN_EFAULT);
	/* Nothing changed. */
	assert_int_equal(d->event.abi, EVTCHN_ABI_2L);
	assert_int_equal(d->mm.held_count, held);
	assert_null(v0->event.fifo.cb);
	/* And the same frame is fine now. */
	assert_int_equal(init_control(v0, 0, mine, 8), 0);
	frame_free(hv);
}

static void test_init_control_hold_limit(void **state)
{
	(void)state;
	/* Fill the memory model's hold table: the op then fails cleanly. */
	while (d->mm.held_count < MM_HELD_MAX) {
		assert_int_equal(mm_hold_writable_page(d, own_frame(d)), 0);
	}
	assert_int_equal(init_control(v0, 0, own_frame(d), 0), -XEN_ENOSPC);
	assert_int_equal(d->event.abi, EVTCHN_ABI_2L);
}

/* ---- expand_array ------------------------------------------------------------ */

static void test_expand_array(void **state)
{
	unsigned int held = d->mm.held_count;
	unsigned int max = (d->event.max_ports + EVTCHN_FIFO_WORDS_PER_PAGE - 1) /
			   EVTCHN_FIFO_WORDS_PER_PAGE;

	(void)state;
	assert_int_equal(expand(v0, own_frame(d)), -XEN_EOPNOTSUPP);
	assert_int_equal(init_control(v0, 0, own_frame(d), 0), 0);
	assert_int_equal(expand(v0, d->shared_info_mfn), -XEN_EINVAL);
	assert_int_equal(expand(v0, mfn(0)), -XEN_EINVAL);
	assert_int_equal(d->event.fifo.nr_pages, 0);
	for (unsigned int i = 0; i < max; i++) {
		assert_int_equal(expand(v0, own_frame(d)), 0);
	}
	assert_int_equal(d->event.fifo.nr_pages, max);
	assert_int_equal(d->mm.held_count, held + 1 + max);
	assert_int_equal(expand(v0, own_frame(d)), -XEN_ENOSPC);
	assert_int_equal(d->mm.held_count, held + 1 + max);
	assert_int_equal(env_call(do_event_channel_op, v0, EVTCHNOP_expand_array, 0x1000, 0),
			 -XEN_EFAULT);
}

/* The array grows up to the manifest's port limit, and a port on a later
 * page raised before that page exists is delivered when it arrives. */
static void test_expand_limits(void **state)
{
	struct domain *big = env_domain_ports("big", 1, EVTCHN_MAX_PORTS);
	struct domain *small = env_domain_ports("small", 1, 64);
	struct vcpu *b0 = &big->vcpus[0], *s0 = &small->vcpus[0];
	evtchn_port_t p = 0;
	struct guest g = { 0 };
	mfn_t pages[EVTCHN_FIFO_MAX_PAGES];

	(void)state;
	assert_int_equal(init_control(s0, 0, own_frame(small), 0), 0);
	assert_int_equal(expand(s0, own_frame(small)), 0);
	assert_int_equal(expand(s0, own_frame(small)), -XEN_ENOSPC);

	assert_int_equal(init_control(b0, 0, own_frame(big), 0), 0);
	g.cb = b0->event.fifo.cb;
	for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_PAGES; i++) {
		pages[i] = own_frame(big);
	}
	g.array = arch_frame_map(pages[0]);
	assert_int_equal(expand(b0, pages[0]), 0);
	while (p < EVTCHN_FIFO_WORDS_PER_PAGE + 5) {
		p = env_bind_ipi(b0, 0);
	}
	assert_int_equal(env_port_op(b0, EVTCHNOP_send, p), 0);
	assert_false(evtchn_port_is_pending(big, p));
	assert_true(evtchn_port_is_masked(big, p));
	assert_false(upcall(b0));
	assert_int_equal(expand(b0, pages[1]), 0);
	assert_true(upcall(b0));
	assert_int_equal(g.cb->head[7], p);
	assert_true(evtchn_port_is_pending(big, p));
	for (unsigned int i = 2; i < EVTCHN_FIFO_MAX_PAGES; i++) {
		assert_int_equal(expand(b0, pages[i]), 0);
	}
	assert_int_equal(expand(b0, own_frame(big)), -XEN_ENOSPC);
	assert_int_equal(big->event.fifo.nr_pages, EVTCHN_FIFO_MAX_PAGES);
	/* Its word, on page 1, is pending and linked. */
	{
		event_word_t *w = (event_word_t *)arch_frame_map(pages[1]) +
				  p % EVTCHN_FIFO_WORDS_PER_PAGE;

		assert_true(*w & (1U << EVTCHN_FIFO_PENDING));
		assert_true(*w & (1U << EVTCHN_FIFO_LINKED));
	}
}

/* EVTCHNOP_reset on itself: every port closed, back to 2-level, the frames
 * released. */
static void test_reset(void **state)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };
	unsigned int held = d->mm.held_count;
	evtchn_port_t p;

	(void)state;
	go_fifo();
	p = env_bind_ipi(v0, 0);
	assert_int_equal(env_evtchn(v0, EVTCHNOP_reset, &r, sizeof(r)), 0);
	assert_int_equal(d->event.abi, EVTCHN_ABI_2L);
	assert_int_equal(d->mm.held_count, held);
	assert_int_equal(evtchn_get(d, p)->state, ECS_FREE);
	/* And FIFO can be set up again. */
	go_fifo();
}

/* ---- set_priority ------------------------------------------------------------ */

static void test_set_priority(void **state)
{
	evtchn_port_t p = env_bind_ipi(v0, 0);

	(void)state;
	assert_int_equal(set_priority(v0, p, 3), -XEN_ENOSYS);	/* 2-level */
	assert_int_equal(set_priority(v0, EVTCHN_MAX_PORTS, 3), -XEN_EINVAL);
	go_fifo();
	assert_int_equal(evtchn_fifo_priority(evtchn_get(d, p)), EVTCHN_FIFO_PRIORITY_DEFAULT);
	assert_int_equal(set_priority(v0, p, 16), -XEN_EINVAL);
	assert_int_equal(set_priority(v0, EVTCHN_MAX_PORTS, 3), -XEN_EINVAL);
	assert_int_equal(set_priority(v0, 0xffffffffU, 3), -XEN_EINVAL);
	assert_int_equal(evtchn_fifo_priority(evtchn_get(d, p)), EVTCHN_FIFO_PRIORITY_DEFAULT);
	assert_int_equal(set_priority(v0, p, 0), 0);
	assert_int_equal(evtchn_fifo_priority(evtchn_get(d, p)), 0);
	assert_int_equal(set_priority(v0, p, 15), 0);
	assert_int_equal(evtchn_fifo_priority(evtchn_get(d, p)), 15);
	/* Close and bind again: a fresh port has the default. */
	assert_int_equal(env_port_op(v0, EVTCHNOP_close, p), 0);
	assert_int_equal(env_bind_ipi(v0, 0), p);
	assert_int_equal(evtchn_fifo_priority(evtchn_get(d, p)), EVTCHN_FIFO_PRIORITY_DEFAULT);
}

/* ---- queues ---------------------------------------------------------------- */

static void test_queue_order(void **state)
{
	evtchn_port_t p[3], a, b, c, out[8];

	(void)state;
	fifo_ports(p, 3);
	a = p[0];
	b = p[1];
	c = p[2];
	assert_false(upcall(v0));
	send(b);
	assert_true(upcall(v0));
	assert_int_equal(g0.cb->ready, 1U << EVTCHN_FIFO_PRIORITY_DEFAULT);
	assert_int_equal(g0.cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
	send(a);
	send(c);
	send(a);	/* already pending and linked: nothing more */
	assert_int_equal(*gword(&g0, b) & EVTCHN_FIFO_LINK_MASK, a);
	assert_int_equal(*gword(&g0, a) & EVTCHN_FIFO_LINK_MASK, c);
	assert_true(evtchn_port_is_pending(d, a));
	assert_int_equal(consume(v0, &g0, out, 8), 3);
	assert_int_equal(out[0], b);
	assert_int_equal(out[1], a);
	assert_int_equal(out[2], c);
	assert_false(evtchn_port_is_pending(d, a));
	/* Empty again: the next one is a new head with a new upcall. */
	send(c);
	assert_true(upcall(v0));
	assert_int_equal(g0.cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], c);
	assert_int_equal(consume(v0, &g0, out, 8), 1);
	assert_int_equal(out[0], c);
}

static void test_priorities(void **state)
{
	evtchn_port_t p[3], lo, mid, hi, out[8];

	(void)state;
	fifo_ports(p, 3);
	lo = p[0];
	mid = p[1];
	hi = p[2];
	assert_int_equal(set_priority(v0, lo, 12), 0);
	assert_int_equal(set_priority(v0, hi, 2), 0);
	send(lo);
	send(mid);
	send(hi);
	assert_int_equal(g0.cb->ready, (1U << 12) | (1U << 7) | (1U << 2));
	assert_int_equal(consume(v0, &g0, out, 8), 3);
	assert_int_equal(out[0], hi);
	assert_int_equal(out[1], mid);
	assert_int_equal(out[2], lo);
}

/* A port changes queue while it is still the tail of the old one: linking
 * onto the old queue later must not write into its word. */
static void test_queue_change(void **state)
{
	evtchn_port_t p[2], a, b, out[8];

	(void)state;
	fifo_ports(p, 2);
	a = p[0];
	b = p[1];
	send(a);
	assert_int_equal(consume(v0, &g0, out, 8), 1);
	assert_int_equal(v0->event.fifo.tail[7], a);
	assert_int_equal(set_priority(v0, a, 1), 0);
	send(a);
	assert_int_equal(v0->event.fifo.tail[7], 0);
	assert_int_equal(v0->event.fifo.tail[1], a);
	send(b);	/* queue 7 again: a new head, a's word untouched */
	assert_int_equal(g0.cb->head[7], b);
	assert_int_equal(*gword(&g0, a) & EVTCHN_FIFO_LINK_MASK, 0);
	assert_int_equal(consume(v0, &g0, out, 8), 2);
	assert_int_equal(out[0], a);
	assert_int_equal(out[1], b);
	/* A port of vCPU 1, which has no control block: it stays pending and
	 * unlinked (an unmask after the registration links it). */
	b = env_bind_ipi(v0, 1);
	gunmask(&g0, b);
	send(b);
	assert_true(evtchn_port_is_pending(d, b));
	assert_int_equal(*gword(&g0, b) & (1U << EVTCHN_FIFO_LINKED), 0);
}

static void test_masked(void **state)
{
	evtchn_port_t p, out[4];

	(void)state;
	go_fifo();
	p = env_bind_ipi(v0, 0);
	send(p);	/* masked (as Linux starts them) */
	assert_true(evtchn_port_is_pending(d, p));
	assert_true(evtchn_port_is_masked(d, p));
	assert_false(upcall(v0));
	assert_int_equal(g0.cb->ready, 0);
	/* Linux unmasks a pending port with the hypercall: it is linked now. */
	assert_int_equal(env_port_op(v0, EVTCHNOP_unmask, p), 0);
	assert_false(evtchn_port_is_masked(d, p));
	assert_true(upcall(v0));
	assert_int_equal(consume(v0, &g0, out, 4), 1);
	assert_int_equal(out[0], p);
	/* The hypervisor's clear (a rebind) drops P only. */
	send(p);
	evtchn_port_clear_pending(d, p);
	assert_false(evtchn_port_is_pending(d, p));
	assert_int_equal(consume(v0, &g0, out, 4), 0);
}

/* Pending in 2-level at the switch (the bit moves out of shared_info), or
 * raised before the page: raised when the page arrives; a port closed
 * meanwhile is not. */
static void test_early_events(void **state)
{
	evtchn_port_t a, b, c, out[4];
	mfn_t arr = own_frame(d);
	event_word_t *words = arch_frame_map(arr);

	(void)state;
	a = env_bind_ipi(v0, 0);
	b = env_bind_ipi(v0, 0);
	c = env_bind_ipi(v0, 0);
	send(a);
	assert_true(env_pending(d, a));
	assert_int_equal(init_control(v0, 0, own_frame(d), 0), 0);
	/* Moved out of shared_info, so nothing stale is left there for a
	 * return to 2-level (EVTCHNOP_reset) to raise. */
	assert_false(evtchn_2l_is_pending(d, a));
	send(b);
	send(c);
	assert_false(evtchn_port_is_pending(d, b));	/* no word yet */
	assert_int_equal(env_port_op(v0, EVTCHNOP_close, c), 0);
	g0 = (struct guest){ .cb = v0->event.fifo.cb, .array = words };
	vcpu_info_of(v0)->evtchn_upcall_pending = 0;	/* a's 2-level upcall */
	assert_int_equal(expand(v0, arr), 0);	/* words unmasked: zero */
	assert_true(upcall(v0));
	assert_int_equal(consume(v0, &g0, out, 4), 2);
	assert_int_equal(out[0], a);
	assert_int_equal(out[1], b);
	assert_int_equal(words[c], 0);
}

/* A VIRQ through FIFO, and pollers woken by a FIFO event. */
static void test_virq(void **state)
{
	evtchn_port_t p, out[4];

	(void)state;
	go_fifo();
	p = env_bind_virq(v0, VIRQ_DEBUG, 0);
	gunmask(&g0, p);
	evtchn_send_virq(v0, VIRQ_DEBUG);
	assert_true(upcall(v0));
	assert_int_equal(consume(v0, &g0, out, 4), 1);
	assert_int_equal(out[0], p);
}

/* SCHEDOP_poll on a FIFO port: returns at once when it is pending, else
 * sleeps until that port (masked or not) becomes pending. */
#define POLL_VA  (GUEST_VA + PAGE_SIZE)
#define PORTS_VA (GUEST_VA + PAGE_SIZE + 64)

static evtchn_port_t poll_a, poll_b;
static unsigned int away_calls;

static void away_poll(struct vcpu *prev, struct vcpu *next)
{
	(void)prev;
	(void)next;
	away_calls++;
	assert_true(v0->event.polling);
	send(poll_b);	/* not the polled port: sleeps on */
	assert_int_equal(v0->state, VCPU_BLOCKED);
	send(poll_a);	/* masked, but pending now: wakes it */
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_false(v0->event.polling);
}

static int64_t poll_one(evtchn_port_t port)
{
	struct sched_poll p = { .ports = PORTS_VA, .nr_ports = 1,
				.timeout = arch_time_ns() + 50000000 };

	memcpy(guest_buf + (POLL_VA - GUEST_VA), &p, sizeof(p));
	memcpy(guest_buf + (PORTS_VA - GUEST_VA), &port, sizeof(port));
	return sched_op_poll(v0, POLL_VA);
}

static void test_poll(void **state)
{
	(void)state;
	go_fifo();
	poll_a = env_bind_ipi(v0, 0);
	poll_b = env_bind_ipi(v0, 0);
	evtchn_periodic_set(v0, 0);
	evtchn_periodic_set(v1, 0);
	vcpu_info_of(v0)->evtchn_upcall_mask = 1;	/* Linux polls with events masked */
	fake_switch_set_hook(away_poll);
	assert_int_equal(poll_one(poll_a), 0);
	assert_int_equal(away_calls, 1);
	/* Pending already: at once. */
	assert_int_equal(poll_one(poll_a), 0);
	assert_int_equal(away_calls, 1);
	fake_switch_set_hook(NULL);
}

static void test_destroy(void **state)
{
	unsigned int held;
	evtchn_port_t p, out[4];

	(void)state;
	held = d->mm.held_count;
	go_fifo();
	assert_int_equal(init_control(v0, 1, own_frame(d), 0), 0);
	assert_int_equal(d->mm.held_count, held + 3);
	p = env_bind_ipi(v0, 0);
	assert_int_equal(set_priority(v0, p, 4), 0);
	evtchn_fifo_destroy(d);
	assert_int_equal(d->event.abi, EVTCHN_ABI_2L);
	assert_int_equal(d->mm.held_count, held);
	assert_null(v0->event.fifo.cb);
	assert_int_equal(d->event.fifo.nr_pages, 0);
	evtchn_fifo_destroy(d);	/* idempotent */
	/* 2-level again. */
	send(p);
	assert_true(env_pending(d, p));
	/* And FIFO again, from scratch: the port is back on the default. */
	memset(&g0, 0, sizeof(g0));
	go_fifo();
	assert_int_equal(evtchn_fifo_priority(evtchn_get(d, p)), EVTCHN_FIFO_PRIORITY_DEFAULT);
	/* Carried from 2-level: pending, so Linux unmasks it by hypercall. */
	assert_int_equal(env_port_op(v0, EVTCHNOP_unmask, p), 0);
	assert_int_equal(consume(v0, &g0, out, 4), 1);
	assert_int_equal(out[0], p);
}

/* ---- a hostile guest --------------------------------------------------------- */

static void test_hostile_words(void **state)
{
	evtchn_port_t p[3], a, b, c;

	(void)state;
	fifo_ports(p, 3);
	a = p[0];
	b = p[1];
	c = p[2];
	send(a);
	send(b);
	/* A cycle a -> b -> a, a LINK far beyond the array, BUSY forever on
	 * the tail, garbage heads: the hypervisor never follows a link, so
	 * every send returns, and it only ever writes inside the frames. */
	g0.array[b] |= a;
	g0.array[a] = (g0.array[a] & ~EVTCHN_FIFO_LINK_MASK) | EVTCHN_FIFO_LINK_MASK;
	g0.array[b] |= 1U << EVTCHN_FIFO_BUSY;
	g0.cb->head[7] = 0xffffffffU;
	g0.cb->ready = 0xffffffffU;
	send(c);
	assert_int_equal(g0.array[b] & EVTCHN_FIFO_LINK_MASK, c);	/* b was the tail */
	assert_int_equal(g0.array[b] & (1U << EVTCHN_FIFO_BUSY), 0);
	/* Every bit pattern in every word the hypervisor may look at. */
	for (unsigned int round = 0; round < 64; round++) {
		uint32_t pattern = 0x9e3779b9U * (round + 1);

		for (unsigned int i = 0; i < EVTCHN_FIFO_WORDS_PER_PAGE; i++) {
			g0.array[i] = pattern ^ (i * 0x01000193U);
		}
		for (unsigned int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++) {
			g0.cb->head[q] = pattern + q;
		}
		send(a);
		send(b);
		send(c);
		assert_int_equal(env_port_op(v0, EVTCHNOP_unmask, a), 0);
		evtchn_port_clear_pending(d, b);
		assert_true(v0->event.fifo.tail[7] < EVTCHN_MAX_PORTS);
	}
	/* The guest-side consumer (bounded) may lose events, nothing worse. */
	{
		evtchn_port_t out[8];

		(void)consume(v0, &g0, out, 8);
	}
}

/* The tail word unlinked by the guest between two events: a new head. */
static void test_hostile_unlink(void **state)
{
	evtchn_port_t p[2], a, b;

	(void)state;
	fifo_ports(p, 2);
	a = p[0];
	b = p[1];
	send(a);
	g0.array[a] &= ~(1U << EVTCHN_FIFO_LINKED);
	g0.cb->ready = 0;
	send(b);
	assert_int_equal(g0.cb->head[7], b);
	assert_int_equal(g0.cb->ready, 1U << 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_control_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_control_hold_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expand_array, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expand_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_priority, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priorities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_unlink, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
