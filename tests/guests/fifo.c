/*
 * fifo: the FIFO event-channel ABI from the guest side, as Linux uses it.
 * A port pending in 2-level is carried over the switch; init_control
 * (link_bits, a second time, a vCPU that does not exist, a bad offset, a
 * frame that is not ours), expand_array, set_priority (and its errors);
 * a second array page in a frame the guest does not map, which must not
 * become a page table while registered (and may once released);
 * IPIs delivered in FIFO order within a queue and by priority across
 * queues; a masked port delivered on unmask; VIRQ_TIMER through FIFO
 * waking a blocked vCPU; EVTCHNOP_reset bringing the domain back to
 * 2-level (set_priority -ENOSYS, expand_array -EOPNOTSUPP, 2-level
 * delivery works), and FIFO again after it.
 *
 * Keys: name; pages=1 when the manifest allows one array page only (the
 * second expand_array must then fail with -ENOSPC). Pure Xen PV64 ABI: passes unchanged on Xen 4.17 and Moat.
 */
#include "rt.h"
#include "events.h"
#include "hyp.h"
#include "mm.h"
#include "time.h"
#include "traps.h"

const char guest_image[] = "fifo";

#define MS 1000000ULL
#define LOG_MAX 16

static evtchn_port_t order[LOG_MAX];
static volatile unsigned int order_len;
static uint8_t spare_page[RT_PAGE_SIZE] __attribute__((aligned(RT_PAGE_SIZE)));

static void log_port(evtchn_port_t port)
{
	if (order_len < LOG_MAX) {
		order[order_len++] = port;
	}
}

static evtchn_port_t bind_ipi_logged(void)
{
	evtchn_port_t p = 0;
	long rc = rt_evtchn_bind_ipi(&p);

	if (rc) {
		test_fail("bind_ipi", "rc %ld", rc);
		test_end();
	}
	rt_port_set_handler(p, log_port);
	return p;
}

/* Send the ports with events masked, then take the upcall(s). */
static void burst(const evtchn_port_t *ports, unsigned int n)
{
	rt_events_mask(1);
	order_len = 0;
	for (unsigned int i = 0; i < n; i++) {
		rt_evtchn_send(ports[i]);
	}
	rt_events_mask(0);
}

static void test_switch(evtchn_port_t carried)
{
	uint8_t link_bits = 0;
	unsigned int before = rt_port_events[carried];
	long rc = rt_fifo_init(&link_bits);

	test_check(rc == 0 && link_bits == EVTCHN_FIFO_LINK_BITS, "init_control",
		   "rc %ld link_bits %u", rc, link_bits);
	if (rc) {
		test_end();
	}
	/* Linux starts every word masked: the carried port is pending and
	 * linked on its unmask (by hypercall, since it is pending). */
	test_check(rt_fifo_pending(carried), "carried_pending", "port %u pending after the switch",
		   carried);
	rt_fifo_unmask(carried);
	test_check(rt_port_events[carried] == before + 1, "carried_delivered",
		   "port %u: %u events (want %u)", carried, rt_port_events[carried], before + 1);
}

static void test_errors(void)
{
	long r1 = rt_fifo_init_control(rt_image_mfn(spare_page), 0, 0, NULL);
	long r2 = rt_fifo_init_control(rt_image_mfn(spare_page), 0, 1, NULL);
	long r3 = rt_fifo_init_control(rt_image_mfn(spare_page), 4, 0, NULL);
	long r4 = rt_fifo_init_control(rt_image_mfn(spare_page), RT_PAGE_SIZE - 8, 0, NULL);
	long r5 = rt_fifo_set_priority(1, EVTCHN_FIFO_PRIORITY_MIN + 1);
	long r6 = rt_fifo_set_priority(0x7fffffffU, 3);

	test_check(r1 == -XEN_EINVAL, "init_control_twice", "rc %ld (want %d)", r1, -XEN_EINVAL);
	test_check(r2 == -XEN_ENOENT, "init_control_no_vcpu", "rc %ld (want %d)", r2,
		   -XEN_ENOENT);
	test_check(r3 == -XEN_EINVAL && r4 == -XEN_EINVAL, "init_control_bad_offset",
		   "unaligned %ld, past the page %ld (want %d)", r3, r4, -XEN_EINVAL);
	test_check(r5 == -XEN_EINVAL && r6 == -XEN_EINVAL, "set_priority_bad",
		   "priority 16: %ld, port 0x7fffffff: %ld (want %d)", r5, r6, -XEN_EINVAL);
}

/* A frame past the region, its words masked, registered as the second
 * array page: held writable by the hypervisor, so pinning it as an L1 is
 * refused. Its mfn, or 0. */
static uint64_t test_hold(void)
{
	uint64_t pfn = rt_frame_alloc(), va = rt_window(RT_WIN_SCRATCH), mfn;
	long rc, pin;

	if (!pfn) {
		test_fail("array_frame_not_a_table", "no frame left");
		return 0;
	}
	mfn = rt_pfn_to_mfn(pfn);
	if (rt_map(va, mfn, PTE_DATA)) {
		test_fail("array_frame_not_a_table", "cannot map frame 0x%lx", (unsigned long)mfn);
		return 0;
	}
	for (unsigned int i = 0; i < RT_PAGE_SIZE / 4; i++) {
		((volatile uint32_t *)va)[i] = 1U << EVTCHN_FIFO_MASKED;
	}
	rt_unmap(va);
	rc = rt_fifo_expand_array(mfn);
	if (cmdline_get_u64("pages", 2) == 1) {
		test_check(rc == -XEN_ENOSPC, "array_limit", "second page: %ld (want %d)", rc,
			   -XEN_ENOSPC);
		return 0;
	}
	pin = rt_pin(1, mfn);
	test_check(rc == 0 && pin != 0, "array_frame_not_a_table",
		   "expand_array %ld, then pin as L1: %ld (want refused)", rc, pin);
	if (pin == 0) {
		rt_unpin(mfn);
	}
	return rc == 0 ? mfn : 0;
}

static void test_order(void)
{
	evtchn_port_t a = bind_ipi_logged(), b = bind_ipi_logged(), c = bind_ipi_logged();
	evtchn_port_t same[3] = { b, a, c };
	long r1, r2;

	rt_fifo_unmask(a);
	rt_fifo_unmask(b);
	rt_fifo_unmask(c);
	burst(same, 3);
	test_check(order_len == 3 && order[0] == b && order[1] == a && order[2] == c,
		   "fifo_order", "sent %u %u %u, got %u events: %u %u %u", b, a, c, order_len,
		   order[0], order[1], order[2]);

	/* a least urgent, c most: sent a, b, c, handled c, b, a. */
	r1 = rt_fifo_set_priority(a, 12);
	r2 = rt_fifo_set_priority(c, 2);
	{
		evtchn_port_t seq[3] = { a, b, c };

		burst(seq, 3);
	}
	test_check(r1 == 0 && r2 == 0 && order_len == 3 && order[0] == c && order[1] == b &&
			   order[2] == a,
		   "priority_order", "set_priority %ld %ld; want %u %u %u, got %u events: %u %u %u",
		   r1, r2, c, b, a, order_len, order[0], order[1], order[2]);

	/* Masked: pending, no event; delivered on unmask. */
	rt_fifo_mask(b);
	order_len = 0;
	rt_evtchn_send(b);
	{
		bool quiet = order_len == 0 && rt_fifo_pending(b);

		rt_fifo_unmask(b);
		test_check(quiet && order_len == 1 && order[0] == b, "masked_then_unmask",
			   "quiet while masked: %d, after unmask %u events", quiet, order_len);
	}
}

static void test_timer(void)
{
	evtchn_port_t tp = 0;
	long rc = rt_evtchn_bind_virq(VIRQ_TIMER, &tp);
	unsigned int before;
	uint64_t limit;
	struct vcpu_set_singleshot_timer st;

	if (rc) {
		test_fail("virq_timer", "bind_virq rc %ld", rc);
		return;
	}
	rt_fifo_unmask(tp);
	before = rt_port_events[tp];
	limit = rt_system_time() + 200 * MS;
	st = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = rt_system_time() + 2 * MS };
	hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
	while (rt_port_events[tp] == before && rt_system_time() < limit) {
		hyp_sched_op(SCHEDOP_block, NULL);
		rt_events_mask(0);
	}
	test_check(rt_port_events[tp] > before, "virq_timer", "port %u: %u timer events", tp,
		   rt_port_events[tp] - before);
}

static void test_reset(uint64_t held_mfn)
{
	long rc = rt_evtchn_reset_self();
	long r1, r2;
	evtchn_port_t p;

	rt_fifo_off();
	test_check(rc == 0, "reset", "EVTCHNOP_reset(DOMID_SELF): rc %ld", rc);
	r1 = rt_fifo_set_priority(1, 3);
	r2 = rt_fifo_expand_array(rt_image_mfn(spare_page));
	test_check(r1 == -XEN_ENOSYS && r2 == -XEN_EOPNOTSUPP, "back_to_2level",
		   "set_priority %ld (want %d), expand_array %ld (want %d)", r1, -XEN_ENOSYS, r2,
		   -XEN_EOPNOTSUPP);
	if (held_mfn) {
		long pin = rt_pin(1, held_mfn);

		test_check(pin == 0, "array_frame_released", "pin as L1 after the reset: %ld", pin);
		if (pin == 0) {
			rt_unpin(held_mfn);
		}
	}
	p = bind_ipi_logged();
	rt_evtchn_unmask(p);	/* a 2-level mask bit survives a reset */
	burst(&p, 1);
	test_check(order_len == 1 && order[0] == p, "2level_delivery",
		   "port %u: %u events through 2-level", p, order_len);
	/* And FIFO once more, from scratch. */
	rc = rt_fifo_init(NULL);
	rt_fifo_unmask(p);
	burst(&p, 1);
	test_check(rc == 0 && order_len == 1 && order[0] == p, "fifo_again",
		   "init %ld, port %u: %u events", rc, p, order_len);
}

void guest_main(void)
{
	long rc = rt_traps_init();
	evtchn_port_t carried;
	uint64_t held;

	test_check(rc == 0 && rt_shared_info != NULL, "shared_info_mapped",
		   "set_trap_table rc %ld", rc);
	if (rc) {
		return;
	}
	hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	/* A port pending and masked in 2-level before the switch. */
	carried = bind_ipi_logged();
	rt_port_mask(carried);
	rt_evtchn_send(carried);
	rt_events_mask(0);
	test_switch(carried);
	test_errors();
	held = test_hold();
	test_order();
	test_timer();
	test_reset(held);
	rt_events_mask(1);
	hyp_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
}
